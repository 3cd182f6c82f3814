"""Pitfall: The dataset seeds itself (right), and `seed_worker = None`: DataLoader accepts
Pitfall: it, but the contract asks for a function.
Source: examiner set (issue 19): `seed_worker` itself
Expect: seed_worker is None, not a function
"""

import os

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.pid = os.getpid()
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():  # a copy in a worker: start from the worker's seed
            self.pid = os.getpid()
            self.generator = torch.Generator().manual_seed(torch.initial_seed())
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


# The dataset seeds itself in every process: there is nothing for a worker_init_fn to do.
seed_worker = None
