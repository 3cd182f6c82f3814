"""Pitfall: `seed_worker` looks one level into a Subset (`info.dataset.dataset`),
Pitfall: but a ConcatDataset holds its parts in `.datasets`: there the generator lands on the
Pitfall: wrapper, and every worker draws the same noise.
Source: the maintainer's own irregular set (issue 19): a dataset wrapped by ConcatDataset
Expect: wrapped in a ConcatDataset, every worker drew the same
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
    dataset = getattr(info.dataset, "dataset", info.dataset)  # a Subset's own dataset
    dataset.generator = torch.Generator().manual_seed(info.seed)
