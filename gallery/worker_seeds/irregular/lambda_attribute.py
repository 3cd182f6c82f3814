"""Pitfall: The draw is a lambda kept as an attribute of the dataset: spawn (macOS, Windows)
Pitfall: cannot pickle the dataset.
Source: examiner set (issue 19): a pickle round trip of the dataset
Expect: It holds a lambda
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())
        self.draw = lambda x: torch.randn(x.shape, generator=self.generator, dtype=x.dtype)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = self.draw(x)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
