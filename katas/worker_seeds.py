"""Kata: worker_seeds — random augmentation in DataLoader workers: different in every worker,
new in every epoch, and the same again for the same seed.

A Dataset that augments draws random numbers in `__getitem__`. With `DataLoader(...,
num_workers=2)` two worker processes load the batches in turn. On Linux they are started by
fork: each begins as a copy of the main process, the dataset object included. A random
generator the dataset created once, in `__init__` (`np.random.default_rng(...)`,
`torch.Generator()`, `random.Random(...)`), is copied along with it, state and all. So every
worker draws the very same "random" numbers: the batches of worker 1 get exactly the
augmentations of worker 0's. Nothing fails; the data is just far less varied than it looks.
(Tanel Pärnamaa analysed over 100,000 PyTorch repositories: of those mixing NumPy randomness
with workers, more than 95% had this bug.)

PyTorch does give every worker a seed of its own: `base_seed + worker_id`, where `base_seed` is
drawn afresh for every epoch from the DataLoader's `generator` (or from torch's global one). In
the worker, `torch.initial_seed()` returns it (so does `get_worker_info().seed`). PyTorch seeds
its own global generator, Python's `random` and NumPy's global state with it; a generator
*object* your dataset holds it cannot know about. Seed that one yourself, in the worker, from
the worker's seed: lazily, at the first draw in each process, or in a `worker_init_fn`. (The
`worker_init_fn` sees the dataset the DataLoader was given: after `random_split` that is a
`Subset` around yours, and a generator set on it reaches nothing.)

From that seed, and from nowhere else:
- from `worker_id` alone, the workers differ, but every epoch repeats the same augmentations
  (and the DataLoader's generator changes nothing);
- from the clock or the operating system (a generator made without a seed), the workers differ,
  but no seed ever reproduces an epoch;
- `np.random.seed(s)` and `np.random.RandomState(s)` want `s < 2**32`, and a worker's seed is a
  64-bit number: "Seed must be between 0 and 2**32 - 1". `np.random.default_rng(s)` takes any.

Why it matters: augmentation exists to show the model more variety; copied generators quietly
cut it by the number of workers, and an epoch nobody can reproduce cannot be debugged.

Check your work:  dojo check worker_seeds      (or: pytest --kata worker_seeds)
A hint at a time:  dojo hint worker_seeds
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    """`JitterDataset(data, noise=0.1)`: `data` is a floating-point tensor of N examples
    (float32, float64, float16 or bfloat16, on the CPU, of any layout: a transposed or
    channels-last `data` has non-contiguous items; it does not require grad). Item `i` is
    `data[i] + noise * e`, where `e` is standard normal noise of `data[i]`'s shape (a 0-dim
    item for a 1-D `data`), one number per element, drawn anew at every access. The item is a
    tensor of `data[i]`'s shape and dtype; `data` itself is never changed. `noise` is a number
    >= 0; with `noise=0` an item equals `data[i]` exactly. `len(ds)` is N. (The tests judge `e`
    by its mean, spread and shape over a thousand draws or so, in the item's precision.)

    Which generator draws `e` is yours to choose (a `torch.Generator`, `np.random.default_rng`,
    `random.Random`, or torch's global one: `torch.randn` without a generator). Whichever it
    is, the noise follows the torch seed of the process that draws it:
    - in the main process, the seed of `torch.manual_seed`: after `torch.manual_seed(s)`, the
      same steps (the same draws from torch, the same dataset made, the same items read) give
      the same noise, and another `s` other noise. Python's `random` and NumPy's global state
      do not count: `torch.manual_seed` does not seed them. Two datasets read side by side may
      share one stream (torch's global generator) or have one each.
    - in a DataLoader worker, the worker's own seed (`torch.initial_seed()` there, or
      `get_worker_info().seed`): different in each worker, new in every epoch, and the same
      again when the DataLoader's `generator` is seeded the same.
    This must hold even when the dataset was used in the main process (`ds[0]`, to have a look)
    before a DataLoader's workers start, and when the DataLoader is given it wrapped:
    `random_split` and `Subset` make a `Subset` of it, `ConcatDataset` joins several; in a
    worker, `get_worker_info().dataset` is then the wrapper, not your JitterDataset. A dataset
    that notices for itself when it draws in a new process (`os.getpid()` differs from the one
    its generator was made in) and seeds itself there from `torch.initial_seed()` works
    everywhere.
    Making a JitterDataset leaves torch's global generator as it was: never seed it yourself
    (`torch.manual_seed`, or `torch.seed()`, which sets a new random seed; `torch.initial_seed()`
    only reads it): its seed belongs to the caller. And the dataset must survive pickling: on
    macOS and Windows the workers are started by spawn, which pickles it.
    """

    def __init__(self, data, noise=0.1):
        # TODO: keep the data and the noise scale, and whatever your generator needs.
        raise NotImplementedError("JitterDataset.__init__")

    def __len__(self):
        # TODO: the number of examples.
        raise NotImplementedError("JitterDataset.__len__")

    def __getitem__(self, index):
        # TODO: data[index] plus noise times fresh standard normal noise of its shape and dtype.
        raise NotImplementedError("JitterDataset.__getitem__")


def seed_worker(worker_id):
    """The `worker_init_fn` for `DataLoader(..., worker_init_fn=seed_worker)`: it runs in each
    worker once, before the worker loads anything, and only there (never in the main process).

    If your JitterDataset seeds itself in each process, there is nothing left to do here: write
    `pass`, but keep the function: it must exist, be a function, and run. Otherwise, make the
    worker's copy of your dataset draw from a generator seeded with this worker's seed
    (`get_worker_info().seed`, which is also `torch.initial_seed()` here), and find that copy
    even where `get_worker_info().dataset` is a wrapper around it (`Subset`, `ConcatDataset`).
    Keep it a function at the top level of the module: spawn pickles it, and a lambda or a
    nested function cannot be pickled.
    """
    # TODO: nothing, if the dataset seeds itself in each process; else reseed the worker's copy
    # of the dataset from the worker's seed.
    raise NotImplementedError("seed_worker")
