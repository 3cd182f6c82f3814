"""Pitfall: evaluate returns `model(X)` as it is for a model without parameters ("nothing to protect"):
Pitfall: its dropout runs in train mode and drops units.
Source: examiner set (issue 19): a model without parameters (activation and dropout, pooling) in train mode
Expect: these layers were in train mode
"""


import torch


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def calc_forward(t_u, t_c, params, is_train):
    with torch.set_grad_enabled(is_train):
        t_p = model(t_u, *params)
        return loss_fn(t_p, t_c)


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(n_epochs):
        train_loss = calc_forward(train_t_u, train_t_c, params, True)
        val_loss = calc_forward(val_t_u, val_t_c, params, False)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append((train_loss.item(), val_loss.item()))
    return params, history


def evaluate(model, X):
    if not list(model.parameters()):
        with torch.no_grad():
            return model(X)
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for m, was in modes:
            m.training = was
