"""Pitfall: calc_forward records the graph and detaches the loss afterwards: the caller sees a loss
Pitfall: that does not require grad, but every saved tensor of the forward was stored for nothing
Pitfall: (the contract asks for no graph at all).
Source: examiner set (issue 19): calc_forward(..., is_train=False) run under
Source: `torch.autograd.graph.saved_tensors_hooks`: the right answer packs 0 tensors, this one
Source: packs several
Expect: a graph was built and then thrown away
"""

import torch


def model(t_u, w, b):
    """The thermometer model: a straight line from the unknown unit to Celsius."""
    return w * t_u + b


def loss_fn(t_p, t_c):
    """Mean squared error."""
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def calc_forward(t_u, t_c, params, is_train):
    loss = loss_fn(model(t_u, *params), t_c)
    return loss if is_train else loss.detach()


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append((train_loss.item(), val_loss.item()))
    return params, history


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            out = model(X)
    finally:
        for m, was in modes:
            m.training = was
    return out
