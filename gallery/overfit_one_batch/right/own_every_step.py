"""Right: it computes the step's own gradient at every step (not only when `.grad` holds something),
Right: compares with `torch.isclose(...).all()` rather than allclose, and reads the loss with
Right: `.double().item()`.
Shows on: grads present before the call, zero `.grad` tensors, dropout and BatchNorm in train mode
Shows on: (RNG forked, buffers put back), float64, bfloat16 and tiny steps, unused parameters, steps
Shows on: counted exactly.
Source: examiner set (issue 19)
"""

import contextlib
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


def _msg(reason):
    return {
        "not_in_optimizer": "a trainable parameter is missing from the optimizer: create it from model.parameters() after the model",
        "no_gradient": "the loss does not reach the parameters: remove the detach / no_grad around the forward",
        "grad_accumulates": ".grad keeps the previous step's gradient: zero the gradients every step",
        "no_update": "the parameters do not change: call optimizer.step() with a learning rate above zero",
        "diverged": "the loss diverged: lower the learning rate",
        "ok": "the pipeline memorises one batch",
        "output_range": "the model cannot produce the negative targets: drop the last ReLU",
        "stalled": "the loss is still too high: train longer, faster or with a bigger model",
    }[reason]


def _usual(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _close(a, b):
    return bool(torch.isclose(a, b).all())


def _some(g):
    return g is not None and g.count_nonzero().item() > 0


@contextlib.contextmanager
def _untouched(model, device):
    """Run something without leaving a trace in the RNG or the module's buffers."""
    kept = [b.clone() for b in model.buffers()]
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        yield
    with torch.no_grad():
        for b, k in zip(model.buffers(), kept):
            b.copy_(k)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    step = train_step if train_step is not None else _usual
    params = [p for p in model.parameters() if p.requires_grad]

    def loss_now():
        with torch.no_grad():
            out = model(X)
            return loss_fn(out, y).double().item(), out

    first, out = loss_now()

    def report(reason, final):
        return OverfitReport(ok=reason == "ok", reason=reason, first_loss=first, final_loss=final,
                             message=_msg(reason))

    in_groups = {id(p) for g in optimizer.param_groups for p in g["params"]}
    if any(id(p) not in in_groups for p in params):
        return report("not_in_optimizer", first)

    loss = first
    for i in range(steps):
        snap = [p.detach().clone() for p in params]
        prev = [p.grad.detach().clone() if p.grad is not None else None for p in params]
        own = None
        with _untouched(model, X.device), torch.enable_grad():
            aside = loss_fn(model(X), y)
            if aside.requires_grad and params:
                own = torch.autograd.grad(aside, params, allow_unused=True)
        try:
            step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if any(_some(p.grad) for p in params):
                raise
            return report("no_gradient", loss)
        moved = any(not bool((torch.eq(s, p) | (s.isnan() & p.isnan())).all()) for s, p in zip(snap, params))
        loss, out = loss_now()
        if not moved and not any(_some(p.grad) for p in params):
            return report("no_gradient", loss)
        if own is not None and any(
                p.grad is not None and o is not None and w is not None
                and _close(p.grad, o + w) and not _close(p.grad, w)
                for p, o, w in zip(params, prev, own)):
            return report("grad_accumulates", loss)
        if not moved:
            return report("no_update", loss)
        if math.isnan(loss) or math.isinf(loss):
            return report("diverged", loss)
        if loss <= tol * first:
            return report("ok", loss)

    if loss > first:
        return report("diverged", loss)
    if (isinstance(y, torch.Tensor) and y.is_floating_point() and isinstance(out, torch.Tensor)
            and out.shape == y.shape and bool((y < 0).any()) and out.min().item() >= 0):
        return report("output_range", loss)
    return report("stalled", loss)
