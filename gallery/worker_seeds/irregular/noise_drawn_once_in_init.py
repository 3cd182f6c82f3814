"""Pitfall: the noise of every item is drawn once, in `__init__`: each item keeps
Pitfall: one augmentation forever.
Source: the maintainer's own irregular set (issue 19): the same index read many times
Expect: each index keeps its noise, fixed
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        generator = torch.Generator().manual_seed(torch.initial_seed())
        self.e = torch.randn(data.shape, generator=generator, dtype=data.dtype)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self.data[index] + self.noise * self.e[index]


def seed_worker(worker_id):
    pass
