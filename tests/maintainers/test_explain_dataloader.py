"""dojo/explain.py knows the errors that come back from DataLoader workers, as torch words them."""

import multiprocessing
import os

import pytest
from torch.utils.data import DataLoader, Dataset

from dojo.explain import explain

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="needs fork")


class Dying(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        os._exit(3)  # the worker process ends without a Python error


class Raising(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        raise ValueError("a bug in __getitem__")


def first_error(dataset):
    """The text of the error a one-worker DataLoader over `dataset` raises."""
    loader = DataLoader(dataset, num_workers=1, multiprocessing_context="fork", timeout=10)
    try:
        next(iter(loader))
    except Exception as err:  # noqa: BLE001
        text = f"{type(err).__name__}: {err}"
        # its traceback holds the loader's iterator: dropped, the worker goes now (a later
        # garbage collection would wait 5 s for it)
        err.__traceback__ = None
        return text
    pytest.fail("the worker's error did not come back to the main process")


@needs_fork
def test_an_error_raised_in_a_worker_is_explained():
    text = first_error(Raising())
    meaning = explain(text)
    assert meaning and "num_workers=0" in meaning, text


@needs_fork
def test_a_worker_that_died_is_explained():
    text = first_error(Dying())
    meaning = explain(text)
    assert meaning and "num_workers=0" in meaning, text
