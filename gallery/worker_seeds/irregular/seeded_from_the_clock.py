"""Pitfall: the generator is seeded from the clock (`time.time_ns()`), in each process:
Pitfall: the workers differ, but no torch seed reproduces the main process's noise.
Source: the maintainer's own irregular set (issue 19): torch's seed set twice in the main process
Expect: the noise does not restart with torch's seed
"""

import os
import time

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.start()

    def start(self):
        self.pid = os.getpid()
        self.generator = torch.Generator().manual_seed(time.time_ns())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.start()
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
