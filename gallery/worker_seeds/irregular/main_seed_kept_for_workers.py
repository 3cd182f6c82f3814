"""Pitfall: the dataset notices a new process (right), but seeds the new
Pitfall: generator with the seed it noted in `__init__`, the main process's: every worker
Pitfall: draws the same noise.
Source: the maintainer's own irregular set (issue 19): two fork workers
Expect: every worker drew the same noise
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.seed = torch.initial_seed()
        self.start()

    def start(self):
        self.pid = os.getpid()
        self.generator = torch.Generator().manual_seed(self.seed)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.start()
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
