"""Kata: no_grad — validate and evaluate without building a graph.

Every operation on a tensor that requires grad is recorded: autograd builds a graph and keeps,
for each step, the tensors its backward will need. Training needs that. Validation and
evaluation do not: nobody will call `backward()` on them, so the graph is pure cost (the MNIST
network keeps about 348 MB for one evaluation batch of 1000 images). Worse, if you *do* call
`val_loss.backward()`, the validation gradients are added onto the training ones in the same
`.grad`, and the optimizer's step then depends on the validation set.

`torch.no_grad()` switches recording off inside a `with` block; `torch.set_grad_enabled(flag)`
switches it on or off by a flag. `model.eval()` is a different switch: it changes how layers
such as dropout and batch norm behave, and does nothing about gradients.

Why it matters: a validation set that leaks into training is no longer a validation set, and an
evaluation that records a graph wastes memory that a larger batch could have used.

Check your work:  dojo check no_grad      (or: pytest --kata no_grad)
A hint at a time:  dojo hint no_grad
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
    """The loss of `model(t_u, *params)` against `t_c` (use `loss_fn`), as a tensor.

    Record a graph only when `is_train` is true: then the loss requires grad and `backward()`
    works, even when the caller has switched recording off (inside its `torch.no_grad()`). When
    `is_train` is false, build no graph at all (not one that is thrown away afterwards: nothing
    is saved for backward), so the loss does not require grad, even when `t_u` or `t_c` do.
    Either way, leave autograd switched on or off as it was before the call.

    Inputs: `t_u` and `t_c` are 1-d floating-point tensors of one length (float32, float64,
    float16 or bfloat16, in any memory layout; either may require grad); `params` holds `w` and
    `b`, leaves that require grad: a tensor of two elements (the articles'), or a list or tuple
    of two 0-dim tensors; `is_train` is a bool. The loss is a 0-dim tensor of the dtype that
    `loss_fn(model(t_u, *params), t_c)` gives, right to a few roundings of that dtype.
    """
    # TODO: run the model and the loss with recording on or off according to is_train.
    raise NotImplementedError("calc_forward")


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    """Train `params` with `optimizer` for `n_epochs` epochs on the training set, watching the
    validation set. Returns `(params, history)`.

    Each epoch: the training loss (with a graph), the validation loss (without one), both at
    the parameters the epoch starts with, then one `optimizer.step()` on the gradient of the
    training loss alone: not the validation loss's, and not whatever `.grad` held before (from
    before the call, or from the epoch before: clear it before `backward()`). `history` holds
    one `(train_loss, val_loss)` pair of Python floats per epoch (`.item()`), in order. The
    validation pass records no graph (nothing saved for backward) and never reaches the
    gradients.

    `n_epochs` >= 0 (0: no step, an empty history). `params` is what `calc_forward` takes (a
    tensor of two elements, or a list or tuple of two 0-dim tensors); return that very object.
    `optimizer` is any `torch.optim` optimizer over it (SGD with or without momentum, Adam; one
    param group or one per tensor): use it, and only it, to step. The data are 1-d tensors of
    the params' dtype (float32 or float64); the loop is called with autograd on.
    """
    # TODO: train on the training set only; validate without recording a graph.
    raise NotImplementedError("training_loop")


def evaluate(model, X):
    """The outputs of `model` on `X`, computed in eval mode and without recording a graph.

    Afterwards the model and every submodule are back in the mode each was in before the call
    (a model may mix modes: a frozen batch norm in eval inside a model in train), read anew at
    every call; nothing else of the model has changed (parameters, buffers, which parameters
    require grad), and autograd is switched on or off as it was.

    `model` is any `nn.Module` (nested containers, modules of its own classes, dropout, batch
    norms, frozen parameters; float32 or float64), `X` a batch it takes, in any memory layout,
    that may require grad. "Without a graph": nothing is saved for backward, and the outputs do
    not require grad even when `X` does (`torch.no_grad()`; `torch.inference_mode()` will do as
    well). The outputs are the model's own in eval mode, of its dtype, to rounding.
    """
    # TODO: remember the modes, switch to eval, run without a graph, restore the modes.
    raise NotImplementedError("evaluate")
