"""Right: calc_forward picks its mode with `torch.inference_mode(not is_train)`: inference mode
Right: (no graph, an inference tensor for a loss) when not training, and `inference_mode(False)`,
Right: which switches recording on, when training, even inside the caller's `torch.no_grad()`;
Right: both put the caller's mode back on the way out.
Source: the maintainer's own right answers (issue 19): is_train=True inside an outer
Source: torch.no_grad(), readings that require grad, float16 and bfloat16 readings.
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
    with torch.inference_mode(not is_train):
        return loss_fn(model(t_u, *params), t_c)


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = []
    for _ in range(n_epochs):
        train_loss = calc_forward(train_t_u, train_t_c, params, True)
        val_loss = calc_forward(val_t_u, val_t_c, params, False)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history.append([train_loss.item(), val_loss.item()])  # a pair as a list
    return params, history


def evaluate(model, X):
    copy_of_modes = {name: m.training for name, m in model.named_modules()}
    model.eval()
    try:
        with torch.inference_mode():
            return model(X)
    finally:
        for name, m in model.named_modules():
            m.training = copy_of_modes[name]
