"""Pitfall: `F.nll_loss` on raw logits: it expects log-probabilities and only takes minus the
target's entry, so the "loss" is minus the target's score, unbounded below and negative.
Source: Karpathy, "most common neural net mistakes" (2018), item 4 (a loss given the wrong kind of
output); the PyTorch MNIST example pairs `nll_loss` with a network that ends in `log_softmax`.
Expect: nll_loss on raw logits
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the line below


def classification_loss(scores, targets, *, log_probs=False):
    return F.nll_loss(scores, targets)  # right for log-probabilities, wrong for logits
