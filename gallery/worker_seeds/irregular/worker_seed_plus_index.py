"""Pitfall: in a worker, the noise of an item comes from a generator seeded with the
Pitfall: worker's seed plus the index: worker 1's item 3 and worker 0's item 4 get one seed
Pitfall: (base + 1 + 3 = base + 0 + 4), and the same noise.
Source: the maintainer's own irregular set (issue 19): one epoch with two workers
Expect: two items of one epoch hold the very same noise
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
        info = get_worker_info()
        generator = self.generator
        if info is not None:  # reproducible per item, in a worker
            generator = torch.Generator().manual_seed(info.seed + index)
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=generator, dtype=x.dtype)


def seed_worker(worker_id):
    pass
