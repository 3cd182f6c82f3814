"""Kata: freed_graph — one graph per step, backpropagated once, then let go.

Every forward pass that involves a tensor requiring grad records a graph, and the graph keeps
what backward will need (the activations of the batch). `loss.backward()` uses that and then
frees it, so a graph can be backpropagated only once: go through it again and PyTorch raises
"Trying to backward through the graph a second time". And as long as a loss *tensor* is alive
(in a list, in a running total), its whole graph stays in memory.

So: log `loss.item()`, a Python float, never the tensor. And when two losses share a part of
the graph and you do need both gradients, keep the graph for the second pass
(`retain_graph=True`, or `torch.autograd.grad`) and take each gradient on its own: `.grad`
adds up.

Why it matters: a history of loss tensors grows memory step after step until the run dies,
and a gradient added onto another one trains on the wrong direction without a word.

Check your work:  dojo check freed_graph      (or: pytest --kata freed_graph)
A hint at a time:  dojo hint freed_graph
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    """Train `model` with one optimizer step per batch and log every batch's loss.

    `batches` is any iterable of `(X, y)` pairs: a list, a tuple, a generator, a DataLoader
    (no `len()`, no indexing). Walk it once, in order. For each `(X, y)`: clear the gradients
    (whatever `.grad` held when you were called must not reach the first step), compute
    `loss_fn(model(X), y)` (one forward pass per batch: a dropout mask is drawn, BatchNorm's
    statistics move, once per batch), backpropagate it, step. The model may be float32 or
    float64, with dropout, BatchNorm, frozen parameters or parameters the forward never uses:
    a parameter the loss never reaches keeps a `.grad` of None (a leftover gradient it held
    may become None or zeros, or stay as it was; no new value).

    Return a new list, one entry per batch in order (`[]` for no batches): the loss that was
    backpropagated (from before its step), as a Python `float` (`loss.item()`; not a tensor,
    not a NumPy number), unrounded, at the loss's own precision. A loss of inf or nan is logged
    as it is, and its step is taken like any other. Each call starts a list of its own.

    No graph may outlive its own step: once a step is over, nothing may still hold its loss
    tensor or what its graph saved for backward (no loss tensors kept in the history, in a
    running total `total = total + loss`, in a global; no `retain_graph=True`, which keeps
    the saved tensors until the loss is dropped), and nothing of them stays after the call.
    """
    # TODO: the usual loop; keep `loss.item()` in the history, not `loss`.
    raise NotImplementedError("train_logging_losses")


def grads_of_two_losses(x, w, a, b):
    """The gradients of two losses with respect to `w`, each on its own, from one forward pass.

    With `h = torch.tanh(x @ w)`, `loss_a = (h @ a).pow(2).mean()` and
    `loss_b = (h @ b).abs().mean()` (`.mean()` over every element of `h @ a`), return
    `(grad_a, grad_b)`: d loss_a / d w and d loss_b / d w. Compute `h` once and use it for
    both losses: the tests count the calls of tanh through every API (`torch.tanh`,
    `Tensor.tanh`, `F.tanh`, `nn.Tanh`), exactly one per call.

    The inputs: `x` of shape (n, d), or (d,) for one example; `w` of shape (d, k), a leaf that
    requires grad (a parameter); `a` and `b` of shape (k,), or (k, m) for m outputs; all four
    float32, or all four float64, in any layout (transposed, sliced, expanded). `x`, `a` and `b`
    may require grad themselves (`x` the output of earlier layers, `a` and `b` a head's weights).
    Autograd is on when you are called.

    Each gradient is a tensor shaped like `w`, of `w`'s dtype, plain values that require no
    grad (no graph behind them), accurate to a few units of that dtype's rounding of the sums
    involved, as autograd computes it (where `h @ b` is exactly 0, the derivative of `abs` is
    0, as autograd's `sign`). A computation in float32 of float64 inputs, or a gradient taken
    as the difference of two others, is not that accurate.

    Whatever `w.grad` held before the call must not leak into either result; what it holds
    afterwards is up to you. Leave everything else as it was: the values of `x`, `w`, `a` and
    `b`, and the `.grad` of every tensor but `w` (of `x`, `a`, `b`, and of the leaves behind
    `x`: None stays None, zeros stay zeros): take gradients with respect to `w` alone.
    """
    # TODO: one forward pass; two gradients that neither free the shared graph too early nor
    # TODO: add up in w.grad.
    raise NotImplementedError("grads_of_two_losses")
