"""Pitfall: torch's global generator draws the noise (allowed), but
Pitfall: `seed_worker` reseeds it with `torch.manual_seed(worker_id)`: every epoch repeats.
Source: the maintainer's own irregular set (issue 19): two epochs
Expect: every epoch repeats the same augmentations
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, dtype=x.dtype)


def seed_worker(worker_id):
    torch.manual_seed(worker_id)  # "a seed per worker"
