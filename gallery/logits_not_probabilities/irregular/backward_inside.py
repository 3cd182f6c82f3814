"""Pitfall: the loss backpropagated inside the function as well as by the caller: the gradients add
up, twice the gradient of the loss.
Source: maintainers' own set (issue 19): the gradient that reaches the scores.
Expect: `backward()` ran twice
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    loss = F.nll_loss(scores, targets) if log_probs else F.cross_entropy(scores, targets)
    if loss.requires_grad:
        loss.backward(retain_graph=True)  # "so that the gradients are ready"
    return loss
