"""Pitfall: evaluate remembers and restores only the Dropout and BatchNorm layers, but `model.eval()`
Pitfall: switched every module, so containers and custom modules come back in eval mode.
Source: examiner set (issue 19): a model in train mode whose container (an `nn.Sequential`, or the
Source: model itself) is checked afterwards; or a custom module that reads `self.training`
Expect: only the dropout and batch-norm layers got their modes back
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
    kinds = (torch.nn.Dropout, torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)
    modes = [(m, m.training) for m in model.modules() if isinstance(m, kinds)]
    model.eval()
    try:
        with torch.no_grad():
            out = model(X)
    finally:
        for m, was in modes:
            m.training = was
    return out
