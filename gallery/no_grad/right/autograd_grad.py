"""Right: it never calls `backward()` or `zero_grad()`: the training gradient comes from
Right: `torch.autograd.grad` and is assigned to `.grad` before `step()`; calc_forward picks its
Right: context manager by a conditional expression; evaluate restores each flag with the
Right: (recursive) `train(was)` in pre-order, which is safe because children come after their
Right: parent
Source: examiner set (issue 19): handles grads already present before the call (they are
Source: overwritten, not added to), an optimizer of several param groups or another kind (Adam),
Source: an outer `torch.no_grad()` around calc_forward, a model of mixed modes
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
    recording = torch.enable_grad() if is_train else torch.no_grad()
    with recording:
        return loss_fn(model(t_u, *params), t_c)


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    trained = [p for group in optimizer.param_groups for p in group["params"]]
    history = []
    for _ in range(n_epochs):
        train_loss = loss_fn(model(train_t_u, *params), train_t_c)
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c)
        grads = torch.autograd.grad(train_loss, trained, allow_unused=True)
        for p, g in zip(trained, grads):
            p.grad = g
        optimizer.step()
        history.append((train_loss.item(), val_loss.item()))
    return params, history


def evaluate(model, X):
    before = list(model.modules())
    flags = [m.training for m in before]
    model.eval()
    with torch.no_grad():
        out = model(X)
    for m, was in zip(before, flags):  # pre-order: a parent is restored before its children
        m.train(was)
    return out
