"""Pitfall: the dataset's torch.Generator, made once in `__init__`, is never reseeded in the
Pitfall: workers: fork copies it into each of them, and every worker draws the same noise.
Source: tanelp_numpy_workers (PyTorch seeds its own global generator, Python's and NumPy's in
Source: each worker; a generator object held by the dataset it cannot know about).
Expect: every worker drew the same noise
"""

import torch
from torch.utils.data import Dataset

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
    pass  # "PyTorch seeds every worker": its own generators, not this dataset's
