"""Pitfall: One generator per process in a module-level global, made at the first draw: a
Pitfall: second `torch.manual_seed(s)` does not restart it, so no seed reproduces the main
Pitfall: process's noise.
Source: examiner set (issue 19): torch's seed set twice in the main process
Expect: the noise does not restart with torch's seed
"""

import os

import torch
from torch.utils.data import Dataset, get_worker_info


_process = {"pid": None, "generator": None}


def _generator():
    if _process["pid"] != os.getpid():  # first draw in this process (main, fork or spawn)
        _process["pid"] = os.getpid()
        _process["generator"] = torch.Generator().manual_seed(torch.initial_seed())
    return _process["generator"]


class JitterDataset(Dataset):
    """Item i is data[i] + noise * e, e ~ N(0, 1) from a generator that starts at torch.initial_seed()."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=_generator(), dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: must exist and run."""
    # nothing to do: the module's generator is made anew in every process
    return None
