"""leaf_tensors: w and b are leaves that require grad, of the shape, dtype and device asked for;
w is drawn from N(0, std) out of the generator given; every call makes new tensors; torch's
global state is left as it was.

Each test is a claim (dojo/spec.py): an observer calls init_params and returns what it made as
plain data; the test (the judge) decides from that data alone, computing what is right itself.

The irregular inputs (docs/CONTRIBUTING.md): every floating dtype, a caller whose default dtype is
float64, 'meta' (a device without a GPU) given as a string or a `torch.device`, a caller inside
`torch.no_grad()`, one feature, std 0 and std far from 1, a generator used twice, two models
side by side, every argument passed by its name. Left out on purpose: memory layout (the kata
takes no tensor, and the layout of w is free), integer dtypes (they cannot require grad), a
generator on another device than the CPU (the stub fixes a CPU generator)."""

import contextlib

import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Seen, claim, observe
from dojo.testing import close, expect, expect_different, fail, show, undecided

KATA = "leaf_tensors"

# --- a case: how init_params is called -----------------------------------------------------------
# {"seed", "n": n_features, "std", "dtype", "device" (None: the argument is not passed),
#  "device_as": "str" | "object" (device="meta" or device=torch.device("meta")),
#  "generator": whether one is passed (seeded from the case's seed),
#  "default_dtype": torch's default dtype when the caller calls, "grad_mode": "grad" | "no_grad"}


def case_of(seed, n, *, std=None, dtype=None, device=None, device_as="str", generator=False,
            default_dtype="float32", grad_mode="grad"):
    return {"seed": seed, "n": n, "std": std, "dtype": dtype, "device": device,
            "device_as": device_as, "generator": generator, "default_dtype": default_dtype,
            "grad_mode": grad_mode}


def generator_seed(case) -> int:
    """The seed of the case's generator: not the seed of the global generator (which the plugin
    seeds from the case), so that an answer that draws from the global one cannot agree by
    chance."""
    return (int(case["seed"]) * 7919 + 1) % 2**31


def generator_of(case, offset=0):
    return torch.Generator().manual_seed(generator_seed(case) + offset)


def kwargs_of(case, generator=None) -> dict:
    kw = {}
    if case.get("std") is not None:
        kw["std"] = case["std"]
    if case.get("dtype") is not None:
        kw["dtype"] = irr.dtype(case["dtype"])
    if case.get("device") is not None:
        device = case["device"]
        kw["device"] = torch.device(device) if case.get("device_as") == "object" else device
    if generator is not None:
        kw["generator"] = generator
    return kw


def asked(case) -> tuple[str, str]:
    """The dtype and device the call asks for (float32 and the CPU when not passed)."""
    return case.get("dtype") or "float32", case.get("device") or "cpu"


def called(case, *, generator=True) -> str:
    """The call, as a learner would write it, with the caller's state around it."""
    parts = [str(case["n"])]
    if case.get("std") is not None:
        parts.append(f"std={case['std']!r}")
    if case.get("dtype") is not None:
        parts.append(f"dtype=torch.{case['dtype']}")
    if case.get("device") is not None:
        parts.append(f"device=torch.device({case['device']!r})"
                     if case.get("device_as") == "object" else f"device={case['device']!r}")
    if generator and case.get("generator"):
        parts.append(f"generator=torch.Generator().manual_seed({generator_seed(case)})")
    text = f"init_params({', '.join(parts)})"
    around = []
    if (case.get("default_dtype") or "float32") != "float32":
        around.append(f"after `torch.set_default_dtype(torch.{case['default_dtype']})`")
    if case.get("grad_mode") == "no_grad":
        around.append("inside `with torch.no_grad():`")
    return text + (" " + ", ".join(around) if around else "")


@contextlib.contextmanager
def callers_state(case):
    """torch's default dtype and grad mode as the case's caller has them, during the call; put
    back afterwards, whatever the learner's code did to them (the next case starts clean)."""
    default, grad = torch.get_default_dtype(), torch.is_grad_enabled()
    torch.set_default_dtype(irr.dtype(case.get("default_dtype") or "float32"))
    torch.set_grad_enabled(case.get("grad_mode") != "no_grad")
    try:
        yield
    finally:
        torch.set_default_dtype(default)
        torch.set_grad_enabled(grad)


def field(seen, key, call):
    """One item of the observation, or a failure that says the data was not what was observed."""
    expect(isinstance(seen, dict) and key in seen,
           f"the observation of this call is incomplete (no {key!r}): it cannot be judged.",
           f"这次调用的观测数据不完整(缺少 {key!r}),无法评判。", call=call, kata=KATA)
    return seen[key]


def pair(out, call):
    """(w, b) as observed, or a failure that says what came back instead."""
    expect(
        isinstance(out, (tuple, list)) and len(out) == 2
        and all(isinstance(t, Seen) and t.error is None for t in out),
        "init_params must return the two tensors `(w, b)`.",
        "init_params 必须返回两个张量 `(w, b)`。",
        call=call, got=show(out), expected="(w, b): two tensors", kata=KATA,
    )
    return out


def readable(t, name, call):
    """A tensor whose values all crossed (not on 'meta'), or a failure that says so."""
    expect(isinstance(t, Seen) and t.error is None and t.complete,
           f"`{name}` could not be read back as a tensor with its values.",
           f"无法把 `{name}` 读回为带数值的张量。", call=call, got=show(t), kata=KATA)
    return t.tensor


# --- what init_params makes ----------------------------------------------------------------------

MADE_EXAMPLES = [
    case_of(0, 3),  # the articles' case: every argument at its default
    case_of(1, 4, dtype="float64", generator=True),
    case_of(2, 5, std=0.5, dtype="float16", generator=True),
    case_of(3, 2, dtype="bfloat16"),
    case_of(4, 4, device="meta", generator=True),  # a device other than the CPU, without a GPU
    case_of(5, 3, device="meta", dtype="float64", device_as="object"),
    case_of(6, 6, device="cpu", device_as="object", generator=True),
    case_of(7, 3, default_dtype="float64"),  # float32 asked for by the default argument
    case_of(8, 1, dtype="float64", grad_mode="no_grad", generator=True),
    case_of(9, 2, dtype="float16", device="meta", default_dtype="float64", generator=True),
]

MADE_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 40),
    "std": st.sampled_from([None, 0.01, 0.5, 2.0]),
    "dtype": st.sampled_from([None, *irr.FLOATS]),
    "device": st.sampled_from([None, "cpu", "meta"]),
    "device_as": st.sampled_from(["str", "object"]),
    "generator": st.booleans(),
    "default_dtype": st.sampled_from(["float32", "float64"]),
    "grad_mode": st.sampled_from(["grad", "no_grad"]),
})


@observe(examples=MADE_EXAMPLES, draw=MADE_CASES)
def made(kata, case):
    gen = generator_of(case) if case.get("generator") else None
    with callers_state(case):
        rng = torch.random.get_rng_state()
        out = kata.init_params(case.n, **kwargs_of(case, gen))
        default_after = str(torch.get_default_dtype()).replace("torch.", "")
        grad_mode_after = torch.is_grad_enabled()
        rng_untouched = torch.equal(rng, torch.random.get_rng_state())
    return {"out": out, "default_dtype_after": default_after, "grad_mode_after": grad_mode_after,
            "global_rng_untouched": rng_untouched}


@claim(made)
def test_w_and_b_are_leaves_that_require_grad(case, seen):
    call = called(case)
    w, b = pair(field(seen, "out", call), call)
    for name, t in (("w", w), ("b", b)):
        if not (t.requires_grad and t.is_leaf):
            fail(*diagnose.why_no_grad_seen(name, t), call=call,
                 got=diagnose.seen_line(name, t), kata=KATA)


def wrong_shape(name, got, n) -> tuple[str, str]:
    if name == "b" and got == ():
        return ("`b` is 0-dim (shape ()), a single number: it broadcasts like a (1,) tensor in "
                "`X @ w + b`, but the bias has shape (1,), one value per output "
                "(`torch.zeros(1)`, not `torch.tensor(0.0)`); code that indexes `b[0]` or "
                "stacks the parameters breaks on a 0-dim one.",
                "`b` 是 0 维张量(形状 ()),只是一个数:它在 `X @ w + b` 中和 (1,) 的张量一样广播,"
                "但偏置的形状是 (1,),每个输出一个值(`torch.zeros(1)`,不是 `torch.tensor(0.0)`);"
                "用 `b[0]` 取值或把参数拼在一起的代码会在 0 维张量上出错。")
    if name == "w" and got in ((n,), (1, n)) and n > 1:
        how = "flat" if got == (n,) else "a row"
        zh_how = "一维的" if got == (n,) else "行向量"
        return (f"`w` is {how} (shape {got}), not the column (n_features, 1) = ({n}, 1) that "
                f"`X @ w` needs to give one prediction per example: draw it as "
                f"`torch.randn(n_features, 1, ...)` (shaping it after `requires_grad_()` would "
                f"make it a non-leaf).",
                f"`w` 是{zh_how}(形状 {got}),而不是 `X @ w` 所需的列向量 (n_features, 1) = "
                f"({n}, 1),那样才能每个样本得到一个预测:请直接按 `torch.randn(n_features, 1, ...)` "
                f"采样(在 `requires_grad_()` 之后再变形会让它不再是叶子张量)。")
    want = (n, 1) if name == "w" else (1,)
    return (f"`{name}` has shape {got}, not {want}: w is a column (n_features, 1), so that "
            f"`X @ w` is (n, 1); b has shape (1,) and broadcasts over the batch.",
            f"`{name}` 的形状是 {got},而不是 {want}:w 是列向量 (n_features, 1),这样 `X @ w` 是 "
            f"(n, 1);b 的形状是 (1,),在批量上广播。")


@claim(made)
def test_w_and_b_have_the_shape_dtype_and_device_asked_for(case, seen):
    call = called(case)
    w, b = pair(field(seen, "out", call), call)
    n = case.n
    for name, t, want in (("w", w, (n, 1)), ("b", b, (1,))):
        if t.shape != want:
            fail(*wrong_shape(name, t.shape, n), call=call, got=f"{name}.shape = {t.shape}",
                 expected=f"{name}.shape = {want}", kata=KATA)
    want_dtype, want_device = asked(case)
    default = case.get("default_dtype") or "float32"
    for name, t, other in (("w", w, b), ("b", b, w)):
        if t.dtype_name == want_dtype:
            continue
        only = (f" (`{'b' if name == 'w' else 'w'}` is {want_dtype}: only `{name}` missed it)"
                if other.dtype_name == want_dtype else "")
        zh_only = (f"(`{'b' if name == 'w' else 'w'}` 是 {want_dtype}:只有 `{name}` 没有用上)"
                   if other.dtype_name == want_dtype else "")
        if t.dtype_name == default:
            fail(f"`{name}` is {t.dtype_name}, torch's default dtype here, where "
                 f"dtype=torch.{want_dtype} was asked for{only}: the dtype asked for never "
                 f"reached it. A tensor made without `dtype=` is made in the default dtype "
                 f"({default} here), and a conversion left out (or skipped as a no-op) leaves "
                 f"it there. Make each tensor with `dtype=dtype`, or convert with `.to(dtype)` "
                 f"before `requires_grad_()`.",
                 f"`{name}` 是 {t.dtype_name},也就是这里 torch 的默认 dtype,而要求的是 "
                 f"dtype=torch.{want_dtype}{zh_only}:要求的 dtype 根本没有用到它身上。不传 "
                 f"`dtype=` 创建的张量使用默认 dtype(这里是 {default}),漏掉(或当作无用而跳过)的"
                 f"转换会让它停在那里。请用 `dtype=dtype` 创建每个张量,或在 `requires_grad_()` 之前 "
                 f"`.to(dtype)`。",
                 call=call, got=f"w {w.dtype_name}, b {b.dtype_name}",
                 expected=f"w {want_dtype}, b {want_dtype}", kata=KATA)
        fail(f"`{name}` is {t.dtype_name}, but dtype=torch.{want_dtype} was asked for{only}: "
             f"both tensors are made in the dtype asked for.",
             f"`{name}` 是 {t.dtype_name},而要求的是 dtype=torch.{want_dtype}{zh_only}:两个张量"
             f"都要用要求的 dtype。",
             call=call, got=f"w {w.dtype_name}, b {b.dtype_name}",
             expected=f"w {want_dtype}, b {want_dtype}", kata=KATA)
    for name, t in (("w", w), ("b", b)):
        if t.device == want_device:
            continue
        stays = (" A tensor made without `device=` (and never moved with `.to(device)`) stays "
                 "on the CPU." if t.device == "cpu" else "")
        zh_stays = ("不传 `device=` 创建(之后也没有 `.to(device)`)的张量会留在 CPU 上。"
                    if t.device == "cpu" else "")
        fail(f"`{name}` is on {t.device}, but device={want_device!r} was asked for: both "
             f"tensors live on the device asked for ('meta' stands in for a GPU here).{stays}",
             f"`{name}` 在 {t.device} 上,而要求的是 device={want_device!r}:两个张量都要放在要求"
             f"的设备上(这里用 'meta' 代替 GPU)。{zh_stays}",
             call=call, got=f"w on {w.device}, b on {b.device}",
             expected=f"both on {want_device}", kata=KATA)


@claim(made)
def test_b_starts_at_zero(case, seen):
    call = called(case)
    _, b = pair(field(seen, "out", call), call)
    if case.get("device") == "meta":
        return  # the case asks for 'meta': no values to read, whatever the answer
    if b.device == "meta" or b.shape != (1,):
        undecided((f"b came back with shape {b.shape} on {b.device}, not a (1,) tensor with "
                   f"values", f"返回的 b 形状为 {b.shape}、在 {b.device} 上,而不是带数值的 (1,) 张量"),
                  ("whether b starts at zero", "b 的初始值是否为 0"),
                  see="test_w_and_b_have_the_shape_dtype_and_device_asked_for",
                  call=call, kata=KATA)
    values = readable(b, "b", call)
    expect(bool((values == 0).all()),
           "b must start at zero: `torch.zeros(1, ...)`; only w is drawn at random.",
           "b 的初始值必须是 0:`torch.zeros(1, ...)`;只有 w 是随机采样的。",
           call=call, got=values, expected=torch.zeros(1, dtype=values.dtype), kata=KATA)


# --- a real backward pass ------------------------------------------------------------------------

TRAINED_EXAMPLES = [
    case_of(10, 4),
    case_of(11, 3, dtype="float64", generator=True),
    case_of(12, 6, dtype="float16", std=0.5, generator=True),
    case_of(13, 1, dtype="bfloat16", device="cpu", device_as="object"),
]

TRAINED_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 12),
    "std": st.sampled_from([None, 0.1, 1.0]),
    "dtype": st.sampled_from([None, *irr.FLOATS]),
    "device": st.sampled_from([None, "cpu"]),
    "device_as": st.sampled_from(["str", "object"]),
    "generator": st.booleans(),
    "default_dtype": st.just("float32"),
    "grad_mode": st.just("grad"),
})


def features(case):
    """The inputs X of `(X @ w + b).sum()`: five examples, in the dtype asked for."""
    gen = torch.Generator().manual_seed(int(case["seed"]) + 3)
    return torch.randn(5, case["n"], generator=gen, dtype=torch.float64).to(
        irr.dtype(asked(case)[0]))


@observe(examples=TRAINED_EXAMPLES, draw=TRAINED_CASES)
def trained(kata, case):
    """Two training steps' backward passes through `X @ w + b`, each gradient kept."""
    w, b = kata.init_params(case.n, **kwargs_of(case, generator_of(case)
                                                if case.get("generator") else None))
    X = features(case)
    rounds = []
    for _ in range(2):
        (X @ w + b).sum().backward()
        rounds.append({"w_grad": w.grad, "b_grad": b.grad})
        w.grad = None  # as zero_grad() does; the recorded gradients stay as they were
        b.grad = None
    return {"w": w, "b": b, "rounds": rounds}


@claim(trained)
def test_backward_fills_the_grads_of_w_and_b(case, seen):
    call = called(case) + "; then, twice: `(X @ w + b).sum().backward()` (X of shape " \
        f"(5, {case.n})), clearing the grads in between"
    X = features(case).double()
    wants = {"w": X.sum(0).reshape(-1, 1), "b": torch.tensor([5.0], dtype=torch.float64)}
    rtol, _ = irr.tolerance(asked(case)[0])
    atol = rtol * float(X.abs().sum(0).max())  # the scale of the sums the gradient adds up
    rounds = field(seen, "rounds", call)
    expect(isinstance(rounds, list) and len(rounds) == 2 and all(isinstance(r, dict)
                                                                 for r in rounds),
           "the observation of the two backward passes is incomplete.",
           "两次反向传播的观测数据不完整。", call=call, kata=KATA)
    for step, record in enumerate(rounds, start=1):
        for name in ("w", "b"):
            got = record.get(f"{name}_grad")
            if got is None:
                t = field(seen, name, call)
                expect(isinstance(t, Seen), f"`{name}` could not be read back.",
                       f"无法读回 `{name}`。", call=call, kata=KATA)
                en, zh = diagnose.why_no_grad_seen(name, t)
                fail(f"after backward number {step}, `{name}.grad` is None. {en}",
                     f"第 {step} 次 backward 之后,`{name}.grad` 是 None。{zh}",
                     call=call, got=diagnose.seen_line(name, t), kata=KATA)
            expect(isinstance(got, Seen) and got.complete and got.error is None
                   and close(got, wants[name], rtol=rtol, atol=atol),
                   f"after backward number {step}, `{name}.grad` is not the gradient of "
                   f"`(X @ w + b).sum()` (for w: the column sums of X; for b: the number of "
                   f"examples, 5): are `w` and `b` the very tensors the model computes with?",
                   f"第 {step} 次 backward 之后,`{name}.grad` 不是 `(X @ w + b).sum()` 的梯度"
                   f"(对 w 是 X 各列之和,对 b 是样本数 5):`w` 和 `b` 真的是模型计算时用的那两个"
                   f"张量吗?",
                   call=call, got=got, expected=wants[name], kata=KATA)


# --- how w is drawn ------------------------------------------------------------------------------

SPREAD = 4000  # values of w: enough to measure a spread to a few percent, few enough to cross

SPREAD_EXAMPLES = [
    case_of(20, SPREAD, std=0.5),
    case_of(21, SPREAD),  # the default std, 0.01
    case_of(22, SPREAD, std=10.0, dtype="float64"),
    case_of(23, SPREAD, std=2.0, dtype="float16"),
    case_of(24, SPREAD, std=0.05, dtype="bfloat16"),
    case_of(25, 200, std=0),  # zeros, asked for with an int
    case_of(26, 50, std=0.0, dtype="float64"),
]

SPREAD_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.just(SPREAD),
    "std": st.floats(-3, 2).map(lambda e: float(f"{10 ** e:.3g}")),
    "dtype": st.sampled_from([None, *irr.FLOATS]),
    "device": st.just(None),
    "device_as": st.just("str"),
    "generator": st.just(True),
    "default_dtype": st.just("float32"),
    "grad_mode": st.just("grad"),
})


@observe(examples=SPREAD_EXAMPLES, draw=SPREAD_CASES)
def spread(kata, case):
    w, _ = kata.init_params(case.n, **kwargs_of(case, generator_of(case)))
    return {"w": w}


@settings(max_examples=8)  # each case draws 4000 values: a few drawn cases besides the examples
@claim(spread)
def test_w_is_drawn_from_a_normal_distribution_with_mean_0_and_the_std_asked_for(case, seen):
    call = called(case)
    std = float(case["std"]) if case.get("std") is not None else 0.01
    w = field(seen, "w", call)
    values = readable(w, "w", call).double().flatten()
    expect(values.numel() == case.n, f"`w` has {values.numel()} values, not n_features = {case.n}.",
           f"`w` 有 {values.numel()} 个值,而不是 n_features = {case.n}。", call=call, kata=KATA)
    expect(bool(torch.isfinite(values).all()),
           "`w` holds nan or inf: every weight must be a finite number.",
           "`w` 里有 nan 或 inf:每个权重都必须是有限的数。", call=call, got=values, kata=KATA)
    stats = diagnose.normal_sample(values, std)
    seen_as = (f"mean {stats['mean']:.4g}, standard deviation {stats['sd']:.4g}, "
               f"largest |value| {stats['peak']:.4g}")
    if std == 0:
        if bool((values == 0).all()):
            return
        default = diagnose.matching(stats["sd"] / 0.01, [(1.0, True)], rtol=stats["sd_bound"])
        fail(("std=0 asks for zeros (a normal distribution with no spread), but the values "
              "spread like the default std 0.01: the 0 was replaced by the default, as "
              "`std = std or 0.01` does (0 is falsy). Test `if std is None`, or just use std."
              if default else
              "std=0 asks for zeros (a normal distribution with no spread), but `w` is not "
              "all zeros."),
             ("std=0 要求全是 0(没有离散程度的正态分布),但这些值的离散程度和默认的 std 0.01 一样:"
              "0 被换成了默认值,就像 `std = std or 0.01` 那样(0 在布尔上下文中为假)。请用 "
              "`if std is None` 判断,或者直接用 std。"
              if default else
              "std=0 要求全是 0(没有离散程度的正态分布),但 `w` 并不全是 0。"),
             call=call, got=seen_as, expected="zeros", kata=KATA)
    if abs(stats["mean"]) > stats["mean_bound"]:
        low, high = float(values.min()), float(values.max())
        if low >= 0 and high <= std * 1.0001:
            fail(f"every value of `w` lies in [0, std): a uniform draw (`torch.rand(...) * std`), "
                 f"not a normal one around 0. Use `torch.randn(...) * std`.",
                 f"`w` 的每个值都在 [0, std) 之内:这是均匀分布(`torch.rand(...) * std`),而不是"
                 f"以 0 为中心的正态分布。请用 `torch.randn(...) * std`。",
                 call=call, got=seen_as, expected=f"mean about 0, standard deviation {std:g}",
                 kata=KATA)
        fail(f"the mean of the {case.n} values of `w` is {stats['mean']:.4g}, where a draw from "
             f"N(0, {std:g}) stays within ±{stats['mean_bound']:.2g} of 0: w must be centred "
             f"on 0.",
             f"`w` 的 {case.n} 个值的均值是 {stats['mean']:.4g},而从 N(0, {std:g}) 采样的均值会"
             f"落在 0 的 ±{stats['mean_bound']:.2g} 之内:w 必须以 0 为中心。",
             call=call, got=seen_as, expected=f"mean about 0, standard deviation {std:g}",
             kata=KATA)
    factor = stats["sd"] / std
    if abs(factor - 1) > stats["sd_bound"]:
        cause = diagnose.matching(factor, diagnose.std_causes(std), rtol=stats["sd_bound"])
        if cause is not None:
            fail(*cause, call=call, got=seen_as, expected=f"standard deviation {std:g}",
                 kata=KATA)
    if stats["n"] >= 1000 and stats["peak"] < 2.5 * std:
        at_bound = int((values.abs() >= stats["peak"] * (1 - 1e-6)).sum())
        peak, sds, reach = stats["peak"], stats["peak"] / std, stats["peak_expected"]
        if at_bound >= 0.01 * stats["n"]:
            how = (f"{at_bound} of the {case.n} values sit exactly on ±{peak:.4g}: the draw was "
                   f"clamped (`.clamp(...)`), which piles the tails onto the bounds")
            zh_how = (f"{case.n} 个值中有 {at_bound} 个正好落在 ±{peak:.4g} 上:采样结果被 clamp "
                      f"了(`.clamp(...)`),尾部都堆到了边界上")
        else:
            how = ("the distribution is cut off (a truncated normal, such as "
                   "`nn.init.trunc_normal_`, whose bounds a=-2, b=2 are absolute values, or a "
                   "uniform draw)")
            zh_how = ("分布被截断了(截断正态分布,例如边界 a=-2、b=2 是绝对值的 "
                      "`nn.init.trunc_normal_`,或者均匀分布)")
        fail(f"no value of `w` lies beyond ±{peak:.4g} ({sds:.3g} standard deviations), where "
             f"{case.n} draws from N(0, {std:g}) reach about ±{reach:.2g} standard deviations: "
             f"{how}. Draw a plain normal: `torch.randn(...) * std`.",
             f"`w` 中没有任何值超出 ±{peak:.4g}({sds:.3g} 个标准差),而从 N(0, {std:g}) 采样 "
             f"{case.n} 次会达到约 ±{reach:.2g} 个标准差:{zh_how}。请用普通的正态分布:"
             f"`torch.randn(...) * std`。",
             call=call, got=seen_as, expected=f"standard deviation {std:g}", kata=KATA)
    if abs(factor - 1) > stats["sd_bound"]:
        en, zh = diagnose.unexplained(("the standard deviation of `w`", "`w` 的标准差"), factor,
                                      (f"std = {std:g}", f"std = {std:g}"))
        fail(f"{en} `std` is the standard deviation of the normal distribution w is drawn "
             f"from: `torch.randn(...) * std`.",
             f"{zh}`std` 是采样 w 的正态分布的标准差:`torch.randn(...) * std`。",
             call=call, got=seen_as, expected=f"standard deviation {std:g}", kata=KATA)
    expect(stats["ks"] is None or stats["ks"] <= stats["ks_bound"],
           f"the values of `w` have the mean and spread asked for, but are not normally "
           f"distributed: their distribution is {stats['ks']:.3g} away from N(0, {std:g}) at "
           f"its widest gap (a normal sample of {case.n} stays within {stats['ks_bound']:.2g}). "
           f"Draw with `torch.randn` (or `torch.normal`).",
           f"`w` 的均值和离散程度都符合要求,但不是正态分布:它的分布与 N(0, {std:g}) 的最大差距是 "
           f"{stats['ks']:.3g}(正态样本 {case.n} 个时不超过 {stats['ks_bound']:.2g})。请用 "
           f"`torch.randn`(或 `torch.normal`)采样。",
           call=call, got=seen_as, kata=KATA)


# --- the generator -------------------------------------------------------------------------------

AGAIN_EXAMPLES = [
    case_of(30, 6),
    case_of(31, 5, dtype="float64", device="cpu", device_as="object"),
    case_of(32, 3, dtype="float16", std=0.5),
    case_of(33, 1, dtype="bfloat16", device="cpu"),
]

AGAIN_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 20),
    "std": st.sampled_from([None, 0.1, 3.0]),
    "dtype": st.sampled_from([None, *irr.FLOATS]),
    "device": st.sampled_from([None, "cpu"]),
    "device_as": st.sampled_from(["str", "object"]),
    "generator": st.just(True),
    "default_dtype": st.just("float32"),
    "grad_mode": st.just("grad"),
})


def reseed(seed):
    """`torch.manual_seed(seed)` for the CPU's global generator, the one these calls draw from
    (without the cost of queueing a seed for devices that are not there)."""
    torch.random.default_generator.manual_seed(seed)


@observe(examples=AGAIN_EXAMPLES, draw=AGAIN_CASES)
def drawn_again(kata, case):
    """init_params called seven times: with equally seeded generators while the global generator
    is in different states, twice with one generator, with another seed, and without a generator
    after the same `torch.manual_seed` and after none."""
    kw = kwargs_of(case)
    g0 = int(case.seed) % 2**31
    made = []

    def init(**extra):
        out = kata.init_params(case.n, **kw, **extra)
        made.append(out)
        return out[0]

    reseed(g0 + 11)  # the global generator in one state ...
    first = init(generator=generator_of(case))
    reseed(g0 + 12)  # ... and in another
    g = generator_of(case)
    again = init(generator=g)
    moved = not torch.equal(g.get_state(), generator_of(case).get_state())
    following = init(generator=g)
    other_seed = init(generator=generator_of(case, offset=1))
    reseed(g0 + 11)
    repeat = init(generator=generator_of(case))  # the first call's conditions again
    reseed(g0 + 13)
    plain = [init(), init()]
    reseed(g0 + 13)
    plain.append(init())
    tensors = [(f"{name} of call {i + 1}", t) for i, out in enumerate(made)
               for name, t in zip(("w", "b"), out)]
    shared = []
    for i, (name_a, a) in enumerate(tensors):
        for name_b, bt in tensors[i + 1:]:
            if name_a.split()[-1] == name_b.split()[-1]:
                continue  # w and b of one call may share memory: only calls are compared
            if a is bt:
                shared.append([name_a, name_b, "the same object"])
            elif (isinstance(a, torch.Tensor) and isinstance(bt, torch.Tensor) and a.numel()
                  and bt.numel() and a.device.type == bt.device.type == "cpu"
                  and a.untyped_storage().data_ptr() == bt.untyped_storage().data_ptr()):
                shared.append([name_a, name_b, "the same memory"])
    return {"seeded": [first, again, following, other_seed, repeat], "generator_moved": moved,
            "plain": plain, "shared": shared[:20]}


def ws(seen, key, call, count):
    found = field(seen, key, call)
    expect(isinstance(found, list) and len(found) == count
           and all(isinstance(t, Seen) and t.complete and t.error is None for t in found),
           "the weights of these calls could not be read back as tensors.",
           "无法把这几次调用得到的权重读回为张量。", call=call, got=show(found), kata=KATA)
    return [t.tensor for t in found]


def same(a, b) -> bool:
    """The very same draw (nan where nan: a nan must not make two draws "different")."""
    return a.dtype == b.dtype and a.shape == b.shape and diagnose.identical(a, b)


@claim(drawn_again)
def test_equal_generators_give_equal_w_and_each_draw_moves_the_generator_on(case, seen):
    call = called(case, generator=False)
    s = generator_seed(case)
    first, again, following, other_seed, repeat = ws(seen, "seeded", call, 5)
    gen = f"torch.Generator().manual_seed({s})"
    if not same(first, again):
        if same(first, repeat):
            fail("two generators seeded alike gave different w when only torch's global "
                 "generator was in another state (and the same w when it was back in the first "
                 "state): w is drawn from the global generator, not from `generator`. Pass it "
                 "to the draw: `torch.randn(..., generator=generator)` (whatever the device "
                 "argument looks like: a string or a `torch.device`).",
                 "两个种子相同的生成器给出了不同的 w,而两次调用之间只有 torch 的全局生成器状态不同"
                 "(全局生成器回到第一次的状态时,w 也一样了):w 是从全局生成器采样的,而不是从 "
                 "`generator`。请把它传给采样函数:`torch.randn(..., generator=generator)`"
                 "(无论 device 参数写成字符串还是 `torch.device`)。",
                 call=f"{call} with generator={gen}, "
                      f"twice, torch's global generator seeded differently before each",
                 got=f"{show(first)} then {show(again)}", expected="the same w twice",
                 kata=KATA)
        fail("two generators seeded alike gave different w, and the global generator does not "
             "explain it (the first call repeated gave yet another w): w must depend on the "
             "state of `generator` alone.",
             "两个种子相同的生成器给出了不同的 w,而且这不是全局生成器造成的(重复第一次调用又得到了"
             "另一个 w):w 只能取决于 `generator` 的状态。",
             call=f"{call} with generator={gen}, three times",
             got=f"{show(first)}, {show(again)}, {show(repeat)}", expected="the same w",
             kata=KATA)
    if same(again, following):
        shown = dict(call=f"g = {gen}; {call} with generator=g, twice",
                     got=f"{show(again)} both times", expected="two different draws", kata=KATA)
        shared = seen.get("shared") if isinstance(seen.get("shared"), list) else []
        if ["w of call 2", "w of call 3", "the same object"] in shared:
            fail("a second call with the same generator returned the very same `w` object as "
                 "the first: the results are cached (`functools.lru_cache`, a dict keyed by the "
                 "arguments), so two models initialised from one generator share their "
                 "parameters. Draw new tensors on every call.",
                 "用同一个生成器第二次调用,返回的 `w` 就是第一次的那个对象:结果被缓存了"
                 "(`functools.lru_cache`,或以参数为键的字典),于是用同一个生成器初始化的两个模型"
                 "共用参数。请每次调用都重新采样、新建张量。", **shown)
        if seen.get("generator_moved") is not True:
            fail("a second call with the same generator gave the same w again, and the "
                 "caller's generator did not move on: the numbers did not come from "
                 "`generator` itself (drawing from a copy of it, or reseeding the global "
                 "generator from its seed, leaves it where it was), so two layers initialised "
                 "from one generator come out identical. Draw from it: "
                 "`torch.randn(..., generator=generator)` moves it on.",
                 "用同一个生成器第二次调用,又得到了同样的 w,而且调用方的生成器没有前进:这些数"
                 "不是从 `generator` 本身取的(从它的副本采样,或用它的种子给全局生成器重新设种子,"
                 "都会让它停在原地),于是用同一个生成器初始化的两层会一模一样。请从它采样:"
                 "`torch.randn(..., generator=generator)` 会让它前进。", **shown)
        fail("a second call with the same generator gave the same w again, although the "
             "first call had moved the generator on: the draw does not start where the "
             "generator stands (reseeding it, `generator.manual_seed(...)`, rewinds it), so "
             "two layers initialised from one generator come out identical. Draw from it as "
             "it is: `torch.randn(..., generator=generator)`.",
             "用同一个生成器第二次调用,又得到了同样的 w,尽管第一次调用已经让生成器前进了:采样"
             "没有从生成器当前的位置开始(重新设种子 `generator.manual_seed(...)` 会让它倒回去),"
             "于是用同一个生成器初始化的两层会一模一样。请按它现在的状态采样:"
             "`torch.randn(..., generator=generator)`。", **shown)
    expect_different(first, other_seed,
           "generators with different seeds gave the same w: the generator passed in is not "
           "used (a fixed seed inside the function makes every call the same).",
           "不同种子的生成器给出了相同的 w:传入的生成器没有被使用(函数里固定的种子让每次结果都"
           "一样)。",
           call=f"{call} with generator=...manual_seed({s}), then ...manual_seed({s + 1})",
           got=f"{show(first)} both times", kata=KATA)


@claim(drawn_again)
def test_without_a_generator_w_comes_from_torchs_global_generator(case, seen):
    call = called(case, generator=False)
    first, second, after_reseed = ws(seen, "plain", call, 3)
    expect_different(first, second,
           "two calls without a generator gave the same w: a fixed seed (or a fresh "
           "`torch.Generator()`, which always starts from the same seed) inside the function "
           "makes every model start alike. Without a generator, draw from torch's global one "
           "(`generator=None`).",
           "不传生成器的两次调用给出了相同的 w:函数里固定的种子(或新建的 `torch.Generator()`,它"
           "总是从同一个种子开始)让每个模型的起点都一样。不传生成器时,请从 torch 的全局生成器采样"
           "(`generator=None`)。",
           call=f"{call}, twice in a row", got=f"{show(first)} both times",
           expected="two different draws", kata=KATA)
    expect(same(first, after_reseed),
           "after the same `torch.manual_seed(...)`, calls without a generator gave different "
           "w: without a generator, w must come from torch's global generator, so that "
           "`torch.manual_seed` repeats a run.",
           "在同样的 `torch.manual_seed(...)` 之后,不传生成器的调用给出了不同的 w:不传生成器时,"
           "w 必须来自 torch 的全局生成器,这样 `torch.manual_seed` 才能复现一次运行。",
           call=f"torch.manual_seed(s); {call}; ... torch.manual_seed(s); {call}",
           got=f"{show(first)} then {show(after_reseed)}", expected="the same w", kata=KATA)


@claim(drawn_again)
def test_every_call_makes_new_tensors(case, seen):
    call = called(case, generator=False)
    shared = field(seen, "shared", call)
    expect(isinstance(shared, list), "the observation of these calls is incomplete.",
           "这几次调用的观测数据不完整。", call=call, kata=KATA)
    if shared:
        item = shared[0]
        expect(isinstance(item, list) and len(item) == 3 and all(isinstance(x, str)
                                                                 for x in item),
               "the observation of these calls is malformed.", "这几次调用的观测数据格式不对。",
               call=call, kata=KATA)
        a, b, how = item
        zh_how = "同一个对象" if how == "the same object" else "同一块内存"
        fail(f"{a} and {b} are {how}: two calls of init_params share a tensor, so two models "
             f"made side by side share a parameter. Training one moves the other's, and their "
             f"gradients add up in one `.grad`. Make new tensors on every call (a bias cached "
             f"in a module-level variable, or a default argument, is shared).",
             f"{a} 和 {b} 是{zh_how}:两次调用 init_params 共用了一个张量,于是并排创建的两个模型"
             f"共用一个参数。训练一个会移动另一个的参数,它们的梯度也会加到同一个 `.grad` 里。请每次"
             f"调用都新建张量(缓存在模块级变量或默认参数里的偏置是共用的)。",
             call=f"{call}, several times", got=f"{a} and {b}: {how}",
             expected="new tensors on every call", kata=KATA)


# --- torch's global state ------------------------------------------------------------------------


@claim(made)
def test_init_params_leaves_torchs_global_state_as_it_was(case, seen):
    call = called(case)
    out = field(seen, "out", call)
    if not (isinstance(out, (tuple, list)) and len(out) == 2
            and all(isinstance(t, Seen) and t.error is None for t in out)):
        undecided((f"init_params returned {show(out)}, not the two tensors (w, b)",
                   f"init_params 返回了 {show(out)},而不是两个张量 (w, b)"),
                  ("whether making them leaves torch's global state as it was",
                   "创建它们是否让 torch 的全局状态保持原样"),
                  see="test_w_and_b_are_leaves_that_require_grad", call=call, kata=KATA)
    before = case.get("default_dtype") or "float32"
    after = field(seen, "default_dtype_after", call)
    expect(after == before,
           f"torch's default dtype was {before} before the call and is {after} after it: "
           f"init_params changed the caller's default dtype (switched for the draw and put "
           f"back to a constant, {after}, rather than to what it was). Pass `dtype=` to the "
           f"functions that make the tensors and leave the default alone.",
           f"调用前 torch 的默认 dtype 是 {before},调用后变成了 {after}:init_params 改掉了调用方"
           f"的默认 dtype(为采样切换过,之后恢复成了一个常量 {after},而不是原来的值)。请把 "
           f"`dtype=` 传给创建张量的函数,不要动默认 dtype。",
           call=call, got=f"torch.get_default_dtype() = torch.{after}",
           expected=f"torch.{before}", kata=KATA)
    grad = case.get("grad_mode") != "no_grad"
    expect(field(seen, "grad_mode_after", call) is grad,
           f"grad mode was {'on' if grad else 'off'} before the call and is "
           f"{'off' if grad else 'on'} after it: init_params changed the caller's grad mode "
           f"(`torch.set_grad_enabled(...)` without putting it back). Use a `with` block "
           f"(`torch.no_grad()`), which restores it, or nothing at all.",
           f"调用前梯度模式是{'开' if grad else '关'}的,调用后变成了{'关' if grad else '开'}:"
           f"init_params 改掉了调用方的梯度模式(`torch.set_grad_enabled(...)` 之后没有恢复)。"
           f"请用会自动恢复的 `with` 块(`torch.no_grad()`),或者干脆不动它。",
           call=call, kata=KATA)
    if case.get("generator"):
        expect(field(seen, "global_rng_untouched", call) is True,
               "torch's global random generator changed although a `generator` was given: "
               "with a generator, w is drawn from it (`torch.randn(..., "
               "generator=generator)`) and the caller's global random stream is left as it "
               "was (a `torch.manual_seed(...)` inside, or a draw without `generator=`, "
               "changes it).",
               "虽然传入了 `generator`,torch 的全局随机数生成器却变了:有生成器时,w 从它采样"
               "(`torch.randn(..., generator=generator)`),调用方的全局随机数序列保持原样(函数里"
               "的 `torch.manual_seed(...)`,或不带 `generator=` 的采样,都会改变它)。",
               call=call, got="torch.random.get_rng_state() changed",
               expected="the same state as before the call", kata=KATA)


# --- the contract's names, passed by name ------------------------------------------------------

# what Python says when a call's names do not fit the function's parameters
NAMES_REFUSED = ("positional-only", "unexpected keyword argument", "required positional argument",
                 "required keyword-only argument")


@observe(examples=[case_of(42, 3, std=0.5, dtype="float64", generator=True)])
def called_by_name(kata, case):
    """init_params(n_features=..., std=..., dtype=..., generator=...): every argument by name."""
    try:
        out = kata.init_params(n_features=case.n, **kwargs_of(case, generator_of(case)))
    except TypeError as err:  # the names refused: said by the judge, with the contract's
        if not any(words in str(err) for words in NAMES_REFUSED):
            raise
        return {"refused": str(err)[:300]}
    return {"out": out}


@claim(called_by_name)
def test_init_params_takes_its_arguments_by_their_names(case, seen):
    call = called(case).replace("init_params(", "init_params(n_features=", 1)
    refused = seen.get("refused") if isinstance(seen, dict) else None
    if refused is not None:
        text = refused if isinstance(refused, str) else "?"
        fail(f"init_params refused its arguments passed by name (TypeError: {text}). The "
             f"contract names its parameters: `init_params(n_features, *, std=0.01, "
             f"dtype=torch.float32, device='cpu', generator=None)`, and a caller may pass each "
             f"by that name (no `/` in the signature, no other names).",
             f"按名字传入参数时,init_params 拒绝了(TypeError:{text})。约定规定了参数的名字:"
             f"`init_params(n_features, *, std=0.01, dtype=torch.float32, device='cpu', "
             f"generator=None)`,调用者可以按这些名字传入每个参数(签名里不要有 `/`,也不要换成"
             f"别的名字)。", call=call, kata=KATA)
    w, b = pair(field(seen, "out", call), call)
    for name, t, shape in (("w", w, [case["n"], 1]), ("b", b, [1])):
        expect(list(t.shape) == shape and t.dtype_name == case["dtype"],
               f"`{name}` is a {t.dtype_name} tensor of shape {tuple(t.shape)}, not a "
               f"{case['dtype']} tensor of shape {tuple(shape)}.",
               f"`{name}` 是形状为 {tuple(t.shape)} 的 {t.dtype_name} 张量,而不是形状为 "
               f"{tuple(shape)} 的 {case['dtype']} 张量。", call=call, got=show(t), kata=KATA)


# --- on a GPU ------------------------------------------------------------------------------------


@observe(examples=[case_of(40, 4, device="cuda", generator=True),
                   case_of(41, 3, device="cuda", dtype="float64", device_as="object")])
def on_the_gpu(kata, case):
    w, b = kata.init_params(case.n, **kwargs_of(case, generator_of(case)
                                                if case.get("generator") else None))
    X = features(case).to("cuda")
    leaves = [w.is_leaf, b.is_leaf]
    (X @ w + b).sum().backward()
    return {"w": w, "b": b, "leaves": leaves, "w_grad": w.grad, "b_grad": b.grad}


@pytest.mark.gpu
@claim(on_the_gpu)
def test_parameters_on_the_gpu_are_leaves_that_get_their_grads(case, seen):
    call = called(case) + "; (X @ w + b).sum().backward()"
    for name in ("w", "b"):
        t = field(seen, name, call)
        expect(isinstance(t, Seen) and t.device == "cuda",
               f"`{name}` must be on the GPU (device='cuda' was asked for).",
               f"`{name}` 必须在 GPU 上(要求的是 device='cuda')。", call=call, got=show(t),
               kata=KATA)
        if not (t.requires_grad and t.is_leaf):
            fail(*diagnose.why_no_grad_seen(name, t), call=call,
                 got=diagnose.seen_line(name, t), kata=KATA)
    X = features(case).double()
    rtol, _ = irr.tolerance(asked(case)[0])
    for name, want in (("w", X.sum(0).reshape(-1, 1)), ("b", torch.tensor([5.0]).double())):
        got = field(seen, f"{name}_grad", call)
        expect(isinstance(got, Seen) and got.complete
               and close(got, want, rtol=rtol, atol=rtol * float(X.abs().sum(0).max())),
               f"after the backward pass, `{name}.grad` is missing or wrong.",
               f"反向传播之后,`{name}.grad` 缺失或不对。", call=call, got=got, expected=want,
               kata=KATA)
