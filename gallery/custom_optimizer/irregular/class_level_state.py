"""Pitfall: The buffers live in a dict that is a class attribute (`state = {}`), shared by every
Pitfall: SGD object, so a second optimizer on the same parameters starts from the first one's
Pitfall: momentum.
Source: examiner set (issue 19): a new optimizer over the same tensors (a restart).
Expect: its state outlived it
"""

import torch


class SGD:
    state = {}  # momentum buffers, keyed by parameter
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            d_p = p.grad
            if self.momentum != 0:
                if p not in self.state:
                    self.state[p] = d_p.clone()
                else:
                    self.state[p].mul_(self.momentum).add_(d_p)
                d_p = self.state[p]
            p.add_(d_p, alpha=-self.lr)