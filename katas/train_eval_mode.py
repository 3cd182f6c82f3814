"""Kata: train_eval_mode — evaluate a model without changing it.

Some layers behave differently when training. Dropout zeroes a random part of its input in
train mode and does nothing in eval mode. BatchNorm normalises with the statistics of the
current batch in train mode, *and updates its running statistics*; in eval mode it uses those
running statistics and changes nothing. `model.eval()` switches every submodule to eval mode,
`model.train()` every submodule back to train. `torch.no_grad()` is another matter: it stops the
graph, not dropout or BatchNorm.

So an evaluation has three parts: eval mode (a repeatable answer that does not change the
model), no graph (no memory spent on a backward that never comes), and afterwards the model
given back in the mode it came in, for the training loop that called you. Careful: a model may
mix modes (a frozen BatchNorm kept in eval inside a model that trains), so a plain
`model.train()` at the end is not "as it came".

Why it matters: evaluated in train mode, accuracy is lower and changes from run to run, and
every evaluation quietly shifts BatchNorm's statistics towards the test set.

Check your work:  dojo check train_eval_mode      (or: pytest --kata train_eval_mode)
A hint at a time:  dojo hint train_eval_mode
"""

import torch


def accuracy(model, batches):
    """The fraction of examples that `model` classifies correctly, as a Python float.

    `batches` yields `(X, y)`: `model(X)` gives one row of class scores per example, `y` holds
    the class indices. The prediction is the highest-scoring class (on a tie, the first of the
    tied classes, as `argmax` gives it). Count over all the examples (the batches may differ in
    size).

    While evaluating: eval mode and no graph. Afterwards the model and every submodule are in
    the mode each was in before (read anew at every call), and nothing in the model has changed
    (BatchNorm's running statistics, the parameters, which of them require grad). The same call
    gives the same answer every time.

    In scope: `batches` is any iterable (a list, a tuple, a generator that can be walked only
    once: walk it once); `X` is whatever `model` takes (a tensor in any memory layout, of the
    model's dtype, that may require grad; or a tuple of tensors for a model of several inputs),
    so count the examples by `y`, a 1-d tensor of class indices; a batch may hold a single
    example. `model` is any `nn.Module` (nested containers, modules of its own class, frozen
    parameters, float32 or float64). The answer is `correct / total` to within 1e-6. Leave
    autograd switched on or off as it was, and the global random generator as it was (an
    evaluation in eval mode draws nothing). "No graph": nothing is saved for backward
    (`torch.no_grad()`; `torch.inference_mode()` will do as well).
    """
    # TODO: remember every module's mode, eval(), no_grad, count, then restore each mode.
    raise NotImplementedError("accuracy")
