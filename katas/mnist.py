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
    """
    # TODO: the loop of the articles, and the mean loss per example.
    raise NotImplementedError("train")


def test(model, device, test_loader):
    """Evaluate the model; returns `(loss, accuracy)`, two floats.

    `loss`: the mean `F.nll_loss` per example over the whole test set; `accuracy`: the fraction
    of examples whose most likely class is the target (between 0 and 1, not a percentage).
    Evaluate in eval mode (dropout off) and without recording a graph.
    """
    # TODO: eval mode, no graph, sums over examples divided by their number.
    raise NotImplementedError("test")
