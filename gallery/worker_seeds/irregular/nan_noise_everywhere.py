"""Pitfall: no generator at all: the noise is nan everywhere, so every item is nan, and every
Pitfall: "two draws differ" compared with `torch.equal` or `!=` holds (nan equals nothing).
Source: the maintainers' own irregular set (red team, attacks/worker_seeds): values (non-finite)
Expect: an item holds nan or inf where data[i] is finite
"""

import torch
from torch.utils.data import Dataset

from solutions.worker_seeds import *  # noqa: F401,F403


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.full_like(x, float("nan"))


def seed_worker(worker_id):
    pass
