"""Pitfall: a range that drops the tail: the last n % batch_size examples are never yielded.
Source: 003, notes on 《动手学深度学习》 linear regression ("如果样本数量不能整除batch_size,就导致有一些
样本始终取不到").
Expect: A range that drops the tail
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403 - the reference, but for the lines below


def data_iter(batch_size, features, labels, *, generator=None):
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)
    for i in range(0, num_examples - batch_size + 1, batch_size):  # stops before a short tail
        batch = indices[i : i + batch_size]
        yield features[batch], labels[batch]
