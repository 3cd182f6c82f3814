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

    `SGD(params, lr, momentum=0.0)`: `params` is any iterable of tensors (a list, or the
    generator `model.parameters()`). For a parameter with gradient g (momentum m, dampening 0,
    no Nesterov, no weight decay):

        first step:   buf = a copy of g
        later steps:  buf = m * buf + g
        update:       param -= lr * buf        (param -= lr * g when m == 0)
    """

    def __init__(self, params, lr, momentum=0.0):
        """Keep what step() and zero_grad() will need (the parameters, lr, momentum, buffers)."""
        # TODO: store the parameters so that they can be looped over again and again.
        raise NotImplementedError("SGD.__init__")

    def zero_grad(self):
        """Clear every parameter's gradient (zero it, or set it to None). Must work before the
        first backward, when the gradients are still None."""
        # TODO: clear each gradient that exists.
        raise NotImplementedError("SGD.zero_grad")

    def step(self):
        """Move every parameter that has a gradient, in place and visibly to autograd (its
        `_version` goes up), skipping those whose `.grad` is None."""
        # TODO: under torch.no_grad(): momentum buffer, then the in-place update.
        raise NotImplementedError("SGD.step")
