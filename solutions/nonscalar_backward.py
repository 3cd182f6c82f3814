"""nonscalar_backward: the derivative of an element-wise function at every element
(reference solution)."""

import torch


def elementwise_grad(f, x):
    """d f(x)_i / d x_i for every element, shaped like `x`; `x` itself is left untouched."""
    # A leaf of our own that shares x's values: the caller's x keeps its requires_grad and .grad.
    x = x.detach().requires_grad_()
    # Autograd records only while grad mode is on. The caller may be inside torch.no_grad()
    # (plotting code often is): switch it on for our own work; `with` puts the caller's back.
    with torch.enable_grad():
        y = f(x)
        # A constant f (its result does not depend on x) records no graph: its derivative is 0.
        if not y.requires_grad:
            return torch.zeros_like(x)
        # y is not a scalar, and backpropagation starts from one number: take y.sum() (the
        # same as y.backward(gradient=torch.ones_like(y))). Since f is element-wise, x_i gets
        # d y_i / d x_i. autograd.grad returns the gradient instead of adding it into a .grad.
        (grad,) = torch.autograd.grad(y.sum(), x)
    return grad
