"""Pitfall: the generator made once in `__init__` and never reseeded (every worker draws the
Pitfall: same noise), with one nan in each item's noise inside a worker (red team): nan equals
Pitfall: nothing, itself included, so identical batches read as "different" to `torch.equal`.
Source: the maintainers' own irregular set (red team, attacks/worker_seeds): values (non-finite)
Expect: an item holds nan or inf where data[i] is finite
"""

import torch
from torch.utils.data import Dataset, get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())  # main process

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        if get_worker_info() is not None:
            e.view(-1)[0] = float("nan")  # nan != nan: every batch "differs" from every other
        return x + self.noise * e


def seed_worker(worker_id):
    pass
