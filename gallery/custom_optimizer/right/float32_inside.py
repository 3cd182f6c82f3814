"""Right: float16 and bfloat16 parameters get their buffer and their step in float32, rounded
once into the parameter (`p.copy_(...)`): more precise than torch's own arithmetic, within the
contract's tolerance.
Source: the maintainer's own (issue 19)
"""

import torch

LOW = (torch.float16, torch.bfloat16)


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = [None] * len(self.params)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad.float() if p.dtype in LOW else p.grad
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = g.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(g)
                g = self.buffers[i]
            p.copy_(p.to(g.dtype) - self.lr * g)
