"""custom_optimizer: a hand-written SGD with momentum that takes torch.optim.SGD's steps
(reference solution)."""

import torch


class SGD:
    """Stochastic gradient descent with (optional) momentum, as torch.optim.SGD computes it:

        buf = grad                        on the first step (a copy of it)
        buf = momentum * buf + grad       on every later step
        param -= lr * buf                 (lr * grad when momentum is 0)
    """

    def __init__(self, params, lr, momentum=0.0):
        # model.parameters() is a generator, empty after one loop: keep a list of our own.
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.buffers = [None] * len(self.params)  # one momentum buffer per parameter

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:  # None before the first backward: nothing to clear
                param.grad.zero_()

    @torch.no_grad()
    def step(self):
        for i, param in enumerate(self.params):
            if param.grad is None:  # this parameter took no part in the loss
                continue
            direction = param.grad
            if self.momentum:
                if self.buffers[i] is None:
                    # A copy: the buffer must outlive zero_grad(), which clears param.grad.
                    self.buffers[i] = param.grad.clone()
                else:
                    self.buffers[i].mul_(self.momentum).add_(param.grad)
                direction = self.buffers[i]
            # In place under no_grad on the tensor itself (not .data): autograd sees the change.
            param.sub_(self.lr * direction)
