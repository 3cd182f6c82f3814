"""Pitfall: a NumPy generator of the dataset's own (seeded per process, right), but its
Pitfall: float64 noise is added as it is: float32 data give float64 items.
Source: the maintainer's own irregular set (issue 19): float32 data (the item's dtype)
Expect: as NumPy's generators give it
"""

import os

import numpy as np
import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.start()

    def start(self):
        self.pid = os.getpid()
        self.rng = np.random.default_rng(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.start()
        x = self.data[index]
        return x + self.noise * torch.from_numpy(self.rng.standard_normal(tuple(x.shape)))


def seed_worker(worker_id):
    pass
