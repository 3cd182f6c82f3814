"""Pitfall: seed_worker written as a lambda: it works with fork (Linux), but spawn (macOS,
Pitfall: Windows) pickles the worker_init_fn, and a lambda cannot be pickled.
Source: tanelp_numpy_workers (the worker_init_fn of its fix); PyTorch's "Can't pickle
Source: <function <lambda>>" with spawn.
Expect: seed_worker cannot be pickled
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


seed_worker = lambda worker_id: setattr(  # noqa: E731
    get_worker_info().dataset, "generator", torch.Generator().manual_seed(get_worker_info().seed))
