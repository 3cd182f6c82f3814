"""train_eval_mode: accuracy in eval mode, without a graph, leaving the model as it was.

Each test is a claim (dojo/spec.py): an observer builds a model and batches from the case, calls
accuracy (once or several times, the caller changing the modes in between, a second model
evaluated beside it) and returns what it saw: the answers, the layers that ran in train mode,
whether autograd recorded, what it saved for backward, the modes, buffers and flags left, the
grad mode and the random state afterwards. The judge rebuilds the same model and batches, counts
the eval-mode predictions itself and names what it measured.

Irregular inputs (docs/CONTRIBUTING.md): batches of unequal sizes and of a single example, a
generator (walked once) or a tuple of batches; models nested in containers and modules of their
own class, in mixed modes, with frozen parameters, float64, a conv net on channels-last images,
a model of two inputs (X a pair), tied scores (a dead head); X that requires grad or is not
contiguous; calls inside the caller's `torch.no_grad()`; the same model evaluated again after its
modes changed, and a second model evaluated between two calls. Left out: integer inputs (the
models take floats), an empty `batches` (out of scope: no examples, no fraction), exceptions of
the model's forward (out of scope).
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager

import torch
from hypothesis import settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.memory import SavedTensorLog
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import fail, show

KATA = "train_eval_mode"
N_CLASSES = 3
TOL = 1e-6  # the answer is correct / total to within this (a float32 mean of hits is 1e-8 off)
NORM_REFUSED = "more than 1 value per channel when training"
STATELESS = ("Linear", "ReLU", "Conv2d", "Flatten")  # layers of the test's models that behave
# the same in both modes (left out of the list of layers that ran in train mode)


@contextmanager
def one_thread():
    """Tiny models, run on one thread: many times faster than two threads fighting over a busy
    CPU, and the same sums in the learner's process, the grader's job and the judge's."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def shown(value) -> str:
    try:
        return show(value)
    except Exception:  # noqa: BLE001 - data nobody here trusts: say what it is
        return type(value).__name__


def malformed(what: str, call: str):
    fail(f"the observation of this call came back malformed (`{what}`).",
         f"这次调用的观测数据格式不对(`{what}`)。", call=call, kata=KATA)


# --- the models and the batches -----------------------------------------------------------------


def setups(case) -> list[str]:
    """The modes the caller sets before each call (the first: the model's own)."""
    return case.get("calls") or [case["model"].get("modes", "train")]


TIES = ("twins", "dead_classes", "masked", "masked_all")  # kinds of tied scores a case's last layer may make
CLASSES = (3, 4, 5, 8, 40)  # topk(1) picks another tied class from 4 classes on, an unstable
# sort from 33 on (on the CPU)


def classes(desc) -> int:
    return int(desc.get("n_out", N_CLASSES))


def tie_head(net, desc):
    """Tied scores made by the last linear layer: "twins": classes 1 and 2 (and the last two)
    have the same weights and bias, so they always score the same; "dead_classes": every other
    class from class 1 on has zero weights and bias (dead units: a score of exactly 0) and the
    live classes are shifted down, so that in many rows the top score is a 0 shared by several
    classes; "masked": the odd classes' bias -inf (masked classes) and class 2 a twin of class
    0; "masked_all": every class masked (rows of -inf, every class tied)."""
    from torch import nn

    ties = desc.get("ties")
    if not ties:
        return net
    last = [m for m in net.modules() if isinstance(m, nn.Linear)][-1]
    c = last.out_features
    with torch.no_grad():
        w, b = last.weight, last.bias
        if ties == "twins":
            for a, z in ((1, 2), (c - 2, c - 1)):
                if 0 < a < z < c:
                    w[z] = w[a]
                    b[z] = b[a]
        elif ties in ("dead_classes", "masked_all"):
            dead = sorted(set(range(1, c, 2)) | {c - 1})
            b -= 0.25 * float(w.abs().sum(dim=1).mean())
            for j in dead:
                w[j] = 0
                b[j] = 0.0
            if ties == "masked_all":
                b.fill_(float("-inf"))
        elif ties == "masked":
            w[2] = w[0]
            b[2] = b[0]
            for j in range(1, c, 2):
                b[j] = float("-inf")
    return net


def net_of(desc, setup=None):
    with one_thread():
        net = irr.model({**desc, "n_out": classes(desc), **({"modes": setup} if setup else {})})
    return tie_head(net, desc)


def batches_of(desc, case):
    """The case's batches for a model: inputs drawn from the case, labels that agree with the
    model in eval mode (computed in float64) for about two thirds of the examples, split into
    batches of `sizes`."""
    sizes = [int(n) for n in case["sizes"]]
    X = irr.model_input(desc, {**case["x"], "n": sum(sizes)})
    gen = torch.Generator().manual_seed(int(case["x"].get("seed", 0)) + 7)
    with one_thread(), torch.no_grad():
        teacher = net_of({**desc, "dtype": "float64", "modes": "eval"})
        teacher.eval()
        scores = teacher(tuple(x.detach().double() for x in X) if isinstance(X, tuple)
                         else X.detach().double())
    y = scores.argmax(dim=1)
    noise = torch.rand(len(y), generator=gen) < float(case.get("noise", 0.35))
    y = torch.where(noise, torch.randint(0, classes(desc), y.shape, generator=gen), y)
    parts = [x.split(sizes) for x in X] if isinstance(X, tuple) else [X.split(sizes)]
    xs = list(zip(*parts)) if isinstance(X, tuple) else parts[0]
    return list(zip(xs, y.split(sizes)))


def handed(batches, how: str):
    if how == "generator":
        return (b for b in batches)
    if how == "tuple":
        return tuple(batches)
    return list(batches)


# --- the observer -------------------------------------------------------------------------------


class Spy:
    """Forward pre-hooks on every layer (module without children): the layers that ran in train
    mode, whether autograd recorded, whether a layer's parameters required grad; and a forward
    hook on the model: whether its outputs required grad."""

    def __init__(self, net):
        self.train_layers: list[str] = []
        self.grad_on = False
        self.params_grad = False
        self.out_grad = False
        self.forwards = 0
        self.handles = [m.register_forward_pre_hook(self.hook(name))
                        for name, m in net.named_modules() if not list(m.children())]
        self.handles.append(net.register_forward_hook(self.after))

    def hook(self, name):
        def pre(module, args):
            self.forwards += 1
            if module.training and name not in self.train_layers:
                self.train_layers.append(name)
            self.grad_on |= torch.is_grad_enabled()
            self.params_grad |= any(p.requires_grad for p in module.parameters(recurse=False))
        return pre

    def after(self, module, args, output):
        self.out_grad |= isinstance(output, torch.Tensor) and output.requires_grad

    def remove(self):
        for handle in self.handles:
            handle.remove()


def learner_line(err: BaseException) -> str:
    """The last line of the traceback outside torch and this test: the learner's own."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if "site-packages" not in f.filename and not f.filename.endswith(
                  "test_train_eval_mode.py")]
    return (frames[-1].line or "").strip()[:200] if frames else ""


def explained(err: BaseException, case) -> bool:
    """Whether an exception is one the judge can name from the case: BatchNorm refusing a batch
    of one in train mode, a batch of one that lost its batch axis, a generator asked for its
    length or walked twice."""
    text = str(err)
    if isinstance(err, ValueError) and NORM_REFUSED in text:
        return True
    if isinstance(err, (IndexError, RuntimeError)) and 1 in case["sizes"]:
        return True
    if case.get("as") == "generator" and (isinstance(err, ZeroDivisionError) or (
            isinstance(err, TypeError) and "len()" in text)):
        return True
    if case["model"].get("kind") == "pair" and isinstance(err, (AttributeError, TypeError)) and (
            "tuple" in text):
        return True
    return False


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


def watched(kata, net, case, outer: bool) -> dict:
    """One call of accuracy on the case's batches, watched."""
    names = list(net.state_dict())
    state = [t.detach().clone() for t in net.state_dict().values()]
    grads = grads_of(net)
    batches = handed(batches_of(case["model"], case), case.get("as", "list"))
    torch.rand(1)  # the global generator away from a fresh seed's state, which a reseed restores
    rng = torch.get_rng_state()
    spy = Spy(net)
    out: dict = {}
    try:
        with torch.set_grad_enabled(outer):
            with SavedTensorLog() as log:
                try:
                    result = kata.accuracy(net, batches)
                except NotImplementedError:
                    raise
                except Exception as err:  # noqa: BLE001 - only those the judge can name
                    if not explained(err, case):
                        raise
                    result = None
                    out["raised"] = {"type": type(err).__name__, "message": str(err)[:300],
                                     "line": learner_line(err)}
            out["grad_mode_after"] = torch.is_grad_enabled()
    finally:
        spy.remove()
    out.update({
        "result": f"a tensor of shape {list(result.shape)}" if isinstance(
            result, torch.Tensor) and result.numel() > 16 else result,
        "type": type(result).__name__,
        "saved": log.count,
        "rng_same": torch.equal(rng, torch.get_rng_state()),
        "modes_after": diagnose.modes(net), **left_state(net, names, state),
        "grads_same": same_grads(grads_of(net), grads),
        "requires_grad": [p.requires_grad for p in net.parameters()],
        "train_layers": spy.train_layers[:100], "grad_on": spy.grad_on,
        "params_grad": spy.params_grad, "out_grad": spy.out_grad, "forwards": spy.forwards,
    })
    return out


def model_desc(seed, kind="mixed", modes="train", **extra):
    return {"kind": kind, "seed": seed, "modes": modes, **extra}


EXAMPLES = [
    # a classifier with dropout and batch norms in train, batches of 50, 50 and 7
    {"seed": 0, "model": model_desc(0), "sizes": [50, 50, 7], "x": {"seed": 1}, "outer": True},
    # a layer of the model's own class and dropout, no batch norm; evaluated three times
    {"seed": 1, "model": model_desc(1, "custom"), "sizes": [40, 40], "x": {"seed": 2},
     "outer": True, "calls": ["train", "train", "train"], "held_grads": True},
    # a frozen batch norm in a model in train; the batches as a generator; inside no_grad
    {"seed": 2, "model": model_desc(2, modes="frozen_norm"), "sizes": [30, 30, 30],
     "x": {"seed": 3}, "as": "generator", "outer": False},
    # nested, a batch norm frozen deep inside, a last batch of one; evaluated again in eval mode,
    # with a second model evaluated in between
    {"seed": 3, "model": model_desc(3, "nested"), "sizes": [9, 1], "x": {"seed": 4},
     "outer": True, "calls": ["frozen_norm", "eval"], "twin": model_desc(4, "mixed")},
    # nested, in eval but for one block that trains; float64, frozen first layer, X that requires
    # grad and is not contiguous
    {"seed": 4, "model": model_desc(5, "nested", "eval_one_block_train", dtype="float64",
                                    frozen=True),
     "sizes": [6, 5], "x": {"seed": 5, "layout": "transposed", "requires_grad": True},
     "outer": True, "calls": ["eval_one_block_train", "train"]},
    # a model of two inputs: X is a pair (a, b); the batches as a tuple
    {"seed": 5, "model": model_desc(6, "pair", "frozen_norm"), "sizes": [7, 5, 2],
     "x": {"seed": 6}, "as": "tuple", "outer": True},
    # tied scores (a dead head): the prediction is the first of the tied classes
    {"seed": 6, "model": model_desc(7, "mixed", "eval", dead_head=True), "sizes": [8, 8],
     "x": {"seed": 7}, "outer": True},
    # a conv net on channels-last images, in eval, then in train with a frozen batch norm
    {"seed": 7, "model": model_desc(8, "conv", "eval"), "sizes": [5, 3],
     "x": {"seed": 8, "layout": "channels_last"}, "outer": False, "calls": ["eval", "frozen_norm"]},
    # 4 classes, two of them always scoring the same (twins): topk(1) picks the second on the CPU
    {"seed": 8, "model": model_desc(3, "mixed", n_out=4, ties="twins"), "sizes": [12, 8],
     "x": {"seed": 1}, "outer": True},
    # 40 classes, twins: an unstable sort picks another tied class
    {"seed": 9, "model": model_desc(3, "mixed", "eval", n_out=40, ties="twins"), "sizes": [20, 20],
     "x": {"seed": 1}, "outer": True},
    # 5 classes of which 3 are dead units (a score of exactly 0), often the top score
    {"seed": 10, "model": model_desc(3, "nested", n_out=5, ties="dead_classes"), "sizes": [9, 9],
     "x": {"seed": 2}, "outer": True},
    # 8 classes, every one masked with -inf: rows of -inf, all tied
    {"seed": 11, "model": model_desc(4, "conv", "eval", n_out=8, ties="masked_all"),
     "sizes": [4, 3], "x": {"seed": 3}, "outer": False},
    # 5 classes, the odd ones masked with -inf, classes 0 and 2 twins
    {"seed": 12, "model": model_desc(5, "pair", n_out=5, ties="masked"), "sizes": [6, 6],
     "x": {"seed": 4}, "outer": True},
]


def with_scores(desc):
    """A model description with a class count and a kind of tied scores drawn for it."""
    return st.tuples(st.just(desc), st.sampled_from(CLASSES),
                     st.sampled_from((None, *TIES))).map(
        lambda t: {**t[0], "n_out": t[1], **({"ties": t[2]} if t[2] else {})})


CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "model": irr.model_cases().flatmap(with_scores),
    "sizes": st.lists(st.integers(1, 12), min_size=1, max_size=5),
    "x": st.fixed_dictionaries({"seed": irr.seeds(),
                                "layout": st.sampled_from(["contiguous", "transposed",
                                                           "channels_last"]),
                                "requires_grad": st.booleans()}),
    "as": st.sampled_from(["list", "generator", "tuple"]),
    "outer": st.booleans(),
    "calls": st.lists(st.sampled_from(irr.MODE_SETUPS), min_size=1, max_size=3),
    "twin": st.one_of(st.none(), irr.model_cases(kinds=("mixed", "nested", "custom"))),
    "held_grads": st.booleans(),
})


@observe(examples=EXAMPLES, draw=CASES)
def evaluated(kata, case):
    """accuracy on the case's model and batches, once per setup of `calls` (the caller setting
    those modes before each call), with the `twin` model evaluated after the first call."""
    with one_thread():
        net = net_of(case["model"])
        hold_grads(net, case)
        calls, twin = [], None
        for k, setup in enumerate(setups(case)):
            irr.set_modes(net, setup)
            calls.append(watched(kata, net, case, bool(case["outer"])))
            if "raised" in calls[-1]:
                break
            if k == 0 and case.get("twin"):
                other = net_of(case["twin"])
                twin = watched(kata, other, {**case, "model": case["twin"]}, bool(case["outer"]))
        return {"calls": calls, "twin": twin}


# --- the judge ----------------------------------------------------------------------------------


TIE_WORDS = {
    "twins": ", classes 1 and 2 (and the last two) always scoring the same (tied)",
    "dead_classes": ", the odd classes and the last dead (a score of exactly 0, often the top one, "
                    "shared)",
    "masked": ", the odd classes masked (a score of -inf), classes 0 and 2 always tied",
    "masked_all": ", every class masked (rows of -inf: every class tied)",
}


def described(case, k: int = 0, desc=None) -> str:
    desc = desc or case["model"]
    en, _ = irr.describe_model({**desc, "modes": setups(case)[k] if desc is case["model"]
                                else desc.get("modes", "train")})
    if classes(desc) != N_CLASSES:
        en += f", {classes(desc)} classes"
    en += TIE_WORDS.get(desc.get("ties"), "")
    x = case["x"]
    extra = [x["layout"]] if x.get("layout", "contiguous") != "contiguous" else []
    if x.get("requires_grad"):
        extra.append("X requires grad")
    how = case.get("as", "list")
    where = "" if case["outer"] else "with torch.no_grad(): "
    nth = f", call {k + 1} of {len(setups(case))}" if len(setups(case)) > 1 else ""
    return (f"{where}accuracy(model, batches) with {en}; batches of sizes {case['sizes']} as a "
            f"{how}{' (' + ', '.join(extra) + ')' if extra else ''}{nth}")


class Truth:
    """What the judge counts itself, on its own copy of the model and batches: the eval-mode
    predictions, the correct ones per batch, the examples whose top two scores are too close to
    tell apart across machines, and the answers of known mistakes."""

    def __init__(self, case, desc=None):
        desc = desc or case["model"]
        self.kinds = {name: type(m).__name__ for name, m in net_of(desc).named_modules()}
        net = net_of(desc)
        net.eval()
        self.sizes = [int(n) for n in case["sizes"]]
        self.counts, self.ties_any, self.unsure, self.accs = [], 0, 0, []
        self.tied = self.untied_correct = self.tied_target = self.last_tied = 0
        with one_thread(), torch.no_grad():
            for X, y in batches_of(desc, case):
                scores = net(X)
                hits = int((scores.argmax(dim=1) == y).sum())
                self.counts.append(hits)
                self.accs.append(hits / len(y))
                top = scores.max(dim=1).values
                on_top = scores == top.unsqueeze(1)
                self.ties_any += int((scores.gather(1, y.view(-1, 1)).squeeze(1) == top).sum())
                tied = on_top.sum(dim=1) > 1
                self.tied += int(tied.sum())
                self.untied_correct += int((scores.argmax(dim=1) == y)[~tied].sum())
                self.tied_target += int(on_top.gather(1, y.view(-1, 1)).squeeze(1)[tied].sum())
                last = on_top.shape[1] - 1 - on_top.flip(1).int().argmax(dim=1)
                self.last_tied += int((last == y).sum())
                s64 = scores.double().sort(dim=1, descending=True).values
                gap = s64[:, 0] - s64[:, 1]
                self.unsure += int(((gap > 0) & (gap <= 1e-5 * (1 + s64[:, 0].abs()))).sum())
        self.total = sum(self.sizes)
        self.correct = sum(self.counts)
        self.value = self.correct / self.total

    def right(self, got) -> bool:
        return type(got) is float and abs(got - self.value) <= TOL + self.unsure / self.total


def the_calls(case, seen) -> tuple[list[dict], dict | None]:
    call = described(case)
    calls = seen.get("calls") if isinstance(seen, dict) else None
    if not isinstance(calls, list) or not calls or not all(isinstance(c, dict) for c in calls):
        malformed("calls", call)
    if len(calls) != len(setups(case)) and "raised" not in calls[-1]:
        malformed("calls", call)
    twin = seen.get("twin")
    if case.get("twin") and "raised" not in calls[0] and len(setups(case)) and not isinstance(
            twin, dict):
        malformed("twin", call)
    return calls, twin if isinstance(twin, dict) and case.get("twin") else None


def say_raised(case, c, call):
    raised = c["raised"] if isinstance(c.get("raised"), dict) else {}
    kind, message = str(raised.get("type"))[:60], str(raised.get("message"))[:300]
    line = str(raised.get("line"))[:200]
    if NORM_REFUSED in message:
        fail(f"BatchNorm refused a batch of one example ({message}): it was in train mode, where "
             f"it normalises with the batch's own mean and variance, and one example has no "
             f"variance. In eval mode it uses its running statistics and any batch size works: "
             f"call `model.eval()` before evaluating.",
             f"BatchNorm 拒绝了只有一个样本的批量({message}):它处于训练模式,要用批量自己的均值和方差"
             f"归一化,而一个样本没有方差。评估模式下它用滑动统计量,任何批量大小都可以:评估前请调用 "
             f"`model.eval()`。", call=call, kata=KATA)
    if case.get("as") == "generator" and kind in ("TypeError", "ZeroDivisionError"):
        fail(f"accuracy raised {kind} ({message}) on batches given as a generator, at `{line}`: "
             f"a generator has no `len()`, and it can be walked only once (a second loop over it "
             f"finds nothing, so a count taken in one walk and the correct ones in another "
             f"cannot both be right). Walk `batches` once, counting the examples (`len(y)`) and "
             f"the correct predictions as you go.",
             f"对以生成器给出的批量,accuracy 在 `{line}` 抛出了 {kind}({message}):生成器没有 "
             f"`len()`,而且只能遍历一次(第二次遍历什么也得不到,所以一次遍历数样本、另一次数正确的,"
             f"不可能都对)。请只遍历 `batches` 一次,边走边累计样本数(`len(y)`)和正确数。",
             call=call, kata=KATA)
    if case["model"].get("kind") == "pair" and "tuple" in message:
        fail(f"accuracy raised {kind} ({message}) at `{line}`: X is whatever the model takes, "
             f"here a pair `(a, b)` for a model of two inputs, not a tensor with a shape or "
             f"a length of its own. Pass X to the model as it is, and count the examples by the "
             f"targets: `len(y)`.",
             f"accuracy 在 `{line}` 抛出了 {kind}({message}):X 是模型所接受的任何东西,这里是一个"
             f"两输入模型的二元组 `(a, b)`,不是带有自己形状或长度的张量。请把 X 原样交给模型,并按目标"
             f"来数样本:`len(y)`。", call=call, kata=KATA)
    if 1 in case["sizes"]:
        fail(f"accuracy raised {kind} ({message}) at `{line}`, on batches of sizes "
             f"{case['sizes']}: a batch of a single example is in scope. Its scores have shape "
             f"(1, C); a `.squeeze()` makes them (C,), and `argmax(dim=1)` finds no dim 1. "
             f"Keep the batch axis: `model(X).argmax(dim=1)`.",
             f"accuracy 在 `{line}` 抛出了 {kind}({message}),批量大小为 {case['sizes']}:只有一个"
             f"样本的批量也在范围内。它的分数形状是 (1, C);`.squeeze()` 会把它变成 (C,),"
             f"`argmax(dim=1)` 就找不到第 1 维了。请保留批量这一维:`model(X).argmax(dim=1)`。",
             call=call, kata=KATA)
    fail(f"accuracy raised {kind}: {message} (at `{line}`).",
         f"accuracy 抛出了 {kind}:{message}(位置:`{line}`)。", call=call, kata=KATA)


def check_answer(case, c, call, truth, *, twin=False):
    """One call's answer: the fraction correct over all examples in eval mode, a Python float, or
    a failure that names what was measured."""
    if "raised" in c:
        say_raised(case, c, call)
    got = c.get("result")
    want = truth.value
    if truth.right(got):
        return
    if isinstance(got, Seen) or isinstance(got, Other) or type(got) is not float:
        if isinstance(got, Seen) or (isinstance(got, Other) and got.value is not None) or type(
                got) is int:
            fail("accuracy must return a Python float: take `.item()` of the counts, or divide "
                 "two Python numbers (a tensor keeps its device, and its graph if it has one; "
                 "`json.dump` refuses it).",
                 "accuracy 必须返回 Python float:对计数取 `.item()`,或者用两个 Python 数相除(张量会带着它"
                 "的设备,如果有计算图也会带着;`json.dump` 也不接受它)。",
                 call=call, got=f"{shown(c.get('type'))}: {shown(got)}", expected=want, kata=KATA)
        fail("accuracy must return the fraction correct, a Python float.",
             "accuracy 必须返回正确的比例,一个 Python float。",
             call=call, got=shown(got), expected=want, kata=KATA)
    layers = c.get("train_layers")
    layers = [n for n in layers if isinstance(n, str)] if isinstance(layers, list) else []
    matter = [n for n in layers if truth.kinds.get(n) not in STATELESS]
    if matter:
        named = ", ".join(f"{n} ({truth.kinds.get(n, '?')})" for n in matter[:12])
        dropouts = [n for n in matter if "Dropout" in truth.kinds.get(n, "")]
        changed = c.get("changed")
        parts_en = [f"the model was evaluated in train mode: during the forward passes these "
                    f"layers were in train mode: {named}."]
        parts_zh = [f"模型是在训练模式下评估的:前向传播时这些层处于训练模式:{named}。"]
        if dropouts:
            parts_en.append("So dropout was left on: in train mode it zeroes a random part of the "
                            "activations at every call, and the accuracy is lower and changes "
                            "from run to run.")
            parts_zh.append("所以 dropout 没有关闭:训练模式下它每次调用都会随机置零一部分激活值,"
                            "准确率偏低,而且每次运行都不同。")
        if isinstance(changed, list) and changed:
            parts_en.append("And BatchNorm's running statistics changed: in train mode it "
                            "normalises with each batch's own statistics and moves its running "
                            "mean and variance towards them, so every evaluation drags the model "
                            "towards the test data.")
            parts_zh.append("而且 BatchNorm 的滑动统计量被改变了:训练模式下它用每个批量自己的统计量"
                            "归一化,并把滑动均值和方差往它们靠拢,于是每次评估都把模型往测试数据拉。")
        parts_en.append("Call `model.eval()` before evaluating: it reaches every module, however "
                        "deep, where `torch.no_grad()` switches none of them, `model.eval` without "
                        "the call does nothing, and switching only some layer types misses the "
                        "others.")
        parts_zh.append("评估前请调用 `model.eval()`:它会到达每个模块,无论多深;而 `torch.no_grad()` "
                        "一个也不会切换,不加括号的 `model.eval` 什么也不做,只切换某些类型的层会漏掉"
                        "其他的。")
        fail(" ".join(parts_en), "".join(parts_zh), call=call, got=got, expected=want, kata=KATA)
    shown_values = dict(call=call, got=got, expected=want, kata=KATA)
    k = len(truth.sizes)
    if case.get("as") == "generator" and got == 0.0 and want > 0:
        fail("accuracy is 0.0 on batches given as a generator: a generator can be walked only "
             "once, and the loop that counted the correct predictions found it already used up "
             "(by a first walk that counted the examples, `list(batches)` or a `len` taken "
             "through it). Walk `batches` once, counting the examples (`len(y)`) and the correct "
             "predictions as you go.",
             "对以生成器给出的批量,accuracy 是 0.0:生成器只能遍历一次,数正确预测的那个循环拿到它时"
             "它已经被用完了(先遍历一遍数样本、`list(batches)`,或者借它算 `len`)。请只遍历 "
             "`batches` 一次,边走边累计样本数(`len(y)`)和正确数。", **shown_values)
    if k > 1 and len(set(truth.sizes)) > 1 and abs(got - sum(truth.accs) / k) <= TOL:
        fail(f"this is the mean of the batch accuracies, not the accuracy over all examples: the "
             f"batches hold {truth.sizes} examples, and a short one weighs as much as the others. "
             f"Count the correct predictions and the examples over all the batches, then divide "
             f"once.",
             f"这是各批量准确率的平均,而不是所有样本上的准确率:各批量分别有 {truth.sizes} 个样本,较小的"
             f"批量却与其他批量同等权重。请在所有批量上累计正确数和样本数,最后只除一次。", **shown_values)
    if truth.ties_any != truth.correct and abs(got - truth.ties_any / truth.total) <= TOL:
        fail("an example whose top score is shared by several classes was counted as correct "
             "whichever of them its target is (`scores[target] == scores.max()`): the "
             "prediction is one class, the first of the tied ones, as `argmax(dim=1)` gives it.",
             "最高分被几个类别并列的样本,只要目标是其中之一就被算作正确(`scores[target] == "
             "scores.max()`):预测是一个类别,即并列中的第一个,也就是 `argmax(dim=1)` 给出的那个。",
             **shown_values)
    if abs(got - 100 * want) <= 100 * TOL and want:
        fail("this is a percentage: accuracy returns the fraction, between 0 and 1.",
             "这是百分数:accuracy 返回的是比例,在 0 和 1 之间。", **shown_values)
    if k > 1 and abs(got - truth.accs[-1]) <= TOL and abs(truth.accs[-1] - want) > TOL:
        fail("this is the accuracy of the last batch alone: the counts were reset inside the loop "
             "over the batches. Start them at zero once, before the loop.",
             "这只是最后一个批量的准确率:计数在遍历批量的循环里被清零了。请在循环之前把它们置零一次。",
             **shown_values)
    if k > 1 and abs(got - truth.accs[0]) <= TOL and abs(truth.accs[0] - want) > TOL:
        fail("this is the accuracy of the first batch alone: the function returned inside the "
             "loop over the batches. Return after the loop.",
             "这只是第一个批量的准确率:函数在遍历批量的循环里就返回了。请在循环结束之后再返回。",
             **shown_values)
    divisors = diagnose.divisor_causes(truth.total, truth.sizes)
    if case["model"].get("kind") == "pair" and not twin:
        divisors = [(2.0 * k, (
            f"divided the correct predictions by {2 * k}, `len(X)` summed over the {k} batches: "
            f"X is a pair `(a, b)` for this model, so `len(X)` is 2, not the number of examples. "
            f"Count the examples by the targets: `len(y)`.",
            f"把正确数除以了 {2 * k},即 {k} 个批量的 `len(X)` 之和:这个模型的 X 是二元组 `(a, b)`,"
            f"`len(X)` 是 2,而不是样本数。请按目标来数样本:`len(y)`。"))] + divisors
    cause = diagnose.matching(diagnose.implied_divisor(truth.correct, got), divisors, rtol=1e-6)
    if cause is not None:
        fail(f"accuracy {cause[0]}", f"accuracy {cause[1]}", **shown_values)
    hits = got * truth.total
    if truth.tied and abs(hits - round(hits)) <= 1e-6 * truth.total and (
            truth.untied_correct <= round(hits) <= truth.untied_correct + truth.tied_target):
        last = (" (here exactly the last of the tied classes each time)"
                if abs(got - truth.last_tied / truth.total) <= TOL else "")
        last_zh = "(这里每次恰好都是并列中的最后一个)" if last else ""
        fail(f"the examples whose top score is not shared are counted right, but of the "
             f"{truth.tied} examples whose top score is shared by several classes, some were "
             f"predicted as another of the tied classes than the first{last}: the prediction is "
             f"the first of the tied classes, as `argmax(dim=1)` (or `max(dim=1).indices`) gives "
             f"it. `topk(1)` and `sort(descending=True)` may return any of the tied classes (on "
             f"the CPU `topk` does from 4 classes on, an unstable sort from 33 on).",
             f"最高分不并列的样本都数对了,但在最高分被几个类别并列的 {truth.tied} 个样本中,有些被预测成了"
             f"并列类别中第一个以外的类别{last_zh}:预测是并列类别中的第一个,也就是 `argmax(dim=1)`"
             f"(或 `max(dim=1).indices`)给出的那个。`topk(1)` 和 `sort(descending=True)` 可能返回任何"
             f"一个并列类别(在 CPU 上,`topk` 从 4 个类别起就会这样,不稳定的排序从 33 个起)。",
             **shown_values)
    fail("this is not the fraction of examples whose highest-scoring class (`argmax(dim=1)`) "
         "equals the target, over all the examples.",
         "这不是所有样本中最高分类别(`argmax(dim=1)`)等于目标的样本所占的比例。", **shown_values)


def check_answers(case, seen):
    """Every call's answer (and the second model's) is right: the value claim every other claim
    starts with, so that an answer that does nothing earns nothing."""
    calls, twin = the_calls(case, seen)
    truth = Truth(case)
    for k, c in enumerate(calls):
        check_answer(case, c, described(case, k), truth)
    if twin is not None:
        check_answer(case, twin, described(case, desc=case["twin"]) + " (a second model)",
                     Truth(case, case["twin"]), twin=True)
    return calls, twin


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


@settings(max_examples=10)
@claim(evaluated)
def test_accuracy_is_the_fraction_correct_over_all_examples_in_eval_mode(case, seen):
    check_answers(case, seen)


@settings(max_examples=4)
@claim(evaluated)
def test_evaluating_changes_nothing_in_the_model(case, seen):
    calls, twin = check_answers(case, seen)
    for k, c in [*enumerate(calls), *([(-1, twin)] if twin else [])]:
        desc = case["twin"] if k < 0 else case["model"]
        call = described(case, max(k, 0), None if k >= 0 else desc)
        check_state(c, net_of(desc), call, "accuracy")
        flags = [p.requires_grad for p in net_of(desc).parameters()]
        got = c.get("requires_grad")
        if got != flags:
            turned = sum(1 for a, b in zip(got if isinstance(got, list) else [], flags) if a != b)
            fail(f"accuracy changed which parameters require grad ({turned} of {len(flags)}): "
                 f"switching `requires_grad` off and back on is not `torch.no_grad()`, and "
                 f"`model.requires_grad_(True)` afterwards unfreezes parameters the caller had "
                 f"frozen. Leave the flags alone and evaluate under `torch.no_grad()`.",
                 f"accuracy 改变了哪些参数需要梯度({len(flags)} 个中变了 {turned} 个):关掉再打开 "
                 f"`requires_grad` 不等于 `torch.no_grad()`,事后 `model.requires_grad_(True)` 还会把"
                 f"调用方冻结的参数解冻。请不要动这些标志,在 `torch.no_grad()` 下评估。",
                 call=call, got=shown(got), expected=shown(flags), kata=KATA)


@settings(max_examples=4)
@claim(evaluated)
def test_no_graph_is_recorded_while_evaluating(case, seen):
    calls, twin = check_answers(case, seen)
    for k, c in enumerate(calls):
        call = described(case, k)
        graph = c.get("grad_on") is not False or c.get("out_grad") is not False
        if graph and c.get("params_grad") is False and c.get("grad_on") is True:
            fail("the forward passes built a graph: the parameters' `requires_grad` was switched "
                 "off instead of recording, so autograd still recorded every operation on an X "
                 "that requires grad (and the flags put back wholesale unfreeze what the caller "
                 "froze). `torch.no_grad()` switches recording off for every input: evaluate "
                 "under it.",
                 "前向传播建立了计算图:关掉的是参数的 `requires_grad`,而不是记录,所以 autograd 仍然记录"
                 "了对需要梯度的 X 的每个运算(一刀切地把标志改回去还会解冻调用方冻结的参数)。"
                 "`torch.no_grad()` 对每个输入都关闭记录:请在它下面评估。",
                 call=call, got=f"grad enabled during the forward: True, output requires grad: "
                                f"{shown(c.get('out_grad'))}", expected="no graph", kata=KATA)
        if graph or c.get("saved") != 0:
            fail("the forward passes built a graph: autograd was recording, and saved the "
                 "intermediate results of every layer for a backward that never comes (memory "
                 "and time for nothing). Evaluate under `with torch.no_grad():` (a bare "
                 "`torch.no_grad()` statement makes a context manager and throws it away).",
                 "前向传播建立了计算图:autograd 在记录,为一个永远不会发生的反向传播保存了每一层的中间结果"
                 "(白白耗费内存和时间)。请在 `with torch.no_grad():` 下评估(单独一句 `torch.no_grad()` "
                 "只是创建了上下文管理器又把它丢掉)。",
                 call=call, got=f"grad enabled during the forward: {shown(c.get('grad_on'))}, "
                                f"output requires grad: {shown(c.get('out_grad'))}, "
                                f"{shown(c.get('saved'))} tensors saved for backward",
                 expected="no graph", kata=KATA)


@settings(max_examples=6)
@claim(evaluated)
def test_every_module_gets_its_own_mode_back(case, seen):
    calls, twin = check_answers(case, seen)
    earlier = []
    restored_first = False
    for k, c in enumerate(calls):
        call = described(case, k)
        before = diagnose.modes(net_of(case["model"], setups(case)[k]))
        after = c.get("modes_after")
        if after != before:
            mistake = diagnose.earlier_modes(before, earlier, after) or diagnose.restore_mistake(
                lambda: net_of(case["model"], setups(case)[k]), after)
            lost(mistake, before, after, call)
        earlier.append(before)
        restored_first |= k == 0
        if k == 0 and twin is not None:
            before = diagnose.modes(net_of(case["twin"]))
            after = twin.get("modes_after")
            if after != before:
                call = described(case, desc=case["twin"]) + " (a second model, after the first)"
                if restored_first and isinstance(after, dict) and not any(
                        v is True for v in after.values()):
                    fail("the first model got its modes back, but a second model evaluated after "
                         "it was left in eval mode: the modes put back were those remembered at "
                         "the first call (a global, a cache filled once, a default argument), "
                         "not the second model's. Read the modes anew at every call.",
                         "第一个模型恢复了模式,但之后评估的第二个模型却被留在了评估模式:恢复的是第一次"
                         "调用时记下的模式(全局变量、只填一次的缓存、默认参数),而不是第二个模型的。"
                         "请在每次调用时重新读取模式。",
                         call=call, got=changes(before, after),
                         expected="every module in the mode it was in", kata=KATA)
                lost(diagnose.restore_mistake(lambda: net_of(case["twin"]), after), before, after,
                     call)


def changes(before, after) -> str:
    if isinstance(after, dict) and set(after) == set(before) and all(
            isinstance(v, bool) for v in after.values()):
        return diagnose.mode_changes(before, after)
    return shown(after)


def lost(mistake, before, after, call):
    if mistake is None:
        mistake = ("the modules did not get their own modes back: remember each module's mode "
                   "before `model.eval()` (`[(m, m.training) for m in model.modules()]`), and "
                   "put each one back.",
                   "模块没有恢复各自的模式:请在 `model.eval()` 之前记下每个模块的模式"
                   "(`[(m, m.training) for m in model.modules()]`),再逐个恢复。")
    fail(*mistake, call=call, got=changes(before, after),
         expected="every module in the mode it was in", kata=KATA)


@settings(max_examples=4)
@claim(evaluated)
def test_the_callers_grad_mode_and_random_state_are_left_alone(case, seen):
    calls, twin = check_answers(case, seen)
    outer = bool(case["outer"])
    for k, c in enumerate(calls):
        call = described(case, k) + "; torch.is_grad_enabled()"
        after = c.get("grad_mode_after")
        if after is not outer and outer:
            fail("autograd is still switched off after accuracy: `torch.set_grad_enabled(False)` "
                 "(or `torch.no_grad().__enter__()`) switches recording off for the whole "
                 "program, and the training that follows records nothing. Use "
                 "`with torch.no_grad():`, which restores the mode on the way out.",
                 "accuracy 之后 autograd 仍然是关闭的:`torch.set_grad_enabled(False)`(或者 "
                 "`torch.no_grad().__enter__()`)会对整个程序关闭记录,之后的训练什么都不记录。请使用 "
                 "`with torch.no_grad():`,离开时会恢复原来的模式。",
                 call=call, got=shown(after), expected="True", kata=KATA)
        if after is not outer:
            fail("autograd is switched on after accuracy, where the caller had it off (inside "
                 "its `torch.no_grad()`): the mode was put back to True, a constant, not to what "
                 "it was. `with torch.no_grad():` restores the caller's own mode on the way out.",
                 "调用方原本关闭了 autograd(在它的 `torch.no_grad()` 里),accuracy 之后它却是打开的:"
                 "模式被恢复成了常量 True,而不是原来的样子。`with torch.no_grad():` 离开时会恢复调用方"
                 "自己的模式。", call=call, got=shown(after), expected="False", kata=KATA)
        if c.get("rng_same") is not True:
            fail("accuracy changed the global random generator's state (`torch.manual_seed`, or "
                 "random numbers drawn): an evaluation in eval mode draws nothing, and the "
                 "caller's next shuffle or dropout mask must not depend on whether it evaluated. "
                 "If the answers differed from call to call, the cause is train mode, not the "
                 "seed: call `model.eval()`.",
                 "accuracy 改变了全局随机数生成器的状态(`torch.manual_seed`,或者抽取了随机数):评估模式下"
                 "的评估什么都不抽取,调用方下一次打乱或 dropout 掩码不应取决于它是否评估过。如果每次调用"
                 "结果不同,原因是训练模式,而不是种子:请调用 `model.eval()`。",
                 call=described(case, k), got="the random state changed", expected="unchanged",
                 kata=KATA)
