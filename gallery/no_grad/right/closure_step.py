"""Right: the training step goes through `optimizer.step(closure)` (the closure clears, computes the
Right: training loss and backpropagates; the validation loss is taken just before, on the same
Right: parameters), and evaluate is a small context-manager class
Source: examiner set (issue 19): handles grads already present before the call, an optimizer other
Source: than plain SGD, a model that raises in forward (its modes are still restored), a model of
Source: mixed modes
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
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(bool(is_train))
    try:
        return loss_fn(model(t_u, *params), t_c)
    finally:
        torch.set_grad_enabled(previous)


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for _ in range(n_epochs):
        with torch.no_grad():
            val_loss = loss_fn(model(val_t_u, *params), val_t_c).item()

        def closure():
            optimizer.zero_grad()
            loss = loss_fn(model(train_t_u, *params), train_t_c)
            loss.backward()
            return loss

        train_loss = optimizer.step(closure)
        history.append((train_loss.item(), val_loss))
    return params, history


class _EvalMode:
    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.saved = [(m, m.training) for m in self.model.modules()]
        self.model.eval()
        return self.model

    def __exit__(self, *exc):
        for m, was in self.saved:
            m.training = was
        return False


def evaluate(model, X):
    with _EvalMode(model), torch.no_grad():
        return model(X)
