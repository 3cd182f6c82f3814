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
    the class indices. The prediction is the highest-scoring class. Count over all the examples
    (the batches may differ in size).

    While evaluating: eval mode and no graph. Afterwards the model and every submodule are in
    the mode each was in before, and nothing in the model has changed (BatchNorm's running
    statistics included). The same call gives the same answer every time.
    """
    # TODO: remember every module's mode, eval(), no_grad, count, then restore each mode.
    raise NotImplementedError("accuracy")
