"""Pitfall: the noise comes from NumPy's global generator (`np.random.standard_normal`):
Pitfall: PyTorch seeds it in the workers, but `torch.manual_seed` does not in the main process.
Source: the maintainer's own irregular set (issue 19): torch's seed set twice, NumPy's seed changed in between
Expect: the noise follows Python's or NumPy's global generator
"""

import numpy as np
import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data, self.noise = data, noise

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.from_numpy(np.random.standard_normal(tuple(x.shape))).to(x.dtype)
        return x + self.noise * e


def seed_worker(worker_id):
    pass
