"""logits_not_probabilities: a classifier's loss from raw scores (reference solution)."""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    """Mean cross-entropy of logits, or of log-probabilities when `log_probs` is True."""
    if log_probs:
        # The network already ended with log_softmax (the MNIST example): only the negative
        # log-likelihood is left to take.
        return F.nll_loss(scores, targets)
    # cross_entropy = log_softmax + nll_loss, computed stably (log-sum-exp) from the raw scores.
    # No softmax before it: that would squash the scores and shrink every gradient.
    # Both pick the target's entry (a masked class's -inf never meets a 0 in a product), take
    # any layout, and return a 0-dim loss of the scores' own dtype.
    return F.cross_entropy(scores, targets)


def binary_loss(logits, targets):
    """Mean binary cross-entropy from logits: the sigmoid is folded into the loss, stably."""
    return F.binary_cross_entropy_with_logits(logits, targets.to(logits.dtype))
