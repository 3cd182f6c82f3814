"""Pitfall: `functools.partial(torch.randn, generator=self.generator)` binds the generator
Pitfall: made in the main process; `seed_worker` replaces the attribute, but the partial
Pitfall: keeps the copy fork made: every worker draws the same noise.
Source: examiner set (issue 19): two fork workers
Expect: every worker drew the same noise
"""

import functools

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())
        self._randn = functools.partial(torch.randn, generator=self.generator)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = self._randn(x.shape, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
