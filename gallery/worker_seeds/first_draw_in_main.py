"""Pitfall: the generator is made lazily, at the first draw, in whichever process draws first: a
Pitfall: look at `ds[0]` in the main process makes it there, and fork copies it into every
Pitfall: worker.
Source: tanelp_numpy_workers (a generator that exists in the main process when the workers
Source: start is copied into each of them).
Expect: ds[0] was called in the main process before the loader started
"""

import torch
from torch.utils.data import Dataset

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.generator = None

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.generator is None:  # "made in the worker", unless the main process drew first
            self.generator = torch.Generator().manual_seed(torch.initial_seed())
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
