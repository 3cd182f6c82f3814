"""Pitfall: (The examiner's right_python_random.) A `random.Random` of the dataset's own,
Pitfall: reseeded in `seed_worker` through `get_worker_info().dataset.rng`: with the
Pitfall: dataset wrapped in a `Subset`, `info.dataset` has no `.rng`: AttributeError in
Pitfall: every worker. Wrong under the stub's decision that wrapped datasets must work.
Source: examiner set (issue 19): a dataset wrapped by random_split
Expect: here the Subset, not your JitterDataset
"""

import random

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.rng = random.Random(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        values = [self.rng.gauss(0.0, 1.0) for _ in range(x.numel())]
        e = torch.tensor(values, dtype=x.dtype).reshape(x.shape)
        return x + self.noise * e


def seed_worker(worker_id):
    info = get_worker_info()
    info.dataset.rng.seed(info.seed)  # the worker's copy, reseeded in place
