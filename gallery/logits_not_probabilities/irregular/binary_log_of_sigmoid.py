"""Pitfall: the binary loss written with `log(sigmoid(z))` and `log(1 - sigmoid(z))`: past |z| of
about 17 in float32 the sigmoid rounds to 0 or 1 and the loss is inf.
Source: maintainers' own set (issue 19): confidently wrong logits (40, 25 with target 0).
Expect: the "no" term is `log(1 - sigmoid(z))`
"""

import torch

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
