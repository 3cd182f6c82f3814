"""Right: the step's gradients come from `torch.autograd.grad` and are assigned to `.grad` by hand
Right: (no `zero_grad`, no `backward`); the two gradients from one batched backward
Right: (`is_grads_batched=True` over the stacked losses), unbound into two views of one tensor.
Source: the maintainers' own right answers (issue 19)
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    trainable = [p for p in model.parameters() if p.requires_grad]
    history = []
    for X, y in batches:
        loss = loss_fn(model(X), y)
        # frees the graph as backward() does; a parameter the forward never uses gets None
        grads = torch.autograd.grad(loss, trainable, allow_unused=True)
        for p, g in zip(trainable, grads):
            p.grad = g  # replaces whatever was there: nothing old reaches the step
        optimizer.step()
        history.append(loss.item())
    return history


def grads_of_two_losses(x, w, a, b):
    h = torch.tanh(x @ w)
    losses = torch.stack([(h @ a).pow(2).mean(), (h @ b).abs().mean()])
    (both,) = torch.autograd.grad(losses, w, grad_outputs=torch.eye(2, dtype=losses.dtype),
                                  is_grads_batched=True)
    grad_a, grad_b = both.unbind(0)
    return grad_a, grad_b
