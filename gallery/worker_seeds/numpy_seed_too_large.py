"""Pitfall: "seed NumPy too", with the worker's seed as it is: `np.random.seed(seed)` takes seeds
Pitfall: below 2**32, and a worker's seed is a 64-bit number: a ValueError in every worker.
Source: tanelp_numpy_workers (its fix seeds NumPy from torch's per-worker seed, which has to be
Source: brought below 2**32 for NumPy's legacy API).
Expect: take seeds below 2**32
"""

import numpy as np
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
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
    np.random.seed(info.seed)  # a 64-bit seed: "Seed must be between 0 and 2**32 - 1"
