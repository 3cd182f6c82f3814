"""Right: the articles' hand-written Optimizer (their names: `parameters`, `para`), done right,
with momentum added: a list of the parameters, `para.grad` None skipped, the update on the tensor
itself under `torch.no_grad()`, and their order (backward, step, zero_grad) works as well.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼), done right.
"""

import torch


class SGD:
    def __init__(self, parameters, lr, momentum=0.0):
        self.parameters = list(parameters)  # model.parameters() is a generator: keep a list
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}  # one buffer per parameter, keyed by the tensor itself

    # update the parameters
    def step(self):
        with torch.no_grad():
            for para in self.parameters:
                if para.grad is None:  # the loss did not reach it: nothing to step along
                    continue
                direction = para.grad
                if self.momentum:
                    if para in self.velocity:
                        self.velocity[para].mul_(self.momentum).add_(para.grad)
                    else:
                        self.velocity[para] = para.grad.clone()
                    direction = self.velocity[para]
                para -= direction * self.lr  # the tensor itself, not `para.data`

    # clear the gradients
    def zero_grad(self):
        for para in self.parameters:
            if para.grad is not None:  # None before the first backward
                para.grad.zero_()
