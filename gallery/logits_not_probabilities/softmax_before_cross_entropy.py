"""Pitfall: softmax applied to the scores before `F.cross_entropy`, which applies log_softmax itself
(no error: the loss is squashed, the gradients shrink, learning slows).
Source: Karpathy, "most common neural net mistakes" (2018): "you passed softmaxed outputs to a loss
that expects raw logits".
Expect: softmax applied before the cross-entropy
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    probs = F.softmax(scores, dim=1)  # probabilities...
    return F.cross_entropy(probs, targets)  # ...given to a loss that expects logits
