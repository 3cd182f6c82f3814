"""Kata: zero_grad — gradients add up until you clear them.

`loss.backward()` does not *set* `param.grad`, it *adds* to it. That is deliberate: it lets you
sum the gradients of several backward passes, for instance to split one big batch into
micro-batches that fit in memory. But in an ordinary training loop it means every epoch must
start from a clean gradient: `optimizer.zero_grad()` before `loss.backward()`, and `step()`
after it. Forget the clearing and each step uses the sum of all earlier gradients; clear at the
wrong moment (between `backward()` and `step()`) and the step has nothing left to use.

Why it matters: neither mistake raises an error. The loss just explodes, or never moves.

Check your work:  dojo check zero_grad      (or: pytest --kata zero_grad)
A hint at a time:  dojo hint zero_grad
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    """Fit the thermometer model `t_p = w * t_u + b` with `optimizer`, one step per epoch.

    `params` is the tensor `[w, b]` (a leaf that requires grad) that `optimizer` was built
    with; `t_u` holds the readings of the unknown thermometer, `t_c` the Celsius ones.
    Each epoch: predict, take the mean squared error `((t_p - t_c) ** 2).mean()`, then let
    the optimizer take one step with *this epoch's* gradient only.
    Returns `params` (changed in place by the optimizer).

    With params [1.0, 0.0], SGD lr 1e-2 and 5000 epochs on `t_u * 0.1`, you should end near
    [5.3671, -17.3012].
    """
    # TODO: for each epoch: forward, loss, clear the gradients, backward, step.
    raise NotImplementedError("training_loop")


def accumulated_gradients(model, loss_fn, micro_batches):
    """Accumulate, on purpose, the gradient of one big batch from several micro-batches.

    `micro_batches` is a list of `(X, y)`, possibly of different sizes; `loss_fn(model(X), y)`
    returns the *mean* loss of a batch. Afterwards every parameter's `.grad` must equal the
    gradient of the mean loss over all the examples together, exactly as one backward on the
    whole batch would give, whatever `.grad` held before the call. Returns None (no step).
    """
    # TODO: start from clean gradients, then one backward per micro-batch, each batch's mean
    # TODO: loss weighted by its share of all the examples.
    raise NotImplementedError("accumulated_gradients")
