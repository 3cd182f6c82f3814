"""Right: the hint's first design (a generator made in `__init__`, replaced in `seed_worker`),
with a `seed_worker` that finds every JitterDataset inside the wrappers the DataLoader may have
been given (`Subset.dataset`, `ConcatDataset.datasets`, nested).
Source: the maintainer's own set (issue 19): a dataset wrapped by random_split and ConcatDataset
"""

import torch
from torch.utils.data import ConcatDataset, Dataset, Subset, get_worker_info


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)


def jitter_datasets(dataset):
    """Every JitterDataset in `dataset`, looking through Subset and ConcatDataset."""
    if isinstance(dataset, JitterDataset):
        return [dataset]
    if isinstance(dataset, Subset):
        return jitter_datasets(dataset.dataset)
    if isinstance(dataset, ConcatDataset):
        return [d for part in dataset.datasets for d in jitter_datasets(part)]
    return []


def seed_worker(worker_id):
    info = get_worker_info()
    for dataset in jitter_datasets(info.dataset):
        dataset.generator = torch.Generator().manual_seed(info.seed)
