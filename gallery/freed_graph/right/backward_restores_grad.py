"""Right: `backward(inputs=[w])` reading w.grad, set aside first and put back untouched at the end; a
Right: loop that drives the iterator with `next()` and logs `loss.detach().tolist()`.
Source: examiner set (issue 19)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    it = iter(batches)
    while True:
        try:
            X, y = next(it)
        except StopIteration:
            return history
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        torch.autograd.backward(loss)
        optimizer.step()
        history.append(loss.detach().tolist())


def grads_of_two_losses(x, w, a, b):
    saved = w.grad
    h = torch.tanh(x @ w)
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    w.grad = None
    loss_a.backward(retain_graph=True, inputs=[w])
    grad_a = w.grad
    w.grad = None
    loss_b.backward(inputs=[w])
    grad_b = w.grad
    w.grad = saved
    return grad_a, grad_b