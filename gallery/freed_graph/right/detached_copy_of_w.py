"""Right: the gradients are taken with respect to a detached copy of w that requires grad (the same
Right: values, a leaf of its own), and x, a and b are used detached: nothing the caller holds is
Right: on the graph, so no `.grad` of theirs can change; the history is built with
Right: `float(loss.detach())` from a DataLoader-friendly `for` loop with `enumerate`.
Source: the maintainers' own right answers (issue 19)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for _step, (X, y) in enumerate(batches):
        optimizer.zero_grad(set_to_none=False)  # zeros, not None: the next backward adds to 0
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(float(loss.detach()))
    return history


def grads_of_two_losses(x, w, a, b):
    w_ = w.detach().requires_grad_()
    x, a, b = x.detach(), a.detach(), b.detach()
    h = torch.tanh(x @ w_)
    grad_a, grad_b = (
        torch.autograd.grad(loss, w_, retain_graph=keep)[0]
        for loss, keep in (((h @ a).pow(2).mean(), True), ((h @ b).abs().mean(), False))
    )
    return grad_a, grad_b
