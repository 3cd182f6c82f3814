"""Right: the loop of d2l's concise linear regression, in its own names (`l`, `trainer`, `net`) and
Right: order (the loss first, then `zero_grad`), logging `l.item()` for each minibatch; the two
Right: gradients with `retain_graph=True` on the first backward, as PyTorch's message advises, each
Right: taken from a cleared `w.grad` (`inputs=[w]`) and cloned, the caller's `w.grad` set aside.
Source: 003, notes on 《动手学深度学习》 linear regression, done right
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    net, loss, trainer = model, loss_fn, optimizer
    train_ls = []
    for X, y in batches:
        l = loss(net(X), y)  # noqa: E741 - d2l's name
        trainer.zero_grad()
        l.backward()
        trainer.step()
        train_ls.append(l.item())  # the number, not the tensor: the graph goes with `l`
    return train_ls


def grads_of_two_losses(x, w, a, b):
    kept = w.grad  # whatever the caller had there
    h = torch.tanh(x @ w)
    l_a = (h @ a).pow(2).mean()
    l_b = (h @ b).abs().mean()
    w.grad = None
    l_a.backward(retain_graph=True, inputs=[w])  # the graph through h is needed again
    grad_a = w.grad.clone()
    w.grad = None
    l_b.backward(inputs=[w])
    grad_b = w.grad
    w.grad = kept
    return grad_a, grad_b
