"""no_grad: validate and evaluate without building a graph (reference solution)."""

import torch


def model(t_u, w, b):
    """The thermometer model: a straight line from the unknown unit to Celsius."""
    return w * t_u + b


def loss_fn(t_p, t_c):
    """Mean squared error."""
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def calc_forward(t_u, t_c, params, is_train):
    """The loss, with a graph only when `is_train`."""
    with torch.set_grad_enabled(is_train):  # a context manager: the old mode comes back on exit
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
    return loss


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    """Train on the training set; validate without a graph. Returns (params, history)."""
    history = []
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params)
        train_loss = loss_fn(train_t_p, train_t_c)

        with torch.no_grad():  # no graph: the validation loss can never reach the gradients
            val_t_p = model(val_t_u, *params)
            val_loss = loss_fn(val_t_p, val_t_c)

        optimizer.zero_grad()
        train_loss.backward()  # the training loss alone
        optimizer.step()

        history.append((train_loss.item(), val_loss.item()))  # floats: no graph kept
    return params, history


def evaluate(model, X):
    """Outputs in eval mode without a graph, leaving every module in the mode it was in."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for module, was_training in modes:  # one by one: a model may mix modes
            module.training = was_training
