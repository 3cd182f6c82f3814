"""Right: the article's own code, done right: its training_loop with the validation pass under
Right: `torch.no_grad()` and its `assert val_loss.requires_grad == False`, one step per epoch
Right: (`range(1, n_epochs + 1)`, not `range(n_epochs + 1)`), the losses stored with `float()`;
Right: its calc_forward with `params` passed in; an evaluate in the style of article 004's
Right: test() (`model.eval()`, `with torch.no_grad():`) that gives each module its mode back.
Source: 001, (3)学习机制---Optimizers a la carte, Nits in autograd and switching it off, done right
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
        loss = loss_fn(t_p, t_c)
    return loss


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params)
        train_loss = loss_fn(train_t_p, train_t_c)

        with torch.no_grad():
            val_t_p = model(val_t_u, *params)
            val_loss = loss_fn(val_t_p, val_t_c)
            assert val_loss.requires_grad == False  # noqa: E712 - the article's own line

        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()

        history.append((float(train_loss), float(val_loss)))
    return params, history


def evaluate(model, X):
    was = [(m, m.training) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        output = model(X)
    for m, training in was:
        m.training = training
    return output
