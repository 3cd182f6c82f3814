"""Kata: leaf_tensors — make parameters that `backward()` can fill.

`backward()` stores gradients in the `.grad` of *leaf* tensors only: the tensors you created
yourself, not the results of an operation on a tensor that requires grad. So
`torch.randn(3, 1, requires_grad=True) * 0.01` is not a parameter at all: the multiplication
is recorded in the graph, its result is a non-leaf, and its `.grad` stays None (the gradient
goes to the hidden tensor before the `* 0.01`, which nobody holds). The same happens with a
conversion: `.to(device)` or `.to(torch.float64)` after `requires_grad=True` is an operation
too. Everything that shapes the tensor comes first; `requires_grad_()` comes last.

Why it matters: a parameter whose `.grad` stays None is never updated, or the update crashes
on None. Code that works on the CPU in float32 (where `.to(...)` changes nothing and returns
the same tensor) breaks the moment it runs on a GPU or in float64.

Check your work:  dojo check leaf_tensors      (or: pytest --kata leaf_tensors)
A hint at a time:  dojo hint leaf_tensors
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    """The parameters of a linear model `X @ w + b`, ready for training.

    Return `(w, b)`:
    - `w` of shape (n_features, 1), drawn from a normal distribution with mean 0 and standard
      deviation `std` (a number >= 0; `std=0` gives zeros). When a `generator` (a CPU
      `torch.Generator`) is given, the numbers are drawn from it: two equally seeded generators
      give the same `w`, and a second call with the same generator draws the next numbers, so
      it gives another `w`. Without one, they come from torch's global generator (so
      `torch.manual_seed` repeats them). Which normal draw is yours (`torch.randn(...) * std`,
      `torch.normal`, drawn in float64 and converted ...) is up to you.
    - `b` of shape (1,), zeros;
    - both of `dtype` (float32, float64, float16 or bfloat16; float32 unless asked, whatever
      `torch.get_default_dtype()` is), on `device` (a string or a `torch.device`), and both
      *leaves that require grad*: after a `backward()` their `.grad` holds the gradient (an
      `nn.Parameter` is one too), also when the caller is inside `torch.no_grad()`;
    - new tensors on every call: two models made side by side share nothing.
    Leave torch's global state as it was: its default dtype, its grad mode, and its global
    generator when a `generator` is given.
    (`device="meta"` makes tensors with a shape and no data: a way to try devices without a GPU.)
    """
    # TODO: draw, scale and convert w first; make it require grad last. Then b.
    raise NotImplementedError("init_params")
