"""Right: instead of computing this step's gradient aside, it catches it in flight with
Right: `Tensor.register_hook` on each trainable parameter (a hook sees the gradient before it is
Right: added into `.grad`).
Shows on: dropout in train mode and loss_fns that read the model's parameters (the own gradient is
Shows on: the one the step's own backward produced, so no aside forward, no RNG fork, no buffer to
Shows on: restore), zero `.grad` tensors, unused and frozen parameters, RuntimeErrors with and
Shows on: without gradients.
Source: examiner set (issue 19)
"""

import math
from typing import NamedTuple

import torch

REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")


class OverfitReport(NamedTuple):
    """What the check found (given: return one of these)."""

    ok: bool
    reason: str
    first_loss: float
    final_loss: float
    message: str


WHAT_TO_DO = {
    "not_in_optimizer": "Create the optimizer from this model's parameters (after building the model).",
    "no_gradient": "Nothing flows back to the weights: don't detach the loss or compute it under no_grad.",
    "grad_accumulates": "The .grad of each step includes the last one's: add optimizer.zero_grad().",
    "no_update": "The weights get gradients but never change: call optimizer.step(); is the lr 0?",
    "diverged": "The loss went to nan/inf or ended above its start: reduce the learning rate.",
    "ok": "Loss near zero on the batch: the pipeline works.",
    "output_range": "Outputs are all >= 0 but some targets < 0: remove the final ReLU.",
    "stalled": "The loss decreased but not enough: more steps, higher lr or a bigger model.",
}


def default_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _nonzero(g):
    return g is not None and bool(g.ne(0).any())


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    if train_step is None:
        train_step = default_step

    def done(reason, final):
        return OverfitReport(reason == "ok", reason, first, final, WHAT_TO_DO[reason])

    def measure():
        with torch.no_grad():
            out = model(X)
            return float(loss_fn(out, y)), out

    first, out = measure()
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not {id(p) for p in trainable} <= {id(q) for g in optimizer.param_groups for q in g["params"]}:
        return done("not_in_optimizer", first)

    loss = first
    for _ in range(steps):
        start = [p.detach().clone() for p in trainable]
        old = [None if p.grad is None else p.grad.clone() for p in trainable]
        incoming = [None] * len(trainable)

        def catcher(i):
            def hook(g):
                incoming[i] = g.detach().clone() if incoming[i] is None else incoming[i] + g.detach()
            return hook

        handles = [p.register_hook(catcher(i)) for i, p in enumerate(trainable)]
        try:
            train_step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if any(_nonzero(p.grad) for p in trainable):
                raise
            return done("no_gradient", loss)
        finally:
            for h in handles:
                h.remove()

        moved = any(not bool(((a == p.detach()) | (a.isnan() & p.detach().isnan())).all())
                    for a, p in zip(start, trainable))
        loss, out = measure()
        if not moved and not any(_nonzero(p.grad) for p in trainable):
            return done("no_gradient", loss)
        for p, o, w in zip(trainable, old, incoming):
            if p.grad is not None and _nonzero(o) and w is not None:
                if torch.allclose(p.grad, o + w) and not torch.allclose(p.grad, w):
                    return done("grad_accumulates", loss)
        if not moved:
            return done("no_update", loss)
        if not math.isfinite(loss):
            return done("diverged", loss)
        if loss <= tol * first:
            return done("ok", loss)

    if loss > first:
        return done("diverged", loss)
    if (isinstance(y, torch.Tensor) and y.is_floating_point() and isinstance(out, torch.Tensor)
            and out.shape == y.shape and (y < 0).any() and (out >= 0).all()):
        return done("output_range", loss)
    return done("stalled", loss)
