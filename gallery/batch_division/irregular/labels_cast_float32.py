"""Pitfall: labels converted to float32: float64 data trains on rounded labels.
Source: the maintainers' own irregular set (issue 19): dtypes (float64 labels)
Expect: the run is right only to float32's precision
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403

_train = train_linreg


def train_linreg(features, labels, **kw):
    return _train(features, labels.float().to(features.dtype), **kw)
