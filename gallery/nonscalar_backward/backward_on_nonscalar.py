"""Pitfall: `y.backward()` on a non-scalar y (PyTorch's RuntimeError).
Source: 002, 自动求导尝试 (a y of several elements needs a `gradient` argument, or a reduction
Source: to a scalar first).
Expect: grad can be implicitly created only for scalar outputs
"""

from solutions.nonscalar_backward import *  # noqa: F401,F403 - the reference, but for what follows


def elementwise_grad(f, x):
    x = x.detach().requires_grad_()
    with torch.enable_grad():
        y = f(x)
        if not y.requires_grad:
            return torch.zeros_like(x)
        y.backward()  # y has as many elements as x: which number should backward differentiate?
    return x.grad
