"""Pitfall: `tensor_minus_equals_keeps_id` returns False: `-=` on a tensor is taken to make a new
Pitfall: tensor, as on an int.
Source: the maintainers' own irregular set (issue 19): values (the tensor case answered like the int
Source: one)
Expect: A tensor is mutable: on a tensor `p -= 4` calls `p.sub_(4)`
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def tensor_minus_equals_keeps_id():
    return False
