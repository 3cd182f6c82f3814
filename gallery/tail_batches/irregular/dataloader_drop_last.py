"""Pitfall: a DataLoader with drop_last=True: the tail never comes out.
Source: the maintainers' own irregular set (issue 19): sizes that do not divide evenly
Expect: of the shuffled order never came out
"""

from torch.utils.data import DataLoader, TensorDataset

from solutions.tail_batches import *  # noqa: F401,F403


def data_iter(batch_size, features, labels, *, generator=None):
    yield from DataLoader(TensorDataset(features, labels), batch_size=batch_size, shuffle=True,
                          generator=generator, drop_last=True)
