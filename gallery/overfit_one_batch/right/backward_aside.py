"""Right: it gets the step's own gradient with a second `backward(inputs=params)` into emptied `.grad`
Right: slots instead of `torch.autograd.grad`, and tests membership with `is` instead of `id()`
Right: sets.
Shows on: gradients present before the call (the very `.grad` objects are put back), unused and
Shows on: frozen parameters, dropout (the RNG is forked), BatchNorm in train mode (buffers put
Shows on: back), several param groups, a detached loss_fn.
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


def _usual_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def _nonzero(t):
    return t is not None and torch.count_nonzero(t).item() > 0


def _own_gradient(model, loss_fn, X, y, params):
    """Backward once more, into empty .grad slots; then give every parameter its old .grad back."""
    kept_grads = [p.grad for p in params]
    kept_buffers = [b.clone() for b in model.buffers()]
    rng = torch.get_rng_state()
    cuda_rng = torch.cuda.get_rng_state(X.device) if X.is_cuda else None
    try:
        for p in params:
            p.grad = None
        with torch.enable_grad():
            loss = loss_fn(model(X), y)
        if loss.grad_fn is None:
            return None
        loss.backward(inputs=params)
        return [p.grad for p in params]
    finally:
        for p, g in zip(params, kept_grads):
            p.grad = g
        with torch.no_grad():
            for b, k in zip(model.buffers(), kept_buffers):
                b.copy_(k)
        torch.set_rng_state(rng)
        if cuda_rng is not None:
            torch.cuda.set_rng_state(cuda_rng, X.device)


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    X, y = batch
    if train_step is None:
        train_step = _usual_step

    def say(reason, first, final, message):
        return OverfitReport(reason == "ok", reason, float(first), float(final), message)

    with torch.no_grad():
        out = model(X)
        first = loss_fn(out, y).item()

    trainable = [p for p in model.parameters() if p.requires_grad]
    given = [q for group in optimizer.param_groups for q in group["params"]]
    for p in trainable:
        if not any(p is q for q in given):
            return say("not_in_optimizer", first, first,
                       "Build the optimizer after the model, from all of its trainable parameters.")

    loss = first
    for _ in range(steps):
        weights = [p.detach().clone() for p in trainable]
        grads = [None if p.grad is None else p.grad.clone() for p in trainable]
        own = None
        if any(_nonzero(g) for g in grads):
            own = _own_gradient(model, loss_fn, X, y, trainable)
        try:
            train_step(model, optimizer, loss_fn, batch)
        except RuntimeError:
            if any(_nonzero(p.grad) for p in trainable):
                raise
            return say("no_gradient", first, loss,
                       "backward() found no graph: the loss was detached or computed under no_grad.")
        moved = False
        for w, p in zip(weights, trainable):
            both_nan = torch.isnan(w) & torch.isnan(p.detach())
            if not bool(torch.where(both_nan, True, w == p.detach()).all()):
                moved = True
        reached = any(_nonzero(p.grad) for p in trainable)
        with torch.no_grad():
            out = model(X)
            loss = loss_fn(out, y).item()
        if not moved and not reached:
            return say("no_gradient", first, loss,
                       "No gradient reached the parameters: is the loss detached from the model?")
        if own is not None:
            for p, g0, g1 in zip(trainable, grads, own):
                if p.grad is None or g0 is None or g1 is None:
                    continue
                if torch.allclose(p.grad, g0 + g1) and not torch.allclose(p.grad, g1):
                    return say("grad_accumulates", first, loss,
                               "Gradients pile up from step to step: call optimizer.zero_grad() in the step.")
        if not moved:
            return say("no_update", first, loss,
                       "Gradients arrive but nothing moves: call optimizer.step(), with a learning rate above 0.")
        if math.isnan(loss) or math.isinf(loss):
            return say("diverged", first, loss, "The loss became nan or inf: lower the learning rate.")
        if loss <= tol * first:
            return say("ok", first, loss, "The pipeline memorises one batch: go on and train.")

    if loss > first:
        return say("diverged", first, loss, "The loss ended higher than it started: lower the learning rate.")
    if (torch.is_tensor(y) and torch.is_floating_point(y) and torch.is_tensor(out) and y.shape == out.shape
            and bool((y < 0).any()) and bool((out >= 0).all())):
        return say("output_range", first, loss,
                   "The outputs never go below 0 but some targets do: drop the ReLU after the last layer.")
    return say("stalled", first, loss,
               "The loss went down but not far enough: more steps, a larger learning rate or a larger model.")
