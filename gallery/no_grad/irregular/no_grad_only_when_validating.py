"""Pitfall: calc_forward only wraps the validation branch in `no_grad` and leaves the training branch
Pitfall: to whatever mode the caller had, so `is_train=True` inside an outer `no_grad` returns a
Pitfall: loss that does not require grad and cannot be backpropagated.
Source: examiner set (issue 19): calc_forward(..., is_train=True) called inside a `with
Source: torch.no_grad():` block (as from a validation helper)
Expect: is_train=True recorded nothing
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
    if is_train:
        return loss_fn(model(t_u, *params), t_c)
    with torch.no_grad():
        return loss_fn(model(t_u, *params), t_c)


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
