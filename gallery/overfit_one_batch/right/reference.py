"""Right: the plain reading of the docstring, step by step; it forks the RNG (and keeps BatchNorm
Right: buffers) while it computes the step's own gradient aside, so a dropout model draws the same
Right: mask in the check and in the step.
Shows on: several param groups, frozen and unused parameters, a model rebuilt from the same seed,
Shows on: zero `.grad` left by zero_grad(set_to_none=False), grads present before the call, dropout
Shows on: and BatchNorm in train mode, eval-mode models, float64 and tiny steps, RuntimeErrors with
Shows on: and without gradients.
Source: examiner set (issue 19)
"""

import math
from typing import NamedTuple

import torch

REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")

MESSAGES = {
    "not_in_optimizer": "A trainable parameter is in none of optimizer.param_groups: build the optimizer from this model's parameters, after the model.",
    "no_gradient": "No gradient reaches the parameters: the loss is detached or computed under no_grad; keep the graph from the parameters to the loss.",
    "grad_accumulates": "Each .grad is the previous step's gradient plus this step's: call optimizer.zero_grad() every step.",
    "no_update": "Gradients arrive but no parameter moves: call optimizer.step() and use a non-zero learning rate.",
    "diverged": "The loss blew up (nan/inf) or ended above where it started: lower the learning rate.",
    "ok": "The loss went to near zero on one batch: the pipeline can learn.",
    "output_range": "Every output is >= 0 but some targets are negative: remove the ReLU after the last layer.",
    "stalled": "The loss went down, but not far enough: more steps, a larger learning rate or a larger model.",
}


class OverfitReport(NamedTuple):
    """What the check found (given: return one of these)."""

    ok: bool
    reason: str
    first_loss: float
    final_loss: float
    message: str


def _report(reason, first, final):
    return OverfitReport(reason == "ok", reason, float(first), float(final), MESSAGES[reason])


def _default_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _holds(g):
    return g is not None and bool((g != 0).any())


def _same(a, b):
    return a.shape == b.shape and bool(((a == b) | (a.isnan() & b.isnan())).all())


def _own_grads(model, loss_fn, X, y, params):
    """This step's own gradient, computed aside: `.grad`, the RNG and the buffers are left alone."""
    buffers = [b.detach().clone() for b in model.buffers()]
    devices = [X.device] if X.device.type == "cuda" else []
    try:
        with torch.random.fork_rng(devices=devices), torch.enable_grad():
            loss = loss_fn(model(X), y)
            if not loss.requires_grad:
                return None
            return torch.autograd.grad(loss, params, allow_unused=True)
    finally:
        with torch.no_grad():
            for b, saved in zip(model.buffers(), buffers):
                b.copy_(saved)


def _accumulates(grads, old, own):
    for g, o, w in zip(grads, old, own):
        if g is None or o is None or w is None:
            continue
        if torch.allclose(g, o + w) and not torch.allclose(g, w):
            return True
    return False


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    step = _default_step if train_step is None else train_step

    def measure():
        with torch.no_grad():
            out = model(X)
            return float(loss_fn(out, y)), out

    first, out = measure()
    params = [p for p in model.parameters() if p.requires_grad]
    in_optimizer = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if any(id(p) not in in_optimizer for p in params):
        return _report("not_in_optimizer", first, first)

    loss = first
    for _ in range(steps):
        before = [p.detach().clone() for p in params]
        old = [None if p.grad is None else p.grad.detach().clone() for p in params]
        own = _own_grads(model, loss_fn, X, y, params) if any(_holds(g) for g in old) else None
        try:
            step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if not any(_holds(p.grad) for p in params):
                return _report("no_gradient", first, loss)
            raise
        moved = any(not _same(b, p.detach()) for b, p in zip(before, params))
        arrived = any(_holds(p.grad) for p in params)
        loss, out = measure()
        if not moved and not arrived:
            return _report("no_gradient", first, loss)
        if own is not None and _accumulates([p.grad for p in params], old, own):
            return _report("grad_accumulates", first, loss)
        if not moved:
            return _report("no_update", first, loss)
        if not math.isfinite(loss):
            return _report("diverged", first, loss)
        if loss <= tol * first:
            return _report("ok", first, loss)

    if loss > first:
        return _report("diverged", first, loss)
    if (isinstance(y, torch.Tensor) and y.is_floating_point() and isinstance(out, torch.Tensor)
            and out.shape == y.shape and bool((y < 0).any()) and bool((out >= 0).all())):
        return _report("output_range", first, loss)
    return _report("stalled", first, loss)
