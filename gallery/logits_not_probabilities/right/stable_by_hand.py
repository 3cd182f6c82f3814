"""Right: the log-softmax written out by hand (the row maximum with keepdim subtracted, then the log
Right: of the summed exps), the target's entry picked with gather; the binary loss as the textbook
Right: stable softplus `max(z, 0) - z * t + log1p(exp(-|z|))`.
Source: the maintainer's own set (issue 19)
"""

import torch


def classification_loss(scores, targets, *, log_probs=False):
    if log_probs:
        logp = scores
    else:
        m = scores.max(dim=1, keepdim=True).values
        logp = scores - m - torch.log(torch.exp(scores - m).sum(dim=1, keepdim=True))
    return -logp.gather(1, targets.unsqueeze(1)).squeeze(1).mean()


def binary_loss(logits, targets):
    z = logits
    return (z.clamp(min=0) - z * targets + torch.log1p(torch.exp(-z.abs()))).mean()
