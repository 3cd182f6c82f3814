"""Right: it hands everything to torch.optim.SGD itself (whose zero_grad sets None).
Source: the maintainer's own (issue 19)
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.inner = torch.optim.SGD(params, lr=lr, momentum=momentum)

    def zero_grad(self):
        self.inner.zero_grad()

    def step(self):
        self.inner.step()
