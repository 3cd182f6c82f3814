"""Right: zero_grad() gives every parameter a gradient of zeros, where there was None too: with
momentum such a parameter then glides on its buffer (as torch.optim.SGD does after
`zero_grad(set_to_none=False)`), and the tests follow that.
Source: the maintainer's own (issue 19)
"""

import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = [None] * len(self.params)

    def zero_grad(self):
        for p in self.params:
            p.grad = torch.zeros_like(p)

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = p.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(p.grad)
                p.add_(self.buffers[i], alpha=-self.lr)
            else:
                p.add_(p.grad, alpha=-self.lr)
