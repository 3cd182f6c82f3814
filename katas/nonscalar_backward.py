"""Kata: nonscalar_backward — backpropagate from a tensor that is not a single number.

`y.backward()` works when `y` is a scalar, such as a loss. When `y` has many elements, PyTorch
stops with "grad can be implicitly created only for scalar outputs": backpropagation computes
the derivative of *one number*, so you must say which: reduce `y` (`y.sum()`), or pass
`gradient=torch.ones_like(y)`, which asks for the derivative of `(y * ones).sum()`. For an
element-wise `f`, that is exactly the derivative of each `y_i` with respect to its own `x_i`.

Gradients *accumulate*: every `backward()` adds into `.grad`. A helper that calls `backward()`
on the caller's tensor returns twice the answer on its second call, unless it works on a fresh
leaf of its own (or uses `torch.autograd.grad`, which returns the gradient instead of storing
it).

Why it matters: plotting the derivative of sin, tanh or ReLU is the first thing many people try
with autograd, and both errors (the exception, then the silently doubled gradient) show up there.

Check your work:  dojo check nonscalar_backward      (or: pytest --kata nonscalar_backward)
A hint at a time:  dojo hint nonscalar_backward
"""

import torch


def elementwise_grad(f, x):
    """The derivative of an element-wise function `f` at every element of `x`.

    `f` maps a tensor to a tensor of the same shape, element by element (`torch.sin`,
    `lambda t: t ** 3`, ...). Return a tensor shaped like `x` whose element i is
    d f(x)_i / d x_i. Leave `x` untouched: its values, its `requires_grad` and its `.grad` are
    the same after the call as before, and calling twice gives the same answer twice.
    """
    # TODO: a leaf of your own, f of it, a backward that starts from a non-scalar.
    raise NotImplementedError("elementwise_grad")
