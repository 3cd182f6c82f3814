"""Right: training_loop is built on calc_forward itself, history entries come from `float()`, and
Right: evaluate keys the saved modes by qualified name (`named_modules`) and looks each module up
Right: again with `get_submodule`, under `torch.set_grad_enabled(False)` as a context;
Right: `float(train_loss)` on a loss that requires grad is legal but makes torch 2.14 print a
Right: UserWarning (a suite run with `-W error` would wrongly reject it)
Source: examiner set (issue 19): handles an outer `torch.no_grad()` around the whole training loop
Source: (the training pass still records, through calc_forward), a truthy non-bool is_train, a
Source: model of mixed modes nested two levels deep
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
    with torch.set_grad_enabled(True if is_train else False):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
    return loss


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for _ in range(n_epochs):
        train_loss = calc_forward(train_t_u, train_t_c, params, True)
        val_loss = calc_forward(val_t_u, val_t_c, params, False)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append((float(train_loss), float(val_loss)))
    return params, history


def evaluate(model, X):
    modes = {name: m.training for name, m in model.named_modules()}
    model.eval()
    with torch.set_grad_enabled(False):
        out = model(X)
    for name, was in modes.items():
        model.get_submodule(name).training = was
    return out
