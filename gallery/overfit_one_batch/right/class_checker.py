"""Right: a small class with one method per question, the loss measured under `torch.inference_mode()`
Right: rather than `torch.no_grad()`, the report built with `OverfitReport._make`.
Shows on: BatchNorm and dropout models in either mode (measured under torch.inference_mode, in the
Shows on: mode they are in), grads present before the call, several param groups, frozen parameters,
Shows on: RuntimeErrors with and without gradients.
Source: examiner set (issue 19)
"""

import itertools
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


ADVICE = dict(
    not_in_optimizer="some trainable parameter is not in the optimizer; rebuild the optimizer from this model",
    no_gradient="no gradient reaches the parameters; do not detach the loss or run the forward under no_grad",
    grad_accumulates="gradients add up across steps; call optimizer.zero_grad() at the start of each step",
    no_update="the parameters never move; call optimizer.step() and check the learning rate is not 0",
    diverged="the loss exploded or ended higher than it began; use a smaller learning rate",
    ok="the batch was memorised; the pipeline works",
    output_range="the outputs stay >= 0 while targets are negative; remove the final ReLU",
    stalled="the loss fell but not far enough; train longer, raise the learning rate or widen the model",
)


class _Done(Exception):
    def __init__(self, reason):
        self.reason = reason


class _Checker:
    def __init__(self, model, optimizer, loss_fn, batch, train_step):
        self.model, self.optimizer, self.loss_fn, self.batch = model, optimizer, loss_fn, batch
        self.X, self.y = batch
        self.train_step = train_step if train_step is not None else self.usual_step
        self.trainable = [p for p in model.parameters() if p.requires_grad]
        self.out = None

    def usual_step(self, model, optimizer, loss_fn, batch):
        X, y = batch
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()

    def measure(self):
        with torch.inference_mode():
            self.out = self.model(self.X)
            return float(self.loss_fn(self.out, self.y))

    def check_optimizer(self):
        known = set(map(id, itertools.chain.from_iterable(g["params"] for g in self.optimizer.param_groups)))
        if not all(id(p) in known for p in self.trainable):
            raise _Done("not_in_optimizer")

    @staticmethod
    def holds(g):
        return g is not None and bool(g.ne(0).any())

    def own_gradient(self):
        saved = [b.clone() for b in self.model.buffers()]
        devices = [self.X.device] if self.X.is_cuda else []
        with torch.random.fork_rng(devices=devices), torch.enable_grad():
            loss = self.loss_fn(self.model(self.X), self.y)
            grads = (torch.autograd.grad(loss, self.trainable, allow_unused=True)
                     if loss.requires_grad else None)
        with torch.no_grad():
            for b, s in zip(self.model.buffers(), saved):
                b.copy_(s)
        return grads

    def one_step(self):
        before = [p.detach().clone() for p in self.trainable]
        old = [p.grad.clone() if p.grad is not None else None for p in self.trainable]
        own = self.own_gradient() if any(map(self.holds, old)) else None
        try:
            self.train_step(self.model, self.optimizer, self.loss_fn, self.batch)
        except RuntimeError:
            if any(self.holds(p.grad) for p in self.trainable):
                raise
            raise _Done("no_gradient") from None
        moved = [not bool(((b == p.detach()) | (b.isnan() & p.detach().isnan())).all())
                 for b, p in zip(before, self.trainable)]
        self.loss = self.measure()
        if not any(moved) and not any(self.holds(p.grad) for p in self.trainable):
            raise _Done("no_gradient")
        if own is not None:
            for p, o, w in zip(self.trainable, old, own):
                if None not in (p.grad, o, w) and torch.allclose(p.grad, o + w) and not torch.allclose(p.grad, w):
                    raise _Done("grad_accumulates")
        if not any(moved):
            raise _Done("no_update")
        if not math.isfinite(self.loss):
            raise _Done("diverged")

    def run(self, steps, tol):
        self.first = self.loss = self.measure()
        try:
            self.check_optimizer()
            for _ in range(steps):
                self.one_step()
                if self.loss <= tol * self.first:
                    raise _Done("ok")
            raise _Done(self.after_last_step())
        except _Done as done:
            final = self.first if done.reason == "not_in_optimizer" else self.loss
            return OverfitReport._make([done.reason == "ok", done.reason, self.first, final, ADVICE[done.reason]])

    def after_last_step(self):
        if self.loss > self.first:
            return "diverged"
        y, out = self.y, self.out
        if (isinstance(y, torch.Tensor) and y.dtype.is_floating_point and isinstance(out, torch.Tensor)
                and tuple(out.shape) == tuple(y.shape) and (y < 0).any().item() and (out >= 0).all().item()):
            return "output_range"
        return "stalled"


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    return _Checker(model, optimizer, loss_fn, batch, train_step).run(steps, tol)
