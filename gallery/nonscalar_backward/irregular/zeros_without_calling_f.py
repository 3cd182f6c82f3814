"""Pitfall: `torch.zeros_like(x)` returned without ever calling f: a tensor shaped like x, x
Pitfall: left alone, and no derivative computed.
Source: the maintainers' own irregular set: state (a do-nothing answer that returns a tensor)
Expect: elementwise_grad never called f: it computed no derivative
"""

import torch

from solutions.nonscalar_backward import *  # noqa: F401,F403


def elementwise_grad(f, x):
    return torch.zeros_like(x)
