"""Pitfall: `x.view(-1)` on the item: a channels-last (or otherwise non-contiguous) item
Pitfall: cannot be viewed, a RuntimeError.
Source: examiner set (issue 19): channels-last data, whose items are not contiguous
Expect: `.view()` only reinterprets memory that is in order
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        flat = x.view(-1)
        e = torch.randn(flat.numel(), generator=self.generator, dtype=x.dtype)
        return (flat + self.noise * e).view(x.shape)


def seed_worker(worker_id):
    """worker_init_fn: give the worker's copy of the dataset a generator seeded with the worker's seed."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
