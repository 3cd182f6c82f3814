"""worker_seeds: random augmentation that differs from worker to worker and that a seed
reproduces (reference solution).

The dataset keeps a generator of its own, seeded from the torch seed of the process that made
it, and notes which process that was. A DataLoader worker holds a copy of the dataset (fork
copies it, spawn unpickles it), in another process: at its first draw there, the copy makes a
new generator from that process's torch seed, the worker's own. This needs no help from
`seed_worker`, so it also works when the DataLoader is given the dataset wrapped (`Subset`,
`random_split`, `ConcatDataset`), where `get_worker_info().dataset` is the wrapper.
"""

import os

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    """Item i is data[i] plus noise times standard normal noise, drawn anew at every access."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.start_generator()

    def start_generator(self):
        # torch.initial_seed(): the seed of torch.manual_seed in the main process, the worker's
        # own seed (base_seed + worker_id, a new base_seed every epoch) in a DataLoader worker.
        self.pid = os.getpid()
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        if self.pid != os.getpid():  # a copy in another process: a DataLoader worker
            self.start_generator()
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: nothing to do, the dataset seeds itself in each process."""
