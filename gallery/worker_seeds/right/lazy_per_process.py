"""Right: the dataset notes in which process its generator was made (`os.getpid()`) and makes a
new one from `torch.initial_seed()` at its first draw in another process; `seed_worker` does
nothing (`del worker_id`). Works wrapped in `Subset` and `ConcatDataset`, and under spawn.
Source: examiner set (issue 19): right_lazy_per_process.py
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self._seed_generator()

    def _seed_generator(self):
        self._pid = os.getpid()
        self._generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, index):
        if self._pid != os.getpid():  # this copy lives in another process: a DataLoader worker
            self._seed_generator()
        x = self.data[index]
        e = torch.randn(x.shape, generator=self._generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """Nothing to do: every JitterDataset seeds itself from `torch.initial_seed()` in each process."""
    del worker_id
