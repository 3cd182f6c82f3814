"""Pitfall: the hint's first design (a generator made in `__init__`, replaced in
Pitfall: `seed_worker` through `get_worker_info().dataset`): with the dataset wrapped in a
Pitfall: Subset (random_split), the new generator lands on the Subset, and every worker draws
Pitfall: the same noise, silently (the examiner's NOTES, question 3).
Source: the maintainer's own irregular set (issue 19): a dataset wrapped by random_split
Expect: wrapped in a Subset, every worker drew the same
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def seed_worker(worker_id):
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
