"""Right: a `random.Random` of the dataset's own (the examiner's right_python_random.py), drawn
element by element with `gauss`, but reseeded by the dataset itself at its first draw in each
process, so that it also works wrapped in a Subset (the examiner's version, reseeded through
`get_worker_info().dataset.rng`, does not: see irregular/python_random_reseeded_in_seed_worker).
Source: examiner set (issue 19): right_python_random.py, made to work wrapped
"""

import os
import random

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.start()

    def start(self):
        self.pid = os.getpid()
        self.rng = random.Random(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():
            self.start()
        x = self.data[index]
        values = [self.rng.gauss(0.0, 1.0) for _ in range(x.numel())]
        e = torch.tensor(values, dtype=x.dtype).reshape(x.shape)
        return x + self.noise * e


def seed_worker(worker_id):
    pass
