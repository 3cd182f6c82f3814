"""Right: the MNIST network of article 004 done right for both kinds of scores: its `forward` ends
Right: with `F.log_softmax(x, dim=1)` and its train() takes `F.nll_loss(output, target)`, so raw
Right: scores go through that log_softmax first and log-probabilities go to nll_loss as they are;
Right: a yes/no logit is the two-class case, log_softmax over the scores (0, logit).
Right: Half types are computed in float32 and the loss cast back: the 'mean' of these losses adds
Right: the per-example losses in the scores' dtype, and a float16 sum overflows past 65504.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼), done right
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    # the network's last line, unless the network already ran it
    wide = scores.float() if scores.dtype in (torch.float16, torch.bfloat16) else scores
    output = wide if log_probs else F.log_softmax(wide, dim=1)
    return F.nll_loss(output, targets).to(scores.dtype)  # the loss line of train()


def binary_loss(logits, targets):
    # sigmoid(z) is the softmax of the two scores (0, z): log_softmax gives log(1 - p) and log p
    output = F.log_softmax(torch.stack([torch.zeros_like(logits), logits], dim=-1), dim=-1)
    targets = targets.to(logits.dtype)
    return -(targets * output[..., 1] + (1 - targets) * output[..., 0]).mean()
