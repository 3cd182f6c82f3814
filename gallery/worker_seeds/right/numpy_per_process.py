"""Right: a NumPy generator of the dataset's own, `np.random.default_rng(torch.initial_seed())`
(it takes a 64-bit seed), made again at the first draw in each process; the float64 noise is
converted to the item's dtype before it is added.
Source: the maintainer's own set (issue 19): the article's NumPy generator, done right
"""

import os

import numpy as np
import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
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
        e = torch.from_numpy(self.rng.standard_normal(tuple(x.shape))).to(x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    pass
