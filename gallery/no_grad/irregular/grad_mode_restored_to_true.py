"""Pitfall: calc_forward switches autograd with a plain call and afterwards switches it back on
Pitfall: unconditionally, so a caller that had autograd off finds it on: the mode is restored to a
Pitfall: constant, not to what it was.
Source: examiner set (issue 19): calc_forward(..., is_train=False) (or True) called inside a `with
Source: torch.no_grad():` block; afterwards `torch.is_grad_enabled()` is True
Expect: put back to True, a constant
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
    torch.set_grad_enabled(bool(is_train))
    loss = loss_fn(model(t_u, *params), t_c)
    torch.set_grad_enabled(True)
    return loss


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
