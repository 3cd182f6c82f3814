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

    For each `(X, y)` in `batches`: clear the gradients, compute `loss_fn(model(X), y)`,
    backpropagate it, step. Return the list of the losses, one per batch, each as a Python
    float (the batch's loss before its step). No graph may outlive its own step: nothing you
    keep may hold on to a loss tensor.
    """
    # TODO: the usual loop; keep `loss.item()` in the history, not `loss`.
    raise NotImplementedError("train_logging_losses")


def grads_of_two_losses(x, w, a, b):
    """The gradients of two losses with respect to `w`, each on its own, from one forward pass.

    With `h = torch.tanh(x @ w)`, `loss_a = (h @ a).pow(2).mean()` and
    `loss_b = (h @ b).abs().mean()`, return `(grad_a, grad_b)`: d loss_a / d w and
    d loss_b / d w. Compute `h` once and use it for both losses. Whatever `w.grad` held before
    the call must not leak into either result (what it holds afterwards is up to you).
    """
    # TODO: one forward pass; two gradients that neither free the shared graph too early nor
    # TODO: add up in w.grad.
    raise NotImplementedError("grads_of_two_losses")
