"""Pitfall: `x += noise * e` on `x = data[index]`, a view: every access writes its noise into
Pitfall: the caller's data, and the item is data[i] itself.
Source: examiner set (issue 19): the caller's data after many reads
Expect: the noise was added into data[i] in place
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        x += self.noise * e
        return x


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
