"""Pitfall: `scaled_randn_grad_is_none` returns torch.tensor(True), a 0-dim bool tensor.
Source: the maintainers' own irregular set (issue 19): values (a tensor for a bool)
Expect: Write the Python bool, True (`.item()` gives it)
"""

import torch

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def scaled_randn_grad_is_none():
    return torch.tensor(True)
