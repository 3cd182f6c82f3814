"""worker_seeds: random augmentation that differs from worker to worker and that a seed
reproduces (reference solution).

The dataset keeps a generator of its own for each process it draws in, seeded from that
process's torch seed. A DataLoader worker holds a copy of the dataset (fork copies it, spawn
unpickles it), in another process: at its first draw there, the copy makes a new generator
from the worker's own seed. This needs no help from `seed_worker`, so it also works when the
DataLoader is given the dataset wrapped (`Subset`, `random_split`, `ConcatDataset`), where
`get_worker_info().dataset` is the wrapper.
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    """Item i is data[i] plus noise times standard normal noise, drawn anew at every access."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generators = {}  # one per process, by its pid
        self.generator()  # this process's, from its torch seed as it is now

    def generator(self):
        """This process's generator, made at its first use here from torch.initial_seed(): the
        seed of torch.manual_seed in the main process, the worker's own seed (base_seed +
        worker_id, a new base_seed every epoch) in a DataLoader worker, where this dataset is a
        copy (fork copies it, spawn unpickles it) that holds the main process's generator."""
        pid = os.getpid()
        if pid not in self.generators:
            self.generators[pid] = torch.Generator().manual_seed(torch.initial_seed())
        return self.generators[pid]

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator(), dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: nothing to do, the dataset seeds itself in each process."""
