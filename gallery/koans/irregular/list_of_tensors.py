"""Pitfall: `tensor_list_after_rebinding` returns the tensors themselves, [tensor(1.), tensor(2.)].
Source: the maintainers' own irregular set (issue 19): values (a list of tensors for a list of
Source: numbers)
Expect: It holds tensors: write their numbers (`t.item()`): [1.0, 2.0].
"""

import torch

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def tensor_list_after_rebinding():
    return [torch.tensor(1.0), torch.tensor(2.0)]
