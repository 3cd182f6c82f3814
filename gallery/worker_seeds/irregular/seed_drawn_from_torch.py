"""Pitfall: the dataset's seed is drawn from torch's global generator in `__init__`
Pitfall: (`torch.randint`): making a dataset changes the caller's next random numbers.
Source: the maintainer's own irregular set (issue 19): the caller's draws from torch after a dataset is made
Expect: the dataset drew from it (or seeded it) while being made
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.pid = os.getpid()
        seed = int(torch.randint(2**62, ()))  # a seed of its own, from torch's
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.pid = os.getpid()
            self.generator = torch.Generator().manual_seed(torch.initial_seed())
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
