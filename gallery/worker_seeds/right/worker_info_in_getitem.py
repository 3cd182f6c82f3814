"""Right: the dataset asks `get_worker_info()` at every draw: in a worker it keeps one generator
per worker seed (`info.seed`, new every epoch), made at its first draw there; in the main
process, the generator made in `__init__`.
Source: the maintainer's own set (issue 19): another way to notice a new process
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.main = torch.Generator().manual_seed(torch.initial_seed())
        self.worker_seed = None
        self.in_worker = None

    def generator(self):
        info = get_worker_info()
        if info is None:
            return self.main
        if info.seed != self.worker_seed:
            self.worker_seed = info.seed
            self.in_worker = torch.Generator().manual_seed(info.seed)
        return self.in_worker

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        return x + self.noise * torch.randn(x.shape, generator=self.generator(), dtype=x.dtype)


def seed_worker(worker_id):
    pass
