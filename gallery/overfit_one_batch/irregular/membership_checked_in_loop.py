"""Pitfall: It searches the optimizer at the top of the first step, inside the loop, so with steps=0 it
Pitfall: never searches it and a parameter missing from the optimizer goes unreported.
Source: examiner set (issue 19): steps=0 with a parameter that is in no param group.
Expect: steps=0: no step runs, but the optimizer is looked at before any step
"""

import math
from typing import NamedTuple

import torch

REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")

MESSAGES = {
    "not_in_optimizer": "A trainable parameter is in none of the optimizer's param_groups: build the optimizer from this model's parameters, after the model.",
    "no_gradient": "No gradient reaches the parameters: the loss is computed without a graph (no_grad or detach); remove that.",
    "grad_accumulates": "Each step's gradient is added onto the last one: call optimizer.zero_grad() before backward().",
    "no_update": "Gradients arrive but no parameter moves: check the learning rate and that optimizer.step() is called.",
    "diverged": "The loss exploded or ended above where it started: lower the learning rate.",
    "ok": "The pipeline memorises one batch: the loss went to near zero.",
    "output_range": "The outputs never go below zero but some targets do: remove the ReLU (or other clamp) after the last layer.",
    "stalled": "The loss went down, but not far enough: more steps, a larger learning rate or a larger model.",
}


class OverfitReport(NamedTuple):
    ok: bool
    reason: str
    first_loss: float
    final_loss: float
    message: str


def _report(reason, first, final):
    return OverfitReport(reason == "ok", reason, first, final, MESSAGES[reason])


def _default_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _measure(model, loss_fn, X, y):
    with torch.no_grad():
        return loss_fn(model(X), y).item()


def _nonzero(g):
    return g is not None and bool((g != 0).any())


def _close(a, b, dtype):
    rtol = {torch.float64: 1e-8, torch.float32: 1e-4, torch.float16: 1e-2, torch.bfloat16: 2e-2}.get(dtype, 1e-4)
    scale = max(float(a.abs().max()), float(b.abs().max()))
    return bool(((a - b).abs() <= rtol * (b.abs() + scale)).all())


def _own_grads(model, loss_fn, X, y, params):
    """This step's own gradient, with the step's dropout mask, leaving .grad and buffers alone."""
    saved = [b.detach().clone() for b in model.buffers()]
    cuda = sorted({p.device.index or 0 for p in params if p.is_cuda})  # fork the RNGs the model draws from
    with torch.random.fork_rng(devices=cuda), torch.enable_grad():
        loss = loss_fn(model(X), y)
        grads = [None] * len(params)
        if loss.requires_grad:
            grads = list(torch.autograd.grad(loss, params, allow_unused=True))
    with torch.no_grad():
        for b, s in zip(model.buffers(), saved):
            b.copy_(s)
    return grads


def _accumulates(params, old_grads, own):
    for p, old, g in zip(params, old_grads, own):
        if not _nonzero(old) or p.grad is None:
            continue
        g = torch.zeros_like(p) if g is None else g
        new = p.grad.detach()
        if _close(new, old + g, p.dtype) and not _close(new, g, p.dtype):
            return True
    return False


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    step = _default_step if train_step is None else train_step
    first = _measure(model, loss_fn, X, y)
    params = [p for p in model.parameters() if p.requires_grad]
    in_optimizer = {id(p) for group in optimizer.param_groups for p in group["params"]}

    final = first
    for i in range(steps):
        if i == 0 and any(id(p) not in in_optimizer for p in params):
            return _report("not_in_optimizer", first, first)
        before = [p.detach().clone() for p in params]
        old_grads = [None if p.grad is None else p.grad.detach().clone() for p in params]
        own = _own_grads(model, loss_fn, X, y, params) if any(_nonzero(g) for g in old_grads) else None
        try:
            step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if any(_nonzero(p.grad) for p in params):
                raise
            return _report("no_gradient", first, final)
        final = _measure(model, loss_fn, X, y)
        has_grad = any(_nonzero(p.grad) for p in params)
        moved = any(not torch.equal(p.detach(), b) for p, b in zip(params, before))
        if not has_grad and not moved:
            return _report("no_gradient", first, final)
        if own is not None and _accumulates(params, old_grads, own):
            return _report("grad_accumulates", first, final)
        if not moved:
            return _report("no_update", first, final)
        if not math.isfinite(final):
            return _report("diverged", first, final)
        if final <= tol * first:
            return _report("ok", first, final)

    if final > first:
        return _report("diverged", first, final)
    with torch.no_grad():
        out = model(X)
    if (torch.is_tensor(y) and y.is_floating_point() and y.shape == out.shape
            and bool((y < 0).any()) and bool((out >= 0).all())):
        return _report("output_range", first, final)
    return _report("stalled", first, final)
