"""Pitfall: One class-level generator, reseeded in place by `seed_worker` through
Pitfall: `get_worker_info().dataset.generator`: with the dataset wrapped in a `Subset`
Pitfall: (random_split), `info.dataset` is the wrapper, which has no `.generator`:
Pitfall: AttributeError in every worker. (That two datasets share one stream is allowed:
Pitfall: see the stub.)
Source: examiner set (issue 19): a dataset wrapped by random_split (the examiner aimed at two
Source: datasets read side by side)
Expect: here the Subset, not your JitterDataset
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    generator = torch.Generator()

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator.manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator.manual_seed(info.seed)
