"""Pitfall: torch's global generator draws the noise (allowed), and `__init__` calls
Pitfall: `torch.manual_seed(torch.initial_seed())` "to start from the seed": the caller's
Pitfall: stream restarts, and its next draws repeat earlier ones.
Source: the maintainer's own irregular set (issue 19): the caller's draws from torch after a dataset is made
Expect: the dataset restarted the caller's stream
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        torch.manual_seed(torch.initial_seed())  # start the noise from the seed

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, dtype=x.dtype)


def seed_worker(worker_id):
    pass
