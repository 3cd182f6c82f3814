"""Right: no process bookkeeping: the dataset remembers the torch seed its generator was made
from, and makes a new generator whenever `torch.initial_seed()` has changed (a worker's seed is
another); `seed_worker` is an empty function. A later `torch.manual_seed(t)` in the main process
restarts an existing dataset's noise from t, which the contract allows.
Source: examiner set (issue 19): right_keyed_by_initial_seed.py
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.seed = None
        self.generator = None

    def __len__(self):
        return len(self.data)

    def _current_generator(self):
        seed = torch.initial_seed()
        if seed != self.seed:
            self.seed = seed
            self.generator = torch.Generator().manual_seed(seed)
        return self.generator

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self._current_generator(), dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """Nothing to do here: the dataset notices the worker's new torch seed at its first draw."""
    return None
