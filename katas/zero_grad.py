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

    `params` is the tensor `[w, b]` (a leaf that requires grad) that `optimizer` was built with;
    `t_u` holds the readings of the unknown thermometer, `t_c` the Celsius ones (1-d, of
    params' dtype: float32, float64, float16 or bfloat16; they may be non-contiguous). The
    optimizer is any torch.optim optimizer whose `step()` needs no closure (SGD with or without
    momentum, Adam, RMSprop ...), possibly with state from an earlier call.
    Each epoch: predict, take the mean squared error `((t_p - t_c) ** 2).mean()`, then let
    the optimizer take one step with *this epoch's* gradient only: `params.grad` may already
    hold a gradient when the function is called (the caller's, or an earlier call's), and it
    must not count. Exactly `n_epochs` steps of the optimizer given (0 is none), even when the
    loss blows up to inf or nan: the caller sees that in `params`.
    Compute in params' dtype (or finer: a float64 loss is fine); the end point must agree with
    the same optimizer run in a plain loop up to rounding in that dtype (about 2e-5 of params'
    size in float32, 1e-10 in float64). It is called with autograd on.
    Returns `params` itself (the same tensor, changed in place by the optimizer); `t_u` and
    `t_c` are left as they are. What `params.grad` holds afterwards is yours.

    With params [1.0, 0.0], SGD lr 1e-2 and 5000 epochs on `t_u * 0.1`, you should end near
    [5.3671, -17.3012].
    """
    # TODO: for each epoch: forward, loss, clear the gradients, backward, step.
    raise NotImplementedError("training_loop")


def accumulated_gradients(model, loss_fn, micro_batches):
    """Accumulate, on purpose, the gradient of one big batch from several micro-batches.

    `micro_batches` is a non-empty list of `(X, y)`, possibly of different sizes (each has at
    least one example; the size of a batch is `len(X)`, whatever the number of features; X may
    be non-contiguous; y may be class indices). `loss_fn(model(X), y)` returns the *mean* loss
    of a batch: an nn loss module or a plain function. `model` gives each example an output of
    its own (no BatchNorm or dropout in train mode: in eval mode they are fine), in float32,
    float64, float16 or bfloat16, and may have frozen parameters (requires_grad=False) and
    parameters its forward never uses.
    Afterwards every parameter that requires grad has a `.grad` equal to the gradient of the mean
    loss over all the examples together, exactly as one backward on the whole batch would give,
    whatever `.grad` held before the call (an old gradient, zeros, huge values, inf or nan). For a
    parameter the loss does not reach that is zero: None or zeros. The `.grad` of a frozen
    parameter is not looked at. "Equal" is up to rounding in the model's dtype, relative to
    the size of a layer's per-example gradients: about 3e-5 in float32, 6e-14 in float64 (a
    weight made in float32 for a float64 model is too coarse), 2% in float16, 12% in bfloat16.
    There may be many micro-batches and hundreds of examples with gradients in the thousands: in
    float16 a sum over the examples overflows (65504 is its largest value), so weigh each
    micro-batch's mean loss by its share of the examples *before* its backward, never a sum
    divided at the end.
    It takes no step and changes nothing else: the parameters, their modes (the model is used in
    the mode it is in), BatchNorm's running statistics, `loss_fn` (its `reduction`) and the
    micro-batches stay as they were. Only the resulting `.grad` is checked, not how you get it.
    Returns None (no step).
    """
    # TODO: start from clean gradients, then one backward per micro-batch, each batch's mean
    # TODO: loss weighted by its share of all the examples.
    raise NotImplementedError("accumulated_gradients")
