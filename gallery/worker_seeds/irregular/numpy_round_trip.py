"""Pitfall: the item goes through NumPy (`x.numpy() + noise * e`), and NumPy has no
Pitfall: bfloat16: bfloat16 data raise a TypeError.
Source: the maintainer's own irregular set (issue 19): bfloat16 data
Expect: NumPy has no bfloat16
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
        out = x.numpy() + self.noise * self.rng.standard_normal(tuple(x.shape))
        return torch.as_tensor(out).to(x.dtype)


def seed_worker(worker_id):
    pass
