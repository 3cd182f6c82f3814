"""Pitfall: a validation graph built and kept (no `torch.no_grad()`, the loss tensor stored).
Source: 001, (3)学习机制---Optimizers a la carte, Nits in autograd and switching it off (tracking history has costs you can forgo during validation).
Expect: the validation pass built a graph
Expect: history keeps loss tensors that require grad
"""

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        val_loss = loss_fn(model(val_t_u, *params), val_t_c)  # recorded: a graph for nothing

        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()

        history.append((train_loss.item(), val_loss))  # the tensor keeps its graph alive
    return params, history
