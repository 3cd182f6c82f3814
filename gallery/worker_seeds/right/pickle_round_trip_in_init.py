"""Right: the reference, plus the check a careful learner adds after reading "spawn unpickles
it": `JitterDataset.__init__` makes sure, in the main process, that the dataset and
`seed_worker` survive a pickle round trip (`pickle.loads(pickle.dumps(...))`). Pickle saves a
class or a function by reference to its module, the kata file's own (loaded by the tests and by
the grader's job as `_dojo_target_worker_seeds`), and imports that module again to save or load
it: the grader must not take that for an import of the course's own code (it flagged it, 0
points, before).
Source: the red team's honest answer that was flagged (attacks/worker_seeds/honest_pickle_check.py)
"""

import os
import pickle

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    """Item i is data[i] plus noise times standard normal noise, drawn anew at every access."""

    def __init__(self, data, noise=0.1):
        self.data = data
        self.noise = noise
        self.generators = {}  # one per process, by its pid
        self.generator()  # this process's, from its torch seed as it is now
        # a spawn worker receives the dataset pickled, and its worker_init_fn: fail early, here,
        # if either cannot make the trip
        copy = pickle.loads(pickle.dumps(self))
        assert type(copy) is type(self) and copy.noise == self.noise
        assert pickle.loads(pickle.dumps(seed_worker)) is seed_worker

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
