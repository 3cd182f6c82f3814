"""Pitfall: a NumPy RandomState reseeded with the worker's seed: `np.random.RandomState(seed)`
Pitfall: takes seeds below 2**32, and a worker's seed is a 64-bit number: a ValueError in the
Pitfall: worker.
Source: tanelp_numpy_workers (its fix seeds NumPy from torch's per-worker seed, which has to be
Source: brought below 2**32 for the legacy API).
Expect: take seeds below 2**32
"""

import numpy as np
import torch
from torch.utils.data import Dataset, get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.rng = np.random.RandomState(torch.initial_seed() % 2**32)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.from_numpy(self.rng.standard_normal(tuple(x.shape))).to(x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    get_worker_info().dataset.rng = np.random.RandomState(get_worker_info().seed)  # 64 bits
