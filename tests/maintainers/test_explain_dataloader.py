"""dojo/explain.py knows the errors that come back from DataLoader workers, as torch words them."""

import multiprocessing

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from dojo.explain import explain


class Raising(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        raise ValueError("a bug in __getitem__")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_an_error_raised_in_a_worker_is_explained():
    loader = DataLoader(Raising(), num_workers=1, multiprocessing_context="fork", timeout=10)
    try:
        next(iter(loader))
    except ValueError as err:
        text = f"{type(err).__name__}: {err}"
        # its traceback holds the loader's iterator: dropped, the worker goes now (a later
        # garbage collection would wait 5 s for it)
        err.__traceback__ = None
    else:
        pytest.fail("the worker's error did not come back to the main process")
    meaning = explain(text)
    assert meaning and "num_workers=0" in meaning, text


def test_a_worker_that_died_is_explained():
    # torch's wording when a worker process exits without a Python error
    assert explain("RuntimeError: DataLoader worker (pid(s) 4242) exited unexpectedly")
