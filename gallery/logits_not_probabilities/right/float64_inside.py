"""Right: it computes in float64 and casts the loss back to the scores' dtype; the cast is
Right: differentiable, so the gradient still reaches the scores.
Shows on: float32, float64 and bfloat16 inputs (the result keeps the input's dtype), logits of 1000.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    z = scores.double()
    loss = F.nll_loss(z if log_probs else F.log_softmax(z, dim=1), targets)
    return loss.to(scores.dtype)


def binary_loss(logits, targets):
    loss = F.binary_cross_entropy_with_logits(logits.double(), targets.double())
    return loss.to(logits.dtype)
