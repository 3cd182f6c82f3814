"""Pitfall: (The examiner's right_normal_float64_inplace.) `seed_worker` reseeds
Pitfall: `get_worker_info().dataset.generator` in place: with the dataset wrapped in a
Pitfall: `Subset` (random_split), `info.dataset` is the wrapper: AttributeError in every
Pitfall: worker. Wrong under the stub's decision that wrapped datasets must work.
Source: examiner set (issue 19): a dataset wrapped by random_split
Expect: here the Subset, not your JitterDataset
"""

import torch
from torch.utils.data import Dataset, get_worker_info


class JitterDataset(Dataset):
    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = float(noise)
        self.generator = torch.Generator()
        self.generator.manual_seed(torch.initial_seed())

    def __len__(self):
        return int(self.data.size(0))

    def __getitem__(self, index):
        x = self.data[index]
        e = torch.normal(0.0, 1.0, size=tuple(x.shape), generator=self.generator,
                         dtype=torch.float64)
        return (x.double() + self.noise * e).to(x.dtype)


def seed_worker(worker_id):
    info = get_worker_info()
    info.dataset.generator.manual_seed(info.seed)
