"""Pitfall: gradients accumulated across calls: backward on the caller's x adds onto its `.grad`.
Source: 002, 自动求导尝试 (gradients accumulate into `.grad`; its `# x.grad.zero_()` is commented out).
Expect: gradients accumulate
Expect: the caller's x was changed
"""

from solutions.nonscalar_backward import *  # noqa: F401,F403 - the reference, but for what follows


def elementwise_grad(f, x):
    x.requires_grad_()  # the caller's own tensor, not a leaf of our own
    with torch.enable_grad():
        y = f(x)
        if not y.requires_grad:
            return torch.zeros_like(x)
        y.sum().backward()  # adds into x.grad, on top of what the previous call left there
    return x.grad
