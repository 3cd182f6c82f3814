"""Pitfall: seed_worker written as a lambda: it works with fork (Linux), but spawn (macOS,
Pitfall: Windows) pickles the worker_init_fn, and a lambda cannot be pickled.
Source: tanelp_numpy_workers (the worker_init_fn of its fix); PyTorch's "Can't pickle
Source: <function <lambda>>" with spawn.
Expect: seed_worker cannot be pickled
"""

import torch
from torch.utils.data import get_worker_info

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows

seed_worker = lambda worker_id: setattr(  # noqa: E731
    get_worker_info().dataset, "generator", torch.Generator().manual_seed(get_worker_info().seed))
