"""Imports the course's own code under a name it computes, which no reading of the file finds,
inside a function, and goes on without it if the import fails (the reference answer does the
work). Expect: the job refuses the import (its importing frame is the kata file: ImportError)
and records it: flagged, 0, the refused import in the reason; the copying section lists it (an
import of a computed name cannot be compared)."""

import importlib

import torch


def _course(part):
    try:
        return importlib.import_module("".join(["do", "jo"]) + "." + part)
    except ImportError:
        return None


def sgd_step(params, lr):
    _course("spec")
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount
            else:
                values[i] = value - amount
