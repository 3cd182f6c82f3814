"""Right: it keys everything by parameter name in dicts, runs a `while` loop with its own counter, and
Right: returns a subclass of OverfitReport that adds a readable __str__ (still an OverfitReport,
Right: still a tuple).
Shows on: models whose parameters are shared or frozen, several param groups, a model rebuilt from
Shows on: the same seed (found by identity, not by value), float64 and bfloat16 models, zero `.grad`
Shows on: tensors, channels-last parameters.
Source: examiner set (issue 19)
"""

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


class _Report(OverfitReport):
    __slots__ = ()

    def __str__(self):
        return f"[{self.reason}] loss {self.first_loss:.4g} -> {self.final_loss:.4g}: {self.message}"


_TEXT = {
    "not_in_optimizer": "The optimizer does not hold every trainable parameter: build it from this model.",
    "no_gradient": "No gradient reached the parameters: the graph is cut (detach, no_grad).",
    "grad_accumulates": "Gradients accumulate across steps: zero them at every step.",
    "no_update": "Gradients arrive but the parameters stay put: step the optimizer with a non-zero lr.",
    "diverged": "The loss diverged (nan, inf, or above its start): lower the learning rate.",
    "ok": "The batch is memorised.",
    "output_range": "The model cannot output negative values but the targets need them: no ReLU at the end.",
    "stalled": "Not low enough yet: more steps, a larger lr or a bigger model.",
}


def _report(reason, first, final):
    return _Report(reason == "ok", reason, first, final, _TEXT[reason])


def _plain_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()


def _has(g):
    return g is not None and bool(torch.any(g != 0))


def _identical(a, b):
    return bool(torch.all((a == b) | (torch.isnan(a) & torch.isnan(b))))


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch[0], batch[1]
    run_step = _plain_step if train_step is None else train_step

    @torch.no_grad()
    def measure():
        out = model(X)
        return float(loss_fn(out, y).detach().cpu()), out

    first, out = measure()
    named = {name: p for name, p in model.named_parameters() if p.requires_grad}
    owned = set()
    for group in optimizer.param_groups:
        owned.update(id(q) for q in group["params"])
    if [n for n, p in named.items() if id(p) not in owned]:
        return _report("not_in_optimizer", first, first)

    loss, done = first, 0
    while done < steps:
        values = {n: p.detach().clone() for n, p in named.items()}
        grads = {n: p.grad.detach().clone() for n, p in named.items() if p.grad is not None}
        own = {}
        if any(_has(g) for g in grads.values()):
            kept = [b.clone() for b in model.buffers()]
            with torch.random.fork_rng(devices=[X.device] if X.is_cuda else []), torch.enable_grad():
                aside = loss_fn(model(X), y)
                if aside.requires_grad:
                    own = dict(zip(named, torch.autograd.grad(aside, list(named.values()), allow_unused=True)))
            with torch.no_grad():
                for b, k in zip(model.buffers(), kept):
                    b.copy_(k)
        try:
            run_step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if not any(_has(p.grad) for p in named.values()):
                return _report("no_gradient", first, loss)
            raise
        done += 1
        moved = [n for n, p in named.items() if not _identical(values[n], p.detach())]
        holding = [n for n, p in named.items() if _has(p.grad)]
        loss, out = measure()
        if not moved and not holding:
            return _report("no_gradient", first, loss)
        for n, w in own.items():
            g, o = named[n].grad, grads.get(n)
            if w is not None and g is not None and o is not None:
                if torch.allclose(g, o + w) and not torch.allclose(g, w):
                    return _report("grad_accumulates", first, loss)
        if not moved:
            return _report("no_update", first, loss)
        if loss != loss or loss in (float("inf"), float("-inf")):
            return _report("diverged", first, loss)
        if loss <= tol * first:
            return _report("ok", first, loss)

    if loss > first:
        return _report("diverged", first, loss)
    floating_targets = torch.is_tensor(y) and torch.is_floating_point(y)
    if (floating_targets and torch.is_tensor(out) and out.size() == y.size()
            and bool(y.lt(0).any()) and bool(out.ge(0).all())):
        return _report("output_range", first, loss)
    return _report("stalled", first, loss)
