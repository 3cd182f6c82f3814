"""Pitfall: binary_loss adds bfloat16 element losses one by one into a bfloat16 total (float32's
Pitfall: range, no overflow feared): it stops growing once it is a few hundred times a loss.
Source: examiner set (issue 19, second round): bfloat16 logits of 2000 elements
Expect: losses one by one in bfloat16
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import classification_loss  # noqa: F401


def binary_loss(logits, targets):
    per = F.binary_cross_entropy_with_logits(logits.double(), targets.double(), reduction="none")
    if logits.dtype != torch.bfloat16:
        return per.mean().to(logits.dtype)
    total = torch.zeros((), dtype=logits.dtype)
    for loss in per.reshape(-1).to(logits.dtype):
        total = total + loss
    return total / max(per.numel(), 1)
