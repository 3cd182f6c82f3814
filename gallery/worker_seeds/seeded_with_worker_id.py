"""Pitfall: each worker's generator seeded with its `worker_id`: the workers differ, but every
Pitfall: epoch (and every run, whatever the seed) repeats the same augmentations.
Source: tanelp_numpy_workers (seeding a worker by its id alone: different workers, the same
Source: numbers again every epoch).
Expect: every epoch repeats the same augmentations
"""

import torch
from torch.utils.data import Dataset, get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


# The dataset of the hint's first design: a generator made once, in the main process, that
# seed_worker replaces in each worker (the reference seeds itself in each process instead).
class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())  # in the main process

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    get_worker_info().dataset.generator = torch.Generator().manual_seed(worker_id)
