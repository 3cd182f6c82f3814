"""Pitfall: The generator copies torch's global state, and `seed_worker` copies it again
Pitfall: through `get_worker_info().dataset.generator`: with the dataset wrapped in a
Pitfall: `Subset`, `info.dataset` has no `.generator`: AttributeError in every worker.
Pitfall: (Copying the global state right after torch's seeding is allowed by the stub.)
Source: examiner set (issue 19): a dataset wrapped by random_split (the examiner aimed at a draw
Source: from torch before the dataset is made)
Expect: here the Subset, not your JitterDataset
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator()
        self.generator.set_state(torch.get_rng_state())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: the worker's copy starts from the worker's freshly seeded global state."""
    info = get_worker_info()
    info.dataset.generator.set_state(torch.get_rng_state())  # just seeded with info.seed
