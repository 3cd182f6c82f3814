"""Pitfall: a NumPy generator made once in `__init__` draws the augmentation: every worker gets a
Pitfall: copy of it, state and all, so every worker draws the same noise.
Source: tanelp_numpy_workers ("Using PyTorch + NumPy? You're making a mistake": identical
Source: augmentations in every worker).
Expect: every worker drew the same noise
"""

import numpy as np
import torch
from torch.utils.data import Dataset

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.rng = np.random.default_rng(torch.initial_seed())  # once, in the main process

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.from_numpy(self.rng.standard_normal(tuple(x.shape))).to(x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    pass  # since PyTorch 1.9 NumPy's *global* state is seeded per worker; self.rng is not
