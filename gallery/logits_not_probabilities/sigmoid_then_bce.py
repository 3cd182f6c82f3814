"""Pitfall: a sigmoid and then `BCELoss`: past |logit| ~ 17 the sigmoid rounds to 0 or 1 in
float32, the loss is clipped and the gradient of a confidently wrong prediction vanishes.
Source: Karpathy, "most common neural net mistakes" (2018), item 4 (give the loss raw logits);
PyTorch's `BCEWithLogitsLoss` documentation (the log-sum-exp trick, more stable than a sigmoid
followed by BCELoss).
Expect: the sigmoid saturated
"""

import torch
import torch.nn.functional as F

from solutions.logits_not_probabilities import *  # noqa: F401,F403 - the reference, but for the line below


def binary_loss(logits, targets):
    return F.binary_cross_entropy(torch.sigmoid(logits), targets)  # sigmoid outside the loss
