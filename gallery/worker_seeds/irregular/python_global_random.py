"""Pitfall: The noise comes from Python's global `random`: right in the workers (PyTorch
Pitfall: seeds it there), but `torch.manual_seed` does not seed it in the main process.
Source: examiner set (issue 19): torch's seed set twice, Python's seed changed in between
Expect: the noise follows Python's or NumPy's global generator
"""

import random

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.tensor([random.gauss(0.0, 1.0) for _ in range(x.numel())], dtype=x.dtype).reshape(x.shape)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: must exist and run."""
    # nothing to do: PyTorch has already seeded Python's `random` with this worker's seed
    return None
