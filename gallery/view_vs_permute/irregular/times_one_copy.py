"""Pitfall: the moved tensor is multiplied by 1 to get a copy; for a bool mask `True * 1` is an
Pitfall: int64, so type promotion changes the result's dtype.
Source: examiner set (issue 19): dtypes (a bool mask)
Expect: is the dtype that arithmetic with a Python number gives
"""

from solutions.view_vs_permute import *  # noqa: F401,F403


def to_channels_last(images):
    return images.permute(0, 2, 3, 1) * 1
