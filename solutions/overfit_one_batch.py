"""overfit_one_batch: the sanity check before training, that says what is broken (reference
solution).

The check is a small class with one method per question, asked in this order: is every
trainable parameter in the optimizer? Then, step after step: did the step run, did a gradient
arrive, did it pile up on the last one, did anything move, where is the loss now? And after
the last step: did the loss go up, can the outputs reach the targets at all?
"""

import math
from typing import NamedTuple

import torch

# how closely a sum computed in each dtype can be compared (relative)
PRECISION = {torch.float64: 1e-7, torch.float32: 1e-4, torch.float16: 1e-2, torch.bfloat16: 2e-2}

REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")


class OverfitReport(NamedTuple):
    ok: bool
    reason: str
    first_loss: float
    final_loss: float
    message: str


def usual_step(model, optimizer, loss_fn, batch):
    """One healthy training step: clear, forward, loss, backward, update."""
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def gradients(params):
    """A copy of every parameter's `.grad` (None where there is none)."""
    return [None if p.grad is None else p.grad.detach().clone() for p in params]


def holds_gradient(grads):
    return any(g is not None and bool(g.any()) for g in grads)


class OneBatchCheck:
    def __init__(self, model, optimizer, loss_fn, batch, train_step, tol):
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.batch = batch
        self.train_step = train_step
        self.tol = tol
        self.params = [p for p in model.parameters() if p.requires_grad]  # the trainable ones
        self.first = self.loss = self.measure()

    def report(self, reason, message):
        return OverfitReport(reason == "ok", reason, self.first, self.loss, message)

    def measure(self):
        """The batch's loss, as a float, without recording a graph."""
        X, y = self.batch
        with torch.no_grad():
            return self.loss_fn(self.model(X), y).item()

    def run(self, steps):
        left_out = self.left_out_of_optimizer()
        if left_out:
            return self.report("not_in_optimizer", (
                f"{len(left_out)} of the model's {len(self.params)} trainable parameters are "
                f"in none of the optimizer's param_groups, so no step ever changes them: the "
                f"optimizer was built for another model (was the model rebuilt after it?) or "
                f"for part of this one. Build it from model.parameters()."))
        for i in range(1, steps + 1):
            found = self.one_step(i)
            if found is not None:
                return found
        return self.after_the_last_step(steps)

    def left_out_of_optimizer(self):
        held = {id(p) for group in self.optimizer.param_groups for p in group["params"]}
        return [p for p in self.params if id(p) not in held]

    def one_step(self, i):
        before = [p.detach().clone() for p in self.params]
        stale = gradients(self.params)
        # This step's own gradient, computed aside (autograd.grad leaves .grad alone), to tell
        # a fresh gradient from one added onto the last.
        fresh = self.own_gradient() if holds_gradient(stale) else None
        error = self.call_step()
        if error is not None:
            text = str(error).strip()
            first_line = text.splitlines()[0] if text else "without a message"
            return self.report("no_gradient", (
                f"step {i} raised RuntimeError ({first_line}) and no parameter holds a "
                f"gradient: the loss has no graph back to the parameters (the forward ran under "
                f"torch.no_grad(), or the loss was detached). Compute the loss with autograd on, "
                f"from the model's output as it is, and backpropagate that."))
        self.loss = self.measure()
        after = gradients(self.params)
        moved = self.moved(before)
        if self.no_gradient_arrived(moved, after):
            return self.report("no_gradient", (
                f"step {i} ran, but no gradient reached any parameter and none moved: the loss "
                f"was cut off from the model (detached, computed under torch.no_grad(), or "
                f"made to require grad by hand with requires_grad_()), backward() was never "
                f"called on it, or the step cleared the gradients before using them."))
        if fresh is not None and self.gradients_piled_up(stale, fresh, after):
            return self.report("grad_accumulates", (
                f"after step {i}, .grad held the previous step's gradient plus this step's "
                f"own: nothing clears the gradients, so each step follows the sum of all "
                f"gradients so far. Call optimizer.zero_grad() before each backward()."))
        if not moved:
            rates = sorted({group.get("lr") for group in self.optimizer.param_groups},
                           key=str)
            return self.report("no_update", (
                f"gradients reached the parameters, but step {i} moved none of them: the "
                f"learning rate is {', '.join(map(str, rates))}, or optimizer.step() is never "
                f"called."))
        if not math.isfinite(self.loss):
            return self.report("diverged", (
                f"the loss became {self.loss} at step {i}: the steps are far too large. Lower "
                f"the learning rate (and check the loss function)."))
        if self.reached_zero():
            return self.report("ok", (
                f"the loss fell from {self.first:.4g} to {self.loss:.4g} in {i} steps: this "
                f"pipeline can memorise one batch."))
        return None

    def own_gradient(self):
        """This step's own gradient, computed aside at the parameters before the step. The
        random state is forked, so that a dropout mask here is the one the step will draw, and
        buffers (BatchNorm's running statistics) are put back: the step then runs as if this
        forward had never been."""
        X, y = self.batch
        buffers = [b.detach().clone() for b in self.model.buffers()]
        try:
            with torch.random.fork_rng(devices=[]), torch.enable_grad():
                loss = self.loss_fn(self.model(X), y)
                if not loss.requires_grad:
                    return None  # no graph at all: the step will show it
                return torch.autograd.grad(loss, self.params, allow_unused=True)
        finally:
            with torch.no_grad():
                for b, saved in zip(self.model.buffers(), buffers):
                    b.copy_(saved)

    def call_step(self):
        """Run the pipeline's step; the RuntimeError it raised when no gradient was left, else
        None."""
        try:
            self.train_step(self.model, self.optimizer, self.loss_fn, self.batch)
        except RuntimeError as error:
            if holds_gradient(gradients(self.params)):
                raise  # something else went wrong: not this check's to judge
            return error
        return None

    def moved(self, before):
        return any(not torch.equal(p, b) for p, b in zip(self.params, before))

    def no_gradient_arrived(self, moved, after):
        # .grad alone is not enough: a step that ends with zero_grad() leaves it empty
        return not moved and not holds_gradient(after)

    def gradients_piled_up(self, stale, fresh, after):
        for old, own, now in zip(stale, fresh, after):
            if old is None or own is None or now is None or not old.any():
                continue  # nothing was there before: nothing to pile onto
            rtol = PRECISION.get(now.dtype, 1e-4)  # backward adds in the parameter's dtype
            atol = rtol * (float(old.abs().max()) + float(own.abs().max()))
            if (torch.allclose(now, old + own, rtol=rtol, atol=atol)
                    and not torch.allclose(now, own, rtol=rtol, atol=atol)):
                return True
        return False

    def reached_zero(self):
        return self.loss <= self.tol * self.first

    def after_the_last_step(self, steps):
        if self.loss > self.first:
            return self.report("diverged", (
                f"after {steps} steps the loss is {self.loss:.4g}, above where it started "
                f"({self.first:.4g}): the steps are too large. Lower the learning rate."))
        if self.outputs_cannot_reach_targets():
            return self.report("output_range", (
                "every output of the model is >= 0 but some targets are negative: a ReLU (or "
                "another non-negative activation) after the last layer clips the predictions "
                "at zero, so the loss cannot go below the negative targets' share. A "
                "regression's last layer should be linear."))
        return self.report("stalled", (
            f"after {steps} steps the loss went from {self.first:.4g} to {self.loss:.4g}, not "
            f"below {self.tol:g} of where it started: train for more steps, raise the learning "
            f"rate, or give the model more capacity."))

    def outputs_cannot_reach_targets(self):
        X, y = self.batch
        with torch.no_grad():
            out = self.model(X)
        return (y.is_floating_point() and out.shape == y.shape
                and bool((y < 0).any()) and bool((out >= 0).all()))


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    """Train on the one batch; an OverfitReport saying whether the loss went to near zero, and
    if not, why."""
    step = usual_step if train_step is None else train_step  # only None means the usual one
    check = OneBatchCheck(model, optimizer, loss_fn, batch, step, tol)
    return check.run(steps)
