"""Pitfall: `p = p - 4` in a loop is taken to update the tensors of the list.
Source: 003, notes on 《动手学深度学习》 linear regression (`param = param - ...` does not update the parameters).
Expect: The tensors did not change
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def tensor_list_after_rebinding():
    return [-3.0, -2.0]  # as if rebinding the loop variable reached the list
