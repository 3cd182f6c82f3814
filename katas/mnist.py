"""Kata: mnist — the articles' digit classifier, trained and evaluated without the classic slips.

The last article trains a small convolutional network on MNIST with two functions, `train` and
`test`, like pytorch/examples' mnist/main.py. Each line of those loops is there for a reason:
`optimizer.zero_grad()` (gradients accumulate otherwise), `model.eval()` (dropout must be off
when you measure), `torch.no_grad()` (evaluation needs no graph), `x = x.to(device)` (`.to`
returns a new tensor; the batch and the model must sit on the same device), and a loss summed
over examples, then divided by their number (the last batch may be smaller).

Why it matters: every one of these slips still runs. The loss still goes down, an accuracy is
still printed; it is just a little wrong, or slower, or not repeatable, and nothing says so.

Check your work:  dojo check mnist      (or: pytest --kata mnist)
Train it:         python -m dojo.train_mnist     (--subset: the small set, no GPU needed)
A hint at a time: dojo hint mnist
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """The articles' network, for 1x28x28 digits in batches of shape (N, 1, 28, 28):

    conv 1->32 (3x3, stride 1), ReLU, conv 32->64 (3x3), ReLU, max-pool 2, dropout 0.25,
    flatten (keeping the batch dimension), fc 9216->128, ReLU, dropout 0.5, fc 128->10,
    log_softmax over the ten classes. `forward` returns (N, 10) log-probabilities.
    (`nn.Dropout` as here; the articles' `nn.Dropout2d` works as well.)

    - Dropout is active in train mode only: there each dropout zeroes about its share of its
      input (25% of the pooled features, 50% of fc1's outputs) and scales the rest by
      1 / (1 - p); in eval mode two passes over the same digits give the same output.
    - The forward pass works on any batch the layers take: a batch of one digit, a
      channels-last batch (`x.to(memory_format=torch.channels_last)`: flatten with
      `torch.flatten(x, 1)`, which copies when it must), and in the dtype the network was
      converted to (`Net().double()` on float64 digits gives float64; never convert the batch).
    - The log-probabilities stay finite for a confident network (scores hundreds apart):
      `F.log_softmax`, not the log of a softmax, whose small probabilities underflow to 0.
    - The initial weights come from the global generator, as PyTorch's layers draw them: the
      caller's `torch.manual_seed` decides them, and Net never reseeds.

    The tests load parameters of their own into your layers (found by their shapes, not by their
    names) and compare the eval-mode output with the contract's forward pass, to about 2e-5 of
    the outputs' size in float32.
    """

    def __init__(self):
        super().__init__()
        # TODO: the layers (two Conv2d, two Linear, two dropouts), then write forward().
        raise NotImplementedError("Net")

    def forward(self, x):
        # TODO: the layers in order; return F.log_softmax(..., dim=1).
        raise NotImplementedError("Net.forward")


def train(model, device, train_loader, optimizer, epoch):
    """One epoch of training; returns the mean training loss per example (a float).

    For every `(data, target)` batch of `train_loader`: move both to `device`, clear the
    gradients, compute `F.nll_loss` of the model's output, backpropagate, step the optimizer.
    The model must be in train mode (dropout on). The returned figure is the loss of every
    example as computed during the epoch, averaged over examples (the last batch may be
    smaller than the others). `epoch` is the epoch's number, for progress messages.

    - `train_loader` is a `torch.utils.data.DataLoader` over the whole training set, as the
      articles build it: shuffled or not, the last batch possibly smaller, every example once
      per pass, so `len(train_loader.dataset)` is the number of examples and
      `len(train_loader)` the number of batches. Take its batches as it gives them, one step
      per batch.
    - `model` is any module that maps a batch to (N, 10) scores: `Net`, or the small models of
      the tests (one returns raw scores). The loss is `F.nll_loss(output, target)` of the output
      as it is (no softmax added, not `F.cross_entropy`), the batch mean, backpropagated as it
      is.
    - The model may come in eval mode (test() leaves it so): put it, and every module inside it,
      in train mode (`model.train()`).
    - The parameters may hold gradients when train is called: clear them before each backward
      (`optimizer.zero_grad()` first in the step), so that no step uses another's gradient.
    - `optimizer` is any optimizer over the model's parameters (SGD with or without momentum);
      `device` a `torch.device` or a string ('cpu', 'cuda'). Move the batches with `.to(device)`
      and nothing else: a float64 model gets float64 batches.
    - The figure is a Python float for this call's epoch alone (a second call returns the
      second epoch's), within about 1e-5 of the mean of the losses that were backpropagated.
      Leave autograd switched on.
    """
    # TODO: the loop of the articles, and the mean loss per example.
    raise NotImplementedError("train")


def test(model, device, test_loader):
    """Evaluate the model; returns `(loss, accuracy)`, two floats.

    `loss`: the mean `F.nll_loss` per example over the whole test set; `accuracy`: the fraction
    of examples whose most likely class is the target (between 0 and 1, not a percentage).
    Evaluate in eval mode (dropout off) and without recording a graph.

    - `test_loader` is a DataLoader over the whole test set (shuffled or not, as the articles'
      is; the last batch possibly smaller): `len(test_loader.dataset)` is the number of
      examples. Evaluate every example once.
    - `model` is any module that maps a batch to (N, 10) scores (the tests' own small models too,
      one of which returns raw scores): `F.nll_loss` of the output as it is, summed over the
      examples (`reduction='sum'`) and divided by their number; the most likely class is
      `output.argmax(dim=1)`.
    - Put the model, and every module inside it, in eval mode (`model.eval()`); the model comes
      in train mode, as train() leaves it. Its mode after test is yours to choose.
    - No graph: `with torch.no_grad():` (or `torch.inference_mode()`), a `with` block, so that
      autograd is as the caller had it when test returns (on, or off inside the caller's own
      `no_grad`).
    - Both figures are Python floats; a second call on the same model gives the same figures
      (the loss to float rounding: a shuffled loader adds in another order), within about 2e-6
      of the loss's size.
    """
    # TODO: eval mode, no graph, sums over examples divided by their number.
    raise NotImplementedError("test")
