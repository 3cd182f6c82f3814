"""Pitfall: the mean of batch means: a short tail batch weighs as much as a full one.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼) (test() sums with reduction='sum' and
divides by len(dataset); averaging the batch means instead is the pitfall).
Expect: this is the mean of batch means
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403 - the reference, but for the lines below


def dataset_mean_loss(net, loss_fn, batches):
    with torch.no_grad():
        means = [loss_fn(net(X), y).item() for X, y in batches]
    return sum(means) / len(means)  # each batch weighs the same, whatever its size
