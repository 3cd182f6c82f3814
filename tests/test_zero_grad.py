"""zero_grad: each training step uses its own gradient; deliberate accumulation is exact.

Each test is a claim (dojo/spec.py): an observer builds what a case describes, calls the kata and
returns what happened as plain data; the test (the judge) decides from that data alone, computing
what is right itself.

training_loop: the observer watches the optimizer it hands over (its `zero_grad()` calls, each
`step()` with the `.grad` it found and the parameters it left) and the backward passes that reach
`params`, and keeps what the loop returned and left. The judges count the steps, compute each
step's gradient themselves at the parameters that step started from (and say what `.grad` held
instead: the sum of two epochs, the caller's old gradient, nothing), and run the same optimizer in
a plain loop of their own for the end point.

accumulated_gradients: the observer builds a model, a loss function and micro-batches from the
case, fills `.grad` as an earlier computation might have, calls the kata and keeps every `.grad`,
the parameters, the modes, the buffers, the loss function's settings and the micro-batches. The
judges compute the gradient of one backward on the whole batch in float64, and the gradients each
known mistake gives, and name a mistake only when the observed gradient is that one.

Irregular inputs (docs/CONTRIBUTING.md): float64, float16 and bfloat16 parameters and data; a
`.grad` present before the call (left by the caller, left by an earlier call, zeros, huge values,
inf and nan); non-contiguous readings and features; a second call on the same params and
optimizer (with its momentum); any torch.optim optimizer (momentum, Adam, RMSprop, Adagrad,
weight decay); 0 and 1 epochs; a loss that blows up to inf and nan; micro-batches of unequal
sizes in any order, of one example, of several features; models with frozen parameters, with a
parameter the loss does not reach, with dropout or BatchNorm in eval mode; losses that are plain
functions, class-index targets. Left out on purpose: randomness (the kata draws nothing),
generators of micro-batches (the contract passes a list), a caller inside `torch.no_grad()`
(a training loop is not called there), and exceptions (the contract raises none: whatever the
code raises on an input of the contract is reported with that input).
"""

from __future__ import annotations

import json
import math
import traceback
from pathlib import Path

import pytest
import torch
import torch._dynamo  # noqa: F401 - what the first optimizer step imports (and the grader's
# server preloads): imported with this module, before any observation, it wraps
# torch.manual_seed now, not in the middle of a job's run (where the change is flagged)
from hypothesis import settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo import irregular as irr
from dojo.datasets import T_C, T_U
from dojo.explain import explain
from dojo.spec import Seen, claim, observe
from dojo.testing import expect, fail, show

KATA = "zero_grad"
MAX_STEPS = 64  # the steps of a run whose gradient and parameters are kept
BOOK = [5.3671, -17.3012]  # the docstring's end point after 5000 epochs
OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")
# a gradient computed in a dtype against the exact one: units of the dtype's rounding of the
# sizes of the terms it sums (|w * t_u| + |b| + |t_c|, times |t_u|)
GRAD_ULPS = 16
# the end point of a run against the judge's own run in the same dtype: relative to the
# parameters' size (a float64 loss, another order of the same operations: well within)
END_RTOL = {"float64": 1e-10, "float32": 2e-5, "float16": 1e-2, "bfloat16": 6e-2}


# --- what the learner's code raised, as data ----------------------------------------------------


def attempt(kata, fn):
    """{"value": fn()}, or what the learner's code raised as data: its type, its text and the
    line of the learner's file (a NotImplementedError propagates: the stub's "not started")."""
    try:
        return {"value": fn()}
    except Exception as err:  # noqa: BLE001 - said by the judge, with the input it came on
        if isinstance(err, NotImplementedError):
            raise
        path = getattr(kata, "path", None)
        at = None
        if path is not None:
            for frame in traceback.extract_tb(err.__traceback__):
                try:
                    if Path(frame.filename).resolve() == Path(path).resolve():
                        at = f"line {frame.lineno}: {(frame.line or '').strip()}"
                except (OSError, ValueError):
                    continue
        return {"raised": type(err).__name__, "text": str(err)[:500], "at": at}


def as_shown(value):
    """An observed value as `fail` can show it: a Seen as its tensor, or words where its values
    cannot be read (sent by anyone: never a crash)."""
    if isinstance(value, Seen):
        try:
            return value.tensor
        except (ValueError, TypeError, RuntimeError, OverflowError):
            return f"a {value.dtype_name} tensor of shape {tuple(value.shape)}"
    try:
        return show(value)
    except Exception:  # noqa: BLE001
        return "?"


def value_words(value) -> str:
    """A value in words, whatever it is (an observed tensor, a string, anything a job sent)."""
    shown_value = as_shown(value) if isinstance(value, Seen) else value
    try:
        return shown_value if isinstance(value, Seen) and isinstance(shown_value, str) else show(
            shown_value)
    except Exception:  # noqa: BLE001
        return "?"


def text_of(value, limit=300) -> str:
    return value[:limit] if isinstance(value, str) else ""


def malformed(what, call):
    fail(f"the observation of this call came back malformed (`{what}`): it cannot be judged.",
         f"这次调用的观测数据格式不对(`{what}`),无法评判。", call=call, kata=KATA)


def field(seen, key, call):
    if not isinstance(seen, dict) or key not in seen:
        malformed(key, call)
    return seen[key]


def readable(value, shape, what, call):
    """An observed tensor of `shape` whose values all crossed, as float64 (or a failure)."""
    if not (isinstance(value, Seen) and value.error is None and value.complete
            and value.dtype is not None and value.dtype.is_floating_point
            and tuple(value.shape) == tuple(shape)):
        malformed(what, call)
    try:
        return value.tensor.double()
    except (ValueError, TypeError, RuntimeError, OverflowError):
        malformed(what, call)


# --- training_loop: a case ----------------------------------------------------------------------
# {"seed", "data": "book" (the article's 11 readings) or a count of readings drawn from the seed,
#  "scale": the factor of t_u, "dtype" (params, t_u and t_c), "layout": "contiguous" | "sliced"
#  (t_u and t_c), "start": [w, b], "optimizer": {"name": ..., its options}, "n_epochs",
#  "before": the epochs of a first call on the same params and optimizer (0: none),
#  "stale": whether params.grad holds an old gradient when training_loop is first called}


def readings(case):
    """(t_u, t_c) of a case, the same in the observer and in the judge."""
    dtype = irr.dtype(case.get("dtype", "float32"))
    if case.get("data") == "book":
        t_u, t_c = torch.tensor(T_U, dtype=dtype), torch.tensor(T_C, dtype=dtype)
    else:
        n = int(case["data"])
        gen = torch.Generator().manual_seed(int(case["seed"]))
        raw = 20 + 65 * torch.rand(n, generator=gen, dtype=torch.float64)
        noise = 1.5 * torch.randn(n, generator=gen, dtype=torch.float64)
        t_u, t_c = raw.to(dtype), (0.537 * raw - 17.3 + noise).to(dtype)
    t_u = t_u * float(case.get("scale", 1.0))
    layout = case.get("layout", "contiguous")
    return irr.laid_out(t_u, layout), irr.laid_out(t_c, layout)


def start_params(case):
    return torch.tensor(case["start"], dtype=irr.dtype(case.get("dtype", "float32")),
                        requires_grad=True)


def stale_grad(case):
    """The gradient params holds before the first call (None when the case has none)."""
    if not case.get("stale"):
        return None
    gen = torch.Generator().manual_seed(int(case["seed"]) + 7)
    values = 30 * torch.randn(2, generator=gen, dtype=torch.float64)
    return values.to(irr.dtype(case.get("dtype", "float32")))


def make_optimizer(desc, params):
    name = desc.get("name")
    if name not in OPTIMIZERS:
        raise ValueError(f"no optimizer {name!r} in this kata's cases")
    options = {k: v for k, v in desc.items() if k != "name"}
    return getattr(torch.optim, name)([params], **options)


def optimizer_words(desc) -> str:
    options = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in desc.items() if k != "name")
    return f"{desc.get('name')}({options})"


def loop_call(case, n_epochs=None) -> str:
    n = case["n_epochs"] if n_epochs is None else n_epochs
    dtype = case.get("dtype", "float32")
    start = ", ".join(repr(float(v)) for v in case["start"])
    scale = float(case.get("scale", 1.0))
    readings_en = ("the book's 11 readings" if case.get("data") == "book"
                   else f"{case['data']} readings drawn from seed {case['seed']}")
    lines = [f"training_loop({n}, {optimizer_words(case['optimizer'])}, params, t_u, t_c)",
             f"  with params = tensor([{start}]) ({dtype}), t_u and t_c {readings_en}"
             + (f", t_u times {scale:g}" if scale != 1.0 else ", t_u unscaled")
             + (" (sliced: non-contiguous)" if case.get("layout") == "sliced" else "")]
    if case.get("stale"):
        lines.append(f"  params.grad held {show(stale_grad(case))} before the call")
    if case.get("before"):
        lines.append(f"  after a first training_loop({case['before']}, ...) on the same params "
                     f"and optimizer")
    return "\n".join(lines)


def loop_words(case) -> tuple[str, str]:
    """The unusual things of a case, in words (English, 中文)."""
    en, zh = [], []
    dtype = case.get("dtype", "float32")
    if dtype != "float32":
        en.append(f"{dtype} params and readings")
        zh.append(f"{dtype} 的参数和读数")
    if case.get("layout") == "sliced":
        en.append("non-contiguous (sliced) t_u and t_c")
        zh.append("非连续(切片得到的)t_u 和 t_c")
    if case.get("stale"):
        en.append("a gradient already in params.grad")
        zh.append("params.grad 里已经有梯度")
    if case.get("before"):
        en.append("a second call on the same params and optimizer")
        zh.append("在同一个 params 和优化器上的第二次调用")
    if not en:
        return "", ""
    return " (" + ", ".join(en) + ")", "(" + "、".join(zh) + ")"


# --- training_loop: the observer ----------------------------------------------------------------


def watch_loop(kata, case):
    """Run the case's loop once (after a first call where the case asks for one), watching the
    optimizer given and the backward passes that reach params."""
    t_u, t_c = readings(case)
    kept_u, kept_c = t_u.clone(), t_c.clone()
    params = start_params(case)
    optimizer = make_optimizer(case["optimizer"], params)
    stale = stale_grad(case)
    if stale is not None:
        params.grad = stale.clone()
    if case.get("before"):
        out = attempt(kata, lambda: kata.training_loop(int(case["before"]), optimizer, params,
                                                       t_u, t_c))
        if "raised" in out:
            return {**out, "call": "first"}
    start = params.detach().clone()
    held = None if params.grad is None else params.grad.detach().clone()
    events, steps = [], [0]

    def on_step(opt, args, kwargs):
        steps[0] += 1
        if steps[0] <= MAX_STEPS:
            g = params.grad
            events.append(["step", None if g is None else g.detach().clone(),
                           params.detach().clone()])

    def on_backward(grad):
        if steps[0] < MAX_STEPS:
            events.append(["backward"])

    zero_grad = optimizer.zero_grad

    def watched_zero_grad(*args, **kwargs):
        out = zero_grad(*args, **kwargs)
        if steps[0] < MAX_STEPS:
            events.append(["zero_grad"])
        return out

    post = optimizer.register_step_post_hook(on_step)
    hook = params.register_hook(on_backward)
    optimizer.zero_grad = watched_zero_grad
    try:
        out = attempt(kata, lambda: kata.training_loop(int(case["n_epochs"]), optimizer, params,
                                                       t_u, t_c))
    finally:
        post.remove()
        hook.remove()
        optimizer.__dict__.pop("zero_grad", None)
    if "raised" in out:
        return {**out, "call": "second" if case.get("before") else "only"}
    returned = out["value"]
    return {
        "start": start,
        "held": held,
        "steps": steps[0],
        "events": events,
        "params": params,
        "returned_is_params": returned is params,
        "returned": returned,
        "t_u": t_u,
        "t_c": t_c,
        "inputs_kept": [bool(torch.equal(t_u, kept_u)), bool(torch.equal(t_c, kept_c))],
    }


# --- training_loop: what the judge computes itself ---------------------------------------------

_REPLAYS: dict[str, tuple] = {}


def replay(case):
    """The same optimizer in a plain loop of the judge's own (after a first call where the case
    has one): (params at the end, the epoch of this call whose loss is first inf or nan, the
    epoch whose loss is first above the one before; None where there is none)."""
    key = json.dumps(case, sort_keys=True)
    if key not in _REPLAYS:
        t_u, t_c = readings(case)
        params = start_params(case)
        optimizer = make_optimizer(case["optimizer"], params)
        stale = stale_grad(case)
        if stale is not None:
            params.grad = stale.clone()

        def epochs(n):
            blew_up = rose = last = None
            for epoch in range(1, n + 1):
                w, b = params
                loss = ((w * t_u + b - t_c) ** 2).mean()
                if blew_up is None and not bool(torch.isfinite(loss)):
                    blew_up = epoch
                if rose is None and last is not None and float(loss.detach()) > last:
                    rose = epoch
                last = float(loss.detach())
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            return blew_up, rose

        if case.get("before"):
            epochs(int(case["before"]))
        blew_up, rose = epochs(int(case["n_epochs"]))
        if len(_REPLAYS) > 512:
            _REPLAYS.clear()
        _REPLAYS[key] = (params.detach().clone(), blew_up, rose)
    return _REPLAYS[key]


def mse_gradient(p, case):
    """d/d[w, b] of mean((w * t_u + b - t_c)^2) at `p`, in float64 from the case's readings as
    the learner's dtype holds them, and the size of the terms it sums (for the tolerance)."""
    t_u, t_c = (t.double() for t in readings(case))
    w, b = p[0], p[1]
    residual = w * t_u + b - t_c
    size = (w * t_u).abs() + abs(b) + t_c.abs()
    grad = torch.stack([(2 * residual * t_u).mean(), (2 * residual).mean()])
    scale = torch.stack([(2 * size * t_u.abs()).mean(), (2 * size).mean()])
    return grad, scale


def near(got, want, scale, dtype) -> bool:
    return diagnose.within_rounding(got, want, scale, dtype, ulps=GRAD_ULPS)


def coarser_than(got, want, scale, dtype):
    """The float dtype coarser than `dtype` whose rounding explains how far `got` is from
    `want` (float32, then float16, then bfloat16), or None."""
    order = ["float64", "float32", "float16", "bfloat16"]
    if dtype not in order:
        return None
    for coarser in order[order.index(dtype) + 1:]:
        if diagnose.within_rounding(got, want, scale, coarser, ulps=GRAD_ULPS):
            return coarser
    return None


def raised_in_loop(case, seen):
    if not (isinstance(seen, dict) and "raised" in seen):
        return
    kind = text_of(seen.get("raised"), 100) or "an exception"
    text = text_of(seen.get("text"), 500)
    at = text_of(seen.get("at"), 300)
    which = seen.get("call")
    n = case["before"] if which == "first" else case["n_epochs"]
    en_words, zh_words = loop_words(case)
    where = f"\n  at katas/{KATA}.py, {at}" if at else ""
    zh_where = f"\n  位置:katas/{KATA}.py,{at}" if at else ""
    why_en = why_zh = ""
    if "NoneType" in text and "zero_" in (at or "") and not case.get("stale") and (
            which != "second"):
        why_en = (" `params.grad` is None until the first backward: clearing it with "
                  "`params.grad.zero_()` before any backward fails. `optimizer.zero_grad()` "
                  "handles a None gradient (or test `params.grad is not None` first).")
        why_zh = (" 第一次 backward 之前 `params.grad` 是 None:在任何 backward 之前用 "
                  "`params.grad.zero_()` 清零就会出错。`optimizer.zero_grad()` 能处理 None 梯度"
                  "(或者先判断 `params.grad is not None`)。")
    elif "does not require grad" in text or "does not have a grad_fn" in text:
        why_en = (" The loss has no graph: it was computed with autograd off (inside "
                  "`torch.no_grad()`) or from a detached copy of params (`params.detach()`, "
                  "`params.data`), so `backward()` has nothing to go back through. Compute "
                  "the prediction from `params` itself, with autograd on.")
        why_zh = (" 损失没有计算图:它是在关闭 autograd 时(`torch.no_grad()` 里)算的,或者是由 params "
                  "的分离副本(`params.detach()`、`params.data`)算的,`backward()` 无路可走。请在 "
                  "autograd 打开时直接由 `params` 计算预测。")
    elif case.get("layout") == "sliced" and ("view" in text or "contiguous" in text):
        why_en = (" t_u and t_c here are non-contiguous (every other element of a longer "
                  "tensor): `.view()` needs contiguous memory. Use them as they are, or "
                  "`.reshape()`.")
        why_zh = (" 这里的 t_u 和 t_c 是非连续的(更长张量的隔一个取一个):`.view()` 需要连续内存。"
                  "请直接使用它们,或者用 `.reshape()`。")
    if not why_en:
        known = explain(text)
        if known:
            why_en = why_zh = " " + known
    fail(f"on this input{en_words}, training_loop({n}, ...) raised {kind}: {text}{where}\n  "
         f"training_loop handles it: a loop of forward, loss, `optimizer.zero_grad()`, "
         f"`loss.backward()`, `optimizer.step()` works for every input the docstring names."
         + why_en,
         f"在这个输入上{zh_words},training_loop({n}, ...) 抛出了 {kind}:{text}{zh_where}\n  "
         f"training_loop 应当能处理它:前向、损失、`optimizer.zero_grad()`、`loss.backward()`、"
         f"`optimizer.step()` 这样的循环适用于文档字符串列出的所有输入。" + why_zh,
         call=loop_call(case, n), kata=KATA)


def end_point(seen, call):
    return readable(field(seen, "params", call), (2,), "params", call)


def moved(seen, call) -> bool:
    start = readable(field(seen, "start", call), (2,), "start", call)
    end = end_point(seen, call)
    return not bool(((start == end) | (start.isnan() & end.isnan())).all())


# --- training_loop: the examples ----------------------------------------------------------------

SGD = {"name": "SGD", "lr": 1e-2}


def loop_case(seed, n_epochs, *, data="book", scale=0.1, dtype="float32", layout="contiguous",
              start=(1.0, 0.0), optimizer=SGD, before=0, stale=False):
    return {"seed": seed, "data": data, "scale": scale, "dtype": dtype, "layout": layout,
            "start": list(start), "optimizer": dict(optimizer), "n_epochs": n_epochs,
            "before": before, "stale": stale}


LOOP_EXAMPLES = [
    # the article's loop, three epochs
    loop_case(0, 3),
    loop_case(1, 1, data=11),
    # params.grad already holds a gradient when the loop is called
    loop_case(2, 4, data=11, stale=True),
    # a second call: the first leaves its last gradient in params.grad, and momentum in the
    # optimizer
    loop_case(3, 4, data=9, before=3, start=(2.0, -1.0),
              optimizer={"name": "SGD", "lr": 1e-3, "momentum": 0.9}),
    loop_case(4, 25, data=11, start=(0.5, 2.0), optimizer={"name": "Adam", "lr": 0.1}),
    loop_case(5, 30, data=11, dtype="float64"),
    # the unscaled readings: the loss overflows to inf after about fifteen epochs, then nan
    loop_case(6, 25, scale=1.0),
    loop_case(7, 5, data=7, layout="sliced", start=(3.0, -5.0),
              optimizer={"name": "RMSprop", "lr": 1e-2, "weight_decay": 0.1}),
    loop_case(8, 0, data=11),
    loop_case(9, 4, data=11, dtype="bfloat16", stale=True),
    loop_case(10, 3, data=11, dtype="float16", before=2,
              optimizer={"name": "SGD", "lr": 1e-2, "momentum": 0.5}),
    loop_case(11, 6, scale=1.0, start=(0.2, -1.0),
              optimizer={"name": "SGD", "lr": 1e-4, "momentum": 0.9, "nesterov": True}),
]

LOOP_OPTIMIZERS = st.sampled_from([
    SGD,
    {"name": "SGD", "lr": 1e-2, "momentum": 0.9},
    {"name": "SGD", "lr": 5e-3, "momentum": 0.5, "dampening": 0.2, "weight_decay": 0.01},
    {"name": "Adam", "lr": 0.1},
    {"name": "AdamW", "lr": 0.05, "weight_decay": 0.1},
    {"name": "RMSprop", "lr": 1e-2},
    {"name": "Adagrad", "lr": 0.5},
])

LOOP_DRAW = st.one_of(
    st.fixed_dictionaries({
        "seed": irr.seeds(), "data": st.sampled_from(["book", 5, 11, 16]), "scale": st.just(0.1),
        "dtype": st.sampled_from(["float32", "float64"]),
        "layout": st.sampled_from(["contiguous", "sliced"]),
        "start": st.lists(st.sampled_from([-2.0, -0.5, 0.0, 1.0, 3.0]), min_size=2, max_size=2),
        "optimizer": LOOP_OPTIMIZERS, "n_epochs": st.integers(0, 6),
        "before": st.sampled_from([0, 0, 2]), "stale": st.booleans(),
    }),
    st.fixed_dictionaries({
        "seed": irr.seeds(), "data": st.sampled_from([5, 11]), "scale": st.just(0.1),
        "dtype": st.sampled_from(["float16", "bfloat16"]), "layout": st.just("contiguous"),
        "start": st.just([1.0, 0.0]), "optimizer": st.just(SGD),
        "n_epochs": st.integers(1, 4), "before": st.just(0), "stale": st.booleans(),
    }),
)


@observe(examples=LOOP_EXAMPLES, draw=LOOP_DRAW)
def trained(kata, case):
    return watch_loop(kata, case)


# --- training_loop: the claims ------------------------------------------------------------------


@settings(max_examples=10)
@claim(trained)
def test_training_loop_takes_one_step_of_the_optimizer_given_per_epoch(case, seen):
    raised_in_loop(case, seen)
    call = loop_call(case)
    n = int(case["n_epochs"])
    steps = field(seen, "steps", call)
    if type(steps) is not int or steps < 0:
        malformed("steps", call)
    if steps == n:
        return
    shown = dict(call=call, got=f"{steps} steps", expected=f"{n} steps", kata=KATA)
    if steps == 0:
        if moved(seen, call):
            fail("`params` moved, but the optimizer given to training_loop never stepped: the "
                 "update came from somewhere else (an optimizer built inside the loop, or a "
                 "step written by hand). Step with the optimizer you are given, "
                 "`optimizer.step()`: its kind, its learning rate, its momentum and its state "
                 "are the caller's choice.",
                 "`params` 动了,但传给 training_loop 的优化器一步也没有走:更新来自别处(循环里新建的"
                 "优化器,或者手写的更新)。请用传入的优化器更新,`optimizer.step()`:用哪种优化器、"
                 "学习率、动量和它的状态,都是调用方的选择。", **shown)
        fail("the optimizer given to training_loop never stepped, and `params` did not move: "
             "the gradients are computed and never used (no `optimizer.step()`, or a step of "
             "another optimizer, one kept from an earlier call). Each epoch: "
             "`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`, with the "
             "optimizer you are given.",
             "传给 training_loop 的优化器一步也没有走,`params` 也没有动:梯度算出来了却没有用上(没有 "
             "`optimizer.step()`,或者走的是别的优化器,比如之前调用时留下的那个)。每一轮:"
             "`optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`,用的是传入的优化器。",
             **shown)
    if steps == n - 1:
        fail(f"training_loop({n}, ...) took {steps} steps, one too few: every epoch takes one "
             f"step. `range(1, n_epochs)` runs n_epochs - 1 times; count the epochs with "
             f"`range(n_epochs)` or `range(1, n_epochs + 1)`.",
             f"training_loop({n}, ...) 只走了 {steps} 步,少了一步:每一轮都要走一步。"
             f"`range(1, n_epochs)` 只循环 n_epochs - 1 次;请用 `range(n_epochs)` 或 "
             f"`range(1, n_epochs + 1)` 数轮次。", **shown)
    if steps == n + 1:
        fail(f"training_loop({n}, ...) took {steps} steps, one too many: one step per epoch, "
             f"n_epochs in all (`range(n_epochs + 1)` runs n_epochs + 1 times).",
             f"training_loop({n}, ...) 走了 {steps} 步,多了一步:每轮一步,一共 n_epochs 步"
             f"(`range(n_epochs + 1)` 会循环 n_epochs + 1 次)。", **shown)
    blew_up, rose = replay(case)[1:]
    if steps < n and blew_up is not None and steps == blew_up - 1:
        fail(f"training_loop({n}, ...) stopped after {steps} steps, at the epoch where the "
             f"loss first became inf or nan (epoch {blew_up}): the loop gave up on a loss that "
             f"blew up. It takes its n_epochs steps whatever the loss does, and the caller "
             f"sees the divergence in `params`; a guard that breaks out of the loop hides it.",
             f"training_loop({n}, ...) 走了 {steps} 步就停了,正好停在损失第一次变成 inf 或 nan "
             f"的那一轮(第 {blew_up} 轮):循环遇到发散的损失就放弃了。无论损失如何,它都要走满 "
             f"n_epochs 步,让调用方从 `params` 看到发散;跳出循环的保护会把它藏起来。", **shown)
    if steps < n and rose is not None and steps == rose - 1:
        fail(f"training_loop({n}, ...) stopped after {steps} steps, at the epoch where the "
             f"loss first went up (epoch {rose}): the loop stops early when the loss does not "
             f"improve. It takes its n_epochs steps whatever the loss does; stopping early is "
             f"the caller's decision.",
             f"training_loop({n}, ...) 走了 {steps} 步就停了,正好停在损失第一次上升的那一轮"
             f"(第 {rose} 轮):循环在损失不再下降时提前停止了。无论损失如何,它都要走满 n_epochs 步;"
             f"要不要提前停止由调用方决定。", **shown)
    if n and steps % n == 0:
        fail(f"training_loop({n}, ...) took {steps} steps, {steps // n} per epoch: one epoch is "
             f"one forward, one backward and one `optimizer.step()`.",
             f"training_loop({n}, ...) 走了 {steps} 步,每轮 {steps // n} 步:一轮是一次前向、"
             f"一次 backward 和一次 `optimizer.step()`。", **shown)
    fail(f"training_loop({n}, ...) took {steps} steps of the optimizer given: one step per "
         f"epoch, n_epochs in all.",
         f"training_loop({n}, ...) 让传入的优化器走了 {steps} 步:应当每轮一步,一共 n_epochs 步。",
         **shown)


def step_events(seen, call):
    """The events as (kind, grad or None, params after) with the tensors read back."""
    events = field(seen, "events", call)
    if not isinstance(events, list):
        malformed("events", call)
    out = []
    for ev in events:
        if not isinstance(ev, list) or not ev or ev[0] not in ("step", "backward", "zero_grad"):
            malformed("events", call)
        if ev[0] != "step":
            out.append((ev[0], None, None))
            continue
        if len(ev) != 3:
            malformed("events", call)
        grad = None if ev[1] is None else readable(ev[1], (2,), "events", call)
        out.append(("step", grad, readable(ev[2], (2,), "events", call)))
    return out


def grad_words(g) -> str:
    return "None" if g is None else show(g.float() if g.abs().max() < 1e30 else g)


@settings(max_examples=10)
@claim(trained)
def test_each_step_uses_the_gradient_of_its_own_epoch_only(case, seen):
    """Each step of the optimizer finds in `.grad` this epoch's gradient of the mean squared
    error, at the parameters that step starts from: not added to an earlier one, not the
    caller's old gradient, not cleared away."""
    raised_in_loop(case, seen)
    call = loop_call(case)
    dtype = case.get("dtype", "float32")
    n = int(case["n_epochs"])
    events = step_events(seen, call)
    steps = [e for e in events if e[0] == "step"]
    if n and not steps:
        fail("the optimizer given to training_loop never stepped, so no step used any gradient: "
             "each epoch is forward, loss, `optimizer.zero_grad()`, `loss.backward()`, "
             "`optimizer.step()`, with the optimizer you are given.",
             "传给 training_loop 的优化器一步也没有走,所以没有哪一步用到了梯度:每一轮是前向、损失、"
             "`optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`,用的是传入的优化器。",
             call=call, kata=KATA)
    inputs_left_alone(case, seen, call)
    before = readable(field(seen, "start", call), (2,), "start", call)
    held = field(seen, "held", call)
    held = None if held is None else readable(held, (2,), "held", call)
    backward_since, cleared_since, cleared_ever = False, False, False
    previous, k = None, 0
    verdicts = []
    for kind, grad, after in events:
        if kind == "backward":
            backward_since, cleared_since = True, False
            continue
        if kind == "zero_grad":
            cleared_since = cleared_ever = True
            continue
        k += 1
        if not bool(torch.isfinite(before).all()):
            break  # the run diverged: what the steps after it hold says nothing
        want, scale = mse_gradient(before, case)
        if not bool(torch.isfinite(want).all()) or float(scale.max()) > torch.finfo(
                irr.dtype(dtype)).max / 64:
            break  # the gradient overflows the dtype: rounding says nothing there
        verdicts.append((k, grad, want, scale, previous, backward_since, cleared_since))
        before, previous = after, grad
        backward_since = cleared_since = False
    # a wrong step that no backward preceded: the order of the calls explains it (a gradient
    # written into .grad by hand, with no backward at all, is fine when it is right)
    any_backward = any(kind == "backward" for kind, _, _ in events)
    for k, grad, want, scale, previous, backward_since, cleared_since in verdicts:
        if backward_since or (grad is not None and near(grad, want, scale, dtype)):
            continue
        shown = dict(call=call, got=grad_words(grad), expected=show(want.to(irr.dtype(dtype))),
                     kata=KATA)
        if not any_backward:
            fail("no backward pass reached `params` in this call, and the steps found no "
                 "gradient of this epoch in `.grad`: the loss is not computed from the caller's "
                 "`params` (a copy, `params.detach()`, or new tensors made from its values). "
                 "Compute the prediction from `params` itself: `w, b = params`.",
                 "这次调用中没有任何 backward 到达 `params`,每一步在 `.grad` 里也找不到这一轮的梯度:"
                 "损失不是由调用方的 `params` 算出来的(副本、`params.detach()`,或者用它的值新建的"
                 "张量)。请直接由 `params` 计算预测:`w, b = params`。", **shown)
        fail(f"{diagnose.ORDER_CAUSES['step_before_backward'][0]} (Step {k} came with no "
             f"backward before it since the last step.)",
             f"{diagnose.ORDER_CAUSES['step_before_backward'][1]}(第 {k} 步之前、上一步之后"
             f"没有任何 backward。)", **shown)
    # gradients that pile up are named first: they explain a wrong first step as well
    for k, grad, want, scale, previous, _, _ in verdicts:
        if grad is None or previous is None or near(grad, want, scale, dtype):
            continue
        if near(grad, want + previous, scale + previous.abs(), dtype):
            shown = dict(call=call, got=grad_words(grad),
                         expected=show(want.to(irr.dtype(dtype))), kata=KATA)
            if not cleared_ever:
                fail(f"at step {k}, `.grad` held this epoch's gradient plus the one step "
                     f"{k - 1} used: no `zero_grad`, so the gradients pile up across epochs. "
                     f"`backward()` adds to `.grad`, it does not replace it; call "
                     f"`optimizer.zero_grad()` before each `loss.backward()`.",
                     f"第 {k} 步时,`.grad` 里是这一轮的梯度加上第 {k - 1} 步用过的梯度:没有 "
                     f"`zero_grad`,梯度在各轮之间不断累加。`backward()` 是往 `.grad` 上加,而不是"
                     f"替换;每次 `loss.backward()` 之前请调用 `optimizer.zero_grad()`。", **shown)
            fail(f"at step {k}, `.grad` held this epoch's gradient plus the one step {k - 1} "
                 f"used: the gradient was not cleared between the two backward passes, so the "
                 f"gradients pile up. Call `optimizer.zero_grad()` right before each "
                 f"`loss.backward()`.",
                 f"第 {k} 步时,`.grad` 里是这一轮的梯度加上第 {k - 1} 步用过的梯度:两次 backward "
                 f"之间梯度没有清零,于是不断累加。请在每次 `loss.backward()` 之前调用 "
                 f"`optimizer.zero_grad()`。", **shown)
    for k, grad, want, scale, previous, _, cleared_since in verdicts:
        if grad is not None and near(grad, want, scale, dtype):
            continue
        shown = dict(call=call, got=grad_words(grad), expected=show(want.to(irr.dtype(dtype))),
                     kata=KATA)
        if grad is None or not bool(grad.abs().sum()):
            if cleared_since:
                fail(f"{diagnose.ORDER_CAUSES['zero_grad_after_backward'][0]} (At step {k}, "
                     f"`.grad` held nothing: `zero_grad()` ran after the backward.)",
                     f"{diagnose.ORDER_CAUSES['zero_grad_after_backward'][1]}(第 {k} 步时 "
                     f"`.grad` 里什么都没有:`zero_grad()` 在 backward 之后运行了。)", **shown)
            fail(f"at step {k}, `.grad` held no gradient (None or zeros), though a backward "
                 f"reached `params` before it: the gradient was cleared between `backward()` "
                 f"and `step()`, or never written into `params.grad`. The order is "
                 f"`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.",
                 f"第 {k} 步时 `.grad` 里没有梯度(None 或全零),尽管之前有 backward 到达了 "
                 f"`params`:梯度在 `backward()` 和 `step()` 之间被清掉了,或者根本没有写进 "
                 f"`params.grad`。正确顺序是 `optimizer.zero_grad()`、`loss.backward()`、"
                 f"`optimizer.step()`。", **shown)
        if k == 1 and held is not None and near(grad, want + held, scale + held.abs(), dtype):
            whose = ("the previous call left" if case.get("before")
                     else "the caller left")
            zh_whose = "上一次调用留下的" if case.get("before") else "调用方留下的"
            fail(f"at step 1, `.grad` held this epoch's gradient plus the gradient that "
                 f"`params` already held when training_loop was called ({whose}): it was not "
                 f"cleared before the first backward. Clearing at the end of each epoch (after "
                 f"`step()`) lets that old gradient into the first step; clear before each "
                 f"`loss.backward()`: `optimizer.zero_grad()`, `loss.backward()`, "
                 f"`optimizer.step()`.",
                 f"第 1 步时,`.grad` 里是这一轮的梯度加上调用 training_loop 时 `params` 里已有的梯度"
                 f"({zh_whose}):第一次 backward 之前没有清零。在每轮末尾(`step()` 之后)清零,会让"
                 f"这个旧梯度混进第一步;请在每次 `loss.backward()` 之前清零:`optimizer.zero_grad()`、"
                 f"`loss.backward()`、`optimizer.step()`。", **shown)
        coarser = coarser_than(grad, want, scale, dtype)
        if coarser is not None:
            how = ("`.float()`, or a tensor made with the default dtype" if coarser == "float32"
                   else "`.half()` or `.bfloat16()`")
            zh_how = ("`.float()`,或用默认 dtype 新建的张量" if coarser == "float32"
                      else "`.half()` 或 `.bfloat16()`")
            fail(f"at step {k}, the gradient is right only to {coarser}'s precision, not to "
                 f"{dtype}'s: params and the readings are {dtype}, and the loss was computed "
                 f"in {coarser} along the way ({how}). Compute in the dtype you are given.",
                 f"第 {k} 步的梯度只有 {coarser} 的精度,而不是 {dtype} 的:params 和读数都是 "
                 f"{dtype},损失却在中途用 {coarser} 算了({zh_how})。请用传入的 dtype 计算。",
                 **shown)
        s = diagnose.ratio(grad, want, rtol=1e-3)
        n_readings = readings(case)[0].numel()
        cause = diagnose.matching(s, [
            (2.0, (f"at step {k}, `.grad` held twice this epoch's gradient: two backward passes "
                   f"of the same loss added up (or the loss was counted twice). One "
                   f"`loss.backward()` per epoch.",
                   f"第 {k} 步时,`.grad` 里是这一轮梯度的两倍:同一个损失的两次 backward 加在了一起"
                   f"(或者损失被算了两次)。每轮只做一次 `loss.backward()`。")),
            (float(n_readings), (
                f"at step {k}, `.grad` held {n_readings} times the gradient of the mean squared "
                f"error: the loss is the *sum* of the {n_readings} squared errors, not their "
                f"mean. `((t_p - t_c) ** 2).mean()`.",
                f"第 {k} 步时,`.grad` 里是均方误差梯度的 {n_readings} 倍:损失是 {n_readings} 个平方误差"
                f"的*和*,而不是平均。应为 `((t_p - t_c) ** 2).mean()`。")),
            (0.5, (f"at step {k}, `.grad` held half the gradient of the mean squared error: the "
                   f"loss was halved. The loss is `((t_p - t_c) ** 2).mean()`.",
                   f"第 {k} 步时,`.grad` 里是均方误差梯度的一半:损失被除以了 2。损失应为 "
                   f"`((t_p - t_c) ** 2).mean()`。")),
        ] if n_readings != 2 else [], rtol=1e-3)
        if cause is not None:
            fail(*cause, **shown)
        en, zh = diagnose.unexplained(("the gradient the step found", "这一步拿到的梯度"), s,
                                      ("the gradient of the mean squared error there",
                                       "那里均方误差的梯度"))
        fail(f"at step {k}, `.grad` is not the gradient of the mean squared error "
             f"`((w * t_u + b - t_c) ** 2).mean()` at the parameters that step started from: "
             f"{en}",
             f"第 {k} 步时,`.grad` 不是均方误差 `((w * t_u + b - t_c) ** 2).mean()` 在这一步起点"
             f"参数处的梯度:{zh}", **shown)


@settings(max_examples=10)
@claim(trained)
def test_training_loop_ends_where_the_same_optimizer_in_a_plain_loop_ends(case, seen):
    """The end point equals the judge's own loop with the same optimizer (up to rounding in
    params' dtype); `params` itself is returned, still a leaf that requires grad, and t_u and
    t_c are left as they were."""
    raised_in_loop(case, seen)
    call = loop_call(case)
    dtype = case.get("dtype", "float32")
    want, blew_up, _ = replay(case)
    got = end_point(seen, call)
    want = want.double()
    words_en, words_zh = loop_words(case)
    shown = dict(call=call, got=got.to(irr.dtype(dtype)), expected=want.to(irr.dtype(dtype)),
                 kata=KATA)
    if not agrees(got, want, dtype):
        if dtype == "float64" and agrees(got, want, "float32"):
            err = relative_error(got, want)
            fail(f"the end point is right only to float32's precision (off by {err:.2g} of its "
                 f"size, where float64 gives 1e-15): params and the readings are float64, and "
                 f"part of the loop ran in float32 (`.float()`, or a tensor made with the "
                 f"default dtype). Compute in the dtype you are given.",
                 f"终点只有 float32 的精度(偏差为其大小的 {err:.2g},而 float64 应在 1e-15 左右):"
                 f"params 和读数都是 float64,循环却有一部分是用 float32 算的(`.float()`,或用默认 "
                 f"dtype 新建的张量)。请用传入的 dtype 计算。", **shown)
        twice = moved_by(case, seen, call)
        if twice is not None:
            fail(f"each step moved `params` by {twice:.3g} times `lr * grad`, where the "
                 f"optimizer given (plain SGD) moves it by `lr * grad` once: "
                 + ("`params` was updated a second time, by an update of your own besides "
                    "`optimizer.step()`. Let the optimizer make the update, alone."
                    if abs(twice - 2) < 1e-2 else
                    "something besides `optimizer.step()` changed `params`. Let the optimizer "
                    "make the update, alone."),
                 f"每一步让 `params` 移动了 `lr * grad` 的 {twice:.3g} 倍,而传入的优化器(普通 SGD)"
                 f"只移动一次 `lr * grad`:"
                 + ("`params` 被更新了第二次,是 `optimizer.step()` 之外你自己写的更新。请只让优化器"
                    "来更新。" if abs(twice - 2) < 1e-2 else
                    "`optimizer.step()` 之外还有别的东西改动了 `params`。请只让优化器来更新。"),
                 **shown)
        if blew_up is not None:
            fail(f"the loss blows up here (inf from epoch {blew_up}), and the end point differs "
                 f"from the same optimizer run in a plain loop, where `params` ends as "
                 f"{show(want)}: take every step, whatever the loss does, and leave `params` as "
                 f"the optimizer leaves it.",
                 f"这里损失会发散(从第 {blew_up} 轮起是 inf),而终点与同一优化器在普通循环中的结果不同,"
                 f"那里 `params` 最后是 {show(want)}:无论损失如何都走完每一步,`params` 就是优化器留下"
                 f"的样子。", **shown)
        err = relative_error(got, want)
        fail(f"after {case['n_epochs']} epochs{words_en} the parameters differ from the same "
             f"optimizer run in a plain loop (by {err:.2g} of their size): let "
             f"`optimizer.step()` make the update (no hand-written step, nothing fixed in "
             f"advance), one step per epoch, each from a clean gradient of the mean squared "
             f"error.",
             f"{case['n_epochs']} 轮之后{words_zh},参数与同一优化器在普通循环中的结果不同(偏差为其"
             f"大小的 {err:.2g}):参数更新交给 `optimizer.step()`(不要手写更新,也不要写死结果),"
             f"每轮一步,每步都从清零的均方误差梯度开始。", **shown)
    same = field(seen, "returned_is_params", call)
    returned = field(seen, "returned", call)
    if same is not True:
        if isinstance(returned, Seen):
            fail("training_loop returned a tensor, but not `params` itself: a copy "
                 "(`params.detach().clone()`, `params.data`, a new tensor of its values) is "
                 "another object, which does not require grad or does not follow the caller's "
                 "params. Return `params`, the very tensor the optimizer trained.",
                 "training_loop 返回了一个张量,但不是 `params` 本身:副本(`params.detach().clone()`、"
                 "`params.data`、用它的值新建的张量)是另一个对象,它不需要梯度,或者不再跟着调用方的 "
                 "params 变。请返回 `params`,也就是优化器训练的那个张量。",
                 call=call, got=as_shown(returned), expected="params itself", kata=KATA)
        fail("training_loop must return `params`, the trained tensor itself.",
             "training_loop 应当返回 `params`,也就是训练后的那个张量本身。",
             call=call, got=as_shown(returned), expected="params itself", kata=KATA)
    params = field(seen, "params", call)
    expect(params.requires_grad and params.is_leaf and params.dtype_name == dtype,
           "`params` is no longer a leaf of its dtype that requires grad: leave the tensor to "
           "the optimizer.",
           "`params` 不再是保持原 dtype、需要梯度的叶子张量:把这个张量交给优化器去更新。",
           call=call, got=f"{params.dtype_name}, requires_grad={params.requires_grad}, "
           f"is_leaf={params.is_leaf}", expected=f"{dtype}, requires_grad=True, is_leaf=True",
           kata=KATA)
    inputs_left_alone(case, seen, call)


def inputs_left_alone(case, seen, call):
    kept = field(seen, "inputs_kept", call)
    if kept == [True, True]:
        return
    which = "t_u" if not (isinstance(kept, list) and kept[:1] == [True]) else "t_c"
    t_u, t_c = readings(case)
    fail(f"training_loop changed the caller's `{which}`: the readings are only read. Scale or "
         f"convert them into a new tensor (`t_u * 0.1`), never in place (`t_u *= 0.1`, "
         f"`t_u.mul_(...)`).",
         f"training_loop 改动了调用方的 `{which}`:读数只能读取。缩放或转换请生成新张量"
         f"(`t_u * 0.1`),不要原地修改(`t_u *= 0.1`、`t_u.mul_(...)`)。",
         call=call, got=as_shown(field(seen, which, call)),
         expected=t_u if which == "t_u" else t_c,
         kata=KATA)


def moved_by(case, seen, call):
    """For plain SGD (no momentum, no weight decay): the factor s with every recorded step's
    movement = -s * lr * (the .grad the step found), when it is the same for every step and
    not 1; else None."""
    opt = case["optimizer"]
    if opt.get("name") != "SGD" or set(opt) != {"name", "lr"}:
        return None
    events = step_events(seen, call)
    before = readable(field(seen, "start", call), (2,), "start", call)
    moves, steps = [], []
    for kind, grad, after in events:
        if kind != "step":
            continue
        if grad is None or not bool((before.isfinite() & after.isfinite()).all()):
            return None
        moves.append(after - before)
        steps.append(-float(opt["lr"]) * grad)
        before = after
    if not moves:
        return None
    s = diagnose.ratio(moves, steps, rtol=1e-3)
    return s if s is not None and abs(s - 1) > 1e-2 else None


def relative_error(got, want) -> float:
    both = got.isfinite() & want.isfinite()
    if not bool(both.any()):
        return math.inf
    size = float(want[both].abs().max()) or 1.0
    return float((got[both] - want[both]).abs().max()) / size


def agrees(got, want, dtype) -> bool:
    """The end point of a run in `dtype` against the judge's: inf or nan where the judge's is
    (a run that blew up), within END_RTOL of the parameters' size elsewhere."""
    if got.shape != want.shape:
        return False
    bad = ~want.isfinite()
    if bool((got[bad].isfinite()).any()) or bool((~got[~bad].isfinite()).any()):
        return False
    if not bool((~bad).any()):
        return True
    size = float(want[~bad].abs().max()) + 1e-3
    return bool(((got[~bad] - want[~bad]).abs() <= END_RTOL.get(dtype, 2e-5) * size).all())


# --- training_loop: the book's result -----------------------------------------------------------


@observe(examples=[loop_case(0, 5000)])
def trained_as_in_the_book(kata, case):
    t_u, t_c = readings(case)
    params = start_params(case)
    optimizer = make_optimizer(case["optimizer"], params)
    steps = [0]
    optimizer.register_step_post_hook(lambda *_: steps.__setitem__(0, steps[0] + 1))
    out = attempt(kata, lambda: kata.training_loop(int(case["n_epochs"]), optimizer, params,
                                                   t_u, t_c))
    if "raised" in out:
        return {**out, "call": "only"}
    return {"params": params, "steps": steps[0]}


@pytest.mark.slow
@claim(trained_as_in_the_book)
def test_training_loop_reaches_the_books_result(case, seen):
    """The docstring's run: 5000 epochs of SGD (lr 1e-2) on t_u * 0.1 from [1.0, 0.0] end near
    the book's [5.3671, -17.3012] (the other claims see that no table gives the answer)."""
    raised_in_loop(case, seen)
    call = loop_call(case)
    got = end_point(seen, call)
    steps = field(seen, "steps", call)
    expect(steps == case["n_epochs"],
           f"the book's run takes {case['n_epochs']} steps of the optimizer given, one per epoch.",
           f"书中的这次运行要让传入的优化器走 {case['n_epochs']} 步,每轮一步。",
           call=call, got=f"{steps} steps", expected=f"{case['n_epochs']} steps", kata=KATA)
    book = torch.tensor(BOOK, dtype=torch.float64)
    if not bool(((got - book).abs() <= 2e-3).all()):
        blew_up = not bool(got.isfinite().all())
        fail("5000 epochs of SGD did not end near the book's [5.3671, -17.3012]"
             + (": the steps blew up to inf/nan, as they do when the gradients pile up (no "
                "`zero_grad`)." if blew_up else ". Is each epoch one step from a clean "
                "gradient (`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`, in "
                "that order)?"),
             "5000 轮 SGD 之后没有到达书中的 [5.3671, -17.3012]"
             + (":步长爆炸成了 inf/nan,梯度不断累加(没有 `zero_grad`)时就是这样。"
                if blew_up else "。每一轮是不是从清零的梯度出发的一步"
                "(依次 `optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`)?"),
             call=call, got=got.float(), expected=book.float(), kata=KATA)


# --- accumulated_gradients: a case --------------------------------------------------------------
# {"seed", "model": "linear" | "mlp" | "frozen" (its first layer requires no grad) | "unused" (a
#  layer the forward never calls) | "dropout" and "batchnorm" (in eval mode), "d": features per
#  example, "dtype", "sizes": the micro-batches' sizes, "loss": "mse" | "function" (a plain
#  function) | "l1" | "huber" | "cross_entropy" (class indices), "stale": what .grad holds
#  before the call ("none", "zeros", "random", "huge", "nonfinite"), "layout" of each X}

CLASSES = 3
# a gradient against the one of the whole batch computed in float64: units of the dtype's
# rounding of the mean size of the per-example gradients
ACC_ULPS = {"float64": 256, "float32": 256, "float16": 16, "bfloat16": 16}


class WithUnused(nn.Module):
    """A model with a layer its forward never calls: no backward reaches that layer."""

    def __init__(self, d, out):
        super().__init__()
        self.used = nn.Linear(d, out)
        self.spare = nn.Linear(d, out)

    def forward(self, x):
        return self.used(x)


def mean_squared(output, target):
    """A loss that is a plain function, returning the batch mean."""
    return ((output - target) ** 2).mean()


def build_model(case):
    gen = torch.Generator().manual_seed(int(case["seed"]))
    d, kind = int(case["d"]), case["model"]
    out = CLASSES if case["loss"] == "cross_entropy" else 1
    if kind == "linear":
        model = nn.Linear(d, out)
    elif kind == "unused":
        model = WithUnused(d, out)
    elif kind == "dropout":
        model = nn.Sequential(nn.Linear(d, 8), nn.Dropout(0.5), nn.Linear(8, out))
    elif kind == "batchnorm":
        model = nn.Sequential(nn.Linear(d, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, out))
    else:
        model = nn.Sequential(nn.Linear(d, 4), nn.Tanh(), nn.Linear(4, out))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.8 * torch.randn(p.shape, generator=gen, dtype=torch.float64))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.5 * torch.randn(b.shape, generator=gen, dtype=torch.float64))
            elif name.endswith("running_var"):
                b.copy_(0.5 + torch.rand(b.shape, generator=gen, dtype=torch.float64))
    model = model.to(irr.dtype(case["dtype"]))
    if kind == "frozen":
        model[0].requires_grad_(False)
    if kind in ("dropout", "batchnorm"):
        model.eval()
    return model


def build_loss(case):
    kind = case["loss"]
    if kind == "function":
        return mean_squared
    return {"mse": nn.MSELoss, "l1": nn.L1Loss, "cross_entropy": nn.CrossEntropyLoss,
            "huber": lambda: nn.HuberLoss(delta=0.5)}[kind]()


def micro_batches(case):
    gen = torch.Generator().manual_seed(int(case["seed"]) + 1)
    dtype = irr.dtype(case["dtype"])
    out = []
    for k in case["sizes"]:
        X = torch.randn(int(k), int(case["d"]), generator=gen, dtype=torch.float64)
        X = (X * float(case.get("x_scale", 1))).to(dtype)
        if case["loss"] == "cross_entropy":
            y = torch.randint(0, CLASSES, (int(k),), generator=gen)
        else:
            y = torch.randn(int(k), 1, generator=gen, dtype=torch.float64)
            y = ((y + float(case.get("y_mean", 0))) * float(case.get("y_scale", 1))).to(dtype)
        out.append((irr.laid_out(X, case.get("layout", "contiguous")), y))
    return out


def stale_grads(case, model):
    """What each parameter's .grad holds before the call (None for none)."""
    kind = case.get("stale", "none")
    gen = torch.Generator().manual_seed(int(case["seed"]) + 2)
    out = []
    for p in model.parameters():
        if kind == "none":
            out.append(None)
        elif kind == "zeros":
            out.append(torch.zeros_like(p))
        else:
            size = {"random": 1.0, "nonfinite": 1.0,
                    "huge": min(1e6, torch.finfo(p.dtype).max / 1e3)}[kind]
            g = size * torch.randn(p.shape, generator=gen, dtype=torch.float64)
            if kind == "nonfinite":
                flat = g.view(-1)
                odd = [math.inf, -math.inf, math.nan]
                for i in torch.randperm(flat.numel(), generator=gen)[:3].tolist():
                    flat[i] = odd[i % 3]
            out.append(g.to(p.dtype))
    return out


def loss_settings(loss_fn) -> dict:
    """The loss function's own settings (a module's `reduction`, an attribute set on a
    function)."""
    found = {}
    for key, value in list(getattr(loss_fn, "__dict__", {}).items())[:50]:
        if not key.startswith("_") and type(value) in (str, int, float, bool):
            found[key] = value
    return found


def acc_call(case) -> str:
    kind = {"linear": "a Linear model", "mlp": "a Linear-Tanh-Linear model",
            "frozen": "a Linear-Tanh-Linear model whose first layer is frozen",
            "unused": "a model with a layer its forward never calls",
            "dropout": "a model with dropout, in eval mode",
            "batchnorm": "a model with BatchNorm, in eval mode"}[case["model"]]
    loss = {"mse": "MSELoss()", "function": "mean_squared (a plain function)", "l1": "L1Loss()",
            "huber": "HuberLoss(delta=0.5)", "cross_entropy": "CrossEntropyLoss()"}[case["loss"]]
    shape = "X of shape (k, " + str(case["d"]) + ")"
    if case.get("layout", "contiguous") != "contiguous":
        shape += f", {case['layout']} (non-contiguous)"
    held = {"none": "", "zeros": ", .grad held zeros before",
            "random": ", .grad held old gradients before",
            "huge": ", .grad held huge old gradients (about 1e6) before",
            "nonfinite": ", .grad held old gradients with inf and nan before"}[
        case.get("stale", "none")]
    if case.get("x_scale", 1) != 1 or case.get("y_scale", 1) != 1 or case.get("y_mean", 0):
        shape += (f", X times {float(case.get('x_scale', 1)):g} and the targets times "
                  f"{float(case.get('y_scale', 1)):g}, of mean {float(case.get('y_mean', 0)):g} (per-example gradients of large magnitude)")
    return (f"accumulated_gradients(model, {loss}, micro-batches of sizes {case['sizes']})\n"
            f"  with {kind} ({case['dtype']}), {shape}{held}")


def watch_accumulation(kata, case):
    model = build_model(case)
    loss_fn = build_loss(case)
    batches = micro_batches(case)
    for p, g in zip(model.parameters(), stale_grads(case, model)):
        p.grad = g
    out = attempt(kata, lambda: kata.accumulated_gradients(model, loss_fn, batches))
    if "raised" in out:
        return out
    return {
        "grads": [p.grad for p in model.parameters()],
        "params": list(model.parameters()),
        "modes_after": [m.training for m in model.modules()],
        "buffers": [b for b in model.buffers()],
        "loss_after": loss_settings(loss_fn),
        "batches": [list(b) if isinstance(b, (tuple, list)) else b for b in batches],
    }


# --- accumulated_gradients: what the judge computes itself -------------------------------------

_EXPECTED: dict[str, dict] = {}


def expected(case) -> dict:
    """In float64, from the case's model and data as the learner's dtype holds them: the
    gradient of one backward on the whole batch, each micro-batch's own gradient, and the mean
    size of the per-example gradients (for the tolerance), for the trainable parameters."""
    key = json.dumps(case, sort_keys=True)
    if key in _EXPECTED:
        return _EXPECTED[key]
    model = build_model(case).double()
    loss_fn = build_loss(case)
    batches = [(X.double() if X.is_floating_point() else X,
                y.double() if y.is_floating_point() else y) for X, y in micro_batches(case)]
    trainable = [p for p in model.parameters() if p.requires_grad]

    def grads(X, y):
        g = torch.autograd.grad(loss_fn(model(X), y), trainable, allow_unused=True)
        return [torch.zeros_like(p) if x is None else x for p, x in zip(trainable, g)]

    X = torch.cat([X for X, _ in batches])
    y = torch.cat([y for _, y in batches])
    whole = grads(X, y)
    per_batch = [grads(Xb, yb) for Xb, yb in batches]
    scale = [torch.zeros_like(p) for p in trainable]
    for i in range(len(X)):
        for s, g in zip(scale, grads(X[i:i + 1], y[i:i + 1])):
            s += g.abs() / len(X)
    # rounding on the way (a tanh near saturation, an output near its target) is relative to
    # the sizes a whole layer's gradient has, not to one small element's
    scale = [s + s.max() for s in scale]
    found = {"whole": whole, "per_batch": per_batch, "scale": scale,
             "trainable": [p.requires_grad for p in model.parameters()],
             "names": [n for n, _ in model.named_parameters()],
             "params": [p.detach() for p in model.parameters()]}
    if len(_EXPECTED) > 256:
        _EXPECTED.clear()
    _EXPECTED[key] = found
    return found


def flat(tensors):
    return torch.cat([t.reshape(-1) for t in tensors]) if tensors else torch.zeros(0)


def raised_in_accumulation(case, seen, call):
    if not (isinstance(seen, dict) and "raised" in seen):
        return
    kind = text_of(seen.get("raised"), 100) or "an exception"
    text = text_of(seen.get("text"), 500)
    at = text_of(seen.get("at"), 300)
    where = f"\n  at katas/{KATA}.py, {at}" if at else ""
    zh_where = f"\n  位置:katas/{KATA}.py,{at}" if at else ""
    why_en = why_zh = ""
    if "NoneType" in text and ("zero_" in (at or "") or "mul_" in (at or "")
                               or "div_" in (at or "")):
        why_en = (" `.grad` is None here" + (" (nothing has been backpropagated into this model "
                  "yet)" if case.get("stale", "none") == "none" else
                  " for a parameter" ) + ": `p.grad.zero_()` fails on it. `model.zero_grad()` "
                  "handles None (or test `p.grad is not None` first).")
        why_zh = (" 这里 `.grad` 是 None" + ("(这个模型还没有做过任何反向传播)"
                  if case.get("stale", "none") == "none" else "(某个参数的)") +
                  ":`p.grad.zero_()` 会出错。`model.zero_grad()` 能处理 None(或者先判断 "
                  "`p.grad is not None`)。")
    elif case["loss"] == "function" and "reduction" in text:
        why_en = (" loss_fn here is a plain function returning the batch mean: it has no "
                  "`reduction` (nor any other setting). Use only what the docstring promises: "
                  "`loss_fn(model(X), y)` is a mean; weigh it by `len(X) / N`.")
        why_zh = (" 这里的 loss_fn 是返回批内平均的普通函数:它没有 `reduction`(也没有别的设置)。只用"
                  "文档字符串保证的东西:`loss_fn(model(X), y)` 是平均值;用 `len(X) / N` 给它加权。")
    elif case["model"] == "frozen" and "does not require grad" in text:
        why_en = (" The model's first layer is frozen (requires_grad=False), as when fine-tuning: "
                  "a frozen parameter gets no gradient, and `torch.autograd.grad` refuses to "
                  "differentiate with respect to it. Leave frozen parameters out "
                  "(`[p for p in model.parameters() if p.requires_grad]`), or let `backward()` "
                  "fill the `.grad` of those that require it.")
        why_zh = (" 模型的第一层被冻结了(requires_grad=False),就像微调时那样:冻结的参数没有梯度,"
                  "`torch.autograd.grad` 拒绝对它求导。请把冻结的参数排除在外"
                  "(`[p for p in model.parameters() if p.requires_grad]`),或者让 `backward()` "
                  "去填那些需要梯度的参数的 `.grad`。")
    elif case["model"] == "unused" and "not have been used in the graph" in text:
        why_en = (" The model has a layer its forward never calls: no gradient reaches it, and "
                  "`torch.autograd.grad` refuses unless told `allow_unused=True` (it then gives "
                  "None for that parameter: its gradient is zero).")
        why_zh = (" 模型里有一层在前向中从未被调用:没有梯度到达它,`torch.autograd.grad` 除非指定 "
                  "`allow_unused=True`(此时对该参数给出 None:它的梯度为零),否则会拒绝。")
    elif case["loss"] == "cross_entropy" and ("Long" in text or "Float" in text
                                             or "Double" in text or "dtype" in text):
        why_en = (" The targets here are class indices (int64) for CrossEntropyLoss: leave y as "
                  "it comes, and weigh the loss, not the targets.")
        why_zh = (" 这里的目标是 CrossEntropyLoss 的类别下标(int64):请保持 y 原样,给损失加权,"
                  "而不是给目标加权。")
    elif case.get("layout", "contiguous") != "contiguous" and ("view" in text
                                                              or "contiguous" in text):
        why_en = (" X here is non-contiguous: `.view()` needs contiguous memory. Use X as it "
                  "is, or `.reshape()`.")
        why_zh = " 这里的 X 是非连续的:`.view()` 需要连续内存。请直接使用 X,或者用 `.reshape()`。"
    if not why_en:
        known = explain(text)
        if known:
            why_en = why_zh = " " + known
    fail(f"on this input, accumulated_gradients raised {kind}: {text}{where}\n  "
         f"accumulated_gradients handles every model, loss and list of micro-batches its "
         f"docstring names." + why_en,
         f"在这个输入上,accumulated_gradients 抛出了 {kind}:{text}{zh_where}\n  "
         f"accumulated_gradients 应当能处理文档字符串列出的所有模型、损失和小批量列表。" + why_zh,
         call=call, kata=KATA)


def judge_accumulation(case, seen):
    call = acc_call(case)
    raised_in_accumulation(case, seen, call)
    want = expected(case)
    dtype = case["dtype"]
    n_params = len(want["trainable"])
    modes_before = [m.training for m in build_model(case).modules()]
    modes_after = field(seen, "modes_after", call)
    if modes_after != modes_before:
        if not (isinstance(modes_after, list) and isinstance(modes_before, list)
                and len(modes_after) == len(modes_before) and modes_after):
            malformed("modes_after", call)
        now = "train" if modes_after[:1] == [True] else "eval"
        was = "train" if modes_before[:1] == [True] else "eval"
        fail(f"accumulated_gradients changed the model's mode (it was in {was} mode, and is "
             f"now in {now} mode{'' if modes_after[0] != modes_before[0] else ' in part'}): "
             f"`model.train()` (or `.eval()`) inside it. The gradient must be the one of the "
             f"model as it is given (here dropout or BatchNorm act differently in the two "
             f"modes), and the caller gets the model back in the mode it chose. Use the model "
             f"as it is.",
             f"accumulated_gradients 改变了模型的模式(原来是 {was} 模式,现在是 {now} 模式"
             f"{'' if modes_after[0] != modes_before[0] else '(部分模块)'}):里面调用了 "
             f"`model.train()`(或 `.eval()`)。梯度应当是按传入时的模型算出的(dropout 和 "
             f"BatchNorm 在两种模式下表现不同),调用方拿回的模型也应保持它选择的模式。请按原样使用模型。",
             call=call, got=f"{now} mode", expected=f"{was} mode", kata=KATA)
    buffers = field(seen, "buffers", call)
    if case["model"] == "batchnorm":
        own = list(build_model(case).buffers())
        if not (isinstance(buffers, list) and len(buffers) == len(own)):
            malformed("buffers", call)
        for got_b, o in zip(buffers, own):
            if not irr.exactly(got_b, o):
                fail("the BatchNorm layer's running statistics changed: the model ran in train "
                     "mode during the accumulation (its running mean and variance move with "
                     "every batch it sees). Use the model in the mode it is given: here eval, "
                     "where BatchNorm uses its running statistics and leaves them alone.",
                     "BatchNorm 层的运行统计量变了:累加梯度时模型是在训练模式下运行的(它的运行均值和方差"
                     "会随看到的每个批次而变)。请按传入时的模式使用模型:这里是 eval,BatchNorm 使用并保持"
                     "它的运行统计量。", call=call, got=as_shown(got_b), expected=o, kata=KATA)
    settings_before = loss_settings(build_loss(case))
    settings_after = field(seen, "loss_after", call)
    if settings_after != settings_before:
        now = settings_after if isinstance(settings_after, dict) else {}
        changed = sorted(str(k) for k in set(now) | set(settings_before)
                         if now.get(k) != settings_before.get(k)) or ["?"]
        name = changed[0]
        fail(f"accumulated_gradients changed the loss function it was given "
             f"(`loss_fn.{name}` is now {value_words(now.get(name))}, was "
             f"{value_words(settings_before.get(name))}): the caller keeps using it. And a loss function "
             f"need not be a module: a plain function returning the batch mean ignores "
             f"`reduction`. Weigh the mean it returns instead: "
             f"`loss_fn(model(X), y) * len(X) / N`.",
             f"accumulated_gradients 改动了传入的损失函数(`loss_fn.{name}` 现在是 "
             f"{value_words(now.get(name))},原来是 {value_words(settings_before.get(name))}):调用方还要继续用它。"
             f"而且损失函数不一定是模块:返回批内平均的普通函数会忽略 `reduction`。请改为给它返回的"
             f"平均值加权:`loss_fn(model(X), y) * len(X) / N`。", call=call, kata=KATA)
    params = field(seen, "params", call)
    if not (isinstance(params, list) and len(params) == n_params):
        malformed("params", call)
    for p, trainable, name in zip(params, want["trainable"], want["names"]):
        if isinstance(p, Seen) and p.requires_grad != trainable:
            fail(f"`{name}` {'no longer requires' if trainable else 'now requires'} grad: "
                 f"accumulated_gradients changed which parameters of the caller's model are "
                 f"trained (`requires_grad_`). Leave the flags as they are: a frozen parameter "
                 f"gets no gradient, and stays frozen.",
                 f"`{name}` {'不再' if trainable else '现在'}需要梯度:accumulated_gradients 改变了调用方模型"
                 f"中哪些参数参与训练(`requires_grad_`)。请保持这些标志不变:冻结的参数没有梯度,"
                 f"也保持冻结。", call=call, got=f"requires_grad={p.requires_grad}",
                 expected=f"requires_grad={trainable}", kata=KATA)
        if isinstance(p, Seen) and p.dtype_name != dtype:
            fail(f"the model's parameters are now {p.dtype_name}, not {dtype}: "
                 f"accumulated_gradients converted the caller's model (`model.float()`, "
                 f"`model.to(...)` change it in place). Use the model as it is.",
                 f"模型的参数现在是 {p.dtype_name},而不是 {dtype}:accumulated_gradients 转换了调用方的"
                 f"模型(`model.float()`、`model.to(...)` 会原地改动它)。请按原样使用模型。",
                 call=call, got=p.dtype_name, expected=dtype, kata=KATA)
    grads = field(seen, "grads", call)
    if not (isinstance(grads, list) and len(grads) == n_params):
        malformed("grads", call)
    stale = stale_grads(case, build_model(case))
    got, wanted, scales, stales, names = [], [], [], [], []
    i = 0
    for index, trainable in enumerate(want["trainable"]):
        if not trainable:
            continue  # a frozen parameter's .grad is not looked at
        w, s = want["whole"][i], want["scale"][i]
        i += 1
        g = grads[index]
        name = want["names"][index]
        if g is None:
            if bool(w.abs().sum()):
                fail(f"`{name}`'s .grad is None afterwards: no backward reached it. Run the "
                     f"backward of each micro-batch's loss (or write the gradient into "
                     f"`.grad`).",
                     f"之后 `{name}` 的 .grad 是 None:没有任何 backward 到达它。请对每个小批量的损失"
                     f"做 backward(或者把梯度写进 `.grad`)。", call=call,
                     got="None", expected=show(w.to(irr.dtype(dtype))), kata=KATA)
            g_t = torch.zeros_like(w)
        else:
            g_t = readable(g, tuple(w.shape), f"grads[{index}]", call)
        got.append(g_t)
        wanted.append(w)
        scales.append(s)
        old = stale[index]
        stales.append(None if old is None else old.double())
        names.append(name)
    check_gradients(case, got, wanted, scales, stales, names, call)
    for index, (p, before) in enumerate(zip(params, want["params"])):
        now = readable(p, tuple(before.shape), f"params[{index}]", call)
        if not torch.equal(now, before):
            fail("the parameters changed: accumulating gradients is not a step. Leave the "
                 "update to the caller (an optimizer's `step()` after the accumulation).",
                 "参数被改动了:累加梯度不是更新。更新留给调用方(累加之后由优化器 `step()`)。",
                 call=call, got=now, expected=before, kata=KATA)
    batches = field(seen, "batches", call)
    own = micro_batches(case)
    if not (isinstance(batches, list) and len(batches) == len(own)):
        fail("the list of micro-batches changed (items removed or added): it is the caller's, "
             "and is only read.",
             "小批量列表被改动了(删除或添加了元素):它属于调用方,只能读取。", call=call,
             got=f"{len(batches) if isinstance(batches, list) else '?'} micro-batches",
             expected=f"{len(own)} micro-batches", kata=KATA)
    for b, (X, y) in zip(batches, own):
        if not (isinstance(b, list) and len(b) == 2):
            malformed("batches", call)
        for got_t, mine, what in ((b[0], X, "X"), (b[1], y, "y")):
            if not irr.exactly(got_t, mine):
                fail(f"a micro-batch's {what} changed: accumulated_gradients weighs the losses, "
                     f"never the caller's data (no `X *= ...`, no `y.mul_(...)`).",
                     f"某个小批量的 {what} 被改动了:accumulated_gradients 给损失加权,从不改动调用方的"
                     f"数据(不要 `X *= ...`、`y.mul_(...)`)。", call=call, got=as_shown(got_t),
                     expected=mine, kata=KATA)


def check_gradients(case, got, wanted, scales, stales, names, call):
    """Every trainable parameter's .grad against the gradient of the whole batch; when they
    differ, the mistake whose gradient the observed one is (measured), or what was seen."""
    dtype = case["dtype"]
    ulps = ACC_ULPS.get(dtype, 64)
    G, W, S = flat(got), flat(wanted), flat(scales)

    def near_to(candidate, scale=None) -> bool:
        return diagnose.within_rounding(G, candidate, S if scale is None else scale, dtype,
                                        ulps=ulps)

    if near_to(W):
        return
    bad = next(i for i, (g, w, s) in enumerate(zip(got, wanted, scales))
               if not diagnose.within_rounding(g, w, s, dtype, ulps=ulps))
    shown = dict(call=call, got=got[bad].to(irr.dtype(dtype)),
                 expected=wanted[bad].to(irr.dtype(dtype)), kata=KATA)
    label = f"`{names[bad]}`'s .grad: " if len(got) > 1 else ""
    sizes = [int(k) for k in case["sizes"]]
    n, k = sum(sizes), len(sizes)
    want = expected(case)
    trainable_batches = []
    for per in want["per_batch"]:
        trainable_batches.append(flat(per))
    top = torch.finfo(irr.dtype(dtype)).max
    if trainable_batches and not bool(G.isfinite().all()) and bool(W.isfinite().all()) and float(
            W.abs().max()) < top:
        running = torch.zeros_like(W)
        peak = 0.0
        for size, per in zip(sizes, trainable_batches):
            running = running + size * per
            peak = max(peak, float(running.abs().max()), float((size * per).abs().max()))
        odd = int((~G.isfinite()).sum())
        if peak > top:
            fail(f"{odd} gradient values are inf or nan, where the gradient of the whole batch is "
                 f"finite (at most {float(W.abs().max()):.3g}): a sum over the examples was "
                 f"accumulated in {dtype} and divided only at the end. Each micro-batch's mean "
                 f"times its size, added up, reaches {peak:.3g} here, beyond {dtype}'s largest "
                 f"value ({top:.5g}), so `.grad` overflowed before the division. Scale each "
                 f"micro-batch's mean loss by its share `len(X) / N` before `backward()`: "
                 f"`.grad` then only ever holds part of the mean.",
                 f"有 {odd} 个梯度值是 inf 或 nan,而整个批量的梯度是有限的(最大为 "
                 f"{float(W.abs().max()):.3g}):在 {dtype} 下累加的是对样本的总和,只在最后才除。"
                 f"各小批量的平均损失梯度乘以其大小再相加,这里会达到 {peak:.3g},超过了 {dtype} 的最大值"
                 f"({top:.5g}),所以 `.grad` 在除法之前就溢出了。请在 `backward()` 之前就把每个小批量的"
                 f"平均损失乘以它所占的比例 `len(X) / N`:这样 `.grad` 里始终只是均值的一部分。",
                 **shown)
    has_stale = any(s is not None for s in stales)
    if has_stale:
        old = flat([torch.zeros_like(w) if s is None else s for s, w in zip(stales, wanted)])
        if bool(old.isfinite().all()) and bool(old.abs().sum()) and near_to(W + old,
                                                                           S + old.abs()):
            fail("stale gradients before accumulating: `.grad` still held an earlier gradient "
                 "and `backward()` added this call's onto it. Clear the gradients once before "
                 "the first micro-batch (`model.zero_grad()`), not inside the loop.",
                 "累加之前有残留的梯度:`.grad` 里还留着之前的梯度,`backward()` 把这次的梯度加了上去。"
                 "请在第一个小批量之前清零一次(`model.zero_grad()`),而不是在循环里清零。", **shown)
        finite = old.isfinite()
        if not bool(finite.all()):
            odd = ~finite
            if bool(G[odd].isnan().all()) and diagnose.within_rounding(
                    G[finite], W[finite], S[finite], dtype, ulps=ulps):
                fail("the gradients are right, except where `.grad` held inf or nan before the "
                     "call: there they are nan. The old gradient was cleared by arithmetic "
                     "(`grad * 0`, `grad.mul_(0)`, `grad - grad`), and inf * 0 is nan. "
                     "`model.zero_grad()` (None) or `p.grad.zero_()` clears whatever .grad "
                     "held.",
                     "梯度都对,只有调用前 `.grad` 为 inf 或 nan 的地方变成了 nan:旧梯度是用算术清掉的"
                     "(`grad * 0`、`grad.mul_(0)`、`grad - grad`),而 inf * 0 是 nan。"
                     "`model.zero_grad()`(设为 None)或 `p.grad.zero_()` 无论 .grad 里是什么都能清掉。",
                     **shown)
        elif near_to(W, S + old.abs()) and float(old.abs().max()) > 1e3 * float(
                S.max() + 1e-30):
            err = float(((G - W).abs() / (S + 1e-30)).max())
            fail(f"the gradients lost their digits to the huge old values in `.grad` (off by "
                 f"up to {err:.2g} times the size of the gradient, about the rounding of the "
                 f"old values in {dtype}): the old gradient was kept, this call's added onto "
                 f"it, and the old one subtracted at the end. In floating point "
                 f"`(old + g) - old` is not g when old is much larger. Clear `.grad` first "
                 f"(`model.zero_grad()`).",
                 f"梯度的有效数字被 `.grad` 里巨大的旧值吃掉了(偏差最大为梯度大小的 {err:.2g} 倍,约等于"
                 f"旧值在 {dtype} 下的舍入误差):旧梯度被保留,这次的梯度加在上面,最后再减去旧梯度。"
                 f"在浮点数里,当 old 比 g 大得多时,`(old + g) - old` 不等于 g。请先清零 `.grad`"
                 f"(`model.zero_grad()`)。", **shown)
    for g, w, s, old_g, name in zip(got, wanted, scales, stales, names):
        if (old_g is not None and not bool(w.abs().sum()) and bool(old_g.abs().sum())
                and irr.exactly(g, old_g)):
            fail(f"`{name}`, a parameter the loss does not reach, still holds its old gradient: "
                 f"no backward writes into it, so only clearing every parameter first "
                 f"(`model.zero_grad()`) removes it. Its gradient here is zero (None or "
                 f"zeros).",
                 f"`{name}` 是损失到达不了的参数,它仍然保留着旧梯度:没有 backward 会写进它,只有先清零"
                 f"所有参数(`model.zero_grad()`)才能去掉它。它在这里的梯度是零(None 或全零)。",
                 call=call, got=g.to(irr.dtype(dtype)), expected="None or zeros", kata=KATA)
    if not bool(G.abs().sum()) and bool(W.abs().sum()):
        fail("every .grad is zero after the call: no gradient of the micro-batches is left in "
             "it (each micro-batch's weight came out as 0, or `.grad` was cleared after the "
             "last backward).",
             "调用之后每个 .grad 都是零:小批量的梯度一点也没有留下(每个小批量的权重算成了 0,"
             "或者最后一次 backward 之后 `.grad` 又被清零了)。", **shown)
    if k > 1:
        mean_of_means = sum(trainable_batches) / k
        if len(set(sizes)) > 1 and near_to(mean_of_means):
            fail(f"divided by the number of micro-batches ({k}) although their sizes differ "
                 f"({sizes}): the mean of batch means weighs an example of a small batch more "
                 f"than one of a big batch. Weigh each batch's mean loss by its share of the "
                 f"examples, `len(X) / {n}`.",
                 f"在小批量大小不同({sizes})时除以了小批量的个数({k}):批均值的平均会让小批量里的"
                 f"样本比大批量里的样本权重更大。请按每批样本所占比例 `len(X) / {n}` 加权每批的平均损失。",
                 **shown)
        if near_to(sum(trainable_batches)):
            fail(f"the gradients of the {k} micro-batches were added without weighting: each "
                 f"`loss_fn` gives a batch *mean*, so the sum is about {k} times the gradient "
                 f"of the whole batch. Weigh each batch's loss by `len(X) / {n}` before "
                 f"`backward()`.",
                 f"{k} 个小批量的梯度没有加权就直接相加了:`loss_fn` 给出的是批内*平均*,相加后约是整批"
                 f"梯度的 {k} 倍。`backward()` 之前请用 `len(X) / {n}` 给每批的损失加权。", **shown)
        first = trainable_batches[0]
        if near_to(first) or near_to(first * sizes[0] / n):
            fail("only the first micro-batch's gradient is there: the loop stopped after it (a "
                 "`return` or `break` inside the loop). Every micro-batch's backward adds its "
                 "share.",
                 "只有第一个小批量的梯度:循环在它之后就停了(循环里有 `return` 或 `break`)。每个小批量"
                 "的 backward 都要加上它的那一份。", **shown)
        last = trainable_batches[-1]
        if near_to(last) or near_to(last * sizes[-1] / n):
            fail("only the last micro-batch's gradient is left: the gradients were cleared "
                 "inside the loop, wiping what the earlier micro-batches had accumulated. Clear "
                 "once, before the loop.",
                 "只剩下最后一个小批量的梯度:在循环里清零了梯度,把前面小批量累加的结果抹掉了。"
                 "请在循环之前清零一次。", **shown)
        if near_to(sum(trainable_batches) / n):
            fail(f"each micro-batch's mean loss was divided by the number of examples ({n}), "
                 f"not weighted by its size: `loss_fn` already returns a batch *mean*, so "
                 f"dividing by {n} counts each micro-batch as one example. Weigh each batch's "
                 f"mean by `len(X) / {n}`.",
                 f"每个小批量的平均损失被除以了样本总数({n}),而不是按大小加权:`loss_fn` 返回的已经是"
                 f"批内*平均*,再除以 {n} 等于把每个小批量当成一个样本。请用 `len(X) / {n}` 给每批的"
                 f"平均值加权。", **shown)
    if dtype == "float64":
        if diagnose.within_rounding(G, W, S, "float32", ulps=ulps):
            fail("the gradient is right only to float32's precision, not to float64's: the "
                 "model is float64, and part of the computation was done in float32 (a weight "
                 "made as a tensor, `torch.tensor(len(X) / N)`, has the default dtype, "
                 "float32; so has anything made with `.float()`). Weigh with a Python number: "
                 "`loss * (len(X) / N)`.",
                 "梯度只有 float32 的精度,而不是 float64 的:模型是 float64,计算中却有一部分是用 float32 "
                 "做的(作为张量创建的权重 `torch.tensor(len(X) / N)` 用的是默认 dtype,即 float32;"
                 "`.float()` 得到的也是)。请用 Python 数加权:`loss * (len(X) / N)`。", **shown)
    s = diagnose.ratio(G, W, rtol=1e-3)
    if s is not None and s > 0 and abs(s - 1) > 1e-3:
        implied = n / s
        if abs(implied - round(implied)) < 1e-3 * implied and round(implied) != n:
            m = round(implied)
            first, last, full = sizes[0], sizes[-1], max(sizes)
            elements = sum(kb * int(case["d"]) for kb in sizes)
            counts = [
                (k, f"the number of micro-batches ({k}, `len(micro_batches)`)",
                 f"小批量的个数({k},`len(micro_batches)`)"),
                (2 * k, f"twice the number of micro-batches ({2 * k}): `len(batch)` of each "
                        f"`(X, y)` pair is 2, whatever its size",
                 f"小批量个数的两倍({2 * k}):每个 `(X, y)` 对的 `len(batch)` 都是 2,与它的大小无关"),
                (full, f"the size of the largest micro-batch ({full})",
                 f"最大小批量的大小({full})"),
                (k * full, f"the number of micro-batches times the largest size ({k} x {full} = "
                           f"{k * full}), as if every micro-batch were full",
                 f"小批量个数乘以最大的大小({k} x {full} = {k * full}),好像每个小批量都是满的"),
                (k * first, f"the number of micro-batches times the first one's size ({k} x "
                            f"{first} = {k * first}), as if every micro-batch were as large as "
                            f"the first",
                 f"小批量个数乘以第一个的大小({k} x {first} = {k * first}),好像每个小批量都和第一个"
                 f"一样大"),
                (first * (k - 1) + last, f"{first * (k - 1) + last}, as if every micro-batch but "
                                         f"the last were as large as the first ({first} x "
                                         f"{k - 1} + {last})",
                 f"{first * (k - 1) + last},好像除最后一个以外的每个小批量都和第一个一样大"
                 f"({first} x {k - 1} + {last})"),
                (elements, f"{elements}, the number of *elements* of all the X (`X.numel()`: "
                           f"examples times {case['d']} features)",
                 f"{elements},即所有 X 的*元素*个数(`X.numel()`:样本数乘以 {case['d']} 个特征)"),
            ]
            fits = [(what, zh_what) for count, what, zh_what in counts if count == m]
            if len(fits) == 1:
                what, zh_what = fits[0]
                fail(f"every gradient is {s:.3g} times the right one: the weights `len(X) / N` "
                     f"were divided by {what}, not by the {n} examples. N counts examples: "
                     f"`N = sum(len(X) for X, _ in micro_batches)`.",
                     f"每个梯度都是正确值的 {s:.3g} 倍:权重 `len(X) / N` 除以的是{zh_what},而不是 {n} "
                     f"个样本。N 数的是样本:`N = sum(len(X) for X, _ in micro_batches)`。",
                     **shown)
            fail(f"every gradient is {s:.3g} times the right one, as if the weights `len(X) / N` "
                 f"were divided by N = {m}, not by the {n} examples of the micro-batches of "
                 f"sizes {sizes}: the weights add up to {n / m:.3g}, not 1. Count every "
                 f"micro-batch: `N = sum(len(X) for X, _ in micro_batches)`.",
                 f"每个梯度都是正确值的 {s:.3g} 倍,就像权重 `len(X) / N` 除以的是 N = {m},而不是大小为 "
                 f"{sizes} 的小批量中的 {n} 个样本:权重加起来是 {n / m:.3g},而不是 1。请把每个小批量都"
                 f"数进去:`N = sum(len(X) for X, _ in micro_batches)`。", **shown)
    err = float(((G - W).abs() / (S + 1e-30)).max()) if G.shape == W.shape else math.nan
    en, zh = diagnose.unexplained(("the accumulated gradient", "累加出的梯度"), s,
                                  ("the gradient of the whole batch", "整批的梯度"))
    fail(f"{label}the accumulated gradient is not the gradient of the mean loss over all the "
         f"examples together (one backward on the whole batch): off by up to {err:.3g} times "
         f"the mean size of an example's gradient, more than rounding in {dtype} gives. {en} "
         f"Start from clean gradients and weigh each micro-batch's mean loss by its share of "
         f"the examples.",
         f"{label}累加出的梯度不等于全部样本平均损失的梯度(整批做一次 backward 的结果):偏差最大为"
         f"单个样本梯度平均大小的 {err:.3g} 倍,超出了 {dtype} 的舍入误差。{zh}请从清零的梯度开始,"
         f"并按样本所占比例给每个小批量的平均损失加权。", **shown)


# --- accumulated_gradients: the examples and the claims ----------------------------------------


def acc_case(seed, sizes, *, model="mlp", d=3, dtype="float64", loss="mse", stale="none",
             layout="contiguous", **scales):
    return {"seed": seed, "model": model, "d": d, "dtype": dtype, "sizes": list(sizes),
            "loss": loss, "stale": stale, "layout": layout, **scales}


SIZES = st.lists(st.integers(1, 6), min_size=1, max_size=5)

CLEAN_EXAMPLES = [
    # sizes whose every wrong count differs: the number of micro-batches (3), twice it (6), the
    # largest (5), all full (15), all as the first (9), all but the last as the first (8), and
    # the elements of X (30)
    acc_case(5, [3, 5, 2]),
    acc_case(23, [1, 6, 3]),
    acc_case(6, [4, 4, 2], dtype="float32"),
    acc_case(7, [3, 5, 2], model="linear"),
    acc_case(8, [1, 2], model="linear", d=1),
    acc_case(9, [7]),
]


@observe(examples=CLEAN_EXAMPLES, draw=st.fixed_dictionaries({
    "seed": irr.seeds(), "model": st.sampled_from(["linear", "mlp"]), "d": st.integers(1, 4),
    "dtype": st.sampled_from(["float64", "float32"]), "sizes": SIZES, "loss": st.just("mse"),
    "stale": st.just("none"), "layout": st.just("contiguous")}))
def accumulated_from_clean_gradients(kata, case):
    return watch_accumulation(kata, case)


@settings(max_examples=10)
@claim(accumulated_from_clean_gradients)
def test_accumulated_gradients_weigh_micro_batches_of_different_sizes(case, seen):
    """The gradient of the mean loss over every example, from micro-batches of any sizes."""
    judge_accumulation(case, seen)


OLD_EXAMPLES = [
    acc_case(3, [4, 4, 4], dtype="float32", stale="random"),
    acc_case(10, [2, 5], stale="zeros"),
    acc_case(11, [4, 4, 2], d=3, dtype="float32", model="linear", stale="huge"),
    acc_case(12, [3, 1, 2], stale="nonfinite"),
    acc_case(13, [2, 3], model="unused", stale="random"),
]


@observe(examples=OLD_EXAMPLES, draw=st.fixed_dictionaries({
    "seed": irr.seeds(), "model": st.sampled_from(["linear", "mlp", "unused"]),
    "d": st.integers(1, 4), "dtype": st.sampled_from(["float64", "float32"]), "sizes": SIZES,
    "loss": st.just("mse"), "stale": st.sampled_from(["zeros", "random", "huge", "nonfinite"]),
    "layout": st.just("contiguous")}))
def accumulated_over_old_gradients(kata, case):
    return watch_accumulation(kata, case)


@settings(max_examples=10)
@claim(accumulated_over_old_gradients)
def test_accumulated_gradients_ignore_what_grad_held_before(case, seen):
    """Whatever `.grad` held before (an old gradient, zeros, huge values, inf and nan), only
    this call's gradient is left."""
    judge_accumulation(case, seen)


ANY_EXAMPLES = [
    acc_case(14, [2, 3], model="frozen", dtype="float32", stale="random"),
    acc_case(15, [4, 4, 2], model="dropout", dtype="float32"),
    acc_case(16, [3, 2], model="batchnorm", stale="random"),
    acc_case(17, [4, 4, 2], loss="function", dtype="float32"),
    acc_case(18, [2, 4, 1], loss="cross_entropy", d=4),
    acc_case(19, [3, 3], dtype="bfloat16", stale="random"),
    acc_case(20, [1, 4], dtype="float16", model="linear", loss="huber"),
    acc_case(21, [5, 2], layout="transposed", loss="l1"),
    acc_case(22, [2, 2, 3], layout="sliced", dtype="float32", model="unused"),
]


@observe(examples=ANY_EXAMPLES, draw=st.one_of(
    st.fixed_dictionaries({
        "seed": irr.seeds(),
        "model": st.sampled_from(["linear", "mlp", "frozen", "unused", "dropout", "batchnorm"]),
        "d": st.integers(1, 4), "dtype": st.sampled_from(["float64", "float32"]),
        "sizes": SIZES, "loss": st.sampled_from(["mse", "function", "l1", "huber",
                                                 "cross_entropy"]),
        "stale": st.sampled_from(["none", "random"]),
        "layout": st.sampled_from(["contiguous", "transposed", "sliced"])}),
    st.fixed_dictionaries({
        "seed": irr.seeds(), "model": st.sampled_from(["linear", "mlp"]),
        "d": st.integers(1, 4), "dtype": st.sampled_from(["float16", "bfloat16"]),
        "sizes": SIZES, "loss": st.sampled_from(["mse", "function", "cross_entropy"]),
        "stale": st.sampled_from(["none", "random"]), "layout": st.just("contiguous")})))
def accumulated_on_any_model(kata, case):
    return watch_accumulation(kata, case)


@settings(max_examples=10)
@claim(accumulated_on_any_model)
def test_accumulated_gradients_work_for_any_model_loss_and_dtype(case, seen):
    """Frozen and unused parameters, dropout and BatchNorm in eval mode (left in it), a loss
    that is a plain function (left as it is), class-index targets, float16 and bfloat16,
    non-contiguous X: the gradient of the whole batch, and nothing else changed."""
    judge_accumulation(case, seen)


BIG_EXAMPLES = [
    # float16, 30 micro-batches of 4 (120 examples), per-example gradients near a thousand: a
    # running sum of the micro-batches' sums overflows float16 long before a division at the end
    acc_case(24, [4] * 30, model="linear", dtype="float16", x_scale=8, y_scale=400, y_mean=1),
    # float16, one micro-batch of 200 examples: its mean times 200 already overflows
    acc_case(25, [200], model="linear", dtype="float16", x_scale=8, y_scale=200, y_mean=1,
             loss="function"),
    # float16, sizes from 1 to 12, a Linear-Tanh-Linear model, huge targets
    acc_case(26, [1, 12, 7, 3, 9, 12, 5, 2, 11, 8, 6, 10, 4] * 3, dtype="float16", x_scale=2,
             y_scale=400, y_mean=1, stale="random"),
    # bfloat16 and float32, 40 micro-batches: rounding of a long accumulation
    acc_case(27, [3, 5] * 20, model="linear", dtype="bfloat16", x_scale=8, y_scale=400, y_mean=1),
    acc_case(28, [6] * 40, model="linear", dtype="float32", x_scale=30, y_scale=1000, y_mean=1),
]


@observe(examples=BIG_EXAMPLES, draw=st.fixed_dictionaries({
    "seed": irr.seeds(), "model": st.sampled_from(["linear", "mlp"]), "d": st.integers(1, 4),
    "dtype": st.sampled_from(["float16", "float16", "bfloat16", "float32"]),
    "sizes": st.one_of(st.lists(st.integers(1, 12), min_size=10, max_size=30),
                       st.lists(st.integers(60, 160), min_size=1, max_size=2)),
    "loss": st.sampled_from(["mse", "function", "huber"]), "stale": st.sampled_from(["none",
                                                                                     "random"]),
    "layout": st.just("contiguous"), "x_scale": st.sampled_from([2, 8, 16]),
    "y_scale": st.sampled_from([200, 400]), "y_mean": st.sampled_from([1, 2])}))
def accumulated_at_scale(kata, case):
    return watch_accumulation(kata, case)


@settings(max_examples=6)
@claim(accumulated_at_scale)
def test_accumulated_gradients_scale_each_micro_batch_in_low_precision(case, seen):
    """Many micro-batches, hundreds of examples, per-example gradients of large magnitude, in
    float16, bfloat16 and float32: the gradient of the mean loss, without a sum of the examples'
    gradients held in `.grad` on the way (which overflows float16)."""
    judge_accumulation(case, seen)
