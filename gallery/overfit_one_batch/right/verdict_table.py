"""Right: a generator yields one observation per step and the verdict comes from a table of (reason,
Right: question) pairs read in REASONS order, instead of an if-chain.
Shows on: every pipeline of the docstring; a fresh forward for the output-range question; unused
Shows on: parameters (own gradient None), zero `.grad` tensors, several param groups.
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


def _loss(model, loss_fn, X, y):
    with torch.no_grad():
        return loss_fn(model(X), y).item()


def _step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _holds(g):
    return g is not None and torch.any(g != 0).item()


def _any_grad(ps):
    return any(_holds(p.grad) for p in ps)


def _piled_up(now, old, own):
    return any(g is not None and o is not None and w is not None
               and torch.allclose(g, o + w) and not torch.allclose(g, w)
               for g, o, w in zip(now, old, own))


def _own(model, loss_fn, X, y, ps):
    bufs = [b.clone() for b in model.buffers()]
    with torch.random.fork_rng(devices=[X.device] if X.is_cuda else []):
        with torch.enable_grad():
            loss = loss_fn(model(X), y)
            result = torch.autograd.grad(loss, ps, allow_unused=True) if loss.requires_grad else None
    with torch.no_grad():
        for b, c in zip(model.buffers(), bufs):
            b.copy_(c)
    return result


def _observations(model, optimizer, loss_fn, batch, step, steps, ps):
    """One dict per step: what moved, what .grad holds, whether it piled up, the loss after it."""
    X, y = batch
    for _ in range(steps):
        was = [p.detach().clone() for p in ps]
        old = [p.grad.detach().clone() if p.grad is not None else None for p in ps]
        own = _own(model, loss_fn, X, y, ps) if any(map(_holds, old)) else None
        try:
            step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if _any_grad(ps):
                raise
            yield {"raised": True}
            return
        now = [p.detach() for p in ps]
        moved = any(not bool(((a == b) | (a.isnan() & b.isnan())).all()) for a, b in zip(was, now))
        yield {"raised": False, "moved": moved, "grad": _any_grad(ps),
               "piled": own is not None and _piled_up([p.grad for p in ps], old, own),
               "loss": _loss(model, loss_fn, X, y)}


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    step = _step if train_step is None else train_step
    ps = [p for p in model.parameters() if p.requires_grad]
    first = _loss(model, loss_fn, X, y)

    def report(reason, final):
        return OverfitReport(reason == "ok", reason, first, final, f"overfit_one_batch: {reason.replace('_', ' ')}"
                             + {"ok": "; the pipeline can learn.",
                                "stalled": "; train longer or with a larger model or learning rate."}.get(
                                    reason, "; see the kata's list of causes and fix that line."))

    ids = {id(q) for g in optimizer.param_groups for q in g["params"]}
    if not all(id(p) in ids for p in ps):
        return report("not_in_optimizer", first)

    per_step = [
        ("no_gradient", lambda o: o["raised"] or (not o["moved"] and not o["grad"])),
        ("grad_accumulates", lambda o: o["piled"]),
        ("no_update", lambda o: not o["moved"]),
        ("diverged", lambda o: not math.isfinite(o["loss"])),
        ("ok", lambda o: o["loss"] <= tol * first),
    ]
    loss = first
    for obs in _observations(model, optimizer, loss_fn, batch, step, steps, ps):
        loss = obs.get("loss", loss)
        for reason, question in per_step:
            if question(obs):
                return report(reason, loss)

    with torch.no_grad():
        out = model(X)
    at_the_end = [
        ("diverged", lambda: loss > first),
        ("output_range", lambda: torch.is_tensor(y) and y.is_floating_point() and torch.is_tensor(out)
         and out.shape == y.shape and bool((y < 0).any()) and bool((out >= 0).all())),
        ("stalled", lambda: True),
    ]
    return report(next(reason for reason, question in at_the_end if question()), loss)
