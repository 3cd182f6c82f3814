"""batch_division: a summed loss's gradient is divided by the batch size, once.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it did as plain
data; the test (the judge) decides from that data alone, computing what is right itself.

Irregular inputs (docs/CONTRIBUTING.md): for squared_loss float64 (far from zero), float16 and
bfloat16, labels (n,) and (n, 1), non-contiguous ones (a column sliced out of a matrix), a batch
of one, a y_hat that requires grad (a leaf, or the result of an operation); for sgd every
floating dtype, non-contiguous, channels-last and 0-dim parameters, a list, a tuple or a
generator of them, a call inside the caller's `torch.no_grad()`, two models stepped in turn with
rates of their own; for train_linreg float64 features, labels (n,), sizes that do not divide
evenly, a batch of one, num_epochs 0 and 2, the default seed, the global generators (torch's,
Python's, NumPy's) set differently between calls. Left out on purpose: integer inputs (a loss
and a step are floating), a `.grad` that is None (the contract gives sgd gradients), the
exceptions (the contract raises none).

train_linreg shuffles as it likes, so no test knows its order of examples: on a handful of
examples the judge replays *every* order of minibatches there is, and the run must be one of
them (or, to name a mistake, one of them computed the wrong way).
"""

import functools
import itertools
import math
import random
import traceback
from pathlib import Path

import torch
from hypothesis import settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.datasets import synthetic_data
from dojo.spec import Seen, claim, observe
from dojo.testing import expect, expect_different, fail, show, undecided

KATA = "batch_division"


# --- what crossed --------------------------------------------------------------------------------


def attempt(kata, fn):
    """{"value": what `fn()` returned}, or what the learner's code raised, as data: its type, its
    text and the line of the learner's file it came from (the judge says on which input)."""
    try:
        return {"value": fn()}
    except NotImplementedError:
        raise  # not started: the plugin says so
    except Exception as err:  # noqa: BLE001 - any error of the learner's code, told as data
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


def field(seen, key, call):
    """One item of the observation, or a failure that says the data was not what was observed."""
    expect(isinstance(seen, dict) and key in seen,
           f"the observation of this call is incomplete (no {key!r}): it cannot be judged.",
           f"这次调用的观测数据不完整(缺少 {key!r}),无法评判。", call=call, kata=KATA)
    return seen[key]


def values_of(seen):
    """An observed tensor's values (float64 for floats), or None when they did not all cross."""
    if not isinstance(seen, Seen) or seen.error is not None or not seen.complete:
        return None
    try:
        t = seen.tensor
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return None
    if t.dtype == torch.bool:
        return t.long()
    return t.double() if t.dtype.is_floating_point else t


def raised_words(record) -> tuple[str, str]:
    """'RuntimeError: ... (at line 12: ...)' from a record of `attempt`, whatever it holds."""
    kind = record.get("raised") if isinstance(record.get("raised"), str) else "an error"
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    at = record.get("at") if isinstance(record.get("at"), str) else None
    where = f" (at {at[:200]})" if at else ""
    zh_where = f"(位置:{at[:200]})" if at else ""
    return f"{kind[:60]}: {text[:300]}{where}", f"{kind[:60]}:{text[:300]}{zh_where}"


def within(got, exact, scale, dtype_name, ulps=4.0) -> bool:
    """`got` is `exact` as a computation in `dtype_name` gives it (elementwise, `ulps` units of
    that dtype's rounding of numbers of size `scale`)."""
    return got.shape == exact.shape and diagnose.within_rounding(got, exact, scale, dtype_name,
                                                                  ulps)


# --- squared_loss ----------------------------------------------------------------------------------
# A case: {"seed", "n", "dtype", "y": "flat" | "column", "y_hat_layout", "y_layout",
#          "grad": "none" | "leaf" | "graph", "offset"}


def y_hat_desc(case):
    return {"shape": [case.n, 1], "dtype": case.dtype, "layout": case.get("y_hat_layout",
                                                                          "contiguous"),
            "seed": case.seed, "offset": case.get("offset", 0.0)}


def y_desc(case):
    shape = [case.n] if case.get("y") == "flat" else [case.n, 1]
    return {"shape": shape, "dtype": case.dtype, "layout": case.get("y_layout", "contiguous"),
            "seed": case.seed + 1, "offset": case.get("offset", 0.0)}


def loss_inputs(case):
    """(y_hat, y, the leaf the gradient reaches or None): y_hat a plain tensor ("none"), a leaf
    that requires grad ("leaf"), or the result of an operation on one, as `X @ w + b` is
    ("graph"); laid out as the case says."""
    y = irr.tensor(y_desc(case))
    desc = y_hat_desc(case)
    if case.get("grad") == "leaf":
        leaf = irr.tensor(desc).detach().requires_grad_()
        return leaf, y, leaf
    if case.get("grad") == "graph":
        leaf = irr.tensor({**desc, "layout": "contiguous"}).detach().requires_grad_()
        return irr.laid_out(leaf * 1, desc["layout"]), y, leaf
    return irr.tensor(desc), y, None


def loss_call(case) -> str:
    en_hat = irr.describe(y_hat_desc(case))[0]
    grad = {"leaf": ", a leaf that requires grad", "graph": ", the result of an operation on "
            "a tensor that requires grad (as `X @ w + b` is)"}.get(case.get("grad"), "")
    return f"squared_loss(y_hat: {en_hat}{grad}, y: {irr.describe(y_desc(case))[0]})"


LOSS_EXAMPLES = [
    # the articles' case, with the label a learner slices out as (n,)
    {"seed": 0, "n": 5, "dtype": "float32", "y": "flat", "grad": "none"},
    {"seed": 1, "n": 4, "dtype": "float32", "y": "column", "grad": "graph"},
    # a batch of one example
    {"seed": 2, "n": 1, "dtype": "float32", "y": "flat", "grad": "leaf"},
    # float64 far from zero: (1e8 + a) - (1e8 + b), which float32 cannot hold
    {"seed": 3, "n": 4, "dtype": "float64", "y": "column", "y_layout": "sliced", "offset": 1e8,
     "grad": "none"},
    # half precision; a label column sliced out of a matrix (not contiguous)
    {"seed": 4, "n": 6, "dtype": "float16", "y": "flat", "y_layout": "sliced", "grad": "graph"},
    {"seed": 5, "n": 3, "dtype": "bfloat16", "y": "column", "y_layout": "sliced",
     "y_hat_layout": "sliced", "grad": "leaf"},
    {"seed": 6, "n": 7, "dtype": "float64", "y": "flat", "y_layout": "sliced",
     "y_hat_layout": "sliced", "grad": "graph"},
]

LOSS_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 8),
    "dtype": irr.float_dtypes(),
    "y": st.sampled_from(["flat", "column"]),
    "y_hat_layout": st.sampled_from(["contiguous", "sliced"]),
    "y_layout": st.sampled_from(["contiguous", "sliced"]),
    "grad": st.sampled_from(["none", "leaf", "graph"]),
    "offset": st.sampled_from([0.0, 0.0, 100.0]),
})


@observe(examples=LOSS_EXAMPLES, draw=LOSS_CASES)
def loss_of(kata, case):
    """The loss, the caller's y_hat and y after the call, and the gradient that
    `loss.sum().backward()` gives the leaf behind y_hat."""
    y_hat, y, leaf = loss_inputs(case)
    out = attempt(kata, lambda: kata.squared_loss(y_hat, y))
    if "raised" in out:
        return out
    loss = out["value"]
    seen = {"loss": loss, "y_hat": y_hat.detach(), "y": y, "grad": None, "backward": None}
    if leaf is not None and isinstance(loss, torch.Tensor) and loss.requires_grad:
        done = attempt(kata, lambda: loss.sum().backward())
        seen["grad"] = leaf.grad
        seen["backward"] = done.get("text") if "raised" in done else None
    return seen


def exact_loss(case):
    """(the per-example loss in float64, the size of its operands |d| * (|y_hat| + |y|), d)."""
    y_hat, y, _ = loss_inputs(case)
    a, b = y_hat.detach().double(), y.double().reshape(case.n, 1)
    d = a - b
    return d * d / 2, d.abs() * (a.abs() + b.abs()), d


def expanded_loss(case):
    """(the expanded square `(y_hat**2 - 2*y_hat*y + y**2) / 2` computed in the case's dtype, in
    float64; the size of its terms y_hat^2 + y^2): what the binomial expansion gives."""
    y_hat, y, _ = loss_inputs(case)
    a, b = y_hat.detach(), y.reshape(case.n, 1)
    out = (a ** 2 - 2 * a * b + b ** 2) / 2
    return out.double(), a.double() ** 2 + b.double() ** 2


def detoured_loss(case, coarser):
    """The loss computed in `coarser` from the inputs converted to it, converted back."""
    y_hat, y, _ = loss_inputs(case)
    a, b = y_hat.detach().to(irr.dtype(coarser)), y.reshape(case.n, 1).to(irr.dtype(coarser))
    return ((a - b) ** 2 / 2).to(irr.dtype(case.dtype)).double()


def check_raised(case, record, call):
    words, zh_words = raised_words(record)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    if "leaf Variable that requires grad" in text:
        fail(f"squared_loss raised {words}: it changed y_hat in place, and y_hat is a leaf that "
             f"requires grad here, which PyTorch refuses (elsewhere it would silently overwrite "
             f"the caller's predictions). Compute a new tensor: `(y_hat - y.reshape(y_hat.shape))"
             f" ** 2 / 2`, no `sub_`, no `-=`.",
             f"squared_loss 抛出了 {zh_words}:它原地修改了 y_hat,而这里的 y_hat 是需要梯度的叶子张量,"
             f"PyTorch 拒绝这样做(在别的地方则会悄悄覆盖调用方的预测值)。请计算一个新张量:"
             f"`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`,不要 `sub_`,也不要 `-=`。",
             call=call, kata=KATA)
    if case.n == 1 and "Dimension out of range" in text:
        fail(f"squared_loss raised {words} on a batch of one example: something dropped the "
             f"batch's dimension, as `squeeze()` without a dim does (it removes every "
             f"dimension of size 1, so a (1, 1) batch becomes a 0-dim tensor, and a later "
             f"`unsqueeze(1)` or index of dim 1 fails). A batch of one is a batch too: bring y "
             f"to y_hat's shape with `y.reshape(y_hat.shape)`.",
             f"squared_loss 在只有一个样本的批量上抛出了 {zh_words}:有操作把批量这一维去掉了,就像不带 "
             f"dim 的 `squeeze()` 那样(它去掉所有大小为 1 的维度,(1, 1) 的批量就变成了 0 维张量,之后的 "
             f"`unsqueeze(1)` 或对第 1 维的索引就会出错)。一个样本的批量也是批量:请用 "
             f"`y.reshape(y_hat.shape)` 把 y 变成 y_hat 的形状。",
             call=call, kata=KATA)
    if "view size is not compatible" in text:
        fail(f"squared_loss raised {words}: `.view(...)` cannot reshape a tensor whose memory is "
             f"not in order (here a label column sliced out of a matrix, or a sliced y_hat): a "
             f"view only reinterprets the memory as it is. `y.reshape(y_hat.shape)` views when "
             f"it can and copies when it must.",
             f"squared_loss 抛出了 {zh_words}:`.view(...)` 无法对内存不按顺序排列的张量变形(这里是从矩阵"
             f"里切出来的标签列,或切片得到的 y_hat):view 只是按原样重新解读内存。"
             f"`y.reshape(y_hat.shape)` 能 view 时就 view,必须复制时才复制。", call=call, kata=KATA)
    fail(f"squared_loss raised {words}. The stub promises these inputs: y_hat (n, 1) and y (n,) "
         f"or (n, 1) of the same floating dtype, in any memory layout.",
         f"squared_loss 抛出了 {zh_words}。stub 承诺的输入就是这些:y_hat 为 (n, 1),y 为 (n,) 或 "
         f"(n, 1),两者 dtype 相同且为浮点,内存布局任意。", call=call, kata=KATA)


def check_inputs_kept(case, seen, call):
    """y_hat and y after the call are what they were: same shape, same values."""
    expect(isinstance(seen, dict), "the observation of this call came back malformed.",
           "这次调用的观测数据格式不对。", call=call, kata=KATA)
    y_hat0, y0, _ = loss_inputs(case)
    for name, before, key in (("y_hat", y_hat0.detach(), "y_hat"), ("y", y0, "y")):
        after = seen.get(key)
        if not isinstance(after, Seen):
            continue
        if after.shape != tuple(before.shape):
            fail(f"squared_loss changed the shape of the caller's `{name}` from "
                 f"{tuple(before.shape)} to {after.shape}: it was reshaped in place "
                 f"(`resize_as_`, `unsqueeze_`, `squeeze_`), so the caller's tensor is no longer "
                 f"the one it passed, and on a non-contiguous tensor `resize_as_` even reads "
                 f"other numbers. `{name}.reshape(...)` (or `view`) makes a new tensor and leaves "
                 f"`{name}` as it was.",
                 f"squared_loss 把调用方 `{name}` 的形状从 {tuple(before.shape)} 改成了 {after.shape}:"
                 f"它被原地变形了(`resize_as_`、`unsqueeze_`、`squeeze_`),调用方的张量不再是它传入的"
                 f"那个;对非连续张量,`resize_as_` 读到的甚至是别的数。`{name}.reshape(...)`(或 `view`)"
                 f"会生成新张量,`{name}` 保持原样。", call=call,
                 got=f"{name}.shape = {after.shape}", expected=f"{tuple(before.shape)}", kata=KATA)
        now = values_of(after)
        if now is None or irr.exactly(now.to(before.dtype), before):
            continue
        residual = before.double() - y0.double().reshape(before.shape) if name == "y_hat" \
            else None
        if residual is not None and within(now, residual, before.double().abs()
                                           + y0.double().reshape(before.shape).abs(),
                                           case.dtype):
            fail("squared_loss overwrote the caller's y_hat with y_hat - y: the subtraction was "
                 "done in place (`y_hat.sub_(y)`, `y_hat -= y`), so the predictions the caller "
                 "still holds are gone (and a y_hat that is a leaf requiring grad raises). "
                 "Compute a new tensor: `(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`.",
                 "squared_loss 把调用方的 y_hat 覆盖成了 y_hat - y:减法是原地做的(`y_hat.sub_(y)`、"
                 "`y_hat -= y`),调用方手里的预测值就没了(如果 y_hat 是需要梯度的叶子张量还会报错)。"
                 "请计算一个新张量:`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`。",
                 call=call, got=after, expected=before, kata=KATA)
        fail(f"squared_loss changed the values of the caller's `{name}`: an operation wrote into "
             f"it in place (a method ending in `_`, `-=`, `**=`). Leave the inputs as they are "
             f"and compute a new tensor.",
             f"squared_loss 改变了调用方 `{name}` 的数值:有运算原地写进了它(以 `_` 结尾的方法、`-=`、"
             f"`**=`)。请不要改动输入,计算一个新张量。", call=call, got=after, expected=before,
             kata=KATA)


@settings(max_examples=15)
@claim(loss_of)
def test_squared_loss_is_one_loss_per_example_shaped_like_y_hat(case, seen):
    call = loss_call(case)
    if isinstance(seen, dict) and "raised" in seen:
        check_raised(case, seen, call)
    check_inputs_kept(case, seen, call)
    loss = field(seen, "loss", call)
    want, scale, d = exact_loss(case)
    n, shown = case.n, want.to(irr.dtype(case.dtype))
    expect(isinstance(loss, Seen) and loss.error is None,
           "squared_loss must return a tensor: one loss per example, shaped like y_hat.",
           "squared_loss 应当返回一个张量:每个样本一个损失,形状与 y_hat 相同。",
           call=call, got=show(loss), expected=shown, kata=KATA)
    got = values_of(loss)
    if loss.shape == (n, n) and n > 1:
        broadcast = (d.new_tensor(0) + irr.tensor(y_hat_desc(case)).double()
                     - irr.tensor(y_desc(case)).double().reshape(-1)) ** 2 / 2
        seen_as = "the values of the broadcast" if got is not None and torch.allclose(
            got, broadcast, rtol=1e-2, atol=1e-3) else "a tensor of that shape"
        fail(f"the loss was broadcast into ({n}, {n}) ({seen_as}): `({n}, 1) - ({n},)` does "
             f"not subtract example by example, broadcasting pairs every prediction with every "
             f"label, so the summed loss and its gradient are wrong without any error. Reshape "
             f"the label first: `y.reshape(y_hat.shape)`.",
             f"损失被广播成了 ({n}, {n}):`({n}, 1) - ({n},)` 不是逐个样本相减,广播会把每个预测和"
             f"每个标签两两配对,求和后的损失和梯度都错了,却不会报错。先把标签变形:"
             f"`y.reshape(y_hat.shape)`。",
             call=call, got=f"shape {loss.shape}", expected=f"shape ({n}, 1)", kata=KATA)
    if loss.numel == 1 and n > 1 and loss.shape != (n, 1):
        total = got.reshape(()) if got is not None else None
        how = ""
        zh_how = ""
        if total is not None and math.isclose(float(total), float(want.sum()), rel_tol=1e-2):
            how, zh_how = " (their sum)", "(它们的和)"
        elif total is not None and math.isclose(float(total), float(want.mean()), rel_tol=1e-2):
            how, zh_how = " (their mean)", "(它们的平均)"
        fail(f"squared_loss returned one number{how} for {n} examples: it must return one loss "
             f"per example, shaped like `y_hat`. The training loop sums it "
             f"(`l.sum().backward()`) and `sgd` divides by the batch size; a mean here as well "
             f"would average twice.",
             f"squared_loss 对 {n} 个样本只返回了一个数{zh_how}:它应当返回每个样本的损失,形状与 "
             f"`y_hat` 相同。训练循环会求和(`l.sum().backward()`),`sgd` 再除以批量大小;在这里再取"
             f"平均就平均了两次。", call=call, got=loss, expected=shown, kata=KATA)
    if loss.shape != (n, 1):
        right = got is not None and got.numel() == n and within(got.reshape(n, 1), want, scale,
                                                                case.dtype)
        if right and n == 1 and loss.shape in ((1,), ()):
            fail(f"on a batch of one example (y_hat of shape (1, 1), y of shape "
                 f"{'(1,)' if case.get('y') == 'flat' else '(1, 1)'}) the loss has shape "
                 f"{loss.shape}, not (1, 1): the value is right, but a dimension of size 1 was "
                 f"lost. On one example every dimension has size 1: `squeeze()` removes them all "
                 f"(a 0-dim tensor; an `unsqueeze` after it gives (1,)), and `flatten()` or "
                 f"`reshape(-1)` or y's shape leave (1,). Keep y_hat's shape and bring y to it: "
                 f"`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`.",
                 f"在只有一个样本的批量上(y_hat 形状为 (1, 1),y 形状为 "
                 f"{'(1,)' if case.get('y') == 'flat' else '(1, 1)'}),损失的形状是 {loss.shape},而不是 "
                 f"(1, 1):数值是对的,但丢了一个大小为 1 的维度。只有一个样本时每个维度的大小都是 1:"
                 f"`squeeze()` 会把它们全部去掉(得到 0 维张量,之后再 `unsqueeze` 得到 (1,)),"
                 f"`flatten()`、`reshape(-1)` 或 y 的形状会得到 (1,)。保持 y_hat 的形状,把 y 变成它的形状:"
                 f"`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`。",
                 call=call, got=f"shape {loss.shape}", expected=f"shape ({n}, 1)", kata=KATA)
        if right and case.get("y") == "flat" and loss.shape == (n,):
            fail(f"the loss has y's shape ({n},), not y_hat's ({n}, 1): y_hat was brought to y's "
                 f"shape rather than y to y_hat's. The values are right, but the loss must be "
                 f"shaped like the prediction: `(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`.",
                 f"损失的形状是 y 的 ({n},),而不是 y_hat 的 ({n}, 1):是把 y_hat 变成了 y 的形状,而不是"
                 f"把 y 变成 y_hat 的形状。数值是对的,但损失的形状要和预测一致:"
                 f"`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`。",
                 call=call, got=f"shape {loss.shape}", expected=f"shape ({n}, 1)", kata=KATA)
        fail(f"the loss has shape {loss.shape}{' (the right values, in another shape)' if right else ''}"
             f": it must be shaped like y_hat, ({n}, 1), one loss per example.",
             f"损失的形状是 {loss.shape}{'(数值对,形状不对)' if right else ''}:它的形状应当与 y_hat 相同,"
             f"即 ({n}, 1),每个样本一个损失。",
             call=call, got=f"shape {loss.shape}", expected=f"shape ({n}, 1)", kata=KATA)
    if loss.dtype_name != case.dtype:
        fail(f"the loss is {loss.dtype_name}, where y_hat and y are {case.dtype}: it was computed "
             f"in (or converted to) another dtype (a `.float()` \"to be safe\", a `torch.tensor` "
             f"of the default dtype). A {case.dtype} prediction gets a {case.dtype} loss, with "
             f"all of its precision (far from zero, float32 loses the residual altogether).",
             f"损失是 {loss.dtype_name},而 y_hat 和 y 是 {case.dtype}:它是用别的 dtype 算的(或被转换"
             f"成了别的 dtype,比如“保险起见”的 `.float()`、默认 dtype 的 `torch.tensor`)。{case.dtype} "
             f"的预测应得到 {case.dtype} 的损失,保留全部精度(数值远离 0 时,float32 会把残差整个丢掉)。",
             call=call, got=f"dtype {loss.dtype_name}", expected=f"dtype {case.dtype}", kata=KATA)
    if got is not None and within(got, want, scale, case.dtype):
        return
    if got is None:
        fail("the values of the loss could not be read back.", "无法读回损失的数值。",
             call=call, got=show(loss), kata=KATA)
    expanded, squares = expanded_loss(case)
    coarser = diagnose.coarser_precision(got, want, scale, case.dtype)
    detour = detoured_loss(case, coarser) if coarser is not None else None
    detoured = detour is not None and within(got, detour, scale, coarser)
    off_expanded = float((got - expanded).abs().max())
    if detoured and float((got - detour).abs().max()) < off_expanded:
        expanded = None  # the detour through a coarser dtype is the closer replay
    if expanded is not None and within(got, expanded, squares, case.dtype, ulps=8):
        err = float(((got - want).abs()).max())
        fail(f"the loss is what the expanded square `(y_hat**2 - 2*y_hat*y + y**2) / 2` gives in "
             f"{case.dtype} on these inputs (replayed, it matches), not (y_hat - y)^2 / 2 (off "
             f"by up to {err:.3g}): the same in exact arithmetic, but far from zero the squares "
             f"(here up to {float(squares.max()):.3g}) cancel and their rounding is all that is "
             f"left of the residual. Subtract first, then square: "
             f"`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`.",
             f"损失是展开的平方 `(y_hat**2 - 2*y_hat*y + y**2) / 2` 在 {case.dtype} 下对这些输入给出的值"
             f"(重放后一致),而不是 (y_hat - y)^2 / 2(最多相差 {err:.3g}):两者在精确算术中相同,但数值"
             f"远离 0 时,各个平方项(这里最大 {float(squares.max()):.3g})相互抵消,残差只剩下它们的舍入误差。"
             f"先相减再平方:`(y_hat - y.reshape(y_hat.shape)) ** 2 / 2`。",
             call=call, got=loss, expected=shown, kata=KATA)
    if detoured:
        fail(f"the loss has the right dtype, {case.dtype}, but only {coarser}'s precision: it is "
             f"what the loss computed in {coarser} and converted back gives (replayed, it "
             f"matches). Compute in the inputs' own dtype.",
             f"损失的 dtype 是对的({case.dtype}),但只有 {coarser} 的精度:它与先用 {coarser} 计算、"
             f"再转换回来的结果一致(已重放)。请用输入自己的 dtype 计算。", call=call, got=loss,
             expected=shown, kata=KATA)
    s = diagnose.ratio(got, want)
    cause = diagnose.matching(s, [
        (2.0, ("the half is missing: the loss is (y_hat - y)^2, twice (y_hat - y)^2 / 2. The "
               "articles' squared loss divides by 2, so that its gradient is y_hat - y.",
               "少了那个 1/2:损失是 (y_hat - y)^2,是 (y_hat - y)^2 / 2 的两倍。文章里的平方损失要除以 2,"
               "这样它的梯度正好是 y_hat - y。")),
        (0.5, ("the loss is halved twice: (y_hat - y)^2 / 4. Divide by 2 once.",
               "损失被除了两次 2:(y_hat - y)^2 / 4。只除一次 2。")),
    ], rtol=1e-2)
    if cause is not None:
        fail(*cause, call=call, got=loss, expected=shown, kata=KATA)
    en, zh = diagnose.unexplained(("the loss", "损失"), s, ("(y_hat - y)^2 / 2",
                                                             "(y_hat - y)^2 / 2"))
    err = float(((got - want).abs()).max())
    fail(f"the loss is not (y_hat - y)^2 / 2 for each example (off by up to {err:.3g}): {en}",
         f"损失不是逐样本的 (y_hat - y)^2 / 2(最多相差 {err:.3g}):{zh}",
         call=call, got=loss, expected=shown, kata=KATA)


@settings(max_examples=15)
@claim(loss_of)
def test_squared_loss_keeps_the_graph_to_y_hat(case, seen):
    if case.get("grad") not in ("leaf", "graph"):
        return  # y_hat requires no grad in this case: no graph to keep, whatever the answer
    call = loss_call(case) + "; then `loss.sum().backward()`"
    what = ("whether the loss keeps the graph to y_hat", "损失是否保留了到 y_hat 的计算图")
    see = "test_squared_loss_is_one_loss_per_example_shaped_like_y_hat"
    if isinstance(seen, dict) and "raised" in seen:
        words, zh_words = raised_words(seen)
        undecided((f"squared_loss raised {words}", f"squared_loss 抛出了 {zh_words}"), what,
                  see=see, call=call, kata=KATA)
    loss = field(seen, "loss", call)
    if not isinstance(loss, Seen) or loss.error is not None or loss.shape != (case.n, 1):
        undecided((f"squared_loss returned {show(loss)}, not a loss of shape ({case.n}, 1)",
                   f"squared_loss 返回了 {show(loss)},而不是形状为 ({case.n}, 1) 的损失"), what,
                  see=see, call=call, kata=KATA)
    expect(loss.requires_grad and loss.grad_fn is not None,
           "the loss does not require grad though y_hat does: it was computed outside the graph "
           "(`.detach()`, `torch.no_grad()`, `.item()` or NumPy on the way, or `torch.tensor(...)` "
           "of the values), so `backward()` can never reach the parameters behind y_hat.",
           "y_hat 需要梯度,损失却不需要:它是在计算图之外算出来的(中途用了 `.detach()`、"
           "`torch.no_grad()`、`.item()` 或 NumPy,或者对数值调用了 `torch.tensor(...)`),"
           "`backward()` 永远到不了 y_hat 背后的参数。",
           call=call, got=f"loss.requires_grad = {loss.requires_grad}", expected="True",
           kata=KATA)
    backward = seen.get("backward")
    expect(backward is None,
           f"`loss.sum().backward()` raised: {str(backward)[:300]}",
           f"`loss.sum().backward()` 抛出了错误:{str(backward)[:300]}", call=call, kata=KATA)
    y_hat, y, _ = loss_inputs(case)
    a, b = y_hat.detach().double(), y.double().reshape(case.n, 1)
    want = a - b  # d/dy_hat of (y_hat - y)^2 / 2, summed
    got = values_of(seen.get("grad"))
    if got is not None and within(got, want, a.abs() + b.abs(), case.dtype, ulps=6):
        return
    shown = want.to(irr.dtype(case.dtype))
    if got is not None and got.shape == want.shape and within(got, 2 * want,
                                                              2 * (a.abs() + b.abs()),
                                                              case.dtype, ulps=6):
        fail("the gradient reaching y_hat is 2 * (y_hat - y), twice what it should be: the loss "
             "lacks the / 2 (or is scaled by 2 on the way).",
             "到达 y_hat 的梯度是 2 * (y_hat - y),是应有值的两倍:损失少了 / 2(或者中途被乘了 2)。",
             call=call, got=seen.get("grad"), expected=shown, kata=KATA)
    fail("the gradient of the summed loss with respect to y_hat should be `y_hat - y`, example "
         "by example; it is not (the leaf behind y_hat got the gradient shown).",
         "求和后的损失对 y_hat 的梯度应当逐样本等于 `y_hat - y`;现在不是(y_hat 背后的叶子张量得到的"
         "梯度如下)。", call=call, got=seen.get("grad"), expected=shown, kata=KATA)


# --- sgd -------------------------------------------------------------------------------------------
# A case: {"seed", "calls": [{"params": [desc, ...], "lr", "batch_size", "container":
#          "list" | "tuple" | "generator", "grad_mode": bool}, ...]}: one model per call, each
# stepped in turn with its own rate (two models trained side by side).


def param(shape, dtype, layout, seed):
    return {"shape": shape, "dtype": dtype, "layout": layout, "seed": seed}


def leaves_with_grads(call_case, seed):
    """The call's parameters: leaves that require grad, whose `.grad` a real backward filled: the
    gradient of a loss summed over `batch_size` examples (its mean is of the size of the
    parameters, so a step of any dtype moves them by more than their rounding)."""
    params = [irr.tensor(d).detach().requires_grad_() for d in call_case["params"]]
    gen = torch.Generator().manual_seed(seed)
    weight = float(call_case["batch_size"]) * 5
    loss = sum((p.double() * torch.randn(p.shape, generator=gen, dtype=torch.float64)).sum()
               for p in params) * weight
    loss.backward()
    return params


def handed(params, container):
    if container == "generator":
        return (p for p in params)
    return tuple(params) if container == "tuple" else list(params)


def names_of(call_case):
    return call_case.get("names") or [f"params[{i}]" for i in range(len(call_case["params"]))]


def sgd_call(call_case, k) -> str:
    if call_case.get("names"):
        text = f"sgd([{', '.join(call_case['names'])}]"
    else:
        shown = ", ".join(irr.describe(d)[0].replace("tensor", "param", 1)
                          for d in call_case["params"])
        how = {"list": "a list", "tuple": "a tuple", "generator": "a generator"}.get(
            call_case.get("container"), "a list")
        text = f"sgd({how} of [{shown}]"
    text += f", lr={call_case['lr']:.4g}, batch_size={call_case['batch_size']})"
    if not call_case.get("grad_mode", True):
        text += ", called inside `with torch.no_grad():`"
    return text + (f" (model {k + 1}, after model 1's call)" if k else "")


SGD_EXAMPLES = [
    # the articles' case: w (2, 1) and b (1,) in a list, lr 0.03, batch_size 10; then a second
    # model with a rate of its own
    {"seed": 0, "calls": [
        {"params": [param([2, 1], "float32", "contiguous", 1),
                    param([1], "float32", "contiguous", 2)], "names": ["w", "b"],
         "lr": 0.03, "batch_size": 10, "container": "list", "grad_mode": True},
        {"params": [param([3, 1], "float32", "contiguous", 3),
                    param([1], "float32", "contiguous", 4)], "names": ["w2", "b2"],
         "lr": 0.1, "batch_size": 4, "container": "list", "grad_mode": True}]},
    # float64 and non-contiguous parameters, handed over as a generator (model.parameters()),
    # inside the caller's no_grad
    {"seed": 5, "calls": [
        {"params": [param([2, 3], "float64", "transposed", 6),
                    param([4], "float64", "sliced", 7)],
         "lr": 0.3, "batch_size": 6, "container": "generator", "grad_mode": False},
        {"params": [param([3], "float64", "contiguous", 8)],
         "lr": 0.05, "batch_size": 3, "container": "generator", "grad_mode": True}]},
    # half precision, a tuple, a 0-dim parameter, a channels-last conv weight, a batch of one
    {"seed": 9, "calls": [
        {"params": [param([5], "float16", "contiguous", 10), param([], "bfloat16", "contiguous",
                                                                   11)],
         "lr": 0.25, "batch_size": 1, "container": "tuple", "grad_mode": True},
        {"params": [param([2, 3, 2, 2], "float32", "channels_last", 12)],
         "lr": 0.5, "batch_size": 8, "container": "list", "grad_mode": False}]},
]

SGD_CALL = st.fixed_dictionaries({
    "params": st.lists(irr.tensors(shape=irr.shapes(min_dims=0, max_dims=3)), min_size=1,
                       max_size=3),
    "lr": st.floats(0.01, 1.0),
    "batch_size": st.integers(1, 64),
    "container": st.sampled_from(["list", "tuple", "generator"]),
    "grad_mode": st.booleans(),
})
SGD_CASES = st.fixed_dictionaries({"seed": irr.seeds(),
                                   "calls": st.lists(SGD_CALL, min_size=2, max_size=2)})


def call_seed(case, k):
    return int(case.seed) * 2 + k


@observe(examples=SGD_EXAMPLES, draw=SGD_CASES)
def stepped(kata, case):
    """Each model's call in turn: the parameters after it (the caller's own objects), what
    `.grad` holds, whether the same objects and memory are there, grad mode after it."""
    models = [leaves_with_grads(c, call_seed(case, k)) for k, c in enumerate(case["calls"])]
    out = []
    for k, (c, params) in enumerate(zip(case["calls"], models)):
        storages = [p.data_ptr() for p in params]
        keep = [p.detach() for p in params]  # the old memory stays taken: no reuse of its address
        versions = [p._version for p in params]
        given = handed(params, c["container"])
        with torch.set_grad_enabled(c["grad_mode"]):
            done = attempt(kata, lambda: kata.sgd(given, c["lr"], c["batch_size"]))
            grad_mode = torch.is_grad_enabled()
        in_list = list(given) if c["container"] == "list" else params
        del keep
        record = {
            "returned": done.get("value"),
            "params": params,
            "grads": [p.grad for p in params],
            "inference": [p.grad is not None and p.grad.is_inference() for p in params],
            "bumped": [p._version > v for p, v in zip(params, versions)],
            "same_objects": [a is b for a, b in zip(in_list, params)],
            "same_storage": [p.data_ptr() == s for p, s in zip(params, storages)],
            "grad_mode": grad_mode,
            "models": [[p.detach().clone() for p in m] for m in models],
        }
        if "raised" in done:
            record.update(raised=done["raised"], text=done["text"], at=done["at"])
        out.append(record)
    return out


def records(case, seen, n_calls):
    expect(isinstance(seen, list) and len(seen) == n_calls and all(isinstance(r, dict)
                                                                    for r in seen),
           "the observation of the calls came back malformed.", "这些调用的观测数据格式不对。",
           call="sgd, two models in turn", kata=KATA)
    return seen


def listed(record, key, n, call):
    value = record.get(key) if isinstance(record, dict) else None
    expect(isinstance(value, list) and len(value) == n,
           f"the observation of this call came back malformed (`{key}`).",
           f"这次调用的观测数据格式不对(`{key}`)。", call=call, kata=KATA)
    return value


def step_verdict(got, start, grad, lr, batch_size):
    """"ok" when `got` is `start - lr * grad / batch_size` up to rounding in its dtype (two units
    of |start| + |step|), "unchanged" when it is `start` itself, else "wrong"."""
    exact = start.double() - lr * grad.double() / batch_size
    scale = start.double().abs() + (lr * grad.double() / batch_size).abs()
    if got.shape == exact.shape and diagnose.within_rounding(got, exact, scale,
                                                             str(start.dtype)[6:]):
        return "ok"
    return "unchanged" if got.shape == start.shape and torch.equal(got, start) else "wrong"


def check_step(name, got, start, grad, lr, batch_size, call, *, others=()):
    """A wrong step, said by what was measured: the precision it was computed in, the factor it
    is off by (no division, divided twice, uphill, an earlier call's rate), or how far it is."""
    step = lr * grad.double() / batch_size
    exact = start.double() - step
    scale = start.double().abs() + step.abs()
    dtype = str(start.dtype)[6:]
    shown = dict(call=call, got=got, expected=exact.to(start.dtype), kata=KATA)
    coarser = diagnose.coarser_precision(got, exact, scale, dtype)
    if coarser is not None:
        fail(f"`{name}` ({dtype}) moved by a step that is right only to {coarser}'s precision: "
             f"part of it was computed in a coarser dtype than the parameter's (a buffer made by "
             f"`torch.zeros(shape)` or a `torch.tensor(lr)` has the default dtype; a `.half()` on "
             f"the way). Compute in the parameter's own dtype: "
             f"`param -= lr * param.grad / batch_size`.",
             f"`{name}`({dtype})移动的步长只有 {coarser} 的精度:其中一部分是用比参数更粗的 dtype "
             f"算的(`torch.zeros(shape)` 建的缓冲区或 `torch.tensor(lr)` 用的是默认 dtype;或者中途有 "
             f"`.half()`)。请用参数自己的 dtype 计算:`param -= lr * param.grad / batch_size`。",
             **shown)
    s = diagnose.ratio(got.double() - start.double(), exact - start.double())
    b = batch_size
    causes = [
        (-1.0, ("the step went uphill: `param += lr * grad / batch_size` (or a sign lost) moves "
                "along the gradient, where the loss grows. Subtract it.",
                "这一步走向了上坡:`param += lr * grad / batch_size`(或丢了负号)沿着梯度方向走,"
                "损失反而增大。应当减去它。")),
        *[(rate / (lr / b), (
            f"the step used lr / batch_size = {rate:.4g}, the rate of an earlier call, not this "
            f"call's {lr:.4g} / {b} = {lr / b:.4g}: sgd kept something from a call before "
            f"(a rate computed once and stored in a global or a default argument). Use the `lr` "
            f"and `batch_size` each call is given.",
            f"这一步用的是 lr / batch_size = {rate:.4g},即之前某次调用的值,而不是这次的 "
            f"{lr:.4g} / {b} = {lr / b:.4g}:sgd 保留了之前调用的东西(只算一次、存在全局变量或默认"
            f"参数里的步长)。请使用每次调用传入的 `lr` 和 `batch_size`。"))
          for rate in others if not math.isclose(rate, lr / b, rel_tol=1e-3)],
    ]
    if b > 1:
        causes += [
            (float(b), (
                f"no division by the batch size: the step is lr times the gradient of the summed "
                f"loss, which is batch_size = {b} times the mean gradient, so every step is {b} "
                f"times too large (and the right lr would change with the batch size). Step by "
                f"`lr * param.grad / batch_size`.",
                f"没有除以批量大小:这一步是 lr 乘以求和损失的梯度,它是平均梯度的 batch_size = {b} "
                f"倍,所以每一步都大了 {b} 倍(合适的学习率还会随批量大小而变)。应当按 "
                f"`lr * param.grad / batch_size` 更新。")),
            (1 / b, (
                f"divided by the batch size twice: every step is batch_size = {b} times too small "
                f"(`/ batch_size` twice, or `/ batch_size ** 2`). The gradient of the summed loss "
                f"is divided once.",
                f"除了两次批量大小:每一步都小了 batch_size = {b} 倍(两次 `/ batch_size`,或 "
                f"`/ batch_size ** 2`)。求和损失的梯度只除一次。")),
        ]
    cause = diagnose.matching(s, causes, rtol=1e-3)
    if cause is not None:
        fail(*cause, **shown)
    if s is not None and abs(s - 1) < 1e-2:
        err = float(((got.double() - exact).abs() / scale).max())
        fail(f"`{name}` moved by about the right step, but off by {err:.2g} of its size, more "
             f"than rounding in {dtype} gives.",
             f"`{name}` 移动的步长大致对,但偏差为其大小的 {err:.2g},超出了 {dtype} 的舍入误差。",
             **shown)
    en, zh = diagnose.unexplained((f"the step of `{name}`", f"`{name}` 的这一步"), s,
                                  ("`lr * param.grad / batch_size`",
                                   "`lr * param.grad / batch_size`"))
    fail(f"`{name}` after the step is not `param - lr * param.grad / batch_size`: {en}",
         f"更新后的 `{name}` 不等于 `param - lr * param.grad / batch_size`:{zh}", **shown)


def why_unchanged(name, call, got, want, *, untouched, bumped, earlier_moved,
                  first_call_kept=False):
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    if first_call_kept:
        fail(f"the first call stepped model 1's parameters, but this call, given model 2's, left "
             f"`{name}` untouched (value and gradient): sgd still works on the tensors of its "
             f"first call (a list kept in a global, or in a default argument). Use the `params` "
             f"each call is given.",
             f"第一次调用更新了模型 1 的参数,而这次传入模型 2 的参数,`{name}` 却原封未动(数值和梯度都"
             f"没变):sgd 还在处理第一次调用的张量(存在全局变量或默认参数里的列表)。请使用每次调用"
             f"传入的 `params`。", **shown)
    if untouched and earlier_moved:
        fail(f"sgd updated the parameters before `{name}` and left `{name}` untouched (value and "
             f"gradient): the loop stopped early (a `return` or `break` inside it). Every "
             f"parameter gets its step.",
             f"sgd 更新了 `{name}` 之前的参数,却没有碰 `{name}`(数值和梯度都没变):循环提前结束了"
             f"(循环里有 `return` 或 `break`)。每个参数都要走这一步。", **shown)
    if bumped:
        fail(f"an update in place ran on `{name}` (its version counter moved) but changed "
             f"nothing: the step it subtracted was zero, as when `param.grad` is cleared before "
             f"it is used. Subtract `lr * param.grad / batch_size` first, then clear the "
             f"gradient.",
             f"`{name}` 上执行了原地更新(它的版本计数变了),却什么也没改变:减去的步长是零,就像 "
             f"`param.grad` 在使用之前就被清零了。请先减去 `lr * param.grad / batch_size`,再清零梯度。",
             **shown)
    fail(f"the caller's tensor `{name}` did not change: the update never reached it. A new tensor "
         f"bound to a local name (`param = param - ...`), a result thrown away (`param.sub(...)`, "
         f"no underscore) or an update of a copy leaves the caller's tensor as it was. Update in "
         f"place under `torch.no_grad()`: `param -= lr * param.grad / batch_size`.",
         f"调用方的张量 `{name}` 没有变:更新没有到达它。绑定到局部变量的新张量(`param = param - ...`)、"
         f"被丢掉的结果(`param.sub(...)`,没有下划线)或对副本的更新,都让调用方的张量保持原样。请在 "
         f"`torch.no_grad()` 下原地更新:`param -= lr * param.grad / batch_size`。", **shown)


def check_sgd_raised(record, call, container):
    words, zh_words = raised_words(record)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    if "assign a gradient with dtype" in text or "assigned grad has data of a different type" \
            in text:
        fail(f"sgd raised {words}: the gradient was replaced by a tensor of another dtype than "
             f"the parameter's (`torch.zeros(param.shape)` is made in the default dtype, "
             f"float32). Clear it in place, `param.grad.zero_()`, or set it to None.",
             f"sgd 抛出了 {zh_words}:梯度被换成了与参数 dtype 不同的张量(`torch.zeros(param.shape)` "
             f"用的是默认 dtype,即 float32)。请原地清零 `param.grad.zero_()`,或设为 None。",
             call=call, kata=KATA)
    if "leaf Variable that requires grad" in text:
        fail(f"sgd raised {words}: the update in place was recorded by autograd, which refuses it "
             f"on a leaf that requires grad. Do it under `torch.no_grad()` (and leave the "
             f"caller's grad mode as it was).",
             f"sgd 抛出了 {zh_words}:原地更新被 autograd 记录,而它拒绝对需要梯度的叶子张量这样做。"
             f"请在 `torch.no_grad()` 下更新(并保持调用方的梯度模式不变)。", call=call, kata=KATA)
    if container == "generator" and ("has no len" in text or "not subscriptable" in text):
        fail(f"sgd raised {words}: the parameters came as a generator (as `model.parameters()` "
             f"gives them), which has no length and no index. Walk `params` once, with a for "
             f"loop: `for param in params:`.",
             f"sgd 抛出了 {zh_words}:参数是以生成器传入的(`model.parameters()` 就是这样),生成器没有"
             f"长度,也不能按下标取。请用 for 循环把 `params` 遍历一次:`for param in params:`。",
             call=call, kata=KATA)
    fail(f"sgd raised {words}. The stub promises these parameters: leaves that require grad, of "
         f"any floating dtype and layout, in a list, a tuple or a generator, each `.grad` set.",
         f"sgd 抛出了 {zh_words}。stub 承诺的参数就是这些:需要梯度的叶子张量,任意浮点 dtype 和"
         f"布局,放在列表、元组或生成器里,每个都有 `.grad`。", call=call, kata=KATA)


@settings(max_examples=8)
@claim(stepped)
def test_sgd_steps_each_param_in_place_by_lr_times_the_mean_gradient(case, seen):
    calls = case["calls"]
    models = [leaves_with_grads(c, call_seed(case, k)) for k, c in enumerate(calls)]
    rates = []
    for k, (c, params, record) in enumerate(zip(calls, models, records(case, seen,
                                                                       len(calls)))):
        call, n = sgd_call(c, k), len(params)
        if "raised" in record:
            check_sgd_raised(record, call, c["container"])
        observed = listed(record, "params", n, call)
        names = names_of(c)
        for p, t, name in zip(params, observed, names):
            expect(isinstance(t, Seen) and values_of(t) is not None
                   and t.dtype_name == str(p.dtype)[6:] and t.shape == tuple(p.shape),
                   f"`{name}` changed its dtype or shape (or could not be read back): an update "
                   f"in place keeps both.",
                   f"`{name}` 的 dtype 或形状变了(或无法读回):原地更新会保持两者不变。",
                   call=call, got=show(t), expected=f"{str(p.dtype)[6:]}, shape {tuple(p.shape)}",
                   kata=KATA)
        got = [values_of(t) for t in observed]
        got = [g.to(p.dtype) for g, p in zip(got, params)]
        verdicts = [step_verdict(g, p.detach(), p.grad, c["lr"], c["batch_size"])
                    for g, p in zip(got, params)]
        left, bumped = listed(record, "grads", n, call), listed(record, "bumped", n, call)
        moved = [v == "ok" and not torch.equal(g, p.detach()) for v, g, p in zip(verdicts, got,
                                                                                  params)]
        for i, (p, g, name, verdict) in enumerate(zip(params, got, names, verdicts)):
            if verdict == "wrong":
                check_step(name, g, p.detach(), p.grad, c["lr"], c["batch_size"], call,
                           others=rates)
            if verdict == "unchanged":
                before = values_of(left[i])
                untouched = before is not None and before.shape == p.grad.shape and torch.equal(
                    before.to(p.grad.dtype), p.grad)
                why_unchanged(name, call, g, (p - c["lr"] * p.grad / c["batch_size"]).detach(),
                              untouched=untouched, bumped=bumped[i] is True,
                              earlier_moved=any(moved[:i]),
                              first_call_kept=untouched and k > 0 and not any(moved)
                              and bool(rates))
        expect(all(x is True for x in listed(record, "same_objects", n, call)),
               "sgd replaced the tensors in the caller's list with new ones: the caller's other "
               "references (the model, the training loop's w and b) still point at the old "
               "tensors. Change each tensor in place.",
               "sgd 把调用方列表里的张量换成了新张量:调用方的其他引用(模型、训练循环里的 w 和 b)仍指向"
               "旧张量。请原地修改每个张量。", call=call, kata=KATA)
        expect(all(x is True for x in listed(record, "same_storage", n, call)),
               "the parameters got new storage: the same tensor objects with the right values in "
               "new memory is what `param.data = param.data - ...` (or `param.set_(...)`) does, "
               "swapping the memory under the tensor. Anything that held a view of the old "
               "memory no longer sees the parameter, and autograd's version counter never "
               "learns of the change. Update in place under `torch.no_grad()`: "
               "`param -= lr * param.grad / batch_size`.",
               "参数换了新的存储:张量对象没变、数值也对,但内存是新的,这正是 "
               "`param.data = param.data - ...`(或 `param.set_(...)`)做的事:把张量底下的内存换掉了。"
               "之前持有旧内存视图的东西再也看不到这个参数,autograd 的版本计数也不知道这次修改。请在 "
               "`torch.no_grad()` 下原地更新:`param -= lr * param.grad / batch_size`。",
               call=call,
               got="the same objects with the right values, in new memory (`data_ptr()` changed)",
               expected="the same memory (`data_ptr()` unchanged)", kata=KATA)
        for t, name in zip(listed(record, "params", n, call), names):
            expect(t.requires_grad and t.is_leaf and t.grad_fn is None,
                   f"`{name}` is no longer a leaf that requires grad (requires_grad="
                   f"{t.requires_grad}, grad_fn={t.grad_fn}): the update was recorded in the "
                   f"graph, or the flag was switched off and not back on. Update under "
                   f"`torch.no_grad()`.",
                   f"`{name}` 不再是需要梯度的叶子张量(requires_grad={t.requires_grad},"
                   f"grad_fn={t.grad_fn}):更新被记录进了计算图,或者标志被关掉后没有再打开。请在 "
                   f"`torch.no_grad()` 下更新。", call=call, kata=KATA)
        expect(record.get("returned") is None,
               "sgd must return None: it changes the caller's tensors in place.",
               "sgd 应当返回 None:它原地修改调用方的张量。", call=call,
               got=show(record.get("returned")), expected="None", kata=KATA)
        # the other model, stepped earlier, is left alone by this call
        after = listed(record, "models", len(calls), call)
        for m in range(k):
            for name, t, want in zip(names_of(calls[m]), after[m] if isinstance(after[m], list)
                                     else [], listed(seen[m], "params", len(models[m]), call)):
                a, w = values_of(t), values_of(want)
                expect(a is not None and w is not None and torch.equal(a, w),
                       f"a call given model {k + 1}'s parameters changed `{name}` of model "
                       f"{m + 1}: sgd updated tensors kept from an earlier call. Use the "
                       f"`params` each call is given.",
                       f"传入模型 {k + 1} 的参数的调用却改变了模型 {m + 1} 的 `{name}`:sgd 更新的是之前"
                       f"调用留下的张量。请使用每次调用传入的 `params`。",
                       call=call, got=t, expected=want, kata=KATA)
        rates.append(c["lr"] / c["batch_size"])


@settings(max_examples=8)
@claim(stepped)
def test_sgd_clears_each_gradient_after_its_step(case, seen):
    calls = case["calls"]
    models = [leaves_with_grads(c, call_seed(case, k)) for k, c in enumerate(calls)]
    for k, (c, params, record) in enumerate(zip(calls, models, records(case, seen,
                                                                       len(calls)))):
        call, n = sgd_call(c, k), len(params)
        if "raised" in record:
            words, zh_words = raised_words(record)
            undecided((f"sgd raised {words}", f"sgd 抛出了 {zh_words}"),
                      ("whether it clears each gradient after its step", "它是否在每一步之后清零梯度"),
                      see="test_sgd_steps_each_param_in_place_by_lr_times_the_mean_gradient",
                      call=call, kata=KATA)
        for p, name, left, inference in zip(params, names_of(c), listed(record, "grads", n, call),
                                            listed(record, "inference", n, call)):
            expect(inference is not True,
                   f"the gradient of `{name}` was cleared with an inference tensor (made under "
                   f"`torch.inference_mode()`): the next backward must add into it and PyTorch "
                   f"refuses. Clear it under `torch.no_grad()`: `param.grad.zero_()`, or "
                   f"`param.grad = None`.",
                   f"`{name}` 的梯度被清成了一个推理张量(在 `torch.inference_mode()` 下创建的):下一次 "
                   f"backward 要在它上面累加,PyTorch 会拒绝。请在 `torch.no_grad()` 下清零:"
                   f"`param.grad.zero_()` 或 `param.grad = None`。", call=call, kata=KATA)
            now = values_of(left)
            if left is None or (now is not None and not bool(now.abs().sum())):
                continue
            same = now is not None and now.shape == p.grad.shape and torch.equal(
                now.to(p.grad.dtype), p.grad)
            how = (" It still holds the very gradient the backward gave, and the parameters came "
                   "as a generator, which can be walked only once: a second loop over `params` "
                   "(to clear the gradients) finds nothing. Clear each gradient in the same loop "
                   "as its step." if same and c["container"] == "generator" else
                   " It still holds the very gradient the backward gave: nothing was written into "
                   "`param.grad`." if same else "")
            zh_how = ("它仍然是 backward 给出的那个梯度,而参数是以生成器传入的,只能遍历一次:第二个"
                      "清零梯度的循环什么也遍历不到。请在更新每个参数的同一个循环里清零它的梯度。"
                      if same and c["container"] == "generator" else
                      "它仍然是 backward 给出的那个梯度:没有任何东西写进 `param.grad`。" if same
                      else "")
            fail(f"the gradient of `{name}` was left uncleared: the next `backward()` adds onto "
                 f"it, so the next step would use the sum of both gradients. Clear it after the "
                 f"step (`param.grad.zero_()`, or set it to None).{how}",
                 f"`{name}` 的梯度没有清零:下一次 `backward()` 会在它上面累加,下一步就会用两次梯度之和。"
                 f"更新之后请清零(`param.grad.zero_()` 或设为 None)。{zh_how}",
                 call=call, got=left, expected="zeros or None", kata=KATA)


@settings(max_examples=8)
@claim(stepped)
def test_sgd_leaves_grad_mode_as_it_was(case, seen):
    for k, (c, record) in enumerate(zip(case["calls"], records(case, seen,
                                                                len(case["calls"])))):
        call, before, after = sgd_call(c, k), c["grad_mode"], record.get("grad_mode")
        if "raised" in record:
            words, zh_words = raised_words(record)
            undecided((f"sgd raised {words}", f"sgd 抛出了 {zh_words}"),
                      ("whether a step leaves grad mode as it was", "一步更新是否保持 grad 模式不变"),
                      see="test_sgd_steps_each_param_in_place_by_lr_times_the_mean_gradient",
                      call=call, kata=KATA)
        params = leaves_with_grads(c, call_seed(case, k))
        got = record.get("params") if isinstance(record.get("params"), list) else []
        right_moves = any(p.grad is not None and not diagnose.identical(
            (p.detach() - c["lr"] * p.grad / c["batch_size"]).to(p.dtype), p.detach())
            for p in params)  # else a right step moves nothing either (empty, lost to rounding)
        if right_moves and not any(diagnose.differ(values_of(g), p.detach()) for g, p in zip(got, params)):
            undecided(("sgd changed no parameter (none moved to a finite value of its own)",
                       "sgd 没有改变任何参数(没有一个移动到新的有限值)"),
                      ("whether a step leaves grad mode as it was", "一步更新是否保持 grad 模式不变"),
                      see="test_sgd_steps_each_param_in_place_by_lr_times_the_mean_gradient",
                      call=call, kata=KATA)
        expect(after is before or not before,
               "sgd left autograd switched off (`torch.is_grad_enabled()` is False after the "
               "call): `torch.set_grad_enabled(False)` is never undone, so the next forward "
               "builds no graph and the next backward raises. `with torch.no_grad():` switches "
               "it back when the block ends.",
               "sgd 把 autograd 关掉后没有恢复(调用之后 `torch.is_grad_enabled()` 为 False):"
               "`torch.set_grad_enabled(False)` 没有撤销,下一次前向传播不会建图,下一次 backward 会报错。"
               "`with torch.no_grad():` 在代码块结束时会把它恢复。",
               call=call, got=f"torch.is_grad_enabled() = {after}", expected="True", kata=KATA)
        expect(after is before,
               "sgd switched autograd on inside the caller's `torch.no_grad()` block: it set the "
               "mode back to True instead of to what it was (`torch.set_grad_enabled(True)` at "
               "the end). `with torch.no_grad():` restores the mode it found.",
               "sgd 在调用方的 `torch.no_grad()` 代码块里把 autograd 打开了:它把模式恢复成了 True,"
               "而不是原来的样子(最后的 `torch.set_grad_enabled(True)`)。`with torch.no_grad():` "
               "会恢复进入时的模式。",
               call=call, got=f"torch.is_grad_enabled() = {after}", expected=f"{before}",
               kata=KATA)


# --- train_linreg: what it makes ------------------------------------------------------------------


def data(case):
    """Features (n, d) ~ N(0, 1) and labels X @ w_true + 4.2 + noise, in the case's dtype;
    labels (n, 1), or (n,) where the case says "flat"."""
    gen = torch.Generator().manual_seed(int(case["seed"]) + 17)
    n, d = int(case["n"]), int(case["d"])
    X = torch.randn(n, d, generator=gen, dtype=torch.float64)
    w_true = torch.linspace(2.0, -3.4, d, dtype=torch.float64).reshape(d, 1)
    y = X @ w_true + 4.2 + 0.1 * torch.randn(n, 1, generator=gen, dtype=torch.float64)
    kind = irr.dtype(case.get("dtype", "float32"))
    X, y = X.to(kind), y.to(kind)
    return X, (y.reshape(-1) if case.get("labels") == "flat" else y)


def train_seed(case) -> int:
    """The seed argument of the call: from the case's seed (the grader draws it anew)."""
    return int(case["seed"]) % 1000


def train_call(case, **kw) -> str:
    n, d = case["n"], case["d"]
    shape = f"({n},)" if case.get("labels") == "flat" else f"({n}, 1)"
    args = {"lr": case.get("lr", 0.03), "batch_size": case.get("batch_size", 10),
            "num_epochs": case.get("epochs", 3), "seed": train_seed(case), **kw}
    extra = ", ".join(f"{k}={v!r}" for k, v in args.items() if v is not None)
    return (f"train_linreg(features: {case.get('dtype', 'float32')} ({n}, {d}), labels {shape}, "
            f"{extra})")


def pair(out, call):
    """(w, b) as observed, or a failure that says what came back instead."""
    if isinstance(out, dict) and "raised" in out:
        words, zh_words = raised_words(out)
        fail(f"train_linreg raised {words}.", f"train_linreg 抛出了 {zh_words}。", call=call,
             kata=KATA)
    expect(isinstance(out, (tuple, list)) and len(out) == 2
           and all(isinstance(t, Seen) and t.error is None and t.complete for t in out),
           "train_linreg must return the trained tensors `(w, b)`.",
           "train_linreg 应当返回训练好的张量 `(w, b)`。",
           call=call, got=show(out), expected="(w, b): two tensors", kata=KATA)
    return out


MADE_EXAMPLES = [
    {"seed": 0, "n": 4, "d": 1500, "dtype": "float32", "labels": "column"},
    {"seed": 1, "n": 3, "d": 2000, "dtype": "float64", "labels": "flat"},
    {"seed": 2, "n": 5, "d": 1, "dtype": "float64", "labels": "column"},
]


@observe(examples=MADE_EXAMPLES,
         draw=st.fixed_dictionaries({"seed": irr.seeds(), "n": st.integers(1, 6),
                                     "d": st.sampled_from([1, 3, 1000]),
                                     "dtype": st.sampled_from(["float32", "float64"]),
                                     "labels": st.sampled_from(["column", "flat"])}),
         draws=2)
def made(kata, case):
    """The initial w and b (num_epochs=0), and the result of one epoch (lr 0.001),
    with the features' and labels' values after it."""
    X, y = data(case)
    X0, y0 = X.clone(), y.clone()
    start = attempt(kata, lambda: kata.train_linreg(X, y, num_epochs=0, seed=train_seed(case)))
    trained = attempt(kata, lambda: kata.train_linreg(X, y, lr=0.001, batch_size=2,
                                                      num_epochs=1, seed=train_seed(case)))
    return {"start": start.get("value", start), "trained": trained.get("value", trained),
            "data_kept": bool(torch.equal(X, X0) and torch.equal(y, y0))}


@settings(max_examples=4)
@claim(made)
def test_train_linreg_returns_leaves_of_the_features_dtype(case, seen):
    for key, call in (("start", train_call(case, lr=None, batch_size=None, num_epochs=0)),
                      ("trained", train_call(case, lr=0.001, batch_size=2, num_epochs=1))):
        w, b = pair(field(seen, key, call), call)
        d, kind = case["d"], case["dtype"]
        for name, t, want in (("w", w, (d, 1)), ("b", b, (1,))):
            expect(t.shape == want,
                   f"`{name}` has shape {t.shape}, not {want}: w is a column (d, 1) = ({d}, 1), so "
                   f"that `X @ w` is (n, 1); b has shape (1,) and broadcasts over the batch.",
                   f"`{name}` 的形状是 {t.shape},而不是 {want}:w 是列向量 (d, 1) = ({d}, 1),这样 "
                   f"`X @ w` 是 (n, 1);b 的形状是 (1,),在批量上广播。",
                   call=call, got=f"{name}.shape = {t.shape}", expected=f"{want}", kata=KATA)
            expect(t.dtype_name == kind,
                   f"`{name}` is {t.dtype_name}, where the features are {kind}: the parameters "
                   f"are made in the features' dtype (`dtype=features.dtype`); a tensor made "
                   f"without `dtype=` is float32, and `X @ w` of float64 features and a float32 "
                   f"w fails.",
                   f"`{name}` 是 {t.dtype_name},而特征是 {kind}:参数要用特征的 dtype 创建"
                   f"(`dtype=features.dtype`);不传 `dtype=` 创建的张量是 float32,float64 的特征与 "
                   f"float32 的 w 做 `X @ w` 会出错。",
                   call=call, got=f"{name}.dtype = {t.dtype_name}", expected=kind, kata=KATA)
            if t.requires_grad and t.is_leaf:
                continue
            if not t.requires_grad and t.is_leaf:
                fail(f"`{name}` came back detached: it does not require grad, so the caller "
                     f"cannot train it further (a `.detach()` on the way out, or a tensor made "
                     f"without `requires_grad=True`). Return the leaves you trained, as they are.",
                     f"返回的 `{name}` 是分离过的:它不需要梯度,调用方没法继续训练它(返回时用了 "
                     f"`.detach()`,或者创建时没有 `requires_grad=True`)。请原样返回你训练的叶子张量。",
                     call=call, got=diagnose.seen_line(name, t), kata=KATA)
            fail(*diagnose.why_no_grad_seen(name, t), call=call,
                 got=diagnose.seen_line(name, t), kata=KATA)
        if key == "start":
            expect(not any(values_of(b).abs().flatten().tolist()),
                   "b must start at zero: `torch.zeros(1)`; only w is drawn at random.",
                   "b 的初始值必须是 0:`torch.zeros(1)`;只有 w 是随机采样的。",
                   call=call, got=b, expected=torch.zeros(1, dtype=irr.dtype(kind)), kata=KATA)
    expect(seen.get("data_kept") is True,
           "train_linreg changed the caller's features or labels: train on them, leave them as "
           "they were (no in-place operation on the data).",
           "train_linreg 改变了调用方的特征或标签:只用它们训练,不要改动它们(不要对数据做原地操作)。",
           call=train_call(case, lr=0.001, batch_size=2, num_epochs=1), kata=KATA)


@settings(max_examples=4)
@claim(made)
def test_train_linreg_draws_w_from_n_0_0_01(case, seen):
    call = train_call(case, lr=None, batch_size=None, num_epochs=0)
    w, _ = pair(field(seen, "start", call), call)
    values = values_of(w)
    if values is None or w.shape != (case["d"], 1):
        undecided((f"train_linreg returned a w of shape {w.shape} (values read: "
                   f"{values is not None}), not ({case['d']}, 1)",
                   f"train_linreg 返回的 w 形状是 {w.shape}(数值可读:{values is not None}),"
                   f"而不是 ({case['d']}, 1)"),
                  ("whether w is drawn from N(0, 0.01)", "w 是否从 N(0, 0.01) 中采样"),
                  see="test_train_linreg_returns_leaves_of_the_features_dtype", call=call,
                  kata=KATA)
    std = 0.01
    expect(bool(torch.isfinite(values).all()),
           "`w` holds nan or inf: every weight must be a finite number.",
           "`w` 里有 nan 或 inf:每个权重都必须是有限的数。", call=call, got=w, kata=KATA)
    if case["d"] < 500:
        expect(float(values.abs().max()) < 10 * std and bool((values != 0).any()),
               "w must be drawn from N(0, 0.01), standard deviation 0.01: small random numbers.",
               "w 应从 N(0, 0.01)(标准差 0.01)中采样:很小的随机数。",
               call=call, got=w, expected="small random numbers around 0", kata=KATA)
        return
    stats = diagnose.normal_sample(values, std)
    seen_as = (f"mean {stats['mean']:.4g}, standard deviation {stats['sd']:.4g} over "
               f"{stats['n']} values")
    factor = stats["sd"] / std
    if abs(factor - 1) > stats["sd_bound"]:
        cause = diagnose.matching(factor, diagnose.std_causes(std), rtol=stats["sd_bound"])
        if cause is not None:
            fail(*cause, call=call, got=seen_as, expected=f"standard deviation {std:g}",
                 kata=KATA)
        en, zh = diagnose.unexplained(("the standard deviation of `w`", "`w` 的标准差"), factor,
                                      ("0.01", "0.01"))
        fail(f"{en} N(0, 0.01) means standard deviation 0.01: `torch.normal(0, 0.01, (d, 1))`.",
             f"{zh}N(0, 0.01) 指标准差为 0.01:`torch.normal(0, 0.01, (d, 1))`。",
             call=call, got=seen_as, expected=f"standard deviation {std:g}", kata=KATA)
    expect(abs(stats["mean"]) <= stats["mean_bound"]
           and (stats["ks"] is None or stats["ks"] <= stats["ks_bound"]),
           f"the {stats['n']} values of `w` are not a draw from N(0, 0.01): mean "
           f"{stats['mean']:.3g} (a draw stays within ±{stats['mean_bound']:.2g}), distance to "
           f"the normal distribution {stats['ks'] or 0:.3g} (a draw stays within "
           f"{stats['ks_bound']:.2g}). Draw with `torch.normal(0, 0.01, ...)` or "
           f"`torch.randn(...) * 0.01`.",
           f"`w` 的 {stats['n']} 个值不是从 N(0, 0.01) 采样的:均值 {stats['mean']:.3g}(正常采样会在 "
           f"±{stats['mean_bound']:.2g} 之内),与正态分布的距离 {stats['ks'] or 0:.3g}(正常采样不超过 "
           f"{stats['ks_bound']:.2g})。请用 `torch.normal(0, 0.01, ...)` 或 `torch.randn(...) * 0.01`。",
           call=call, got=seen_as, expected="N(0, 0.01)", kata=KATA)


# --- train_linreg: its seed, and nothing else, decides ----------------------------------------------

STATES = {  # the global generators set before a call: (torch, Python's random, NumPy's)
    "A": (1, 1, 1), "torch": (2, 1, 1), "random": (1, 2, 1), "numpy": (1, 1, 2),
}


def set_globals(state):
    torch.manual_seed(state[0])
    random.seed(state[1])
    try:
        import numpy

        numpy.random.seed(state[2])
    except ImportError:  # pragma: no cover
        pass


@observe(examples=[{"seed": 3, "n": 7, "d": 2, "batch_size": 3, "lr": 0.1, "epochs": 2,
                    "dtype": "float32", "labels": "column"}])
def seeded(kata, case):
    """The same call under each global state, with the seed given, with seed=0 given, with no
    seed (the default), and with another seed."""
    X, y = data(case)
    kw = dict(lr=case["lr"], batch_size=case["batch_size"], num_epochs=case["epochs"])
    out = {}
    for label, seed in (("given", train_seed(case) + 1), ("zero", 0), ("default", None)):
        for name, state in STATES.items():
            set_globals(state)
            args = dict(kw) if seed is None else dict(kw, seed=seed)
            done = attempt(kata, lambda: kata.train_linreg(X, y, **args))
            out[f"{label}/{name}"] = done.get("value", done)
    set_globals(STATES["A"])
    done = attempt(kata, lambda: kata.train_linreg(X, y, seed=train_seed(case) + 2, **kw))
    out["other/A"] = done.get("value", done)
    return out


GLOBAL_WORDS = {
    "torch": ("torch's global generator (`torch.manual_seed`)", "torch 的全局生成器(`torch.manual_seed`)",
              "`torch.randperm(n)` or `torch.normal(...)` without `generator=`",
              "不带 `generator=` 的 `torch.randperm(n)` 或 `torch.normal(...)`"),
    "random": ("Python's `random` module", "Python 的 `random` 模块",
               "`random.shuffle(indices)`, as d2l's data_iter does",
               "`random.shuffle(indices)`,就像 d2l 的 data_iter 那样"),
    "numpy": ("NumPy's global generator", "NumPy 的全局生成器", "`np.random.permutation(n)`",
              "`np.random.permutation(n)`"),
}


@claim(seeded)
def test_train_linreg_is_reproducible_with_its_seed_alone(case, seen):
    base = train_call(case, seed=train_seed(case) + 1)

    def got(key, call):
        w, b = pair(field(seen, key, call), call)
        return values_of(w), values_of(b)

    def same(p, q):
        return all(a is not None and c is not None and a.shape == c.shape and torch.equal(a, c)
                   for a, c in zip(p, q))

    for label, call in (("given", base), ("zero", train_call(case, seed=0)),
                        ("default", train_call(case, seed=None))):
        first = got(f"{label}/A", call)
        for name in ("torch", "random", "numpy"):
            if same(first, got(f"{label}/{name}", call)):
                continue
            what, zh_what, how, zh_how = GLOBAL_WORDS[name]
            if label != "given" and same(got("given/A", base), got(f"given/{name}", base)):
                fail(f"with seed={train_seed(case) + 1} the runs repeat, but with seed=0 (the "
                     f"default) they depend on {what}: 0 was taken for \"no seed\" (`if seed:` is False for 0), so that "
                     "run was not seeded. 0 is a seed like any other: seed unconditionally "
                     "(`torch.Generator().manual_seed(seed)`).",
                     f"seed 非零时运行可以重复,但 seed=0(默认值)时结果却取决于 {zh_what}:0 被当成了"
                     f"“没有 seed”(`if seed:` 对 0 为假),这次运行没有设定种子。0 和其他 seed 一样:"
                     f"请无条件地设定种子(`torch.Generator().manual_seed(seed)`)。",
                     call=f"{call}, twice, {what} set differently in between",
                     got=f"w = {show(first[0])} then w = {show(got(f'{label}/{name}', call)[0])}",
                     kata=KATA)
            fail(f"two runs with the same seed gave different parameters when {what} was set "
                 f"differently before each: something in train_linreg draws from it ({how}). "
                 f"The seed alone must decide the run: draw the initial w and every shuffle "
                 f"from a generator seeded with `seed` (`g = torch.Generator().manual_seed(seed)`, "
                 f"`torch.randperm(n, generator=g)`).",
                 f"同一个 seed 的两次运行,在每次之前把{zh_what}设成不同状态后,得到了不同的参数:"
                 f"train_linreg 里有东西从它那里取随机数({zh_how})。运行结果只能由 seed 决定:初始 w 和"
                 f"每一次打乱都要从以 `seed` 设定种子的生成器中抽取(`g = torch.Generator().manual_seed(seed)`、"
                 f"`torch.randperm(n, generator=g)`)。",
                 call=f"{call}, twice, {what} set differently in between",
                 got=f"w = {show(first[0])} then w = {show(got(f'{label}/{name}', call)[0])}",
                 kata=KATA)
    expect(same(got("zero/A", train_call(case, seed=0)),
                got("default/A", train_call(case, seed=None))),
           "a call without `seed` and a call with seed=0 gave different parameters: the default "
           "seed is 0, and it must behave as seed=0 given.",
           "不传 `seed` 的调用和传 seed=0 的调用得到了不同的参数:seed 的默认值就是 0,它必须和显式传入 "
           "seed=0 一样。", call=train_call(case, seed=None), kata=KATA)
    other = train_call(case, seed=train_seed(case) + 2)
    expect_different(got("given/A", base), got("other/A", other),
           "two different seeds gave exactly the same parameters: the seed must drive the "
           "initial w (N(0, 0.01)) and the shuffling.",
           "两个不同的 seed 得到了完全相同的参数:seed 应当决定初始 w(N(0, 0.01))和打乱顺序。",
           call=f"{base} and {other}", got=show(got("given/A", base)[0]), kata=KATA)


# --- train_linreg: every order of minibatches, replayed ---------------------------------------------
# On n <= 6 examples the judge lists every way an epoch can cut a shuffled order into minibatches
# (an order of batches, each a set of examples; the last holds what is left), replays every
# sequence of them over the epochs from the run's own initial w and b (what lr=0 returns with
# the same seed), and asks that the run be one of them.


@functools.lru_cache(maxsize=64)
def batchings(n, batch_size):
    """Every epoch's minibatches as a tuple of index tuples: each ordered way to cut a
    permutation of range(n) into consecutive batches of batch_size (the last holds what is
    left), the order inside a batch not counting."""

    def cuts(rest):
        if not rest:
            yield ()
            return
        for batch in itertools.combinations(rest, min(batch_size, len(rest))):
            left = tuple(i for i in rest if i not in batch)
            for more in cuts(left):
                yield (batch, *more)

    return list(cuts(tuple(range(n))))


def replay_sampled(X, y, w0, b0, lr, batch_size, epochs, divisor):
    """(w, b) after every sequence of minibatches drawn with replacement (each minibatch of
    batch_size examples, the last what is left of n, any multiset of indices), one row per
    sequence, as `replay` gives them for permutations. A step of linear regression is an affine
    map of z = (w, b): z - lr / divisor(k) * (G z - h), G and h the batch's sums; an epoch is
    their composition, one per way to draw its minibatches, and the epochs compose the same."""
    n, d = X.shape
    D = d + 1
    L, c = torch.eye(D, dtype=X.dtype).unsqueeze(0), torch.zeros(1, D, dtype=X.dtype)
    for i in range(0, n, batch_size):
        k = min(batch_size, n - i)
        p = torch.tensor(list(itertools.combinations_with_replacement(range(n), k)),
                         dtype=torch.long)
        Z = torch.cat([X[p], torch.ones(len(p), k, 1, dtype=X.dtype)], -1)  # [M, k, D]
        G = Z.transpose(1, 2) @ Z  # [M, D, D]
        h = (Z * y[p].unsqueeze(-1)).sum(1)  # [M, D]
        step = torch.eye(D, dtype=X.dtype) - lr / divisor(k) * G
        # every earlier way (rows of L, c) followed by every choice of this minibatch
        L = (step.unsqueeze(0) @ L.unsqueeze(1)).reshape(-1, D, D)
        c = ((step.unsqueeze(0) @ c.unsqueeze(1).unsqueeze(-1)).squeeze(-1)
             + lr / divisor(k) * h.unsqueeze(0)).reshape(-1, D)
    z = torch.cat([w0.reshape(d), b0.reshape(1)]).to(X.dtype).unsqueeze(0)
    for _ in range(epochs):
        z = ((L.unsqueeze(1) @ z.unsqueeze(0).unsqueeze(-1)).squeeze(-1)
             + c.unsqueeze(1)).reshape(-1, D)
    return z[:, :d], z[:, d]


def sampled_count(n, batch_size):
    out = 1
    for i in range(0, n, batch_size):
        k = min(batch_size, n - i)
        out *= math.comb(n + k - 1, k)
    return out


def count_of(n, batch_size):
    k, rest = divmod(n, batch_size)
    out = math.factorial(n) // (math.factorial(batch_size) ** k * math.factorial(rest))
    return out


def replay(X, y, w0, b0, lr, batch_size, epochs, divisor, *, broadcast=False,
           skip_tail=False, first_epoch_only=False):
    """(w, b) after every sequence of batchings, one row per sequence: [C, d] and [C].
    `divisor(k)` divides the summed gradient of a batch of k; `broadcast`: the loss of (k, 1)
    predictions against (k,) labels is the (k, k) broadcast; `skip_tail`: the short last batch
    is never trained on; `first_epoch_only`: the later epochs make no step."""
    n, d = X.shape
    cuts = batchings(n, batch_size)
    E = min(epochs, 1) if first_epoch_only else epochs
    combos = list(itertools.product(range(len(cuts)), repeat=E))
    C = len(combos)
    w = w0.reshape(1, d).repeat(C, 1)
    b = b0.reshape(1).repeat(C)
    for e in range(E):
        chosen = [cuts[c[e]] for c in combos]
        for t in range(len(cuts[0])):
            idx = torch.tensor([batch[t] for batch in chosen], dtype=torch.long)  # [C, k]
            k = idx.shape[1]
            if skip_tail and k < batch_size:
                continue
            Xb, yb = X[idx], y[idx]  # [C, k, d], [C, k]
            p = (Xb @ w.unsqueeze(-1)).squeeze(-1) + b.unsqueeze(-1)
            r = k * p - yb.sum(1, keepdim=True) if broadcast else p - yb
            gw, gb = (Xb * r.unsqueeze(-1)).sum(1), r.sum(1)
            w, b = w - lr * gw / divisor(k), b - lr * gb / divisor(k)
    return w, b


def feasible(n, batch_size, epochs, limit=20000) -> bool:
    """Whether every sequence of batchings is few enough to replay."""
    return count_of(n, batch_size) ** epochs <= limit


def matches(w, b, ws, bs, rtol, atol):
    """Which rows of (ws, bs) the observed w, b agree with."""
    wv, bv = w.reshape(1, -1), b.reshape(1, -1)
    ok_w = ((ws - wv).abs() <= atol + rtol * ws.abs()).all(1)
    ok_b = ((bs.reshape(-1, 1) - bv).abs() <= atol + rtol * bs.abs().reshape(-1, 1)).all(1)
    return (ok_w & ok_b & torch.isfinite(ws).all(1)).nonzero().flatten().tolist()


TOLERANCE = {"float32": (2e-4, 2e-5), "float64": (1e-9, 1e-11)}

TRAINED_EXAMPLES = [
    # five examples in minibatches of 2: the last one holds 1
    {"seed": 0, "n": 5, "d": 2, "batch_size": 2, "lr": 0.2, "epochs": 2, "dtype": "float32",
     "labels": "column"},
    # labels (n,), float64, minibatches of 3 out of 5
    {"seed": 1, "n": 5, "d": 3, "batch_size": 3, "lr": 0.15, "epochs": 2, "dtype": "float64",
     "labels": "flat"},
    # batches that divide evenly; labels (n,)
    {"seed": 2, "n": 4, "d": 2, "batch_size": 2, "lr": 0.2, "epochs": 2, "dtype": "float32",
     "labels": "flat"},
    # a batch of one example at a time, one epoch
    {"seed": 3, "n": 4, "d": 1, "batch_size": 1, "lr": 0.25, "epochs": 1, "dtype": "float64",
     "labels": "column"},
    # the whole dataset in one minibatch: gradient descent
    {"seed": 4, "n": 6, "d": 2, "batch_size": 6, "lr": 0.3, "epochs": 2, "dtype": "float32",
     "labels": "column"},
]


def small_cases():
    def fits(c):
        return feasible(c["n"], c["batch_size"], c["epochs"])

    return st.fixed_dictionaries({
        "seed": irr.seeds(), "n": st.integers(2, 6), "d": st.integers(1, 3),
        "batch_size": st.integers(1, 6), "lr": st.sampled_from([0.1, 0.15, 0.2]),
        "epochs": st.integers(1, 2), "dtype": st.sampled_from(["float32", "float64"]),
        "labels": st.sampled_from(["column", "flat"]),
    }).map(lambda c: {**c, "batch_size": min(c["batch_size"], c["n"])}).filter(fits)


@observe(examples=TRAINED_EXAMPLES, draw=small_cases())
def trained(kata, case):
    """The run, and the same seed's initial w and b: with num_epochs=0 (twice), and with lr=0 for
    as many epochs."""
    X, y = data(case)
    kw = dict(batch_size=case["batch_size"], seed=train_seed(case))
    out = {}
    for key, lr, epochs in (("start", 0.0, 0), ("again", 0.0, 0), ("still", 0.0, case["epochs"]),
                            ("end", case["lr"], case["epochs"])):
        done = attempt(kata, lambda: kata.train_linreg(X, y, lr=lr, num_epochs=epochs, **kw))
        out[key] = done.get("value", done)
    return out


def start_of(case, seen):
    """(w0, b0) as float64 vectors: the run's own initial parameters (lr=0, as many epochs)."""
    call0 = train_call(case, lr=0.0, num_epochs=0)
    callE = train_call(case, lr=0.0)
    w0, b0 = pair(field(seen, "start", call0), call0)
    wA, bA = pair(field(seen, "again", call0), call0)
    wE, bE = pair(field(seen, "still", callE), callE)
    d = case["d"]
    for t, name, call in ((w0, "w", call0), (b0, "b", call0), (wE, "w", callE),
                          (bE, "b", callE), (wA, "w", call0), (bA, "b", call0)):
        expect(t.numel == (d if name == "w" else 1),
               f"`{name}` has shape {t.shape}: w is (d, 1) = ({d}, 1), b is (1,).",
               f"`{name}` 的形状是 {t.shape}:w 应为 (d, 1) = ({d}, 1),b 应为 (1,)。",
               call=call, kata=KATA)

    def same(p, q):
        return torch.equal(values_of(p).flatten(), values_of(q).flatten())

    expect(same(w0, wA) and same(b0, bA),
           "the same call, made twice in a row, returned two different initial w: the run is "
           "not decided by its seed (something is drawn from a global random state, or the seed "
           "is not used every time).",
           "同样的调用连做两次,返回了两个不同的初始 w:运行结果不是由 seed 决定的(有东西从全局随机状态"
           "中取数,或者 seed 并不是每次都用上)。",
           call=f"{call0}, twice", got=f"w = {show(w0)} then w = {show(wA)}", kata=KATA)
    if not (same(w0, wE) and same(b0, bE)):
        shown = dict(call=f"{call0} and {callE}", got=f"w = {show(w0)} and w = {show(wE)}",
                     kata=KATA)
        X, y = replay_data(case)
        rtol, atol = TOLERANCE.get(case["dtype"], TOLERANCE["float32"])
        ws, bs = replay(X, y, values_of(w0).flatten(), values_of(b0).flatten(), 0.03,
                        case["batch_size"], case["epochs"], lambda k: k)
        if matches(values_of(wE).flatten(), values_of(bE).flatten(), ws, bs, rtol, atol):
            fail("with lr=0 the parameters moved, as far as the default lr=0.03 moves them: the "
                 "`lr` given never reached the steps (a constant in the loop, or `sgd` called "
                 "with the default). Pass the `lr` argument on: `sgd([w, b], lr, batch_size)`.",
                 "lr=0 时参数却动了,动的幅度正好是默认 lr=0.03 的:传入的 `lr` 根本没有用到更新上"
                 "(循环里写死了常数,或者调用 `sgd` 时用了默认值)。请把 `lr` 参数传下去:"
                 "`sgd([w, b], lr, batch_size)`。", **shown)
        fail("with lr=0 nothing may move, yet for the same seed the run with num_epochs=0 and the "
             "run with more epochs returned different parameters (while two runs with "
             "num_epochs=0 agree): either the epochs moved w and b with lr=0, or the initial w "
             "depends on num_epochs. The initial w depends on the seed alone (draw it first, "
             "then shuffle), and every step is `lr` times a gradient.",
             "lr=0 时什么都不应该动,可同一个 seed 下 num_epochs=0 的运行和更多轮的运行返回了不同的参数"
             "(而两次 num_epochs=0 的运行是一致的):要么这几轮在 lr=0 时也移动了 w 和 b,要么初始的 w "
             "取决于 num_epochs。初始的 w 只取决于 seed(先采样它,再打乱),每一步都是 `lr` 乘以梯度。",
             **shown)
    return values_of(w0).flatten(), values_of(b0).flatten()


def wrong_ways(case):
    """(the way, words) for each known mistake of the loop, with the replay options that make
    it: no division, averaged twice, the dataset size, the broadcast loss, the tail dropped,
    the later epochs empty, uphill."""
    n, B, E, lr = case["n"], case["batch_size"], case["epochs"], case["lr"]
    ways = []
    if B > 1:
        ways.append((dict(divisor=lambda k: 1), (
            f"no division by the batch size: each step was lr times the gradient of the summed "
            f"loss, batch_size = {B} times the mean gradient. `sgd([w, b], lr, batch_size)` "
            f"steps by `lr * param.grad / batch_size`.",
            f"没有除以批量大小:每一步都是 lr 乘以求和损失的梯度,即平均梯度的 batch_size = {B} 倍。"
            f"`sgd([w, b], lr, batch_size)` 按 `lr * param.grad / batch_size` 更新。")))
        for div in (lambda k: k * k, lambda k: k * B):
            ways.append((dict(divisor=div), (
                f"averaged twice: each step was lr times the mean gradient divided by the batch "
                f"size again, batch_size = {B} times too small. Taking the mean loss "
                f"(`l.mean().backward()`) and dividing by batch_size in `sgd` as well divides "
                f"twice: sum the loss (`l.sum().backward()`) and divide once, in `sgd`.",
                f"平均了两次:每一步是 lr 乘以平均梯度再除以一次批量大小,小了 batch_size = {B} 倍。"
                f"先取平均损失(`l.mean().backward()`),`sgd` 里又除以 batch_size,就除了两次:请对损失"
                f"求和(`l.sum().backward()`),只在 `sgd` 里除一次。")))
    if n > B:
        ways.append((dict(divisor=lambda k: n), (
            f"divided by the dataset size: each step was lr times the summed gradient of a "
            f"minibatch divided by n = {n}, the number of all the examples, not by the "
            f"{B} in the minibatch. Call `sgd([w, b], lr, batch_size)` (or `len(X)`), not "
            f"`len(features)`.",
            f"除以了整个数据集的大小:每一步是 lr 乘以小批量的求和梯度再除以 n = {n}(全部样本数),"
            f"而不是小批量里的 {B} 个。请调用 `sgd([w, b], lr, batch_size)`(或 `len(X)`),而不是 "
            f"`len(features)`。")))
    if case.get("labels") == "flat":
        for div in (lambda k: k, lambda k: B):
            ways.append((dict(divisor=div, broadcast=True), (
                f"the loss broadcast: the labels are ({n},), and `(X @ w + b) - y` of a (k, 1) "
                f"prediction and (k,) labels is a (k, k) matrix pairing every prediction with "
                f"every label, which trains without any error. In train_linreg the labels must "
                f"be reshaped too: use `squared_loss` (which reshapes y), not the formula typed "
                f"again inline.",
                f"损失被广播了:标签的形状是 ({n},),(k, 1) 的预测与 (k,) 的标签做 `(X @ w + b) - y` "
                f"得到 (k, k) 的矩阵,把每个预测和每个标签两两配对,训练时不会报任何错。train_linreg 里"
                f"的标签也必须变形:请用 `squared_loss`(它会变形 y),不要在循环里重新手写公式。")))
    if n % B:
        for div in (lambda k: k, lambda k: B):
            ways.append((dict(divisor=div, skip_tail=True), (
                f"the last, shorter minibatch was never trained on: {n} examples in minibatches "
                f"of {B} leave {n % B} over every epoch, and a loop that stops at the last full "
                f"minibatch (`range(0, n - batch_size + 1, batch_size)`, `n // batch_size` "
                f"batches) drops them. Slice up to the end: `indices[i:i + batch_size]` for i in "
                f"`range(0, n, batch_size)`.",
                f"最后那个较短的小批量从来没有参与训练:{n} 个样本按 {B} 个一批,每轮剩下 {n % B} 个,"
                f"到最后一个完整批量就停的循环(`range(0, n - batch_size + 1, batch_size)`、"
                f"`n // batch_size` 个批量)会把它们丢掉。切片要一直到末尾:对 `range(0, n, batch_size)` "
                f"中的 i 取 `indices[i:i + batch_size]`。")))
    if case["epochs"] > 1:
        for div in (lambda k: k, lambda k: B):
            ways.append((dict(divisor=div, first_epoch_only=True), (
                "only the first epoch trained: the later epochs made no step at all, as when the "
                "minibatches come from one generator made before the loop over epochs (the first "
                "epoch uses it up). Make the minibatches anew inside every epoch.",
                "只有第一轮在训练:后面的几轮一步都没有走,就像小批量来自在轮次循环之前创建的同一个生成器"
                "(第一轮就把它用完了)。请在每一轮里重新生成小批量。")))
    for more in (-1, 1):
        if E + more >= 0 and feasible(n, B, E + more, limit=30000):
            ways.append((dict(divisor=lambda k: k, epochs=E + more), (
                f"the run made {E + more} epoch(s), not num_epochs = {E}: an off-by-one in the "
                f"loop over epochs (`range(num_epochs)` runs exactly num_epochs times).",
                f"运行了 {E + more} 轮,而不是 num_epochs = {E} 轮:轮次循环差了一(`range(num_epochs)` "
                f"正好运行 num_epochs 次)。")))
    if not math.isclose(lr, 0.03):
        ways.append((dict(divisor=lambda k: k, lr=0.03), (
            f"the steps used lr = 0.03, the default, not the lr={lr} given: the `lr` argument "
            f"never reached `sgd`.",
            f"每一步用的是默认的 lr = 0.03,而不是传入的 lr={lr}:`lr` 参数没有传到 `sgd`。")))
    if B != 10 and feasible(n, min(10, n), E):
        ways.append((dict(divisor=lambda k: k, batch_size=min(10, n)), (
            f"the minibatches held {min(10, n)} examples (the default batch_size=10), not the "
            f"batch_size={B} given: the argument never reached the shuffling.",
            f"小批量里有 {min(10, n)} 个样本(默认的 batch_size=10),而不是传入的 batch_size={B}:"
            f"这个参数没有用到打乱分批上。")))
    ways.append((dict(divisor=lambda k: -k), (
        "the steps went uphill: `param += lr * grad / batch_size` (or a sign lost) moves along "
        "the gradient, where the loss grows.",
        "每一步都走向了上坡:`param += lr * grad / batch_size`(或丢了负号)沿着梯度方向走,损失反而"
        "增大。")))
    return ways


def replay_data(case):
    X, y = data(case)
    return X.double(), y.double().reshape(-1)


@settings(max_examples=8)
@claim(trained)
def test_train_linreg_steps_by_the_mean_gradient_of_each_shuffled_minibatch(case, seen):
    call = train_call(case)
    w0, b0 = start_of(case, seen)
    w_seen, b_seen = pair(field(seen, "end", call), call)
    w, b = values_of(w_seen).flatten(), values_of(b_seen).flatten()
    expect(w.numel() == case["d"] and b.numel() == 1,
           f"the trained w and b have shapes {w_seen.shape} and {b_seen.shape}: w is (d, 1), "
           f"b is (1,).",
           f"训练后的 w 和 b 形状分别是 {w_seen.shape} 和 {b_seen.shape}:w 应为 (d, 1),b 应为 (1,)。",
           call=call, kata=KATA)
    X, y = replay_data(case)
    rtol, atol = TOLERANCE.get(case["dtype"], TOLERANCE["float32"])
    n, B, E, lr = case["n"], case["batch_size"], case["epochs"], case["lr"]
    rights = [replay(X, y, w0, b0, lr, B, E, lambda k: k)]
    if n % B:
        rights.append(replay(X, y, w0, b0, lr, B, E, lambda k: B))
    if any(matches(w, b, ws, bs, rtol, atol) for ws, bs in rights):
        return
    shown = dict(call=call, got=f"w = {show(w_seen)}, b = {show(b_seen)}", kata=KATA)
    if case["dtype"] == "float64" and any(matches(w, b, ws, bs, *TOLERANCE["float32"])
                                          for ws, bs in rights):
        fail("the run is right only to float32's precision, where the features are float64: "
             "part of it was computed in float32 (labels or parameters converted with "
             "`.float()`, a tensor made in the default dtype). Keep the data and the parameters "
             "in the features' dtype.",
             "这次运行只有 float32 的精度,而特征是 float64:其中一部分是用 float32 算的(标签或参数被 "
             "`.float()` 转换过,或某个张量用默认 dtype 创建)。请让数据和参数都保持特征的 dtype。",
             **shown)
    for how, words in wrong_ways(case):
        options = {"lr": lr, "batch_size": B, "epochs": E, **how}
        ws, bs = replay(X, y, w0, b0, options.pop("lr"), options.pop("batch_size"),
                        options.pop("epochs"), **options)
        if matches(w, b, ws, bs, rtol, atol):
            fail(*words, **shown)
    if sampled_count(n, B) ** E <= 2_000_000:
        for divisor in ((lambda k: k), (lambda k: B)) if n % B else ((lambda k: k),):
            ws, bs = replay_sampled(X, y, w0, b0, lr, B, E, divisor)
            if matches(w, b, ws, bs, rtol, atol):
                fail(f"after {E} epoch(s) w and b are none of the results that shuffled "
                     f"minibatches of {B} give, but what minibatches drawn with replacement give "
                     f"(replayed over every such draw, it matches): within an epoch some "
                     f"examples were used twice and others never (`torch.randint`, or "
                     f"`torch.multinomial(..., replacement=True)`, picks indices independently). "
                     f"Every epoch visits each example once: cut a fresh "
                     f"`torch.randperm(n, generator=g)` into consecutive minibatches.",
                     f"{E} 轮之后的 w 和 b 不是以 {B} 个为一批打乱的小批量能给出的结果,而是有放回抽取的小批量"
                     f"给出的结果(对每一种这样的抽取重放,一致):一轮之内有的样本用了两次,有的一次也没用"
                     f"(`torch.randint` 或 `torch.multinomial(..., replacement=True)` 各自独立地抽下标)。"
                     f"每一轮每个样本恰好用一次:把一个新的 `torch.randperm(n, generator=g)` 切成连续的"
                     f"小批量。", **shown)
    ws, bs = rights[0]
    gap = ((ws - w.reshape(1, -1)).abs().amax(1) + (bs - b).abs())
    near = int(gap.argmin())
    count = len(ws)
    fail(f"after {E} epoch(s) w and b are none of the {count} results that shuffled minibatches "
         f"of {B} give (every order of the examples replayed from the same seed's initial w and "
         f"b, each step lr times the minibatch's mean gradient), nor what a known mistake gives "
         f"(no division, averaged twice, the dataset size, a broadcast loss, a dropped tail, "
         f"empty later epochs, an epoch too many or too few, the default lr or batch_size); the "
         f"nearest is off by {float(gap[near]):.3g}. Each minibatch: the summed `squared_loss`, "
         f"backward, `sgd([w, b], lr, batch_size)`.",
         f"{E} 轮之后的 w 和 b 不是以 {B} 个为一批打乱的小批量能给出的 {count} 种结果中的任何一种(从同一个 "
         f"seed 的初始 w、b 出发,重放样本的每一种顺序,每步 lr 乘以小批量的平均梯度),也不是已知错误"
         f"(没有除、平均两次、除以数据集大小、损失广播、丢掉尾部、后面几轮为空、多一轮或少一轮、用了默认的 "
         f"lr 或 batch_size)给出的结果;最接近的也差了 {float(gap[near]):.3g}。每个小批量:求和的 "
         f"`squared_loss`、backward、`sgd([w, b], lr, batch_size)`。",
         expected=f"w = {show(ws[near])}, b = {show(bs[near])} (the nearest)", **shown)


# --- train_linreg: its defaults ----------------------------------------------------------------------


@observe(examples=[{"seed": 0, "n": 11, "d": 2, "dtype": "float32", "labels": "column"}])
def defaults(kata, case):
    """A run with every default (lr=0.03, batch_size=10, num_epochs=3), the data passed by name,
    on 11 examples: minibatches of 10 and 1; and the same seed's initial w and b (lr=0)."""
    X, y = data(case)
    start = attempt(kata, lambda: kata.train_linreg(features=X, labels=y, lr=0.0,
                                                    seed=train_seed(case)))
    end = attempt(kata, lambda: kata.train_linreg(features=X, labels=y, seed=train_seed(case)))
    return {"start": start.get("value", start), "end": end.get("value", end)}


@claim(defaults)
def test_train_linreg_defaults_are_the_articles(case, seen):
    call = (f"train_linreg(features=X, labels=y, seed={train_seed(case)}) on {case['n']} "
            f"examples, every other argument left at its default")
    w0, b0 = pair(field(seen, "start", call), call)
    w, b = pair(field(seen, "end", call), call)
    if w0.numel != case["d"] or w.numel != case["d"] or b0.numel != 1 or b.numel != 1:
        undecided((f"train_linreg returned w of {w0.numel} and {w.numel} values and b of "
                   f"{b0.numel} and {b.numel}, not {case['d']} and 1",
                   f"train_linreg 返回的 w 有 {w0.numel} 和 {w.numel} 个数,b 有 {b0.numel} 和 "
                   f"{b.numel} 个数,而不是 {case['d']} 和 1"),
                  ("whether its defaults are the articles'", "它的默认参数是否与文章一致"),
                  see="test_train_linreg_returns_leaves_of_the_features_dtype", call=call,
                  kata=KATA)
    X, y = replay_data(case)
    rtol, atol = TOLERANCE[case["dtype"]]
    start = values_of(w0).flatten(), values_of(b0).flatten()
    got = values_of(w).flatten(), values_of(b).flatten()
    for B, divisor in ((10, lambda k: k), (10, lambda k: 10)):
        if matches(*got, *replay(X, y, *start, 0.03, B, 3, divisor), rtol, atol):
            return
    for what, lr, B, E in (("num_epochs", 0.03, 10, 2), ("num_epochs", 0.03, 10, 4),
                           ("batch_size", 0.03, 9, 3), ("batch_size", 0.03, 11, 3),
                           ("lr", 0.01, 10, 3), ("lr", 0.1, 10, 3)):
        if feasible(case["n"], B, E, limit=30000) and matches(
                *got, *replay(X, y, *start, lr, B, E, lambda k: k), rtol, atol):
            value = {"num_epochs": E, "batch_size": B, "lr": lr}[what]
            right = {"num_epochs": 3, "batch_size": 10, "lr": 0.03}[what]
            fail(f"called with its defaults, train_linreg trained as if {what}={value}: the "
                 f"default of `{what}` is {right}, as in the articles (the signature is "
                 f"`train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, "
                 f"seed=0)`).",
                 f"使用默认参数调用时,train_linreg 的训练就像 {what}={value}:`{what}` 的默认值是 "
                 f"{right},与文章一致(函数签名是 `train_linreg(features, labels, *, lr=0.03, "
                 f"batch_size=10, num_epochs=3, seed=0)`)。", call=call,
                 got=f"w = {show(w)}, b = {show(b)}", kata=KATA)
    fail("called with its defaults (lr=0.03, batch_size=10, num_epochs=3), train_linreg gave "
         "none of the results that three epochs of shuffled minibatches of 10 give (every order "
         "replayed from the same seed's initial w and b).",
         "使用默认参数(lr=0.03、batch_size=10、num_epochs=3)调用时,train_linreg 的结果不是三轮、"
         "每批 10 个的打乱小批量能给出的任何一种(从同一个 seed 的初始 w、b 出发重放了每一种顺序)。",
         call=call, got=f"w = {show(w)}, b = {show(b)}", kata=KATA)


# --- train_linreg: a fresh shuffle every epoch ------------------------------------------------------

SHUFFLE_RUNS = 10


@observe(examples=[{"seed": 0, "n": 4, "d": 2, "batch_size": 2, "lr": 0.2, "epochs": 2,
                    "dtype": "float64", "labels": "column"}])
def shuffled(kata, case):
    """Ten runs of two epochs, each with its own seed, and each seed's initial w and b."""
    X, y = data(case)
    runs = []
    for r in range(SHUFFLE_RUNS):
        kw = dict(batch_size=case["batch_size"], num_epochs=case["epochs"],
                  seed=train_seed(case) * SHUFFLE_RUNS + r)
        start = attempt(kata, lambda: kata.train_linreg(X, y, lr=0.0, **kw))
        end = attempt(kata, lambda: kata.train_linreg(X, y, lr=case["lr"], **kw))
        runs.append({"start": start.get("value", start), "end": end.get("value", end)})
    return runs


@claim(shuffled)
def test_train_linreg_shuffles_anew_every_epoch(case, seen):
    expect(isinstance(seen, list) and len(seen) == SHUFFLE_RUNS,
           "the observation of the runs came back malformed.", "这些运行的观测数据格式不对。",
           call="train_linreg, ten seeds", kata=KATA)
    X, y = replay_data(case)
    rtol, atol = TOLERANCE[case["dtype"]]
    cuts = batchings(case["n"], case["batch_size"])
    orders = []
    for r, record in enumerate(seen):
        seed = train_seed(case) * SHUFFLE_RUNS + r
        call = train_call(case, seed=seed)
        w0, b0 = pair(field(record, "start", call), call)
        w, b = pair(field(record, "end", call), call)
        if w0.numel != case["d"] or w.numel != case["d"] or b0.numel != 1 or b.numel != 1:
            undecided((f"train_linreg returned w of {w0.numel} and {w.numel} values and b of "
                       f"{b0.numel} and {b.numel}, not {case['d']} and 1",
                       f"train_linreg 返回的 w 有 {w0.numel} 和 {w.numel} 个数,b 有 {b0.numel} 和 "
                       f"{b.numel} 个数,而不是 {case['d']} 和 1"),
                      ("whether it shuffles anew every epoch", "它是否每轮都重新打乱"),
                      see="test_train_linreg_returns_leaves_of_the_features_dtype", call=call,
                      kata=KATA)
        ws, bs = replay(X, y, values_of(w0).flatten(), values_of(b0).flatten(), case["lr"],
                        case["batch_size"], case["epochs"], lambda k: k)
        found = matches(values_of(w).flatten(), values_of(b).flatten(), ws, bs, rtol, atol)
        if len(found) != 1:
            undecided((f"the run with seed {seed} ended where {len(found)} orders of "
                       f"minibatches end, not exactly one",
                       f"种子为 {seed} 的运行结束时的结果对应 {len(found)} 种小批量顺序,而不是恰好一种"),
                      ("which order each epoch took, and so whether it shuffles anew every "
                       "epoch", "每轮用了哪种顺序,也就无法检查是否每轮重新打乱"),
                      see="test_train_linreg_steps_by_the_mean_gradient_of_each_shuffled_minibatch",
                      call=call, kata=KATA)
        first, second = divmod(found[0], len(cuts))
        orders.append((cuts[first], cuts[second]))
    stored = cuts.index(tuple(tuple(range(i, min(i + case["batch_size"], case["n"])))
                              for i in range(0, case["n"], case["batch_size"])))
    call = (f"train_linreg(features ({case['n']}, {case['d']}), labels, lr={case['lr']}, "
            f"batch_size={case['batch_size']}, num_epochs=2, seed=s) for ten seeds s")
    expect(not all(a == b == cuts[stored] for a, b in orders),
           "the examples were never shuffled: in every run and every epoch the minibatches were "
           "the examples in their stored order. Draw a new permutation each epoch "
           "(`torch.randperm(n, generator=g)` with a generator seeded from `seed`).",
           "样本从来没有被打乱:每次运行、每一轮的小批量都是按存储顺序取的样本。每一轮都要生成新的排列"
           "(用以 `seed` 设定种子的生成器,`torch.randperm(n, generator=g)`)。",
           call=call, got=f"{[list(map(list, a)) for a, _ in orders[:3]]} ...", kata=KATA)
    if not all(a == b for a, b in orders):
        return
    got = f"epoch 1 = epoch 2 in every run, e.g. {[list(x) for x in orders[0][0]]}"
    seeds = [train_seed(case) * SHUFFLE_RUNS + r for r in range(len(orders))]
    fresh = [k for k in (0, 1, -1, 2)
             if all(a == cut_of(fresh_permutation(s + k, case["n"]), case["batch_size"])
                    for (a, _), s in zip(orders, seeds))]
    if fresh:
        k = fresh[0]
        seeded = "seed" if k == 0 else f"seed {'+' if k > 0 else '-'} {abs(k)}"
        fail(f"in each of the {len(orders)} runs both epochs had the same minibatches, in the same "
             f"order, and it is the first permutation a generator freshly seeded with "
             f"`{seeded}` draws (`torch.randperm(n, generator=torch.Generator().manual_seed("
             f"{seeded}))`, replayed, matches every run): the shuffling generator was made anew "
             f"(or re-seeded) with the same seed every epoch, so every epoch starts it from the "
             f"same state and draws the same order (a generator of its own, seeded so and drawn "
             f"from once before the epochs, would give the same). Make it once, before the "
             f"epochs, and draw a "
             f"fresh `torch.randperm(n, generator=g)` from it each epoch.",
             f"在 {len(orders)} 次运行中,两轮的小批量及其顺序都相同,而且正是一个刚用 `{seeded}` 设定种子的"
             f"生成器抽出的第一个排列(重放 `torch.randperm(n, generator=torch.Generator().manual_seed("
             f"{seeded}))`,每次运行都一致):打乱用的生成器每一轮都用同一个种子重新创建(或重新设定种子),"
             f"每一轮都从同一个状态开始,于是抽出同一个顺序(一个这样设定种子、只在所有轮次之前抽一次的独立生成器也会"
             f"给出同样的结果)。请在所有轮次之前只创建一次生成器,每一轮从它"
             f"抽一个新的 `torch.randperm(n, generator=g)`。",
             call=call, got=got, kata=KATA)
    if all(a == cut_of(permutation_after_w(s, case), case["batch_size"])
           for (a, _), s in zip(orders, seeds)):
        fail(f"in each of the {len(orders)} runs both epochs had the same minibatches, in the same "
             f"order: the permutation was drawn once, before the epochs, and reused (it is the one "
             f"the seeded generator draws right after w: replayed, it matches every run's first "
             f"epoch). Shuffle anew every epoch (a fresh `torch.randperm(n, generator=g)` inside "
             f"the loop over epochs), so that each epoch's minibatches are new random samples.",
             f"在 {len(orders)} 次运行中,两轮的小批量及其顺序都相同:设定了种子的生成器紧接着 w 抽出的排列"
             f"(重放后与每次运行的第一轮一致)只在所有轮次之前生成了一次并被重复使用。请每一轮都重新打乱"
             f"(在轮次循环里调用新的 `torch.randperm(n, generator=g)`),让每一轮的小批量都是新的随机样本。",
             call=call, got=got, kata=KATA)
    fail(f"in each of the {len(orders)} runs the second epoch had the same minibatches, in the "
         f"same order, as the first (neither a permutation drawn right after w nor the first "
         f"draw of a generator freshly seeded with the seed, replayed, gives them). The same "
         f"order every epoch comes from a permutation drawn once and reused, or from a "
         f"generator made anew (or re-seeded) with the same seed every epoch. Shuffle anew every "
         f"epoch, from one generator made before the epochs (a fresh "
         f"`torch.randperm(n, generator=g)` inside the loop over epochs).",
         f"在 {len(orders)} 次运行中,第二轮的小批量及其顺序都和第一轮完全相同(重放紧接着 w 抽出的排列,或"
         f"刚用该种子设定的生成器的第一次抽取,都对不上)。每一轮顺序相同,可能是排列只生成一次并被重复使用,"
         f"也可能是生成器每一轮都用同一个种子重新创建(或重新设定种子)。请用在所有轮次之前创建的一个生成器,"
         f"每一轮都重新打乱(在轮次循环里调用新的 `torch.randperm(n, generator=g)`)。",
         call=call, got=got, kata=KATA)


def cut_of(permutation, batch_size):
    """An epoch's minibatches, as `batchings` lists them, when it follows `permutation`."""
    p = [int(i) for i in permutation]
    return tuple(tuple(sorted(p[i:i + batch_size])) for i in range(0, len(p), batch_size))


def fresh_permutation(seed, n):
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed))


def permutation_after_w(seed, case):
    """The permutation the reference's order of draws gives: w first, then the shuffle, both
    from one generator seeded with `seed`."""
    g = torch.Generator().manual_seed(seed)
    torch.normal(0.0, 0.01, size=(case["d"], 1), generator=g, dtype=irr.dtype(case["dtype"]))
    return torch.randperm(case["n"], generator=g)


# --- train_linreg: the articles' run ------------------------------------------------------------------


@observe(examples=[{"seed": 0}])
def articles_run(kata, case):
    """d2l's 1000 examples (w = [2, -3.4], b = 4.2), trained with the defaults."""
    X, y = synthetic_data(1000, seed=int(case.seed) % 2**31)
    done = attempt(kata, lambda: kata.train_linreg(X, y, seed=int(case.seed) % 1000))
    return done.get("value", done)


@claim(articles_run)
def test_train_linreg_fits_the_articles_data(case, seen):
    call = ("train_linreg(features, labels) on d2l's 1000 examples (w = [2, -3.4], b = 4.2), "
            "with the defaults lr=0.03, batch_size=10, num_epochs=3")
    w, b = pair(seen, call)
    X, y = synthetic_data(1000, seed=int(case.seed) % 2**31)
    wv, bv = values_of(w), values_of(b)
    expect(wv.numel() == 2 and bv.numel() == 1, "w must be (2, 1) and b (1,).",
           "w 应为 (2, 1),b 应为 (1,)。", call=call, got=f"w {w.shape}, b {b.shape}", kata=KATA)
    loss = float(((X.double() @ wv.reshape(2, 1) + bv.reshape(1) - y.double()) ** 2 / 2).mean())
    ok = loss < 1e-3 and bool(((wv.flatten() - torch.tensor([2.0, -3.4], dtype=torch.float64))
                               .abs() < 0.02).all()) and abs(float(bv.flatten()[0]) - 4.2) < 0.02
    expect(ok,
           "after 3 epochs (lr 0.03, batch size 10) the fit is poor, where the articles reach a "
           "mean loss near 5e-5 and w ≈ [2, -3.4], b ≈ 4.2.",
           "3 轮训练(lr 0.03,批量 10)之后拟合很差,而文章里的平均损失约为 5e-5,w ≈ [2, -3.4],"
           "b ≈ 4.2。",
           call=call, got=f"w = {show(w)}, b = {show(b)}, mean loss = {loss:.3g}",
           expected="w ≈ [2, -3.4], b ≈ 4.2, mean loss < 1e-3", kata=KATA)
