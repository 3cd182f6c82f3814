"""overfit_one_batch: the sanity check before training, which says what is broken.

Each test is a claim (dojo/spec.py). A case is a pipeline described in plain data
(dojo/one_batch.py builds it: the model, the optimizer, the loss function, the batch, the step).
The observer builds it, runs the learner's check on it and returns what it saw: the report's
fields, how often the step was called and what it raised, the model as the check left it. The
judge builds the same pipeline again and replays it under the contract's rules itself, step by
step, measuring what a right check measures (which parameters the optimizer holds, the
gradients before and after each step, what moved, the loss): the verdict, the step where the
check must stop, both losses and the parameters it must leave are its own, and every message
says what it measured on this pipeline.

Each verdict is reached by several pipelines that get there differently (a learning rate of 0
and a step() never called; a model rebuilt from another seed and from the same one ...).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st

from dojo import i18n
from dojo import irregular as irr
from dojo import one_batch
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show

KATA = "overfit_one_batch"
REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")
FIELDS = ("ok", "reason", "first_loss", "final_loss", "message")
DEFAULT_STEPS, DEFAULT_TOL = 200, 1e-2
# .grad against old + own: the precision of a sum in the parameters' dtype
ACCUMULATION_RTOL = {"float64": 1e-7, "float32": 1e-4, "float16": 1e-2, "bfloat16": 2e-2}
# a loss read back as a float: exact in every dtype, up to how it was summed
LOSS_RTOL = {"float64": 1e-10, "float32": 1e-5, "float16": 1e-3, "bfloat16": 1e-2}


@contextmanager
def one_thread():
    """Tiny models, run on one thread: several times faster than two fighting over a busy CPU,
    and the same sums in the learner's process (or the grader's job) and in the judge's, so that
    a pipeline replayed here follows the trajectory it followed there."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# --- the observer: the learner's check on one pipeline ----------------------------------------


def options(case) -> dict:
    d = one_batch.full(case)
    found = {}
    if d["steps"] is not None:
        found["steps"] = int(d["steps"])
    if d["tol"] is not None:
        found["tol"] = float(d["tol"])
    return found


def report_fields(report) -> dict:
    """The report as data: each field as it came (missing ones named), and whether the losses
    are Python floats and `ok` a bool (what a crossing float or bool cannot say)."""
    out = {"type": type(report).__name__, "missing": [f for f in FIELDS
                                                      if not hasattr(report, f)]}
    for name in FIELDS:
        value = getattr(report, name, None)
        out[name] = value
        out[f"{name}_is_float"] = isinstance(value, float)
    out["ok_is_bool"] = type(getattr(report, "ok", None)) is bool
    return out


def run_check(kata, case):
    """Build the pipeline, call the learner's check on it, and say what happened. Exceptions
    that the step raised and the check let out are data (the contract says which must come
    out); anything the check itself raised propagates."""
    with one_thread():
        return checked(kata, case)


def checked(kata, case):
    if case.get("before"):  # the check was used once already, on another pipeline
        first = one_batch.build(case["before"])
        kata.overfit_one_batch(first.model, first.optimizer, first.loss_fn, first.batch,
                               steps=int(one_batch.full(case["before"])["steps"]))
    p = one_batch.build(case)
    how = one_batch.full(case)["train_step"]
    calls, raised, grads, grad_mode, given = [0], [], [], [], []
    optimizer_steps = [0]
    trainable = [q for q in p.model.parameters() if q.requires_grad]

    def holding() -> bool:
        return any(q.grad is not None and bool((q.grad != 0).any()) for q in trainable)

    p.optimizer.register_step_post_hook(lambda *_: optimizer_steps.__setitem__(
        0, optimizer_steps[0] + 1))

    def counted(model, optimizer, loss_fn, batch):
        calls[0] += 1
        grads.append([holding(), None])  # a non-zero .grad before the step, and after it
        grad_mode.append(torch.is_grad_enabled())
        given.append([model is p.model, optimizer is p.optimizer, loss_fn is p.loss_fn,
                      same_batch(batch, p.batch)])
        try:
            out = p.step(model, optimizer, loss_fn, batch)
        except Exception as err:
            raised.append((calls[0], err))
            raise
        grads[-1][1] = holding()
        return out

    step = {"default": None, "object": p.train_step}.get(how, counted)
    X = p.batch[0]
    forwards = [0, 0, 0]  # the model's forward passes, those not on X, and those of a copy

    def on_forward(module, args):
        if module is not p.model:  # a deep copy carries the hook along
            forwards[2] += 1
            return
        forwards[0] += 1
        given = args[0] if args else None
        if not (isinstance(given, torch.Tensor) and given.shape == X.shape
                and torch.equal(given.detach(), X.detach())):
            forwards[1] += 1

    hook = p.model.register_forward_pre_hook(on_forward)
    modes = [m.training for m in p.model.modules()]
    escaped = None
    report = None
    enabled = torch.is_grad_enabled()
    try:
        if case.get("by_name"):  # every argument by the contract's name
            try:
                report = kata.overfit_one_batch(model=p.model, optimizer=p.optimizer,
                                                loss_fn=p.loss_fn, batch=p.batch,
                                                train_step=step, **options(case))
            except TypeError as err:  # the names refused: said by the judge
                if calls[0] or not any(w in str(err) for w in NAMES_REFUSED):
                    raise
                hook.remove()
                return {"refused": str(err)[:300]}
        else:
            report = kata.overfit_one_batch(p.model, p.optimizer, p.loss_fn, p.batch,
                                            train_step=step, **options(case))
    except Exception as err:
        if not any(err is e for _, e in raised):
            raise  # the check's own: the plugin (or the grader's job) explains it
        call = next(i for i, e in raised if e is err)
        escaped = {"type": type(err).__name__, "text": first_line(err), "call": call}
    finally:
        left_enabled = torch.is_grad_enabled()
        torch.set_grad_enabled(enabled)  # what the check left is data, not the next test's mode
    hook.remove()
    if how == "object":
        calls[0] = len(p.train_step.losses)
    return {
        "report": None if report is None else report_fields(report),
        "escaped": escaped,
        "calls": calls[0] if how != "default" else None,
        "optimizer_steps": optimizer_steps[0],
        "step_raised": [[i, type(e).__name__, first_line(e)] for i, e in raised],
        "grads_held": grads[:1000],
        "step_args": given[:1000],
        "dtypes": [str(q.dtype).replace("torch.", "") for q in p.model.parameters()],
        "grad_mode": {"before": enabled, "in_steps": grad_mode[:1000], "after": left_enabled},
        "forwards": forwards[0],
        "foreign_forwards": forwards[1],
        "copy_forwards": forwards[2],
        "modes_before": modes,
        "modes_after": [m.training for m in p.model.modules()],
        "params": [q.detach() for q in p.model.parameters()],
    }


# what Python says when a call's names do not fit the function's parameters
NAMES_REFUSED = ("positional-only", "unexpected keyword argument", "required positional argument",
                 "required keyword-only argument")


def same_batch(batch, given) -> bool:
    """The batch train_step got is the check's: (X, y) with the same tensors or equal values."""
    try:
        X, y = batch
    except Exception:  # noqa: BLE001 - not a pair: not the batch
        return False
    return all(isinstance(a, torch.Tensor) and (a is b or (a.shape == b.shape and bool(
        torch.equal(a.detach(), b.detach())))) for a, b in zip((X, y), given))


def first_line(err: BaseException) -> str:
    text = str(err).strip()
    return (text.splitlines()[0] if text else type(err).__name__)[:300]


# --- the judge's own replay of the contract ---------------------------------------------------


def holds(g) -> bool:
    """A gradient is held when .grad is a tensor with a non-zero element (zeros are none)."""
    return g is not None and bool((g != 0).any())


def measure(p) -> float:
    X, y = p.batch
    with torch.no_grad():
        return float(p.loss_fn(p.model(X), y).item())


def own_gradient(p, params):
    """This step's own gradient, computed aside at the parameters before the step: with the
    random state the step will start from (a dropout mask the same as the step's), buffers
    (BatchNorm's running statistics) put back, `.grad` left alone."""
    X, y = p.batch
    saved = [b.detach().clone() for b in p.model.buffers()]
    try:
        with torch.random.fork_rng(devices=[]), torch.enable_grad():
            loss = p.loss_fn(p.model(X), y)
            if not loss.requires_grad:
                return None
            return torch.autograd.grad(loss, params, allow_unused=True)
    finally:
        with torch.no_grad():
            for b, s in zip(p.model.buffers(), saved):
                b.copy_(s)


@dataclass
class Seen1:
    """What the replay measured at one step."""

    raised: tuple | None = None  # (type, first line) of what the step raised
    nonzero: int = 0  # trainable parameters holding a non-zero .grad after the step
    zeros: int = 0  # ... holding a .grad of zeros
    none: int = 0  # ... whose .grad is None
    moved: int = 0  # trainable parameters that changed (torch.equal)
    moved_names: list = field(default_factory=list)
    max_move: float = 0.0  # the largest change of an element
    max_rel_move: float = 0.0  # ... relative to the largest element of its tensor
    sum_change: float = 0.0  # how much the sum of all trainable parameters changed
    sum_size: float = 0.0
    versions_same: bool = False  # the parameters that moved kept their _version
    first_group_still: bool = False  # param_groups[0]'s tensors did not move, others did
    piled: list = field(default_factory=list)  # names whose .grad is old + own, not own
    old_zero: list = field(default_factory=list)  # names whose old .grad held only zeros
    shrank: bool = False  # a piled .grad is smaller than the old one (signs flip)
    old_size: float = 0.0  # the largest element of the piled .grads before the step
    own_computed: bool = False
    arrived: int = 0  # trainable parameters that a gradient reached during the step (a hook)
    still_with_grad: list = field(default_factory=list)  # did not move, hold a gradient
    still_without: list = field(default_factory=list)  # did not move, hold none
    grad_in_place: bool = False  # backward added into the very .grad tensor held before
    moved_in_place: bool = False  # the parameters that moved kept their storage
    frozen_with_grad: int = 0  # frozen parameters that hold a non-zero .grad
    loss: float = float("nan")
    optimizer_steps: int = 0


@dataclass
class Truth:
    reason: str | None  # the verdict; None when the step's exception must propagate
    raises: str | None  # the type of that exception
    raised_text: str
    stop: int  # how many times a right check calls train_step
    first: float
    losses: list  # losses[i]: the loss after i completed steps
    steps: int
    tol: float
    names: list
    trainable: int
    frozen: int
    groups: int
    lrs: list
    dtype: str
    random: bool
    at: list = field(default_factory=list)  # Seen1 per step run
    missing: list = field(default_factory=list)
    same_values: bool = False
    shared_storage: bool = False  # a missing parameter shares its storage with a held tensor
    frozen_out: int = 0
    extra_held: int = 0  # tensors the optimizer holds that are not the model's
    end: dict = field(default_factory=dict)  # outputs and targets after the last step
    start_outputs_min: float = float("nan")
    params: list = field(default_factory=list)  # trainable or not, after `stop` steps

    def step(self, i: int) -> Seen1 | None:
        return self.at[i - 1] if 1 <= i <= len(self.at) else None


class Replay:
    """The pipeline of a case, driven by the contract's rules (the judge's own check)."""

    def __init__(self, case):
        self.case = case
        self.d = one_batch.full(case)
        self.p = one_batch.build(case)
        self.opt_steps = [0]
        self.p.optimizer.register_step_post_hook(
            lambda *_: self.opt_steps.__setitem__(0, self.opt_steps[0] + 1))
        self.done = 0  # steps completed
        self.broke = False  # a step raised: no more steps
        self.arrived: set = set()
        for q in self.p.model.parameters():
            if q.requires_grad:
                q.register_post_accumulate_grad_hook(lambda q: self.arrived.add(id(q)))

    def advance(self) -> None:
        """One plain step (no questions asked)."""
        if self.broke:
            return
        try:
            self.p.step(self.p.model, self.p.optimizer, self.p.loss_fn, self.p.batch)
        except Exception:  # noqa: BLE001 - the step's own failure: it stops here
            self.broke = True
            return
        self.done += 1

    def truth(self) -> Truth:
        p, d = self.p, self.d
        named = [(n, q) for n, q in p.model.named_parameters()]
        params = [q for _, q in named if q.requires_grad]
        names = [n for n, q in named if q.requires_grad]
        steps = DEFAULT_STEPS if d["steps"] is None else int(d["steps"])
        tol = DEFAULT_TOL if d["tol"] is None else float(d["tol"])
        first = measure(p)
        t = Truth(None, None, "", 0, first, [first], steps, tol, names, len(params),
                  len(named) - len(params), len(p.optimizer.param_groups),
                  sorted({float(g.get("lr", 0.0)) for g in p.optimizer.param_groups}),
                  d["dtype"], one_batch.random_in_train_mode(d))
        X, y = p.batch
        with torch.no_grad():
            out = p.model(X) if not t.random else None
        if out is not None and out.is_floating_point():
            t.start_outputs_min = float(out.min())
        held = [q for g in p.optimizer.param_groups for q in g["params"]]
        ids = {id(q) for q in held}
        missing = [(n, q) for n, q in zip(names, params) if id(q) not in ids]
        t.frozen_out = sum(1 for _, q in named if not q.requires_grad and id(q) not in ids)
        own = {id(q) for _, q in named}
        t.extra_held = sum(1 for q in held if id(q) not in own)
        if missing:
            t.reason, t.missing = "not_in_optimizer", [n for n, _ in missing]
            t.shared_storage = any(h.data_ptr() == q.data_ptr() for _, q in missing
                                   for h in held)
            t.same_values = all(any(h.shape == q.shape and torch.equal(h.detach(), q.detach())
                                    for h in held) for _, q in missing)
            return self.finish(t)
        first_group = {id(q) for q in p.optimizer.param_groups[0]["params"]}
        frozen = [q for _, q in named if not q.requires_grad]
        for i in range(1, steps + 1):
            seen = Seen1()
            t.at.append(seen)
            before = [q.detach().clone() for q in params]
            versions = [q._version for q in params]
            storages = [q.data_ptr() for q in params]
            old = [None if q.grad is None else q.grad.detach().clone() for q in params]
            old_storages = [None if q.grad is None else q.grad.data_ptr() for q in params]
            own = None
            if any(holds(g) for g in old):
                own = own_gradient(p, params)
                seen.own_computed = own is not None
            self.arrived.clear()
            try:
                p.step(p.model, p.optimizer, p.loss_fn, p.batch)
            except RuntimeError as err:
                seen.raised = ("RuntimeError", first_line(err))
                seen.optimizer_steps = self.opt_steps[0]
                self.count_grads(seen, params, frozen)
                t.stop = i
                self.broke = True
                if seen.nonzero:
                    t.raises, t.raised_text = "RuntimeError", first_line(err)
                else:
                    t.reason = "no_gradient"
                return self.finish(t)
            except Exception as err:  # noqa: BLE001 - any other: not the check's to judge
                seen.raised = (type(err).__name__, first_line(err))
                seen.optimizer_steps = self.opt_steps[0]
                t.stop, t.raises, t.raised_text = i, type(err).__name__, first_line(err)
                self.broke = True
                return self.finish(t)
            self.done = i
            seen.optimizer_steps = self.opt_steps[0]
            seen.loss = measure(p)
            t.losses.append(seen.loss)
            self.count_grads(seen, params, frozen)
            seen.arrived = sum(1 for q in params if id(q) in self.arrived)
            self.movement(seen, names, params, before, versions, first_group)
            after = [q.grad for q in params]
            if own is not None:
                self.accumulation(seen, names, old, own, after)
            seen.grad_in_place = any(
                n in seen.piled and q.grad is not None and q.grad.data_ptr() == o
                for n, q, o in zip(names, params, old_storages))
            seen.moved_in_place = any(n in seen.moved_names and q.data_ptr() == o
                                      for n, q, o in zip(names, params, storages))
            t.stop = i
            if not seen.moved and not seen.nonzero:
                t.reason = "no_gradient"
            elif seen.piled:
                t.reason = "grad_accumulates"
            elif not seen.moved:
                t.reason = "no_update"
            elif not math.isfinite(seen.loss):
                t.reason = "diverged"
            elif seen.loss <= tol * first:
                t.reason = "ok"
            if t.reason is not None:
                return self.finish(t)
        t.stop = steps
        last = t.losses[-1]
        with torch.no_grad():
            out = p.model(X)
        t.end = {
            "y_float": bool(y.is_floating_point()), "y_dtype": str(y.dtype).replace("torch.", ""),
            "alike": tuple(out.shape) == tuple(y.shape),
            "out_shape": tuple(out.shape), "y_shape": tuple(y.shape),
            "y_negative": int((y < 0).sum()) if y.is_floating_point() else 0,
            "y_n": int(y.numel()),
            "out_min": float(out.min()) if out.is_floating_point() and out.numel() else 0.0,
        }
        e = t.end
        if last > first:
            t.reason = "diverged"
        elif e["y_float"] and e["alike"] and e["y_negative"] and e["out_min"] >= 0:
            t.reason = "output_range"
        else:
            t.reason = "stalled"
        return self.finish(t)

    def finish(self, t: Truth) -> Truth:
        t.params = [q.detach().clone() for q in self.p.model.parameters()]
        return t

    @staticmethod
    def count_grads(seen, params, frozen):
        for q in params:
            if q.grad is None:
                seen.none += 1
            elif holds(q.grad):
                seen.nonzero += 1
            else:
                seen.zeros += 1
        seen.frozen_with_grad = sum(1 for q in frozen if holds(q.grad))

    @staticmethod
    def movement(seen, names, params, before, versions, first_group):
        total_before = total_after = 0.0
        size = 0.0
        still_first, moved_other = True, False
        for n, q, b, v in zip(names, params, before, versions):
            now = q.detach()
            total_before += float(b.double().sum())
            total_after += float(now.double().sum())
            size = max(size, float(b.double().abs().max()) if b.numel() else 0.0)
            if torch.equal(now, b):
                (seen.still_with_grad if holds(q.grad) else seen.still_without).append(n)
                continue
            seen.moved += 1
            seen.moved_names.append(n)
            change = float((now.double() - b.double()).abs().max())
            scale = float(b.double().abs().max()) or 1.0
            seen.max_move = max(seen.max_move, change)
            seen.max_rel_move = max(seen.max_rel_move, change / scale)
            if q._version == v:
                seen.versions_same = True
            if id(q) in first_group:
                still_first = False
            else:
                moved_other = True
        seen.sum_change = abs(total_after - total_before)
        seen.sum_size = max(abs(total_before), abs(total_after))
        seen.first_group_still = still_first and moved_other

    def accumulation(self, seen, names, old, own, after):
        rtol = ACCUMULATION_RTOL.get(self.d["dtype"], 1e-4)
        for n, o, w, now in zip(names, old, own, after):
            if o is None or w is None or now is None:
                continue
            if not holds(o):
                seen.old_zero.append(n)
                continue
            atol = rtol * (float(o.abs().max()) + float(w.abs().max()))
            if (torch.allclose(now, o + w, rtol=rtol, atol=atol)
                    and not torch.allclose(now, w, rtol=rtol, atol=atol)):
                seen.piled.append(n)
                seen.old_size = max(seen.old_size, float(o.double().abs().max()))
                if float(now.double().norm()) < float(o.double().norm()):
                    seen.shrank = True


def replay(case) -> tuple[Truth, Replay]:
    r = Replay(case)
    return r.truth(), r


def after_steps(case, n: int) -> tuple[float, list]:
    """The loss and the parameters after `n` completed steps of the pipeline run alone (what
    the model looks like after a check that ran them; fewer when a step raises)."""
    r = Replay(case)
    while r.done < n and not r.broke:
        r.advance()
    return measure(r.p), [q.detach().clone() for q in r.p.model.parameters()]


def plain_losses(case, n: int) -> list:
    """The loss after 0, 1, ... n completed steps of the pipeline run alone."""
    r = Replay(case)
    losses = [measure(r.p)]
    while r.done < n and not r.broke:
        r.advance()
        if not r.broke:
            losses.append(measure(r.p))
    return losses


def first_at_most(case, n: int, bound: float) -> bool:
    """Whether step n is the first after which the loss is at most `bound` (an absolute one)."""
    losses = plain_losses(case, n)
    return len(losses) == n + 1 and losses[n] <= bound and all(x > bound for x in losses[1:n])


def eval_mode_loss(case) -> float | None:
    """The batch's loss with the model switched to eval mode (None when that changes nothing)."""
    p = one_batch.build(case)
    if not any(isinstance(m, (torch.nn.Dropout, torch.nn.BatchNorm1d))
               for m in p.model.modules()) or not p.model.training:
        return None
    p.model.eval()
    return measure(p)


# --- the words -------------------------------------------------------------------------------


def call_of(case) -> str:
    d = one_batch.full(case)
    args = "" if d["train_step"] == "default" else ", train_step=..."
    for key, value in options(case).items():
        args += f", {key}={value:g}" if isinstance(value, float) else f", {key}={value}"
    what_en, what_zh = one_batch.describe(case)
    return i18n.t(f"overfit_one_batch(model, optimizer, loss_fn, batch{args})  on {what_en}",
                  f"overfit_one_batch(model, optimizer, loss_fn, batch{args})  用于{what_zh}")


def g4(x: float) -> str:
    return f"{x:.4g}" if isinstance(x, float) and math.isfinite(x) else repr(x)


def names_of(names: list, limit: int = 4) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


MEANS = {
    "not_in_optimizer": ("'not_in_optimizer' says a trainable parameter is in none of the "
                         "optimizer's param groups",
                         "'not_in_optimizer' 说的是有可训练参数不在优化器的任何参数组里"),
    "no_gradient": ("'no_gradient' says no gradient reached any trainable parameter",
                    "'no_gradient' 说的是没有梯度到达任何可训练参数"),
    "grad_accumulates": ("'grad_accumulates' says a .grad was the previous gradient plus the "
                         "step's own", "'grad_accumulates' 说的是某个 .grad 是上一次的梯度加上这一步自己的"),
    "no_update": ("'no_update' says gradients arrived and the step moved no parameter",
                  "'no_update' 说的是梯度到了、这一步却没有移动任何参数"),
    "diverged": ("'diverged' says the loss became nan or inf, or ended above where it started",
                 "'diverged' 说的是损失变成了 nan 或 inf,或者最终高于起点"),
    "ok": ("'ok' says the loss came down to at most tol times where it started",
           "'ok' 说的是损失降到了起点的 tol 倍以内"),
    "output_range": ("'output_range' says every output stays >= 0 while some targets are "
                     "negative", "'output_range' 说的是输出始终 >= 0,而有的目标值是负数"),
    "stalled": ("'stalled' says the loss went down after the last step, but not far enough",
                "'stalled' 说的是最后一步之后损失下降了,但降得不够"),
}


def why_right(t: Truth) -> tuple[str, str]:
    """Why the right verdict is right on this pipeline: what the replay measured."""
    r, k = t.reason, t.stop
    s = t.step(k)
    if r == "not_in_optimizer":
        en = (f"before any step, {len(t.missing)} of the model's {t.trainable} trainable "
              f"parameters ({names_of(t.missing)}) are in none of optimizer.param_groups "
              f"(looked for by identity in all {t.groups} group(s)), so no step ever changes "
              f"them")
        zh = (f"在任何一步之前,模型的 {t.trainable} 个可训练参数中有 {len(t.missing)} 个"
              f"({names_of(t.missing)})不在任何 optimizer.param_groups 里(按对象身份在全部 "
              f"{t.groups} 个参数组中查找),所以没有哪一步会改变它们")
        if t.shared_storage:
            en += (". The optimizer holds a tensor on the same storage (the parameter was "
                   "re-wrapped, `nn.Parameter(w.data)`, after the optimizer was built): the same "
                   "`data_ptr()` is not the same tensor, and the optimizer's tensor gets no "
                   "gradient, so look for each parameter by identity (`id(p)`, or `is`), not by "
                   "storage")
            zh += ("。优化器持有一个与它共用存储的张量(优化器建好之后,这个参数被重新包装成了 "
                   "`nn.Parameter(w.data)`):`data_ptr()` 相同并不是同一个张量,优化器那个张量也拿不到梯度,"
                   "所以要按对象身份(`id(p)` 或 `is`)查找每个参数,而不是按存储")
        elif t.same_values:
            en += (". The optimizer holds tensors with the same values (the model was rebuilt "
                   "from the same seed after it): equal values are not the same tensor, so look "
                   "for each parameter by identity (`id(p)`, or `is`), not by value")
            zh += ("。优化器持有的张量数值与它们相同(模型是在优化器之后用同一个种子重建的):数值相等并不是"
                   "同一个张量,所以要按对象身份(`id(p)` 或 `is`)查找每个参数,而不是按数值")
        if t.steps == 0:
            en += (" (steps=0: no step runs, but the optimizer is looked at before any step, so "
                   "the verdict is still 'not_in_optimizer')")
            zh += "(steps=0:一步也不运行,但优化器是在任何一步之前检查的,所以结论仍然是 'not_in_optimizer')"
        return en, zh
    if r == "no_gradient" and s is not None and s.raised:
        en = (f"step {k} raised {s.raised[0]} ({s.raised[1]}) while no trainable parameter held "
              f"a non-zero gradient: no gradient reaches the parameters, the loss has no graph "
              f"back to them")
        zh = (f"第 {k} 步抛出了 {s.raised[0]}({s.raised[1]}),而没有任何可训练参数持有非零梯度:"
              f"没有梯度到达参数,损失没有通往它们的计算图")
        if s.zeros:
            en += (f" ({s.zeros} of them held a .grad of zeros, left by "
                   f"zero_grad(set_to_none=False): zeros are no gradient)")
            zh += (f"(其中 {s.zeros} 个的 .grad 是全零张量,由 zero_grad(set_to_none=False) 留下:"
                   f"全零不算梯度)")
        if not t.trainable:
            en += " (no parameter is trainable at all: none can hold a gradient)"
            zh += "(根本没有可训练的参数:谁也不可能持有梯度)"
        return en, zh
    if r == "no_gradient":
        en = (f"after step {k} no trainable parameter held a non-zero .grad ({s.none} None, "
              f"{s.zeros} all zeros) and none had moved: no gradient reaches the parameters")
        zh = (f"第 {k} 步之后,没有任何可训练参数持有非零的 .grad({s.none} 个为 None,{s.zeros} 个"
              f"全为零),也没有参数移动:没有梯度到达参数")
        if s.zeros:
            en += " (a .grad of zeros, as zero_grad(set_to_none=False) leaves it, is no gradient)"
            zh += "(zero_grad(set_to_none=False) 留下的全零 .grad 不算梯度)"
        if s.frozen_with_grad:
            en += (f"; the {s.frozen_with_grad} frozen parameter(s) still hold an old .grad, but "
                   f"frozen ones (requires_grad=False) do not count")
            zh += (f";那 {s.frozen_with_grad} 个被冻结的参数还留着旧的 .grad,但冻结的参数"
                   f"(requires_grad=False)不算")
        if s.arrived:
            en += (f" (a gradient did reach {s.arrived} of them during the step, but the step "
                   f"cleared it before it ended and nothing moved: the verdict is judged from "
                   f"what the step left, .grad and the parameters, not from what passed by in "
                   f"flight)")
            zh += (f"(这一步当中梯度确实到过其中 {s.arrived} 个参数,但训练步在结束前把它清掉了,参数也"
                   f"没动:结论按训练步留下的东西来判断,也就是 .grad 和参数,而不是中途经过的东西)")
        return en, zh
    if r == "grad_accumulates":
        source = ("the .grad held when the check was called" if k == 1 else
                  "the previous .grad")
        source_zh = "调用检查时就有的 .grad " if k == 1 else "上一次的 .grad "
        en = (f"after step {k}, the .grad of {len(s.piled)} of the {t.trainable} trainable "
              f"parameters ({names_of(s.piled)}) was {source} plus step {k}'s own gradient "
              f"(computed aside at the parameters before the step), not step {k}'s own alone: "
              f"nothing clears them, so the gradients pile up")
        zh = (f"第 {k} 步之后,{t.trainable} 个可训练参数中有 {len(s.piled)} 个"
              f"({names_of(s.piled)})的 .grad 是{source_zh}加上第 {k} 步自己的梯度(在这一步之前的"
              f"参数处另外算出),而不只是第 {k} 步自己的:没有什么在清零,梯度在累加")
        return en, zh
    if r == "no_update":
        lrs = ", ".join(f"{x:g}" for x in t.lrs)
        en = (f"after step {k}, {s.nonzero} of the {t.trainable} trainable parameters held a "
              f"non-zero gradient, and none had moved (compared exactly): the gradients arrive "
              f"and the step moves nothing")
        zh = (f"第 {k} 步之后,{t.trainable} 个可训练参数中有 {s.nonzero} 个持有非零梯度,而没有"
              f"参数移动(精确比较):梯度到了,这一步却什么也没移动")
        if s.optimizer_steps == 0:
            en += " (optimizer.step() was never called)"
            zh += "(optimizer.step() 从未被调用)"
        elif all(x == 0 for x in t.lrs):
            en += f" (the learning rate is {lrs})"
            zh += f"(学习率是 {lrs})"
        return en, zh
    if r == "diverged" and k < t.steps or (r == "diverged" and not math.isfinite(t.losses[-1])):
        loss = t.losses[-1]
        en = f"after step {k} the loss is {loss!r}: not finite"
        zh = f"第 {k} 步之后损失是 {loss!r}:不是有限数"
        if math.isinf(loss) and loss < 0:
            en += (" (-inf is below every bound, so 'at most tol × first_loss' holds for it, but "
                   "it is not finite: ask `math.isfinite` before 'ok', not `loss == inf` or "
                   "`loss > bound`)")
            zh += ("(-inf 低于任何界限,'不超过 tol × first_loss' 对它成立,但它不是有限数:要在 'ok' 之前用 "
                   "`math.isfinite` 判断,而不是 `loss == inf` 或 `loss > 界限`)")
        elif math.isinf(loss):
            en += " (inf is not nan: ask `math.isfinite`, not only `math.isnan`)"
            zh += "(inf 不是 nan:要用 `math.isfinite`,而不只是 `math.isnan`)"
        elif math.isnan(loss):
            en += (" (nan is not inf, and every comparison with nan is False, so `loss > "
                   "first_loss` misses it: ask `math.isfinite`, not only `math.isinf`)")
            zh += ("(nan 不是 inf,而且与 nan 的任何比较都是 False,所以 `loss > first_loss` 抓不到它:"
                   "要用 `math.isfinite`,而不只是 `math.isinf`)")
        return en, zh
    if r == "diverged":
        last, first = t.losses[-1], t.first
        en = (f"after the last step ({t.steps}) the loss is {last!r}, above where it started "
              f"({first!r}) by {last - first:.3g}")
        zh = (f"最后一步({t.steps})之后损失是 {last!r},比起点({first!r})高出 {last - first:.3g}")
        return en, zh
    if r == "ok":
        loss = t.losses[k]
        en = (f"after step {k} the loss is {g4(loss)}, at most tol ({t.tol:g}) times where it "
              f"started ({g4(t.first)}): this pipeline memorises the batch, and the check stops "
              f"there")
        zh = (f"第 {k} 步之后损失是 {g4(loss)},不超过起点({g4(t.first)})的 tol({t.tol:g})倍:"
              f"这条流水线能记住这批数据,检查在那里停下")
        return en, zh
    if r == "output_range":
        e = t.end
        en = (f"after the last step every output is >= 0 (the smallest is {g4(e['out_min'])}) "
              f"while {e['y_negative']} of the {e['y_n']} targets are negative, outputs and "
              f"targets alike in shape {e['y_shape']}: every prediction is clipped at zero (a "
              f"non-negative last layer), so the loss cannot go below the negative targets' share")
        zh = (f"最后一步之后每个输出都 >= 0(最小的是 {g4(e['out_min'])}),而 {e['y_n']} 个目标值"
              f"中有 {e['y_negative']} 个是负数,输出与目标形状相同,都是 {e['y_shape']}:每个预测都被截在"
              f"零(最后一层是非负的),损失降不到负目标值那一份以下")
        if e["y_dtype"] != "float32":
            en += (f" (the targets are {e['y_dtype']}: floating-point too, "
                   f"`y.is_floating_point()`)")
            zh += f"(目标值是 {e['y_dtype']}:同样是浮点数,`y.is_floating_point()`)"
        return en, zh
    last = t.losses[-1]
    en = (f"after the last step ({t.steps}) the loss is {g4(last)}, not above where it started "
          f"({g4(t.first)}) and not at most tol ({t.tol:g}) times it, and the outputs can reach "
          f"the targets")
    zh = (f"最后一步({t.steps})之后损失是 {g4(last)},没有高于起点({g4(t.first)}),也没有降到它的 "
          f"tol({t.tol:g})倍以内,输出也够得着目标值")
    return en, zh


def moved_notes(t: Truth, s: Seen1, k: int) -> tuple[str, str]:
    """What moved at step k, and the measured reasons a check could miss it."""
    en = f"step {k} moved {s.moved} of the {t.trainable} trainable parameters"
    zh = f"第 {k} 步移动了 {t.trainable} 个可训练参数中的 {s.moved} 个"
    if s.max_rel_move < 1e-5:
        en += (f", by at most {s.max_move:.3g} ({s.max_rel_move:.1e} of their size): a comparison "
               f"with a tolerance (`torch.allclose`) calls that unchanged")
        zh += (f",最多只移动了 {s.max_move:.3g}(是其大小的 {s.max_rel_move:.1e}):带容差的比较"
               f"(`torch.allclose`)会把它当成没变")
    rel = s.sum_change / s.sum_size if s.sum_size else 0.0
    if rel < 1e-8:
        cancel = s.max_rel_move >= 1e-5
        en += (f"; the sum of all trainable parameters changed by only {rel:.1e} of itself"
               + (" (the changes cancel out: a softmax's gradient sums to zero over the classes)"
                  if cancel else "") + ", so a comparison of sums calls it unchanged too")
        zh += (f";所有可训练参数之和只变了自身的 {rel:.1e}"
               + ("(各处的变化相互抵消:softmax 的梯度在各类别上之和为零)" if cancel else "")
               + ",所以比较总和也会当成没变")
    if s.first_group_still:
        en += ("; the tensors of param_groups[0] did not move (that group's lr is 0) while the "
               "others did")
        zh += ";param_groups[0] 里的张量没动(那一组的学习率是 0),其他组的动了"
    if s.still_without:
        one = len(s.still_without) == 1
        en += (f"; {names_of(s.still_without)} did not move and {'holds' if one else 'hold'} no "
               f"gradient (the forward never uses {'it' if one else 'them'})")
        zh += f";{names_of(s.still_without)} 没动,也没有梯度(前向从不使用它们)"
    if s.versions_same:
        en += ("; the update went through `.data`, which leaves `_version` as it was")
        zh += ";更新是通过 `.data` 做的,它不改变 `_version`"
    if s.moved_in_place:
        en += ("; the step changes the parameters in place, so keep copies from before it "
               "(`p.detach().clone()`), not references")
        zh += ";训练步是原地修改参数的,所以要保留这一步之前的副本(`p.detach().clone()`),而不是引用"
    en += (". One trainable parameter that changes, in any element, by any amount, in any group, "
           "is a move: compare every tensor exactly (`torch.equal`)")
    zh += ("。任何一个可训练参数、任何一个元素、变化多小、在哪一组都算移动:请精确比较每个张量"
           "(`torch.equal`)")
    return en, zh


def piling_notes(t: Truth, case, learner_stop) -> list[tuple[str, str]]:
    """What this pipeline shows about gradients that pile up, where a check could miss it."""
    d = one_batch.full(case)
    ks = t.step(t.stop)
    notes: list[tuple[str, str]] = []
    if d["train_step"] == "object" and learner_stop == 0:
        notes.append(("the train_step given was never called (0 calls): it is a callable "
                      "object whose len() is 0, so it is falsy, and `train_step or ...` "
                      "replaced it with the usual step. Only None means the usual step",
                      "给的 train_step 一次也没被调用(0 次):它是一个 len() 为 0 的可调用对象,"
                      "所以为假,`train_step or ...` 把它换成了常规训练步。只有 None 才表示常规训练步"))
    if one_batch.random_in_train_mode(d):
        notes.append(("the model draws a dropout mask at every forward in train mode: the "
                      "own gradient must come from the mask the step draws (compute it with "
                      "the random state forked, `torch.random.fork_rng()`, or catch the "
                      "step's gradient in flight with a hook)",
                      "模型在 train 模式下每次前向都抽一个 dropout 掩码:自己的梯度必须用这一步抽到的"
                      "掩码来算(在 `torch.random.fork_rng()` 里算,或者用 hook 截住这一步的梯度)"))
    if t.dtype in ("bfloat16", "float16"):
        rtol = ACCUMULATION_RTOL[t.dtype]
        notes.append((f"the parameters are {t.dtype}: backward adds in {t.dtype}, so compare "
                      f".grad with old + own in that dtype, within its precision (about "
                      f"{rtol:g} relative), not in float64 at float32's tolerance",
                      f"参数是 {t.dtype}:backward 在 {t.dtype} 里做加法,所以要在这个 dtype 里、按它的"
                      f"精度(相对误差约 {rtol:g})比较 .grad 与旧的加自己的,而不是在 float64 里用 "
                      f"float32 的容差"))
    if ks is not None and len(ks.piled) < t.trainable:
        notes.append((f"only {len(ks.piled)} of the {t.trainable} parameters pile up (the "
                      f"step clears the others): one is enough",
                      f"{t.trainable} 个参数中只有 {len(ks.piled)} 个在累加(训练步清掉了其他的):"
                      f"有一个就够了"))
    if ks is not None and ks.piled and (ks.old_size < 1e-6 or ks.old_size > 1e4):
        notes.append((f"the gradients here are about {ks.old_size:.1g} in size: compare .grad with "
                      f"old + own within a tolerance relative to their size, not with an absolute "
                      f"one (`torch.allclose`'s default atol=1e-8), which calls tiny gradients "
                      f"all close to one another and huge ones all apart",
                      f"这里的梯度大小约为 {ks.old_size:.1g}:要按与它们大小成比例的容差比较 .grad 与旧的加自己的,"
                      f"不能用绝对容差(`torch.allclose` 默认的 atol=1e-8),那样极小的梯度彼此都算相近,"
                      f"极大的梯度又都算不同"))
    if ks is not None and ks.grad_in_place and learner_stop != 0:
        notes.append(("backward adds into the very tensor that .grad held before the step (in "
                      "place): compare with a copy taken before the step (`p.grad.clone()`), not "
                      "with a reference to it, which changes with it",
                      "backward 是原地加到这一步之前 .grad 那个张量上的:要和这一步之前复制下来的副本"
                      "(`p.grad.clone()`)比较,而不是和指向它的引用比较,引用会跟着一起变"))
    if ks is not None and ks.shrank and learner_stop != 0:
        notes.append((".grad is smaller here than the one before the step (this step's "
                      "gradient points partly against the last one): its size says nothing, "
                      "compare it with old + own",
                      "这里 .grad 比这一步之前的还小(这一步的梯度有一部分与上一次的方向相反):大小说明不了"
                      "什么,要把它与旧的加自己的比较"))
    if d["loss"] == "mse_l2":
        notes.append(("the loss function reads the model's own parameters (an L2 "
                      "penalty): compute the own gradient on this model, not on a copy",
                      "损失函数读取的是模型自己的参数(L2 惩罚项):要在这个模型上算自己的梯度,"
                      "不能在副本上算"))
    if t.stop == 1 and d["stale"]:
        notes.append(("the .grad held when the check is called counts as the previous "
                      "gradient at step 1: compare with it (and leave it as it is before "
                      "the first step)",
                      "调用检查时已有的 .grad 在第 1 步就算作上一次的梯度:要和它比较(第一步之前"
                      "不要动它)"))
    return notes


def against(t: Truth, got: str, learner_stop: int | None, case) -> list[tuple[str, str]]:
    """What this pipeline shows about the verdict reported: measured facts that contradict it
    (each only where the replay measured it)."""
    notes: list[tuple[str, str]] = []
    d = one_batch.full(case)
    k = learner_stop if learner_stop is not None else t.stop
    s = t.step(min(max(k, 1), len(t.at))) if t.at else None
    if got == "not_in_optimizer":
        en = (f"every trainable parameter is in one of the optimizer's {t.groups} param "
              f"group(s) (by identity)")
        zh = f"每个可训练参数都在优化器的某个参数组里(共 {t.groups} 组,按对象身份)"
        if t.extra_held:
            en += (f"; it also holds {t.extra_held} tensor(s) that are not the model's, which is "
                   f"fine: the question is only whether a trainable parameter is missing")
            zh += (f";它还持有 {t.extra_held} 个不属于模型的张量,这没关系:问题只在于有没有可训练参数"
                   f"不在里面")
        if t.frozen_out:
            en += (f"; the {t.frozen_out} frozen parameter(s) (requires_grad=False) left out of "
                   f"it do not count: only trainable parameters must be in the optimizer")
            zh += (f";那 {t.frozen_out} 个被冻结(requires_grad=False)、没交给优化器的参数不算:"
                   f"只有可训练的参数才必须在优化器里")
        if t.groups > 1:
            en += "; look in every group, not only param_groups[0]"
            zh += ";要在每一组里找,不能只看 param_groups[0]"
        notes.append((en, zh))
    if t.reason == "not_in_optimizer" and got != "ok" and len(t.missing) == t.trainable:
        notes.append(("every step updates the tensors the optimizer holds, none of which is this "
                      "model's: this model never moves, whatever its gradients",
                      "每一步更新的都是优化器持有的张量,没有一个属于这个模型:无论梯度如何,这个模型都不会动"))
    if t.reason == "not_in_optimizer" and got == "ok":
        notes.append(("the loss can reach near zero even so (the tensors the optimizer does "
                      "hold fit one batch on their own), so the loss cannot tell: look at the "
                      "optimizer before the first step",
                      "即便如此损失也可能降到接近零(优化器手里的那些参数单独就能拟合一批数据),所以看损失"
                      "分辨不出来:要在第一步之前看优化器"))
    if got == "no_gradient" and t.reason != "no_gradient" and s is not None:
        if s.moved:
            en = (f"after step {k}, {s.nonzero} trainable parameter(s) held a non-zero .grad but "
                  f"{s.moved} had moved: a step that clears the gradients at its end leaves .grad "
                  f"empty though the gradient did arrive. Judge 'no gradient' by whether anything "
                  f"moved too, not by .grad alone")
            zh = (f"第 {k} 步之后只有 {s.nonzero} 个可训练参数持有非零 .grad,但有 {s.moved} 个参数动了:"
                  f"在最后清零梯度的训练步会让 .grad 变空,尽管梯度确实到过。判断 'no gradient' 还要看"
                  f"有没有参数移动,不能只看 .grad")
            if s.versions_same:
                en += (" (and compare the values: this step updates `.data`, which leaves "
                       "`_version` as it was)")
                zh += "(而且要比较数值:这个训练步更新的是 `.data`,它不改变 `_version`)"
            notes.append((en, zh))
        elif s.nonzero:
            none = s.still_without
            extra = (f" ({names_of(none)} {'has' if len(none) == 1 else 'have'} no gradient: "
                     f"the forward never uses {'it' if len(none) == 1 else 'them'}; one parameter "
                     f"that holds a gradient is enough)" if none else "")
            extra_zh = (f"({names_of(none)} 没有梯度:前向从不使用;有一个参数持有梯度就够了)"
                        if none else "")
            notes.append((f"after step {k}, {s.nonzero} of the {t.trainable} trainable "
                          f"parameters held a non-zero .grad: a gradient did arrive{extra}",
                          f"第 {k} 步之后,{t.trainable} 个可训练参数中有 {s.nonzero} 个持有非零 "
                          f".grad:梯度确实到了{extra_zh}"))
    if got in ("no_update", "grad_accumulates", "diverged", "stalled", "ok") and \
            t.reason == "no_gradient":
        notes.append((MEANS[got][0] + ", but nothing arrived and nothing moved",
                      MEANS[got][1] + ",可是什么也没到、什么也没动"))
    if got == "no_update" and t.reason != "no_update" and s is not None and s.moved:
        notes.append(moved_notes(t, s, k))
    if got == "grad_accumulates" and t.reason != "grad_accumulates" and s is not None \
            and s.own_computed:
        en = f"after step {k}, every .grad was step {k}'s own gradient alone"
        zh = f"第 {k} 步之后,每个 .grad 都只是第 {k} 步自己的梯度"
        if s.old_zero:
            en += (f" (the previous .grad of {names_of(s.old_zero)} held only zeros, so old + own "
                   f"equals own alone there: that is no accumulation; ask that .grad also differ "
                   f"from own alone)")
            zh += (f"({names_of(s.old_zero)} 上一次的 .grad 全是零,所以那里旧的加自己的就等于自己的:"
                   f"这不是累加;还要求 .grad 与它自己的梯度不同)")
        notes.append((en, zh))
    if t.reason == "grad_accumulates" and got != "grad_accumulates":
        notes += piling_notes(t, case, learner_stop)
        ks = t.step(t.stop)
        if ks is not None and ks.moved == 0 and got == "no_update":
            notes.append(("nothing moved either, but 'grad_accumulates' comes before "
                          "'no_update' in the order of the questions",
                          "参数也没动,但按提问的顺序 'grad_accumulates' 排在 'no_update' 之前"))
    if t.reason == "no_update" and got != "no_update":
        if one_batch.random_in_train_mode(d) and s is not None:
            notes.append(("the loss changes at every measurement anyway, because dropout draws "
                          "a new mask at each forward in train mode: judge movement by the "
                          "parameters, not by the loss",
                          "损失每次测量都会变,因为 train 模式下 dropout 每次前向都抽新的掩码:"
                          "要凭参数判断有没有移动,而不是凭损失"))
        if got == "stalled":
            notes.append(("the check stops at the first step that knows the verdict; a flat loss "
                          "with nothing moving is not 'stalled' (more steps cannot help): "
                          "compare the parameters before and after a step",
                          "检查在第一个能下结论的步骤就停下;什么都没动的平坦损失不是 'stalled'(多跑几步也"
                          "没用):请比较一步前后的参数"))
    if got == "diverged" and t.reason != "diverged":
        if learner_stop is not None and learner_stop < t.stop and learner_stop <= len(t.at):
            loss = t.losses[learner_stop] if learner_stop < len(t.losses) else float("nan")
            if math.isfinite(loss) and loss > t.first:
                notes.append((f"after step {learner_stop} the loss ({g4(loss)}) was above where "
                              f"it started ({g4(t.first)}) but finite, and later steps brought it "
                              f"down: 'above first_loss' is judged after the last step only",
                              f"第 {learner_stop} 步之后损失({g4(loss)})高于起点({g4(t.first)}),"
                              f"但是有限的,后面的步骤又把它降了下来:'高于 first_loss' 只在最后一步之后判断"))
        if t.reason in ("stalled", "output_range") and t.losses[-1] == t.first:
            how = " (no step ran: steps=0)" if t.steps == 0 else ""
            how_zh = "(一步也没运行:steps=0)" if t.steps == 0 else ""
            notes.append((f"the loss ended exactly where it started ({t.first!r}){how}: "
                          f"'diverged' is for a loss *above* it (`>`, not `>=`)",
                          f"损失最终正好停在起点({t.first!r}){how_zh}:'diverged' 要求损失*高于*起点"
                          f"(`>`,而不是 `>=`)"))
    if got == "ok" and t.reason in ("no_gradient", "grad_accumulates", "no_update") \
            and t.stop < len(t.losses) and t.losses[t.stop] <= t.tol * t.first:
        notes.append((f"the loss after step {t.stop} is at most tol × first_loss too "
                      f"({g4(t.losses[t.stop])}), but '{t.reason}' is asked first: 'ok' comes "
                      f"after the questions about the gradients and the parameters (the order of "
                      f"the docstring)",
                      f"第 {t.stop} 步之后损失也不超过 tol × first_loss({g4(t.losses[t.stop])}),但 "
                      f"'{t.reason}' 要先问:'ok' 排在关于梯度和参数的问题之后(文档字符串的顺序)"))
    if got == "ok" and t.reason != "ok" and t.stop == t.steps:
        loss = t.losses[-1]
        if math.isfinite(loss) and loss < t.first:
            en = (f"the loss went down, to {g4(loss)} from {g4(t.first)} ({loss / t.first:.0%} of "
                  f"where it started): 'went down' is not 'went to near zero'")
            zh = (f"损失是下降了,从 {g4(t.first)} 降到 {g4(loss)}(起点的 {loss / t.first:.0%}):"
                  f"'下降了' 不等于 '降到接近零'")
            if t.reason not in ("not_in_optimizer",) and loss <= t.tol < t.tol * t.first * 1e6 \
                    and loss > t.tol * t.first:
                en += (f"; it is below tol ({t.tol:g}) itself, but tol is relative: at most tol "
                       f"× first_loss = {t.tol * t.first:.3g}")
                zh += (f";它低于 tol({t.tol:g})本身,但 tol 是相对的:要不超过 tol × first_loss = "
                       f"{t.tol * t.first:.3g}")
            notes.append((en, zh))
    if got == "output_range" and t.reason != "output_range" and t.end:
        e = t.end
        if t.reason == "diverged":
            notes.append(("the loss ended above where it started: 'diverged' is asked before the "
                          "outputs are looked at", "损失最终高于起点:'diverged' 在看输出之前就要问"))
        elif not e["alike"]:
            notes.append((f"the outputs have shape {e['out_shape']} and the targets "
                          f"{e['y_shape']}: not alike, so the outputs' range says nothing about "
                          f"the targets", f"输出的形状是 {e['out_shape']},目标值是 {e['y_shape']}:"
                          f"形状不同,输出的范围说明不了目标值的事"))
        elif e["out_min"] < 0:
            en = (f"after the last step the smallest output is {g4(e['out_min'])}: the outputs "
                  f"do go below zero")
            zh = f"最后一步之后最小的输出是 {g4(e['out_min'])}:输出确实能低于零"
            if t.start_outputs_min >= 0:
                en += (" (they were all >= 0 before the first step: look at the outputs after "
                       "the last step)")
                zh += "(第一步之前它们全都 >= 0:要看最后一步之后的输出)"
            notes.append((en, zh))
    if got == "stalled" and t.reason == "diverged" and t.stop == t.steps:
        last, first = t.losses[-1], t.first
        if t.dtype == "float64" and as_float32(last) == as_float32(first):
            notes.append(("the difference is one float32 cannot hold: keep the loss a Python "
                          "float of its own dtype (`.item()`), never rounded through float32",
                          "这个差别 float32 表示不出来:损失要保持为它自己 dtype 的 Python float(`.item()`),"
                          "不要经过 float32 舍入"))
        else:
            notes.append(("a finite loss that ends above where it started is 'diverged' too, not "
                          "only nan or inf", "最终高于起点的有限损失也是 'diverged',不只是 nan 或 inf"))
    return notes


def verdict_message(t: Truth, got: str, learner_stop, case, seen) -> tuple[str, str]:
    en, zh = why_right(t)
    parts_en = [f"reported '{got}' where the right verdict is '{t.reason}': {en}."]
    parts_zh = [f"报告了 '{got}',正确的结论是 '{t.reason}':{zh}。"]
    notes = against(t, got, learner_stop, case)
    cleared = cleared_by_the_check(case, seen) if t.reason == "grad_accumulates" else None
    if cleared:
        notes.insert(0, cleared)
    if not notes and got in MEANS:
        notes = [(MEANS[got][0] + ", which is not what this pipeline does",
                  MEANS[got][1] + ",而这条流水线并非如此")]
    for n_en, n_zh in notes:
        parts_en.append(n_en[0].upper() + n_en[1:] + ".")
        parts_zh.append(n_zh + "。")
    return " ".join(parts_en), "".join(parts_zh)


# --- the judge --------------------------------------------------------------------------------


def number(value, flag) -> float | None:
    """A float the report held (None when it was not one)."""
    if flag is not True:
        return None
    if type(value) is float:
        return value
    if isinstance(value, Other) and isinstance(value.value, (int, float)) \
            and not isinstance(value.value, bool):
        return float(value.value)
    return None


def same_loss(a: float, b: float, dtype: str) -> bool:
    if math.isnan(b) or math.isinf(b) or math.isnan(a) or math.isinf(a):
        return a == b or (math.isnan(a) and math.isnan(b))
    rtol = LOSS_RTOL.get(dtype, 1e-5)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-12)


def as_float32(x: float) -> float:
    return float(torch.tensor(x, dtype=torch.float32)) if math.isfinite(x) else x


def completed_steps(case, seen) -> int | None:
    """How many steps the learner's check completed (None: it cannot be known, or is more than
    a few past `steps`, which the step count's own check names: nothing to replay that far)."""
    d = one_batch.full(case)
    most = (DEFAULT_STEPS if d["steps"] is None else int(d["steps"])) + 5
    if d["train_step"] == "default":
        n = seen.get("optimizer_steps")
        return n if type(n) is int and 0 <= n <= most else None
    calls = seen.get("calls")
    if type(calls) is not int or not 0 <= calls <= most:
        return None
    found = seen.get("step_raised")
    failed = {item[0] for item in found if isinstance(item, list) and item
              and type(item[0]) is int} if isinstance(found, list) else set()
    return calls - (1 if calls in failed else 0)


def cleared_by_the_check(case, seen) -> tuple[str, str] | None:
    """Where the check itself emptied .grad between two steps (or before the first, on a model
    that held gradients when it was called): measured from what each call of train_step
    found and left."""
    held = seen.get("grads_held")
    if not isinstance(held, list):
        return None
    rows = [r for r in held if isinstance(r, list) and len(r) == 2]
    if one_batch.full(case)["stale"] and rows and rows[0][0] is False:
        return ("the check itself cleared the .grad that the model held when it was called, "
                "before the first step: that .grad is the previous gradient at step 1, and "
                "clearing it hides what the step does with it. Leave .grad as the caller and "
                "the step leave it",
                "检查自己在第一步之前清掉了调用时模型就有的 .grad:那个 .grad 在第 1 步就是上一次的梯度,"
                "清掉它就看不出训练步是怎么对待它的了。.grad 要保持调用方和训练步留下的样子")
    for i in range(1, len(rows)):
        if rows[i - 1][1] is True and rows[i][0] is False:
            return (f"the check itself cleared .grad between step {i} and step {i + 1} (step {i} "
                    f"left gradients there, step {i + 1} found none), so nothing could pile up: "
                    f"the check must leave .grad as the step leaves it",
                    f"检查自己在第 {i} 步和第 {i + 1} 步之间清掉了 .grad(第 {i} 步留下了梯度,第 {i + 1} 步"
                    f"开始时却没有了),所以什么也累加不起来:检查必须让 .grad 保持训练步留下的样子")
    return None


def judge(case, seen):
    """The learner's check on one pipeline, judged against the judge's own replay."""
    with one_thread():
        judged(case, seen)


def judged(case, seen):
    call = call_of(case)
    if case.get("by_name"):
        call = call.replace("overfit_one_batch(model, optimizer, loss_fn, batch", (
            "overfit_one_batch(model=model, optimizer=optimizer, loss_fn=loss_fn, batch=batch"))
    refused = seen.get("refused") if isinstance(seen, dict) else None
    if refused is not None:
        text = refused if isinstance(refused, str) else "?"
        fail(f"overfit_one_batch refused its arguments passed by name (TypeError: {text}). The "
             f"contract names its parameters: `overfit_one_batch(model, optimizer, loss_fn, "
             f"batch, *, train_step=None, steps=200, tol=1e-2)`, and a caller may pass each by "
             f"that name (no `/` in the signature, no other names).",
             f"按名字传入参数时,overfit_one_batch 拒绝了(TypeError:{text})。约定规定了参数的名字:"
             f"`overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, "
             f"tol=1e-2)`,调用者可以按这些名字传入每个参数(签名里不要有 `/`,也不要换成别的名字)。",
             call=call, got=f"TypeError: {text}", expected="the report", kata=KATA)
    expect(isinstance(seen, dict) and all(k in seen for k in ("report", "escaped", "calls")),
           "the observation of the check is not what the observer sends: nothing to judge.",
           "对检查的观测数据不是观测者发送的格式:无从判断。", call=call, got=show(seen), kata=KATA)
    t, _ = replay(case)
    d = one_batch.full(case)
    escaped = seen.get("escaped")
    calls = seen.get("calls") if type(seen.get("calls")) is int else None
    if t.raises is not None:
        check_propagates(case, t, seen, escaped, call)
        return
    if isinstance(escaped, dict):
        check_no_escape(t, escaped, call)
    check_mode_left(seen, call)
    check_step_args(seen, call)
    check_dtype_left(case, seen, call)
    check_grad_mode(seen, call)
    check_not_kept(case, seen, call)
    check_grads_left(case, seen, call)
    report = seen.get("report")
    check_report_shape(report, call)
    got = report["reason"]
    learner_stop = calls if d["train_step"] != "default" else completed_steps(case, seen)
    if got != t.reason:
        en, zh = verdict_message(t, got, learner_stop, case, seen)
        fail(en, zh, call=call, got=f"{got}: {show(report.get('message'))}",
             expected=t.reason, kata=KATA)
    expect(report.get("ok") is (t.reason == "ok") and report.get("ok_is_bool") is True,
           f"`ok` must be the bool True exactly when the reason is 'ok' (here the reason is "
           f"'{t.reason}').",
           f"`ok` 必须在且仅在 reason 为 'ok' 时是 bool 值 True(这里 reason 是 '{t.reason}')。",
           call=call, got=show(report.get("ok")), expected=show(t.reason == "ok"), kata=KATA)
    check_losses(case, t, seen, report, call)
    check_stop(case, t, seen, calls, call)
    message = report.get("message")
    expect(isinstance(message, str) and message.strip(),
           "the message is empty: say in words what the check found and what to fix.",
           "message 是空的:请用文字说明检查发现了什么、该怎么改。",
           call=call, got=show(message), kata=KATA)
    check_model_left(case, t, seen, call)


def check_propagates(case, t, seen, escaped, call):
    k = t.stop
    s = t.step(k)
    if isinstance(escaped, dict) and escaped.get("type") == t.raises:
        return
    report = seen.get("report")
    got = report.get("reason") if isinstance(report, dict) else None
    if t.raises == "RuntimeError":
        en = (f"step {k} raised RuntimeError ({t.raised_text}) while {s.nonzero} of the "
              f"{t.trainable} trainable parameters held a non-zero gradient, and the check "
              f"reported '{got}' instead of letting it propagate. A RuntimeError is the verdict "
              f"'no_gradient' only when no trainable parameter holds a gradient; with gradients "
              f"there it is a real error, not the check's to judge: re-raise it.")
        zh = (f"第 {k} 步抛出了 RuntimeError({t.raised_text}),而当时 {t.trainable} 个可训练参数中有 "
              f"{s.nonzero} 个持有非零梯度;检查却报告了 '{got}',没有让它抛出来。只有在没有任何可训练"
              f"参数持有梯度时,RuntimeError 才是结论 'no_gradient';梯度在的时候,它是真正的错误,"
              f"不归检查判断:请重新抛出。")
    else:
        en = (f"step {k} raised {t.raises} ({t.raised_text}), and the check reported '{got}' "
              f"instead of letting it propagate. Only a RuntimeError while no trainable parameter "
              f"holds a gradient is the check's to judge ('no_gradient'); any other exception "
              f"from the step is the caller's to see: catch RuntimeError only.")
        zh = (f"第 {k} 步抛出了 {t.raises}({t.raised_text}),检查却报告了 '{got}',没有让它抛出来。"
              f"只有在没有任何可训练参数持有梯度时抛出的 RuntimeError 才归检查判断('no_gradient');"
              f"训练步的其他异常都应当让调用方看到:只捕获 RuntimeError。")
    fail(en, zh, call=call, got=f"{got}" if escaped is None else show(escaped),
         expected=f"{t.raises} raised at step {k}", kata=KATA)


def check_no_escape(t, escaped, call):
    text = escaped.get("text") if isinstance(escaped.get("text"), str) else "?"
    kind = escaped.get("type") if isinstance(escaped.get("type"), str) else "?"
    at = escaped.get("call")
    s = t.step(at) if type(at) is int else None
    if t.reason == "no_gradient" and s is not None and s.raised and at == t.stop:
        en = (f"the check let the step's RuntimeError escape ({text}). A step that raises while "
              f"no trainable parameter holds a non-zero gradient is the verdict, not a crash: "
              f"the loss has no graph back to the parameters. Catch RuntimeError around the step "
              f"and report 'no_gradient' (re-raise it only when gradients did arrive).")
        zh = (f"检查让训练步的 RuntimeError 直接抛了出来({text})。训练步报错、而没有任何可训练参数"
              f"持有非零梯度,这本身就是结论,而不是崩溃:损失没有通往参数的计算图。请在训练步外面捕获 "
              f"RuntimeError 并报告 'no_gradient'(只有梯度确实到达了参数时才重新抛出)。")
        if s.zeros:
            en += (f" Here {s.zeros} parameter(s) held a .grad of zeros (zero_grad(set_to_none="
                   f"False)): zeros are no gradient.")
            zh += f"这里有 {s.zeros} 个参数的 .grad 是全零(zero_grad(set_to_none=False)):全零不算梯度。"
        if not t.trainable:
            en += " Here no parameter is trainable at all: none can hold a gradient."
            zh += "这里根本没有可训练的参数:谁也不可能持有梯度。"
        fail(en, zh, call=call, got=f"{kind}: {text}", expected=t.reason, kata=KATA)
    fail(f"train_step raised {kind} at call {at} ({text}) and the check let it out, but this "
         f"pipeline, run alone, does not raise there: the right verdict is '{t.reason}' after "
         f"step {t.stop}.",
         f"train_step 在第 {at} 次调用时抛出了 {kind}({text}),检查让它抛了出来;但这条流水线单独运行时"
         f"那里并不会报错:正确的结论是第 {t.stop} 步之后的 '{t.reason}'。",
         call=call, got=f"{kind}: {text}", expected=t.reason, kata=KATA)


def check_report_shape(report, call):
    expect(isinstance(report, dict) and not report.get("missing"),
           "overfit_one_batch must return an OverfitReport: ok, reason, first_loss, final_loss and "
           "message (the NamedTuple of the stub).",
           "overfit_one_batch 应当返回 OverfitReport:ok、reason、first_loss、final_loss 和 message"
           "(存根里的 NamedTuple)。",
           call=call, got=show(report.get("type") if isinstance(report, dict) else report),
           kata=KATA)
    reason = report.get("reason")
    expect(isinstance(reason, str) and reason in REASONS,
           f"{show(reason)} is none of the reasons the docstring lists: {', '.join(REASONS)}.",
           f"{show(reason)} 不在文档字符串列出的原因之中:{', '.join(REASONS)}。",
           call=call, got=show(reason), kata=KATA)


def check_stop(case, t, seen, calls, call):
    d = one_batch.full(case)
    k = t.stop
    if d["train_step"] == "default":
        n = seen.get("optimizer_steps")
        want = t.step(k).optimizer_steps if t.step(k) is not None else 0
        expect(n == want,
               f"with train_step=None the check must run the usual step itself, on this call's "
               f"model, optimizer and batch (optimizer.zero_grad(), loss_fn(model(X), "
               f"y).backward(), optimizer.step()) until the verdict: optimizer.step() should run "
               f"{want} time(s) here.",
               f"train_step 为 None 时,检查要自己在这次调用的模型、优化器和批量上运行常规训练步"
               f"(optimizer.zero_grad()、loss_fn(model(X), y).backward()、optimizer.step()),直到"
               f"得出结论:这里 optimizer.step() 应当运行 {want} 次。",
               call=call, got=f"{show(n)} optimizer steps", expected=f"{want}", kata=KATA)
        return
    if calls == k:
        return
    s = t.step(k)
    if t.reason == "not_in_optimizer":
        en = ("the verdict is known before any step (a trainable parameter is in none of the "
              "param groups): no step should run.")
        zh = "在任何一步之前就已经有结论了(有可训练参数不在任何参数组里):一步也不该运行。"
    elif t.reason == "ok":
        loss = t.losses[k]
        en = (f"the loss was at most tol × first_loss after step {k} ({g4(loss)} <= {t.tol:g} × "
              f"{g4(t.first)}): the check stops at the first step after which it is there.")
        zh = (f"第 {k} 步之后损失就不超过 tol × first_loss 了({g4(loss)} <= {t.tol:g} × "
              f"{g4(t.first)}):检查应当在第一次达到的那一步之后停下。")
        if calls is not None and calls > k and loss == t.tol * t.first:
            en += " (There it is exactly tol × first_loss: 'at most' includes equal, `<=`.)"
            zh += "(那里正好等于 tol × first_loss:'不超过' 包括相等,`<=`。)"
        elif calls is not None and calls == k + 1 and one_batch.full(case)["step"] == "returns_loss":
            en += (" This train_step returns the loss of its own forward, from before its "
                   "update: measure the loss yourself after each step, do not trust what the "
                   "step returns.")
            zh += "这个 train_step 返回的是它自己前向的损失,是更新之前的:每一步之后要自己测量损失,不要相信训练步的返回值。"
        elif calls is not None and calls == t.steps:
            en += " It ran all the steps it was given instead."
            zh += "它却把给定的步数全跑完了。"
        elif (calls is not None and 0 < calls <= t.steps and t.tol != DEFAULT_TOL
              and first_at_most(case, calls, DEFAULT_TOL * t.first)):
            en += (f" It stopped after step {calls}, the first step after which the loss was at "
                   f"most {DEFAULT_TOL:g} × first_loss: the default tol, not the tol={t.tol:g} it "
                   f"was given.")
            zh += (f"它在第 {calls} 步之后停下,那是损失第一次不超过 {DEFAULT_TOL:g} × first_loss 的地方:"
                   f"用的是默认的 tol,而不是给它的 tol={t.tol:g}。")
        elif calls is not None and 0 < calls <= t.steps and first_at_most(case, calls, t.tol):
            en += (f" It stopped after step {calls}, the first step after which the loss was at "
                   f"most tol ({t.tol:g}) itself: tol is relative, the loss must be at most tol × "
                   f"first_loss = {t.tol * t.first:.4g}.")
            zh += (f"它在第 {calls} 步之后停下,那是损失第一次不超过 tol({t.tol:g})本身的地方:tol 是相对的,"
                   f"损失要不超过 tol × first_loss = {t.tol * t.first:.4g}。")
    elif t.reason in ("stalled", "output_range") or (t.reason == "diverged" and k == t.steps):
        en = (f"a pipeline whose loss never gets near zero gets exactly `steps` steps "
              f"({t.steps}), no more and no fewer, before the verdict '{t.reason}'.")
        zh = (f"损失始终降不到接近零的流水线,在给出结论 '{t.reason}' 之前应当恰好运行 `steps` 步"
              f"({t.steps}),不多也不少。")
    else:
        en, zh = why_right(t)
        en = f"the verdict is known after step {k}, where the check must stop: {en}."
        zh = f"第 {k} 步之后就有结论了,检查应当在那里停下:{zh}。"
        cleared = cleared_by_the_check(case, seen) if t.reason == "grad_accumulates" else None
        if cleared:
            en += " " + cleared[0][0].upper() + cleared[0][1:] + "."
            zh += cleared[1] + "。"
        elif t.reason == "grad_accumulates" and k == 1 and one_batch.full(case)["stale"]:
            en += (" The .grad held when the check is called counts as the previous gradient at "
                   "step 1: compare with it, and do not clear it before the first step.")
            zh += "调用检查时已有的 .grad 在第 1 步就算作上一次的梯度:要和它比较,第一步之前不要清掉它。"
        if t.reason == "grad_accumulates":
            for n_en, n_zh in piling_notes(t, case, calls):
                if "held when the check is called" not in n_en:
                    en += " " + n_en[0].upper() + n_en[1:] + "."
                    zh += n_zh + "。"
    fail(en, zh, call=call, got=f"{show(calls)} calls of train_step",
         expected=f"{k} calls", kata=KATA)


def check_losses(case, t, seen, report, call):
    for name in ("first_loss", "final_loss"):
        value = report.get(name)
        expect(number(value, report.get(f"{name}_is_float")) is not None,
               f"{name} must be a Python float (`loss.item()`), not "
               f"{'a tensor' if isinstance(value, Seen) else show(value)}.",
               f"{name} 必须是 Python float(`loss.item()`),而不是 "
               f"{'张量' if isinstance(value, Seen) else show(value)}。",
               call=call, got=show(value), kata=KATA)
    if t.random:
        return  # every forward draws its own dropout mask: no figure to compare with
    first = number(report["first_loss"], True)
    if not same_loss(first, t.first, t.dtype):
        en = ("first_loss is not the batch's loss before any step: measure it before the first "
              "step (also when the check stops before any), as a float, "
              "`loss_fn(model(X), y).item()` under `torch.no_grad()`, with the model in the mode "
              "it is in.")
        zh = ("first_loss 不是任何一步之前这批数据的损失:请在第一步之前测量(检查在任何一步之前就停下时也要),"
              "得到一个 float,在 `torch.no_grad()` 下 `loss_fn(model(X), y).item()`,模型保持它原来的模式。")
        in_eval = eval_mode_loss(case)
        if in_eval is not None and same_loss(first, in_eval, t.dtype):
            en += (" It is the loss with the model in eval mode; this model is in train mode "
                   "(its BatchNorm or dropout behave otherwise there): measure in whatever mode "
                   "the model is in, and leave the mode alone.")
            zh += ("它是模型在 eval 模式下的损失;这个模型处于 train 模式(BatchNorm 或 dropout 在那里"
                   "表现不同):要在模型当前的模式下测量,也不要改动模式。")
        elif t.dtype == "float64" and first == as_float32(t.first):
            en += " It was rounded to float32: keep the loss's own precision (`.item()`)."
            zh += "它被舍入成了 float32:请保持损失自己的精度(`.item()`)。"
        fail(en, zh, call=call, got=show(first), expected=show(t.first), kata=KATA)
    done = completed_steps(case, seen)
    if done is None:
        return
    want = t.losses[done] if done < len(t.losses) else after_steps(case, done)[0]
    final = number(report["final_loss"], True)
    if same_loss(final, want, t.dtype):
        return
    en = (f"final_loss is not the batch's loss after the last step the check ran (step {done}; "
          f"the test measures the model as the check left it): measure after every step.")
    zh = (f"final_loss 不是检查所运行的最后一步(第 {done} 步)之后这批数据的损失(测试测量的是检查结束时的"
          f"模型):请在每一步之后测量。")
    if done >= 1:
        before, _ = after_steps(case, done - 1)
        if same_loss(final, before, t.dtype):
            en += (f" It is the loss from before step {done}: measured before the step, or taken "
                   f"from what train_step returned (a loss from before its update), instead of "
                   f"measured after it.")
            zh += (f"它是第 {done} 步之前的损失:是在这一步之前测的,或者取自 train_step 的返回值(更新之前"
                   f"的损失),而不是在这一步之后测量的。")
    if t.dtype == "float64" and final == as_float32(want):
        en += " It was rounded to float32: keep the loss's own precision (`.item()`)."
        zh += "它被舍入成了 float32:请保持损失自己的精度(`.item()`)。"
    fail(en, zh, call=call, got=show(final), expected=show(want), kata=KATA)


def check_mode_left(seen, call):
    before, after = seen.get("modes_before"), seen.get("modes_after")
    if isinstance(before, list) and isinstance(after, list) and before != after:
        was = "train" if before and before[0] else "eval"
        now = "train" if after and after[0] is True else "eval"
        fail(f"the check changed the model's mode: it was handed over in {was} mode and is in "
             f"{now} mode after the call. The check measures and trains the model in whatever "
             f"mode it is in (calling `model.train()` or `model.eval()` changes what it tests).",
             f"检查改变了模型的模式:交给它时是 {was} 模式,调用之后成了 {now} 模式。检查要在模型原有的"
             f"模式下测量和训练(调用 `model.train()` 或 `model.eval()` 会改变被检查的东西)。",
             call=call, got=f"{now} mode", expected=f"{was} mode", kata=KATA)


def check_step_args(seen, call):
    """train_step gets the model, optimizer, loss function and batch the check was given."""
    rows = seen.get("step_args")
    if not isinstance(rows, list):
        return
    words = [("model", "模型"), ("optimizer", "优化器"), ("loss_fn", "loss_fn"), ("batch", "批量")]
    for i, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != 4 or all(x is True for x in row):
            continue
        wrong = [w for w, ok in zip(words, row) if ok is not True]
        en = ", ".join(w[0] for w in wrong)
        zh = "、".join(w[1] for w in wrong)
        fail(f"at call {i} train_step got another {en} than the one the check was given (a copy, "
             f"or something kept from elsewhere): the check runs the pipeline's step on the "
             f"caller's own model, optimizer, loss_fn and batch, so that the caller's model is the "
             f"one trained and judged.",
             f"第 {i} 次调用时,train_step 拿到的{zh}不是检查收到的那个(是副本,或者别处留下的东西):检查"
             f"要在调用方自己的模型、优化器、loss_fn 和批量上运行流水线的训练步,这样训练和判断的才是调用方"
             f"的模型。", call=call, got=f"another {en}", expected="the objects given", kata=KATA)


def check_dtype_left(case, seen, call):
    kinds = seen.get("dtypes")
    want = one_batch.full(case)["dtype"]
    if isinstance(kinds, list) and kinds and any(k != want for k in kinds):
        other = next(k for k in kinds if k != want)
        fail(f"after the call the model's parameters are {other}, not {want}: the check converted "
             f"the caller's model (`model.float()` or `.double()` changes it in place). It "
             f"trains and measures the model in its own dtype.",
             f"调用之后模型参数成了 {other},而不是 {want}:检查转换了调用方的模型(`model.float()` 或 "
             f"`.double()` 会原地改变它)。检查要在模型自己的 dtype 下训练和测量。",
             call=call, got=other, expected=want, kata=KATA)


def check_grad_mode(seen, call):
    """train_step runs with autograd as the caller had it on, and the check leaves it so."""
    mode = seen.get("grad_mode")
    if not isinstance(mode, dict) or mode.get("before") is not True:
        return
    steps = mode.get("in_steps")
    off = [i for i, on in enumerate(steps, 1) if on is False] if isinstance(steps, list) else []
    if off:
        fail(f"the check called train_step with autograd off (under `torch.no_grad()` or "
             f"`torch.inference_mode()`) at {len(off)} call(s), from call {off[0]}: the step "
             f"then builds no graph and backward() fails, whatever the pipeline. Only the loss "
             f"the check measures goes under no_grad; the step runs as the caller would run it.",
             f"检查在关闭 autograd 的情况下(`torch.no_grad()` 或 `torch.inference_mode()` 之下)调用了 "
             f"train_step,共 {len(off)} 次,从第 {off[0]} 次起:这样训练步建不了计算图,backward() 会"
             f"失败,无论流水线如何。只有检查自己测量损失时才放在 no_grad 下;训练步要像调用方那样运行。",
             call=call, got="grad mode off inside train_step", expected="grad mode on", kata=KATA)
    if mode.get("after") is False:
        fail("the check returned with autograd switched off (`torch.set_grad_enabled(False)` "
             "left behind): the caller's next forward builds no graph. Measure under `with "
             "torch.no_grad():`, which puts the mode back.",
             "检查返回时 autograd 仍是关闭的(留下了 `torch.set_grad_enabled(False)`):调用方下一次前向"
             "不会建图。请在 `with torch.no_grad():` 下测量,它会恢复原来的模式。",
             call=call, got="grad mode off after the call", expected="on, as before", kata=KATA)


def check_grads_left(case, seen, call):
    """.grad is the pipeline's: the check neither clears it before the first step nor between
    steps (measured by what each call of train_step found and left)."""
    found = cleared_by_the_check(case, seen)
    if found is not None:
        en, zh = found
        fail(en[0].upper() + en[1:] + ". It trains the pipeline as it is, and changes nothing else.",
             zh + "。检查按流水线原样训练,不改动别的东西。", call=call, kata=KATA)


def check_not_kept(case, seen, call):
    """The model ran on this call's X, every time (measured by a hook on the model's forward)."""
    forwards, foreign = seen.get("forwards"), seen.get("foreign_forwards")
    if forwards == 0:
        copies = seen.get("copy_forwards")
        en = ("the model the check was given never ran a forward pass during the call, so its "
              "loss was never measured: first_loss is this model's loss before any step, measured "
              "also when the check stops before the first one.")
        zh = ("检查收到的模型在调用期间一次前向都没有运行,所以它的损失从未被测量:first_loss 是这个模型在任何"
              "一步之前的损失,即使检查在第一步之前就停下也要测量。")
        if type(copies) is int and copies > 0:
            en += (f" A copy of it ran {copies} forward pass(es) instead: the check measured (and "
                   f"trained) a copy, not the caller's model, the pipeline under test.")
            zh += f"倒是它的一个副本运行了 {copies} 次前向:检查测量(和训练)的是副本,而不是调用方的模型,也就是被检查的流水线。"
        fail(en, zh, call=call, got="0 forward passes of the model given", expected="at least one",
             kata=KATA)
    if type(forwards) is not int or type(foreign) is not int or foreign <= 0:
        return
    earlier = one_batch.full(case)["before"]
    how = (" The check was called once before in this process, on another batch: something kept "
           "from that call (a step built once and cached in a global, a closure over the first "
           "call's X and y) ran here." if earlier else "")
    how_zh = ("检查之前在这个进程里已经用另一批数据调用过一次:那次调用留下的东西(只构建一次、缓存在全局变量"
              "里的训练步,一个捕获了第一次调用的 X 和 y 的闭包)在这里运行了。" if earlier else "")
    fail(f"during the call the model ran on an input that is not this call's X in {foreign} of its "
         f"{forwards} forward passes: with train_step=None the check runs the usual step on its "
         f"own model, optimizer and batch, and measures on that batch. Keep nothing from one call "
         f"to the next.{how}",
         f"调用期间,模型在 {forwards} 次前向中有 {foreign} 次的输入不是这次调用的 X:train_step 为 None "
         f"时,检查要在它自己的模型、优化器和批量上运行常规训练步,并在这批数据上测量。两次调用之间不能"
         f"保留任何东西。{how_zh}",
         call=call, got=f"{foreign} forwards on another input", expected="every forward on X",
         kata=KATA)


def check_model_left(case, t, seen, call):
    if t.random:
        return
    done = completed_steps(case, seen)
    if done is None:
        return
    params = seen.get("params")
    _, want = after_steps(case, done)
    rtol = LOSS_RTOL.get(t.dtype, 1e-5)
    ok = isinstance(params, list) and len(params) == len(want) and all(
        isinstance(q, Seen) and q.complete and q.error is None and q.shape == tuple(w.shape)
        and torch.allclose(q.tensor.double(), w.double(), rtol=rtol, atol=1e-7, equal_nan=True)
        for q, w in zip(params, want))
    if ok:
        return
    _, start = after_steps(case, 0)
    restored = done > 0 and isinstance(params, list) and len(params) == len(start) and all(
        isinstance(q, Seen) and q.complete and q.shape == tuple(w.shape)
        and torch.equal(q.tensor.double(), w.double()) for q, w in zip(params, start))
    if restored and not all(torch.equal(a, b) for a, b in zip(start, want)):
        fail(f"after the call the model's parameters are those it had before the first step: the "
             f"check put them back (or trained a copy). It trains the model it is given, in "
             f"place: after {done} steps the caller's model is the trained one.",
             f"调用之后模型的参数又是第一步之前的样子:检查把它们恢复了(或者训练的是副本)。检查应当原地训练"
             f"交给它的模型:{done} 步之后,调用方的模型就是训练过的那个。",
             call=call, got="the parameters from before the first step",
             expected=f"the parameters after {done} steps", kata=KATA)
    fail(f"after the call the model's parameters are not those that the {done} step(s) it ran "
         f"give: the check changed the model besides running the steps (or trained a copy).",
         f"调用之后模型的参数不是它运行的 {done} 步所应得到的:检查在运行训练步之外改动了模型(或者训练的是副本)。",
         call=call, got=show(params[0] if isinstance(params, list) and params else params),
         expected=show(want[0] if want else None), kata=KATA)


# --- the pipelines, verdict by verdict --------------------------------------------------------
# Each example reaches its verdict in its own way; a "name" says which (for people: the judge
# does not read it). The grader runs each once as written and once with a seed of its own.

OK = [
    {"name": "adam_mlp", "seed": 6, "n": 4, "lr": 0.1},
    {"name": "sgd_linear_float64_batch_of_one", "seed": 1, "net": "linear", "n": 1,
     "opt": "sgd", "lr": 0.2, "x_norm": True, "dtype": "float64"},
    {"name": "zero_grad_at_end", "seed": 2, "net": "linear", "n": 1, "opt": "momentum",
     "lr": 0.1, "x_norm": True, "step": "zero_grad_last"},
    {"name": "zero_grad_at_end_to_zeros", "seed": 6, "n": 4, "lr": 0.1,
     "step": "zero_grad_last_keep"},
    {"name": "frozen_bias_left_out", "seed": 6, "n": 4, "lr": 0.1, "freeze": "first_bias",
     "given": "trainable"},
    {"name": "param_group_per_layer", "seed": 0, "n": 4, "groups": "layers",
     "group_lrs": [0.1, 0.05]},
    {"name": "unused_parameter", "seed": 5, "n": 2, "lr": 0.1, "net": "unused"},
    {"name": "zero_initialised_last_layer", "seed": 0, "n": 4, "lr": 0.1, "init": "zero_last"},
    {"name": "batchnorm_in_train_mode", "seed": 7, "n": 4, "lr": 0.1, "bn": True},
    {"name": "dropout_in_eval_mode", "seed": 9, "n": 4, "lr": 0.1, "dropout": 0.3,
     "mode": "eval"},
    {"name": "channels_last_conv", "seed": 10, "net": "conv", "n": 4, "lr": 0.02,
     "x_layout": "channels_last", "tol": 0.1},
    {"name": "step_returns_its_loss", "seed": 11, "net": "linear", "n": 1, "opt": "sgd",
     "lr": 0.2, "x_norm": True, "step": "returns_loss"},
    {"name": "update_through_data", "seed": 12, "net": "linear", "n": 1, "opt": "sgd",
     "lr": 0.2, "x_norm": True, "step": "manual_data_sgd"},
    {"name": "exactly_at_tol", "seed": 13, "net": "scalar", "opt": "sgd", "lr": 0.25, "tol": 0.25},
    {"name": "small_first_loss", "seed": 14, "net": "linear", "n": 1, "opt": "sgd", "lr": 0.2,
     "x_norm": True, "init": "small_last", "target_scale": 0.01},
    {"name": "overshoot_then_ok", "seed": 15, "net": "scalar", "opt": "sgd", "lr": 0.25,
     "step": "overshoot_first"},
    {"name": "list_batch_sliced_x_requires_grad", "seed": 2, "net": "linear", "n": 2,
     "opt": "sgd", "lr": 0.2, "x_norm": True, "batch_as": "list", "x_layout": "sliced",
     "x_requires_grad": True},
    {"name": "default_step_second_call", "seed": 17, "n": 4, "lr": 0.1, "train_step": "default",
     "before": {"seed": 18, "n": 4, "lr": 0.1, "steps": 3}},
    {"name": "random_labels", "seed": 19, "n": 4, "lr": 0.1, "out": 3, "targets": "classes",
     "loss": "cross_entropy"},
    {"name": "optimizer_holds_more_than_the_model", "seed": 21, "net": "linear", "n": 1,
     "opt": "sgd", "lr": 0.2, "x_norm": True, "given": "model_and_more"},
    {"name": "bfloat16_tol", "seed": 20, "net": "linear", "n": 1, "opt": "sgd", "lr": 0.2,
     "x_norm": True, "dtype": "bfloat16", "tol": 0.1},
    {"name": "float16_tol", "seed": 25, "net": "linear", "n": 1, "opt": "sgd", "lr": 0.2,
     "x_norm": True, "dtype": "float16", "tol": 0.1},
    {"name": "grads_held_then_zero_grad_at_end", "seed": 23, "step": "zero_grad_last",
     "stale": True, "opt": "momentum", "lr": 0.05},
    {"name": "every_grad_held_unused_parameter_zeros_kept", "seed": 22, "net": "unused",
     "step": "usual_keep_zeros", "lr": 0.1, "stale": "all"},
    {"name": "batchnorm_grads_held", "seed": 7, "n": 4, "lr": 0.1, "bn": True, "stale": True},
    {"name": "tol_zero_loss_exactly_zero", "seed": 0, "net": "scalar", "opt": "sgd", "lr": 0.5,
     "tol": 0.0},
    {"name": "one_step_is_enough", "seed": 0, "net": "scalar", "opt": "sgd", "lr": 0.5,
     "steps": 1},
    {"name": "tol_one_any_decrease", "seed": 24, "net": "linear", "opt": "sgd", "lr": 0.1,
     "tol": 1.0},
    {"name": "a_parameter_in_two_groups", "seed": 26, "given": "twice", "lr": 0.1},
]

NOT_IN_OPTIMIZER = [
    {"name": "model_rebuilt", "seed": 0, "given": "rebuilt"},
    {"name": "model_rebuilt_from_the_same_seed", "seed": 1, "given": "rebuilt_same_seed",
     "opt": "sgd", "lr": 0.1},
    {"name": "last_layer_only", "seed": 2, "n": 4, "lr": 0.1, "given": "last_layer"},
    {"name": "groups_without_the_first_layer", "seed": 3, "groups": "layers_but_first"},
    {"name": "unfrozen_after_the_optimizer", "seed": 4, "given": "unfrozen_later"},
    {"name": "rebuilt_from_the_same_seed_default_step", "seed": 5, "given": "rebuilt_same_seed",
     "train_step": "default", "dtype": "float64"},
    {"name": "weight_rewrapped_after_the_optimizer", "seed": 6, "given": "rewrapped",
     "opt": "sgd", "lr": 0.1},
    {"name": "weight_rewrapped_default_step", "seed": 27, "given": "rewrapped",
     "train_step": "default"},
    {"name": "weight_rewrapped_no_steps", "seed": 7, "given": "rewrapped", "steps": 0},
    {"name": "model_rebuilt_no_steps", "seed": 28, "given": "rebuilt", "steps": 0},
    {"name": "last_layer_only_one_step", "seed": 29, "given": "last_layer", "steps": 1,
     "opt": "sgd", "lr": 0.1},
    {"name": "first_weight_twice_last_bias_missing", "seed": 8, "given": "twice_but_last_bias"},
]

NO_GRADIENT = [
    {"name": "forward_under_no_grad", "seed": 0, "step": "forward_under_no_grad"},
    {"name": "loss_detached", "seed": 1, "step": "loss_detached", "opt": "sgd"},
    {"name": "detached_made_to_require_grad", "seed": 2, "step": "detached_made_to_require_grad"},
    {"name": "zeros_then_detached_raises", "seed": 3, "step": "keep_zeros_then_detached",
     "stale": True, "opt": "sgd"},
    {"name": "zeros_then_silent_detach", "seed": 4, "step": "keep_zeros_then_silent",
     "stale": True, "opt": "sgd"},
    {"name": "frozen_layer_holds_old_grads", "seed": 5, "step": "detached_made_to_require_grad",
     "stale": True, "freeze": "first_layer", "given": "trainable", "opt": "sgd"},
    {"name": "detached_loss_fn_with_grads_held", "seed": 6, "loss": "mse_detached",
     "stale": True, "train_step": "default", "opt": "sgd"},
    {"name": "every_parameter_frozen", "seed": 7, "freeze": "all", "opt": "sgd"},
    {"name": "backward_never_called", "seed": 8, "step": "no_backward", "opt": "sgd"},
    {"name": "zero_grad_at_end_lr_zero", "seed": 9, "step": "zero_grad_last", "opt": "sgd",
     "lr": 0.0},
    {"name": "dropout_loss_detached", "seed": 10, "step": "loss_detached", "dropout": 0.3},
    {"name": "relu_output_dead_on_every_example", "seed": 2, "last": "relu", "targets": "flat",
     "loss": "mse_of_sum", "opt": "sgd", "lr": 0.05, "steps": 5},
    {"name": "runtime_error_without_a_message", "seed": 16, "step": "bare_runtime_error",
     "opt": "sgd"},
    {"name": "runtime_error_of_several_lines", "seed": 17, "step": "multiline_runtime_error",
     "stale": True, "opt": "sgd"},
]

GRAD_ACCUMULATES = [
    {"name": "no_zero_grad_adam", "seed": 0, "step": "no_zero_grad"},
    {"name": "no_zero_grad_sgd_float64", "seed": 1, "step": "no_zero_grad", "opt": "sgd",
     "lr": 0.1, "dtype": "float64"},
    {"name": "grads_held_before_the_call", "seed": 2, "step": "no_zero_grad", "opt": "sgd",
     "lr": 0.01, "stale": True},
    {"name": "first_layer_cleared_only", "seed": 3, "step": "zero_first_layer_only",
     "opt": "sgd", "lr": 0.01},
    {"name": "dropout_in_train_mode", "seed": 4, "step": "no_zero_grad", "opt": "sgd",
     "lr": 0.01, "dropout": 0.3},
    {"name": "bfloat16", "seed": 5, "step": "no_zero_grad", "opt": "sgd", "lr": 0.05,
     "dtype": "bfloat16", "out": 4},
    {"name": "gradient_flips_sign", "seed": 6, "net": "scalar", "step": "no_zero_grad",
     "opt": "sgd", "lr": 0.9},
    {"name": "l2_penalty_in_the_loss", "seed": 7, "step": "no_zero_grad", "opt": "sgd",
     "lr": 0.01, "loss": "mse_l2"},
    {"name": "falsy_step_object", "seed": 8, "step": "recorder", "train_step": "object",
     "opt": "sgd", "lr": 0.1},
    {"name": "no_step_grads_held_before", "seed": 9, "step": "no_zero_grad_no_step",
     "stale": True, "opt": "sgd"},
    {"name": "piles_up_and_reaches_tol", "seed": 10, "net": "scalar", "step": "no_zero_grad",
     "opt": "sgd", "lr": 0.25, "tol": 0.1},
    {"name": "tiny_gradients", "seed": 0, "step": "no_zero_grad", "opt": "sgd", "lr": 0.1,
     "init": "zero_last", "target_scale": 4e-5, "stale": True},
    {"name": "huge_gradients", "seed": 0, "step": "no_zero_grad", "opt": "sgd", "lr": 0.1,
     "init": "zero_last", "target_scale": 1e6, "stale": True},
    {"name": "only_the_last_layer_held_grads", "seed": 11, "step": "no_zero_grad", "opt": "sgd",
     "lr": 0.05, "stale": "last_layer"},
    {"name": "float16", "seed": 12, "step": "no_zero_grad", "opt": "sgd", "lr": 0.05,
     "dtype": "float16"},
    {"name": "batchnorm_in_train_mode_no_zero_grad", "seed": 11, "step": "no_zero_grad",
     "opt": "sgd", "lr": 0.1, "bn": True, "n": 4},
]

NO_UPDATE = [
    {"name": "lr_zero", "seed": 0, "opt": "sgd", "lr": 0.0},
    {"name": "step_never_called", "seed": 1, "step": "no_step", "opt": "sgd", "lr": 0.1},
    {"name": "neither_zero_grad_nor_step", "seed": 2, "step": "no_zero_grad_no_step"},
    {"name": "unused_parameter_lr_zero", "seed": 3, "net": "unused", "opt": "sgd", "lr": 0.0},
    {"name": "dropout_lr_zero", "seed": 4, "dropout": 0.3, "opt": "sgd", "lr": 0.0},
    {"name": "groups_all_lr_zero", "seed": 5, "groups": "layers", "group_lrs": [0.0, 0.0]},
    {"name": "adam_lr_zero_grads_held", "seed": 6, "lr": 0.0, "stale": True, "dtype": "float64"},
]

DIVERGED = [
    {"name": "sgd_lr_100", "seed": 0, "opt": "sgd", "lr": 100.0},
    {"name": "inf_then_nan", "seed": 1, "net": "linear", "opt": "sgd", "lr": 1e30},
    {"name": "finite_blowup", "seed": 2, "net": "linear", "opt": "sgd", "lr": 1.3, "n": 16,
     "steps": 10},
    {"name": "ascent_relu_negative_targets", "seed": 3, "step": "gradient_ascent", "opt": "sgd",
     "lr": 0.05, "last": "relu", "target_shift": -0.5, "steps": 5},
    {"name": "float64_tiny_ascent", "seed": 4, "step": "gradient_ascent", "opt": "sgd",
     "lr": 1e-9, "dtype": "float64", "steps": 3},
    {"name": "nan_from_the_log_of_a_negative_output", "seed": 1, "net": "linear",
     "init": "bias5", "targets": "positive", "target_scale": 0.5, "loss": "mse_of_logs",
     "opt": "sgd", "lr": 10.0, "steps": 10},
    {"name": "minus_inf_from_the_log_of_zero", "seed": 0, "net": "scalar", "loss": "log_mse",
     "target_shift": -1.0, "opt": "sgd", "lr": 2.0},
    {"name": "nan_midway", "seed": 5, "net": "linear", "opt": "sgd", "lr": 0.01,
     "step": "nan_at_third_call", "steps": 10},
    {"name": "nan_at_the_last_step", "seed": 13, "net": "linear", "opt": "sgd", "lr": 0.01,
     "step": "nan_at_third_call", "steps": 3},
    {"name": "one_step_up", "seed": 12, "step": "gradient_ascent", "opt": "sgd", "lr": 0.05,
     "steps": 1},
]

OUTPUT_RANGE = [
    {"name": "relu_last", "seed": 0, "last": "relu", "steps": 15},
    {"name": "relu_last_float64", "seed": 1, "last": "relu", "dtype": "float64", "steps": 15},
    {"name": "softplus_last", "seed": 2, "last": "softplus", "net": "linear", "opt": "sgd",
     "lr": 0.1, "target_shift": -1.0, "n": 16, "steps": 10},
    {"name": "relu_no_steps", "seed": 3, "last": "relu", "steps": 0},
    {"name": "relu_last_negative_targets_above_minus_one", "seed": 4, "last": "relu",
     "target_scale": 0.2, "opt": "sgd", "lr": 1e-3, "steps": 3},
]

STALLED = [
    {"name": "lr_too_small", "seed": 0, "opt": "sgd", "lr": 1e-5, "steps": 7},
    {"name": "tiny_steps_float64", "seed": 1, "opt": "sgd", "lr": 1e-9, "dtype": "float64",
     "steps": 4},
    {"name": "softmax_classifier", "seed": 2, "net": "linear", "out": 3, "targets": "classes",
     "loss": "cross_entropy", "opt": "sgd", "lr": 0.5, "dtype": "float64", "steps": 8},
    {"name": "first_group_lr_zero", "seed": 3, "groups": "layers", "group_lrs": [0.0, 0.05],
     "steps": 8},
    {"name": "ends_where_it_started", "seed": 4, "step": "undo_every_other", "opt": "sgd",
     "lr": 0.1, "steps": 4},
    {"name": "outputs_positive_at_first", "seed": 5, "net": "linear", "d": 2, "n": 16,
     "init": "bias5", "opt": "sgd", "lr": 0.1, "steps": 30},
    {"name": "two_relu_outputs_summed", "seed": 6, "out": 2, "last": "relu", "targets": "flat",
     "loss": "mse_of_sum", "steps": 10},
    {"name": "no_steps", "seed": 7, "steps": 0},
    {"name": "relu_output_n_by_1_targets_n", "seed": 8, "last": "relu", "targets": "flat",
     "loss": "mse_of_sum", "opt": "sgd", "lr": 0.05, "steps": 5},
    {"name": "default_steps_200", "seed": 10, "net": "linear", "opt": "sgd", "lr": 1e-6,
     "step": "zero_grad_last", "steps": None},
    {"name": "relu_last_targets_zero_or_positive", "seed": 11, "last": "relu",
     "targets": "nonneg", "target_scale": 0.5, "opt": "sgd", "lr": 1e-3, "steps": 3},
    {"name": "relu_last_outputs_n_targets_n_by_1", "seed": 12, "last": "relu", "flat_out": True,
     "loss": "mse_reshaped", "opt": "sgd", "lr": 1e-3, "steps": 3},
    {"name": "tol_zero", "seed": 14, "n": 4, "lr": 0.1, "tol": 0.0},
    {"name": "one_step", "seed": 16, "opt": "sgd", "lr": 1e-3, "steps": 1},
]

PROPAGATES = [
    {"name": "backward_twice", "seed": 0, "step": "backward_twice", "opt": "sgd"},
    {"name": "value_error", "seed": 1, "step": "short_targets", "out": 3, "targets": "classes",
     "loss": "cross_entropy", "opt": "sgd"},
    {"name": "type_error", "seed": 2, "step": "dict_batch", "opt": "sgd"},
    {"name": "runtime_error_with_grads_at_step_2", "seed": 3, "step": "fails_at_second_call",
     "opt": "sgd", "lr": 0.01},
]


@observe(examples=OK)
def on_healthy_pipelines(kata, case):
    return run_check(kata, case)


@claim(on_healthy_pipelines)
def test_a_healthy_pipeline_is_ok_and_stops_there(case, seen):
    judge(case, seen)


@observe(examples=NOT_IN_OPTIMIZER)
def on_optimizers_missing_parameters(kata, case):
    return run_check(kata, case)


@claim(on_optimizers_missing_parameters)
def test_a_parameter_in_no_param_group_is_not_in_optimizer(case, seen):
    judge(case, seen)


@observe(examples=NO_GRADIENT)
def on_pipelines_cut_off_from_the_loss(kata, case):
    return run_check(kata, case)


@claim(on_pipelines_cut_off_from_the_loss)
def test_no_gradient_arriving_is_no_gradient(case, seen):
    judge(case, seen)


@observe(examples=GRAD_ACCUMULATES)
def on_gradients_that_pile_up(kata, case):
    return run_check(kata, case)


@claim(on_gradients_that_pile_up)
def test_gradients_piling_up_are_grad_accumulates(case, seen):
    judge(case, seen)


@observe(examples=NO_UPDATE)
def on_steps_that_move_nothing(kata, case):
    return run_check(kata, case)


@claim(on_steps_that_move_nothing)
def test_gradients_that_move_nothing_are_no_update(case, seen):
    judge(case, seen)


@observe(examples=DIVERGED)
def on_losses_that_blow_up(kata, case):
    return run_check(kata, case)


@claim(on_losses_that_blow_up)
def test_a_loss_that_blows_up_or_ends_higher_is_diverged(case, seen):
    judge(case, seen)


@observe(examples=OUTPUT_RANGE)
def on_outputs_that_cannot_reach_the_targets(kata, case):
    return run_check(kata, case)


@claim(on_outputs_that_cannot_reach_the_targets)
def test_outputs_clipped_at_zero_are_output_range(case, seen):
    judge(case, seen)


@observe(examples=STALLED)
def on_losses_that_go_down_too_little(kata, case):
    return run_check(kata, case)


@claim(on_losses_that_go_down_too_little)
def test_a_loss_that_goes_down_too_little_is_stalled(case, seen):
    judge(case, seen)


@observe(examples=PROPAGATES)
def on_steps_that_fail(kata, case):
    return run_check(kata, case)


@claim(on_steps_that_fail)
def test_what_the_step_raises_with_gradients_there_propagates(case, seen):
    judge(case, seen)


# --- the contract's names, passed by name ------------------------------------------------------


@observe(examples=[{"name": "healthy_by_name", "seed": 30, "n": 4, "lr": 0.1, "by_name": True},
                   {"name": "default_step_by_name", "seed": 31, "net": "linear", "opt": "sgd",
                    "lr": 0.1, "steps": 3, "train_step": "default", "by_name": True}])
def called_by_name(kata, case):
    return run_check(kata, case)


@claim(called_by_name)
def test_overfit_one_batch_takes_its_arguments_by_their_names(case, seen):
    judge(case, seen)


# --- the defaults: 200 steps (slow) ---------------------------------------------------------


@observe(examples=[{"name": "default_steps_and_step", "seed": 8, "net": "linear", "opt": "sgd",
                    "lr": 1e-5, "steps": None, "train_step": "default"},
                   {"name": "default_steps_mlp", "seed": 9, "opt": "sgd", "lr": 1e-5,
                    "steps": None}])
def on_the_defaults(kata, case):
    return run_check(kata, case)


@pytest.mark.slow
@claim(on_the_defaults)
def test_without_steps_a_stalling_pipeline_gets_200_steps(case, seen):
    judge(case, seen)


# --- any small pipeline, drawn ---------------------------------------------------------------

FAMILIES = [
    {"step": "usual", "opt": "adam", "lr": 0.1},
    {"step": "zero_grad_last", "opt": "sgd", "lr": 0.1, "net": "linear"},
    {"step": "no_zero_grad", "opt": "sgd", "lr": 0.05},
    {"step": "no_step", "opt": "sgd", "lr": 0.1},
    {"step": "usual", "opt": "sgd", "lr": 0.0},
    {"step": "detached_made_to_require_grad", "opt": "adam", "lr": 0.1},
    {"step": "keep_zeros_then_detached", "opt": "sgd", "lr": 0.1, "stale": True},
    {"step": "usual", "given": "rebuilt_same_seed", "opt": "sgd", "lr": 0.1},
    {"step": "usual", "last": "relu", "opt": "adam", "lr": 0.1, "steps": 10},
    {"step": "usual", "opt": "sgd", "lr": 1e-6, "steps": 6},
    {"step": "usual", "opt": "sgd", "lr": 100.0},
]

ANY_PIPELINE = st.builds(
    lambda family, seed, n, d, dtype, layout: {
        **family, "seed": seed, "n": n, "d": d, "dtype": dtype, "x_layout": layout},
    st.sampled_from(FAMILIES), irr.seeds(), st.integers(2, 8), st.integers(2, 6),
    st.sampled_from(["float32", "float64"]), st.sampled_from(["contiguous", "sliced"]))


@observe(examples=[{"seed": 21, "step": "no_zero_grad", "opt": "sgd", "lr": 0.05, "n": 3,
                    "d": 5, "dtype": "float64", "x_layout": "sliced"}],
         draw=ANY_PIPELINE)
def on_any_small_pipeline(kata, case):
    return run_check(kata, case)


@pytest.mark.slow
@settings(max_examples=12)
@claim(on_any_small_pipeline)
def test_any_small_pipeline_gets_the_verdict_its_replay_gives(case, seen):
    judge(case, seen)
