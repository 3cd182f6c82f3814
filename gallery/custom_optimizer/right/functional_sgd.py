"""Right: it hands the arithmetic to torch.optim's functional sgd, with buffers in a dict keyed by
the parameter.
Source: examiner set (issue 19)
"""

import torch
from torch.optim._functional import sgd


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = tuple(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        with torch.no_grad():
            live = [p for p in self.params if p.grad is not None]
            bufs = [self.buffers.get(p) for p in live]
            sgd(live, [p.grad for p in live], bufs, weight_decay=0.0, momentum=self.momentum,
                lr=self.lr, dampening=0.0, nesterov=False, maximize=False, foreach=False)
            if self.momentum != 0:
                self.buffers.update(zip(live, bufs))