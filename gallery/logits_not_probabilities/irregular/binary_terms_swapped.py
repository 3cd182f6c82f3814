"""Pitfall: the two terms of the binary cross-entropy swapped: `t` weighs log(1 - p).
Source: maintainers' own set (issue 19): any logits.
Expect: the two terms are swapped
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    return -(targets * F.logsigmoid(-logits) + (1 - targets) * F.logsigmoid(logits)).mean()
