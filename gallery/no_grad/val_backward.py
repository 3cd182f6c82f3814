"""Pitfall: `val_loss.backward()` — the validation gradients leak into the step.
Source: 001, (3)学习机制---Optimizers a la carte, Nits in autograd and switching it off (calling backward on val_loss accumulates into params.grad).
Expect: the gradients of the validation set leaked into the step
Expect: the validation pass built a graph
"""

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        val_loss = loss_fn(model(val_t_u, *params), val_t_c)  # with a graph ...

        optimizer.zero_grad()
        train_loss.backward()
        val_loss.backward()  # ... and its gradient added onto the training one
        optimizer.step()

        history.append((train_loss.item(), val_loss.item()))
    return params, history
