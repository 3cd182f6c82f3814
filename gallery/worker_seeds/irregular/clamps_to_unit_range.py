"""Pitfall: the item is clamped to [0, 1], as for an image: `torch.clamp(x + noise * e,
Pitfall: 0, 1)`; data outside [0, 1] no longer comes back as it was.
Source: the maintainer's own irregular set (issue 19): noise=0 on data outside [0, 1]
Expect: with noise=0 an item must be data[i] exactly
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.start()

    def start(self):
        self.pid = os.getpid()
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.start()
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return torch.clamp(x + self.noise * e, 0, 1)


def seed_worker(worker_id):
    pass
