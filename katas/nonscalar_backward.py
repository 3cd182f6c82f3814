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
    `lambda t: t ** 3`, `torch.relu`, even a constant such as `lambda t: torch.full_like(t, 3.0)`,
    whose derivative is 0). Return a tensor shaped like `x` whose element i is d f(x)_i / d x_i:
    - of x's dtype and on x's device, a plain tensor of values (it requires no grad);
    - the derivative autograd computes (at a kink such as relu's at 0, autograd's value, 0),
      to the precision of x's dtype: computing in float64 and rounding back is fine, a finite
      difference is not;
    - for any floating x (float32, float64, float16, bfloat16), of any shape (0-dim and empty
      too) and layout (transposed, sliced, expanded), that may require grad (a parameter with a
      `.grad` of its own, or a non-leaf), whatever the caller's grad mode (inside
      `torch.no_grad()` too) or torch's default device.
    Leave `x` untouched: its values, its `requires_grad` and its `.grad` (and those of the leaves
    behind it) are the same after the call as before, and so is the caller's grad mode. Calling
    twice gives the same answer twice, each a new tensor: a result the caller keeps does not
    change with later calls. (Integer or complex x, and calls inside `torch.inference_mode()`,
    are not asked for.)
    """
    # TODO: a leaf of your own, f of it, a backward that starts from a non-scalar.
    raise NotImplementedError("elementwise_grad")
