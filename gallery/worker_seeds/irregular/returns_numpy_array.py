"""Pitfall: the item is computed in NumPy and returned as a NumPy array, not a tensor.
Source: the maintainer's own irregular set (issue 19): the item's type
Expect: NumPy's result must become a tensor again
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
        x = self.data[index].numpy()
        return (x + self.noise * self.rng.standard_normal(x.shape)).astype(x.dtype)


def seed_worker(worker_id):
    pass
