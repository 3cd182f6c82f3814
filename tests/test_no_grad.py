"""no_grad: validation and evaluation record no graph, never reach the gradients, and leave
autograd and the model's modes as they found them.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it did as plain
data (the loss, what autograd saved for backward meanwhile, the grad mode afterwards, every step
the optimizers took with the gradients they found, the modules' modes and what ran in train
mode); the test (the judge) decides from that data alone, rebuilding the inputs from the case and
computing what is right itself.

Irregular inputs (docs/CONTRIBUTING.md): float64, float16 and bfloat16 readings; params as a
tensor of two, a list or a tuple of two 0-dim leaves; readings that require grad; sliced
(non-contiguous) readings; a batch of one reading; calls inside the caller's `torch.no_grad()`;
gradients already held before the training loop; SGD with momentum, Adam, a param group per
tensor; 0 and 1 epochs; models nested in containers and modules of their own class, in mixed
modes, with frozen parameters, float64, channels-last images, an X that requires grad; evaluate
called twice with the modes changed in between. Left out: integer readings (a loss to
differentiate is floating point), randomness (the kata draws nothing), exceptions (the contract
raises none; a model whose forward raises is out of scope).
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import torch
from hypothesis import settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.datasets import thermometer
from dojo.memory import SavedTensorLog
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import close, expect, fail, show
from torch.optim.optimizer import register_optimizer_step_post_hook

KATA = "no_grad"
NORM_REFUSED = "more than 1 value per channel when training"


@contextmanager
def one_thread():
    """Tiny models and tensors, run on one thread: many times faster than two threads fighting
    over a busy CPU, and the same sums in the learner's process, the grader's job and the
    judge's."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def first_line(err: BaseException) -> str:
    text = str(err).strip()
    return (text.splitlines()[0] if text else type(err).__name__)[:300]


def small(value, limit: int = 4096):
    """A tensor as it is when it is small enough to cross; a larger one as its dtype and shape."""
    if isinstance(value, torch.Tensor) and value.numel() > limit:
        return {"dtype": str(value.dtype).replace("torch.", ""), "shape": list(value.shape)}
    return value


def malformed(what: str, call: str):
    fail(f"the observation of this call came back malformed (`{what}`).",
         f"这次调用的观测数据格式不对(`{what}`)。", call=call, kata=KATA)


def field(seen, key: str, call: str):
    if not isinstance(seen, dict) or key not in seen:
        malformed(key, call)
    return seen[key]


def shown(value) -> str:
    try:
        return show(value)
    except Exception:  # noqa: BLE001 - data nobody here trusts: say what it is
        return type(value).__name__


def read(seen) -> torch.Tensor | None:
    """An observed tensor's values (None for anything else, or one that did not all cross)."""
    if isinstance(seen, Seen) and seen.complete and seen.error is None:
        try:
            return seen.tensor
        except (ValueError, TypeError, RuntimeError, OverflowError):
            return None
    return None


def eps(dtype: torch.dtype) -> float:
    return torch.finfo(dtype).eps


# --- the readings and the parameters ------------------------------------------------------------


def readings(case):
    """t_u and t_c of a case: `n` thermometer readings (t_u scaled by 0.1, as in the articles)
    in the order `seed` draws, or `n` random ones; in the case's dtype and layout, and leaves that
    require grad where the case says."""
    d = case["data"]
    n, kind = int(d["n"]), irr.dtype(d["dtype"])
    if d.get("source", "thermometer") == "thermometer":
        t_u, t_c = thermometer()
        order = torch.randperm(len(t_u), generator=torch.Generator().manual_seed(int(d["seed"])))
        t_u, t_c = (0.1 * t_u.double())[order[:n]], t_c.double()[order[:n]]
    else:
        gen = torch.Generator().manual_seed(int(d["seed"]))
        t_u = torch.randn(n, generator=gen, dtype=torch.float64) * float(d.get("scale", 1.0))
        t_c = 3 * t_u + torch.randn(n, generator=gen, dtype=torch.float64) * float(
            d.get("scale", 1.0)) + float(d.get("offset", 0.0))
    out = []
    for values, wants_grad in ((t_u, case.get("t_u_grad")), (t_c, case.get("t_c_grad"))):
        x = irr.laid_out(values.to(kind), d.get("layout", "contiguous"))
        out.append(x.detach().requires_grad_() if wants_grad else x)
    return out


def parameters(spec):
    """`params` as the case hands it over (a tensor of two, a list or a tuple of two 0-dim
    tensors), and the leaves that require grad in it."""
    kind = irr.dtype(spec.get("dtype", "float32"))
    w, b = float(spec["w"]), float(spec["b"])
    if spec.get("form", "tensor") == "tensor":
        t = torch.tensor([w, b], dtype=kind, requires_grad=True)
        return t, [t]
    pair = [torch.tensor(w, dtype=kind, requires_grad=True),
            torch.tensor(b, dtype=kind, requires_grad=True)]
    return (tuple(pair) if spec["form"] == "tuple" else pair), pair


def params_words(spec) -> str:
    form = spec.get("form", "tensor")
    kind = spec.get("dtype", "float32")
    if form == "tensor":
        return f"params = tensor([{spec['w']:g}, {spec['b']:g}], {kind})"
    inner = f"tensor({spec['w']:g}), tensor({spec['b']:g})"
    return f"params = {'(' if form == 'tuple' else '['}{inner}{')' if form == 'tuple' else ']'}" \
           f" ({kind})"


def data_words(case) -> tuple[str, str]:
    d = case["data"]
    layout_en, layout_zh = irr.WORDS.get(d.get("layout", "contiguous"), ("", ""))
    source = "thermometer" if d.get("source", "thermometer") == "thermometer" else "random"
    grads = [name for name in ("t_u", "t_c") if case.get(f"{name}_grad")]
    extra = f", {' and '.join(grads)} requiring grad" if grads else ""
    zh_extra = f",{' 和 '.join(grads)} 需要梯度" if grads else ""
    return (f"{d['n']} {source} readings, {d['dtype']} {layout_en}tensors{extra}",
            f"{d['n']} 个{'温度计' if source == 'thermometer' else '随机'}读数,{d['dtype']} "
            f"{layout_zh}张量{zh_extra}")


# --- calc_forward ---------------------------------------------------------------------------------


def thermo(n=11, dtype="float32", seed=0, layout="contiguous", source="thermometer"):
    return {"seed": seed, "n": n, "dtype": dtype, "layout": layout, "source": source}


def pair(w, b, form="tensor", dtype="float32"):
    return {"form": form, "w": w, "b": b, "dtype": dtype}


FORWARD_EXAMPLES = [
    # the articles' case: the thermometer, params a tensor of two, recording on and off
    {"seed": 0, "data": thermo(), "params": pair(2.0, -3.0), "is_train": True, "outer": True},
    {"seed": 1, "data": thermo(seed=1), "params": pair(2.0, -3.0), "is_train": False,
     "outer": True},
    # inside the caller's own `torch.no_grad()`: is_train=True records all the same
    {"seed": 2, "data": thermo(seed=2), "params": pair(5.0, -17.0), "is_train": True,
     "outer": False},
    {"seed": 3, "data": thermo(seed=3), "params": pair(5.0, -17.0), "is_train": False,
     "outer": False},
    # t_u that requires grad (an input computed by another part of a model): no graph still
    {"seed": 4, "data": thermo(seed=4), "params": pair(1.0, 0.5), "is_train": False,
     "outer": True, "t_u_grad": True},
    # float64, sliced readings, params as a list of two 0-dim tensors, t_c requiring grad
    {"seed": 5, "data": thermo(9, "float64", 5, "sliced"), "params": pair(3.0, 1.0, "list",
                                                                            "float64"),
     "is_train": True, "outer": True, "t_c_grad": True},
    # float16 readings with float32 params in a tuple (the loss is float16), t_c requiring grad
    {"seed": 6, "data": thermo(11, "float16", 6), "params": pair(4.0, -8.0, "tuple"),
     "is_train": False, "outer": False, "t_c_grad": True},
    # bfloat16 random readings inside no_grad, training; a batch of one reading
    {"seed": 7, "data": thermo(7, "bfloat16", 7, source="random"),
     "params": pair(-2.0, 3.0, "tensor", "bfloat16"), "is_train": True, "outer": False},
    {"seed": 8, "data": thermo(1, "float32", 8), "params": pair(0.5, 2.0, "list"),
     "is_train": True, "outer": True, "t_u_grad": True},
]

FORWARD_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "data": st.fixed_dictionaries({
        "seed": irr.seeds(), "n": st.integers(1, 11), "dtype": irr.float_dtypes(),
        "layout": st.sampled_from(["contiguous", "sliced"]),
        "source": st.sampled_from(["thermometer", "random"]),
    }),
    "params": st.fixed_dictionaries({
        "form": st.sampled_from(["tensor", "list", "tuple"]),
        "w": st.floats(-10, 10).map(lambda v: round(v, 3)),
        "b": st.floats(-20, 20).map(lambda v: round(v, 3)),
        "dtype": st.sampled_from(["float32", "float64"]),
    }),
    "is_train": st.booleans(),
    "outer": st.booleans(),
    "t_u_grad": st.booleans(),
    "t_c_grad": st.booleans(),
})


@observe(examples=FORWARD_EXAMPLES, draw=FORWARD_CASES)
def forward(kata, case):
    """calc_forward inside the caller's grad mode: the loss, what autograd saved for backward
    during the call, the grad mode it left, and the gradients a backward gives."""
    with one_thread():
        return forward_once(kata, case)


def forward_once(kata, case):
    t_u, t_c = readings(case)
    params, leaves = parameters(case["params"])
    before = [t.detach().clone() for t in (t_u, t_c, *leaves)]
    with torch.set_grad_enabled(bool(case["outer"])):
        with SavedTensorLog() as log:
            loss = kata.calc_forward(t_u, t_c, params, bool(case["is_train"]))
        mode_after = torch.is_grad_enabled()
    seen = {"loss": small(loss), "saved": log.count, "mode_after": mode_after,
            "unchanged": [t.shape == b.shape and torch.equal(t.detach(), b)
                          for t, b in zip((t_u, t_c, *leaves), before)],
            "leaves": [p.requires_grad and p.is_leaf for p in leaves]}
    if isinstance(loss, torch.Tensor) and loss.requires_grad:
        try:
            loss.sum().backward()
        except RuntimeError as err:
            seen["backward"] = first_line(err)
        else:
            seen["grads"] = [p.grad for p in leaves]
            seen["t_u_grad"] = t_u.grad if t_u.requires_grad else None
            seen["t_c_grad"] = t_c.grad if t_c.requires_grad else None
    return seen


def forward_call(case) -> str:
    en, _ = data_words(case)
    where = "" if case["outer"] else "with torch.no_grad(): "
    return (f"{where}calc_forward(t_u, t_c, {params_words(case['params'])}, "
            f"is_train={bool(case['is_train'])}) on {en}")


def exact_loss(case):
    """What is right, from the case: the loss's dtype (what `loss_fn(model(t_u, *params), t_c)`
    gives), its value in float64 from the very values handed over, how far a computation in
    that dtype may round it, and the float64 pieces the gradient checks need."""
    t_u, t_c = readings(case)
    params, leaves = parameters(case["params"])
    w_t, b_t = params
    with torch.no_grad():
        kind = ((w_t * t_u + b_t - t_c) ** 2).mean().dtype
    u, c = t_u.detach().double(), t_c.detach().double()
    w, b = float(w_t.detach()), float(b_t.detach())
    r = w * u + b - c
    loss = float((r ** 2).mean())
    e = max(eps(kind), eps(leaves[0].dtype) if kind != leaves[0].dtype else 0.0)
    size = (w * u).abs() + abs(b) + c.abs()  # what each residual is rounded against
    bound = 2 * float((6 * e * r.abs() * size + 9 * e * e * size ** 2).mean()) + \
        2 * (len(u) + 3) * e * loss
    return {"dtype": kind, "loss": loss, "bound": bound, "u": u, "c": c, "w": w, "b": b, "r": r,
            "size": size, "eps": e, "n": len(u)}


def check_loss(case, seen):
    """The loss a call returned, when it is the mean squared error of this case in the dtype the
    inputs give; otherwise a failure that says what it is."""
    call = forward_call(case)
    want = exact_loss(case)
    loss = field(seen, "loss", call)
    expected = torch.tensor(want["loss"], dtype=torch.float64).to(want["dtype"])
    if not isinstance(loss, Seen):
        if isinstance(loss, float) or (isinstance(loss, Other) and loss.value is not None):
            fail("calc_forward returned a Python number: the loss must stay a tensor, or with "
                 "is_train=True there is nothing to call `backward()` on. Return "
                 "`loss_fn(model(t_u, *params), t_c)` itself, not its `.item()`.",
                 "calc_forward 返回了一个 Python 数:损失必须保持为张量,否则 is_train=True 时没有"
                 "东西可以调用 `backward()`。请直接返回 `loss_fn(model(t_u, *params), t_c)`,"
                 "不要取 `.item()`。", call=call, got=shown(loss), expected=expected, kata=KATA)
        fail("calc_forward must return the loss, a 0-dim tensor.",
             "calc_forward 必须返回损失,一个 0 维张量。", call=call, got=shown(loss),
             expected=expected, kata=KATA)
    got = read(loss)
    if got is None:
        fail("the loss could not be read back as a tensor.", "无法把损失读回为张量。",
             call=call, got=shown(loss), kata=KATA)
    if got.shape != ():
        if got.shape == (want["n"],) and close(got.double(), want["r"] ** 2, rtol=1e-2,
                                               atol=want["bound"] + 1e-3):
            fail(f"the loss is one squared difference per reading, shape {tuple(got.shape)}, not "
                 f"their mean: `loss_fn` takes the mean, a single number. Return "
                 f"`loss_fn(model(t_u, *params), t_c)`.",
                 f"损失是每个读数的平方差,形状为 {tuple(got.shape)},而不是它们的平均:`loss_fn` "
                 f"会取平均,得到一个数。请返回 `loss_fn(model(t_u, *params), t_c)`。",
                 call=call, got=loss, expected=expected, kata=KATA)
        fail(f"the loss must be a 0-dim tensor (one number), not of shape {tuple(got.shape)}.",
             f"损失必须是 0 维张量(一个数),而不是形状 {tuple(got.shape)}。",
             call=call, got=loss, expected=expected, kata=KATA)
    if got.dtype != want["dtype"]:
        name = str(want["dtype"]).replace("torch.", "")
        fail(f"the loss is {loss.dtype_name}, where `loss_fn(model(t_u, *params), t_c)` gives "
             f"{name} for these inputs: it was converted on the way (`.float()`, `.double()`, "
             f"`torch.tensor(...)` of its value). Keep the dtype the computation gives.",
             f"损失是 {loss.dtype_name},而对这些输入 `loss_fn(model(t_u, *params), t_c)` 给出的是 "
             f"{name}:中途被转换了(`.float()`、`.double()`、对它的值 `torch.tensor(...)`)。"
             f"请保持计算本身给出的 dtype。", call=call, got=loss, expected=expected, kata=KATA)
    value = float(got.double())
    if abs(value - want["loss"]) <= want["bound"] or (math.isnan(value) and math.isnan(
            want["loss"])):
        return loss
    cause = diagnose.matching(diagnose.ratio(torch.tensor([value]), torch.tensor([want["loss"]])),
                              [(float(want["n"]), (
                                  f"the loss is {want['n']} times the mean squared error: the "
                                  f"squared differences were summed, not averaged. `loss_fn` "
                                  f"takes their mean.",
                                  f"损失是均方误差的 {want['n']} 倍:平方差被求和了,而不是取平均。"
                                  f"`loss_fn` 取的是平均。"))] if want["n"] > 1 else [], rtol=1e-3)
    if cause is not None:
        fail(*cause, call=call, got=loss, expected=expected, kata=KATA)
    swapped = float(((want["b"] * want["u"] + want["w"] - want["c"]) ** 2).mean())
    if want["w"] != want["b"] and abs(value - swapped) <= 1e-3 * abs(swapped) + want["bound"]:
        fail("the loss is that of `b * t_u + w`: w and b were taken the wrong way round. "
             "`params` holds `w` first: `model(t_u, *params)`.",
             "损失是 `b * t_u + w` 的:w 和 b 的顺序颠倒了。`params` 里先是 `w`:"
             "`model(t_u, *params)`。", call=call, got=loss, expected=expected, kata=KATA)
    en, zh = data_words(case)
    fail(f"the loss is not the mean squared error of `w * t_u + b` against `t_c` on {en}: off by "
         f"{abs(value - want['loss']):.3g}, more than rounding in "
         f"{str(want['dtype']).replace('torch.', '')} gives ({want['bound']:.2g}).",
         f"在{zh}上,损失不等于 `w * t_u + b` 与 `t_c` 的均方误差:相差 "
         f"{abs(value - want['loss']):.3g},超出了 {str(want['dtype']).replace('torch.', '')} 的"
         f"舍入误差({want['bound']:.2g})。", call=call, got=loss, expected=expected, kata=KATA)


@settings(max_examples=15)
@claim(forward)
def test_calc_forward_gives_the_mean_squared_error(case, seen):
    check_loss(case, seen)


@settings(max_examples=15)
@claim(forward)
def test_calc_forward_records_no_graph_when_not_training(case, seen):
    loss = check_loss(case, seen)
    if case["is_train"]:
        return
    call = forward_call(case)
    if loss.requires_grad or loss.grad_fn is not None:
        grads = seen.get("grads")
        inputs_reached = [name for name in ("t_u", "t_c") if isinstance(seen.get(f"{name}_grad"),
                                                                         Seen)]
        if isinstance(grads, list) and grads and all(g is None for g in grads) and inputs_reached:
            which = "which require" if len(inputs_reached) > 1 else "which requires"
            fail(f"with is_train=False the loss still carries a graph: a backward through it "
                 f"reaches {' and '.join(inputs_reached)} ({which} grad), not the params. "
                 f"The params were cut out (`.detach()`, `requires_grad_(False)`), but "
                 f"recording was never switched off, so every input that requires grad is still "
                 f"recorded. Switch recording off: "
                 f"`with torch.set_grad_enabled(is_train):`.",
                 f"is_train=False 时损失仍然带着计算图:对它反向传播能到达 "
                 f"{' 和 '.join(inputs_reached)}(它们需要梯度),而到不了 params。params 被切了出去"
                 f"(`.detach()`、`requires_grad_(False)`),但记录从未关闭,所以每个需要梯度的输入仍被记录。请关闭记录:"
                 f"`with torch.set_grad_enabled(is_train):`。",
                 call=call, got=f"requires_grad=True, grad_fn={loss.grad_fn}",
                 expected="requires_grad=False, grad_fn=None", kata=KATA)
        if not case["outer"]:
            fail("with is_train=False, inside the caller's `torch.no_grad()`, the loss carries a "
                 "graph: calc_forward switched recording on, where both the flag and the caller "
                 "said off. `with torch.set_grad_enabled(is_train):` records exactly when "
                 "is_train is true.",
                 "在调用方的 `torch.no_grad()` 里、is_train=False 时,损失却带着计算图:calc_forward "
                 "打开了记录,而标志和调用方都说要关闭。`with torch.set_grad_enabled(is_train):` "
                 "恰好在 is_train 为真时记录。",
                 call=call, got=f"requires_grad=True, grad_fn={loss.grad_fn}",
                 expected="requires_grad=False, grad_fn=None", kata=KATA)
        fail("with is_train=False the loss requires grad: it carries a graph, which holds on "
             "to every tensor the backward would need, for a backward that never comes. "
             "Compute it with recording off (`with torch.set_grad_enabled(is_train):`).",
             "is_train=False 时损失需要梯度:它带着计算图,图会一直占着反向传播所需的张量,而反向传播"
             "根本不会发生。请在关闭记录的情况下计算(`with torch.set_grad_enabled(is_train):`)。",
             call=call, got=f"requires_grad=True, grad_fn={loss.grad_fn}",
             expected="requires_grad=False, grad_fn=None", kata=KATA)
    saved = seen.get("saved")
    expect(saved == 0,
           "a graph was built and then thrown away: autograd saved tensors for backward during "
           "the call, so the memory and time were spent anyway (`.detach()` at the end hides the "
           "graph, it does not avoid it). Switch recording off before the forward pass.",
           "计算图先建好又被丢掉了:调用过程中 autograd 为反向传播保存了张量,内存和时间照样花了"
           "(最后 `.detach()` 只是把图藏起来,并没有避免它)。请在前向计算之前关闭记录。",
           call=call, got=f"{shown(saved)} tensors saved for backward", expected="none",
           kata=KATA)


def check_grad(name, got, want, bound, call):
    value = read(got)
    if value is None or value.shape != want.shape:
        fail(f"after `loss.backward()`, {name} holds no gradient of the right shape: the graph "
             f"does not reach it.",
             f"`loss.backward()` 之后,{name} 没有形状正确的梯度:计算图没有到达它。",
             call=call + "; loss.backward()", got=shown(got), expected=want, kata=KATA)
    off = (value.double() - want).abs()
    if not bool((off <= bound).all()):
        fail(f"the gradient of the training loss with respect to {name} is wrong: off by "
             f"{float(off.max()):.3g}, more than rounding gives ({float(bound.max()):.2g}).",
             f"训练损失对 {name} 的梯度不对:相差 {float(off.max()):.3g},超出了舍入误差"
             f"({float(bound.max()):.2g})。",
             call=call + "; loss.backward()", got=got, expected=want, kata=KATA)


@settings(max_examples=15)
@claim(forward)
def test_calc_forward_records_a_graph_when_training(case, seen):
    loss = check_loss(case, seen)
    if not case["is_train"]:
        return
    call = forward_call(case)
    if not (loss.requires_grad and loss.grad_fn is not None):
        if not case["outer"]:
            fail("inside the caller's `torch.no_grad()`, is_train=True recorded nothing: the "
                 "loss has no graph, and the training step has nothing to backpropagate. "
                 "calc_forward left the training branch to the caller's mode; "
                 "`with torch.set_grad_enabled(is_train):` switches recording on for "
                 "is_train=True as well as off for False, whatever the caller had.",
                 "在调用方的 `torch.no_grad()` 里,is_train=True 却什么都没有记录:损失没有计算图,"
                 "训练步骤没有东西可反向传播。calc_forward 让训练分支沿用了调用方的模式;"
                 "`with torch.set_grad_enabled(is_train):` 在 is_train=True 时打开记录、为 False 时"
                 "关闭,不管调用方原来是什么模式。",
                 call=call, got=f"requires_grad={loss.requires_grad}, grad_fn={loss.grad_fn}",
                 expected="requires_grad=True, a grad_fn", kata=KATA)
        fail("with is_train=True the loss must carry its graph (requires_grad, a grad_fn), or "
             "the training step has nothing to backpropagate. Record the graph when `is_train` "
             "is true: `with torch.set_grad_enabled(is_train): ...`.",
             "is_train=True 时损失必须带着计算图(requires_grad、grad_fn),否则训练步骤没有东西可"
             "反向传播。`is_train` 为真时要记录计算图:`with torch.set_grad_enabled(is_train): ...`。",
             call=call, got=f"requires_grad={loss.requires_grad}, grad_fn={loss.grad_fn}",
             expected="requires_grad=True, a grad_fn", kata=KATA)
    if "backward" in seen:
        fail(f"`loss.backward()` on the loss of is_train=True raised: {shown(seen['backward'])}",
             f"对 is_train=True 的损失调用 `loss.backward()` 时出错:{shown(seen['backward'])}",
             call=call + "; loss.backward()", kata=KATA)
    want = exact_loss(case)
    u, r, size, e, n = want["u"], want["r"], want["size"], want["eps"], want["n"]
    g_w, g_b = (2 * r * u).mean(), (2 * r).mean()
    b_w = 4 * float((6 * e * size * u.abs() + 4 * e * (2 * r * u).abs()).mean()) + 1e-30
    b_b = 4 * float((6 * e * size + 4 * e * (2 * r).abs()).mean()) + 1e-30
    grads = field(seen, "grads", call)
    if not isinstance(grads, list):
        malformed("grads", call)
    form = case["params"].get("form", "tensor")
    if form == "tensor":
        if len(grads) != 1:
            malformed("grads", call)
        check_grad("params", grads[0], torch.stack([g_w, g_b]),
                   torch.tensor([b_w, b_b], dtype=torch.float64), call)
    else:
        if len(grads) != 2:
            malformed("grads", call)
        check_grad("w", grads[0], g_w, torch.tensor(b_w, dtype=torch.float64), call)
        check_grad("b", grads[1], g_b, torch.tensor(b_b, dtype=torch.float64), call)
    w = want["w"]
    if case.get("t_u_grad"):
        check_grad("t_u", seen.get("t_u_grad"), 2 * r * w / n,
                   4 * (6 * e * size * abs(w) + 4 * e * (2 * r * w).abs()) / n + 1e-30, call)
    if case.get("t_c_grad"):
        check_grad("t_c", seen.get("t_c_grad"), -2 * r / n,
                   4 * (6 * e * size + 4 * e * (2 * r).abs()) / n + 1e-30, call)


@settings(max_examples=10)
@claim(forward)
def test_calc_forward_leaves_autograd_and_its_inputs_as_they_were(case, seen):
    check_loss(case, seen)
    call = forward_call(case)
    leaves = seen.get("leaves")
    if leaves != [True] * len(parameters(case["params"])[1]):
        fail("after the call the params are no longer leaves that require grad: calc_forward "
             "changed them (`requires_grad_(False)`, `.detach_()`) to avoid a graph, and the "
             "next training step has no gradient to compute. Leave the params alone and "
             "switch recording off instead: `with torch.set_grad_enabled(is_train):`.",
             "调用之后 params 不再是需要梯度的叶子张量:calc_forward 为了不建计算图而改动了它们"
             "(`requires_grad_(False)`、`.detach_()`),下一个训练步骤就算不出梯度了。请不要动 "
             "params,改为关闭记录:`with torch.set_grad_enabled(is_train):`。",
             call=call, got=f"requires grad and leaf: {shown(leaves)}", expected="all True",
             kata=KATA)
    unchanged = seen.get("unchanged")
    if not (isinstance(unchanged, list) and len(unchanged) >= 2 and all(
            v is True for v in unchanged)):
        names = ["t_u", "t_c", "params"]
        changed = [names[min(i, 2)] for i, v in enumerate(
            unchanged if isinstance(unchanged, list) else []) if v is not True]
        fail(f"calc_forward changed its inputs ({', '.join(dict.fromkeys(changed)) or '?'}): "
             f"computing a loss must leave the readings and the params as they were (no "
             f"in-place `*=`, `-=`, `sub_` on them).",
             f"calc_forward 改变了它的输入({', '.join(dict.fromkeys(changed)) or '?'}):计算损失"
             f"必须让读数和 params 保持原样(不要对它们原地 `*=`、`-=`、`sub_`)。",
             call=call, kata=KATA)
    call += "; torch.is_grad_enabled()"
    after, outer, train = seen.get("mode_after"), bool(case["outer"]), bool(case["is_train"])
    if after is outer:
        return
    shown_after, shown_outer = shown(after), str(outer)
    if outer and after is False:
        fail("autograd is still switched off after the call: `torch.set_grad_enabled(False)` "
             "called as a plain statement switches recording off for the whole program, and "
             "the next training step silently records nothing. Use it as a context manager, "
             "`with torch.set_grad_enabled(is_train):`, which restores the mode on the way out.",
             "调用结束后 autograd 仍然是关闭的:把 `torch.set_grad_enabled(False)` 当普通语句调用,"
             "会对整个程序关闭记录,之后的训练步骤悄悄地什么都不记录。请把它当作上下文管理器使用:"
             "`with torch.set_grad_enabled(is_train):`,离开时会恢复原来的模式。",
             call=call, got=shown_after, expected=shown_outer, kata=KATA)
    if not outer and after is True and not train:
        fail("autograd is switched on after the call, where the caller had it off (inside its "
             "`torch.no_grad()`), and is_train was False: the mode was put back to True, a "
             "constant, not to what it was. The rest of the caller's block now records a graph "
             "it never asked for. `with torch.set_grad_enabled(is_train):` restores the "
             "caller's own mode on the way out.",
             "调用方原本关闭了 autograd(在它的 `torch.no_grad()` 里),is_train 也是 False,调用结束后"
             "autograd 却是打开的:模式被恢复成了常量 True,而不是原来的样子。调用方块里余下的代码会记录"
             "它从未要求的计算图。`with torch.set_grad_enabled(is_train):` 离开时会恢复调用方自己的模式。",
             call=call, got=shown_after, expected=shown_outer, kata=KATA)
    if not outer and after is True:
        fail("autograd is switched on after the call, where the caller had it off (inside its "
             "`torch.no_grad()`): the mode was left at is_train (a plain "
             "`torch.set_grad_enabled(is_train)` statement) or put back to True, a constant, "
             "not to what it was. The rest of the caller's block now records a graph it never "
             "asked for. `with torch.set_grad_enabled(is_train):` restores the caller's own "
             "mode on the way out.",
             "调用方原本关闭了 autograd(在它的 `torch.no_grad()` 里),调用结束后 autograd 却是打开"
             "的:模式被留在了 is_train(普通语句 `torch.set_grad_enabled(is_train)`),或者被恢复成了"
             "常量 True,而不是原来的样子。调用方块里余下的代码会记录它从未要求的计算图。"
             "`with torch.set_grad_enabled(is_train):` 离开时会恢复调用方自己的模式。",
             call=call, got=shown_after, expected=shown_outer, kata=KATA)
    fail("calc_forward left autograd switched otherwise than the caller had it: leave it as it "
         "was (`with torch.set_grad_enabled(is_train):` restores it on the way out).",
         "calc_forward 改变了调用方的 autograd 开关:请保持原样(`with torch.set_grad_enabled"
         "(is_train):` 离开时会恢复)。", call=call, got=shown_after, expected=shown_outer,
         kata=KATA)


# --- training_loop --------------------------------------------------------------------------------

N_VAL = 3  # readings kept for validation (8 train): a length no other tensor of the loop has
MAX_STEPS = 300


def loop_data(case):
    """(train_t_u, val_t_u, train_t_c, val_t_c): the thermometer split by `seed`, t_u scaled."""
    t_u, t_c = thermometer()
    order = torch.randperm(len(t_u), generator=torch.Generator().manual_seed(int(case["seed"])))
    kind = irr.dtype(case.get("dtype", "float32"))
    t_u, t_c = (0.1 * t_u.double()).to(kind), t_c.double().to(kind)
    train, val = order[:-N_VAL], order[-N_VAL:]
    return t_u[train], t_u[val], t_c[train], t_c[val]


def make_optimizer(spec, leaves):
    """The case's optimizer: SGD (with momentum) or Adam, one param group, or one per tensor
    with the lrs of `lrs`."""
    lr = float(spec["lr"])
    groups = [{"params": list(leaves)}]
    if spec.get("lrs") and len(leaves) == len(spec["lrs"]):
        groups = [{"params": [p], "lr": float(g)} for p, g in zip(leaves, spec["lrs"])]
    if spec["kind"] == "Adam":
        return torch.optim.Adam(groups, lr=lr)
    return torch.optim.SGD(groups, lr=lr, momentum=float(spec.get("momentum", 0.0)))


def optimizer_words(spec) -> str:
    extra = f", momentum={spec['momentum']}" if spec.get("momentum") else ""
    groups = f", a group per tensor with lrs {spec['lrs']}" if spec.get("lrs") else ""
    return f"{spec['kind']}(lr={spec['lr']}{extra}{groups})"


def loop_params(case):
    params, leaves = parameters({**case["params"], "dtype": case.get("dtype", "float32")})
    for leaf, g in zip(leaves, case.get("pregrad") or []):
        leaf.grad = torch.tensor(g, dtype=leaf.dtype).reshape(leaf.shape)
    return params, leaves


def flat(tensors) -> list[list[float]]:
    return [t.detach().double().reshape(-1).tolist() for t in tensors]


@observe(examples=[
    # the articles' case: SGD(lr=1e-2), 100 epochs, params a tensor of two starting at [1, 0]
    {"seed": 0, "dtype": "float32", "n_epochs": 100, "optimizer": {"kind": "SGD", "lr": 0.01},
     "params": {"form": "tensor", "w": 1.0, "b": 0.0}},
    # Adam, whose step depends on every gradient before it
    {"seed": 1, "dtype": "float32", "n_epochs": 60, "optimizer": {"kind": "Adam", "lr": 0.1},
     "params": {"form": "tensor", "w": 1.0, "b": 0.0}},
    # gradients held before the call (a check, a backward before), SGD with momentum
    {"seed": 2, "dtype": "float32", "n_epochs": 20,
     "optimizer": {"kind": "SGD", "lr": 0.004, "momentum": 0.9},
     "params": {"form": "tensor", "w": 2.0, "b": -1.0}, "pregrad": [[50.0, -30.0]]},
    # no epoch at all, and a single one (Adam, gradients held before)
    {"seed": 3, "dtype": "float32", "n_epochs": 0, "optimizer": {"kind": "SGD", "lr": 0.01},
     "params": {"form": "tensor", "w": 1.0, "b": 0.0}},
    {"seed": 4, "dtype": "float32", "n_epochs": 1, "optimizer": {"kind": "Adam", "lr": 0.1},
     "params": {"form": "tuple", "w": 0.5, "b": 2.0}, "pregrad": [[3.0], [-4.0]]},
    # float64, params a list of two 0-dim tensors, a param group per tensor with its own lr
    {"seed": 5, "dtype": "float64", "n_epochs": 30,
     "optimizer": {"kind": "SGD", "lr": 0.01, "lrs": [0.01, 0.02]},
     "params": {"form": "list", "w": 1.5, "b": -2.0}, "pregrad": [[1.0], [2.0]]},
], draw=st.fixed_dictionaries({
    "seed": irr.seeds(),
    "dtype": st.sampled_from(["float32", "float64"]),
    "n_epochs": st.integers(0, 25),
    "optimizer": st.one_of(
        st.fixed_dictionaries({"kind": st.just("SGD"), "lr": st.sampled_from([0.002, 0.01, 0.02]),
                               "momentum": st.sampled_from([0.0, 0.9])}),
        st.fixed_dictionaries({"kind": st.just("Adam"), "lr": st.sampled_from([0.01, 0.1])}),
    ),
    "params": st.fixed_dictionaries({"form": st.sampled_from(["tensor", "list", "tuple"]),
                                     "w": st.sampled_from([-1.0, 0.5, 1.0, 4.0]),
                                     "b": st.sampled_from([-3.0, 0.0, 2.5])}),
    "pregrad": st.one_of(st.none(), st.just("held")),
}).map(lambda c: {**c, "pregrad": None if c["pregrad"] is None else (
    [[7.0, -5.0]] if c["params"]["form"] == "tensor" else [[7.0], [-5.0]])}))
def trained(kata, case):
    """training_loop on the thermometer split: every step any optimizer took (whether it is the
    one given, the gradients it found, the params after it), the params at the end, what it
    returned, and the shapes of what autograd saved for backward during the loop."""
    with one_thread():
        return training_run(kata, case)


def training_run(kata, case):
    data = loop_data(case)
    params, leaves = loop_params(case)
    optimizer = make_optimizer(case["optimizer"], leaves)
    steps = []

    def after_step(opt, args, kwargs):
        if len(steps) < MAX_STEPS:
            group = opt.param_groups[0] if opt.param_groups else {}
            steps.append([opt is optimizer, type(opt).__name__, group.get("lr"),
                          [None if p.grad is None else p.grad.detach().double().reshape(-1)
                           .tolist() for p in leaves], flat(leaves)])

    handle = register_optimizer_step_post_hook(after_step)
    try:
        with SavedTensorLog() as log:
            result = kata.training_loop(int(case["n_epochs"]), optimizer, params, *data)
    finally:
        handle.remove()
    seen = {"steps": steps, "final": flat(leaves),
            "val_saved": log.saves(data[1]) or log.saves(data[3]),
            "saved_shapes": sorted({tuple(s.shape) for s in log.saved})[:50],
            "result_type": type(result).__name__}
    if isinstance(result, (tuple, list)) and len(result) == 2:
        returned, history = result
        seen["same_params"] = returned is params
        seen["swapped"] = history is params
        seen["returned"] = small(returned) if isinstance(returned, torch.Tensor) else \
            type(returned).__name__
        seen["history_type"] = type(history).__name__
        if isinstance(history, (list, tuple)):
            seen["history"] = [small(entry, 16) for entry in list(history)[:MAX_STEPS]]
            seen["history_len"] = len(history)
    return seen


def loop_call(case) -> str:
    spec = {**case["params"], "dtype": case.get("dtype", "float32")}
    held = ", .grad already held" if case.get("pregrad") else ""
    return (f"training_loop({case['n_epochs']}, {optimizer_words(case['optimizer'])}, "
            f"{params_words(spec)}{held}, ...thermometer split {case['seed']}, "
            f"{case.get('dtype', 'float32')}...)")


class Replay:
    """The judge's own view of a training run: the data in float64, the losses and gradients at
    any params, and an optimizer of the case's kind to step a mirror of the params."""

    def __init__(self, case):
        self.case = case
        self.kind = irr.dtype(case.get("dtype", "float32"))
        data = [t.double() for t in loop_data(case)]
        self.train = (data[0], data[2])
        self.val = (data[1], data[3])
        self.tensor_form = case["params"].get("form", "tensor") == "tensor"
        start = parameters({**case["params"], "dtype": case.get("dtype", "float32")})[1]
        self.start = flat(start)
        self.mirror = [p.detach().clone().requires_grad_() for p in start]
        self.optimizer = make_optimizer(case["optimizer"], self.mirror)

    def wb(self, p) -> tuple[float, float]:
        return (p[0][0], p[0][1]) if self.tensor_form else (p[0][0], p[1][0])

    def shaped(self, gw, gb) -> list[list[float]]:
        return [[gw, gb]] if self.tensor_form else [[gw], [gb]]

    def loss(self, p, which) -> float:
        u, c = self.train if which == "train" else self.val
        w, b = self.wb(p)
        return float(((w * u + b - c) ** 2).mean())

    def grad(self, p, which) -> list[list[float]]:
        u, c = self.train if which == "train" else self.val
        w, b = self.wb(p)
        r = w * u + b - c
        return self.shaped(float((2 * r * u).mean()), float((2 * r).mean()))

    def loss_bound(self, p, which) -> float:
        u, c = self.train if which == "train" else self.val
        w, b = self.wb(p)
        r = w * u + b - c
        size = (w * u).abs() + abs(b) + c.abs()
        e = eps(self.kind)
        return 4 * float((6 * e * r.abs() * size + 9 * e * e * size ** 2).mean()) + \
            4 * (len(u) + 3) * e * float((r ** 2).mean()) + 1e-300

    def step(self, pre, grads) -> list[list[float]]:
        """What the case's optimizer does from `pre` with `grads` (its state carried along)."""
        with torch.no_grad():
            for t, v, g in zip(self.mirror, pre, grads):
                t.copy_(torch.tensor(v, dtype=torch.float64).reshape(t.shape))
                t.grad = torch.tensor(g, dtype=torch.float64).to(t.dtype).reshape(t.shape)
        self.optimizer.step()
        return flat(self.mirror)


def as_floats(value) -> list[list[float]] | None:
    """A list of lists of numbers, as the observer sends params and gradients, or None."""
    if not isinstance(value, list) or not all(
            isinstance(v, list) and all(type(x) in (int, float) for x in v) for v in value):
        return None
    return value


def near(a, b, scale: float, rtol: float) -> bool:
    if a is None or b is None or len(a) != len(b):
        return False
    return all(len(x) == len(y) and all(abs(p - q) <= rtol * scale for p, q in zip(x, y))
               for x, y in zip(a, b))


def plus(a, b, k: float = 1.0) -> list[list[float]]:
    return [[x + k * y for x, y in zip(p, q)] for p, q in zip(a, b)]


def size_of(*vectors) -> float:
    return max([abs(x) for v in vectors if v for p in v for x in p] + [1e-12])


def rtol_of(case) -> float:
    return 1e-9 if case.get("dtype") == "float64" else 2e-4


def steps_of(case, seen):
    """The steps observed (each [given?, type, lr, grads, params after]) and the final params,
    checked for shape: the given optimizer's steps, the others', the final params."""
    call = loop_call(case)
    steps = field(seen, "steps", call)
    final = as_floats(field(seen, "final", call))
    if not isinstance(steps, list) or final is None:
        malformed("steps", call)
    for s in steps:
        if not (isinstance(s, list) and len(s) == 5 and type(s[0]) is bool
                and (s[3] is None or isinstance(s[3], list)) and as_floats(s[4]) is not None):
            malformed("steps", call)
    return [s for s in steps if s[0]], [s for s in steps if not s[0]], final


def check_count(case, given, final, replay, call):
    """One step of the given optimizer per epoch, or a failure that says how many, and how."""
    n = int(case["n_epochs"])
    moved = not near(final, replay.start, size_of(final, replay.start), 0.0)
    if len(given) != n:
        shown_count = dict(call=call, got=f"{len(given)} optimizer steps",
                           expected=f"{n} (one per epoch)", kata=KATA)
        if not given and moved:
            fail("the params moved, but `optimizer.step()` was never called: they were updated "
                 "by hand, and the optimizer given (its kind, lr and state) was ignored. Each "
                 "epoch: `optimizer.zero_grad()`, `train_loss.backward()`, `optimizer.step()`.",
                 "params 变了,但从未调用 `optimizer.step()`:它们是手动更新的,传入的优化器(种类、"
                 "学习率和状态)被忽略了。每个 epoch:`optimizer.zero_grad()`、"
                 "`train_loss.backward()`、`optimizer.step()`。", **shown_count)
        if not given:
            fail("`optimizer.step()` was never called: the params never moved. Each epoch: "
                 "`optimizer.zero_grad()`, `train_loss.backward()`, `optimizer.step()`.",
                 "从未调用 `optimizer.step()`:params 根本没动。每个 epoch:"
                 "`optimizer.zero_grad()`、`train_loss.backward()`、`optimizer.step()`。",
                 **shown_count)
        if len(given) == n + 1:
            fail(f"the loop made {n + 1} steps for n_epochs={n}: `range(n_epochs + 1)` (the "
                 f"articles' loop) runs one epoch too many. One step per epoch, n_epochs in all: "
                 f"`range(1, n_epochs + 1)` or `range(n_epochs)`.",
                 f"n_epochs={n} 时循环走了 {n + 1} 步:`range(n_epochs + 1)`(文章里的循环)多跑了一个 "
                 f"epoch。每个 epoch 一步,一共 n_epochs 步:`range(1, n_epochs + 1)` 或 "
                 f"`range(n_epochs)`。", **shown_count)
        if len(given) == n - 1:
            fail(f"the loop made {n - 1} steps for n_epochs={n}: `range(1, n_epochs)` stops one "
                 f"epoch short. One step per epoch, n_epochs in all: `range(1, n_epochs + 1)`.",
                 f"n_epochs={n} 时循环只走了 {n - 1} 步:`range(1, n_epochs)` 少跑了一个 epoch。"
                 f"每个 epoch 一步,一共 n_epochs 步:`range(1, n_epochs + 1)`。", **shown_count)
        fail(f"the loop made {len(given)} optimizer steps for n_epochs={n}: one step per epoch.",
             f"n_epochs={n} 时循环走了 {len(given)} 步:每个 epoch 应当走一步。", **shown_count)


def check_training(case, seen):
    """The run's steps, checked one by one; returns the params before each step of the given
    optimizer and after the last (p_0 ... p_n), or fails saying what went wrong where."""
    call = loop_call(case)
    n = int(case["n_epochs"])
    replay = Replay(case)
    given, others, final = steps_of(case, seen)
    want = optimizer_words(case["optimizer"])
    if others:
        kind, lr = others[0][1], others[0][2]
        fail(f"training_loop stepped an optimizer of its own ({kind}, "
             f"lr={shown(lr)}), {len(others)} time(s), not the one it was given ({want}): the "
             f"caller chose the kind, the learning rate and the state (momentum, Adam's "
             f"averages) of its optimizer, and they were ignored. Step the `optimizer` passed "
             f"in.",
             f"training_loop 用自己建的优化器({kind},lr={shown(lr)})走了 {len(others)} "
             f"步,而不是传入的那个({want}):调用方选定的优化器种类、学习率和状态(动量、Adam 的"
             f"滑动平均)都被忽略了。请用传入的 `optimizer` 走每一步。",
             call=call, got=f"{len(given)} steps of the given optimizer, {len(others)} of "
                            f"another", expected=f"{n} steps of the given optimizer", kata=KATA)
    check_count(case, given, final, replay, call)
    points = [replay.start]
    rtol = rtol_of(case)
    for k, s in enumerate(given, start=1):
        pre, after = points[-1], as_floats(s[4])
        grads = as_floats(s[3]) if s[3] is not None and all(g is not None for g in s[3]) else None
        right = replay.grad(pre, "train")
        val = replay.grad(pre, "val")
        at = dict(call=call, kata=KATA)
        if grads is None or len(grads) != len(right) or any(
                len(g) != len(r) for g, r in zip(grads, right)):
            fail(f"at step {k}, the optimizer found no gradient in the params (`.grad` is None): "
                 f"`train_loss.backward()` must come between `optimizer.zero_grad()` and "
                 f"`optimizer.step()`.",
                 f"第 {k} 步时,优化器在 params 里找不到梯度(`.grad` 为 None):"
                 f"`train_loss.backward()` 必须在 `optimizer.zero_grad()` 和 `optimizer.step()` "
                 f"之间。", got=shown(s[3]), expected=shown(right), **at)
        scale = size_of(right, val, grads)
        if not near(grads, right, scale, rtol):
            held = [list(map(float, g)) for g in (case.get("pregrad") or [])]
            candidates = [(plus(right, val), (
                f"the gradients of the validation set leaked into the step: at step {k} "
                f"`.grad` held the gradient of the training loss plus that of the validation "
                f"loss, as `val_loss.backward()` adds it onto the training gradient in "
                f"`params.grad` (both losses come from the same params), so the optimizer "
                f"trains on the validation set too. Compute the validation loss under "
                f"`torch.no_grad()` and never call backward on it.",
                f"验证集的梯度漏进了更新步骤:第 {k} 步时 `.grad` 里是训练损失的梯度加上验证损失的梯度,"
                f"因为 `val_loss.backward()` 会把验证梯度加到 `params.grad` 里的训练梯度上(两个损失来自"
                f"同一组 params),于是优化器也在验证集上训练。请在 `torch.no_grad()` 下计算验证损失,"
                f"永远不要对它调用 backward。")),
                (val, (
                    f"at step {k} the optimizer stepped on the gradient of the validation loss, "
                    f"not of the training loss: the two were mixed up. Backpropagate the "
                    f"training loss; the validation loss is only measured.",
                    f"第 {k} 步时优化器用的是验证损失的梯度,而不是训练损失的:两者弄混了。请对训练损失"
                    f"反向传播;验证损失只用来度量。")),
                (plus(right, right), (
                    f"at step {k} `.grad` held twice the training gradient: the training loss was "
                    f"backpropagated twice before the step (a second `backward()`, or the "
                    f"training loss added to itself).",
                    f"第 {k} 步时 `.grad` 里是训练梯度的两倍:更新之前训练损失被反向传播了两次(又一次 "
                    f"`backward()`,或者训练损失被加了两遍)。"))]
            if k == 1 and held and len(held) == len(right):
                candidates.insert(0, (plus(right, held), (
                    "at the first step `.grad` held the training gradient plus the gradient the "
                    "params already held when training_loop was called: it was never cleared "
                    "before `backward()`, which adds onto whatever is there (`zero_grad()` after "
                    "`step()`, at the end of the epoch, comes too late for the first one). Clear "
                    "it before each backward: `optimizer.zero_grad()`, then "
                    "`train_loss.backward()`.",
                    "第一步时 `.grad` 里是训练梯度加上调用 training_loop 时 params 里已有的梯度:在 "
                    "`backward()` 之前从未清零,而 backward 会累加到已有的值上(放在 `step()` 之后、"
                    "epoch 末尾的 `zero_grad()` 对第一步来说太晚了)。请在每次 backward 之前清零:"
                    "先 `optimizer.zero_grad()`,再 `train_loss.backward()`。")))
            if k > 1:
                earlier = as_floats(given[k - 2][3])
                if earlier is not None and len(earlier) == len(right):
                    candidates.insert(0, (plus(right, earlier), (
                        f"at step {k} `.grad` held this step's training gradient plus the "
                        f"previous step's: the gradients were never cleared, and `backward()` "
                        f"adds onto what is there. Clear them before each backward: "
                        f"`optimizer.zero_grad()`.",
                        f"第 {k} 步时 `.grad` 里是这一步的训练梯度加上上一步的:梯度从未清零,而 "
                        f"`backward()` 会累加到已有的值上。请在每次 backward 之前清零:"
                        f"`optimizer.zero_grad()`。")))
            for value, words in candidates:
                if near(grads, value, size_of(value, right), rtol):
                    fail(*words, got=shown(grads), expected=shown(right), **at)
            fail(f"at step {k} `.grad` did not hold the gradient of the training loss at the "
                 f"params of that epoch.",
                 f"第 {k} 步时 `.grad` 里不是该 epoch 的 params 上训练损失的梯度。",
                 got=shown(grads), expected=shown(right), **at)
        mirrored = replay.step(pre, grads)
        if not near(after, mirrored, size_of(mirrored, pre), rtol):
            fail(f"step {k} did not move the params as `optimizer.step()` does with the gradient "
                 f"they held: something else changed them around the step.",
                 f"第 {k} 步对 params 的改变与 `optimizer.step()` 用它们所持梯度得到的不同:步骤前后"
                 f"有别的东西改了它们。", got=shown(after), expected=shown(mirrored), **at)
        points.append(after)
    if not near(final, points[-1], size_of(final, points[-1]), 0.0):
        fail("the params changed after the last optimizer step: training_loop must leave them "
             "as the last step left them.",
             "最后一次优化器更新之后 params 又变了:training_loop 必须让它们保持最后一步之后的样子。",
             call=call, got=shown(final), expected=shown(points[-1]), kata=KATA)
    return points, replay


@settings(max_examples=3)
@claim(trained)
def test_training_loop_returns_the_params_it_was_given(case, seen):
    check_training(case, seen)
    call = loop_call(case)
    if seen.get("swapped") is True:
        fail("training_loop returned `(history, params)`: the pair is `(params, history)`, "
             "params first, as the caller unpacks it.",
             "training_loop 返回的是 `(history, params)`:应当是 `(params, history)`,params 在前,"
             "调用方就是这样解包的。", call=call, got="(history, params)",
             expected="(params, history)", kata=KATA)
    history_of(case, seen, call)
    if seen.get("same_params") is True:
        return
    returned = seen.get("returned")
    copy = ""
    zh_copy = ""
    if isinstance(returned, Seen) and read(returned) is not None:
        copy = (" It returned a tensor of their values that is not them (`.detach().clone()`, "
                "`torch.tensor(...)`): further training moves the params, not that copy.")
        zh_copy = ("它返回的是一个数值相同、却不是它们本身的张量(`.detach().clone()`、"
                   "`torch.tensor(...)`):继续训练时动的是 params,而不是那个副本。")
    fail(f"training_loop must return the params it was given, the very object (the optimizer's "
         f"parameters, as the articles do).{copy}",
         f"training_loop 必须返回传入的 params 本身,同一个对象(即优化器的参数,文章里也是这样)。"
         f"{zh_copy}", call=call, got=shown(returned), expected="params itself", kata=KATA)


@settings(max_examples=8)
@claim(trained)
def test_training_loop_steps_the_given_optimizer_on_the_training_gradient_alone(case, seen):
    check_training(case, seen)


def history_of(case, seen, call):
    """The returned pair's history, a list of pairs of Python floats, or a failure."""
    if not (isinstance(seen, dict) and "history_type" in seen):
        fail("training_loop must return a pair `(params, history)`.",
             "training_loop 必须返回二元组 `(params, history)`。",
             call=call, got=shown(seen.get("result_type") if isinstance(seen, dict) else seen),
             expected="(params, history)", kata=KATA)
    history = seen.get("history")
    if not isinstance(history, (list, tuple)):
        fail("history must be a list holding one `(train_loss, val_loss)` pair per epoch (a "
             "generator or a map can be read only once).",
             "history 必须是一个列表,每个 epoch 一对 `(train_loss, val_loss)`(生成器或 map 只能读一次)。",
             call=call, got=shown(seen.get("history_type")), expected="a list", kata=KATA)
    n = int(case["n_epochs"])
    if seen.get("history_len") != n:
        fail(f"history holds {shown(seen.get('history_len'))} entries for n_epochs={n}: one "
             f"`(train_loss, val_loss)` pair per epoch.",
             f"n_epochs={n} 时 history 有 {shown(seen.get('history_len'))} 项:每个 epoch 应当一对 "
             f"`(train_loss, val_loss)`。", call=call, got=shown(history[:3]), kata=KATA)
    for k, entry in enumerate(history, start=1):
        if not (isinstance(entry, (list, tuple)) and len(entry) == 2):
            fail(f"each entry of history must be a pair `(train_loss, val_loss)` (epoch {k}).",
                 f"history 的每一项都必须是一对 `(train_loss, val_loss)`(第 {k} 个 epoch)。",
                 call=call + f"; history[{k - 1}]", got=shown(entry), kata=KATA)
        for value in entry:
            if type(value) is float:
                continue
            if isinstance(value, Seen) and value.requires_grad:
                fail(f"history keeps loss tensors that require grad (epoch {k}): each one holds "
                     f"its whole graph alive, for every epoch of the run. Store the numbers: "
                     f"`(train_loss.item(), val_loss.item())`.",
                     f"history 保存了需要梯度的损失张量(第 {k} 个 epoch):每一个都让整张计算图一直活着,"
                     f"整个训练过程的每个 epoch 都是如此。请保存数值:"
                     f"`(train_loss.item(), val_loss.item())`。",
                     call=call + f"; history[{k - 1}]", got=shown(entry), expected="(float, float)",
                     kata=KATA)
            fail(f"each entry of history must be a pair of Python floats `(train_loss, "
                 f"val_loss)` (`loss.item()`), not tensors or anything else (epoch {k}): a "
                 f"tensor keeps its device and dtype, and `json.dump` refuses it.",
                 f"history 的每一项都必须是一对 Python 浮点数 `(train_loss, val_loss)`"
                 f"(`loss.item()`),而不是张量或别的东西(第 {k} 个 epoch):张量带着设备和 dtype,"
                 f"`json.dump` 也不接受它。",
                 call=call + f"; history[{k - 1}]", got=shown(entry), expected="(float, float)",
                 kata=KATA)
    return history


@settings(max_examples=4)
@claim(trained)
def test_training_loop_history_holds_both_losses_before_each_step(case, seen):
    points, replay = check_training(case, seen)
    call = loop_call(case)
    history = history_of(case, seen, call)
    n = int(case["n_epochs"])

    def within(value, p, which) -> bool:
        return abs(value - replay.loss(p, which)) <= replay.loss_bound(p, which) + 1e-5 * abs(
            replay.loss(p, which)) * (case.get("dtype") != "float64")

    right = [(replay.loss(points[k], "train"), replay.loss(points[k], "val")) for k in range(n)]

    def column(index, which, shift=0) -> bool:
        return all(within(history[k][index], points[k + shift], which) for k in range(n))

    if n and column(0, "val") and column(1, "train") and not (column(0, "train")
                                                                and column(1, "val")):
        fail("history holds `(val_loss, train_loss)`: the two losses are swapped. Each "
             "entry is `(train_loss, val_loss)`.",
             "history 里是 `(val_loss, train_loss)`:两个损失的位置颠倒了。每一项都应是 "
             "`(train_loss, val_loss)`。", call=call, got=shown([list(h) for h in history[:3]]),
             expected=shown([list(r) for r in right[:3]]) + " (before each step)", kata=KATA)
    for which, index in (("train", 0), ("val", 1)):
        if column(index, which):
            continue
        en = "training" if which == "train" else "validation"
        zh = "训练" if which == "train" else "验证"
        shown_values = dict(call=call, got=shown([h[index] for h in history[:4]]),
                            expected=shown([r[index] for r in right[:4]]) + " (before each step)",
                            kata=KATA)
        if column(index, which, 1):
            fail(f"the {en} losses in history are those of the params after each epoch's step, "
                 f"not before it: each pair must hold both losses of the same params, those the "
                 f"epoch starts with (the training loss that was backpropagated, and the "
                 f"validation loss beside it). Measure the validation loss before "
                 f"`optimizer.step()`.",
                 f"history 中的{zh}损失是每个 epoch 更新之后的 params 的损失,而不是更新之前的:每一对都"
                 f"必须是同一组 params 的两个损失,即该 epoch 开始时的 params(被反向传播的训练损失,"
                 f"以及与之对应的验证损失)。请在 `optimizer.step()` 之前度量验证损失。", **shown_values)
        other, other_en, other_zh = (("val", "validation", "验证") if which == "train"
                                     else ("train", "training", "训练"))
        if n and column(index, other):
            fail(f"the {en} losses in history are those of the {other_en} set: the loss was "
                 f"measured on the wrong data. The {en} loss is the mean squared error on "
                 f"`{'train' if which == 'train' else 'val'}_t_u` and "
                 f"`{'train' if which == 'train' else 'val'}_t_c`.",
                 f"history 中的{zh}损失其实是{other_zh}集上的:损失在错误的数据上度量。{zh}损失是在 "
                 f"`{'train' if which == 'train' else 'val'}_t_u` 和 "
                 f"`{'train' if which == 'train' else 'val'}_t_c` 上的均方误差。", **shown_values)
        fail(f"the {en} losses in history are not the mean squared errors of the params of each "
             f"epoch (before its step) on the {en} set.",
             f"history 中的{zh}损失不是每个 epoch(更新之前)的 params 在{zh}集上的均方误差。",
             **shown_values)


@settings(max_examples=3)
@claim(trained)
def test_training_loop_records_no_graph_for_the_validation_pass(case, seen):
    call = loop_call(case)
    given, _, final = steps_of(case, seen)  # the loop ran (a loop that does nothing saves nothing)
    check_count(case, given, final, Replay(case), call)
    shapes = seen.get("saved_shapes") if isinstance(seen, dict) else None
    by_shape = isinstance(shapes, list) and any(
        isinstance(s, (list, tuple)) and list(s) == [N_VAL] for s in shapes)
    expect(
        seen.get("val_saved") is False and not by_shape,
        f"the validation pass built a graph: autograd saved tensors of the validation set (of "
        f"its {N_VAL} readings) for a backward pass that should never come, and the graph lives "
        f"as long as the validation loss does. Run the validation forward inside "
        f"`with torch.no_grad():`.",
        f"验证过程建立了计算图:autograd 为一个本不该发生的反向传播保存了验证集({N_VAL} 个读数)的张量,"
        f"而且只要验证损失还在,这张图就一直活着。请把验证的前向计算放进 `with torch.no_grad():`。",
        call=call, got=f"validation tensors saved for backward (shapes {shown(shapes)})",
        expected="no graph for the validation pass", kata=KATA)


# --- evaluate -------------------------------------------------------------------------------------


class Spy:
    """Forward pre-hooks on every layer (module without children) of a model: the layers that
    ran in train mode, whether autograd recorded, whether a layer's parameters required grad,
    and whether BatchNorm refused a batch (ValueError) in train mode."""

    def __init__(self, net):
        self.train_layers: list[str] = []
        self.grad_on = False
        self.params_grad = False
        self.forwards = 0
        self.handles = [m.register_forward_pre_hook(self.hook(name))
                        for name, m in net.named_modules() if not list(m.children())]

    def hook(self, name):
        def pre(module, args):
            self.forwards += 1
            if module.training and name not in self.train_layers:
                self.train_layers.append(name)
            self.grad_on |= torch.is_grad_enabled()
            self.params_grad |= any(p.requires_grad for p in module.parameters(recurse=False))
        return pre

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def data(self) -> dict:
        return {"train_layers": self.train_layers[:100], "grad_on": self.grad_on,
                "params_grad": self.params_grad, "forwards": self.forwards}


def evaluation(kata, net, X, outer: bool) -> dict:
    """One call of evaluate, watched: its outputs, what autograd saved, the modes, buffers and
    flags it left, and what the layers saw while it ran."""
    names = list(net.state_dict())
    state = [t.detach().clone() for t in net.state_dict().values()]
    grads = grads_of(net)
    spy = Spy(net)
    try:
        with torch.set_grad_enabled(outer):
            with SavedTensorLog() as log:
                try:
                    out = kata.evaluate(net, X)
                except ValueError as err:
                    if NORM_REFUSED not in str(err):
                        raise
                    return {"refused": first_line(err), **spy.data()}
            mode_after = torch.is_grad_enabled()
    finally:
        spy.remove()
    return {"out": small(out), "saved": log.count, "grad_mode_after": mode_after,
            "modes_after": diagnose.modes(net), **left_state(net, names, state),
            "grads_same": same_grads(grads_of(net), grads),
            "requires_grad": [p.requires_grad for p in net.parameters()], **spy.data()}


def hold_grads(net, case) -> None:
    """Gradients the caller's parameters already hold (a model in the middle of accumulating
    them over several batches), drawn from the case's seed."""
    if not case.get("held_grads"):
        return
    gen = torch.Generator().manual_seed(int(case.get("seed", 0)) + 11)
    for p in net.parameters():
        if p.requires_grad:
            p.grad = torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype)


def grads_of(net) -> list:
    return [None if p.grad is None else p.grad.detach().clone() for p in net.parameters()]


def same_grads(now, before) -> bool:
    return len(now) == len(before) and all(
        (a is None and b is None) or (a is not None and b is not None and a.shape == b.shape
                                      and a.dtype == b.dtype and torch.equal(a, b))
        for a, b in zip(now, before))


def left_state(net, names, state) -> dict:
    """Which of the model's tensors (parameters and buffers, by name) were converted to another
    dtype and which changed their values, against `state` taken before."""
    after = list(net.state_dict().values())
    converted = [k for k, a, b in zip(names, after, state) if a.dtype != b.dtype][:50]
    changed = [k for k, a, b in zip(names, after, state) if k not in converted and not (
        a.shape == b.shape and torch.equal(a.detach(), b))][:50]
    return {"converted": converted, "changed": changed}


# Models of every shape `evaluate` may be given (the contract: any nn.Module): besides
# irregular.py's kinds, a model without parameters (activation and dropout only), a pooling
# model, one whose weights are buffers only (a fixed projection, a batch norm without affine
# parameters), and one whose parameters are all frozen. An answer that reads the model's
# device or dtype from `next(model.parameters())` raises StopIteration on the first two; one
# that decides from `requires_grad` of the parameters whether a graph can be recorded fails on
# the frozen one with an X that requires grad. (A plain function is not in scope: the contract
# says an nn.Module, and `model.eval()` is its point. Every model is on the CPU: the tests'
# machine has one device, so a first parameter elsewhere than the rest cannot be built.)
SHAPE_WORDS = {
    "paramless": ("a model without parameters (`nn.Sequential(nn.ReLU(), nn.Dropout(0.5))`)",
                  "没有参数的模型(`nn.Sequential(nn.ReLU(), nn.Dropout(0.5))`)"),
    "pooling": ("a pooling model without parameters (MaxPool1d, Dropout, Flatten)",
                "没有参数的池化模型(MaxPool1d、Dropout、Flatten)"),
    "buffers_only": ("a model whose weights are buffers only (a fixed projection, a BatchNorm1d "
                     "without affine parameters, dropout)",
                     "权重全是缓冲区的模型(固定的投影、没有仿射参数的 BatchNorm1d、dropout)"),
    "all_frozen": ("a Sequential with dropout and two batch norms, every parameter frozen "
                   "(requires_grad=False)",
                   "带 dropout 和两个 batch norm 的 Sequential,所有参数都被冻结(requires_grad=False)"),
}
SHAPES = tuple(SHAPE_WORDS)


class FixedProjection(torch.nn.Module):
    """x @ weight, the weight a buffer (saved in the state dict, never trained)."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.register_buffer("weight", torch.randn(n_in, n_out))

    def forward(self, x):
        return x @ self.weight


def build_model(desc: dict):
    """The model a description names: irregular.py's kinds, or one of SHAPES."""
    kind = desc.get("kind", "mixed")
    if kind not in SHAPES:
        return irr.model(desc)
    if kind == "all_frozen":
        net = irr.model({**desc, "kind": "mixed"})
        net.requires_grad_(False)
        return net
    nn = torch.nn
    n_in, n_out = int(desc.get("n_in", 4)), int(desc.get("n_out", 3))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(desc.get("seed", 0)))
        if kind == "paramless":
            net = nn.Sequential(nn.ReLU(), nn.Dropout(0.5))
        elif kind == "pooling":
            net = nn.Sequential(nn.Unflatten(1, (1, n_in)), nn.MaxPool1d(2), nn.Dropout(0.5),
                                nn.Flatten())
        else:
            net = nn.Sequential(FixedProjection(n_in, n_out), nn.BatchNorm1d(n_out, affine=False),
                                nn.Dropout(0.5))
        if desc.get("dtype", "float32") == "float64":
            net = net.double()
        gen = torch.Generator().manual_seed(int(desc.get("seed", 0)) + 1)
        net.train()
        with torch.no_grad():
            for _ in range(3):  # move the running statistics off their defaults
                net(irr.model_input(desc, {"n": 32, "seed": 0, "scale": 2.0, "offset": 1.0},
                                    generator=gen))
    irr.set_modes(net, desc.get("modes", "train"))
    return net


def describe_model(desc: dict) -> tuple[str, str]:
    kind = desc.get("kind", "mixed")
    if kind not in SHAPES:
        return irr.describe_model(desc)
    en, zh = irr.describe_model({**desc, "kind": "mixed", "frozen": False})
    base_en, base_zh = irr.MODEL_WORDS["mixed"]
    return (SHAPE_WORDS[kind][0] + en[len(base_en):], SHAPE_WORDS[kind][1] + zh[len(base_zh):])


def eval_model(case):
    net = build_model(case["model"])
    hold_grads(net, case)
    return net


def eval_input(case):
    return irr.model_input(case["model"], case["x"])


EVAL_EXAMPLES = [
    # a model in train with a batch norm frozen in eval, dropout, batch norms: the usual case
    {"seed": 0, "model": {"kind": "mixed", "seed": 0, "modes": "frozen_norm"},
     "x": {"n": 10, "seed": 5}, "outer": True},
    # nested, a frozen batch norm deep inside; called again after the caller switched to eval
    {"seed": 1, "model": {"kind": "nested", "seed": 3, "modes": "frozen_norm"},
     "x": {"n": 6, "seed": 8}, "outer": True, "then": "eval"},
    # eval but for one block that trains, a batch norm inside it frozen; inside no_grad
    {"seed": 2, "model": {"kind": "nested", "seed": 4, "modes": "eval_one_block_train"},
     "x": {"n": 6, "seed": 9}, "outer": False, "then": "train"},
    # a layer of the model's own class, a frozen first layer, an X that requires grad
    {"seed": 3, "model": {"kind": "custom", "seed": 5, "modes": "train", "frozen": True},
     "x": {"n": 7, "seed": 10, "requires_grad": True}, "outer": True, "held_grads": True},
    # a conv net on channels-last images, in eval, then called again in train with a frozen norm
    {"seed": 4, "model": {"kind": "conv", "seed": 6, "modes": "eval"},
     "x": {"n": 4, "seed": 11, "layout": "channels_last"}, "outer": True, "then": "frozen_norm"},
    # float64, a transposed (non-contiguous) X that requires grad, inside no_grad; a batch of 1
    {"seed": 5, "model": {"kind": "mixed", "seed": 7, "modes": "train", "dtype": "float64"},
     "x": {"n": 5, "seed": 12, "layout": "transposed", "requires_grad": True}, "outer": False},
    {"seed": 6, "model": {"kind": "mixed", "seed": 8, "modes": "frozen_norm"},
     "x": {"n": 1, "seed": 13}, "outer": True},
    # models of other shapes: no parameters at all (activation and dropout, pooling), weights
    # in buffers only, every parameter frozen (with an X that requires grad)
    {"seed": 7, "model": {"kind": "paramless", "seed": 9, "modes": "train"},
     "x": {"n": 6, "seed": 14, "requires_grad": True}, "outer": True, "then": "eval"},
    {"seed": 8, "model": {"kind": "pooling", "seed": 10, "modes": "train"},
     "x": {"n": 5, "seed": 15}, "outer": True},
    {"seed": 9, "model": {"kind": "buffers_only", "seed": 11, "modes": "train",
                          "dtype": "float64"},
     "x": {"n": 6, "seed": 16, "requires_grad": True}, "outer": True, "then": "frozen_norm"},
    {"seed": 10, "model": {"kind": "all_frozen", "seed": 12, "modes": "frozen_norm"},
     "x": {"n": 6, "seed": 17, "requires_grad": True}, "outer": True},
]


@observe(examples=EVAL_EXAMPLES, draw=st.fixed_dictionaries({
    "seed": irr.seeds(),
    "model": irr.model_cases(kinds=("mixed", "nested", "custom", "conv") + SHAPES),
    "x": st.fixed_dictionaries({"n": st.integers(2, 8), "seed": irr.seeds(),
                                "layout": st.sampled_from(["contiguous", "transposed",
                                                           "channels_last"]),
                                "requires_grad": st.booleans()}),
    "outer": st.booleans(),
    "then": st.one_of(st.none(), st.sampled_from(irr.MODE_SETUPS)),
    "held_grads": st.booleans(),
}))
def evaluated(kata, case):
    """evaluate on a model of the case, in its modes, once, and again after the caller set
    other modes where the case says so."""
    with one_thread():
        net = eval_model(case)
        calls = [evaluation(kata, net, eval_input(case), bool(case["outer"]))]
        if case.get("then") and "refused" not in calls[0]:
            irr.set_modes(net, case["then"])
            calls.append(evaluation(kata, net, eval_input(case), bool(case["outer"])))
        return {"calls": calls}


def setups(case) -> list[str]:
    return [case["model"].get("modes", "train")] + ([case["then"]] if case.get("then") else [])


def eval_call(case, k: int) -> str:
    en, _ = describe_model({**case["model"], "modes": setups(case)[k]})
    x = case["x"]
    extra = [x.get("layout", "contiguous")] if x.get("layout", "contiguous") != "contiguous" else []
    if x.get("requires_grad"):
        extra.append("requires_grad")
    where = "" if case["outer"] else "with torch.no_grad(): "
    again = ", a second call" if k else ""
    return (f"{where}evaluate(model, X) with {en}; X of {x['n']} examples"
            f"{' (' + ', '.join(extra) + ')' if extra else ''}{again}")


def the_calls(case, seen) -> list[dict]:
    calls = field(seen, "calls", "evaluate(model, X)")
    if not isinstance(calls, list) or len(calls) != len(setups(case)) and not (
            len(calls) == 1 and isinstance(calls[0], dict) and "refused" in calls[0]):
        malformed("calls", eval_call(case, 0))
    if not all(isinstance(c, dict) for c in calls):
        malformed("calls", eval_call(case, 0))
    return calls


def judge_model(case, k: int):
    with one_thread():
        return build_model({**case["model"], "modes": setups(case)[k]})


def eval_outputs(case, k: int) -> torch.Tensor:
    net = judge_model(case, k)
    net.eval()
    with one_thread(), torch.no_grad():
        return net(eval_input(case))


def layer_kinds(case, k: int) -> dict[str, str]:
    return {name: type(m).__name__ for name, m in judge_model(case, k).named_modules()}


def check_outputs(case, seen) -> list[dict]:
    """Every call's outputs are the model's own in eval mode, or the failure says which layers
    ran in train mode (or that BatchNorm refused a batch of one in train mode)."""
    calls = the_calls(case, seen)
    for k, c in enumerate(calls):
        call = eval_call(case, k)
        kinds = layer_kinds(case, k)
        if "refused" in c:
            fail(f"BatchNorm refused a batch of one example ({shown(c['refused'])}): it was in "
                 f"train mode, where it normalises with the batch's own mean and variance, and "
                 f"one example has no variance. In eval mode it uses its running statistics and "
                 f"any batch size works: call `model.eval()` before the forward pass.",
                 f"BatchNorm 拒绝了只有一个样本的批量({shown(c['refused'])}):它处于训练模式,要用批量"
                 f"自己的均值和方差归一化,而一个样本没有方差。评估模式下它用滑动统计量,任何批量大小都"
                 f"可以:请在前向计算之前调用 `model.eval()`。", call=call, kata=KATA)
        want = eval_outputs(case, k)
        out = c.get("out")
        got = read(out)
        r, a = irr.tolerance(str(want.dtype).replace("torch.", ""))
        if got is not None and got.shape == want.shape and got.dtype == want.dtype and close(
                got, want, rtol=10 * r, atol=10 * a):
            continue
        if got is not None and got.shape == want.shape and got.dtype != want.dtype:
            fail(f"the outputs are {out.dtype_name}, where the model gives "
                 f"{str(want.dtype).replace('torch.', '')}: they were converted on the way. "
                 f"Return the model's outputs as they are.",
                 f"输出是 {out.dtype_name},而模型给出的是 {str(want.dtype).replace('torch.', '')}:"
                 f"中途被转换了。请原样返回模型的输出。", call=call, got=shown(out), expected=want,
                 kata=KATA)
        layers = c.get("train_layers")
        if isinstance(layers, list) and layers and all(isinstance(n, str) for n in layers):
            named = ", ".join(f"{n} ({kinds.get(n, '?')})" for n in layers[:12])
            fail(f"the outputs are not those of the model in eval mode: during the forward pass "
                 f"these layers were in train mode: {named}. In train mode dropout drops units, "
                 f"batch norm uses the statistics of this batch instead of its running ones, and "
                 f"a layer of your own may do anything else. Call `model.eval()` before the "
                 f"forward pass: it reaches every module, however deep (setting "
                 f"`model.training = False` changes the model's own flag only).",
                 f"输出不是模型在 eval 模式下的输出:前向计算时这些层处于 train 模式:{named}。"
                 f"train 模式下 dropout 会随机丢弃单元,batch norm 用的是这一批的统计量而不是累计的统计量,"
                 f"自定义的层也可能做别的事。请在前向计算之前调用 `model.eval()`:它会到达每个模块,"
                 f"无论多深(设置 `model.training = False` 只改变模型自己的标志)。",
                 call=call, got=shown(out), expected=want, kata=KATA)
        fail("the outputs are not those of the model in eval mode, though every layer was in "
             "eval mode during the forward pass: are they the model's own outputs for X, "
             "unchanged?",
             "输出不是模型在 eval 模式下的输出,虽然前向计算时每一层都处于 eval 模式:它们是模型对 X 的"
             "原样输出吗?", call=call, got=shown(out), expected=want, kata=KATA)
    return calls


def check_state(c, net, call, who: str):
    """What an evaluation left of the model: nothing converted, no buffer moved, no parameter
    changed, the gradients the parameters held left as they were; or a failure naming which."""
    converted = c.get("converted")
    if isinstance(converted, list) and converted:
        fail(f"{who} converted the caller's model to another dtype ({shown(converted[:6])}): "
             f"`model.float()`, `.double()` and `.to(...)` change the module itself, in place, "
             f"and it stays converted after the evaluation. Evaluate the model as it is.",
             f"{who} 把调用方的模型转换成了另一种 dtype({shown(converted[:6])}):`model.float()`、"
             f"`.double()` 和 `.to(...)` 会原地修改模块本身,评估之后它仍是转换后的样子。请按模型原样"
             f"评估。", call=call, got=shown(converted), expected="no tensor converted", kata=KATA)
    changed = c.get("changed")
    if isinstance(changed, list) and changed:
        buffers = {name for name, _ in net.named_buffers()}
        moved = [n for n in changed if isinstance(n, str) and n in buffers]
        if moved:
            fail(f"BatchNorm's running statistics changed ({shown(moved[:6])}): the model was run "
                 f"in train mode, where BatchNorm normalises with each batch's own statistics "
                 f"and moves its running mean and variance towards them, so every evaluation "
                 f"drags the model towards the test data. `torch.no_grad()` does not stop this "
                 f"(they are buffers, not gradients): `model.eval()` puts every submodule in "
                 f"eval mode.",
                 f"BatchNorm 的滑动统计量被改变了({shown(moved[:6])}):模型是在训练模式下运行的。训练模式"
                 f"下 BatchNorm 用每个批量自己的统计量归一化,并把滑动均值和方差往它们靠拢,于是每次评估都"
                 f"把模型往测试数据拉。`torch.no_grad()` 挡不住(它们是缓冲区,不是梯度):`model.eval()` "
                 f"会把每个子模块都设为评估模式。", call=call, got=f"changed: {shown(changed)}",
                 expected="none changed", kata=KATA)
        fail(f"{who} changed the model's parameters ({shown(changed[:6])}): an evaluation reads "
             f"the model and changes nothing in it.",
             f"{who} 改变了模型的参数({shown(changed[:6])}):评估只读取模型,不改变其中任何东西。",
             call=call, got=f"changed: {shown(changed)}", expected="none changed", kata=KATA)
    if c.get("grads_same") is False:
        fail(f"{who} changed the gradients the parameters held (`.grad`): the caller may be "
             f"accumulating gradients over several batches, and an evaluation in between must "
             f"leave them as they were (no `model.zero_grad()`, no `backward()`).",
             f"{who} 改变了参数所持有的梯度(`.grad`):调用方可能正在多个批量上累积梯度,其间的评估必须"
             f"让它们保持原样(不要 `model.zero_grad()`,也不要 `backward()`)。",
             call=call, got="`.grad` changed", expected="`.grad` as it was", kata=KATA)


@settings(max_examples=8)
@claim(evaluated)
def test_evaluate_gives_the_eval_mode_outputs(case, seen):
    check_outputs(case, seen)


@settings(max_examples=4)
@claim(evaluated)
def test_evaluate_records_no_graph(case, seen):
    calls = check_outputs(case, seen)
    for k, c in enumerate(calls):
        call = eval_call(case, k)
        out = c.get("out")
        if isinstance(out, Seen) and (out.requires_grad or out.grad_fn is not None):
            if c.get("grad_on") is True and c.get("params_grad") is False:
                fail("the outputs require grad: the parameters' `requires_grad` was switched off "
                     "instead of recording, so autograd still recorded every operation on an X "
                     "that requires grad (and a frozen parameter would come back trainable if "
                     "the flags are put back wholesale). `torch.no_grad()` switches recording "
                     "off for every input, whatever it requires: run the forward pass under it.",
                     "输出需要梯度:关掉的是参数的 `requires_grad`,而不是记录,所以 autograd 仍然记录了对"
                     "需要梯度的 X 的每个运算(如果把标志一刀切地改回去,冻结的参数也会变回可训练)。"
                     "`torch.no_grad()` 对每个输入都关闭记录,不管它是否需要梯度:请在它下面做前向计算。",
                     call=call, got=f"requires_grad={out.requires_grad}, grad_fn={out.grad_fn}",
                     expected="requires_grad=False, grad_fn=None", kata=KATA)
            fail("the outputs require grad: the evaluation recorded a graph, which keeps every "
                 "intermediate tensor the backward would need alive as long as the outputs are. "
                 "Nobody backpropagates through an evaluation: run the forward pass under "
                 "`torch.no_grad()`.",
                 "输出需要梯度:评估过程记录了计算图,只要输出还在,反向传播所需的中间张量就一直占着内存。"
                 "评估时没人会反向传播:请在 `torch.no_grad()` 下做前向计算。",
                 call=call, got=f"requires_grad={out.requires_grad}, grad_fn={out.grad_fn}",
                 expected="requires_grad=False, grad_fn=None", kata=KATA)
        expect(c.get("saved") == 0,
               "a graph was built and then thrown away: autograd saved tensors for backward "
               "during the evaluation, so the memory was spent anyway (`.detach()` on the "
               "outputs hides the graph, it does not avoid it). Run the forward pass under "
               "`torch.no_grad()`.",
               "计算图先建好又被丢掉了:评估过程中 autograd 为反向传播保存了张量,内存照样花了"
               "(对输出 `.detach()` 只是把图藏起来,并没有避免它)。请在 `torch.no_grad()` 下做前向计算。",
               call=call, got=f"{shown(c.get('saved'))} tensors saved for backward",
               expected="none", kata=KATA)


@settings(max_examples=6)
@claim(evaluated)
def test_evaluate_gives_every_module_its_own_mode_back(case, seen):
    calls = check_outputs(case, seen)
    earlier = []
    for k, c in enumerate(calls):
        call = eval_call(case, k)
        before = diagnose.modes(judge_model(case, k))
        after = c.get("modes_after")
        if after == before:
            earlier.append(before)
            continue
        mistake = diagnose.earlier_modes(before, earlier, after) or diagnose.restore_mistake(
            lambda: judge_model(case, k), after)
        changes = diagnose.mode_changes(before, after) if isinstance(after, dict) and set(
            after) == set(before) and all(isinstance(v, bool) for v in after.values()) \
            else shown(after)
        if mistake is None:
            mistake = ("evaluate left the model's modes changed: afterwards every module must be "
                       "in the mode it was in. Remember each module's `training` flag before "
                       "`model.eval()`, and put each one back.",
                       "evaluate 改变了模型的模式:调用之后每个模块都必须回到原来的模式。请在 "
                       "`model.eval()` 之前记下每个模块的 `training` 标志,再逐个恢复。")
        fail(*mistake, call=call, got=changes, expected="every module in the mode it was in",
             kata=KATA)


@settings(max_examples=4)
@claim(evaluated)
def test_evaluate_leaves_the_model_and_autograd_as_they_were(case, seen):
    calls = check_outputs(case, seen)
    for k, c in enumerate(calls):
        call = eval_call(case, k)
        check_state(c, judge_model(case, k), call, "evaluate")
        flags = [p.requires_grad for p in judge_model(case, k).parameters()]
        got = c.get("requires_grad")
        if got != flags:
            turned = [i for i, (a, b) in enumerate(zip(got if isinstance(got, list) else [],
                                                       flags)) if a != b] or flags
            fail(f"evaluate changed which parameters require grad ({len(turned)} of "
                 f"{len(flags)} changed): switching `requires_grad` off and back on is not "
                 f"`torch.no_grad()`, and `model.requires_grad_(True)` afterwards unfreezes "
                 f"parameters the caller had frozen. Leave the flags alone and run the forward "
                 f"pass under `torch.no_grad()`.",
                 f"evaluate 改变了哪些参数需要梯度({len(flags)} 个中变了 {len(turned)} 个):关掉再打开 "
                 f"`requires_grad` 不等于 `torch.no_grad()`,事后 `model.requires_grad_(True)` 还会把调用"
                 f"方冻结的参数解冻。请不要动这些标志,在 `torch.no_grad()` 下做前向计算。",
                 call=call, got=shown(got), expected=shown(flags), kata=KATA)
        outer = bool(case["outer"])
        if c.get("grad_mode_after") is not outer:
            if outer:
                fail("autograd is still switched off after evaluate: `torch.set_grad_enabled"
                     "(False)` (or `torch.no_grad()` entered by hand) switches recording off for "
                     "the whole program, and the training that follows records nothing. Use "
                     "`with torch.no_grad():`, which restores the mode on the way out.",
                     "evaluate 之后 autograd 仍然是关闭的:`torch.set_grad_enabled(False)`(或者手动"
                     "进入的 `torch.no_grad()`)会对整个程序关闭记录,之后的训练什么都不记录。请使用 "
                     "`with torch.no_grad():`,离开时会恢复原来的模式。",
                     call=call + "; torch.is_grad_enabled()", got=shown(c.get("grad_mode_after")),
                     expected="True", kata=KATA)
            fail("autograd is switched on after evaluate, where the caller had it off (inside "
                 "its `torch.no_grad()`): the mode was put back to True, a constant, not to what "
                 "it was. `with torch.no_grad():` restores the caller's own mode on the way out.",
                 "调用方原本关闭了 autograd(在它的 `torch.no_grad()` 里),evaluate 之后它却是打开的:"
                 "模式被恢复成了常量 True,而不是原来的样子。`with torch.no_grad():` 离开时会恢复调用方"
                 "自己的模式。", call=call + "; torch.is_grad_enabled()",
                 got=shown(c.get("grad_mode_after")), expected="False", kata=KATA)
