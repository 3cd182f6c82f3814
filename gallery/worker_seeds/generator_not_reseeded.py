"""Pitfall: the dataset's torch.Generator, made once in `__init__`, is never reseeded in the
Pitfall: workers: fork copies it into each of them, and every worker draws the same noise.
Source: tanelp_numpy_workers (PyTorch seeds its own global generator, Python's and NumPy's in
Source: each worker; a generator object held by the dataset it cannot know about).
Expect: every worker drew the same noise
"""

from solutions.worker_seeds import *  # noqa: F401,F403 - the reference, but for what follows


def seed_worker(worker_id):
    pass  # "PyTorch seeds every worker": its own generators, not this dataset's
