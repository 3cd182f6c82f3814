"""Right: a subclass of torch.optim.Optimizer (param_groups, self.state, the inherited zero_grad,
an optional closure).
Source: examiner set (issue 19)
"""

import torch


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(d_p)
                    d_p = state["momentum_buffer"]
                p.add_(d_p, alpha=-group["lr"])
        return loss