"""Pitfall: `seed_worker` is made by a function (a closure over the dataset's name):
Pitfall: spawn cannot pickle a function defined inside another.
Source: the maintainer's own irregular set (issue 19): pickling seed_worker
Expect: seed_worker cannot be pickled
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
        return x + self.noise * e


def make_seed_worker():
    def seed_worker(worker_id):
        pass

    return seed_worker


seed_worker = make_seed_worker()
