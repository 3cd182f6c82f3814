"""nonscalar_backward: the derivative of an element-wise function at every element
(reference solution)."""

import torch


def elementwise_grad(f, x):
    """d f(x)_i / d x_i for every element, shaped like `x`; `x` itself is left untouched."""
    # A leaf of our own that shares x's values: the caller's x keeps its requires_grad and .grad.
    x = x.detach().requires_grad_()
    y = f(x)
    # y is not a scalar, and backpropagation starts from one number: take y.sum() (the same as
    # y.backward(gradient=torch.ones_like(y))). Since f is element-wise, x_i gets d y_i / d x_i.
    # autograd.grad returns the gradient instead of adding it into a .grad.
    (grad,) = torch.autograd.grad(y.sum(), x)
    return grad
