"""Pitfall: noise taken for a variance: `x + sqrt(noise) * e`.
Source: the maintainer's own irregular set (issue 19): noise far from 1
Expect: noise was taken for a variance
"""

import math
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
        return x + math.sqrt(self.noise) * e


def seed_worker(worker_id):
    pass
