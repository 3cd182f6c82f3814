"""reduction_lr: reduction='sum' takes the steps of 'mean' once the lr is divided by the batch size.

Each test is a claim (dojo/spec.py). A case describes a small linear-regression dataset in plain
data (its size, width, dtype, the labels' shape, the features' layout) and a call of
train_concise. The observer trains, watching every optimizer step (the parameters before and
after it and the gradient it used) and every call of the net (which examples it was given), and
returns that as data. The judge rebuilds the dataset and checks each step itself: the batch it
used, the gradient of the mean squared error over that batch at the parameters it started from,
the learning rate it was taken with; and the figure reported after each epoch against the mean
squared error per example it computes from the parameters the run had then. A mistake is named
only where that measurement shows it; otherwise the message says what was seen.

The irregular inputs (docs/CONTRIBUTING.md): float64 data (the net in the features' dtype),
transposed and sliced (non-contiguous) features, labels of shape (n,) beside (n, 1), a batch of
1, a batch larger than the dataset, sizes that batch_size does not divide (a short last batch),
num_epochs 0, several epochs (a fresh shuffle each), a second call (nothing kept), the caller's
global random state changed between two calls with the same seed, two seeds, a reduction string
made at run time, the parameters passed by name, lr values from 1e-5 to 3 (ints too) and batch
sizes up to 5000 for lr_for_sum_reduction. Left out on purpose: float16/bfloat16 (a 'mean' and a 'sum' of a few values rounded to 3 digits take no
comparable steps), integer data (nn.Linear needs floats), features that require grad, other
devices, memory held by the result (the kata returns a module and floats).
"""

from __future__ import annotations

import math
import random
import re
import traceback
from pathlib import Path

import torch
from hypothesis import settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.modules.module import register_module_forward_pre_hook
from torch.optim.optimizer import (register_optimizer_step_post_hook,
                                   register_optimizer_step_pre_hook)

from dojo import diagnose
from dojo import irregular as irr
from dojo.datasets import synthetic_data
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show

KATA = "reduction_lr"
MAX_STEPS = 400  # optimizer steps recorded per call (the defaults take 300)
MAX_CALLS = 600  # calls of the net recorded per call of train_concise
UNIT = {"float32": 2.0 ** -24, "float64": 2.0 ** -53}  # the dtype's unit roundoff
C = 32  # rounding units a right computation may be off by, per number it is made of


# --- a case: a dataset and a call --------------------------------------------------------------
# {"seed", "n", "d", "batch_size", "num_epochs", "lr", "dtype": "float32" | "float64",
#  "labels": "column" (n, 1) | "flat" (n,),
#  "layout": "contiguous" | "transposed" | "sliced" (every other column of a wider tensor)}


def data_seed(case) -> int:
    return (int(case["seed"]) * 7919 + 17) % 2**31


def train_seed(case, offset: int = 0) -> int:
    """The `seed` given to train_concise: not the seed the global generators get from the case
    (dojo.spec seeds them with case["seed"]), so that a run drawn from those cannot agree with
    one drawn from `seed` by chance."""
    return (int(case["seed"]) * 104729 + 7 + 1009 * offset) % 2**31


def dataset(case):
    """(features, labels) of a case, the same on every machine: y = X w + b + noise (0.01),
    values drawn in float64 and cast to the case's dtype, laid out as it says."""
    n, d = int(case["n"]), int(case["d"])
    gen = torch.Generator().manual_seed(data_seed(case))
    X = torch.randn(n, d, generator=gen, dtype=torch.float64)
    w = torch.randn(d, generator=gen, dtype=torch.float64) * 2
    b = float(torch.randn((), generator=gen, dtype=torch.float64)) * 2
    y = X @ w + b + 0.01 * torch.randn(n, generator=gen, dtype=torch.float64)
    kind = irr.dtype(case.get("dtype", "float32"))
    X, y = X.to(kind), y.to(kind)
    if case.get("layout") in ("transposed", "sliced"):
        X = irr.laid_out(X, case["layout"])
    if case.get("labels") != "flat":
        y = y.reshape(n, 1)
    return X, y


def global_state(case, which: int) -> None:
    """The caller's global random state before a call (torch's, Python's, NumPy's): one of
    several, drawn from the case."""
    value = (int(case["seed"]) * 31 + 1000003 * (which + 1)) % 2**31
    torch.manual_seed(value)
    random.seed(value)
    try:
        import numpy

        numpy.random.seed(value % 2**32)
    except ImportError:  # pragma: no cover
        pass


# --- watching a call of train_concise ----------------------------------------------------------


def flat(tensors):
    """The values of some tensors, one flat list of floats (None where they have none: a
    tensor on 'meta', a complex one)."""
    try:
        return torch.cat([t.detach().reshape(-1).double().cpu() for t in tensors]).tolist() \
            if tensors else []
    except (RuntimeError, TypeError, ValueError, NotImplementedError):
        return None


class Watch:
    """Every optimizer step taken while it is on (the parameters before and after it, and the
    gradient it used: `.grad` just after the step) and every call of a module that holds
    parameters (its input, how many steps were taken before it, grad mode)."""

    def __init__(self):
        self.steps: list[dict] = []
        self.total = 0
        self.shapes = None
        self.calls: list[tuple] = []
        self._before = None
        self._last = None

    def __enter__(self):
        self.handles = [register_optimizer_step_pre_hook(self._pre),
                        register_optimizer_step_post_hook(self._post),
                        register_module_forward_pre_hook(self._forward)]
        return self

    def __exit__(self, *exc):
        for handle in self.handles:
            handle.remove()

    def _pre(self, optimizer, args, kwargs):
        if self.total < MAX_STEPS:
            self._before = flat([p for g in optimizer.param_groups for p in g["params"]])

    def _post(self, optimizer, args, kwargs):
        params = [p for g in optimizer.param_groups for p in g["params"]]
        if self.shapes is None:
            self.shapes = {"shapes": [list(p.shape) for p in params],
                           "dtypes": [str(p.dtype).replace("torch.", "") for p in params]}
        if self.total < MAX_STEPS:
            grads = [p.grad for p in params]
            self.steps.append({
                "b": self._before, "a": flat(params),
                "g": flat(grads) if all(g is not None for g in grads) else None,
            })
        self.total += 1

    def _forward(self, module, args):
        x = args[0] if args else None
        if not isinstance(x, torch.Tensor) or next(module.parameters(), None) is None:
            return
        nested = x is self._last  # a container handing its input on (nn.Sequential)
        self._last = x
        if len(self.calls) < MAX_CALLS:
            self.calls.append((module, x.detach().clone(), self.total, torch.is_grad_enabled(),
                               nested))


def rows_of(X):
    """Each row of the features (as float64 values) -> its index."""
    index: dict = {}
    for i, row in enumerate(X.detach().double().tolist()):
        index.setdefault(tuple(row), i)
    return index


def calls_of(watch, net, index) -> list[dict]:
    """The calls of the returned net: which examples (indices into features, -1 for a row that
    is none of them) it was called on, after how many steps, with grad mode on or off."""
    if not isinstance(net, nn.Module):
        return []
    mine = {id(p) for p in net.parameters()}
    out = []
    for module, x, steps, grad, nested in watch.calls:
        if nested or not mine or {id(p) for p in module.parameters()} != mine:
            continue
        rows = x.double().reshape(x.shape[0], -1).tolist() if x.dim() else []
        out.append({"rows": [index.get(tuple(r), -1) for r in rows], "step": steps,
                    "grad": grad})
    return out


def error_data(kata, err) -> dict:
    """What the learner's code raised, as data: its type, its text, the line of the learner's
    file it came from."""
    path = getattr(kata, "path", None)
    at = None
    if path is not None:
        for frame in traceback.extract_tb(err.__traceback__):
            try:
                if Path(frame.filename).resolve() == Path(path).resolve():
                    at = f"line {frame.lineno}: {(frame.line or '').strip()}"
            except (OSError, ValueError):
                continue
    return {"type": type(err).__name__, "text": str(err)[:500], "at": at}


class Run:
    """One watched call of train_concise: `data` crosses to the judge, `net` and `losses`
    stay here (for identity between calls)."""

    def __init__(self, data, net=None, losses=None):
        self.data, self.net, self.losses = data, net, losses


def train(kata, X, y, *, calls=True, keywords=False, **kwargs) -> Run:
    before = (X.clone(), y.clone())
    with Watch() as watch:
        try:
            result = (kata.train_concise(features=X, labels=y, **kwargs) if keywords
                      else kata.train_concise(X, y, **kwargs))
        except NotImplementedError:
            raise  # not started: the plugin says so
        except Exception as err:  # noqa: BLE001 - said by the judge, with the input it came on
            return Run({"raised": error_data(kata, err)})
    kept = (X.shape == before[0].shape and y.shape == before[1].shape
            and torch.equal(X, before[0]) and torch.equal(y, before[1]))
    pair = isinstance(result, (tuple, list)) and len(result) == 2
    net, losses = (result[0], result[1]) if pair else (None, None)
    params = list(net.parameters()) if isinstance(net, nn.Module) else []
    data = {
        "raised": None,
        "returned": {"pair": pair, "type": type(result).__name__,
                     "net": type(net).__name__ if pair else None,
                     "module": isinstance(net, nn.Module)},
        "params": {"shapes": [list(p.shape) for p in params],
                   "dtypes": [str(p.dtype).replace("torch.", "") for p in params],
                   "values": flat(params)},
        "losses": list(losses) if isinstance(losses, (list, tuple)) else losses,
        "losses_type": type(losses).__name__,
        "steps": watch.steps,
        "total": watch.total,
        "opt": watch.shapes,
        "calls": calls_of(watch, net, rows_of(X)) if calls else None,
        "inputs_kept": kept,
    }
    return Run(data, net, losses)


def arguments(case, **over) -> dict:
    kw = {"lr": case["lr"], "batch_size": int(case["batch_size"]),
          "num_epochs": int(case["num_epochs"]), "seed": train_seed(case)}
    kw.update(over)
    return kw


def run_cases(*, epochs=(0, 3)):
    return st.fixed_dictionaries({
        "seed": irr.seeds(),
        "n": st.integers(1, 48),
        "d": st.integers(1, 3),
        "batch_size": st.integers(1, 12),
        "num_epochs": st.integers(*epochs),
        "lr": st.sampled_from([0.01, 0.03, 0.05, 0.1]),
        "dtype": st.sampled_from(["float32", "float64"]),
        "labels": st.sampled_from(["column", "flat"]),
        "layout": st.sampled_from(["contiguous", "transposed", "sliced"]),
    })


# --- lr_for_sum_reduction ----------------------------------------------------------------------

LR_EXAMPLES = [
    {"seed": 0, "lr": 0.03, "batch_size": 10},  # the articles' case
    {"seed": 1, "lr": 0.03, "batch_size": 64},  # 0.00046875: four decimals are not enough
    {"seed": 2, "lr": 0.03, "batch_size": 3},  # lr * (1 / 3) is an ulp off lr / 3: fine
    {"seed": 3, "lr": 0.1, "batch_size": 1},
    {"seed": 4, "lr": 1, "batch_size": 4},  # an int lr
    {"seed": 5, "lr": 0.5, "batch_size": 7},
    {"seed": 6, "lr": 1e-4, "batch_size": 4096},
    {"seed": 7, "lr": 0.05, "batch_size": 32},
]

LR_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "lr": st.one_of(st.floats(1e-5, 1.0), st.integers(1, 3)),
    "batch_size": st.one_of(st.integers(1, 128), st.integers(129, 5000)),
})


@observe(examples=LR_EXAMPLES, draw=LR_CASES)
def sum_lr(kata, case):
    return {"got": kata.lr_for_sum_reduction(case["lr"], int(case["batch_size"]))}


def lr_causes(lr, b) -> list[tuple[float, tuple[str, str]]]:
    """(the value, the words) of each known wrong way of computing `lr / batch_size`."""
    want = lr / b
    out = []
    if b > 1:
        out += [
            (float(lr), (
                f"the same lr for 'sum': it returned lr_mean itself. With reduction='sum' the "
                f"loss, and so its gradient, is batch_size = {b} times the 'mean' one, so the "
                f"same lr takes steps {b} times larger. Divide the lr by the batch size: "
                f"`lr_mean / batch_size`.",
                f"'sum' 用了同样的学习率:它原样返回了 lr_mean。reduction='sum' 时损失及其梯度是 "
                f"'mean' 的 batch_size = {b} 倍,同样的 lr 会让每一步大 {b} 倍。请把学习率除以批量"
                f"大小:`lr_mean / batch_size`。")),
            (lr * b, (
                f"the lr was multiplied by the batch size: 'sum' already makes the gradient "
                f"batch_size = {b} times larger, so its lr must be batch_size times *smaller*, "
                f"`lr_mean / batch_size`; this one makes every step {b * b} times too long.",
                f"学习率乘以了批量大小:'sum' 已经让梯度大了 batch_size = {b} 倍,学习率应当小 "
                f"batch_size 倍,即 `lr_mean / batch_size`;这样每一步都长了 {b * b} 倍。")),
            (lr / (b * b), (
                f"the lr was divided by the batch size twice ({b} * {b}): 'sum' steps would be "
                f"{b} times too short. Divide once: `lr_mean / batch_size`.",
                f"学习率除了两次批量大小({b} * {b}):'sum' 的每一步会短 {b} 倍。只除一次:"
                f"`lr_mean / batch_size`。")),
            (lr / math.sqrt(b), (
                f"the lr was divided by the square root of the batch size (the \"square-root "
                f"rule\" of large-batch training): a summed loss has exactly batch_size = {b} "
                f"times the gradient of the mean, so 'sum' steps would be sqrt({b}) = "
                f"{math.sqrt(b):.3g} times too long. Divide by the batch size itself.",
                f"学习率除以了批量大小的平方根(大批量训练的“平方根法则”):求和损失的梯度正好是平均损失的 "
                f"batch_size = {b} 倍,这样 'sum' 的每一步会长 sqrt({b}) = {math.sqrt(b):.3g} 倍。"
                f"请除以批量大小本身。")),
        ]
    floor = float(lr // b)
    out.append((floor, (
        f"`lr_mean // batch_size` is floor division: it rounds the quotient down to a whole "
        f"number ({floor:g} here). Use true division, `lr_mean / batch_size`.",
        f"`lr_mean // batch_size` 是向下取整的整除:它把商舍成了整数(这里是 {floor:g})。请用真正的"
        f"除法 `lr_mean / batch_size`。")))
    with torch.no_grad():
        for value in (float(torch.tensor(want, dtype=torch.float32)),
                      float(torch.tensor(lr, dtype=torch.float32) / b)):
            out.append((value, (
                "the value was computed (or stored) in float32, a tensor's default dtype "
                "(`torch.tensor(lr_mean) / batch_size`, `.item()` of a float32 tensor): it is "
                "off by float32's rounding, about 1e-8 of it. The lr is a Python float: "
                "`lr_mean / batch_size`.",
                "这个值是用 float32(张量的默认 dtype)算出或存下的(`torch.tensor(lr_mean) / "
                "batch_size`、float32 张量的 `.item()`):它带着 float32 的舍入误差,约为它的 1e-8。"
                "学习率是 Python float:`lr_mean / batch_size`。")))
    return out


def rounded_to(got: float, want: float) -> int | None:
    """The number of decimals `want` was rounded to, if `got` is exactly that rounding."""
    for k in range(0, 11):
        value = round(want, k)
        if value == got and not math.isclose(value, want, rel_tol=1e-9):
            return k
    return None


@claim(sum_lr)
def test_lr_for_sum_reduction_is_lr_over_batch_size(case, seen):
    lr, b = case["lr"], int(case["batch_size"])
    call = f"lr_for_sum_reduction({lr!r}, {b})"
    want = lr / b
    got = seen.get("got") if isinstance(seen, dict) else None
    if isinstance(got, Seen):
        fail("lr_for_sum_reduction returned a tensor: it returns a Python float, the learning "
             "rate (`lr_mean / batch_size`; `.item()` of a tensor would also carry float32's "
             "rounding).",
             "lr_for_sum_reduction 返回了张量:它应当返回 Python float,即学习率"
             "(`lr_mean / batch_size`;对张量取 `.item()` 还会带上 float32 的舍入误差)。",
             call=call, got=show(got), expected=show(want), kata=KATA)
    value = None
    if type(got) in (int, float):
        value = float(got)
    elif isinstance(got, Other) and isinstance(got.value, (int, float)) \
            and not isinstance(got.value, bool):
        value = float(got.value)
    expect(value is not None,
           "lr_for_sum_reduction must return a number, the learning rate (a Python float).",
           "lr_for_sum_reduction 应当返回一个数:学习率(Python float)。",
           call=call, got=show(got), expected=f"{want!r}", kata=KATA)
    if not math.isclose(value, want, rel_tol=1e-13, abs_tol=0.0):
        k = rounded_to(value, want)
        if k is not None:
            fail(f"the lr was rounded to {k} decimals: {want!r} became {value!r}, "
                 f"{value / want:.4g} times the right value, so 'sum' no longer takes the 'mean' "
                 f"steps (a batch size of 10 hides it: 0.03 / 10 needs no rounding). Return "
                 f"`lr_mean / batch_size` as it is; round only what you print.",
                 f"学习率被舍入到了 {k} 位小数:{want!r} 变成了 {value!r},是正确值的 "
                 f"{value / want:.4g} 倍,'sum' 就不再走 'mean' 的步子了(批量为 10 时看不出来:"
                 f"0.03 / 10 不需要舍入)。请原样返回 `lr_mean / batch_size`;只在打印时舍入。",
                 call=call, got=repr(value), expected=repr(want), kata=KATA)
        for candidate, words in lr_causes(lr, b):
            if math.isclose(value, candidate, rel_tol=1e-12, abs_tol=1e-300) and \
                    not math.isclose(candidate, want, rel_tol=1e-9):
                fail(*words, call=call, got=repr(value), expected=repr(want), kata=KATA)
        fail(f"it returned {value!r}, {value / want:.6g} times lr_mean / batch_size = {want!r}: "
             f"with it, one 'sum' step is not the 'mean' step (the gradient of a sum over "
             f"{b} examples is {b} times that of their mean).",
             f"它返回了 {value!r},是 lr_mean / batch_size = {want!r} 的 {value / want:.6g} 倍:"
             f"用它走一步 'sum' 就不等于 'mean' 的一步({b} 个样本求和的梯度是其平均的 {b} 倍)。",
             call=call, got=repr(value), expected=repr(want), kata=KATA)
    expect(isinstance(got, float) or (isinstance(got, Other) and got.type.endswith("float64")),
           f"the value is right, but it is {type(got).__name__ if not isinstance(got, Other) else got.type}"
           f", not a float: return `lr_mean / batch_size`, which is a float in Python 3 (`//` "
           f"and `int(...)` give ints).",
           f"数值是对的,但类型是 {type(got).__name__ if not isinstance(got, Other) else got.type},"
           f"不是 float:请返回 `lr_mean / batch_size`,在 Python 3 里它就是 float(`//` 和 "
           f"`int(...)` 得到的是 int)。",
           call=call, got=show(got), expected=repr(want), kata=KATA)


# --- train_concise: reading what a run did -----------------------------------------------------


def data_words(case) -> tuple[str, str]:
    n, d, kind = int(case["n"]), int(case["d"]), case.get("dtype", "float32")
    shape = f"({n},)" if case.get("labels") == "flat" else f"({n}, 1)"
    en_lay, zh_lay = irr.WORDS.get(case.get("layout", "contiguous"), ("", ""))
    return (f"{kind} {en_lay}features ({n}, {d}), labels {shape}",
            f"{kind} {zh_lay}特征 ({n}, {d}),标签 {shape}")


def call_of(case, reduction=None, **over) -> str:
    kw = arguments(case, **over)
    parts = ["features", "labels"] + ([f"reduction={reduction!r}"] if reduction else []) + [
        f"lr={kw['lr']!r}", f"batch_size={kw['batch_size']}", f"num_epochs={kw['num_epochs']}",
        f"seed={kw['seed']}"]
    en, zh = data_words(case)
    return f"train_concise({', '.join(parts)})" + t(f" on {en}", f",数据:{zh}")


def t(en: str, zh: str) -> str:
    from dojo.i18n import t as pick

    return pick(en, zh)


def bad_data(call, what) -> None:
    fail(f"the observation of this call came back malformed ({what}): it cannot be judged.",
         f"这次调用的观测数据格式不对({what}),无法评判。", call=call, kata=KATA)


def part(seen, key, call) -> dict:
    value = seen.get(key) if isinstance(seen, dict) else None
    if not isinstance(value, dict):
        bad_data(call, key)
    return value


def why_raised(case, text: str) -> tuple[str, str]:
    """Why an error came on this input, where the case and the error's words show it."""
    kind, d = case.get("dtype", "float32"), int(case.get("d", 0))
    shapes = re.search(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and "
                       r"(\d+)x(\d+)\)", text)
    if shapes and int(shapes.group(2)) == d and int(shapes.group(3)) != d:
        k = int(shapes.group(3))
        return (f"The net takes {k} inputs, and the features here have {d} columns: build the "
                f"net for the features of this call, `nn.Linear(features.shape[1], 1)` (not one "
                f"kept from another call, nor a fixed width).",
                f"网络接受 {k} 个输入,而这里的特征有 {d} 列:请为这次调用的特征创建网络,"
                f"`nn.Linear(features.shape[1], 1)`(不要沿用别的调用留下的网络,也不要写死宽度)。")
    if ("dtype" in text or "Double" in text) and kind == "float64":
        return ("The features and labels here are float64, and `nn.Linear(d, 1)` is float32 "
                "unless told otherwise: build the net in the features' dtype (`nn.Linear(d, 1, "
                "dtype=features.dtype)`, or `.to(features.dtype)`), and give it and the loss "
                "the data as it is (no `.float()`).",
                "这里的特征和标签是 float64,而 `nn.Linear(d, 1)` 默认是 float32:请按特征的 dtype 创建"
                "网络(`nn.Linear(d, 1, dtype=features.dtype)`,或 `.to(features.dtype)`),并把数据原样"
                "交给它和损失函数(不要 `.float()`)。")
    if "dtype" in text or "Double" in text:
        return (f"The features and labels here are {kind}, and the net is not: build the net in "
                f"the features' dtype in every call (`nn.Linear(d, 1, dtype=features.dtype)`), "
                f"not one kept from another call.",
                f"这里的特征和标签是 {kind},网络却不是:每次调用都要按特征的 dtype 创建网络"
                f"(`nn.Linear(d, 1, dtype=features.dtype)`),不要沿用别的调用留下的网络。")
    if case.get("layout") in ("transposed", "sliced") and "view" in text:
        return (f"The features here are a {case['layout']} (non-contiguous) tensor: `.view` refuses "
                "what does not sit in memory in order. Use `.reshape`, or index rows as they "
                "are.",
                "这里的特征是非连续张量(转置或切片得到的):内存不按顺序排列时 `.view` 会拒绝。请用 "
                "`.reshape`,或者直接按行索引。")
    if case.get("labels") == "flat" and re.search(r"must match the size|target size|"
                                                  r"broadcast", text):
        return ("The labels here have shape (n,), not (n, 1): reshape them to a column "
                "(`labels.reshape(-1, 1)`) before they meet the (B, 1) predictions.",
                "这里的标签形状是 (n,),不是 (n, 1):在与 (B, 1) 的预测相遇之前,请把它变成一列"
                "(`labels.reshape(-1, 1)`)。")
    if "unexpected keyword argument" in text or "positional-only" in text:
        return ("The parameters are named as the contract names them, and may be passed by "
                "name: `train_concise(features, labels, *, reduction='mean', lr=0.03, "
                "batch_size=10, num_epochs=3, seed=0)`.",
                "参数的名字要与约定一致,并且可以按名字传入:`train_concise(features, labels, *, "
                "reduction='mean', lr=0.03, batch_size=10, num_epochs=3, seed=0)`。")
    if int(case.get("num_epochs", 1)) == 0:
        return ("num_epochs is 0 here: no epoch, no step, and `losses` is [].",
                "这里 num_epochs 为 0:没有轮次,没有步骤,`losses` 是 []。")
    return ("", "")


def check_raised(case, run, call) -> None:
    err = run.get("raised")
    if err is None:
        return
    if not isinstance(err, dict):
        bad_data(call, "raised")
    kind = str(err.get("type"))[:80]
    text = str(err.get("text"))[:500]
    at = err.get("at") if isinstance(err.get("at"), str) else None
    where = f" ({at})" if at else ""
    why_en, why_zh = why_raised(case, text)
    fail(f"train_concise raised {kind}{where}: {text}. {why_en}".rstrip(),
         f"train_concise 抛出了 {kind}{where}:{text}。{why_zh}".rstrip(), call=call, kata=KATA)


def check_returned(run, call) -> None:
    ret = run.get("returned")
    ok = isinstance(ret, dict) and ret.get("pair") is True and ret.get("module") is True
    got = (f"a {ret.get('type')}" + (f" whose first item is a {ret.get('net')}"
                                     if ret.get("pair") is True else "")
           if isinstance(ret, dict) else show(ret))
    expect(ok,
           "train_concise must return `(net, losses)`: the trained module and the list of the "
           "per-epoch losses.",
           "train_concise 应当返回 `(net, losses)`:训练好的模块和每轮损失的列表。",
           call=call, got=got, expected="(net, losses)", kata=KATA)


def order_of(shapes, d: int):
    """Where, in the flat vector of parameters of these shapes, the weight's d values and the
    bias of one nn.Linear(d, 1) are (None when the shapes are not those)."""
    if not isinstance(shapes, list) or len(shapes) != 2 or not all(
            isinstance(s, list) and all(type(x) is int for x in s) for s in shapes):
        return None
    if sorted(map(tuple, shapes)) != sorted([(1, d), (1,)]):
        return None
    w = shapes.index([1, d])
    start = 0 if w == 0 else 1
    bias = d if w == 0 else 0
    return list(range(start, start + d)) + [bias]


def vector(values, order):
    if not isinstance(values, list) or len(values) != len(order) or not all(
            type(v) in (int, float) for v in values):
        return None
    return torch.tensor(values, dtype=torch.float64)[order]


def net_of(case, run, call):
    """The returned net's parameters as [w_1 .. w_d, b] (float64), after checking that it is one
    nn.Linear(d, 1) in the features' dtype."""
    d, kind = int(case["d"]), case.get("dtype", "float32")
    params = run.get("params")
    if not isinstance(params, dict):
        bad_data(call, "params")
    shapes, dtypes = params.get("shapes"), params.get("dtypes")
    order = order_of(shapes, d)
    expect(order is not None,
           f"the returned net is not one `nn.Linear(d, 1)`: its parameters have the shapes "
           f"{show(shapes)}, where a weight (1, {d}) and a bias (1,) are expected.",
           f"返回的网络不是一个 `nn.Linear(d, 1)`:它的参数形状是 {show(shapes)},而应当是权重 "
           f"(1, {d}) 和偏置 (1,)。", call=call, kata=KATA)
    if isinstance(dtypes, list) and any(x != kind for x in dtypes):
        fail(f"the net's parameters are {', '.join(map(str, dtypes))}, the features {kind}: "
             f"the net is built in the features' dtype (`nn.Linear(d, 1, "
             f"dtype=features.dtype)`, or `.to(features.dtype)`), and trained on the features "
             f"as they are (a `.float()` of float64 data throws away its precision).",
             f"网络参数是 {', '.join(map(str, dtypes))},特征却是 {kind}:网络要按特征的 dtype 创建"
             f"(`nn.Linear(d, 1, dtype=features.dtype)`,或 `.to(features.dtype)`),并在原样的特征上"
             f"训练(对 float64 数据 `.float()` 会丢掉精度)。", call=call, kata=KATA)
    theta = vector(params.get("values"), order)
    if theta is None:
        bad_data(call, "params")
    return theta


def steps_of(case, run, call) -> list[tuple]:
    """Every recorded step as (before, after, gradient or None), each [w_1 .. w_d, b]."""
    d = int(case["d"])
    steps = run.get("steps")
    total = run.get("total")
    if not isinstance(steps, list) or type(total) is not int or len(steps) > total:
        bad_data(call, "steps")
    if not steps:
        return []
    opt = run.get("opt")
    shapes = opt.get("shapes") if isinstance(opt, dict) else None
    order = order_of(shapes, d)
    expect(order is not None,
           f"the optimizer holds tensors of the shapes {show(shapes)}: it steps the parameters "
           f"of the one `nn.Linear({d}, 1)`, its weight (1, {d}) and its bias (1,) "
           f"(`torch.optim.SGD(net.parameters(), lr=...)`), and nothing else.",
           f"优化器持有的张量形状是 {show(shapes)}:它只更新那一个 `nn.Linear({d}, 1)` 的参数,即权重 "
           f"(1, {d}) 和偏置 (1,)(`torch.optim.SGD(net.parameters(), lr=...)`)。",
           call=call, kata=KATA)
    out = []
    for step in steps:
        if not isinstance(step, dict):
            bad_data(call, "steps")
        before, after = vector(step.get("b"), order), vector(step.get("a"), order)
        grad = vector(step.get("g"), order) if step.get("g") is not None else None
        if before is None or after is None or (step.get("g") is not None and grad is None):
            bad_data(call, "steps")
        out.append((before, after, grad))
    return out


def batches_of(case, run, count: int, call) -> list:
    """The examples each of the first `count` steps trained on: the indices of the rows the net
    was last called on, with grad mode on, before the step (None where no call was seen)."""
    n = int(case["n"])
    calls = run.get("calls")
    if not isinstance(calls, list):
        bad_data(call, "calls")
    last: dict[int, list] = {}
    for c in calls:
        if not isinstance(c, dict) or type(c.get("step")) is not int or not isinstance(
                c.get("rows"), list) or not all(type(i) is int for i in c["rows"]):
            bad_data(call, "calls")
        if c["step"] not in last or c.get("grad") is True or last[c["step"]][0] is not True:
            last[c["step"]] = (c.get("grad") is True, c["rows"])
    out = []
    for k in range(count):
        found = last.get(k)
        out.append(None if found is None else [i if 0 <= i < n else -1 for i in found[1]])
    return out


def report_calls(case, run, step: int) -> list[list[int]]:
    """The calls of the net made after `step` steps with grad mode off (a report's forwards)."""
    n = int(case["n"])
    calls = run.get("calls") if isinstance(run.get("calls"), list) else []
    return [[i for i in c["rows"] if type(i) is int and 0 <= i < n] for c in calls
            if isinstance(c, dict) and c.get("step") == step and c.get("grad") is False
            and isinstance(c.get("rows"), list)]


def chance_of_order(sizes: list[int], n: int) -> float:
    """log of the chance that a fresh shuffle gives one given sequence of batches (as sets)."""
    return sum(math.lgamma(s + 1) for s in sizes) - math.lgamma(n + 1)


def epochs_checked(case, run, steps, call, who: str) -> list[tuple[int, int]]:
    """The run's steps split into epochs, each a pass over every example once, in batches of
    batch_size (the last one smaller), shuffled anew: [(first step, after the last), ...].
    Fails with what was seen where the batches are not those."""
    n, B, E = int(case["n"]), int(case["batch_size"]), int(case["num_epochs"])
    T = run["total"]
    S = -(-n // B)
    sizes_right = sorted([B] * (n // B) + ([n % B] if n % B else []))
    expect(not (E == 0 and T), f"num_epochs=0 trains nothing, but {who[0]} took {T} optimizer "
           f"step{'s' if T != 1 else ''}: `for epoch in range(num_epochs)` runs no epoch at all.",
           f"num_epochs=0 时不应训练,{who[1]}却走了 {T} 步优化器:`for epoch in range(num_epochs)` "
           f"一轮也不运行。", call=call, kata=KATA)
    if E == 0:
        return []
    expect(T > 0,
           f"{who[0]} took no optimizer step: nothing was trained. Each epoch, for each batch: "
           f"`trainer.zero_grad()`, the loss, `backward()`, `trainer.step()` (a "
           f"`torch.optim.SGD`: the tests watch its steps).",
           f"{who[1]}没有走任何一步优化器:什么也没训练。每一轮、每个批量:`trainer.zero_grad()`、计算"
           f"损失、`backward()`、`trainer.step()`(用 `torch.optim.SGD`:测试观察的是它的每一步)。",
           call=call, kata=KATA)
    expect(T == len(steps), f"{who[0]} took {T} optimizer steps, more than the {MAX_STEPS} "
           f"that this check follows (num_epochs={E} epochs of {S} batches are {E * S}).",
           f"{who[1]}走了 {T} 步优化器,超过了本检查跟踪的 {MAX_STEPS} 步(num_epochs={E} 轮、每轮 "
           f"{S} 个批量,共 {E * S} 步)。", call=call, kata=KATA)
    batches = batches_of(case, run, T, call)
    for k, rows in enumerate(batches, start=1):
        expect(rows is not None or k == 1 or batches[k - 2] is None,
               f"step {k} of {who[0]} came right after step {k - 1}, with no call of the net in "
               f"between: two optimizer steps for one batch (a second `trainer.step()`). One "
               f"step per batch: zero_grad, loss, backward, step.",
               f"{who[1]}的第 {k} 步紧跟在第 {k - 1} 步之后,中间没有调用网络:一个批量走了两步优化器"
               f"(多了一个 `trainer.step()`)。每个批量一步:zero_grad、损失、backward、step。",
               call=call, kata=KATA)
        expect(rows is not None,
               f"step {k} of {who[0]} was taken, but no call of the returned net came before "
               f"it: the tests see which examples a step trained on by watching the calls of "
               f"the net (`net(X)`; `net.forward(X)` or a copy of the net is not seen). Train "
               f"the net you return, and call it on each batch.",
               f"{who[1]}走了第 {k} 步,但在它之前没有看到对返回网络的调用:测试通过观察网络的调用"
               f"(`net(X)`;`net.forward(X)` 或网络的副本看不到)来知道每一步训练了哪些样本。请训练"
               f"你返回的那个网络,并在每个批量上调用它。", call=call, kata=KATA)
        expect(rows and -1 not in rows,
               f"before step {k} of {who[0]} the net was called on rows that are not rows of "
               f"`features` as given (got {len(rows)} rows, {rows.count(-1)} of them none of "
               f"the features'): the net is called on a batch of the features themselves, in "
               f"their dtype, unchanged.",
               f"{who[1]}第 {k} 步之前,网络被调用时的输入行不是原样 `features` 中的行(共 {len(rows)} 行,"
               f"其中 {rows.count(-1)} 行不属于特征):网络应当在特征本身的一个批量上调用,保持原来的 "
               f"dtype,不做改动。", call=call, kata=KATA)
    epochs: list[tuple[int, int]] = []
    i = 0
    while i < T:
        seen: set[int] = set()
        j = i
        while j < T and len(seen) < n and not (set(batches[j]) & seen) \
                and len(set(batches[j])) == len(batches[j]):
            seen |= set(batches[j])
            j += 1
        e = len(epochs) + 1
        sizes = [len(b) for b in batches[i:j]]
        span = t(f"steps {i + 1} to {j}", f"第 {i + 1} 到第 {j} 步")
        if len(seen) < n:
            r = n % B
            if r and len(seen) == n - r and all(s == B for s in sizes):
                fail(f"every epoch covers only {n - r} of the {n} examples, in full batches of "
                     f"{B}: the last {r} (n % batch_size) are dropped (`drop_last=True`, or a "
                     f"range that stops before the tail). Every example is trained on once per "
                     f"epoch: the last batch is smaller.",
                     f"每一轮只覆盖了 {n} 个样本中的 {n - r} 个,都是 {B} 个一批的满批:最后 {r} 个"
                     f"(n % batch_size)被丢掉了(`drop_last=True`,或者 range 在尾部之前就停了)。每个"
                     f"样本每轮都要训练一次:最后一批小一些。",
                     call=call, got=f"{len(sizes)} batches of {B}",
                     expected=f"{S} batches: {', '.join(map(str, sizes_right[::-1]))}",
                     kata=KATA)
            fail(f"epoch {e} of {who[0]} ({span}) trained on {len(seen)} different examples "
                 f"of the {n} before one came again (or the run ended): an epoch goes through "
                 f"every example exactly once.",
                 f"{who[1]}的第 {e} 轮({span})在某个样本再次出现(或运行结束)之前只训练了 {n} 个样本中的 "
                 f"{len(seen)} 个:每一轮要恰好过一遍所有样本。",
                 call=call, got=f"batches of {sizes}", kata=KATA)
        if sorted(sizes) != sizes_right:
            full = [s for s in sizes if s != min(sizes)] or sizes
            if len(set(full)) == 1 and full[0] != B:
                m = full[0]
                fail(f"the batches hold {m} examples, not batch_size = {B}: the loader's batch "
                     f"size is not the argument"
                     + (" (d2l's constant 10?)" if m == 10 else "")
                     + f". With {m} examples a batch, a 'sum' loss is {m} times the mean, and "
                     f"lr_for_sum_reduction(lr, {B}) no longer matches it.",
                     f"批量里有 {m} 个样本,而不是 batch_size = {B}:加载器的批量大小不是传入的参数"
                     + ("(d2l 的常数 10?)" if m == 10 else "")
                     + f"。每批 {m} 个样本时,'sum' 损失是平均的 {m} 倍,lr_for_sum_reduction(lr, {B}) "
                     f"就对不上了。", call=call, got=f"batches of {sizes}",
                     expected=f"batches of {sizes_right[::-1]}", kata=KATA)
            fail(f"epoch {e} of {who[0]} went through batches of {sizes} examples: with "
                 f"n = {n} and batch_size = {B} they hold {sizes_right[::-1]}.",
                 f"{who[1]}的第 {e} 轮的批量大小是 {sizes}:n = {n}、batch_size = {B} 时应当是 "
                 f"{sizes_right[::-1]}。", call=call, kata=KATA)
        epochs.append((i, j))
        i = j
    if len(epochs) != E:
        if len(epochs) == 1:
            later = "epoch 2" if E == 2 else f"epochs 2 to {E}"
            zh_later = "第 2 轮" if E == 2 else f"第 2 到第 {E} 轮"
            fail(f"the first {S} steps made one pass over the data, and then no step came: "
                 f"{later} trained nothing. Batches made once, before the epoch loop (a "
                 f"generator, `iter(loader)`), are used up by the first epoch; a DataLoader "
                 f"gives a fresh pass each time it is iterated.",
                 f"前 {S} 步把数据过了一遍,之后就再没有任何一步:{zh_later}什么也没训练。在轮次"
                 f"循环之前只做一次的批量(生成器、`iter(loader)`)会被第一轮用完;DataLoader 每次被"
                 f"遍历都会重新给出一遍。", call=call, got=f"{T} steps",
                 expected=f"{E} epochs of {S} steps", kata=KATA)
        off = len(epochs) - E
        how = (f" (one pass too many: a loop over `range(num_epochs + 1)`?)" if off == 1 else
               f" (one pass too few: a loop over `range(1, num_epochs)`?)" if off == -1 else "")
        zh_how = ("(多了一遍:循环写成了 `range(num_epochs + 1)`?)" if off == 1 else
                  "(少了一遍:循环写成了 `range(1, num_epochs)`?)" if off == -1 else "")
        fail(f"{who[0]} made {len(epochs)} passes over the data ({T} steps), where "
             f"num_epochs = {E}: one pass per epoch, {E} in all{how}.",
             f"{who[1]}把数据过了 {len(epochs)} 遍(共 {T} 步),而 num_epochs = {E}:每轮一遍,共 {E} 遍"
             f"{zh_how}。",
             call=call, got=f"{T} steps", expected=f"{E} epochs of {S} steps", kata=KATA)
    for e, (i, j) in enumerate(epochs, start=1):
        sets = [sorted(b) for b in batches[i:j]]
        unlikely = chance_of_order([len(b) for b in sets], n) < math.log(1e-6)
        stored = [list(range(k * B, min(n, (k + 1) * B))) for k in range(S)]
        if unlikely and sets == stored:
            fail(f"epoch {e} went through the examples in their stored order (the first batch "
                 f"is examples {stored[0][:6]}{'...' if B > 6 else ''}): the batches are not "
                 f"shuffled. Shuffle every epoch (`DataLoader(dataset, batch_size, "
                 f"shuffle=True, generator=generator)`).",
                 f"第 {e} 轮按存储顺序遍历了样本(第一批是样本 {stored[0][:6]}"
                 f"{'...' if B > 6 else ''}):批量没有打乱。每一轮都要打乱(`DataLoader(dataset, "
                 f"batch_size, shuffle=True, generator=generator)`)。", call=call, kata=KATA)
        if e > 1 and unlikely:
            a, b = epochs[e - 2]
            if [sorted(x) for x in batches[a:b]] == sets:
                fail(f"epoch {e} went through the very batches of epoch {e - 1}, in the same "
                     f"order: the data was shuffled once, not every epoch (a DataLoader, or a "
                     f"generator, made anew with the same seed every epoch, or the global "
                     f"generator seeded again, gives the first order again). Make one generator and one loader before the epoch loop, "
                     f"and iterate the loader every epoch.",
                     f"第 {e} 轮的批量与第 {e - 1} 轮完全相同,顺序也一样:数据只打乱了一次,而不是每轮"
                     f"打乱(每轮用同一个 seed 重新创建 DataLoader 或生成器,或重新设定全局生成器的种子,得到的又是第一次的"
                     f"顺序)。请在"
                     f"轮次循环之前创建一个生成器和一个加载器,每轮遍历这个加载器。", call=call, kata=KATA)
    return epochs


def losses_kept(first, second, E) -> bool:
    """Whether the second call's losses begin with the first call's figures (a list kept from
    one call to the next)."""
    return (isinstance(first, list) and isinstance(second, list) and len(first) == E
            and len(second) > E and E > 0 and second[:E] == first)


def check_nothing_kept(case, a, b, call, *, same_net=False, same_losses=False) -> None:
    """Two calls one after the other: the second keeps nothing of the first."""
    E = int(case["num_epochs"])
    la, lb = a.get("losses"), b.get("losses")
    if losses_kept(la, lb, E) or (same_losses and E > 0):
        fail(f"the second call returned the first call's figures too: its `losses` holds "
             f"{len(lb) if isinstance(lb, list) else '?'} figures, the first {E} of them the "
             f"first call's. The list was kept from one call to the next (a list at module "
             f"level, or a default argument `losses=[]`): make a new list in every call.",
             f"第二次调用把第一次的数值也返回了:它的 `losses` 有 "
             f"{len(lb) if isinstance(lb, list) else '?'} 个数,前 {E} 个是第一次调用的。列表被从一次"
             f"调用保留到了下一次(模块级的列表,或默认参数 `losses=[]`):每次调用都要新建列表。",
             call=call, got=show(lb), expected=f"a new list of {E}", kata=KATA)
    expect(not same_net,
           "the second call returned the very net object of the first: the net was kept from "
           "one call to the next (in a global, a cache, or a default argument). Every call "
           "builds and trains a net of its own.",
           "第二次调用返回的正是第一次的那个网络对象:网络被从一次调用保留到了下一次(存在全局变量、"
           "缓存或默认参数里)。每次调用都要创建并训练自己的网络。",
           call=call, kata=KATA)


def same_figures(a, b) -> bool:
    """Two lists of figures alike (numbers, or tensors of the same values), nan where nan."""
    if not (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
        return a == b

    def plain(x):
        if isinstance(x, Seen):
            return (x.dtype_name, x.shape, x.requires_grad, x.values) if x.complete else id(x)
        return figure(x) if figure(x) is not None else x

    return all(plain(x) == plain(y) or (
        figure(x) is not None and figure(y) is not None and x != x and y != y)
        for x, y in zip(a, b))


def check_inputs_kept(run, call) -> None:
    expect(run.get("inputs_kept") is True,
           "train_concise changed the caller's `features` or `labels` (their values or their "
           "shape): it only reads them. Reshape into a new name (`y = labels.reshape(-1, 1)`), "
           "never in place (`labels.resize_`, `features -= ...`).",
           "train_concise 改动了调用方的 `features` 或 `labels`(数值或形状):它只应读取它们。请把变形"
           "结果赋给新名字(`y = labels.reshape(-1, 1)`),不要原地修改(`labels.resize_`、"
           "`features -= ...`)。", call=call, kata=KATA)


def start_of(case, run, steps, call):
    """The run's initial weights: before its first step (or the returned net, if it took none)."""
    return steps[0][0] if steps else net_of(case, run, call)


def differing(a, b) -> tuple[str, str]:
    """Which of the weight and the bias differ between two [w.., b] vectors."""
    w = not torch.equal(a[:-1], b[:-1])
    bias = a[-1] != b[-1]
    if w and bias:
        return "the weight and the bias differ", "权重和偏置"
    return ("the weight differs", "权重") if w else ("the bias differs", "偏置")


# --- train_concise: each step, measured --------------------------------------------------------

MEAN_RUN = ("the 'mean' run", "'mean' 那次运行")
SUM_RUN = ("the 'sum' run", "'sum' 那次运行")


def judge_data(case):
    """The case's data as the judge computes with it: float64 values of the dtype's numbers,
    labels as a flat vector."""
    X, y = dataset(case)
    return X.detach().double().contiguous(), y.detach().double().reshape(-1)


def batch_math(X, y, theta, idx):
    """On the examples `idx`, at the parameters `theta` = [w_1 .. w_d, b] (float64): the design
    matrix A (with a column of ones), the predictions, the residuals, the gradient of the mean
    squared error, and the size of the numbers that gradient is made of (its rounding)."""
    Xb, yb = X[idx], y[idx]
    m = len(idx)
    A = torch.cat([Xb, torch.ones(m, 1, dtype=torch.float64)], dim=1)
    pred = A @ theta
    r = pred - yb
    G = 2.0 / m * (A.T @ r)
    scale = A.abs() @ theta.abs() + yb.abs() + r.abs()
    return A, pred, r, G, 2.0 / m * (A.abs().T @ scale)


def within(got, want, tol) -> bool:
    return bool(torch.isfinite(got).all()) and bool(((got - want).abs() <= tol).all())


def fit_factor(got, base, tol):
    """The factor f with got ≈ f * base (least squares), if it fits within `tol` (scaled by f)."""
    norm = float(base @ base)
    if not norm or not bool(torch.isfinite(got).all()):
        return None
    f = float(got @ base) / norm
    return f if within(got, f * base, tol * max(1.0, abs(f))) else None


def step_words(k, e, m, B) -> tuple[str, str]:
    tail = m < B
    return (f"step {k} (epoch {e}, a batch of {m}{' examples, the short last one' if tail else ''})",
            f"第 {k} 步(第 {e} 轮,{m} 个样本的批量{',较短的最后一批' if tail else ''})")


def check_gradient(case, k, e, idx, g, G, Gabs, A, pred, ybar, prev, reduction, who,
                   call) -> None:
    """The gradient a step used, against that of the run's loss over its batch: the mean
    squared error for 'mean', the sum of squared errors for 'sum'."""
    m, B = len(idx), int(case["batch_size"])
    u = UNIT[case.get("dtype", "float32")]
    factor = 1.0 if reduction == "mean" else float(m)
    want = factor * G
    tol = C * u * factor * Gabs
    if g is not None and within(g, want, tol):
        return
    at_en, at_zh = step_words(k, e, m, B)
    shown = dict(call=call, got=show(g), expected=show(want), kata=KATA)
    expect(g is not None,
           f"at {at_en} {who[0]}'s parameters held no gradient when `trainer.step()` ran "
           f"(`.grad` None): the step used nothing. The order is `trainer.zero_grad()`, the "
           f"loss, `backward()`, `trainer.step()`.",
           f"{who[1]}在{at_zh}执行 `trainer.step()` 时参数没有梯度(`.grad` 为 None):这一步什么也"
           f"没用上。顺序是 `trainer.zero_grad()`、计算损失、`backward()`、`trainer.step()`。",
           **shown)
    causes = []
    if reduction == "mean":
        causes += [
            (0.5 * G, ("the loss has a half: it is `((y_hat - y) ** 2 / 2).mean()` (d2l's "
                       "squared_loss), whose gradient is half that of `nn.MSELoss()`. Train "
                       "with `nn.MSELoss(reduction=reduction)`.",
                       "损失里多了一个 1/2:它是 `((y_hat - y) ** 2 / 2).mean()`(d2l 的 squared_loss),"
                       "梯度是 `nn.MSELoss()` 的一半。请用 `nn.MSELoss(reduction=reduction)` 训练。")),
            (m / B * G, (f"the short last batch's loss was divided by batch_size = {B}, not "
                         f"by the {m} examples it holds (a sum over the batch / batch_size): its "
                         f"step is {m}/{B} of the mean's. `nn.MSELoss()` divides by the size of "
                         f"the batch it is given.",
                         f"较短的最后一批的损失除以的是 batch_size = {B},而不是它实际包含的 {m} 个样本"
                         f"(批量求和 / batch_size):这一步只有平均损失那一步的 {m}/{B}。"
                         f"`nn.MSELoss()` 除以的是它拿到的批量的大小。")),
            (m * G, (f"the 'mean' run's loss is a sum: its gradient is the batch's summed one, "
                     f"{m} times the mean. The loss is `nn.MSELoss(reduction=reduction)`, with "
                     f"the reduction the call was given.",
                     f"'mean' 那次运行的损失是求和:它的梯度是批量求和的梯度,是平均的 {m} 倍。损失应当是 "
                     f"`nn.MSELoss(reduction=reduction)`,用调用时给定的 reduction。")),
        ]
    else:
        causes += [
            (G, (f"the 'sum' run's gradient is that of the batch's mean loss, 1/{m} of the summed "
                 f"loss's: the loss it backpropagated is not the sum (`nn.MSELoss()` without "
                 f"`reduction=reduction`, or a sum divided by the batch size). Train on "
                 f"`nn.MSELoss(reduction=reduction)` and scale the lr instead: "
                 f"`lr_for_sum_reduction(lr, batch_size)`.",
                 f"'sum' 那次运行的梯度是批量平均损失的梯度,只有求和损失的 1/{m}:它反向传播的不是求和"
                 f"损失(`nn.MSELoss()` 没有传 `reduction=reduction`,或者把求和除以了批量大小)。请用 "
                 f"`nn.MSELoss(reduction=reduction)` 训练,改为缩放学习率:"
                 f"`lr_for_sum_reduction(lr, batch_size)`。")),
            (0.5 * m * G, ("the loss has a half: it is `((y_hat - y) ** 2 / 2).sum()` (d2l's "
                           "squared_loss), whose gradient is half that of "
                           "`nn.MSELoss(reduction='sum')`. Train with "
                           "`nn.MSELoss(reduction=reduction)`.",
                           "损失里多了一个 1/2:它是 `((y_hat - y) ** 2 / 2).sum()`(d2l 的 "
                           "squared_loss),梯度是 `nn.MSELoss(reduction='sum')` 的一半。请用 "
                           "`nn.MSELoss(reduction=reduction)` 训练。")),
        ]
    causes.append((2 * want, (
        f"at {at_en} the gradient is twice the batch's: `backward()` ran twice for the step "
        f"(gradients add up in `.grad`), or the loss was counted twice. One backward per step.",
        f"{at_zh}的梯度是这个批量的两倍:这一步 `backward()` 运行了两次(梯度在 `.grad` 里累加),或者"
        f"损失算了两遍。每一步只做一次 backward。")))
    if m > 1:
        # (B, 1) - (B,): every prediction against every label; its mean's gradient is that of
        # the predictions against the mean label (labels of shape (n,), or squeezed outputs)
        Gb = 2.0 / m * (A.T @ (pred - ybar))
        causes.append(((1.0 if reduction == "mean" else float(m * m)) * Gb, (
            (f"the labels, of shape (n,), met predictions of shape (B, 1) and broadcast: "
             f"`(B, 1) - (B,)` is a (B, B) matrix, every prediction against every label, and "
             f"the loss and its gradient are those of that matrix (PyTorch only warns). Reshape "
             f"the labels to a column first: `labels.reshape(-1, 1)`."
             if case.get("labels") == "flat" else
             f"predictions and labels of shapes (B, 1) and (B,) (a label or an output flattened "
             f"or squeezed) broadcast: `(B, 1) - (B,)` is a (B, B) matrix, every prediction "
             f"against every label, and the loss and its gradient are those of that matrix "
             f"(PyTorch only warns). Give the loss two tensors of the same shape, (B, 1)."),
            (f"形状为 (n,) 的标签和形状为 (B, 1) 的预测相遇后发生了广播:`(B, 1) - (B,)` 是一个 (B, B) "
             f"矩阵,每个预测对上每个标签,损失和梯度都是这个矩阵的(PyTorch 只给出警告)。请先把标签变成"
             f"一列:`labels.reshape(-1, 1)`。"
             if case.get("labels") == "flat" else
             f"形状为 (B, 1) 和 (B,) 的预测与标签(标签或输出被展平、squeeze 过)发生了广播:"
             f"`(B, 1) - (B,)` 是一个 (B, B) 矩阵,每个预测对上每个标签,损失和梯度都是这个矩阵的"
             f"(PyTorch 只给出警告)。请给损失函数两个形状相同的张量,(B, 1)。"))))
    if prev is not None:
        causes.append((want + prev, (
            f"at {at_en} the gradient is this batch's plus the one the previous step used: "
            f"`backward()` adds into `.grad`, and nothing cleared it in between. Call "
            f"`trainer.zero_grad()` before each `backward()`.",
            f"{at_zh}的梯度是这个批量的梯度加上上一步用过的梯度:`backward()` 会累加到 `.grad`,"
            f"而中间没有清零。每次 `backward()` 之前请调用 `trainer.zero_grad()`。")))
    if bool(torch.isfinite(g).all()):
        found = []
        for value, words in causes:
            scale = max(1.0, float(value.abs().max()) / max(float(want.abs().max()), 1e-300))
            if within(g, value, tol * scale) and not within(value, want, 10 * tol * scale) \
                    and words not in found:
                found.append(words)
        if len(found) == 1:  # two mistakes that give the same gradient here: neither is named
            fail(*found[0], **shown)
    f = fit_factor(g, G, tol)
    what = "均方误差的" if reduction == "mean" else "平方误差之和的"
    if f is not None:
        fail(f"at {at_en} the gradient {who[0]} stepped with is {f / factor:.4g} times "
             f"{'the mean' if reduction == 'mean' else 'the summed'} squared error's over its "
             f"batch, at the parameters it started from: the loss it backpropagated is not "
             f"`nn.MSELoss(reduction={reduction!r})` of the batch.",
             f"{who[1]}在{at_zh}所用的梯度是该批量在这一步起点参数处{what}梯度的 {f / factor:.4g} 倍:"
             f"它反向传播的损失不是该批量的 `nn.MSELoss(reduction={reduction!r})`。", **shown)
    fail(f"at {at_en} the gradient {who[0]} stepped with is not a multiple of the gradient of "
         f"{'the mean' if reduction == 'mean' else 'the summed'} squared error over its batch, "
         f"at the parameters it started from: it points elsewhere, so the loss it "
         f"backpropagated is another function of the batch.",
         f"{who[1]}在{at_zh}所用的梯度不是该批量在这一步起点参数处{what}梯度的倍数:方向就不同,"
         f"所以它反向传播的损失是该批量的另一个函数。", **shown)


def lr_named(case, e, reduction) -> list[tuple[float, tuple[str, str]]]:
    """(an lr, the words) for each known wrong lr of a run, at the first wrong step, in epoch e
    (the epochs before it were right: the steps are judged in order)."""
    lr, B, n = float(case["lr"]), int(case["batch_size"]), int(case["n"])
    out = []
    if e > 1 and reduction == "mean":
        return []  # an lr right through epoch 1: no constant mistake explains a later step
    if reduction == "sum":
        if e > 1:
            out.append((lr / B ** e, (
                f"epoch 1 of the 'sum' run was right, and from epoch {e} on its steps were taken "
                f"with lr / batch_size^{e} = {lr / B ** e:.4g}: the lr was divided by the batch "
                f"size again at every epoch (`lr = lr_for_sum_reduction(lr, batch_size)` inside "
                f"the epoch loop rebinds `lr`). Compute the 'sum' lr once, before the loop, "
                f"into a name of its own.",
                f"'sum' 那次运行的第 1 轮是对的,从第 {e} 轮起每一步用的却是 lr / batch_size^{e} = "
                f"{lr / B ** e:.4g}:学习率每一轮都再除一次批量大小(在轮次循环里写 `lr = "
                f"lr_for_sum_reduction(lr, batch_size)` 会重新绑定 `lr`)。请在循环之前把 'sum' 的学习率"
                f"算一次,存到另一个名字里。")))
            return out  # an lr right through epoch 1: no constant mistake explains a later step
        out += [
            (lr, (f"the same lr for 'sum': the 'sum' run stepped with lr = {lr:g}, the 'mean' "
                  f"rate. A summed loss has batch_size = {B} times the gradient of the mean, so "
                  f"with the same lr every step is {B} times larger. Give SGD "
                  f"`lr_for_sum_reduction(lr, batch_size)` when reduction='sum'.",
                  f"'sum' 用了同样的学习率:'sum' 那次运行用 lr = {lr:g} 走每一步,这是 'mean' 的学习率。"
                  f"求和损失的梯度是平均损失的 batch_size = {B} 倍,学习率不变的话每一步都大 {B} 倍。"
                  f"reduction='sum' 时请给 SGD 传 `lr_for_sum_reduction(lr, batch_size)`。")),
            (lr * B, (f"the 'sum' run's lr was multiplied by the batch size ({lr * B:.4g}): the "
                      f"summed loss already makes the gradient {B} times larger, and the lr made "
                      f"it {B} times larger again. For 'sum' the lr is `lr / batch_size`.",
                      f"'sum' 的学习率乘以了批量大小({lr * B:.4g}):求和损失已经让梯度大了 {B} 倍,"
                      f"学习率又让它再大 {B} 倍。'sum' 的学习率是 `lr / batch_size`。")),
            (lr / B ** 2, (f"the 'sum' run's lr was divided by the batch size twice "
                           f"(lr / {B}^2 = {lr / B ** 2:.4g}): its steps are {B} times too "
                           f"short. Divide once: `lr_for_sum_reduction(lr, batch_size)` for "
                           f"'sum', the lr as given for 'mean'.",
                           f"'sum' 的学习率除了两次批量大小(lr / {B}^2 = {lr / B ** 2:.4g}):每一步"
                           f"短了 {B} 倍。只除一次:'sum' 用 `lr_for_sum_reduction(lr, batch_size)`,"
                           f"'mean' 直接用给定的学习率。")),
            (lr / math.sqrt(B), (f"the 'sum' run's lr was divided by the square root of the "
                                 f"batch size ({lr / math.sqrt(B):.4g}): a summed loss has "
                                 f"exactly {B} times the gradient of the mean, so its steps are "
                                 f"sqrt({B}) times too long. Divide by the batch size itself.",
                                 f"'sum' 的学习率除以了批量大小的平方根({lr / math.sqrt(B):.4g}):"
                                 f"求和损失的梯度正好是平均的 {B} 倍,这样每一步长了 sqrt({B}) 倍。"
                                 f"请除以批量大小本身。")),
        ]
        if n != B:
            out.append((lr / n, (
                f"the 'sum' run's lr was divided by the number of examples n = {n} "
                f"({lr / n:.4g}), not by the batch size {B}: a batch's summed loss has "
                f"batch_size times the gradient of its mean. Divide by `batch_size`.",
                f"'sum' 的学习率除以了样本总数 n = {n}({lr / n:.4g}),而不是批量大小 {B}:一个批量的"
                f"求和损失的梯度是其平均的 batch_size 倍。请除以 `batch_size`。")))
        S = -(-n // B)
        if S != B:
            out.append((lr / S, (
                f"the 'sum' run's lr was divided by the number of batches per epoch, "
                f"len(loader) = {S} ({lr / S:.4g}), not by the batch size {B}: a batch's summed "
                f"loss has batch_size times the gradient of its mean. Divide by `batch_size`.",
                f"'sum' 的学习率除以了每轮的批量个数 len(loader) = {S}({lr / S:.4g}),而不是批量大小 "
                f"{B}:一个批量的求和损失的梯度是其平均的 batch_size 倍。请除以 `batch_size`。")))
        if lr != 0.03:
            out.append((0.03 / B, (
                f"the 'sum' run stepped with 0.03 / batch_size, the default lr's: the `lr` given "
                f"({lr:g}) was not used.",
                f"'sum' 那次运行用的是 0.03 / batch_size,即默认学习率的:传入的 `lr`({lr:g})没有被使用。")))
    else:
        out += [
            (lr / B, (f"the 'mean' run's lr was divided by the batch size too ({lr / B:.4g}): "
                      f"the mean loss's gradient is already that of one example on average, so "
                      f"its steps are {B} times too short. Only 'sum' gets "
                      f"`lr_for_sum_reduction(lr, batch_size)`; 'mean' uses the lr as given.",
                      f"'mean' 的学习率也除以了批量大小({lr / B:.4g}):平均损失的梯度本来就是平均到每个"
                      f"样本的,这样每一步短了 {B} 倍。只有 'sum' 用 `lr_for_sum_reduction(lr, "
                      f"batch_size)`;'mean' 直接用给定的学习率。")),
        ]
        if lr != 0.03:
            out.append((0.03, (
                f"the 'mean' run stepped with lr = 0.03, the default: the `lr` given ({lr:g}) was "
                f"not used.",
                f"'mean' 那次运行用的是默认的 lr = 0.03:传入的 `lr`({lr:g})没有被使用。")))
    return out


def check_step(case, k, e, m, before, after, g, prev_delta, reduction, who, call, *,
               own_lr=None) -> None:
    """A step: the parameters moved by -lr_used * .grad, with the lr of the run (for 'sum' with
    a short batch, lr / batch_size or lr / that batch's size)."""
    lr, B = float(case["lr"]), int(case["batch_size"])
    u = UNIT[case.get("dtype", "float32")]
    rates = [lr] if reduction == "mean" else [lr / B] + ([lr / m] if m < B else [])
    delta = after - before

    def tol(rate):
        return C * u * (before.abs() + after.abs() + abs(rate) * g.abs())

    if bool(torch.isfinite(delta).all()) and any(within(delta, -rate * g, tol(rate))
                                                 for rate in rates):
        return
    at_en, at_zh = step_words(k, e, m, B)
    shown = dict(call=call, got=show(after), expected=show(before - rates[0] * g), kata=KATA)
    gg = float(g @ g)
    if not gg or not bool(torch.isfinite(delta).all()):
        fail(f"at {at_en} {who[0]}'s parameters went from {show(before)} to {show(after)}, with "
             f"the gradient {show(g)}: plain SGD moves them by -lr * .grad.",
             f"{who[1]}在{at_zh}的参数从 {show(before)} 变成了 {show(after)},梯度是 {show(g)}:"
             f"普通的 SGD 让参数移动 -lr * .grad。", **shown)
    used = -float(delta @ g) / gg
    if within(delta, -used * g, tol(used)):
        unc = float(tol(used).norm()) / math.sqrt(gg)
        right = rates[0]
        if unc < 0.05 * right and reduction == "sum" and isinstance(own_lr, float) and \
                abs(used - own_lr) <= max(3 * unc, 1e-3 * own_lr) and \
                all(abs(own_lr - r) > 10 * unc + 1e-3 * r for r in rates):
            fail(f"the 'sum' run stepped with lr = {used:.6g}, what your "
                 f"lr_for_sum_reduction({lr:g}, {B}) returns ({own_lr!r}), where lr / batch_size "
                 f"= {lr / B!r}: the lr it computes is wrong (its own test says how).",
                 f"'sum' 那次运行用的学习率是 {used:.6g},正是你的 lr_for_sum_reduction({lr:g}, {B}) "
                 f"返回的值({own_lr!r}),而 lr / batch_size = {lr / B!r}:它算出的学习率不对(它自己的"
                 f"测试会说明原因)。", **shown)
        if unc < 0.05 * right:
            found = [words for value, words in lr_named(case, e, reduction)
                     if abs(used - value) <= max(3 * unc, 1e-3 * value)
                     and all(abs(value - r) > 10 * unc + 1e-3 * r for r in rates)]
            if len(found) == 1:  # two mistakes with the same lr here: neither is named
                fail(*found[0], **shown)
        fail(f"at {at_en} {who[0]} moved its parameters by -{used:.4g} * .grad, an lr of "
             f"{used:.4g}, {used / right:.4g} times the {right:.4g} that "
             + (f"'mean' is given (lr = {lr:g})" if reduction == "mean" else
                f"'sum' is given (lr_for_sum_reduction({lr:g}, {B}))") + ".",
             f"{who[1]}在{at_zh}让参数移动了 -{used:.4g} * .grad,即学习率 {used:.4g},是应有的 "
             f"{right:.4g}("
             + (f"'mean' 用的 lr = {lr:g}" if reduction == "mean" else
                f"'sum' 用的 lr_for_sum_reduction({lr:g}, {B})") + f")的 {used / right:.4g} 倍。",
             **shown)
    # an adaptive optimizer: Adam's first step moves each parameter by lr * the sign of its
    # gradient (its running averages are that gradient and its square)
    if prev_delta is None and bool((g != 0).all()):
        signs = [rate for rate in rates if within(delta, -rate * torch.sign(g), tol(rate) + 1e-6
                                                  * rate)]
        if signs:
            fail(f"at {at_en} {who[0]} moved every parameter by the same amount, {signs[0]:.4g}, "
                 f"against the sign of its gradient: an adaptive optimizer (Adam, RMSprop) "
                 f"steps so, whatever the size of the gradient. This kata is about plain SGD, "
                 f"whose step is -lr * .grad, the size that reduction='mean' or 'sum' decides: "
                 f"`torch.optim.SGD(net.parameters(), lr=...)`.",
                 f"{who[1]}在{at_zh}让每个参数都逆着梯度的符号移动了同样的量 {signs[0]:.4g}:自适应优化器"
                 f"(Adam、RMSprop)就是这样走的,与梯度大小无关。这个练习讲的是普通的 SGD,它的一步是 "
                 f"-lr * .grad,大小正由 reduction='mean' 或 'sum' 决定:"
                 f"`torch.optim.SGD(net.parameters(), lr=...)`。", **shown)
    # not a multiple of the gradient: a momentum or a weight decay, where they fit with the
    # run's own lr on the gradient (a fit of two free factors to a few numbers proves nothing)
    for other, kind in ((prev_delta, "momentum"), (before, "decay")):
        if other is None or not float(other @ other):
            continue
        fits = []
        for rate in rates:
            rest = delta + rate * g
            c = float(rest @ other) / float(other @ other)
            if abs(c) > 1e-6 and within(delta, -rate * g + c * other, tol(rate) * 2):
                fits.append((rate, c))
        if len(fits) == 1:
            a, c = -fits[0][0], fits[0][1]
            if kind == "momentum":
                fail(f"at {at_en} {who[0]}'s step is -{-a:.4g} * .grad plus {c:.4g} times the "
                     f"previous step: a momentum. Plain SGD (`torch.optim.SGD(net.parameters(), "
                     f"lr=...)`, no momentum) moves each step by -lr * .grad alone.",
                     f"{who[1]}在{at_zh}的一步是 -{-a:.4g} * .grad 再加上上一步的 {c:.4g} 倍:这是动量。"
                     f"普通的 SGD(`torch.optim.SGD(net.parameters(), lr=...)`,没有动量)每一步只移动 "
                     f"-lr * .grad。", **shown)
            fail(f"at {at_en} {who[0]}'s step is -{-a:.4g} * .grad minus {-c:.4g} times the "
                 f"parameters: a weight decay of {c / a:.4g}. It does not scale with the "
                 f"reduction (for 'sum' it shrinks with the lr), and plain SGD has none: "
                 f"`torch.optim.SGD(net.parameters(), lr=...)`.",
                 f"{who[1]}在{at_zh}的一步是 -{-a:.4g} * .grad 再减去参数的 {-c:.4g} 倍:这是 {c / a:.4g} "
                 f"的权重衰减。它不随 reduction 缩放('sum' 时它随学习率一起变小),而普通的 SGD 没有它:"
                 f"`torch.optim.SGD(net.parameters(), lr=...)`。", **shown)
    fail(f"at {at_en} {who[0]}'s step is not a multiple of the gradient it held: plain SGD "
         f"moves each parameter by -lr * .grad.",
         f"{who[1]}在{at_zh}的一步不是它所持梯度的倍数:普通的 SGD 让每个参数移动 -lr * .grad。",
         **shown)


def check_steps(case, run, steps, epochs, reduction, who, call, *, own_lr=None) -> None:
    """Every step of a run, in order: its gradient, then its lr."""
    X, y = judge_data(case)
    batches = batches_of(case, run, len(steps), call)
    epoch_of = {k: e for e, (i, j) in enumerate(epochs, start=1) for k in range(i, j)}
    prev_g = prev_delta = None
    for k, (before, after, g) in enumerate(steps):
        idx = batches[k]
        e = epoch_of.get(k, 1)
        A, pred, r, G, Gabs = batch_math(X, y, before, idx)
        ybar = float(y[idx].mean())
        check_gradient(case, k + 1, e, idx, g, G, Gabs, A, pred, ybar, prev_g, reduction, who,
                       call)
        check_step(case, k + 1, e, len(idx), before, after, g, prev_delta, reduction, who, call,
                   own_lr=own_lr)
        prev_g, prev_delta = g, after - before


def run_checked(case, seen, key, call, who):
    """A run of the pair, read and checked up to its batches: (run, steps, epochs)."""
    run = part(seen, key, call)
    check_raised(case, run, call)
    check_returned(run, call)
    check_inputs_kept(run, call)
    net_of(case, run, call)
    steps = steps_of(case, run, call)
    epochs = epochs_checked(case, run, steps, call, who)
    return run, steps, epochs


# --- train_concise: 'mean' and 'sum', side by side ---------------------------------------------

RUN_EXAMPLES = [
    # the articles' run, with a batch size other than d2l's 10
    {"seed": 3, "n": 40, "d": 2, "batch_size": 8, "num_epochs": 2, "lr": 0.03,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
    # 63 examples in batches of 6: a short last batch of 3
    {"seed": 8, "n": 63, "d": 2, "batch_size": 6, "num_epochs": 2, "lr": 0.03,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
    # float64 data, labels of shape (n,), transposed features, three epochs
    {"seed": 5, "n": 30, "d": 3, "batch_size": 10, "num_epochs": 3, "lr": 0.05,
     "dtype": "float64", "labels": "flat", "layout": "transposed"},
    # labels of shape (n,) in float32
    {"seed": 19, "n": 48, "d": 2, "batch_size": 12, "num_epochs": 2, "lr": 0.1,
     "dtype": "float32", "labels": "flat", "layout": "sliced"},
    # a batch of one: 'mean' and 'sum' are the same loss
    {"seed": 11, "n": 7, "d": 1, "batch_size": 1, "num_epochs": 2, "lr": 0.02,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
    # a batch size larger than the dataset: one short batch per epoch
    {"seed": 13, "n": 5, "d": 2, "batch_size": 8, "num_epochs": 2, "lr": 0.05,
     "dtype": "float64", "labels": "column", "layout": "contiguous"},
    # no epoch at all
    {"seed": 17, "n": 24, "d": 2, "batch_size": 4, "num_epochs": 0, "lr": 0.03,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
]


@observe(examples=RUN_EXAMPLES, draw=run_cases(), draws=4)
def mean_and_sum(kata, case):
    """The same call with reduction='mean', then with reduction='sum' (the same caller's
    global random state before each), watched step by step."""
    X, y = dataset(case)
    global_state(case, 0)
    mean = train(kata, X, y, reduction="mean", **arguments(case))
    global_state(case, 0)
    total = train(kata, X, y, reduction="sum", **arguments(case))
    try:  # what the learner's own function gives for this call (said where the run used it)
        own = kata.lr_for_sum_reduction(case["lr"], int(case["batch_size"]))
    except Exception:  # noqa: BLE001 - NotImplementedError too: its own claim says "not started"
        own = None
    return {"mean": mean.data, "sum": total.data, "own_lr": own,
            "same_net": mean.net is not None and mean.net is total.net,
            "same_losses": mean.losses is not None and mean.losses is total.losses}


@settings(max_examples=3)
@claim(mean_and_sum)
def test_train_concise_goes_through_every_example_once_per_epoch_shuffled(case, seen):
    call = call_of(case, "mean")
    run_checked(case, seen, "mean", call, MEAN_RUN)
    call_sum = call_of(case, "sum")
    run_checked(case, seen, "sum", call_sum, SUM_RUN)
    check_nothing_kept(case, part(seen, "mean", call), part(seen, "sum", call_sum),
                       call_of(case, "mean") + t(", then with reduction='sum'",
                                                 ",然后 reduction='sum'"),
                       same_net=seen.get("same_net") is True,
                       same_losses=seen.get("same_losses") is True)


# --- train_concise: seeded by its seed alone ---------------------------------------------------

SEED_EXAMPLES = [
    {"seed": 1, "n": 30, "d": 2, "batch_size": 5, "num_epochs": 1, "lr": 0.03,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
    {"seed": 4, "n": 20, "d": 3, "batch_size": 4, "num_epochs": 2, "lr": 0.05,
     "dtype": "float64", "labels": "flat", "layout": "transposed"},
]


@observe(examples=SEED_EXAMPLES, draw=run_cases(epochs=(1, 2)), draws=3)
def two_global_states(kata, case):
    """The same call under two global random states; then the same seed with num_epochs=0
    (its initial weights), and another seed."""
    X, y = dataset(case)
    global_state(case, 0)
    a = train(kata, X, y, **arguments(case))
    global_state(case, 1)
    b = train(kata, X, y, **arguments(case))
    global_state(case, 0)
    start = train(kata, X, y, **arguments(case, num_epochs=0))
    global_state(case, 0)
    other = train(kata, X, y, **arguments(case, seed=train_seed(case, 1)))
    return {"a": a.data, "b": b.data, "start": start.data, "other": other.data,
            "same_net": a.net is not None and a.net is b.net,
            "same_losses": a.losses is not None and a.losses is b.losses}


@settings(max_examples=4)
@claim(two_global_states)
def test_train_concise_is_seeded_by_its_seed_alone(case, seen):
    call = call_of(case) + t(", twice, the caller's global random state changed in between",
                             ",调用两次,两次之间调用方的全局随机状态变了")
    a, b = part(seen, "a", call), part(seen, "b", call)
    start, other = part(seen, "start", call), part(seen, "other", call)
    for run, where in ((a, call_of(case)), (b, call),
                       (start, call_of(case, num_epochs=0)),
                       (other, call_of(case, seed=train_seed(case, 1)))):
        check_raised(case, run, where)
        check_returned(run, where)
    check_inputs_kept(a, call_of(case))
    check_nothing_kept(case, a, b, call, same_net=seen.get("same_net") is True,
                       same_losses=seen.get("same_losses") is True)
    steps_a, steps_b = steps_of(case, a, call), steps_of(case, b, call)
    net_of(case, a, call_of(case))
    epochs_checked(case, a, steps_a, call_of(case), ("the call", "这次调用"))
    expect(steps_a, "train_concise took no optimizer step: nothing was trained. Each epoch, for "
           "each batch: `trainer.zero_grad()`, the loss, `backward()`, `trainer.step()` (a "
           "`torch.optim.SGD`: the tests watch its steps).",
           "train_concise 没有走任何一步优化器:什么也没训练。每一轮、每个批量:`trainer.zero_grad()`、"
           "计算损失、`backward()`、`trainer.step()`(用 `torch.optim.SGD`:测试观察的是它的每一步)。",
           call=call_of(case), kata=KATA)
    init_a, init_b = start_of(case, a, steps_a, call), start_of(case, b, steps_b, call)
    end_a = net_of(case, a, call)
    if not torch.equal(init_a, init_b):
        if torch.equal(init_b, end_a):
            fail("the second call started from the weights the first call ended with: the net "
                 "was kept from one call to the next (in a global, or a default argument). "
                 "Build a new `nn.Linear` in every call.",
                 "第二次调用是从第一次调用结束时的权重开始的:网络被从一次调用保留到了下一次(存在全局"
                 "变量或默认参数里)。每次调用都要新建 `nn.Linear`。",
                 call=call, got=show(init_b), expected=show(init_a), kata=KATA)
        en, zh = differing(init_a, init_b)
        fail(f"with the same seed, the two calls started from different initial weights "
             f"({en}), and only the caller's global random state changed in between: "
             f"the initial weights depend on it, not on `seed` alone (a layer built, or a "
             f"parameter left at nn.Linear's init, before the global generator is seeded, or "
             f"without a generator seeded with `seed`). Draw every initial weight from the "
             f"seed: `net.weight.normal_(0, 0.01, generator=generator)` and "
             f"`net.bias.zero_()`, or seed first and build the layer after.",
             f"同一个 seed 的两次调用从不同的初始权重开始({zh}不同),而两次之间只有调用方的全局随机"
             f"状态变了:初始权重依赖于它,而不是只由 `seed` 决定(在全局生成器设定种子之前就建好了层,"
             f"或某个参数保留了 nn.Linear 的默认初始化,或者没有用以 `seed` 设定的生成器)。每个初始"
             f"权重都要由 seed 决定:`net.weight.normal_(0, 0.01, generator=generator)` 和 "
             f"`net.bias.zero_()`,或者先设种子再建层。",
             call=call, got=show(init_b), expected=show(init_a), kata=KATA)
    ba = batches_of(case, a, len(steps_a), call)
    bb = batches_of(case, b, len(steps_b), call)
    if ba and bb and ba[0] is not None and bb[0] is not None and ba != bb:
        fail("with the same seed and the same initial weights, the two calls trained on "
             "different batches, and only the caller's global random state changed in between: "
             "the shuffle draws from it, not from `seed` (a DataLoader without `generator=`, or "
             "`torch.randperm` without one, uses the global generator). Shuffle with the "
             "generator seeded with `seed`.",
             "同一个 seed、同样的初始权重,两次调用却在不同的批量上训练,而两次之间只有调用方的全局随机"
             "状态变了:打乱用的是全局随机状态,而不是 `seed`(没有 `generator=` 的 DataLoader,或没有"
             "生成器的 `torch.randperm`,用的都是全局生成器)。请用以 `seed` 设定的生成器打乱。",
             call=call, got=t(f"first batches {ba[0][:8]} and {bb[0][:8]}",
                              f"第一批分别是 {ba[0][:8]} 和 {bb[0][:8]}"),
             expected=t("the same batches", "相同的批量"), kata=KATA)
    end_b = net_of(case, b, call)
    same_losses = same_figures(a.get("losses"), b.get("losses"))
    expect(torch.equal(end_a, end_b) and same_losses and len(steps_a) == len(steps_b),
           "two calls with the same seed ended differently (the caller's global random state "
           "changed in between): the same seed gives the same run, step by step.",
           "同一个 seed 的两次调用结果不同(两次之间调用方的全局随机状态变了):同一个 seed 应当"
           "一步一步给出同样的运行。",
           call=call, got=f"{show(end_b)} and losses {show(b.get('losses'))}",
           expected=f"{show(end_a)} and losses {show(a.get('losses'))}", kata=KATA)
    steps_start = steps_of(case, start, call)
    expect(not steps_start, "num_epochs=0 trains nothing, but the call took optimizer steps.",
           "num_epochs=0 时不应训练,这次调用却走了优化器的步子。",
           call=call_of(case, num_epochs=0), kata=KATA)
    first = net_of(case, start, call_of(case, num_epochs=0))
    steps_other = steps_of(case, other, call_of(case, seed=train_seed(case, 1)))
    second = start_of(case, other, steps_other, call_of(case, seed=train_seed(case, 1)))
    expect(diagnose.differ(first, second) is not None,
           "the initial weights hold nan or inf (or differ in size between the seeds): whether "
           "two seeds give different initial weights is not decided on such values (nan equals "
           "nothing, itself included). Initial weights are finite numbers.",
           "初始权重里有 nan 或 inf(或两个 seed 的大小不同):两个 seed 是否给出不同的初始权重,不能用这样的"
           "值来判断(nan 不等于任何数,包括它自己)。初始权重应当是有限的数。",
           call=call_of(case, num_epochs=0) + t(" and with another seed", " 以及另一个 seed"),
           got=show(second), kata=KATA)
    if torch.equal(first, second):
        zeros = not bool(first.abs().sum())
        fail(f"seeds {train_seed(case)} and {train_seed(case, 1)} gave the same initial weights"
             + (" (all zeros: a constant is the same for every seed)" if zeros else "")
             + ": the seed also seeds the layer's initial weights. Draw them from the generator "
             "seeded with `seed` (`net.weight.normal_(0, 0.01, generator=generator)`).",
             f"seed {train_seed(case)} 和 seed {train_seed(case, 1)} 给出了相同的初始权重"
             + ("(全是零:常数对每个 seed 都一样)" if zeros else "")
             + ":seed 也要决定层的初始权重。请从以 `seed` 设定的生成器中抽取"
             "(`net.weight.normal_(0, 0.01, generator=generator)`)。",
             call=call_of(case, num_epochs=0) + t(" and with another seed", " 以及另一个 seed"),
             got=show(second), kata=KATA)
    bo = batches_of(case, other, len(steps_other), call)
    n, B = int(case["n"]), int(case["batch_size"])
    sets = [b for b in ba if b]
    if sets and sets == [b for b in bo if b] and chance_of_order(
            [len(b) for b in sets[:-(-n // B)]], n) < math.log(1e-6):
        fail(f"seeds {train_seed(case)} and {train_seed(case, 1)} went through the very same "
             f"batches: the shuffle does not depend on the seed (a generator never seeded, or "
             f"seeded with a constant). Shuffle with the generator seeded with `seed`.",
             f"seed {train_seed(case)} 和 seed {train_seed(case, 1)} 走过的批量完全相同:打乱与 seed "
             f"无关(生成器没有设定种子,或用常数设定)。请用以 `seed` 设定的生成器打乱。",
             call=call_of(case) + t(" and with another seed", " 以及另一个 seed"), kata=KATA)


def check_returned_is_trained(case, run, steps, call, who) -> None:
    """The net returned is the net trained: its parameters are those after the last step."""
    if not steps:
        return
    end = net_of(case, run, call)
    expect(torch.equal(end, steps[-1][1]),
           f"the net returned is not where {who[0]}'s last step left the parameters: return "
           f"the net that was trained, as it is after its last step.",
           f"返回的网络不在{who[1]}最后一步之后参数所在的位置:请返回被训练的那个网络,保持最后一步之后的"
           f"样子。", call=call, got=show(end), expected=show(steps[-1][1]), kata=KATA)


@settings(max_examples=3)
@claim(mean_and_sum)
def test_train_concise_mean_steps_are_lr_times_the_batch_mean_gradient(case, seen):
    call = call_of(case, "mean")
    run, steps, epochs = run_checked(case, seen, "mean", call, MEAN_RUN)
    check_steps(case, run, steps, epochs, "mean", MEAN_RUN, call)
    check_returned_is_trained(case, run, steps, call, MEAN_RUN)


# --- train_concise: the reduction, by value ----------------------------------------------------

STRING_EXAMPLES = [
    {"seed": 3, "n": 40, "d": 2, "batch_size": 10, "num_epochs": 1, "lr": 0.03,
     "dtype": "float32", "labels": "column", "layout": "contiguous"},
]


def made_at_run_time(word: str) -> str:
    """A string equal to `word` that is another object (as one read from a config is)."""
    return "".join(list(word))


@observe(examples=STRING_EXAMPLES, draw=run_cases(epochs=(1, 1)), draws=2)
def reduction_strings(kata, case):
    """Each reduction given as the literal, then as an equal string made at run time."""
    X, y = dataset(case)
    out = {}
    for word in ("mean", "sum"):
        runs = []
        for how, value in (("literal", word), ("built", made_at_run_time(word))):
            global_state(case, 0)
            runs.append(train(kata, X, y, reduction=value, calls=False, **arguments(case)))
            out[f"{word} {how}"] = runs[-1].data
        out[f"{word} same_net"] = runs[0].net is not None and runs[0].net is runs[1].net
        out[f"{word} same_losses"] = runs[0].losses is not None and \
            runs[0].losses is runs[1].losses
    return out


@settings(max_examples=3)
@claim(reduction_strings)
def test_train_concise_takes_the_reduction_by_value(case, seen):
    for word in ("mean", "sum"):
        literal = part(seen, f"{word} literal", call_of(case, word))
        built = part(seen, f"{word} built", call_of(case, word))
        call = call_of(case, word) + t(
            f", with reduction={word!r} as written, and as an equal string made at run time "
            f"(`''.join(list({word!r}))`)",
            f",reduction={word!r} 一次照原样写,一次用运行时拼出的相等字符串"
            f"(`''.join(list({word!r}))`)")
        check_raised(case, literal, call_of(case, word))
        if built.get("raised") is not None:
            check_raised(case, built, call)
        check_returned(literal, call)
        check_returned(built, call)
        check_nothing_kept(case, literal, built, call,
                           same_net=seen.get(f"{word} same_net") is True,
                           same_losses=seen.get(f"{word} same_losses") is True)
        a, b = net_of(case, literal, call), net_of(case, built, call)
        sa, sb = steps_of(case, literal, call), steps_of(case, built, call)
        if sa and sb and not torch.equal(sa[0][0], sb[0][0]):
            if torch.equal(sb[0][0], a):
                fail("the second call started from the weights the first call ended with: the "
                     "net was kept from one call to the next (in a global, or a default "
                     "argument). Build a new `nn.Linear` in every call.",
                     "第二次调用是从第一次调用结束时的权重开始的:网络被从一次调用保留到了下一次(存在"
                     "全局变量或默认参数里)。每次调用都要新建 `nn.Linear`。",
                     call=call, got=show(sb[0][0]), expected=show(sa[0][0]), kata=KATA)
            fail("the two calls started from different initial weights, with the same seed and "
                 "the same global random state before each: the initial weights depend on the "
                 "seed alone.",
                 "两次调用的 seed 相同,调用前的全局随机状态也相同,初始权重却不同:初始权重只由 seed "
                 "决定。", call=call, got=show(sb[0][0]), expected=show(sa[0][0]), kata=KATA)
        if not (torch.equal(a, b) and same_figures(literal.get("losses"), built.get("losses"))):
            fail(f"given reduction={word!r} made at run time (equal to {word!r}, but another "
                 f"string object, as one read from a config or typed by a user is), "
                 f"train_concise trained differently than with the literal {word!r}: the "
                 f"reduction was compared by identity (`reduction is {word!r}`), which holds "
                 f"for the one interned literal only (Python warns: \"is\" with a literal). "
                 f"Compare by value: `reduction == {word!r}`.",
                 f"传入运行时拼出的 reduction={word!r}(与 {word!r} 相等,但是另一个字符串对象,就像从配置"
                 f"文件读来或用户输入的那样)时,train_concise 的训练结果与字面量 {word!r} 不同:reduction 是"
                 f"按身份比较的(`reduction is {word!r}`),只有那一个驻留的字面量才成立(Python 会警告:"
                 f"\"is\" with a literal)。请按值比较:`reduction == {word!r}`。",
                 call=call, got=show(b), expected=show(a), kata=KATA)


@settings(max_examples=3)
@claim(mean_and_sum)
def test_train_concise_sum_takes_the_steps_of_mean(case, seen):
    call = call_of(case, "sum")
    run, steps, epochs = run_checked(case, seen, "sum", call, SUM_RUN)
    own = seen.get("own_lr")
    own = float(own) if type(own) in (int, float) else (
        float(own.value) if isinstance(own, Other) and type(own.value) is float else None)
    check_steps(case, run, steps, epochs, "sum", SUM_RUN, call, own_lr=own)
    check_returned_is_trained(case, run, steps, call, SUM_RUN)
    mean, msteps, mepochs = run_checked(case, seen, "mean", call_of(case, "mean"), MEAN_RUN)
    both = call_of(case) + t(" with reduction='mean' and with reduction='sum'",
                             ",reduction='mean' 和 reduction='sum' 各一次")
    check_nothing_kept(case, mean, run, both, same_net=seen.get("same_net") is True,
                       same_losses=seen.get("same_losses") is True)
    # the 'mean' run is the yardstick: its own steps first (where it is wrong, that is said)
    check_steps(case, mean, msteps, mepochs, "mean", MEAN_RUN, call_of(case, "mean"))
    if not steps or not msteps:
        return
    expect(torch.equal(steps[0][0], msteps[0][0]),
           "the 'sum' run started from other initial weights than the 'mean' run, with the "
           "same seed and the same global random state before each call: the initial weights "
           "depend on the seed alone, whatever the reduction.",
           "'sum' 那次运行的初始权重与 'mean' 那次不同,而两次的 seed 相同,调用前的全局随机状态也相同:"
           "初始权重只由 seed 决定,与 reduction 无关。",
           call=both, got=show(steps[0][0]), expected=show(msteps[0][0]), kata=KATA)
    bs = batches_of(case, run, len(steps), call)
    bm = batches_of(case, mean, len(msteps), call)
    expect([sorted(b) for b in bs if b] == [sorted(b) for b in bm if b],
           "the 'sum' run went through other batches than the 'mean' run, with the same seed: "
           "the shuffle depends on the seed alone, whatever the reduction.",
           "'sum' 那次运行的批量与 'mean' 那次不同,而 seed 相同:打乱只由 seed 决定,与 reduction 无关。",
           call=both, kata=KATA)
    B = int(case["batch_size"])
    u = UNIT[case.get("dtype", "float32")]
    for k, ((_, s_after, _), (_, m_after, _)) in enumerate(zip(steps, msteps), start=1):
        if len(bm[k - 1]) < B:
            break  # past a short batch the two may part: the contract promises nothing there
        tol = 2000 * u * (1 + k / 10) * (s_after.abs() + m_after.abs() + 1e-3)
        expect(within(s_after, m_after, tol),
               f"after step {k} the 'sum' run's parameters differ from the 'mean' run's: with "
               f"the same seed, the same batches and lr_for_sum_reduction(lr, batch_size), the "
               f"two take the same steps.",
               f"第 {k} 步之后 'sum' 的参数与 'mean' 不同:同样的 seed、同样的批量,再加上 "
               f"lr_for_sum_reduction(lr, batch_size),两者每一步都应相同。",
               call=both, got=t(f"'sum': {show(s_after)}", f"'sum':{show(s_after)}"),
               expected=t(f"'mean': {show(m_after)}", f"'mean':{show(m_after)}"), kata=KATA)


# --- train_concise: the figure reported after each epoch ---------------------------------------


def squared_errors(X, y, theta, idx=None):
    """The squared errors at `theta` (on the examples `idx`, or all), and the size of the
    rounding each may carry (predictions and labels rounded in the run's dtype)."""
    if idx is not None:
        X, y = X[idx], y[idx]
    A = torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)
    r = A @ theta - y
    return r * r, 8 * (A.abs() @ theta.abs() + y.abs())


def mse_and_tol(X, y, theta, u) -> tuple[float, float]:
    sq, size = squared_errors(X, y, theta)
    delta = u * size
    n = len(sq)
    value = float(sq.mean())
    tol = float((2 * sq.sqrt() * delta + delta * delta).mean()) + 8 * u * math.log2(n + 2) * value
    return value, tol


def figure(value):
    """A reported figure as a number (None for anything that is not a float)."""
    if type(value) is float:
        return value
    if isinstance(value, Other) and value.type.endswith("float64") and \
            isinstance(value.value, float):
        return value.value
    return None


def loss_causes(case, X, y, steps, batches, run, i, j, e, u) -> list:
    """(value, words) of each known wrong figure for epoch e (its steps i..j-1)."""
    n, B = int(case["n"]), int(case["batch_size"])
    end, start = steps[j - 1][1], steps[i][0]
    want, _ = mse_and_tol(X, y, end, u)
    out = [
        (n * want, (
            f"the reported loss is {n} times larger than the mean squared error per example, "
            f"n = {n} times: it is the loss of the whole dataset summed (the 'sum' criterion, "
            f"`nn.MSELoss(reduction='sum')`, used for the report). Report the figure per "
            f"example, whatever the training reduction: `nn.MSELoss()` (mean), or the sum "
            f"divided by n.",
            f"记录的损失是每个样本均方误差的 {n} 倍,正好是 n = {n} 倍:这是对整个数据集求和的损失"
            f"(报告时用了 'sum' 的损失函数 `nn.MSELoss(reduction='sum')`)。不管训练用哪种 "
            f"reduction,都要记录每个样本的数值:用 `nn.MSELoss()`(mean),或把总和除以 n。")),
        (n / B * want, (
            f"the reported loss is {n / B:.4g} times the mean squared error per example, "
            f"n / batch_size = {n} / {B}: it is the whole dataset's summed loss divided by the "
            f"batch size (the lr's divisor), not by the number of examples. Report the figure "
            f"per example: the sum divided by n, or `nn.MSELoss()` (mean).",
            f"记录的损失是每个样本均方误差的 {n / B:.4g} 倍,即 n / batch_size = {n} / {B}:这是整个数据集"
            f"的求和损失除以批量大小(学习率的除数),而不是除以样本个数。请记录每个样本的数值:总和除以 n,"
            f"或用 `nn.MSELoss()`(mean)。")),
        (0.5 * want, (
            "the reported loss is half the mean squared error per example: it has d2l's half, "
            "`((y_hat - y) ** 2 / 2).mean()`, where `nn.MSELoss()` has none. Report "
            "`nn.MSELoss()(net(features), labels)`.",
            "记录的损失是每个样本均方误差的一半:它带着 d2l 的 1/2,`((y_hat - y) ** 2 / 2).mean()`,"
            "而 `nn.MSELoss()` 没有。请记录 `nn.MSELoss()(net(features), labels)`。")),
        (math.sqrt(want), (
            "the reported loss is the square root of the mean squared error (an RMSE): report "
            "the mean squared error itself, as `nn.MSELoss()` computes it.",
            "记录的损失是均方误差的平方根(RMSE):请记录均方误差本身,就像 `nn.MSELoss()` 算的那样。")),
        (mse_and_tol(X, y, start, u)[0], (
            f"the figure for epoch {e} is the loss *before* that epoch (with the parameters it "
            f"started from): the loss is taken after the epoch's steps, so the last figure is "
            f"that of the net returned. Train first, then measure.",
            f"第 {e} 轮的数值是这一轮*之前*的损失(用的是这一轮开始时的参数):损失要在这一轮的步骤之后"
            f"计算,这样最后一个数就是返回的网络的损失。先训练,再计算。")),
    ]
    batch_sq = [squared_errors(X, y, steps[k][0], batches[k])[0] for k in range(i, j)]
    weighted = float(sum(float(s.sum()) for s in batch_sq)) / n
    means = [float(s.mean()) for s in batch_sq]
    during = ("the figure was accumulated during the epoch, from the batches' losses while the "
              "model was still changing (each at the parameters before its step): report the "
              "loss of the whole dataset after the epoch, `nn.MSELoss()(net(features), labels)` "
              "under `torch.no_grad()`.",
              "这个数值是在这一轮训练过程中由各批量的损失累计出来的,那时模型还在变化(每个都是在它那一步"
              "之前的参数处算的):请在这一轮结束之后记录整个数据集的损失,在 `torch.no_grad()` 下 "
              "`nn.MSELoss()(net(features), labels)`。")
    out += [(weighted, during), (sum(means) / len(means), during), (weighted * n, during)]
    mean_of_means = ("the reported loss is the mean of the batch means: with {n} examples in "
                     "batches of {B} the last batch holds {r}, yet it weighs as much as a full "
                     "one. Report the mean squared error per example over the whole dataset: "
                     "`nn.MSELoss()(net(features), labels)`, or the batches' summed losses "
                     "divided by n.",
                     "记录的损失是各批均值的平均:{n} 个样本按每批 {B} 个分,最后一批只有 {r} 个,却和满批"
                     "一样重。请记录整个数据集上每个样本的均方误差:`nn.MSELoss()(net(features), labels)`,"
                     "或者把各批的求和损失加起来再除以 n。")
    words = tuple(w.format(n=n, B=B, r=n % B or B) for w in mean_of_means)
    groups = [report_calls(case, run, j)]
    groups.append([list(range(k, min(n, k + B))) for k in range(0, n, B)])  # in stored order
    for group in groups:
        parts = [g for g in group if g and len(g) < n]
        if parts:
            out.append((sum(float(squared_errors(X, y, end, g)[0].mean()) for g in parts)
                        / len(parts), words))
    last = batches[j - 1]
    sq_last = squared_errors(X, y, end, last)[0]
    out += [
        (float(sq_last.mean()), (
            "the reported loss is that of the epoch's last batch alone: report the loss of the "
            "whole dataset, `nn.MSELoss()(net(features), labels)`.",
            "记录的损失只是这一轮最后一个批量的损失:请记录整个数据集的损失,"
            "`nn.MSELoss()(net(features), labels)`。")),
        (float(sq_last.sum()), (
            f"the reported loss is {float(sq_last.sum()) / want:.4g} times larger than the mean "
            f"squared error per example: it is the last batch's loss summed with "
            f"reduction='sum', not a per-example figure. After each epoch, report the mean "
            f"squared error over the whole dataset (`nn.MSELoss()` on all features).",
            f"记录的损失是每个样本均方误差的 {float(sq_last.sum()) / want:.4g} 倍:这是最后一个批量用 "
            f"reduction='sum' 求和的损失,不是每个样本的数值。每轮结束后,请记录整个数据集上的均方误差"
            f"(对全部特征用 `nn.MSELoss()`)。")),
    ]
    if case.get("labels") == "flat":
        A = torch.cat([X, torch.ones(n, 1, dtype=torch.float64)], dim=1)
        pred = A @ end
        out.append((float(((pred[:, None] - y[None, :]) ** 2).mean()), (
            "the reported loss is that of (n, 1) predictions against (n,) labels, broadcast to "
            "an (n, n) matrix (every prediction against every label): reshape the labels to a "
            "column (`labels.reshape(-1, 1)`) before the loss.",
            "记录的损失是 (n, 1) 的预测对 (n,) 的标签广播成 (n, n) 矩阵(每个预测对上每个标签)之后的"
            "损失:计算损失之前请把标签变成一列(`labels.reshape(-1, 1)`)。")))
    return out


def check_losses(case, run, steps, epochs, who, call, *, first=None) -> None:
    E, n = int(case["num_epochs"]), int(case["n"])
    kind = case.get("dtype", "float32")
    u = UNIT[kind]
    losses = run.get("losses")
    expect(isinstance(losses, list) and run.get("losses_type") in ("list", "tuple"),
           "`losses` must be a list of the per-epoch figures (Python floats).",
           "`losses` 应当是每轮数值(Python float)的列表。",
           call=call, got=show(losses), expected=f"a list of {E}", kata=KATA)
    if first is not None and losses_kept(first.get("losses"), losses, E):
        check_nothing_kept(case, first, run, call)
    T = len(steps)
    if T and T != E and len(losses) == T:
        fail(f"`losses` holds {T} figures, one per optimizer step: it holds one per epoch "
             f"({E} here), taken after the epoch, over the whole dataset.",
             f"`losses` 有 {T} 个数,每一步优化器一个:它应当每轮一个(这里是 {E} 个),在这一轮结束后"
             f"对整个数据集计算。", call=call, got=show(losses), expected=f"a list of {E}", kata=KATA)
    if E and steps and len(losses) == E + 1 and figure(losses[0]) is not None:
        X, y = judge_data(case)
        before, tol = mse_and_tol(X, y, steps[0][0], u)
        expect(abs(figure(losses[0]) - before) > tol,
               f"`losses` holds {E + 1} figures, the first the loss before any training: it "
               f"holds one per epoch ({E} here), each taken after its epoch.",
               f"`losses` 有 {E + 1} 个数,第一个是训练之前的损失:它应当每轮一个(这里是 {E} 个),"
               f"每个都在该轮结束后计算。", call=call, got=show(losses), expected=f"a list of {E}",
               kata=KATA)
    expect(len(losses) == E,
           f"`losses` must hold one figure per epoch: {E} here"
           + (" (num_epochs=0: an empty list)." if E == 0 else "."),
           f"`losses` 应当每轮有一个数:这里是 {E} 个" + ("(num_epochs=0:空列表)。" if E == 0 else "。"),
           call=call, got=show(losses), expected=f"a list of {E}", kata=KATA)
    for value in losses:
        if isinstance(value, Seen):
            fail("a reported loss is a tensor" + (" that requires grad: it keeps its graph "
                                                  "alive" if value.requires_grad else "")
                 + ". Report a Python float: `loss.item()`, computed under `torch.no_grad()`.",
                 "记录的损失是一个张量" + (",而且需要梯度:它会让计算图一直存在" if value.requires_grad
                                      else "")
                 + "。请记录 Python float:在 `torch.no_grad()` 下计算 `loss.item()`。",
                 call=call, got=show(value), kata=KATA)
        expect(figure(value) is not None,
               "every reported loss is a Python float (`loss.item()`).",
               "记录的每个损失都应当是 Python float(`loss.item()`)。",
               call=call, got=show(value), kata=KATA)
    if not E:
        return
    X, y = judge_data(case)
    batches = batches_of(case, run, len(steps), call)
    for e, (i, j) in enumerate(epochs, start=1):
        got = figure(losses[e - 1])
        end = steps[j - 1][1]
        want, tol = mse_and_tol(X, y, end, u)
        if math.isfinite(got) and abs(got - want) <= tol:
            continue
        shown = dict(call=call, got=repr(got), expected=repr(want), kata=KATA)
        found = []
        for value, words in loss_causes(case, X, y, steps, batches, run, i, j, e, u):
            limit = tol * max(1.0, abs(value) / max(want, 1e-300))
            if math.isfinite(value) and abs(got - value) <= limit and \
                    abs(value - want) > 10 * (tol + limit) and words not in found:
                found.append(words)
        if len(found) == 1:  # two mistakes that give the same figure here: neither is named
            fail(*found[0], **shown)
        for k in range(1, 9):
            if got == round(got, k) and abs(got - want) <= 0.5 * 10 ** -k + tol and \
                    abs(got - want) > 10 * tol:
                fail(f"the figure reported for epoch {e} was rounded to {k} decimals: report "
                     f"`loss.item()` as it is (round only what you print).",
                     f"第 {e} 轮记录的数值被舍入到了 {k} 位小数:请原样记录 `loss.item()`(只在打印时"
                     f"舍入)。", **shown)
        near32 = kind == "float64" and abs(got - want) <= mse_and_tol(
            X, y, end, UNIT["float32"])[1]
        fail(f"the figure reported for epoch {e} is {got!r}; the mean squared error per example "
             f"over the whole dataset after that epoch, with the parameters {who[0]} had then, "
             f"is {want!r} ({got / want if want else float('inf'):.6g} times that)"
             + (", within float32's rounding of it but not float64's: a float64 run's loss is "
                "computed in float64" if near32 else "") + ".",
             f"第 {e} 轮记录的数值是 {got!r};这一轮结束后,用{who[1]}当时的参数在整个数据集上算出的"
             f"每个样本均方误差是 {want!r}(前者是后者的 {got / want if want else float('inf'):.6g} 倍)"
             + (",在 float32 的舍入误差之内,却超出了 float64 的:float64 的运行要用 float64 计算损失"
                if near32 else "") + "。", **shown)


@settings(max_examples=3)
@claim(mean_and_sum)
def test_train_concise_reports_the_mean_loss_per_example_after_each_epoch(case, seen):
    call_m, call_s = call_of(case, "mean"), call_of(case, "sum")
    mean, msteps, mepochs = run_checked(case, seen, "mean", call_m, MEAN_RUN)
    check_nothing_kept(case, mean, part(seen, "sum", call_s),
                       call_m + t(", then with reduction='sum'", ",然后 reduction='sum'"),
                       same_net=seen.get("same_net") is True,
                       same_losses=seen.get("same_losses") is True)
    check_losses(case, mean, msteps, mepochs, MEAN_RUN, call_m)
    total, ssteps, sepochs = run_checked(case, seen, "sum", call_s, SUM_RUN)
    check_losses(case, total, ssteps, sepochs, SUM_RUN, call_s, first=mean)


# --- train_concise: its defaults fit d2l's data ------------------------------------------------

DEFAULTS = {"n": 1000, "d": 2, "batch_size": 10, "num_epochs": 3, "lr": 0.03,
            "dtype": "float32", "labels": "column", "layout": "contiguous"}


@observe(examples=[{"seed": 0}])
def defaults(kata, case):
    """train_concise(features, labels) on d2l's 1000 examples: every argument at its default."""
    X, y = synthetic_data(1000, seed=int(case["seed"]) % 2**31)
    run = train(kata, X, y, calls=False, keywords=True)  # the contract's names, as keywords
    out = None
    if isinstance(run.net, nn.Module):
        with torch.no_grad():
            out = run.net(X)
    return {"run": run.data, "out": out,
            "start": train(kata, X, y, calls=False, num_epochs=0).data,
            "start_seed_0": train(kata, X, y, calls=False, num_epochs=0, seed=0).data}


@claim(defaults)
def test_train_concise_fits_the_data_with_its_defaults(case, seen):
    call = t("train_concise(features, labels) on d2l's 1000 examples (w = [2, -3.4], b = 4.2)",
             "train_concise(features, labels),数据是 d2l 的 1000 个样本(w = [2, -3.4],b = 4.2)")
    like = {**DEFAULTS, "seed": case["seed"]}
    run = part(seen, "run", call)
    check_raised(like, run, call)
    check_returned(run, call)
    steps = steps_of(like, run, call)
    T = run["total"]
    expect(T == 300,
           f"with its defaults (batch_size=10, num_epochs=3) train_concise takes 3 epochs of "
           f"100 steps on 1000 examples; it took {T} optimizer steps.",
           f"使用默认参数(batch_size=10,num_epochs=3)时,train_concise 在 1000 个样本上应走 3 轮、"
           f"每轮 100 步;它走了 {T} 步优化器。", call=call, got=f"{T}", expected="300", kata=KATA)
    before, after, g = steps[0]
    if g is not None and float(g @ g):
        used = -float((after - before) @ g) / float(g @ g)
        expect(abs(used - 0.03) <= 1e-3 * 0.03 + 1e-4,
               f"the first step was taken with an lr of {used:.4g}: the default lr is 0.03, "
               f"and the default reduction 'mean' uses it as it is.",
               f"第一步用的学习率是 {used:.4g}:默认学习率是 0.03,默认的 reduction 'mean' 直接使用它。",
               call=call, got=f"{used:.4g}", expected="0.03", kata=KATA)
    out = seen.get("out") if isinstance(seen, dict) else None
    expect(isinstance(out, Seen) and out.complete and out.shape == (1000, 1),
           "the net must map features (n, 2) to predictions (n, 1): one `nn.Linear(2, 1)`.",
           "网络应把特征 (n, 2) 映射到预测 (n, 1):一个 `nn.Linear(2, 1)`。",
           call=call, got=show(out), expected="shape (1000, 1)", kata=KATA)
    _, labels = synthetic_data(1000, seed=int(case["seed"]) % 2**31)
    loss = float(((out.tensor.double() - labels.double()) ** 2).mean())
    expect(loss < 1e-3,
           "after 3 epochs (lr 0.03, batch size 10) the fit is poor, where the articles reach a "
           "loss near 1e-4. With reduction='mean' the lr is used as given; only 'sum' divides it "
           "by the batch size.",
           "3 轮训练(lr 0.03,批量 10)之后拟合很差,而文章里的损失约为 1e-4。reduction='mean' 时"
           "学习率直接使用;只有 'sum' 才除以批量大小。",
           call=call, got=f"loss {loss:.3g}", expected="< 1e-3", kata=KATA)
    losses = run.get("losses")
    expect(isinstance(losses, list) and len(losses) == 3,
           "`losses` must hold one figure per epoch: 3 with the default num_epochs.",
           "`losses` 应当每轮有一个数:默认 num_epochs 下是 3 个。",
           call=call, got=show(losses), expected="a list of 3", kata=KATA)
    call0 = t("train_concise(features, labels, num_epochs=0), and with seed=0",
              "train_concise(features, labels, num_epochs=0),以及 seed=0 时")
    start, zero = part(seen, "start", call0), part(seen, "start_seed_0", call0)
    for one in (start, zero):
        check_raised(like, one, call0)
        check_returned(one, call0)
    a, b = net_of(like, start, call0), net_of(like, zero, call0)
    expect(torch.equal(a, b),
           "without a seed, train_concise starts from other initial weights than with seed=0: "
           "the default seed is 0 (`seed=0` in the signature).",
           "不传 seed 时,train_concise 的初始权重与 seed=0 时不同:默认的 seed 是 0(签名里的 `seed=0`)。",
           call=call0, got=show(a), expected=show(b), kata=KATA)
