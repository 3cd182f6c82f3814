"""Pitfall: the dataset keeps a log file open (`self.log = open(...)`): an open file
Pitfall: cannot be pickled, so spawn (macOS, Windows) cannot send the dataset to a worker.
Source: the maintainer's own irregular set (issue 19): a pickle round trip of the dataset
Expect: the dataset cannot be pickled
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.log = open(os.devnull, "w")  # where the augmentations would be logged
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
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
