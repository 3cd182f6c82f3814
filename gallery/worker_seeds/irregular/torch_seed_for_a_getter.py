"""Pitfall: `torch.seed()` taken for a getter: it sets torch's global seed anew, at random,
Pitfall: so the main process follows no seed and the caller's seeding is gone.
Source: examiner set (issue 19): torch.initial_seed() after a dataset is made
Expect: `torch.seed()` does that
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
