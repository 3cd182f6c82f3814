"""Right: the whole step on lists at once with torch's `_foreach_` operations (as torch.optim's
foreach implementations do), zero_grad() with `_foreach_zero_`.
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
        grads = [p.grad for p in self.params if p.grad is not None]
        if grads:
            torch._foreach_zero_(grads)

    @torch.no_grad()
    def step(self):
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not live:
            return
        directions = [self.params[i].grad for i in live]
        if self.momentum:
            kept = [i for i in live if self.buffers[i] is not None]
            if kept:
                bufs = [self.buffers[i] for i in kept]
                torch._foreach_mul_(bufs, self.momentum)
                torch._foreach_add_(bufs, [self.params[i].grad for i in kept])
            for i in live:
                if self.buffers[i] is None:
                    self.buffers[i] = self.params[i].grad.clone()
            directions = [self.buffers[i] for i in live]
        torch._foreach_add_([self.params[i] for i in live], directions, alpha=-self.lr)
