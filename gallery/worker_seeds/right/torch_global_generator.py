"""Right: torch's global generator draws the noise (`torch.randn` without a generator), which
PyTorch seeds in every worker with the worker's own seed; `seed_worker` has nothing to do. Two
datasets read side by side share one stream, which the contract allows.
Source: the maintainer's own set (issue 19): the stub's "or torch's global one"
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn_like(x)


def seed_worker(worker_id):
    pass
