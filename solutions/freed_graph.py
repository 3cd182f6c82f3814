"""freed_graph: one graph per step, backpropagated once, then let go (reference solution)."""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    """One step per batch; the history holds Python floats, so no graph outlives its step."""
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()  # frees this step's graph
        optimizer.step()
        history.append(loss.item())  # a float: keeps neither the tensor nor its graph
    return history


def grads_of_two_losses(x, w, a, b):
    """d loss_a / d w and d loss_b / d w, each on its own, through one shared h."""
    h = torch.tanh(x @ w)  # the one forward pass both losses share
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    # torch.autograd.grad returns the gradients instead of adding them to w.grad, so neither
    # an old w.grad nor the other loss can leak in. The first call keeps the graph through h,
    # which the second one needs again.
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w)
    return grad_a, grad_b
