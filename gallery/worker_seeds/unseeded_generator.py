"""Pitfall: each worker gets a fresh generator seeded from the operating system: the workers
Pitfall: differ and every epoch is new, but no seed ever reproduces an epoch.
Source: tanelp_numpy_workers (the fix is a seed per worker derived from PyTorch's, so that a run
Source: stays reproducible).
Expect: the noise is not reproducible
"""

import torch
from torch.utils.data import get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


def seed_worker(worker_id):
    generator = torch.Generator()
    generator.seed()  # a non-deterministic seed, from the operating system
    get_worker_info().dataset.generator = generator
