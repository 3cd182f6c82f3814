"""Right: the validation pass of training_loop runs under `torch.inference_mode()` (stricter than
Right: `no_grad`; its loss is only read with `.item()`), calc_forward sets the mode with
Right: `torch.autograd.set_grad_enabled` inside an ExitStack, and evaluate saves and restores the
Right: modes through `model.apply` closures and a `@torch.no_grad()`-decorated helper
Source: examiner set (issue 19): handles a call inside an outer `torch.no_grad()`, an X that
Source: requires grad, a model of mixed modes, evaluate called twice with the mode changed in
Source: between
"""

import contextlib

import torch


def model(t_u, w, b):
    """The thermometer model: a straight line from the unknown unit to Celsius."""
    return w * t_u + b


def loss_fn(t_p, t_c):
    """Mean squared error."""
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def calc_forward(t_u, t_c, params, is_train):
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.autograd.set_grad_enabled(bool(is_train)))
        loss = loss_fn(model(t_u, *params), t_c)
    return loss


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    epoch = 0
    while epoch < n_epochs:
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.inference_mode():
            val_value = loss_fn(model(val_t_u, *params), val_t_c).item()
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append((train_loss.item(), val_value))
        epoch += 1
    return params, history


@torch.no_grad()
def _forward(model, X):
    return model(X)


def evaluate(model, X):
    saved = {}
    model.apply(lambda m: saved.__setitem__(m, m.training))
    model.apply(lambda m: m.train(False))
    out = _forward(model, X)
    model.apply(lambda m: setattr(m, "training", saved[m]))
    return out
