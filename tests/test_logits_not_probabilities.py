"""logits_not_probabilities: a classifier's loss from raw scores; the tests see the loss values
and the gradients that reach the scores, never how they were computed.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it gave (the
loss, the gradient that reached the scores, the inputs after the call) as plain data; the test
(the judge) decides from that data alone, computing the right loss and gradient itself, in
float64, from its own copy of the inputs. Where a value is wrong, the judge computes what each
known wrong way gives on the same inputs (dojo/diagnose.py) and names a mistake only when the
value seen is what that way gives."""

import math

import torch
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show

KATA = "logits_not_probabilities"

# the unit in the last place of 1 in each dtype: a correct computation is off by a few of them
# times the size of the largest score (the log-sum-exp, the softplus carry that much)
EPS = {"float64": 2.3e-16, "float32": 1.2e-7, "float16": 9.8e-4, "bfloat16": 7.9e-3}
INF = float("inf")


def part(seen, key):
    """One field of an observer's data (None where the data is not what the observer sends)."""
    return seen.get(key) if isinstance(seen, dict) else None


def readable(value) -> bool:
    return isinstance(value, Seen) and value.error is None and value.complete \
        and value.dtype_name not in ("complex64", "complex128")


def what(value) -> tuple[str, str]:
    """What came back, in words, when it is not a readable tensor."""
    if isinstance(value, bool) or value is None:
        return f"`{value}`", f"`{value}`"
    if isinstance(value, (int, float)) or (isinstance(value, Other) and value.value is not None):
        return "a Python number", "一个 Python 数"
    if isinstance(value, (list, tuple)):
        return (f"a {type(value).__name__} of {len(value)} items",
                f"一个含 {len(value)} 项的 {type(value).__name__}")
    if isinstance(value, Seen):
        if value.error is not None:
            return (f"a tensor that could not be read ({value.error})",
                    f"一个无法读取的张量({value.error})")
        return f"a {value.dtype_name} tensor", f"一个 {value.dtype_name} 张量"
    name = value.type if isinstance(value, Other) else type(value).__name__
    return f"an object of type {name}", f"一个类型为 {name} 的对象"


def loss_of(seen, fn: str, call: str) -> Seen:
    """The loss the kata returned, as a tensor that could be read, or a failure that says what
    came back instead."""
    got = part(seen, "loss")
    if readable(got):
        return got
    en, zh = what(got)
    number = en == "a Python number"
    fail(
        f"{fn} returned {en}, not the loss as a 0-dim tensor"
        + (": `.item()`, `float()` or NumPy turned it into a number, which `loss.backward()` "
           "cannot start from, and which is cut from the scores." if number else "."),
        f"{fn} 返回的是{zh},而不是 0 维张量形式的损失"
        + (":`.item()`、`float()` 或 NumPy 把它变成了一个数,`loss.backward()` 无法从它开始,"
           "它也和分数断开了。" if number else "。"),
        call=call, kata=KATA,
    )


def number(loss: Seen) -> float:
    value = loss.values[0] if loss.values else float("nan")
    return float(value)


def finite_max(t) -> float:
    """The largest finite |value| of a tensor (1 where there is none): the scale of the
    rounding a correct computation makes."""
    a = t.detach().double().abs()
    a = a[a.isfinite()]
    return max(float(a.max()), 1.0) if a.numel() else 1.0


# `F.softplus` turns linear past 20, off by at most exp(-20) there: a textbook binary loss
# (`F.softplus(z) - t * z`) is right, in float64 too
SOFTPLUS_TAIL = math.exp(-20)


def loss_tol(dtype: str, want: float, scale: float, *, floor: float = 0.0) -> float:
    rtol, atol = irr.tolerance(dtype)
    return max(atol, floor) + rtol * abs(want) + 8 * EPS.get(dtype, EPS["float32"]) * scale


def grad_tol(dtype: str, scale: float, count: int, *, floor: float = 0.0) -> tuple[float, float]:
    rtol, atol = irr.tolerance(dtype)
    return rtol, max(atol, floor) + 8 * EPS.get(dtype, EPS["float32"]) * scale / max(count, 1)


def candidate_tol(dtype: str, tol: float, tol32: float, float32_words):
    """How close a known wrong way's value must come to the value seen to explain it: on the
    candidate's own scale (a loss of 1e30 allows an error of 1e23, but a candidate of 57 does
    not match 29); for the float32 computation of float64 inputs, float32's own tolerance."""
    rtol, atol = irr.tolerance(dtype)

    def limit(words, value: float) -> float:
        if words is float32_words:
            return tol32
        size = abs(value) if math.isfinite(value) else 1.0
        return min(tol, atol + 4 * rtol * max(size, 1.0))

    return limit


def apart(got: float, want: float) -> tuple[str, str]:
    """Two numbers with as many digits as it takes to tell them apart (6 to 15)."""
    for digits in range(6, 16):
        a, b = f"{got:.{digits}g}", f"{want:.{digits}g}"
        if a != b:
            break
    return a, b


def off_by(got: float, want: float) -> tuple[str, str]:
    if math.isfinite(got) and math.isfinite(want):
        return f" (off by {abs(got - want):.3g})", f"(相差 {abs(got - want):.3g})"
    return "", ""


# --- reductions in half precision ------------------------------------------------------------
# A mean taken in float16 or bfloat16 itself goes wrong on large batches: in float16 the losses'
# sum overflows past 65504 although the mean (40000) does not (the 'mean' of F.cross_entropy and
# F.nll_loss adds in the scores' dtype, as `.sum() / N` does), and a total kept in bfloat16 stops
# growing once it is a few hundred times a loss. The judge computes both ways on the case.

FLOAT16_MAX = 65504.0


def reduced_in_half(dtype: str, per, got: float, want: float, tol: float, what: str,
                    what_zh: str, fn: str) -> list:
    """The words of the ways of adding the losses `per` in the dtype itself that explain `got`
    (where the right mean is `want`)."""
    if dtype not in ("float16", "bfloat16") or not math.isfinite(want):
        return []
    values = per.detach().double().reshape(-1)
    n = values.numel()
    if n < 2 or n > 50_000:
        return []
    total = float(values.sum())
    if (got == INF and dtype == "float16" and abs(total) > FLOAT16_MAX
            and abs(want) <= FLOAT16_MAX):
        return [(
            f"the loss is inf, where the mean {what} is {want:.6g}, a float16 number: the {n} "
            f"losses add up to {total:.6g}, past 65504, the largest float16, so a sum in float16 "
            f"overflows before it is divided. The 'mean' reduction of `{fn}` adds the losses in "
            f"the inputs' dtype (and so does `.sum() / N`): compute float16 inputs in float32 "
            f"(`.float()`) and cast the loss back with `.to(dtype)`.",
            f"损失是 inf,而平均{what_zh}是 {want:.6g},是一个 float16 数:这 {n} 个损失加起来是 "
            f"{total:.6g},超过了 float16 的最大值 65504,所以在 float16 中求和会在除法之前溢出。`{fn}` "
            f"的 'mean' 归约是在输入的 dtype 中把损失相加的(`.sum() / N` 也一样):请把 float16 输入放到 "
            f"float32 中计算(`.float()`),再用 `.to(dtype)` 把损失转回来。",
        )]
    if not math.isfinite(got) or diagnose.agree(got, want, tol):
        return []
    kind = irr.dtype(dtype)
    acc = torch.zeros((), dtype=kind)
    for v in values.to(kind):
        acc = acc + v
    one_by_one = float((acc / n).double())
    if not math.isfinite(one_by_one) or diagnose.agree(one_by_one, want, tol):
        return []
    if abs(got - one_by_one) > min(tol, abs(got - want) / 4):
        return []
    return [(
        f"the loss is {got:.6g}, where the mean {what} is {want:.6g}: it is what adding the {n} "
        f"losses one by one in {dtype} gives ({one_by_one:.6g}). Once a {dtype} total is a few "
        f"hundred times a loss, adding one more rounds away: the total stops growing. Add them "
        f"in float32 (`losses.float().sum()`, or `Tensor.mean()`, which accumulates in float32) "
        f"and cast the mean back.",
        f"损失是 {got:.6g},而平均{what_zh}是 {want:.6g}:这正是在 {dtype} 中把 {n} 个损失逐个相加得到的"
        f"值({one_by_one:.6g})。一旦 {dtype} 的累计和达到单个损失的几百倍,再加一个就被舍入掉了:累计和"
        f"不再增长。请在 float32 中相加(`losses.float().sum()`,或者在 float32 中累加的 "
        f"`Tensor.mean()`),再把平均值转回来。",
    )]


# --- classification_loss: the cases ---------------------------------------------------------


def ce_case(seed, n, c, **more):
    case = {"seed": seed, "n": n, "c": c, "dtype": "float32", "layout": "contiguous",
            "scale": 1.0, "offset": 0.0, "log_probs": False}
    case.update(more)
    return case


CE_EXAMPLES = [
    # an ordinary batch of raw scores (as many examples as classes, every class a target)
    ce_case(1, 4, 4, scale=3.0, targets="each"),
    # every target 0: a batch that lacks the last class
    ce_case(2, 2, 3, scale=2.0, targets="zeros"),
    # the hint's case: a confidently wrong logit of 1000 costs about 1000, not inf
    ce_case(3, 1, 3, scale=0.5, add=[[1000, 0, 0]], targets=[1]),
    # large positive scores, the target's the largest: nll of raw scores goes far below 0
    ce_case(4, 3, 3, scale=0.1, add=[[9, 2, 1], [1, 12, 3], [0.5, 2, 8]], targets=[0, 1, 2]),
    # rows at very different scales in one batch
    ce_case(5, 2, 3, scale=0.1, add=[[1000, 0, 0], [0, 1, 2]], targets=[1, 2]),
    # log-probabilities, as the MNIST example's network gives them (it ends with log_softmax)
    ce_case(6, 5, 10, scale=3.0, log_probs=True),
    # log-probabilities of a very unlikely target (about -200)
    ce_case(7, 2, 2, scale=0.1, add=[[0, -200], [1, 0]], targets=[1, 0], log_probs=True),
    # -inf for a masked class (probability 0, never the target), logits and log-probabilities
    ce_case(8, 2, 3, add=[[1, 2, 0], [0, 0, 0]], targets=[0, 2], mask=[[0, 2]]),
    ce_case(9, 3, 4, scale=2.0, targets=[0, 1, 0], mask=[[0, 3], [1, 2], [2, 1]],
            log_probs=True),
    # float64 scores that float32 cannot tell apart
    ce_case(10, 3, 2, dtype="float64", offset=1e8),
    # half precision, non-contiguous
    ce_case(11, 4, 3, dtype="float16", layout="transposed", scale=3.0),
    ce_case(12, 4, 5, dtype="bfloat16", layout="sliced", scale=3.0, log_probs=True),
    # one row broadcast over the batch (stride 0), non-contiguous targets
    ce_case(13, 4, 3, layout="expanded", scale=2.0, target_layout="sliced"),
    # a loss computed in evaluation: scores that do not require grad
    ce_case(14, 3, 4, dtype="float64", scale=2.0, requires_grad=False),
    # large scores, and scores far from zero
    ce_case(15, 5, 4, scale=1000.0),
    ce_case(16, 4, 3, offset=5000.0),
    # a batch of one
    ce_case(17, 1, 2),
    # large batches in half precision: 2000 examples (float16 losses of about 50 that add up
    # past 65504, the largest float16; a bfloat16 total of small losses stops growing)
    ce_case(18, 2000, 2, dtype="float16", scale=100.0, log_probs=True),
    ce_case(19, 2000, 2, dtype="bfloat16", scale=0.3),
    # float16: the losses add up past 65504, but their mean (30000, 40000) is a float16 number;
    # log-probabilities and logits
    ce_case(20, 3, 2, dtype="float16", scale=0.0, add=[[0, -30000]] * 3, targets=[1, 1, 1],
            log_probs=True),
    ce_case(21, 2, 2, dtype="float16", scale=0.0, add=[[0, 40000], [0, 40000]], targets=[0, 0]),
]


@st.composite
def ce_cases(draw):
    n, c = draw(st.integers(1, 6)), draw(st.integers(2, 5))
    dtype = draw(irr.float_dtypes())
    low = dtype in ("float16", "bfloat16")
    layout = draw(irr.layouts(expanded=True))
    return {
        "seed": draw(irr.seeds()), "n": n, "c": c, "dtype": dtype, "layout": layout,
        "scale": draw(st.sampled_from([0.1, 1.0, 3.0, 30.0, 300.0] if low
                                      else [0.1, 1.0, 3.0, 30.0, 1000.0])),
        "offset": draw(st.sampled_from([0.0, 0.0, 100.0] if low else [0.0, 0.0, 1e4])),
        "rows": draw(st.none() | st.lists(st.sampled_from([1.0, 10.0] if low else [1.0, 100.0]),
                                          min_size=n, max_size=n)),
        "log_probs": draw(st.booleans()),
        "targets": draw(st.sampled_from(["random", "random", "zeros", "each"])),
        # masks would land on another row's target once a row is broadcast: not with expanded
        "mask": 0 if layout == "expanded" else draw(st.integers(0, n)),
        "target_layout": draw(st.sampled_from(["contiguous", "sliced"])),
        "requires_grad": draw(st.sampled_from([True, True, True, False])),
    }


def ce_values(case, *, twin=False):
    """The case's scores as float64 values (before dtype and layout) and its int64 targets.
    A masked class holds -inf (or, in the `twin`, -1e4: the same loss, nothing infinite)."""
    gen = torch.Generator().manual_seed(int(case["seed"]))
    n, c = int(case["n"]), int(case["c"])
    z = torch.randn(n, c, generator=gen, dtype=torch.float64) * float(case.get("scale", 1.0)) \
        + float(case.get("offset", 0.0))
    if case.get("add") is not None:
        z = z + torch.tensor(case["add"], dtype=torch.float64).reshape(n, c)
    if case.get("rows"):
        z = z * torch.tensor(case["rows"], dtype=torch.float64)[:, None]
    targets = case.get("targets", "random")
    if isinstance(targets, list):
        t = torch.tensor(targets, dtype=torch.int64)
    elif targets == "zeros":
        t = torch.zeros(n, dtype=torch.int64)
    elif targets == "each":
        t = torch.arange(n) % c
    else:
        t = torch.randint(0, c, (n,), generator=gen)
    for i, j in masked(case, t):
        z[i, j] = -1e4 if twin else -INF
    return z, t


def masked(case, t) -> list[tuple[int, int]]:
    mask = case.get("mask") or 0
    if isinstance(mask, list):
        cells = [(int(i), int(j)) for i, j in mask]
    else:
        cells = [(i, (int(t[i]) + 1) % int(case["c"])) for i in range(min(int(mask), len(t)))]
    return [(i, j) for i, j in cells if j != int(t[i])]


def ce_inputs(case, *, twin=False, dtype=None, grad=None):
    """(z, scores, targets): the leaf whose gradient is read, the scores the kata gets, the
    targets. Logits are `z` itself, laid out as the case says; log-probabilities are
    `log_softmax(z)` (a network that ends with log_softmax), laid out, and the gradient is read
    on the z before it. `dtype`: the judge's float64 copy of the same values."""
    values, t = ce_values(case, twin=twin)
    kind = irr.dtype(case.get("dtype", "float32"))
    values = values.to(kind) if dtype is None else values.to(kind).to(dtype)
    grad = case.get("requires_grad", True) is not False if grad is None else grad
    layout = case.get("layout", "contiguous")
    if case.get("log_probs"):
        z = values.detach().requires_grad_(grad)
        scores = irr.laid_out(torch.log_softmax(z, 1), layout)
    else:
        z = irr.laid_out(values, layout).detach().requires_grad_(grad)
        scores = z
    return z, scores, irr.laid_out(t, case.get("target_layout", "contiguous"))


def call_ce(kata, scores, targets, case):
    if case.get("log_probs"):
        return kata.classification_loss(scores, targets, log_probs=True)
    return kata.classification_loss(scores, targets)


def backward(loss) -> None:
    """Backpropagate a loss that can be: a one-element tensor that requires grad."""
    if isinstance(loss, torch.Tensor) and loss.requires_grad and loss.numel() == 1:
        loss.backward()


@observe(examples=CE_EXAMPLES, draw=ce_cases())
def ce_loss(kata, case):
    z, scores, targets = ce_inputs(case)
    loss = call_ce(kata, scores, targets, case)
    backward(loss)
    out = {"loss": loss, "grad": z.grad, "scores": scores, "targets": targets}
    if masked(case, ce_values(case)[1]):
        _, twin_scores, twin_targets = ce_inputs(case, twin=True)
        out["twin"] = call_ce(kata, twin_scores, twin_targets, case)
    return out


# --- classification_loss: what the judge computes itself ----------------------------------------


def picked(s, t):
    return s[torch.arange(len(t)), t]


def per_example(scores, t, log_probs):
    """-log p[target] of each example, in float64 (differentiable)."""
    s = scores.double()
    return -picked(s, t) if log_probs else torch.logsumexp(s, 1) - picked(s, t)


def right_ce(case, *, twin=False):
    """(scores as the kata got them, targets, the right loss, the scale of its rounding)."""
    _, scores, t = ce_inputs(case, twin=twin)
    scores = scores.detach()
    want = float(per_example(scores, t, case.get("log_probs")).mean())
    return scores, t, want, finite_max(scores)


def right_ce_grad(case):
    """d loss / d z, by autograd in float64 through the same layout (and log_softmax)."""
    z, scores, t = ce_inputs(case, dtype=torch.float64, grad=True)
    per_example(scores, t, case.get("log_probs")).mean().backward()
    return z.grad


def ce_words(case) -> tuple[str, str]:
    """The scores in words: 'float16 transposed (non-contiguous) logits of shape (4, 3)'."""
    n, c = int(case["n"]), int(case["c"])
    en_layout, zh_layout = irr.WORDS.get(case.get("layout", "contiguous"), ("", ""))
    kind = ("log-probabilities", "对数概率") if case.get("log_probs") else ("logits", "logits")
    en = f"{case.get('dtype', 'float32')} {en_layout}{kind[0]} of shape ({n}, {c})"
    zh = f"形状为 ({n}, {c}) 的 {case.get('dtype', 'float32')} {zh_layout}{kind[1]}"
    extra = []
    if masked(case, ce_values(case)[1]):
        extra.append(("with -inf for a masked class", "含有被屏蔽类别的 -inf"))
    if case.get("rows"):
        extra.append(("rows at different scales", "各行数量级不同"))
    if case.get("requires_grad") is False:
        extra.append(("that do not require grad", "不需要梯度"))
    if case.get("target_layout") == "sliced":
        extra.append(("non-contiguous targets", "目标张量不连续"))
    if extra:
        en += ", " + ", ".join(e for e, _ in extra)
        zh += "," + ",".join(z for _, z in extra)
    return en, zh


def ce_call(case, scores=None, t=None) -> str:
    if scores is None:
        scores, t, _, _ = right_ce(case)
    flag = ", log_probs=True" if case.get("log_probs") else ""
    return (f"classification_loss(scores, targets{flag}) with scores = {ce_words(case)[0]}: "
            f"{show(scores.detach())}, targets = {show(t)}")


def readable_shape_and_value(loss: Seen, want: float, per, fn: str, call: str, noun: str,
                             tol: float):
    """A 0-dim loss, or a failure that says what shape came back (per-example losses named
    where they are what came back)."""
    if loss.shape == ():
        return
    if loss.numel == 1 and diagnose.agree(number(loss), want, tol):
        fail(
            f"{fn} returned the right value in a tensor of shape {list(loss.shape)}, not a "
            f"0-dim tensor. A mean over one dimension (`.mean(dim=0)` of an (N, 1) column) or "
            f"`reduction='none'` on a batch of one keeps a dimension: take `.mean()` over every "
            f"element, or `.squeeze()` the result, so that `loss.shape == ()`.",
            f"{fn} 返回的值对,但张量形状是 {list(loss.shape)},而不是 0 维张量。只沿一个维度取平均"
            f"(对 (N, 1) 的列 `.mean(dim=0)`),或者对只有一个样本的批量用 `reduction='none'`,都会保留"
            f"一个维度:请对所有元素 `.mean()`,或者对结果 `.squeeze()`,使 `loss.shape == ()`。",
            call=call, got=f"shape {list(loss.shape)}", expected="shape [] (0-dim)", kata=KATA,
        )
    if loss.shape == tuple(per.shape) and loss.dtype_name != "bool" and diagnose.agree_grads(
            loss.tensor.double(), per, rtol=1e-3, atol=tol):
        example = noun == "example"
        fail(
            f"{fn} returned one loss per {noun} (shape {loss.shape}), not their mean: "
            f"`reduction='none'`"
            + (", or a sum over the classes without the mean over the batch" if example else "")
            + ". Return the mean, a 0-dim tensor (the default reduction, 'mean').",
            f"{fn} 返回的是每个{'样本' if example else '预测'}的损失(形状 {loss.shape}),"
            f"而不是它们的平均值:`reduction='none'`"
            + (",或者只在类别上求和而没有对批量取平均" if example else "")
            + "。请返回平均值,一个 0 维张量(默认的 reduction,'mean')。",
            call=call, got=loss, expected=want, kata=KATA,
        )
    fail(
        f"{fn} returned a tensor of shape {list(loss.shape)}: the loss is one number, the mean "
        f"over the batch, as a 0-dim tensor.",
        f"{fn} 返回的张量形状是 {list(loss.shape)}:损失是一个数,即对批量的平均,应为 0 维张量。",
        call=call, got=loss, expected=want, kata=KATA,
    )


def twin_shows_the_minus_inf(seen, case, got: float) -> bool:
    """The case's -inf entries made the loss non-finite: the same scores with -1e4 in their
    place gave the right loss."""
    twin = part(seen, "twin")
    if math.isfinite(got) or not readable(twin) or twin.numel != 1:
        return False
    _, _, want, scale = right_ce(case, twin=True)
    return diagnose.agree(number(twin), want, loss_tol(case.get("dtype", "float32"), want, scale))


def check_ce_dtype(case, loss: Seen, call: str) -> None:
    dtype = case.get("dtype", "float32")
    expect(
        loss.dtype_name == dtype,
        f"the loss is {loss.dtype_name} for {dtype} scores: a loss keeps the scores' dtype, as "
        f"`F.cross_entropy` does (float64 scores deserve a float64 loss; a float16 model's "
        f"loss is float16). Computing in another dtype inside is yours to choose; cast the "
        f"result back with `.to(scores.dtype)`.",
        f"{dtype} 的分数得到的损失是 {loss.dtype_name}:损失应保持分数的 dtype,`F.cross_entropy` "
        f"就是这样(float64 的分数应得到 float64 的损失;float16 模型的损失是 float16)。内部用别的 "
        f"dtype 计算由你决定;请用 `.to(scores.dtype)` 把结果转回来。",
        call=call, got=loss.dtype_name, expected=dtype, kata=KATA,
    )


def unchanged(seen, key: str, want) -> bool:
    got = part(seen, key)
    if not readable(got) or got.shape != tuple(want.shape) or got.dtype_name != str(
            want.dtype).replace("torch.", ""):
        return False
    return bool(torch.equal(got.tensor, want.detach()))


def check_ce_inputs(seen, scores, t, call: str) -> None:
    for key, want, en, zh in (("scores", scores, "scores", "分数"), ("targets", t, "targets",
                                                                     "目标")):
        expect(
            unchanged(seen, key, want),
            f"classification_loss changed its {en}: after the call the caller's tensor holds "
            f"other values. An in-place operation (`scores -= scores.max(...)`, `.sub_()`, "
            f"`targets[...] = ...`) wrote into it; the caller's model output and labels must "
            f"stay as they were. Compute on new tensors (`scores - m`).",
            f"classification_loss 修改了它的{zh}:调用之后,调用方的张量里是别的值。某个原地操作"
            f"(`scores -= scores.max(...)`、`.sub_()`、`targets[...] = ...`)写进了它;调用方的模型"
            f"输出和标签必须保持原样。请在新张量上计算(`scores - m`)。",
            call=call, got=part(seen, key), expected=want, kata=KATA,
        )


def ce_names(case, got: float, *, twin: bool) -> list:
    """The words of the known wrong ways that explain the loss `got` on the case's scores (or
    on its finite twin's)."""
    scores, t, want, scale = right_ce(case, twin=twin)
    dtype = case.get("dtype", "float32")
    tol, tol32 = loss_tol(dtype, want, scale), loss_tol("float32", want, scale)
    return diagnose.named(
        got, diagnose.ce_mistakes(scores, t, log_probs=bool(case.get("log_probs")), want=want),
        want, tol, tol_of=candidate_tol(dtype, tol, tol32, diagnose.CE_TEXTS["float32"]))


def right_grad_seen(seen, case, scale: float) -> bool:
    """The gradient that reached the scores (or the logits before their log_softmax) is the
    right one, within the gradient test's tolerance."""
    grad = part(seen, "grad")
    want = right_ce_grad(case)
    if not readable(grad) or want is None or grad.shape != tuple(want.shape):
        return False
    rtol, atol = grad_tol(case.get("dtype", "float32"), scale, max(int(case["n"]), 1))
    return diagnose.agree_grads(grad.tensor.double(), want, rtol=max(rtol, 1e-3), atol=atol)


# --- classification_loss: the claims -----------------------------------------------------------


@claim(ce_loss)
def test_classification_loss_is_the_mean_cross_entropy(case, seen):
    scores, t, want, scale = right_ce(case)
    call = ce_call(case, scores, t)
    loss = loss_of(seen, "classification_loss", call)
    per = per_example(scores, t, case.get("log_probs"))
    dtype = case.get("dtype", "float32")
    tol = loss_tol(dtype, want, scale)
    readable_shape_and_value(loss, want, per, "classification_loss", call, "example", tol)
    got = number(loss)
    if math.isfinite(got) and diagnose.agree(got, want, tol):
        check_ce_dtype(case, loss, call)
        check_ce_inputs(seen, scores, t, call)
        return
    names = ce_names(case, got, twin=False)
    halved = reduced_in_half(dtype, per, got, want, tol, "cross-entropy", "交叉熵",
                             "F.nll_loss" if case.get("log_probs") else "F.cross_entropy")
    if halved and right_grad_seen(seen, case, scale):
        # the gradient that came back is the right one: every example's loss was computed
        # right, and only the reduction's value went wrong (the ways that compute an example's
        # loss otherwise give another gradient)
        names = halved
    names = names + [words for words in halved if words not in names]
    if masked(case, t) and not math.isfinite(got):
        # inf or nan where the scores hold -inf: every way that touches a masked entry gives
        # it, so a way is named only where it also gives what the finite twin call gave
        twin = part(seen, "twin")
        twin_names = ce_names(case, number(twin), twin=True) \
            if readable(twin) and twin.numel == 1 else []
        names = [words for words in names if words in twin_names]
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    if twin_shows_the_minus_inf(seen, case, got):
        fail(
            f"the loss is {got} because of the -inf entries: with the same scores and -1e4 in "
            f"place of each -inf it is right. -inf is a legal score here (a masked class, of "
            f"probability 0, never the target), and an operation turned it into {got}: "
            f"`-inf * 0` is nan, as when the log-probabilities are multiplied by a one-hot "
            f"mask, and `-inf - -inf` is nan too. Pick the target's entry instead of masking "
            f"(`logp.gather(1, targets[:, None])`, `logp[torch.arange(N), targets]`), or use "
            f"`F.cross_entropy` / `F.nll_loss`, which do.",
            f"损失是 {got},原因在于那些 -inf:把每个 -inf 换成 -1e4、其余分数不变时,损失是对的。-inf "
            f"在这里是合法的分数(被屏蔽的类别,概率为 0,从来不是目标),而某个运算把它变成了 {got}:"
            f"`-inf * 0` 是 nan,用 one-hot 掩码去乘对数概率时就是这样,`-inf - -inf` 也是 nan。请直接"
            f"取目标那一项而不是用掩码相乘(`logp.gather(1, targets[:, None])`、"
            f"`logp[torch.arange(N), targets]`),或者用会这样做的 `F.cross_entropy` / `F.nll_loss`。",
            **shown,
        )
    if len(names) == 1:
        fail(*names[0], **shown)
    en_off, zh_off = off_by(got, want)
    if len(names) > 1:
        fail(
            f"the loss is not the mean cross-entropy{en_off}. On these scores it is what each "
            f"of these ways gives, and the measurement cannot tell which was taken: "
            + " / ".join(f"({k}) {en}" for k, (en, _) in enumerate(names, 1)),
            f"损失不是平均交叉熵{zh_off}。在这些分数上,下面每一种写法都会给出这个值,测量无法区分用的是"
            f"哪一种:" + " / ".join(f"({k}) {zh}" for k, (_, zh) in enumerate(names, 1)),
            **shown,
        )
    if math.isfinite(got) and got < -tol:
        fail(
            f"the loss is negative ({got:.4g}), which a cross-entropy never is: it is a mean of "
            f"-log p[target], and a probability is at most 1. It should be {want:.6g} here.",
            f"损失是负数({got:.4g}),而交叉熵永远不会是负的:它是 -log p[target] 的平均,而概率不超过 "
            f"1。这里应为 {want:.6g}。",
            **shown,
        )
    if not math.isfinite(got):
        fail(
            f"the loss is {got} on these scores, where the cross-entropy is finite ({want:.6g}): "
            f"it must stay exact and finite for scores of any size.",
            f"在这些分数上损失是 {got},而交叉熵是有限的({want:.6g}):对任意大小的分数它都必须准确"
            f"且有限。",
            **shown,
        )
    fail(
        f"the loss is not the mean cross-entropy of the scores{en_off}: for each example "
        f"`-log p[target]` (`logsumexp(z) - z[target]` for logits, minus the target's entry for "
        f"log-probabilities), averaged over the batch. None of the known mistakes gives this "
        f"value here.",
        f"损失不是这些分数的平均交叉熵{zh_off}:每个样本应为 `-log p[target]`(对 logits 是 "
        f"`logsumexp(z) - z[target]`,对对数概率是目标那一项的相反数),再对批量取平均。已知的错误"
        f"都不会在这里给出这个值。",
        **shown,
    )


def check_grad(seen, case, loss: Seen, want, call: str, what_en: str, what_zh: str, *,
               count: int, scale: float, value: tuple, extra=list, floor: float = 0.0) -> None:
    """The gradient that reached the scores (or the logits behind them) is `want`, or a
    failure that says what reached them instead, naming a cause only where it was measured.
    `value`: (the right loss, its tolerance): a gradient is judged only where the loss's
    value is right (a wrong loss sends back a wrong gradient, whatever else happened).
    `extra()`: [(a gradient a known way sends back, its words)], computed only on a failure."""
    expect(
        loss.numel == 1,
        f"the loss has {loss.numel} elements (shape {list(loss.shape)}), not one: "
        f"`loss.backward()` needs a single number to start from, so no gradient was taken. "
        f"Return the mean, a 0-dim tensor.",
        f"损失有 {loss.numel} 个元素(形状 {list(loss.shape)}),而不是一个:`loss.backward()` "
        f"需要从一个数开始,所以没有求出梯度。请返回平均值,一个 0 维张量。",
        call=call, got=f"shape {list(loss.shape)}", expected="shape [] (0-dim)", kata=KATA,
    )
    right, tol = value
    got_value = number(loss)
    en_off, zh_off = off_by(got_value, right)
    a, b = apart(got_value, right)
    expect(
        math.isfinite(got_value) and diagnose.agree(got_value, right, tol),
        f"the loss's value is wrong here ({a} where it is {b}{en_off}), so the gradient it "
        f"sends back to the {what_en} is not the right one either. The test of the value says "
        f"what it measured; once the value is right, this test checks the gradient.",
        f"这里损失的值就不对({a},应为 {b}{zh_off}),所以它传回{what_zh}的梯度也不对。关于值的测试"
        f"会说明它测到了什么;值对了以后,这个测试再检查梯度。",
        call=call, got=got_value, expected=right, kata=KATA,
    )
    expect(
        loss.requires_grad,
        f"the loss does not require grad though the {what_en} do: it was computed outside the "
        f"graph (detached, through `.item()` or NumPy, or under `torch.no_grad()`), so "
        f"`loss.backward()` cannot reach the {what_en} and nothing learns.",
        f"{what_zh}需要梯度,损失却不需要:它是在计算图之外算出来的(detach、`.item()`、NumPy 或 "
        f"`torch.no_grad()`),`loss.backward()` 到不了{what_zh},什么也学不到。",
        call=call, got=f"requires_grad=False ({loss.dtype_name}, shape {list(loss.shape)})",
        expected="requires_grad=True", kata=KATA,
    )
    expect(
        loss.grad_fn is not None,
        f"the loss is a leaf tensor (no grad_fn): a new tensor made from a number "
        f"(`torch.tensor(value, requires_grad=True)`), not a result computed from the "
        f"{what_en}, so `backward()` stops at it.",
        f"损失是一个叶子张量(没有 grad_fn):它是由一个数新建的张量"
        f"(`torch.tensor(value, requires_grad=True)`),而不是由{what_zh}算出的结果,"
        f"`backward()` 到它就停了。",
        call=call, got="a leaf tensor, grad_fn=None", kata=KATA,
    )
    grad = part(seen, "grad")
    expect(
        readable(grad),
        f"`loss.backward()` left no gradient on the {what_en}: the loss was computed from "
        f"something other than them (a copy made with `.detach()`, or numbers turned back "
        f"into a tensor).",
        f"`loss.backward()` 没有在{what_zh}上留下梯度:损失是由别的东西算出来的(用 `.detach()` "
        f"得到的副本,或者重新变回张量的数)。",
        call=call, got=show(grad) if grad is not None else "None", kata=KATA,
    )
    dtype = case.get("dtype", "float32")
    rtol, atol = grad_tol(dtype, scale, count, floor=floor)
    g = grad.tensor.double()
    if g.shape == want.shape and diagnose.agree_grads(g, want, rtol=rtol, atol=atol):
        return
    shown = dict(call=call + ".backward()", got=grad, expected=want, kata=KATA)
    if g.shape != want.shape:
        fail(f"the gradient has shape {list(g.shape)}, not the {what_en}' {list(want.shape)}.",
             f"梯度的形状是 {list(g.shape)},而不是{what_zh}的 {list(want.shape)}。", **shown)
    for candidate, words in extra():
        if candidate is not None and candidate.shape == g.shape and diagnose.agree_grads(
                g, candidate, rtol=max(rtol, 1e-3), atol=atol) and not diagnose.agree_grads(
                candidate, want, rtol=rtol, atol=atol):
            fail(*words, **shown)
    bad = ~g.isfinite()
    if bad.any():
        fail(
            f"the gradient that reaches the {what_en} holds {int(bad.sum())} nan or inf "
            f"entries, where the right one is finite everywhere: the loss is computed in a way "
            f"that is not finite for these scores, so one step would fill the model with nan.",
            f"到达{what_zh}的梯度里有 {int(bad.sum())} 个 nan 或 inf,而正确的梯度处处有限:损失的算法"
            f"对这些分数不是有限的,走一步模型就会充满 nan。",
            **shown,
        )
    if not g.abs().sum() and want.abs().sum():
        fail(
            f"the gradient that reaches the {what_en} is zero, where it should not be: the "
            f"loss's value does not depend on them in the graph (computed from a detached "
            f"copy, with the {what_en} joined only by a term that adds nothing).",
            f"到达{what_zh}的梯度是零,而它不该是零:在计算图里,损失的值并不依赖于它们(由 detach "
            f"的副本算出,{what_zh}只通过一个什么也不加的项连进来)。",
            **shown,
        )
    s = diagnose.ratio(g, want)
    if s is not None and math.isclose(s, 2.0, rel_tol=0.02):
        fail(
            f"the gradient is twice the gradient of the loss: `backward()` ran twice (once "
            f"inside the function, once by the caller), and the gradients add up.",
            f"梯度是损失梯度的两倍:`backward()` 运行了两次(函数里一次,调用方一次),梯度累加了。",
            **shown,
        )
    if s is not None and math.isclose(s, 1.0, rel_tol=0.02):
        diff = (g - want).abs()
        at = int(diff.argmax())
        fail(
            f"the gradient that reaches the {what_en} is close to the gradient of the loss, but "
            f"not within what a correct computation in {case.get('dtype', 'float32')} gives: "
            f"the largest difference is {float(diff.max()):.3g} (at entry {at} of the "
            f"flattened gradient), where {atol:.2g} + {rtol:.2g} * |gradient| is allowed.",
            f"到达{what_zh}的梯度接近损失的梯度,但超出了 {case.get('dtype', 'float32')} 下正确计算"
            f"所能达到的精度:最大差值为 {float(diff.max()):.3g}(在展平后梯度的第 {at} 个元素),"
            f"而允许的是 {atol:.2g} + {rtol:.2g} * |梯度|。",
            **shown,
        )
    en, zh = diagnose.unexplained((f"the gradient that reaches the {what_en}",
                                   f"到达{what_zh}的梯度"), s,
                                  ("the gradient of the loss", "损失的梯度"))
    fail(en, zh, **shown)


def softmax_first_grad(case):
    """The gradient that `F.cross_entropy(softmax(scores))` sends back, for naming it."""
    z, scores, t = ce_inputs(case, dtype=torch.float64, grad=True)
    p = torch.softmax(scores, 1)
    (torch.logsumexp(p, 1) - picked(p, t)).mean().backward()
    return z.grad


def log_of_softmax_grad(case):
    """The gradient that `F.nll_loss(torch.log(softmax(scores)))` sends back, computed in the
    scores' dtype (nan where a probability rounds to 0), for naming it; None for
    log-probabilities."""
    if case.get("log_probs"):
        return None
    _, scores, t = ce_inputs(case)
    x = scores.detach().clone().requires_grad_()
    torch.nn.functional.nll_loss(torch.log(torch.softmax(x, 1)), t).backward()
    return x.grad.double()


@claim(ce_loss)
def test_classification_loss_gradient_reaches_the_scores(case, seen):
    """For logits, d loss / d scores = (softmax - one_hot) / N; for log-probabilities the same
    reaches the logits behind the network's log_softmax (nll_loss or cross_entropy alike)."""
    scores, t, want_value, scale = right_ce(case)
    call = ce_call(case, scores, t)
    loss = loss_of(seen, "classification_loss", call)
    if case.get("requires_grad") is False:
        return  # an evaluation: no graph to reach (the value is the other claims')
    logits = not case.get("log_probs")
    what_en = "scores" if logits else "logits behind the log-probabilities"
    what_zh = "分数" if logits else "对数概率背后的 logits"
    tol = loss_tol(case.get("dtype", "float32"), want_value, scale)
    check_grad(seen, case, loss, right_ce_grad(case), call, what_en, what_zh,
               count=int(case["n"]), scale=scale, value=(want_value, tol),
               extra=lambda: [(softmax_first_grad(case), (
                   "the gradient is what a softmax before the cross-entropy sends back: it "
                   "multiplies every gradient by the softmax's own derivative, which is small, "
                   "so the gradients shrink and learning slows. `F.cross_entropy` takes the raw "
                   "scores (it applies log_softmax itself).",
                   "梯度正是在交叉熵之前做 softmax 时传回的梯度:它让每个梯度再乘上 softmax 自己的"
                   "导数,而这个导数很小,于是梯度变小,学得变慢。`F.cross_entropy` 要的是原始分数"
                   "(它自己做 log_softmax)。")),
                      (log_of_softmax_grad(case), (
                   "the gradient is what the log of the softmax, `torch.log(softmax(z))`, sends "
                   "back: where a class's softmax rounds to exactly 0, the gradient of the log "
                   "there is 0 / 0 = nan, although the loss's value is right. One step fills the "
                   "model with nan. Compute from the logits with log-sum-exp: `F.log_softmax`, "
                   "or `F.cross_entropy`.",
                   "梯度正是对 softmax 取对数 `torch.log(softmax(z))` 传回的梯度:某个类别的 softmax "
                   "被舍入成正好 0 时,log 在那里的梯度是 0 / 0 = nan,尽管损失的值是对的。走一步模型"
                   "就充满 nan。请直接从 logits 用 log-sum-exp 计算:`F.log_softmax` 或 "
                   "`F.cross_entropy`。"))])


# --- classification_loss, called again ----------------------------------------------------------


def again_cases(case) -> list[dict]:
    """Three calls in a row with other shapes and kinds of scores (each its own seed); the
    second passes every argument by its name in the contract (`scores=`, `targets=`,
    `log_probs=`), as a caller may."""
    s = int(case["seed"])
    return [ce_case(s, 4, 3, scale=3.0),
            ce_case(s + 1, 2, 5, dtype="float64", log_probs=True, by_name=True),
            ce_case(s + 2, 3, 2, scale=2.0, targets="zeros")]


# what Python says when a call's names do not fit the function's parameters
NAMES_REFUSED = ("positional-only", "unexpected keyword argument", "required positional argument",
                 "required keyword-only argument")


@observe(examples=[{"seed": 21}])
def ce_called_again(kata, case):
    losses = []
    for one in again_cases(case):
        _, scores, t = ce_inputs(one)
        if not one.get("by_name"):
            losses.append(call_ce(kata, scores, t, one))
            continue
        try:
            losses.append(kata.classification_loss(scores=scores, targets=t,
                                                   log_probs=bool(one.get("log_probs"))))
        except TypeError as err:  # the names refused: said by the judge, with the contract's
            if not any(words in str(err) for words in NAMES_REFUSED):
                raise
            losses.append({"raised": "TypeError", "text": str(err)[:300]})
    return {"losses": losses}


@claim(ce_called_again)
def test_classification_loss_called_again_depends_on_its_inputs_only(case, seen):
    losses = part(seen, "losses")
    calls = again_cases(case)
    right = []
    for k, one in enumerate(calls):
        scores, t, want, scale = right_ce(one)
        call = f"call {k + 1} of {len(calls)} in a row: " + ce_call(one, scores, t)
        got = losses[k] if isinstance(losses, list) and len(losses) == len(calls) else None
        if one.get("by_name"):
            call = call.replace("classification_loss(scores, targets, log_probs=True)",
                                "classification_loss(scores=scores, targets=targets, "
                                "log_probs=True)")
            if isinstance(got, dict) and got.get("raised") is not None:
                text = got.get("text")
                text = text if isinstance(text, str) else "?"
                fail(f"classification_loss refused its arguments passed by name (TypeError: "
                     f"{text}). The contract names its parameters: "
                     f"`classification_loss(scores, targets, *, log_probs=False)`, and a caller "
                     f"may pass each by that name (no `/` in the signature, no other names).",
                     f"按名字传入参数时,classification_loss 拒绝了(TypeError:{text})。约定规定了"
                     f"参数的名字:`classification_loss(scores, targets, *, log_probs=False)`,"
                     f"调用者可以按这些名字传入每个参数(签名里不要有 `/`,也不要换成别的名字)。",
                     call=call, kata=KATA)
        expect(readable(got) and got.numel == 1,
               f"call {k + 1} returned {what(got)[0]}, not the loss as a 0-dim tensor.",
               f"第 {k + 1} 次调用返回的是{what(got)[1]},而不是 0 维张量形式的损失。",
               call=call, kata=KATA)
        value = number(got)
        if not diagnose.agree(value, want, loss_tol(one["dtype"], want, scale)):
            before = (f" The call{'s' if k > 1 else ''} before it gave the right loss: what "
                      f"the function keeps from one call to the next (a module-level variable, "
                      f"a cache, a loss module built for the first shapes) must not change the "
                      f"next." if k and all(right) else "")
            zh_before = ("它之前的调用给出的损失是对的:函数从一次调用留到下一次的东西(模块级变量、"
                         "缓存、按第一次的形状建好的损失模块)不能改变下一次的结果。"
                         if k and all(right) else "")
            en_off, zh_off = off_by(value, want)
            fail(f"call {k + 1} of {len(calls)} gave a wrong loss{en_off}.{before}",
                 f"{len(calls)} 次调用中的第 {k + 1} 次给出的损失不对{zh_off}。{zh_before}",
                 call=call, got=value, expected=want, kata=KATA)
        right.append(True)


# --- training with classification_loss -------------------------------------------------------


def blobs(seed):
    """90 points in 3 classes around three centres, and the starting weights of a linear
    classifier."""
    gen = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    targets = torch.arange(3).repeat_interleave(30)
    X = centres[targets] + 0.6 * torch.randn(90, 2, generator=gen)
    W0 = 0.1 * torch.randn(2, 3, generator=gen)
    return X, targets, W0


@observe(examples=[{"seed": 3, "lr": 0.5, "steps": 25}])
def trained(kata, case):
    """SGD steps of a linear classifier whose loss is the kata's: the weights after each."""
    X, targets, W0 = blobs(int(case["seed"]))
    W = W0.clone().requires_grad_()
    path = []
    for _ in range(int(case["steps"])):
        loss = kata.classification_loss(X @ W, targets)
        if not (isinstance(loss, torch.Tensor) and loss.requires_grad and loss.numel() == 1):
            return {"path": path, "stopped": loss}
        loss.backward()
        with torch.no_grad():
            if W.grad is None:
                return {"path": path, "stopped": "no gradient"}
            W -= float(case["lr"]) * W.grad
            W.grad = None
        path.append(W.detach().clone())
    return {"path": path}


def ce_of(X, W, targets) -> float:
    z = X.double() @ W.double()
    return float((torch.logsumexp(z, 1) - picked(z, targets)).mean())


@claim(trained)
def test_training_with_classification_loss_learns_at_the_speed_of_cross_entropy(case, seen):
    """The kata's loss, trained on, against the exact cross-entropy of the logits trained on
    here, step by step (the consequence of a wrong loss, made visible)."""
    X, targets, W0 = blobs(int(case["seed"]))
    lr, steps = float(case["lr"]), int(case["steps"])
    call = (f"{steps} SGD steps (lr {lr}) of a linear classifier on 90 points in 3 classes, "
            f"loss = classification_loss(X @ W, targets)")
    path = part(seen, "path")
    expect(isinstance(path, list) and len(path) == steps and all(readable(w) and w.shape == (2, 3)
                                                                  for w in path),
           "training stopped: the loss could not be backpropagated to the weights (see the "
           "other tests of classification_loss).",
           "训练停下了:损失无法反向传播到权重(见 classification_loss 的其他测试)。",
           call=call, got=show(part(seen, "stopped")), kata=KATA)
    X64 = X.double()
    W = W0.double()
    previous = W0.double()
    for step, seen_w in enumerate(path, 1):
        z = X64 @ W
        W = W - lr * X64.T @ (torch.softmax(z, 1) - torch.nn.functional.one_hot(targets, 3)) \
            / len(X)
        got_w = seen_w.tensor.double()
        g, w = ce_of(X, got_w, targets), ce_of(X, W, targets)
        if diagnose.agree(g, w, 1e-3 * abs(w) + 1e-5):
            previous = got_w
            continue
        # the step the kata's loss took from the weights it had: its gradient, measured
        zp = X64 @ previous
        step_grad = (previous - got_w) / lr
        one_hot = torch.nn.functional.one_hot(targets, 3).double()
        p = torch.softmax(zp, 1)
        right = X64.T @ (p - one_hot) / len(X)
        nll_raw = -X64.T @ one_hot / len(X)
        zq = zp.clone().requires_grad_()
        q = torch.softmax(zq, 1)
        (torch.logsumexp(q, 1) - picked(q, targets)).mean().backward()
        softmax_first = X64.T @ zq.grad
        cause = None
        for candidate, words in (
                (softmax_first, ("learning slows: each step is the one a softmax before the "
                                 "cross-entropy gives, whose gradients are squashed by the "
                                 "softmax's own derivative.",
                                 "学得变慢了:每一步都是在交叉熵之前做 softmax 时的那一步,它的梯度被 "
                                 "softmax 自己的导数压小了。")),
                (nll_raw, ("the steps follow nll_loss of the raw scores: they push the target's "
                           "score up without limit instead of fitting probabilities.",
                           "每一步跟随的是原始分数上的 nll_loss:它无限地推高目标的分数,而不是拟合概率。")),
                (right * len(X), ("each step is N times too large: the loss is summed over the "
                                  "batch, not averaged.",
                                  "每一步都大了 N 倍:损失在批量上求了和,而不是平均。"))):
            if diagnose.agree_grads(step_grad, candidate, rtol=1e-2, atol=1e-4):
                cause = words
                break
        en, zh = cause or (
            "the steps follow another gradient than the cross-entropy's: "
            + diagnose.unexplained(("the step", "这一步"), diagnose.ratio(step_grad, right),
                                   ("the cross-entropy's", "交叉熵的那一步"))[0],
            "每一步跟随的梯度不是交叉熵的梯度:"
            + diagnose.unexplained(("the step", "这一步"), diagnose.ratio(step_grad, right),
                                   ("the cross-entropy's", "交叉熵的那一步"))[1])
        last = ce_of(X, path[-1].tensor, targets)
        fail(
            f"after step {step} the true cross-entropy of the model is {g:.4g}, where training "
            f"on the cross-entropy of the logits reaches {w:.4g}: {en} After {steps} steps: "
            f"{last:.4g}.",
            f"第 {step} 步之后,模型真实的交叉熵是 {g:.4g},而用 logits 的交叉熵训练能达到 {w:.4g}:"
            f"{zh}{steps} 步之后:{last:.4g}。",
            call=call, got=f"cross-entropy {g:.6g} after step {step}",
            expected=f"cross-entropy {w:.6g}", kata=KATA,
        )


# --- binary_loss: the cases -------------------------------------------------------------------


def bin_case(seed, shape, **more):
    case = {"seed": seed, "shape": shape, "dtype": "float32", "layout": "contiguous",
            "scale": 0.1, "offset": 0.0}
    case.update(more)
    return case


BINARY_EXAMPLES = [
    # moderate logits, one soft target
    bin_case(1, [5], add=[2, -1, 0.5, -3, 0.25], targets=[1, 0, 0, 1, 0.3]),
    # confidently wrong logits: a sigmoid rounds to 0 or 1 past |z| of about 17
    bin_case(2, [4], add=[40, -40, 25, 3], targets=[0, 1, 0, 1]),
    # a logit of 100 with target 1 (exp(100) overflows float32)
    bin_case(3, [3], add=[100, -3, 0.5], targets=[1, 0, 1]),
    # a logit of -200 with target 1 (sigmoid(-200) underflows to 0)
    bin_case(4, [3], add=[-200, 40, 1], targets=[1, 0, 1]),
    # confidently wrong beyond 50
    bin_case(5, [3], add=[100, -100, 2], targets=[0, 1, 0]),
    # multi-label: (N, K) logits, soft targets
    bin_case(6, [4, 3], scale=3.0, targets="soft"),
    # a 0-dim logit
    bin_case(7, [], add=[1.5], targets=[0.3]),
    # float64, transposed logits, non-contiguous targets
    bin_case(8, [3, 4], dtype="float64", layout="transposed", scale=3.0, targets="hard",
             target_layout="sliced"),
    # half precision, sliced and expanded
    bin_case(9, [5], dtype="float16", layout="sliced", scale=3.0, targets="soft"),
    bin_case(10, [2, 3], dtype="bfloat16", layout="expanded", scale=3.0, targets="hard"),
    # a loss computed in evaluation: logits that do not require grad
    bin_case(11, [6], scale=3.0, targets="hard", requires_grad=False),
    # extreme logits
    bin_case(12, [3], add=[1e30, -1e30, 3], targets=[0.3, 1, 0]),
    # large batches in half precision (float16 losses that add up past 65504, the largest
    # float16; a bfloat16 total of small losses stops growing)
    bin_case(13, [2000], dtype="float16", scale=100.0, targets="hard"),
    bin_case(14, [40, 50], dtype="bfloat16", scale=0.3, targets="soft"),
    # float16 losses that add up past 65504 (their mean, 40000, is a float16 number)
    bin_case(15, [2], dtype="float16", scale=0.0, add=[40000, -40000], targets=[0, 1]),
]


@st.composite
def binary_cases(draw):
    dtype = draw(irr.float_dtypes())
    low = dtype in ("float16", "bfloat16")
    return {
        "seed": draw(irr.seeds()),
        "shape": draw(irr.shapes(min_dims=0, max_dims=3, max_side=4)),
        "dtype": dtype,
        "layout": draw(irr.layouts(expanded=True)),
        "scale": draw(st.sampled_from([0.1, 1.0, 3.0, 30.0, 300.0] if low
                                      else [0.1, 1.0, 3.0, 30.0, 1e4])),
        "offset": draw(st.sampled_from([0.0, 0.0, -20.0, 20.0])),
        "targets": draw(st.sampled_from(["hard", "soft"])),
        "target_layout": draw(st.sampled_from(["contiguous", "sliced", "transposed"])),
        "requires_grad": draw(st.sampled_from([True, True, True, False])),
    }


def binary_values(case):
    gen = torch.Generator().manual_seed(int(case["seed"]))
    shape = [int(s) for s in case["shape"]]
    z = torch.randn(shape, generator=gen, dtype=torch.float64) * float(case.get("scale", 1.0)) \
        + float(case.get("offset", 0.0))
    if case.get("add") is not None:
        z = z + torch.tensor(case["add"], dtype=torch.float64).reshape(shape)
    targets = case.get("targets", "hard")
    if isinstance(targets, list):
        t = torch.tensor(targets, dtype=torch.float64).reshape(shape)
    elif targets == "soft":
        t = torch.rand(shape, generator=gen, dtype=torch.float64)
    else:
        t = (torch.rand(shape, generator=gen, dtype=torch.float64) < 0.5).double()
    return z, t


def binary_inputs(case):
    """(logits, targets) as the kata gets them: the logits a leaf (the gradient is read on
    them), laid out as the case says; the targets of the same dtype, laid out as theirs."""
    z, t = binary_values(case)
    kind = irr.dtype(case.get("dtype", "float32"))
    logits = irr.laid_out(z.to(kind), case.get("layout", "contiguous")).detach()
    logits.requires_grad_(case.get("requires_grad", True) is not False)
    return logits, irr.laid_out(t.to(kind), case.get("target_layout", "contiguous"))


@observe(examples=BINARY_EXAMPLES, draw=binary_cases())
def binary_loss_seen(kata, case):
    logits, targets = binary_inputs(case)
    loss = kata.binary_loss(logits, targets)
    backward(loss)
    return {"loss": loss, "grad": logits.grad, "logits": logits, "targets": targets}


def right_binary(case):
    """(logits, targets, the right loss, its gradient, the scale of its rounding), in float64
    from the inputs exactly as the kata got them."""
    logits, targets = binary_inputs(case)
    logits = logits.detach()
    z, t = logits.double(), targets.double()
    # softplus(z) - t * z, written so that nothing cancels or turns linear (F.softplus does past
    # z = 20): (1 - t) * z + max(-z, 0) + log1p(exp(-|z|))
    per = (1 - t) * z + (-z).clamp(min=0) + torch.log1p(torch.exp(-z.abs()))
    want_grad = (torch.sigmoid(z) - t) / max(z.numel(), 1)
    return logits, targets, per, float(per.mean()), want_grad, finite_max(logits)


def binary_call(case, logits=None, targets=None) -> str:
    if logits is None:
        logits, targets, *_ = right_binary(case)
    shape = tuple(int(s) for s in case["shape"])
    words = irr.describe({**case, "shape": list(shape)})[0].replace("tensor", "logits", 1)
    words = words.split(" (values around")[0].removeprefix("a ")
    if case.get("target_layout", "contiguous") != "contiguous":
        words += ", non-contiguous targets"
    if case.get("requires_grad") is False:
        words += ", that do not require grad"
    return (f"binary_loss(logits, targets) with logits = {words}: {show(logits.detach())}, "
            f"targets = {show(targets)}")


def vanished(grad, want_grad, logits, targets):
    """The entries where the right gradient is large (a confidently wrong logit) and the one
    seen is (almost) zero."""
    z, t = logits.detach().double(), targets.double()
    wrong = (torch.sigmoid(z) - t).abs() > 0.5
    return wrong & (grad.abs() < 0.01 * want_grad.abs())


def check_binary_dtype(case, loss: Seen, call: str) -> None:
    dtype = case.get("dtype", "float32")
    expect(
        loss.dtype_name == dtype,
        f"the loss is {loss.dtype_name} for {dtype} logits: a loss keeps the logits' dtype, as "
        f"`F.binary_cross_entropy_with_logits` does. Computing in another dtype inside is "
        f"yours to choose; cast the result back with `.to(logits.dtype)`.",
        f"{dtype} 的 logits 得到的损失是 {loss.dtype_name}:损失应保持 logits 的 dtype,"
        f"`F.binary_cross_entropy_with_logits` 就是这样。内部用别的 dtype 计算由你决定;请用 "
        f"`.to(logits.dtype)` 把结果转回来。",
        call=call, got=loss.dtype_name, expected=dtype, kata=KATA,
    )


def check_binary_inputs(seen, logits, targets, call: str) -> None:
    for key, want, en, zh in (("logits", logits, "logits", "logits"),
                              ("targets", targets, "targets", "目标")):
        expect(
            unchanged(seen, key, want),
            f"binary_loss changed its {en}: after the call the caller's tensor holds other "
            f"values. An in-place operation (`.clamp_()`, `targets[...] = ...`, `-=`) wrote "
            f"into it; the caller's model output and labels must stay as they were. Compute "
            f"on new tensors.",
            f"binary_loss 修改了它的{zh}:调用之后,调用方的张量里是别的值。某个原地操作"
            f"(`.clamp_()`、`targets[...] = ...`、`-=`)写进了它;调用方的模型输出和标签必须保持"
            f"原样。请在新张量上计算。",
            call=call, got=part(seen, key), expected=want, kata=KATA,
        )


# --- binary_loss: the claims -------------------------------------------------------------------


@claim(binary_loss_seen)
def test_binary_loss_is_the_mean_binary_cross_entropy(case, seen):
    logits, targets, per, want, want_grad, scale = right_binary(case)
    call = binary_call(case, logits, targets)
    loss = loss_of(seen, "binary_loss", call)
    dtype = case.get("dtype", "float32")
    tol = loss_tol(dtype, want, scale, floor=SOFTPLUS_TAIL)
    readable_shape_and_value(loss, want, per, "binary_loss", call, "prediction", tol)
    got = number(loss)
    if math.isfinite(got) and diagnose.agree(got, want, tol):
        check_binary_dtype(case, loss, call)
        check_binary_inputs(seen, logits, targets, call)
        return
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    grad = part(seen, "grad")
    g = grad.tensor.double() if readable(grad) and grad.shape == tuple(want_grad.shape) else None
    rtol, atol = grad_tol(dtype, scale, max(logits.numel(), 1), floor=SOFTPLUS_TAIL)
    tol32 = loss_tol("float32", want, scale)
    names = diagnose.named_with_grads(
        got, g, diagnose.binary_mistakes(logits, targets, want=want), want, tol,
        rtol=max(rtol, 1e-3), atol=atol,
        tol_of=candidate_tol(dtype, tol, tol32, diagnose.BINARY_TEXTS["float32"]))
    names = names + [words for words in reduced_in_half(
        dtype, per, got, want, tol, "binary cross-entropy", "二元交叉熵",
        "F.binary_cross_entropy_with_logits") if words not in names]
    if len(names) == 1:
        fail(*names[0], **shown)
    gone = vanished(g, want_grad, logits, targets) if g is not None else None
    if gone is not None and gone.any():
        z = logits.detach().double().abs()
        came = z[~gone & (want_grad.abs() > 0)]
        lo = float(came.max()) if came.numel() else 0.0
        hi = float(z[gone].min())
        c = diagnose.clamp_bound(logits, targets, got, lo=lo, hi=hi, tol=tol)
        at = float(logits.detach().double()[gone][0])
        t_at = float(targets.double()[gone][0])
        if c is not None:
            eps = 1 / (1 + math.exp(c))
            fail(
                f"the logits were clamped to ±{c:.3g} (or, the same thing, the probabilities "
                f"clipped to [{eps:.2g}, 1 - {eps:.2g}]): the loss is what that clamp gives, and "
                f"the gradient of every logit beyond it is zero (at z = {at:.4g}, target "
                f"{t_at:g}). A logit past the clamp costs as if it were at the clamp, and a "
                f"confidently wrong prediction stops learning: the sigmoid-then-BCELoss "
                f"saturation again, only further out. Compute from the logits as they are: "
                f"`F.softplus(z) - t * z`, or `F.binary_cross_entropy_with_logits`, are exact "
                f"for any logit, with no clamp.",
                f"logits 被截断到了 ±{c:.3g}(也就是把概率截断到 [{eps:.2g}, 1 - {eps:.2g}],两者等价):"
                f"这个损失正是这样截断得到的,而超出范围的每个 logit 梯度都是零(在 z = {at:.4g}、目标 "
                f"{t_at:g} 处)。超出截断的 logit 只按截断值计代价,错得很自信的预测就学不动了:这还是先 "
                f"sigmoid 再 BCELoss 的饱和,只是更远一些。请直接用原样的 logits 计算:"
                f"`F.softplus(z) - t * z` 或 `F.binary_cross_entropy_with_logits` 对任何 logit 都准确,"
                f"不需要截断。",
                **shown,
            )
        fail(
            f"the loss saturates: at the confidently wrong logit z = {at:.4g} (target "
            f"{t_at:g}) the gradient that comes back is (almost) zero, where it should be "
            f"{float(want_grad[gone][0]):.3g}, and the loss is {got:.6g} instead of "
            f"{want:.6g}. Something between the logits and the loss stops growing for large "
            f"logits (a probability that rounds to exactly 0 or 1, a clamp), and the worst "
            f"predictions stop learning. Compute from the logits themselves: "
            f"`F.binary_cross_entropy_with_logits`.",
            f"损失饱和了:在错得很自信的 logit z = {at:.4g}(目标 {t_at:g})处,传回的梯度(几乎)为零,"
            f"而它应为 {float(want_grad[gone][0]):.3g};损失是 {got:.6g} 而不是 {want:.6g}。logits "
            f"和损失之间的某一步在 logit 很大时不再增长(被舍入成正好 0 或 1 的概率、截断),错得最"
            f"离谱的预测就学不动了。请直接从 logits 计算:`F.binary_cross_entropy_with_logits`。",
            **shown,
        )
    en_off, zh_off = off_by(got, want)
    if len(names) > 1:
        fail(
            f"the loss is not the mean binary cross-entropy{en_off}. On these logits it is what "
            f"each of these ways gives, and the measurement cannot tell which was taken: "
            + " / ".join(f"({k}) {en}" for k, (en, _) in enumerate(names, 1)),
            f"损失不是平均二元交叉熵{zh_off}。在这些 logits 上,下面每一种写法都会给出这个值,测量无法"
            f"区分用的是哪一种:" + " / ".join(f"({k}) {zh}" for k, (_, zh) in enumerate(names, 1)),
            **shown,
        )
    if not math.isfinite(got):
        where = ""
        zh_where = ""
        if g is not None and (~g.isfinite()).any():
            bad = ~g.isfinite()
            at = float(logits.detach().double()[bad][0])
            where = (f" The gradient is nan or inf at {int(bad.sum())} logit(s), the first "
                     f"z = {at:.4g} (target {float(targets.double()[bad][0]):g}): the "
                     f"computation overflows or takes log(0) there.")
            zh_where = (f"梯度在 {int(bad.sum())} 个 logit 处是 nan 或 inf,第一个是 z = {at:.4g}"
                        f"(目标 {float(targets.double()[bad][0]):g}):计算在那里溢出了,或者取了 log(0)。")
        fail(
            f"the loss is {got} on these logits, where the binary cross-entropy is finite "
            f"({want:.6g}): it must stay exact and finite for logits of any size.{where}",
            f"在这些 logits 上损失是 {got},而二元交叉熵是有限的({want:.6g}):对任意大小的 logit 它都"
            f"必须准确且有限。{zh_where}",
            **shown,
        )
    fail(
        f"the loss is not the mean binary cross-entropy of the logits{en_off}: "
        f"`-(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z)))` for each element, averaged "
        f"over every element. None of the known mistakes gives this value here.",
        f"损失不是这些 logits 的平均二元交叉熵{zh_off}:对每个元素 "
        f"`-(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z)))`,再对所有元素取平均。已知的错误"
        f"都不会在这里给出这个值。",
        **shown,
    )


@claim(binary_loss_seen)
def test_binary_loss_gradient_reaches_the_logits(case, seen):
    """d loss / d logits = (sigmoid(z) - t) / numel, even for a confidently wrong logit."""
    logits, targets, _, want, want_grad, scale = right_binary(case)
    call = binary_call(case, logits, targets)
    loss = loss_of(seen, "binary_loss", call)
    if case.get("requires_grad") is False:
        return
    tol = loss_tol(case.get("dtype", "float32"), want, scale, floor=SOFTPLUS_TAIL)

    def extra():
        grad = part(seen, "grad")
        found = []
        # measured on the gradient seen itself: (almost) zero where the right one is large
        if readable(grad) and grad.shape == tuple(want_grad.shape):
            gone = vanished(grad.tensor.double(), want_grad, logits, targets)
            if gone.any():
                at = float(logits.detach().double()[gone][0])
                found.append((grad.tensor.double(), (
                    f"the gradient vanished at the confidently wrong logits (z = {at:.4g}): the "
                    f"loss saturates there, and the worst predictions stop learning. Compute from "
                    f"the logits themselves: `F.binary_cross_entropy_with_logits`.",
                    f"在错得很自信的 logit(z = {at:.4g})处梯度消失了:损失在那里饱和,错得最离谱的预测"
                    f"学不动了。请直接从 logits 计算:`F.binary_cross_entropy_with_logits`。")))
        x = logits.detach().clone().requires_grad_()
        torch.nn.functional.binary_cross_entropy(torch.sigmoid(x), targets).backward()
        found.insert(0, (x.grad.double(), (
            "the gradient is what `sigmoid` followed by `BCELoss` sends back: where the sigmoid "
            "rounds to exactly 0 or 1, BCELoss's gradient is 0 / 0 = nan (or zero), though the "
            "loss's value is right here. Keep the sigmoid inside the loss: "
            "`F.binary_cross_entropy_with_logits`.",
            "梯度正是先 `sigmoid` 再 `BCELoss` 传回的梯度:sigmoid 被舍入成正好 0 或 1 的地方,BCELoss "
            "的梯度是 0 / 0 = nan(或者是零),尽管这里损失的值是对的。把 sigmoid 留在损失里面:"
            "`F.binary_cross_entropy_with_logits`。")))
        return found

    count = max(logits.numel(), 1)
    check_grad(seen, case, loss, want_grad, call, "logits", "logits", count=count, scale=scale,
               value=(want, tol), extra=extra, floor=SOFTPLUS_TAIL / count)
