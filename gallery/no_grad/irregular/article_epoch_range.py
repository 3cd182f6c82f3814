"""Pitfall: training_loop runs `range(n_epochs + 1)` epochs as the article's code does, one step and
Pitfall: one history entry too many.
Source: examiner set (issue 19): any n_epochs: the history has n_epochs + 1 entries and the
Source: parameters took one extra step (n_epochs=0 still trains once)
Expect: `range(n_epochs + 1)` (the articles' loop) runs one epoch too many
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
    with torch.set_grad_enabled(bool(is_train)):
        loss = loss_fn(model(t_u, *params), t_c)
    return loss


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(n_epochs + 1):
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
