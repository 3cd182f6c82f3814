"""Pitfall: Net draws its initial weights from a generator of its own with a fixed seed: the global
Pitfall: generator is left alone, but every Net is the same whatever seed the caller set.
Source: the maintainer's own irregular set: two Nets built after two different seeds.
Expect: Net() gives the same initial weights whatever seed the caller set
"""

import torch
import torch.nn.functional as F
from torch import nn

from solutions.mnist import *  # noqa: F401,F403 - the reference, but for what follows
from solutions.mnist import Net as _Reference


class Net(_Reference):
    def __init__(self):
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            for p in self.parameters():
                bound = 1 / (p.shape[1] if p.dim() > 1 else p.shape[0]) ** 0.5
                p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * bound)
