"""Pitfall: the loss rebuilt from its value, `torch.tensor(loss.item(), requires_grad=True)`: a new
leaf that backward stops at.
Source: maintainers' own set (issue 19): scores that require grad.
Expect: the loss is a leaf tensor
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def classification_loss(scores, targets, *, log_probs=False):
    loss = F.nll_loss(scores, targets) if log_probs else F.cross_entropy(scores, targets)
    return torch.tensor(loss.item(), dtype=scores.dtype, requires_grad=True)
