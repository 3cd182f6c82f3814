"""Kata: custom_optimizer — a hand-written optimizer, done right.

An optimizer is a small class: it holds the parameters, `zero_grad()` clears their gradients,
`step()` moves each one against its gradient. The hand-written one of the articles works on its
own toy model and breaks on a real one, in four quiet ways:

- `param.grad.data.zero_()` crashes before the first `backward()`, when every `.grad` is None
  (and for any parameter the loss does not use);
- `param.data -= lr * param.grad` changes the numbers behind autograd's back: `.data` is a
  separate view whose changes do not bump the tensor's version counter, so a graph that saved
  the old value computes wrong gradients without a word. Update the tensor itself, in place,
  under `torch.no_grad()`;
- `model.parameters()` returns a *generator*: kept as it came, it is used up by the first loop
  over it, and every later `zero_grad()` and `step()` loops over nothing;
- momentum keeps a running buffer per parameter. It must be a tensor of its own, not `p.grad`
  itself (which `zero_grad()` clears and `backward()` overwrites), and it starts as a copy of
  the first gradient, as torch.optim.SGD does.

Why it matters: all four train *something* without an error. Only a comparison with
torch.optim.SGD, step by step, shows the difference.

Check your work:  dojo check custom_optimizer      (or: pytest --kata custom_optimizer)
A hint at a time:  dojo hint custom_optimizer
"""

import torch


class SGD:
    """Stochastic gradient descent with optional momentum, step for step like torch.optim.SGD.

    `SGD(params, lr, momentum=0.0)`: `params` is any iterable of tensors, walked once here (a
    list, a tuple, the generator `model.parameters()`, any other one-shot iterator such as
    `itertools.chain(...)`, `filter(...)`, `map(...)` or `iter(list)`, a dict's `.values()`):
    at least one tensor, each at most once, never a single tensor and no param-group dicts.
    SGD keeps a list of its own, as torch.optim copies them into its param groups: what the
    caller does with its own list (or dict) afterwards (`params.clear()`, refilling it) does
    not reach the optimizer. They are leaves of any float dtype
    (float32, float64, float16, bfloat16), any shape (0-dim too) and any memory layout
    (transposed, sliced, channels-last). SGD keeps every tensor it is given, whatever its
    `requires_grad` (a frozen one may be unfrozen later). `lr > 0`, `0 <= momentum < 1`.

    For a parameter with gradient g (momentum m, dampening 0, no Nesterov, no weight decay):

        its first step:   buf = a copy of g
        later steps:      buf = m * buf + g
        update:           param -= lr * buf        (param -= lr * g when m == 0)

    "First" is per parameter and per optimizer: a parameter that gets its first gradient at
    the optimizer's fifth step starts its buffer then, and a new SGD over the same tensors
    starts with no buffers (state lives in the object; two SGDs side by side share nothing).
    Steps are compared with torch.optim.SGD's to within a few units of the parameter's dtype
    rounding (of |param| + lr * |buf|): `param -= lr * buf` and torch's
    `param.add_(buf, alpha=-lr)` both pass; a buffer in a coarser dtype (`torch.zeros(shape)`
    is float32, for a float64 parameter) does not.
    """

    def __init__(self, params, lr, momentum=0.0):
        """Keep what step() and zero_grad() will need (the parameters, lr, momentum, buffers).
        Change nothing of the parameters."""
        # TODO: store the parameters so that they can be looped over again and again.
        raise NotImplementedError("SGD.__init__")

    def zero_grad(self):
        """Clear every parameter's gradient: set it to None, or zero it in place, whatever it
        held (inf and nan too), frozen parameters too. Must work before the first backward,
        when the gradients are still None. Moves no parameter; leaves grad mode as it was (on,
        or off when called inside the caller's `torch.no_grad()`).

        With momentum the two ways differ, as in torch (`zero_grad(set_to_none=...)`): a
        gradient of zeros is still a gradient (its parameter glides on by lr * momentum * buf),
        a gradient of None is skipped. Either is right; the tests follow yours."""
        # TODO: clear each gradient that exists.
        raise NotImplementedError("SGD.zero_grad")

    def step(self):
        """Move every parameter whose `.grad` is not None, skipping only those whose `.grad`
        is None: a gradient of zeros still updates the buffer, and nan or inf in a gradient is
        applied as it is. In place, on the tensor itself and visibly to autograd: the same
        tensor object and storage, its `_version` goes up (`.data` does not do that), still a
        leaf with its `requires_grad`; grad mode left as it was (on, or off when called inside
        the caller's `torch.no_grad()`: restored, not set to a constant), and so is the default
        dtype (the caller's may be float64). step() reads `p.grad` and
        never writes it. (An optional argument such as torch's `closure=None` is fine; the
        tests call `step()`.)"""
        # TODO: under torch.no_grad(): momentum buffer, then the in-place update.
        raise NotImplementedError("SGD.step")
