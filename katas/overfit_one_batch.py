"""Kata: overfit_one_batch — before training for real, check the pipeline can memorise one batch.

Karpathy's recipe: before a long run, train on one small batch, again and again. A model with
enough capacity and a working pipeline drives the loss on that batch to (near) zero: it
memorises it. If it does not, something is broken, and a minute now saves a night of training
that was never going to work. None of the bugs below raises an error during training; the
loss just refuses to go where it should.

Your job is the check itself. A good check says *that* something is wrong and also *what*,
from things it can see from outside the pipeline:

- a parameter that requires grad is in none of `optimizer.param_groups`: the optimizer was
  built for another model (the model was rebuilt after it), or for part of this one;
- no gradient reaches the parameters: the forward ran under `torch.no_grad()` or the loss was
  detached, so `backward()` raises "element 0 of tensors does not require grad" (or, after
  someone "fixed" that with `loss.requires_grad_()`, runs and reaches nothing);
- gradients that pile up: without `optimizer.zero_grad()`, `backward()` adds each step's
  gradient onto the last one, so every step walks along the sum of all gradients so far;
- gradients that arrive and move nothing: a learning rate of 0, or `step()` never called;
- a loss that explodes (nan or inf);
- outputs that cannot reach the targets: a ReLU after the last layer of a regression whose
  targets go negative clips every prediction at zero, and the loss stops at the negative
  targets' share;
- otherwise, a loss that goes down, but not far enough: more steps, a larger learning rate,
  a larger model.

What this check cannot catch: labels shuffled against their inputs. One small batch can be
memorised whatever its labels (that is what memorising means), so a healthy pipeline reaches
zero loss on a batch of random labels too. Wrong labels show later, as a validation loss that
never improves.

Why it matters: each of these bugs trains for hours without a word. On one batch they show in
seconds, and each has a signature that points at the line to fix.

Check your work:  dojo check overfit_one_batch      (or: pytest --kata overfit_one_batch)
A hint at a time:  dojo hint overfit_one_batch
"""

from typing import NamedTuple

import torch

# The verdicts, in the order the check looks for them (see overfit_one_batch).
REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")


class OverfitReport(NamedTuple):
    """What the check found (given: return one of these)."""

    ok: bool  # True exactly when reason == "ok"
    reason: str  # one of REASONS
    first_loss: float  # the batch's loss before any step
    final_loss: float  # the batch's loss after the last step that completed
    message: str  # one sentence a person can act on


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    """Train `model` on the one `batch` and report whether its loss went to (near) zero, and if
    not, why. Returns an `OverfitReport`.

    - `batch` is `(X, y)` (a tuple or a list); `loss_fn(model(X), y)` is the batch's loss, a
      scalar tensor that starts above 0 (>= 0 while the pipeline is healthy). loss_fn may use
      the model's own parameters, e.g. a penalty (weight decay written into the loss). Any
      floating dtype (float64, bfloat16 ...), a model
      in train or in eval mode (dropout, BatchNorm), an `X` that is non-contiguous or requires
      grad: all in scope. (An optimizer whose `step()` needs a closure, LBFGS, is not.)
    - `train_step(model, optimizer, loss_fn, batch)` makes one training step: it is the pipeline
      under test (its return value is ignored). Only `None` means the usual step:
      `optimizer.zero_grad()`, `loss_fn(model(X), y).backward()`, `optimizer.step()`, on this
      call's model, optimizer and batch; any other callable is called, even one that is falsy.
    - The check measures the loss itself, on the batch, without a graph (`torch.no_grad()`), in
      whatever mode the model is in: `first_loss` before anything else, `final_loss` after the
      last step that completed (`first_loss` when none did). Both are Python floats in the
      loss's own precision (`.item()`: a float64 loss is not rounded through float32).
    - It looks at the *trainable* parameters only, those that require grad, for every question
      below; a frozen one (`requires_grad=False`) may be left out of the optimizer, and an old
      `.grad` it holds means nothing.
    - It trains the model and the optimizer it is given, in place: each step is
      `train_step(model, optimizer, loss_fn, batch)` with those very objects, run with autograd
      on, as the caller has it. It changes nothing else: not the mode, not the dtype, not grad
      mode once it returns; it does not reset the parameters and does not clear `.grad` (before
      the first step or between steps). It keeps nothing from one call to the next.

    It runs at most `steps` steps (0: none) and stops at the first step where it knows the
    verdict; with no verdict before, it runs exactly `steps`. The reason is the first of these
    that applies, in this order:

      "not_in_optimizer"  before any step (with steps=0 too): a trainable parameter is in none
                          of `optimizer.param_groups` (looked for by identity, in every group:
                          a tensor with equal values, or on the same storage, is not the
                          parameter; one in two groups is in).
      "no_gradient"       a step raised a RuntimeError and no trainable parameter holds a
                          non-zero `.grad`; or, after a step, no trainable parameter holds a
                          non-zero `.grad` (None or all zeros) and none moved. This is judged
                          from what the step left: a gradient that a step cleared before it
                          ended and that moved nothing (lr 0, or zero_grad() between
                          backward() and step()) counts as none.
      "grad_accumulates"  after a step, a trainable parameter's `.grad` is its `.grad` from
                          just before the step (at step 1: whatever it held when the check was
                          called) plus this step's own gradient, and not this step's own alone
                          (zero_grad missing). The own gradient is that of this step's loss at
                          the parameters before the step, as the step computes it: with the
                          same dropout mask (fork the random state, or catch it in flight with
                          a hook), on this model. Compare in the parameters' dtype, within its
                          precision (about 1e-4 relative in float32, 2e-2 in bfloat16); a
                          `.grad` that was None or all zeros before shows nothing. One
                          parameter is enough.
      "no_update"         gradients reached the parameters (one holds a non-zero `.grad`), but
                          the step moved none of them: compared exactly (`torch.equal`), any
                          trainable parameter in any group, however small the change.
      "diverged"          after a step the loss is not finite (nan, inf or -inf); or, after
                          the last step, it is strictly above `first_loss` (above it earlier
                          is no verdict).
      "ok"                after a step the loss is at most `tol * first_loss`: stop there.
      "output_range"      after the last step: `y` is a floating-point tensor of the same shape
                          as `model(X)`, some targets are negative, and every output on `X`,
                          measured after the last step, is >= 0 (a ReLU after the last layer).
      "stalled"           after the last step, none of the above: the loss went down, but not
                          far enough.

    A RuntimeError while a trainable parameter holds a non-zero gradient, and any other
    exception from the step, is not the check's to judge: let it propagate, unchanged. The
    check's own computations must not fail on any pipeline above (a loss without a graph, a
    parameter that the forward never uses).
    `ok` is the bool True exactly when the reason is "ok"; `message` says in words what was
    found and what to fix.
    """
    # TODO: measure, look at the optimizer, then step by step: call the step, look at the
    # gradients and the parameters, measure again.
    raise NotImplementedError("overfit_one_batch")
