"""logits_not_probabilities: a classifier's loss from raw scores (reference solution)."""

import torch
import torch.nn.functional as F


HALF = (torch.float16, torch.bfloat16)


def classification_loss(scores, targets, *, log_probs=False):
    """Mean cross-entropy of logits, or of log-probabilities when `log_probs` is True."""
    # Half-precision scores are computed in float32 and the loss cast back: the 'mean' of
    # F.cross_entropy / F.nll_loss adds the per-example losses in the scores' dtype before
    # dividing, and in float16 that sum overflows past 65504 although the mean may not.
    z = scores.float() if scores.dtype in HALF else scores
    if log_probs:
        # The network already ended with log_softmax (the MNIST example): only the negative
        # log-likelihood is left to take.
        loss = F.nll_loss(z, targets)
    else:
        # cross_entropy = log_softmax + nll_loss, computed stably (log-sum-exp) from the raw
        # scores. No softmax before it: that would squash the scores and shrink every gradient.
        loss = F.cross_entropy(z, targets)
    # Both pick the target's entry (a masked class's -inf never meets a 0 in a product), take
    # any layout, and return a 0-dim loss; it keeps the scores' own dtype.
    return loss.to(scores.dtype)


def binary_loss(logits, targets):
    """Mean binary cross-entropy from logits: the sigmoid is folded into the loss, stably."""
    return F.binary_cross_entropy_with_logits(logits, targets.to(logits.dtype))
