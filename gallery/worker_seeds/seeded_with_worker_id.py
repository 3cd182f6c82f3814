"""Pitfall: each worker's generator seeded with its `worker_id`: the workers differ, but every
Pitfall: epoch (and every run, whatever the seed) repeats the same augmentations.
Source: tanelp_numpy_workers (seeding a worker by its id alone: different workers, the same
Source: numbers again every epoch).
Expect: every epoch repeats the same augmentations
"""

import torch
from torch.utils.data import get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


def seed_worker(worker_id):
    get_worker_info().dataset.generator = torch.Generator().manual_seed(worker_id)
