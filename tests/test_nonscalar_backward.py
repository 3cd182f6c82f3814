"""nonscalar_backward: the element-wise derivative, shaped like x, of x's dtype and device, a plain
tensor of values; x, its `.grad`, the leaves behind it and the caller's grad mode left as they
were; a new answer on every call.

Each test is a claim (dojo/spec.py): an observer calls elementwise_grad and returns what it did as
plain data; the test (the judge) decides from that data alone, computing the derivative itself
(written out by hand, in float64, at the values x holds).

The irregular inputs (docs/CONTRIBUTING.md): float64, float16 and bfloat16 x; 0-dim, empty and
one-element x; transposed, sliced and expanded x; torch's default device other than x's ('meta':
a device without a GPU); values far from zero, infinite and nan; kinks (relu and abs at 0); a
constant f; a caller inside `torch.no_grad()`; an x that requires grad, with a `.grad` of its own
(large, too), a non-leaf x and a view; two calls whose results are both kept; x changed in place
between two calls.
Left out on purpose: integer and complex x and a call inside `torch.inference_mode()` (the stub
puts them out of scope), f that is not element-wise (the kata's premise).

Where the learner's code raises on an input the stub says elementwise_grad handles (PyTorch
refusing a constant f, a caller in no_grad, a default device other than x's, an x that requires
grad; NumPy refusing bfloat16), the observer keeps the exception as data (its type, its text and
the learner's line) and the judge says on which input it came: the learner's run and the
grader show the same words."""

import contextlib
import math
import re
import traceback
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.explain import KNOWN
from dojo.spec import Seen, claim, observe
from dojo.testing import expect, fail, show, undecided

KATA = "nonscalar_backward"

# name: (f, its derivative written out by hand, used on float64 values)
FUNCTIONS = {
    "torch.sin": (torch.sin, torch.cos),
    "lambda t: t ** 3": (lambda t: t**3, lambda t: 3 * t**2),
    "lambda t: t ** 2": (lambda t: t**2, lambda t: 2 * t),
    "torch.tanh": (torch.tanh, lambda t: 1 - torch.tanh(t) ** 2),
    "torch.exp": (torch.exp, torch.exp),
    "torch.sigmoid": (torch.sigmoid, lambda t: torch.sigmoid(t) * (1 - torch.sigmoid(t))),
    "lambda t: t * t / 2 + 4 * t": (lambda t: t * t / 2 + 4 * t, lambda t: t + 4),
    # at a kink, the derivative autograd gives: relu'(0) = 0, abs'(0) = sign(0) = 0
    "torch.relu": (torch.relu, lambda t: (t > 0).to(t.dtype)),
    "torch.abs": (torch.abs, torch.sign),
    # a constant: its result does not depend on t, its derivative is 0 everywhere
    "lambda t: torch.full_like(t, 3.0)": (lambda t: torch.full_like(t, 3.0), torch.zeros_like),
}
SMOOTH = ["torch.sin", "lambda t: t ** 3", "torch.tanh", "torch.exp", "torch.sigmoid",
          "lambda t: t * t / 2 + 4 * t"]
CONSTANT = "lambda t: torch.full_like(t, 3.0)"
KINKS = ("torch.relu", "torch.abs")

# --- x, from a case ------------------------------------------------------------------------------
# A case's "x" is either a tensor description for `dojo.irregular.tensor` (shape, dtype, layout,
# scale, offset; its values drawn from the case's seed) or explicit "values" (strings for
# "inf", "-inf" and "nan": a case is JSON). A case's "default_device" ("meta") is torch's default
# device while elementwise_grad runs (`with torch.device("meta"):`, as `set_default_device("cuda")`
# makes it on a GPU machine): a tensor made from a shape alone lands there, not beside x. (x itself
# on 'meta' would do too, but the first computation on 'meta' imports about 900 modules: seconds.)


def x_of(case):
    """The case's x, built the same way in the observer and in the judge."""
    desc = case["x"]
    if "values" in desc:
        x = torch.tensor([float(v) for v in desc["values"]], dtype=torch.float64).to(
            irr.dtype(desc.get("dtype", "float32")))
    else:
        x = irr.tensor({**desc, "seed": int(case["seed"])})
    return x


def x_words(case) -> tuple[str, str]:
    desc = case["x"]
    if "values" in desc:
        values = ", ".join(str(v) for v in desc["values"])
        en = zh = f"torch.tensor([{values}], dtype=torch.{desc.get('dtype', 'float32')})"
    else:
        en, zh = irr.describe(desc)
    return en, zh


def called(case, *, x="x") -> str:
    en, _ = x_words(case)
    text = f"elementwise_grad({case['f']}, {x}) with x = {en}"
    if case.get("grad_mode") == "no_grad":
        text += ", called inside `with torch.no_grad():`"
    if case.get("default_device"):
        text += (f", with torch's default device set to {case['default_device']!r} "
                 f"(`with torch.device({case['default_device']!r}):`)")
    return text


def derivative(case, x=None):
    """What is right, computed here: f' by hand, in float64, at the values x holds."""
    x = x_of(case) if x is None else x
    return FUNCTIONS[case["f"]][1](x.detach().double())


def tolerance(case) -> tuple[float, float]:
    """What a correct computation in x's dtype gives (autograd in that dtype, or in float64 and
    rounded once, stay within about 0.6 of it in float16, the worst)."""
    return irr.tolerance(case["x"].get("dtype", "float32"))


def agree(got, want, rtol, atol) -> bool:
    """Equal within the tolerance, with nan where nan is right and the same infinities."""
    got, want = got.double(), want.double()
    if got.shape != want.shape:
        return False
    nan = torch.isnan(want)
    if not torch.equal(torch.isnan(got), nan):
        return False
    inf = torch.isinf(want)
    if not torch.equal(got[inf], want[inf]):
        return False
    rest = ~(nan | inf)
    return bool(torch.allclose(got[rest], want[rest], rtol=rtol, atol=atol))


# --- observing a call ----------------------------------------------------------------------------


def note(t, x) -> dict:
    """What f was called with: the caller's x itself or not, and what autograd says of it."""
    found = {"is_x": t is x}
    for key, read in (("requires_grad", lambda: bool(t.requires_grad)),
                      ("is_leaf", lambda: bool(t.is_leaf)),
                      ("grad_fn", lambda: type(t.grad_fn).__name__ if t.grad_fn is not None
                       else None)):
        try:
            found[key] = read()
        except Exception:  # noqa: BLE001 - a wrapped tensor (vmap, dual numbers) may not say
            found[key] = "?"
    found["grad_enabled"] = torch.is_grad_enabled()
    return found


class Spy:
    """f, noting what its first calls were given (a loop calls it once per element)."""

    def __init__(self, f, x):
        self.f, self.x, self.calls = f, x, []

    def __call__(self, t):
        if len(self.calls) < 3:
            self.calls.append(note(t, self.x))
        return self.f(t)


def attempt(kata, f, x) -> dict:
    """{"value": the result}, or what was raised (PyTorch's RuntimeError, a TypeError ...) as
    data: its text and the line of the learner's file it came from (the stub says these inputs
    are handled; the judge says on which one it came)."""
    try:
        return {"value": kata.elementwise_grad(f, x)}
    except (RuntimeError, TypeError, ValueError, IndexError, AttributeError) as err:
        if isinstance(err, NotImplementedError):
            raise  # not started: the plugin says so
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


def meaning(text: str):
    for pattern, en, zh in KNOWN:
        if re.search(pattern, text):
            return en, zh
    return None


def writes(at) -> bool:
    """The learner's line shown in a traceback writes into a tensor (an indexed assignment, an
    in-place method, an augmented assignment, `out=`); False where no line is known."""
    line = at.split(":", 1)[1] if at and ":" in at else ""
    return bool(re.search(r"\]\s*=[^=]|[-+*/]=|\.\w+_\(|\bout\s*=", line))


def jvp_raises(case, text) -> bool:
    """`torch.func.jvp` of the case's f on its x, with a tangent of ones, raises `text`."""
    if case.get("f") not in FUNCTIONS:
        return False
    x = x_of(case).detach()
    try:
        torch.func.jvp(FUNCTIONS[case["f"]][0], (x,), (torch.ones_like(x),))
    except RuntimeError as err:
        return str(err)[:200] == text[:200]
    except Exception:  # noqa: BLE001 - another failure is not the one seen
        return False
    return False


def raised(case, record, call, *, requires_grad=False) -> None:
    """Fail with what was raised, on which input, and why, where the case tells why."""
    kind = record.get("raised") if isinstance(record.get("raised"), str) else "RuntimeError"
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    at = record.get("at") if isinstance(record.get("at"), str) else None
    en_x, zh_x = x_words(case)
    why_en, why_zh = [], []
    no_graph = re.search(r"does not require grad|does not have a grad_fn", text)
    if case["f"] == CONSTANT and no_graph:
        why_en.append("f is a constant: its result does not depend on its input, so `f(x)` "
                      "records no graph (`y.requires_grad` is False) and autograd has nothing "
                      "to differentiate. Its derivative is 0 everywhere: return "
                      "`torch.zeros_like(x)` when `y.requires_grad` is False.")
        why_zh.append("f 是常数函数:它的结果不依赖输入,所以 `f(x)` 不会建图(`y.requires_grad` 为 "
                      "False),autograd 没有东西可求导。它的导数处处为 0:当 `y.requires_grad` 为 "
                      "False 时返回 `torch.zeros_like(x)`。")
    elif case.get("grad_mode") == "no_grad" and no_graph:
        why_en.append("the caller is inside `torch.no_grad()`, so grad mode was off when f ran "
                      "and `f(x)` recorded no graph. Switch it on for your own work with "
                      "`with torch.enable_grad():`, which puts the caller's mode back "
                      "afterwards.")
        why_zh.append("调用方在 `torch.no_grad()` 里面,f 运行时梯度模式是关的,`f(x)` 没有建图。"
                      "请用 `with torch.enable_grad():` 为你自己的计算打开它,退出时会恢复调用方的"
                      "模式。")
    if case.get("default_device") and re.search(r"device", text):
        d = case["default_device"]
        why_en.append(f"torch's default device is {d!r} here and x is on the CPU: something "
                      f"along the way was made on the default device, not beside x. A tensor "
                      f"made from a shape alone (`torch.ones(y.shape)`) lives on the default "
                      f"device (a GPU, after `torch.set_default_device('cuda')`); make it like "
                      f"the tensor it goes with: `torch.ones_like(y)`.")
        why_zh.append(f"这里 torch 的默认设备是 {d!r},而 x 在 CPU 上:中途有东西是在默认设备上创建的,"
                      f"而不是和 x 放在一起。只用形状创建的张量(`torch.ones(y.shape)`)在默认设备上"
                      f"(`torch.set_default_device('cuda')` 之后就是 GPU);请照着与它配合的张量创建:"
                      f"`torch.ones_like(y)`。")
    if re.search(r"requires_grad flags", text):
        why_en.append("elementwise_grad changes the `requires_grad` flag of the caller's x, "
                      "which PyTorch allows on a leaf only (and which the caller does not expect "
                      "on any x). Leave the caller's x alone: work on a leaf of your own "
                      "(`x.detach().requires_grad_()`).")
        why_zh.append("elementwise_grad 改动了调用方 x 的 `requires_grad` 标志,PyTorch 只允许对叶子张量"
                      "这样做(调用方也不希望任何 x 被这样改动)。不要动调用方的 x:请在自己的叶子张量上"
                      "计算(`x.detach().requires_grad_()`)。")
    if re.search(r"BFloat16", text) and case["x"].get("dtype") == "bfloat16":
        why_en.append("NumPy has no bfloat16: a round trip through NumPy (`x.numpy()`, "
                      "`torch.tensor(...)` of it) cannot carry this x. Make the leaf with "
                      "`x.detach()`, which keeps the dtype and needs no NumPy.")
        why_zh.append("NumPy 没有 bfloat16:经过 NumPy 转一圈(`x.numpy()`、再 `torch.tensor(...)`)"
                      "装不下这个 x。请用 `x.detach()` 创建叶子张量,它保持 dtype,也不需要 NumPy。")
    shared = re.search(r"written-to tensor|single memory location", text)
    if shared and not writes(at):
        layout = case["x"].get("layout", "contiguous")
        replayed = jvp_raises(case, text) if at and re.search(r"\bjvp\b", at) else False
        if replayed:
            why_en.append(f"the line shown writes nothing itself: it calls `torch.func.jvp`, and "
                          f"jvp on this x (x is {layout}: its elements share memory) with a "
                          f"tangent of ones raises the same error (replayed here): forward mode "
                          f"cannot make a dual tensor of an x whose elements share one memory "
                          f"location. Give it x's values in memory of their own "
                          f"(`x.detach().clone()`, or `.contiguous()`).")
            why_zh.append(f"所示的那一行本身没有写入任何东西:它调用了 `torch.func.jvp`,而在这个 x 上"
                          f"(x 是 {layout} 的:它的元素共用内存)用全 1 的切向量调用 jvp 会抛出同样的错误"
                          f"(已在这里重放):前向模式无法为元素共用同一块内存的 x 构造对偶张量。请给它一份"
                          f"拥有自己内存的 x 的值(`x.detach().clone()` 或 `.contiguous()`)。")
        else:
            why_en.append("PyTorch refused an operation on a tensor whose elements share memory"
                          + (f" (x is {layout})" if layout != "contiguous" else "")
                          + "; the line shown writes nothing itself, so the write is PyTorch's "
                          "own, inside the call on that line. elementwise_grad must handle such "
                          "an x: work on x's values in memory of their own "
                          "(`x.detach().clone()`).")
            why_zh.append("PyTorch 拒绝了对一个元素共用内存的张量的操作"
                          + (f"(x 是 {layout} 的)" if layout != "contiguous" else "")
                          + ";所示的那一行本身没有写入,所以写入发生在那一行调用的 PyTorch 内部。"
                          "elementwise_grad 必须能处理这样的 x:请在拥有自己内存的 x 的值上计算"
                          "(`x.detach().clone()`)。")
    if re.search(r"non-empty TensorList", text) and x_of(case).numel() == 0:
        shape = tuple(x_of(case).shape)
        why_en.append(f"x is empty (shape {shape}): there are no pieces, and `torch.stack` "
                      f"refuses an empty list. The derivative of an empty x is an empty tensor "
                      f"shaped like x: return `torch.zeros_like(x)` when x has no elements, or "
                      f"compute without a loop over the elements.")
        why_zh.append(f"x 是空的(形状 {shape}):没有任何分块,而 `torch.stack` 不接受空列表。空 x 的导数"
                      f"是与 x 形状相同的空张量:x 没有元素时返回 `torch.zeros_like(x)`,或者不用逐元素的"
                      f"循环来计算。")
    if shared and writes(at):
        layout = case["x"].get("layout", "contiguous")
        why_en.append("something was written into memory whose elements are shared"
                      + (f" (x is {layout}: " + ("its elements share one memory location"
                                                 if layout == "expanded" else "a view")
                         + ")" if layout != "contiguous" else "")
                      + ": elementwise_grad only reads x, and writes its answer into a new "
                      "tensor of its own (`x.detach()` shares x's memory: write into nothing "
                      "made from it).")
        why_zh.append("有东西被写进了元素共用内存的地方"
                      + (f"(x 是 {layout} 的:" + ("它的元素共用同一块内存" if layout == "expanded"
                                                 else "一个视图") + ")"
                         if layout != "contiguous" else "")
                      + ":elementwise_grad 只读取 x,答案要写进它自己新建的张量(`x.detach()` 与 x 共用"
                      "内存:不要往由它得到的任何东西里写)。")
    known = meaning(text)
    if known is not None and not why_en:
        why_en.append(known[0])
        why_zh.append(known[1])
    if requires_grad and not why_en:
        why_en.append("(x here requires grad, as a parameter does: elementwise_grad handles "
                      "such an x, and leaves it as it was.)")
        why_zh.append("(这里的 x 需要梯度,就像参数那样:elementwise_grad 应当能处理这样的 x,并让它保持"
                      "原样。)")
    where = f"\n  at katas/{KATA}.py, {at}" if at else ""
    zh_where = f"\n  位置:katas/{KATA}.py,{at}" if at else ""
    fail(f"on x = {en_x}, elementwise_grad raised {kind}: {text}{where}\n  "
         + " ".join(why_en or ["elementwise_grad handles this input (see its docstring)."]),
         f"在 x = {zh_x} 上,elementwise_grad 抛出了 {kind}:{text}{zh_where}\n  "
         + "".join(why_zh or ["elementwise_grad 应当能处理这种输入(见它的文档字符串)。"]),
         call=call, kata=KATA)


def field(seen, key, call):
    expect(isinstance(seen, dict) and key in seen,
           f"the observation of this call is incomplete (no {key!r}): it cannot be judged.",
           f"这次调用的观测数据不完整(缺少 {key!r}),无法评判。", call=call, kata=KATA)
    return seen[key]


def why_none(calls) -> tuple[str, str]:
    """Why the gradient came back None, from what f was called with."""
    calls = [c for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []
    if not calls:
        return ("elementwise_grad never called f: the derivatives come from `y = f(t)`, then a "
                "backward pass from y.",
                "elementwise_grad 从未调用 f:导数来自 `y = f(t)`,再从 y 反向传播。")
    first = calls[0]
    if first.get("is_x") is True:
        return ("f was called with the caller's x itself, and the gradient went into the "
                "`.grad` of a tensor nobody returned (x's, or the leaf behind it), not into "
                "the result. Work on a leaf of your own: `x.detach().requires_grad_()`.",
                "f 是用调用方的 x 本身调用的,梯度进了一个没人返回的张量的 `.grad`(x 的,或它背后的"
                "叶子张量的),而不是结果里。请在你自己的叶子张量上计算:`x.detach().requires_grad_()`。")
    seen = SimpleNamespace(requires_grad=first.get("requires_grad") is True,
                           is_leaf=first.get("is_leaf") is True, dtype_name="?", device="?",
                           grad_fn=first.get("grad_fn") if isinstance(first.get("grad_fn"), str)
                           else None)
    if seen.is_leaf and seen.requires_grad:
        return ("the gradient was computed, into the `.grad` of the tensor f was called with, "
                "but that is not what came back: return it.",
                "梯度其实已经算出来了,就在调用 f 时传入的张量的 `.grad` 里,但返回的不是它:请返回它。")
    en, zh = diagnose.why_no_grad_seen("t", seen)
    return (f"about the tensor f was called with (`t` below): {en}",
            f"关于调用 f 时传入的张量(下面的 `t`):{zh}")


def result_of(case, record, calls, call, *, requires_grad=False):
    """The result as observed (a `Seen`), or a failure that says what happened instead."""
    expect(isinstance(record, dict), "the observation of this call is malformed.",
           "这次调用的观测数据格式不对。", call=call, kata=KATA)
    if "raised" in record:
        raised(case, record, call, requires_grad=requires_grad)
    got = record.get("value")
    if got is None:
        en, zh = why_none(calls)
        fail(f"elementwise_grad returned None instead of the derivative: {en}",
             f"elementwise_grad 返回了 None,而不是导数:{zh}", call=call, got="None", kata=KATA)
    expect(isinstance(got, Seen) and got.error is None,
           "elementwise_grad must return a tensor (the derivatives), shaped like x.",
           "elementwise_grad 必须返回一个张量(各个导数),形状与 x 相同。",
           call=call, got=show(got), kata=KATA)
    return got


def worked(x, record, calls, call, what) -> None:
    """A claim about what elementwise_grad leaves alone is decided only on a call that did its
    work: it returned a tensor shaped like x, and called f (on an x with elements: an empty x
    needs no call). An elementwise_grad that raises,
    returns None or never calls f leaves x and grad mode alone trivially; then the claim fails
    undecided, pointing to the claim that says what went wrong."""
    see = "test_each_element_is_the_derivative_of_f_at_that_element"
    if not isinstance(record, dict):
        undecided(("the observation of this call is malformed", "这次调用的观测数据格式不对"),
                  what, see=see, call=call, kata=KATA)
    if "raised" in record:
        kind = record.get("raised") if isinstance(record.get("raised"), str) else "an error"
        text = record.get("text") if isinstance(record.get("text"), str) else ""
        undecided((f"elementwise_grad raised {kind[:60]}: {text[:300]}",
                   f"elementwise_grad 抛出了 {kind[:60]}:{text[:300]}"), what, see=see,
                  call=call, kata=KATA)
    got = record.get("value")
    if not isinstance(got, Seen) or got.error is not None or got.shape != tuple(x.shape):
        undecided((f"elementwise_grad returned {show(got)}, not a tensor shaped like x",
                   f"elementwise_grad 返回了 {show(got)},而不是与 x 同形的张量"), what, see=see,
                  call=call, kata=KATA)
    if x.numel() and not (isinstance(calls, list) and any(isinstance(c, dict) for c in calls)):
        undecided(("elementwise_grad never called f: it computed no derivative",
                   "elementwise_grad 从未调用 f:它没有求任何导数"), what, see=see, call=call,
                  kata=KATA)


def jacobian_diagonal(want):
    """What `jacobian(f, x).diagonal()` gives for an element-wise f (J is x.shape + x.shape,
    zero off its diagonal): `.diagonal()` pairs J's first two dimensions."""
    n = want.numel()
    full = torch.diag(want.reshape(-1)).reshape(*want.shape, *want.shape)
    return full.diagonal() if full.dim() >= 2 and n else None


def check_value(case, got, want, call, *, calls=None, old_grad=None, label="") -> None:
    """The result against the derivative; a wrong one measured for what explains it."""
    rtol, atol = tolerance(case)
    value = got.tensor.double()
    if agree(value, want, rtol, atol):
        return
    shown = dict(call=call, got=value, expected=want, kata=KATA)
    finite = torch.isfinite(want) & torch.isfinite(value)
    n = want.numel()
    if old_grad is not None and agree(value, want + old_grad.double(), rtol, atol * float(
            old_grad.double().abs().max().clamp_min(1))):
        fail(f"{label}gradients accumulate: the result is the derivative plus what x.grad held "
             f"before the call. The backward ran on the caller's x and added into its `.grad`. "
             f"Work on a leaf of your own (`x.detach().requires_grad_()`), or use "
             f"`torch.autograd.grad`, which returns the gradient without storing it.",
             f"{label}梯度被累加了:结果是导数加上调用前 x.grad 里原有的值。反向传播是在调用方的 x 上"
             f"做的,梯度加进了它的 `.grad`。请在自己的叶子张量上计算(`x.detach().requires_grad_()`),"
             f"或用 `torch.autograd.grad`,它直接返回梯度而不存起来。", **shown)
    if old_grad is not None and bool(finite.all()):
        big = old_grad.abs()
        spacing = (torch.nextafter(big, torch.full_like(big, math.inf)) - big).double()
        kind = str(old_grad.dtype).replace("torch.", "")
        if bool(((value - want).abs() <= spacing).all()) and bool((spacing > atol).any()):
            fail(f"{label}the derivative lost its digits to x.grad's large values: every "
                 f"element is off by less than the spacing of {kind} numbers near "
                 f"x.grad's values (up to {float(spacing.max()):.3g}). It was added into "
                 f"x.grad and taken out again, and `(old + g) - old` is not g in floating "
                 f"point. Work on a leaf of your own (`x.detach().requires_grad_()`), or use "
                 f"`torch.autograd.grad`: the caller's x.grad never enters the computation.",
                 f"{label}导数的有效数字被 x.grad 的大数值吞掉了:每个元素的误差都小于 x.grad 数值附近 "
                 f"{kind} 数的间距(最大 {float(spacing.max()):.3g})。它先被加进 x.grad 又被"
                 f"减出来,而在浮点数里 `(old + g) - old` 并不等于 g。请在自己的叶子张量上计算"
                 f"(`x.detach().requires_grad_()`),或用 `torch.autograd.grad`:调用方的 x.grad "
                 f"根本不参与计算。", **shown)
    nonzero = bool((want[finite] != 0).any())
    if not nonzero and bool((want == 0).all()) and case["f"] == CONSTANT:
        fail(f"{label}f is a constant (its result does not depend on its input), so its "
             f"derivative is 0 everywhere: `torch.zeros_like(x)`.",
             f"{label}f 是常数函数(它的结果不依赖输入),所以它的导数处处为 0:"
             f"`torch.zeros_like(x)`。", **shown)
    if nonzero and bool((value == 0).all()):
        calls = [c for c in (calls or []) if isinstance(c, dict)]
        if calls and all(c.get("grad_enabled") is False for c in calls):
            fail("every derivative came back 0, and grad mode was off while f ran (the caller "
                 "is inside `torch.no_grad()`): `f(x)` recorded no graph, so the result looked "
                 "like a constant's. Switch grad on for your own work with "
                 "`with torch.enable_grad():`, which puts the caller's mode back afterwards.",
                 "每个导数都返回了 0,而 f 运行时梯度模式是关的(调用方在 `torch.no_grad()` 里面):"
                 "`f(x)` 没有建图,结果看起来就像常数函数的。请用 `with torch.enable_grad():` 为你"
                 "自己的计算打开梯度,退出时会恢复调用方的模式。", **shown)
        layout = case["x"].get("layout", "contiguous")
        if layout in ("transposed", "sliced") and "values" not in case["x"]:
            en, zh = irr.WORDS[layout]
            fail(f"{label}every derivative came back 0 for this {en}x, where it is not 0: "
                 f"the answers never reached the result. A tensor that is not contiguous is "
                 f"where `.flatten()`, `.reshape()` and `.contiguous()` return a copy instead "
                 f"of a view: anything written into that copy is lost. Build the result from "
                 f"the gradient itself (`torch.autograd.grad` gives it shaped like x).",
                 f"{label}对这个{zh} x,每个导数都返回了 0,而它们本不是 0:答案根本没有写进结果。对"
                 f"不连续的张量,`.flatten()`、`.reshape()` 和 `.contiguous()` 返回的是副本而不是视图:"
                 f"写进副本的东西都丢了。请直接用梯度本身构成结果(`torch.autograd.grad` 给出的梯度"
                 f"形状就和 x 一样)。", **shown)
    s = diagnose.ratio(value[finite], want[finite])
    cause = diagnose.matching(s, [
        (1 / n if n > 1 else 0.0, (
            f"every derivative is divided by the number of elements of x ({n}): y was reduced "
            f"with `y.mean()`, whose gradient is 1/n for each element. `y.sum()` (or "
            f"`gradient=torch.ones_like(y)`) gives each element its own derivative.",
            f"每个导数都被除以了 x 的元素个数({n}):y 是用 `y.mean()` 归约的,它对每个元素的梯度是 "
            f"1/n。用 `y.sum()`(或 `gradient=torch.ones_like(y)`)才能让每个元素得到自己的导数。")),
        (2.0, (
            "every derivative is twice what it should be: two backward passes added into the "
            "same `.grad` (gradients accumulate).",
            "每个导数都是应有值的两倍:两次反向传播加进了同一个 `.grad`(梯度被累加了)。")),
    ])
    if cause is not None and n > 1:
        fail(f"{label}{cause[0]}", f"{label}{cause[1]}", **shown)
    if case["f"] in KINKS:
        x64 = x_of(case).double()
        off = ~torch.isclose(value, want, rtol=rtol, atol=atol)
        if bool(off.any()) and bool((x64[off] == 0).all()):
            at = value[off][0].item()
            fail(f"{label}the derivatives are right everywhere except at x = 0, where "
                 f"{case['f']} has a kink and the result is {at:g}: that is what a finite "
                 f"difference (f(x + h) - f(x - h)) / 2h gives there, not the derivative "
                 f"autograd defines (0). Differentiate with autograd: `backward()` or "
                 f"`torch.autograd.grad` from `f(x)`.",
                 f"{label}除了 x = 0 之外导数都对;{case['f']} 在 0 处有个拐点,结果是 {at:g}:"
                 f"这是有限差分 (f(x + h) - f(x - h)) / 2h 在那里给出的值,而不是 autograd 定义的"
                 f"导数(0)。请用 autograd 求导:从 `f(x)` 出发 `backward()` 或 "
                 f"`torch.autograd.grad`。", **shown)
    if bool((torch.isfinite(value) != torch.isfinite(want)).any()) or not torch.equal(
            torch.isnan(value), torch.isnan(want)):
        fail(f"{label}where x is infinite or nan, the result is not what the derivative is "
             f"there (inf, nan or 0, as autograd computes it): the non-finite values were "
             f"replaced or lost along the way. Return autograd's gradient as it is.",
             f"{label}在 x 为无穷大或 nan 的位置,结果不是那里的导数(autograd 算出的 inf、nan 或 0):"
             f"非有限值在中途被替换或丢掉了。请原样返回 autograd 算出的梯度。", **shown)
    if bool(finite.any()) and agree(value[finite], want[finite], 1e-2, 1e-2 * float(
            want[finite].abs().max())):
        error = float(((value - want).abs()[finite] / want.abs()[finite].clamp_min(
            1e-30)).max())
        fail(f"{label}the result is close to the derivative but not equal to it (off by up to "
             f"{error:.2g} relative, where a correct computation in "
             f"{case['x'].get('dtype', 'float32')} is off by less than {rtol:.2g}): an "
             f"approximation (a finite difference, a step through another dtype) is not the "
             f"derivative autograd computes.",
             f"{label}结果接近导数但不相等(相对误差最大 {error:.2g},而用 "
             f"{case['x'].get('dtype', 'float32')} 正确计算的误差小于 {rtol:.2g}):近似值(有限差分、"
             f"绕道别的 dtype)不是 autograd 算出的导数。", **shown)
    en, zh = diagnose.unexplained(("the result", "结果"), s, ("the derivative", "导数"))
    fail(f"{label}these are not the derivatives of f at x: {en} With `y = f(t)` for a leaf t "
         f"of your own, `torch.autograd.grad(y.sum(), t)` (or "
         f"`y.backward(torch.ones_like(y))`) gives d y_i / d x_i, because f is element-wise.",
         f"{label}这不是 f 在 x 处的导数:{zh}对你自己的叶子张量 t 计算 `y = f(t)`,"
         f"`torch.autograd.grad(y.sum(), t)`(或 `y.backward(torch.ones_like(y))`)会给出 "
         f"d y_i / d x_i,因为 f 是逐元素的。", **shown)


# --- the derivative at every element -------------------------------------------------------------


def shape_of(shape, dtype="float32", layout="contiguous", scale=1.0, offset=0.0):
    return {"shape": shape, "dtype": dtype, "layout": layout, "scale": scale, "offset": offset}


def values(*items, dtype="float32"):
    return {"values": list(items), "dtype": dtype}


DERIVATIVE_EXAMPLES = [
    # the articles' case: sin on a 1-D grid
    {"seed": 0, "f": "torch.sin", "x": values(-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)},
    {"seed": 1, "f": "lambda t: t ** 3", "x": shape_of([2, 3])},
    {"seed": 2, "f": "torch.tanh", "x": shape_of([3, 4], "float64", "transposed")},
    {"seed": 3, "f": "torch.exp", "x": shape_of([5], "float16", "sliced")},
    {"seed": 4, "f": "torch.sigmoid", "x": shape_of([], "bfloat16")},
    {"seed": 5, "f": "lambda t: t * t / 2 + 4 * t", "x": shape_of([4, 3], "float32", "expanded")},
    {"seed": 6, "f": "torch.relu", "x": values(-1.0, 0.0, 2.0, 0.0, -0.5)},  # kinks at 0
    {"seed": 7, "f": "torch.abs", "x": values(0.0, -2.5, 1.5, dtype="float64")},
    {"seed": 8, "f": "torch.tanh", "x": values("inf", "-inf", 0.5, "nan")},
    {"seed": 9, "f": "lambda t: t ** 2", "x": values(1e8, -3e7, 2.5e6)},  # far from zero
    {"seed": 10, "f": "lambda t: t ** 3", "x": shape_of([3], "float64", scale=1e-4, offset=1e3)},
    {"seed": 11, "f": CONSTANT, "x": shape_of([2, 2])},
    {"seed": 12, "f": "torch.sin", "x": shape_of([0])},
    {"seed": 13, "f": "torch.sin", "x": shape_of([1])},
    {"seed": 14, "f": "torch.sin", "x": shape_of([4]), "grad_mode": "no_grad"},
    {"seed": 15, "f": "torch.sin", "x": shape_of([2, 3]), "default_device": "meta"},
    {"seed": 16, "f": "lambda t: t ** 3", "x": shape_of([4], "float64"), "default_device": "meta"},
]

DERIVATIVE_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "f": st.sampled_from([*SMOOTH, CONSTANT]),
    "x": st.fixed_dictionaries({
        # empty x is the example's (sin on shape (0,)): `torch.func.vmap` fails on an empty
        # batch for some f (t * t / 2 + 4 * t), whatever the answer built on it does right
        "shape": irr.shapes(min_dims=0, max_dims=3, max_side=4),
        "dtype": irr.float_dtypes(),
        "layout": irr.layouts(expanded=True),
        "scale": st.sampled_from([1.0, 0.01]),
        "offset": st.just(0.0),
    }),
    "grad_mode": st.sampled_from(["grad", "no_grad"]),
    "default_device": st.sampled_from([None, None, None, "meta"]),
})


@observe(examples=DERIVATIVE_EXAMPLES, draw=DERIVATIVE_CASES)
def derivative_at_x(kata, case):
    x = x_of(case)
    spy = Spy(FUNCTIONS[case.f][0], x)
    outside = torch.is_grad_enabled()
    torch.set_grad_enabled(case.get("grad_mode") != "no_grad")
    device = torch.device(case.default_device) if case.get("default_device") else None
    try:
        with device if device is not None else contextlib.nullcontext():
            record = attempt(kata, spy, x)
        grad_mode_after = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(outside)
    return {"result": record, "x": x, "x_grad": x.grad, "calls": spy.calls,
            "grad_mode_after": grad_mode_after}


def described(seen) -> str:
    return f"{seen.dtype_name}, shape {seen.shape}, on {seen.device}" + (
        f", requires_grad (grad_fn={seen.grad_fn})" if seen.requires_grad else "")


@claim(derivative_at_x)
def test_the_result_is_a_plain_tensor_shaped_like_x_of_its_dtype_and_device(case, seen):
    call = called(case)
    got = result_of(case, field(seen, "result", call), seen.get("calls"), call)
    x = x_of(case)
    want_shape, want_dtype = tuple(x.shape), str(x.dtype).replace("torch.", "")
    want_device = x.device.type
    expected = f"{want_dtype}, shape {want_shape}, on {want_device}"
    shown = dict(call=call, got=described(got), expected=expected, kata=KATA)
    if got.shape != want_shape:
        n = x.numel()
        if got.shape == (n,) and len(want_shape) != 1:
            fail(f"the result is flat (shape {got.shape}): one derivative per element, but "
                 f"not shaped like x {want_shape}. Reshape it back: `.reshape(x.shape)` (or "
                 f"work on x's own shape: f is element-wise, any shape goes).",
                 f"结果是一维的(形状 {got.shape}):每个元素一个导数,但形状与 x 的 {want_shape} "
                 f"不同。请变回去:`.reshape(x.shape)`(或直接在 x 原来的形状上计算:f 是逐元素的,"
                 f"任何形状都行)。", **shown)
        diagonal = jacobian_diagonal(torch.ones(want_shape))
        if diagonal is not None and got.shape == tuple(diagonal.shape) and len(want_shape) != 1:
            fail(f"the result has shape {got.shape}, which is what `.diagonal()` of the full "
                 f"Jacobian gives: J has shape x.shape + x.shape = {want_shape + want_shape}, "
                 f"and `.diagonal()` pairs its first two dimensions, which is the derivative "
                 f"only for a 1-D x. Reshape J to (n, n) before taking the diagonal, or start "
                 f"the backward pass from y itself: `torch.autograd.grad(y.sum(), t)`.",
                 f"结果的形状是 {got.shape},这正是对完整雅可比矩阵取 `.diagonal()` 得到的:J 的"
                 f"形状是 x.shape + x.shape = {want_shape + want_shape},而 `.diagonal()` 配对的是"
                 f"它的前两个维度,只有 x 是一维时才是导数。请先把 J 变成 (n, n) 再取对角线,或者"
                 f"直接从 y 出发反向传播:`torch.autograd.grad(y.sum(), t)`。", **shown)
        fail(f"the result must be shaped like x {want_shape}, one derivative per element.",
             f"结果的形状必须与 x 的 {want_shape} 相同:每个元素一个导数。", **shown)
    if got.dtype_name != want_dtype:
        fail(f"the result is {got.dtype_name}, but x is {want_dtype}: the derivative keeps x's "
             f"dtype. The working copy was converted along the way (`.float()`, "
             f"`torch.tensor(...)` without `dtype=`, a computation in another dtype not "
             f"converted back): make the leaf with `x.detach()`, which keeps the dtype.",
             f"结果是 {got.dtype_name},而 x 是 {want_dtype}:导数要保持 x 的 dtype。工作副本在中途被"
             f"转换了(`.float()`、不带 `dtype=` 的 `torch.tensor(...)`、在别的 dtype 里计算之后没有"
             f"转换回来):用 `x.detach()` 创建叶子张量,它会保持 dtype。", **shown)
    if got.device != want_device:
        fail(f"the result is on {got.device}, but x is on {want_device}: the derivative lives "
             f"where x lives.",
             f"结果在 {got.device} 上,而 x 在 {want_device} 上:导数要和 x 在同一设备上。", **shown)
    if got.requires_grad:
        fail(f"the result requires grad (grad_fn={got.grad_fn}): it carries a graph back to "
             f"the computation (`create_graph=True`, or arithmetic on a tensor that requires "
             f"grad), which keeps that graph alive and lets a later backward reach it. Return "
             f"plain values: the gradient `torch.autograd.grad` gives without `create_graph`, "
             f"or `.detach()` it.",
             f"结果需要梯度(grad_fn={got.grad_fn}):它带着一张连回计算过程的图(`create_graph=True`,"
             f"或对需要梯度的张量做了运算),这会让那张图一直占着内存,之后的 backward 也会走到它。"
             f"请返回纯数值:不带 `create_graph` 的 `torch.autograd.grad` 给出的梯度,或者 "
             f"`.detach()` 一下。", **shown)


@claim(derivative_at_x)
def test_each_element_is_the_derivative_of_f_at_that_element(case, seen):
    call = called(case)
    got = result_of(case, field(seen, "result", call), seen.get("calls"), call)
    want = derivative(case)
    expect(got.complete and got.shape == tuple(want.shape),
           "the result could not be read back as a tensor shaped like x.",
           "无法把结果读回为与 x 形状相同的张量。", call=call, got=show(got), kata=KATA)
    check_value(case, got, want, call, calls=seen.get("calls"))


@claim(derivative_at_x)
def test_x_and_the_callers_grad_mode_are_left_as_they_were(case, seen):
    call = called(case)
    x = x_of(case)
    worked(x, field(seen, "result", call), seen.get("calls"), call,
           ("whether x and the caller's grad mode are left as they were",
            "x 和调用方的梯度模式是否保持原样"))
    after = field(seen, "x", call)
    expect(isinstance(after, Seen) and after.error is None,
           "x could not be read back after the call.", "调用之后无法读回 x。", call=call,
           kata=KATA)
    calls = seen.get("calls") if isinstance(seen.get("calls"), list) else []
    itself = any(isinstance(c, dict) and c.get("is_x") is True for c in calls)
    if after.requires_grad or seen.get("x_grad") is not None:
        how = (" f was called with the caller's x itself: `x.requires_grad_()` switched on "
               "the caller's tensor." if itself else "")
        zh_how = "f 是用调用方的 x 本身调用的:`x.requires_grad_()` 改动的是调用方的张量。" \
            if itself else ""
        fail("the caller's x was changed: it now requires grad or holds a `.grad`, so the "
             "caller's later computations build graphs they never asked for, and the next "
             f"call accumulates into that `.grad`.{how} Take a leaf of your own: "
             "`x.detach().requires_grad_()`.",
             "调用方的 x 被改变了:它现在需要梯度或者带着 `.grad`,调用方之后的计算会建出他们没要的"
             f"计算图,下一次调用还会累加到这个 `.grad` 上。{zh_how}请用你自己的叶子张量:"
             "`x.detach().requires_grad_()`。",
             call=call, got=f"x.requires_grad={after.requires_grad}, "
                            f"x.grad={show(seen.get('x_grad'))}",
             expected="x.requires_grad=False, x.grad=None", kata=KATA)
    same = (after.complete and after.dtype_name == str(x.dtype).replace("torch.", "")
            and after.shape == tuple(x.shape)
            and agree(after.tensor.double(), x.double(), 0.0, 0.0))
    expect(same, "the values of x changed: elementwise_grad only reads x.",
           "x 的值被改变了:elementwise_grad 只能读取 x。", call=call, got=show(after),
           expected=x, kata=KATA)
    grad = case.get("grad_mode") != "no_grad"
    expect(seen.get("grad_mode_after") is grad,
           f"grad mode was {'on' if grad else 'off'} before the call and is "
           f"{'off' if grad else 'on'} after it: elementwise_grad changed the caller's grad "
           f"mode (`torch.set_grad_enabled(...)` left as it was set, or set back to a "
           f"constant rather than to what it was). `with torch.enable_grad():` switches it on "
           f"for your own work and puts the caller's mode back.",
           f"调用前梯度模式是{'开' if grad else '关'}的,调用后变成了{'关' if grad else '开'}:"
           f"elementwise_grad 改掉了调用方的梯度模式(`torch.set_grad_enabled(...)` 之后没有恢复,"
           f"或恢复成了一个常量而不是原来的值)。`with torch.enable_grad():` 会为你自己的计算打开它,"
           f"并在退出时恢复调用方的模式。",
           call=call, got=f"torch.is_grad_enabled() = {seen.get('grad_mode_after')}",
           expected=f"{grad}", kata=KATA)


# --- an x that requires grad, called twice -------------------------------------------------------
# "kind": "leaf" (x.grad None), "leaf_with_grad" (x.grad holds a gradient of the caller's,
# large when "grad_scale" is), "nonleaf" (x = a * 2 for a leaf a with a .grad) or "view"
# (x = a transposed, or a.view_as(a)).

GRAD_EXAMPLES = [
    {"seed": 20, "f": "torch.tanh", "x": shape_of([4]), "kind": "leaf_with_grad",
     "grad_scale": 10.0},
    {"seed": 21, "f": "torch.sin", "x": shape_of([5]), "kind": "leaf", "grad_scale": 1.0},
    {"seed": 22, "f": "torch.sin", "x": shape_of([3]), "kind": "leaf_with_grad",
     "grad_scale": 1e8},
    {"seed": 23, "f": "lambda t: t ** 3", "x": shape_of([2, 3], "float64"), "kind": "nonleaf",
     "grad_scale": 1.0},
    {"seed": 24, "f": "torch.exp", "x": shape_of([3, 2], "float16", "transposed"),
     "kind": "view", "grad_scale": 1.0},
    {"seed": 25, "f": "torch.sigmoid", "x": shape_of([], "bfloat16"), "kind": "leaf_with_grad",
     "grad_scale": 1.0},
]

GRAD_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "f": st.sampled_from(SMOOTH),
    "x": st.fixed_dictionaries({
        "shape": irr.shapes(min_dims=0, max_dims=2, max_side=4),
        "dtype": irr.float_dtypes(),
        "layout": irr.layouts(),
        "scale": st.just(1.0),
        "offset": st.just(0.0),
    }),
    "kind": st.sampled_from(["leaf", "leaf_with_grad", "nonleaf", "view"]),
    "grad_scale": st.sampled_from([1.0, 10.0, 1e4]),
})


def old_grad(case, like):
    """The gradient the caller's tensor holds before the call."""
    gen = torch.Generator().manual_seed(int(case["seed"]) + 1)
    return (torch.randn(tuple(like.shape), generator=gen, dtype=torch.float64)
            * float(case["grad_scale"])).to(like.dtype)


def with_history(case):
    """(a, x): a leaf that requires grad, and x, the tensor handed over (a itself, or a tensor
    computed from it), as the case describes them."""
    a = x_of(case).detach().requires_grad_()
    kind = case["kind"]
    if kind in ("leaf_with_grad", "nonleaf"):
        a.grad = old_grad(case, a)
    if kind == "nonleaf":
        return a, a * 2
    if kind == "view":
        return a, a.transpose(-1, -2) if a.dim() >= 2 else a.view_as(a)
    return a, a


def history_words(case) -> str:
    return {
        "leaf": "x a leaf that requires grad (x.grad None)",
        "leaf_with_grad": f"x a parameter whose x.grad already holds a gradient (values around "
                          f"±{case['grad_scale']:g})",
        "nonleaf": "x = a * 2 for a parameter a (a non-leaf that requires grad; a.grad holds a "
                   "gradient)",
        "view": "x a view of a parameter a (a non-leaf that requires grad)",
    }[case["kind"]]


@observe(examples=GRAD_EXAMPLES, draw=GRAD_CASES)
def twice_on_a_tensor_that_requires_grad(kata, case):
    a, x = with_history(case)
    spy = Spy(FUNCTIONS[case.f][0], x)
    first = attempt(kata, spy, x)
    second = attempt(kata, spy, x)
    v1, v2 = first.get("value"), second.get("value")
    held = x.grad if x.is_leaf else None
    return {"first": first, "second": second, "x": x, "x_grad": held, "a_grad": a.grad,
            "calls": spy.calls, "first_is_second": v1 is not None and v1 is v2,
            "result_is_x_grad": held is not None and (v1 is held or v2 is held)}


def grad_call(case) -> str:
    en, _ = x_words(case)
    return (f"elementwise_grad({case['f']}, x), twice, with {history_words(case)}; "
            f"its values: {en}")


@claim(twice_on_a_tensor_that_requires_grad)
def test_on_a_tensor_that_requires_grad_each_call_gives_the_derivative(case, seen):
    call = grad_call(case)
    a, x = with_history(case)
    want = derivative(case, x.detach())
    old = a.grad.detach() if case["kind"] == "leaf_with_grad" else None
    if field(seen, "result_is_x_grad", call) is True:
        fail("the result is the caller's x.grad itself: the backward ran on the caller's x, "
             "so gradients accumulate there (on top of the caller's own gradient, and on top of "
             "the last call's), and the tensor handed back keeps changing with every later "
             "backward. Work on a leaf of your own (`x.detach().requires_grad_()`), or use "
             "`torch.autograd.grad`, which returns the gradient without storing it.",
             "返回的结果就是调用方的 x.grad 本身:反向传播是在调用方的 x 上做的,梯度会在那里累加"
             "(叠在调用方自己的梯度上,也叠在上一次调用的梯度上),交出去的张量还会随之后的每次 "
             "backward 一起变。请在自己的叶子张量上计算(`x.detach().requires_grad_()`),或用 "
             "`torch.autograd.grad`,它直接返回梯度而不存起来。",
             call=call, got="the result `is` x.grad", expected="a new tensor", kata=KATA)
    first_value = None
    for label, key in (("first call: ", "first"), ("second call: ", "second")):
        got = result_of(case, field(seen, key, call), seen.get("calls"), call,
                        requires_grad=True)
        expect(got.complete and got.shape == tuple(want.shape),
               f"{label}the result is not shaped like x {tuple(want.shape)}.",
               f"{label}结果的形状与 x 的 {tuple(want.shape)} 不同。", call=call,
               got=show(got), kata=KATA)
        value = got.tensor.double()
        if key == "second" and first_value is not None and not agree(
                value, want, *tolerance(case)):
            rtol, atol = tolerance(case)
            if agree(value, first_value + want, rtol, atol):
                twice = agree(first_value, want, rtol, atol)
                fail(("the second call returned twice the first: " if twice else
                      "the second call returned the first call's result plus the derivative: ")
                     + "gradients accumulate. Every `backward()` *adds* into `.grad`, so calling "
                     "it again on the same x stacks the new gradient on the one the last call "
                     "left there. Work on a leaf of your own (`x.detach().requires_grad_()`) or "
                     "use `torch.autograd.grad`, which returns the gradient without storing it.",
                     ("第二次调用的结果是第一次的两倍:" if twice else
                      "第二次调用的结果是第一次的结果再加上导数:")
                     + "梯度被累加了。每次 `backward()` 都会把梯度*加*进 `.grad`,对同一个 x 再调用一次,"
                     "新梯度就叠在上一次留下的梯度上。请在自己的叶子张量上计算"
                     "(`x.detach().requires_grad_()`),或用 `torch.autograd.grad`,它直接返回梯度"
                     "而不存起来。",
                     call=call, got=f"{show(first_value)} then {show(value)}",
                     expected=f"{show(want)} both times", kata=KATA)
        check_value(case, got, want, call, calls=seen.get("calls"), old_grad=old,
                    label=label)
        first_value = value


@claim(twice_on_a_tensor_that_requires_grad)
def test_on_a_tensor_that_requires_grad_x_keeps_its_flag_and_its_grad(case, seen):
    call = grad_call(case)
    a, x = with_history(case)
    for key in ("first", "second"):
        worked(x, field(seen, key, call), seen.get("calls"), call,
               ("whether x keeps its flag and its grad", "x 是否保持它的标志和梯度"))
    after = field(seen, "x", call)
    expect(isinstance(after, Seen) and after.error is None, "x could not be read back.",
           "无法读回 x。", call=call, kata=KATA)
    expect(after.requires_grad,
           "x no longer requires grad after the call: its `requires_grad` was switched off "
           "(set back to the constant False rather than to what it was, True), so the caller's "
           "model stops training. Leave the caller's x alone: work on a leaf of your own "
           "(`x.detach().requires_grad_()`).",
           "调用之后 x 不再需要梯度:它的 `requires_grad` 被关掉了(恢复成了常量 False,而不是原来的 "
           "True),调用方的模型就此停止训练。不要动调用方的 x:请在自己的叶子张量上计算"
           "(`x.detach().requires_grad_()`)。",
           call=call, got="x.requires_grad=False", expected="x.requires_grad=True", kata=KATA)
    was = "a leaf" if x.is_leaf else f"a non-leaf (grad_fn={type(x.grad_fn).__name__})"
    expect(after.is_leaf == x.is_leaf and (x.is_leaf or after.grad_fn == type(x.grad_fn).__name__),
           f"x was {was} before the call and is no longer: elementwise_grad replaced or "
           f"rewired the caller's tensor.",
           f"调用前 x 是{'叶子张量' if x.is_leaf else '非叶子张量'},调用后不是了:elementwise_grad "
           f"替换或改接了调用方的张量。",
           call=call, got=f"is_leaf={after.is_leaf}, grad_fn={after.grad_fn}",
           expected=f"is_leaf={x.is_leaf}", kata=KATA)
    for name, got, before in (("x.grad", seen.get("x_grad"), x.grad if x.is_leaf else None),
                              ("a.grad", seen.get("a_grad"), a.grad)):
        if name == "a.grad" and x.is_leaf:
            continue  # a is x
        if before is None:
            if got is None:
                continue
            fail(f"the caller's {name} changed: it was None and now holds a gradient, so a "
                 f"backward reached the caller's tensor and stored it there. Whatever the "
                 f"caller accumulates there next is now wrong. Compute on a detached leaf of "
                 f"your own, or with `torch.autograd.grad`.",
                 f"调用方的 {name} 被改变了:它原来是 None,现在存着一个梯度,说明有一次 backward "
                 f"到达了调用方的张量并把梯度存在了那里。调用方之后在那里累积的东西就错了。请在自己的 "
                 f"detach 出来的叶子张量上计算,或用 `torch.autograd.grad`。",
                 call=call, got=f"{name} = {show(got)}", expected=f"{name} = None", kata=KATA)
        before64 = before.detach().double()
        if isinstance(got, Seen) and got.complete and got.dtype == before.dtype and \
                got.shape == tuple(before.shape) and torch.equal(got.tensor.double(), before64):
            continue
        how_en, how_zh = "", ""
        if got is None:
            how_en, how_zh = ": it is None now (the caller's gradient is gone)", \
                ":它现在是 None(调用方的梯度没了)"
        elif isinstance(got, Seen) and got.complete and got.shape == tuple(before.shape):
            value = got.tensor.double()
            if bool((value == 0).all()):
                how_en, how_zh = ": it was zeroed (`.zero_()`)", ":它被清零了(`.zero_()`)"
            elif bool(torch.isclose(value, before64, rtol=1e-3, atol=0).all()):
                how_en = (": the helper added into it and took its own part out again, and "
                          "`(old + g) - g` is not `old` in floating point")
                how_zh = ":辅助函数先往里加、再把自己的部分减出来,而在浮点数里 `(old + g) - g` 并不等于 `old`"
            else:
                how_en = ": the helper's backward accumulated into it"
                how_zh = ":辅助函数的 backward 累加进去了"
        fail(f"the caller's {name} changed{how_en}. Whatever the caller is accumulating there "
             f"is now wrong. Compute on a detached leaf of your own, or with "
             f"`torch.autograd.grad`, and never touch the caller's tensors.",
             f"调用方的 {name} 被改变了{how_zh}。调用方在那里累积的东西就错了。请在自己的 detach 出来"
             f"的叶子张量上计算,或用 `torch.autograd.grad`,不要碰调用方的张量。",
             call=call, got=f"{name} = {show(got)}", expected=f"{name} = {show(before)}",
             kata=KATA)


# --- two results kept side by side, and x changed in between -------------------------------------

KEPT_EXAMPLES = [
    {"seed": 30, "f": "torch.sin", "g": "torch.tanh", "x": shape_of([5]), "shift": 1.0},
    {"seed": 31, "f": "lambda t: t ** 3", "g": "torch.exp",
     "x": shape_of([3, 2], "float64", "transposed"), "shift": -0.5},
]

KEPT_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "f": st.sampled_from(SMOOTH[:3]),
    "g": st.sampled_from(SMOOTH[3:]),
    "x": st.fixed_dictionaries({
        "shape": irr.shapes(min_dims=1, max_dims=2, max_side=4),
        "dtype": irr.float_dtypes(low=False),
        "layout": irr.layouts(),  # written into below: never expanded
        "scale": st.just(1.0),
        "offset": st.just(0.0),
    }),
    "shift": st.sampled_from([1.0, -0.5, 2.0]),
})


@observe(examples=KEPT_EXAMPLES, draw=KEPT_CASES)
def kept_and_called_again(kata, case):
    """r1 = f'(x), r2 = g'(x), both kept; then x changes in place and f'(x) is asked again (the
    same function objects every time, as a plotting loop calls them)."""
    x = x_of(case)
    f, g = FUNCTIONS[case.f][0], FUNCTIONS[case.g][0]
    r1 = attempt(kata, f, x)
    r2 = attempt(kata, g, x)
    with torch.no_grad():
        x.add_(case.shift)
    r3 = attempt(kata, f, x)
    v1, v2, v3 = (r.get("value") for r in (r1, r2, r3))

    def shares(p, q):
        return (isinstance(p, torch.Tensor) and isinstance(q, torch.Tensor) and p.numel() > 0
                and q.numel() > 0 and p.untyped_storage().data_ptr()
                == q.untyped_storage().data_ptr())

    return {"r1": r1, "r2": r2, "r3": r3, "x": x,
            "r3_is_r1": v3 is not None and v3 is v1, "r1_shares_r2": shares(v1, v2),
            "r1_shares_x": shares(v1, x), "r1_is_x_grad": v1 is not None and v1 is x.grad}


@claim(kept_and_called_again)
def test_each_call_returns_a_new_tensor_for_the_x_it_is_given(case, seen):
    x0 = x_of(case)
    en, _ = x_words(case)
    call = (f"r1 = elementwise_grad({case['f']}, x); r2 = elementwise_grad({case['g']}, x); "
            f"x += {case['shift']:g}; r3 = elementwise_grad({case['f']}, x), with x = {en} "
            f"(r1 and r2 kept)")
    rtol, atol = tolerance(case)
    results = {}
    for key in ("r1", "r2", "r3"):
        got = result_of(case, field(seen, key, call), None, call)
        expect(got.complete and got.shape == tuple(x0.shape),
               f"{key} is not shaped like x.", f"{key} 的形状与 x 不同。", call=call,
               got=show(got), kata=KATA)
        results[key] = got.tensor.double()
    moved = x_of(case)
    moved.add_(case["shift"])  # in x's dtype, as the caller's x was changed
    wants = {"r1": derivative(case, x0), "r2": derivative({**case, "f": case["g"]}, x0),
             "r3": derivative(case, moved)}
    if not agree(results["r1"], wants["r1"], rtol, atol):
        if seen.get("r1_is_x_grad") is True:
            fail("r1, kept by the caller, is the caller's x.grad itself, and the later calls' "
                 "backward passes added into it: gradients accumulate, and the tensor handed "
                 "back changes with them. Work on a leaf of your own "
                 "(`x.detach().requires_grad_()`), or use `torch.autograd.grad`, which returns "
                 "the gradient without storing it.",
                 "调用方保存的 r1 就是调用方的 x.grad 本身,之后几次调用的反向传播都加进了它:梯度被累加了,"
                 "交出去的张量也跟着变。请在自己的叶子张量上计算(`x.detach().requires_grad_()`),"
                 "或用 `torch.autograd.grad`,它直接返回梯度而不存起来。",
                 call=call, got=results["r1"], expected=wants["r1"], kata=KATA)
        shared = seen.get("r1_shares_r2") is True or agree(results["r1"], wants["r2"], rtol,
                                                             atol)
        fail(("r1, kept by the caller, was overwritten by the next call: it now holds r2's "
              "values" + (" and shares its memory" if seen.get("r1_shares_r2") is True else "")
              + ". One output buffer reused by every call (preallocated once, filled with "
              "`.copy_()` or `out=`) hands every caller the same tensor. Return a new tensor "
              "on every call."
              if shared else
              "r1, kept by the caller, no longer holds the derivative of f at x after the "
              "later calls: a result must stay as it was returned."),
             ("调用方保存的 r1 被下一次调用覆盖了:它现在是 r2 的值"
              + ("并且和 r2 共用内存" if seen.get("r1_shares_r2") is True else "")
              + "。每次调用都复用同一个输出缓冲区(预先分配一次,用 `.copy_()` 或 `out=` 填充),"
              "会把同一个张量交给每个调用方。请每次调用都返回一个新张量。"
              if shared else
              "调用方保存的 r1 在之后的调用后不再是 f 在 x 处的导数:返回的结果必须保持原样。"),
             call=call, got=results["r1"], expected=wants["r1"], kata=KATA)
    expect(agree(results["r2"], wants["r2"], rtol, atol),
           f"r2 is not the derivative of {case['g']} at x.",
           f"r2 不是 {case['g']} 在 x 处的导数。", call=call, got=results["r2"],
           expected=wants["r2"], kata=KATA)
    if not agree(results["r3"], wants["r3"], rtol, atol):
        stale = agree(results["r3"], wants["r1"], rtol, atol)
        cached = seen.get("r3_is_r1") is True
        fail(("after x changed in place, the call returned the very same tensor object as "
              "before, the old answer: a cache keyed by the arguments (`functools.lru_cache` "
              "keys a tensor by its identity, not its values) hands back a stale derivative. "
              "Compute it from x's values on every call."
              if stale and cached else
              "after x changed in place, the call returned the derivative at x's old values (a "
              "new tensor, but the old answer): something kept from the earlier call (a leaf "
              "or a copy of x made once, a cache) stood in for x's current values. Make the "
              "leaf from x on every call."
              if stale else
              "after x changed in place, the call did not return the derivative at x's new "
              "values."),
             ("x 被原地修改之后,这次调用返回的就是之前那个张量对象,也就是旧答案:按参数做键的缓存"
              "(`functools.lru_cache` 按张量的身份而不是数值做键)会返回过期的导数。请每次调用都根据 "
              "x 的数值计算。"
              if stale and cached else
              "x 被原地修改之后,这次调用返回的是 x 旧数值处的导数(张量是新的,答案是旧的):上一次调用"
              "留下的东西(只创建一次的叶子张量或 x 的副本、缓存)顶替了 x 现在的数值。请每次调用都从 "
              "x 创建叶子张量。"
              if stale else
              "x 被原地修改之后,这次调用没有返回 x 新数值处的导数。"),
             call=call, got=results["r3"], expected=wants["r3"], kata=KATA)
    expect(seen.get("r1_shares_x") is not True,
           "the result shares memory with x: writing the answer into x's storage (or handing "
           "back a view of it) changes the caller's x.",
           "结果与 x 共用内存:把答案写进 x 的存储(或返回它的视图)会改变调用方的 x。",
           call=call, kata=KATA)


# --- on a GPU ------------------------------------------------------------------------------------


@observe(examples=[{"seed": 40, "f": "torch.sin", "x": shape_of([3, 2])},
                   {"seed": 41, "f": "torch.tanh", "x": shape_of([4], "float64")}])
def on_the_gpu(kata, case):
    x = x_of(case).to("cuda")
    return {"result": attempt(kata, FUNCTIONS[case.f][0], x), "x": x}


@pytest.mark.gpu
@claim(on_the_gpu)
def test_on_the_gpu_the_result_is_the_derivative_on_the_gpu(case, seen):
    call = called(case) + " on 'cuda'"
    got = result_of(case, field(seen, "result", call), None, call)
    expect(got.device == "cuda", f"the result is on {got.device}, but x is on the GPU: the "
           f"derivative lives where x lives (`torch.ones_like(y)`, not `torch.ones(y.shape)`).",
           f"结果在 {got.device} 上,而 x 在 GPU 上:导数要和 x 在同一设备上(用 "
           f"`torch.ones_like(y)`,而不是 `torch.ones(y.shape)`)。", call=call, kata=KATA)
    check_value(case, got, derivative(case), call)
