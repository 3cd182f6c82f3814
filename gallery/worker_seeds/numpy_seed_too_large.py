"""Pitfall: "seed NumPy too", with the worker's seed as it is: `np.random.seed(seed)` takes seeds
Pitfall: below 2**32, and a worker's seed is a 64-bit number: a ValueError in every worker.
Source: tanelp_numpy_workers (its fix seeds NumPy from torch's per-worker seed, which has to be
Source: brought below 2**32 for NumPy's legacy API).
Expect: take seeds below 2**32
"""

import numpy as np
import torch
from torch.utils.data import get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


def seed_worker(worker_id):
    info = get_worker_info()
    info.dataset.generator = torch.Generator().manual_seed(info.seed)
    np.random.seed(info.seed)  # a 64-bit seed: "Seed must be between 0 and 2**32 - 1"
