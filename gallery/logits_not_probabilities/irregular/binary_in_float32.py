"""Pitfall: the binary loss computed in float32 (`.float()`) whatever the logits' dtype.
Source: maintainers' own set (issue 19): float64 logits.
Expect: float64 logits were computed in float32
"""

import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the lines below


def binary_loss(logits, targets):
    return F.binary_cross_entropy_with_logits(logits.float(), targets.float())
