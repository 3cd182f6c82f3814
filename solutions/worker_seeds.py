"""worker_seeds: random augmentation that differs from worker to worker and that a seed
reproduces (reference solution).

The dataset keeps a generator of its own, seeded from the torch seed of the process that made
it; `seed_worker` gives each worker's copy a new one, seeded from that worker's seed.
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    """Item i is data[i] plus noise times standard normal noise, drawn anew at every access."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        # The main process's seed. In a worker this generator is a copy, the same in every
        # worker: seed_worker replaces it there.
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.randn(x.shape, generator=self.generator, dtype=x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    """worker_init_fn: the worker's copy of the dataset draws from the worker's own seed
    (base_seed + worker_id, a new base_seed every epoch, from the DataLoader's generator)."""
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
