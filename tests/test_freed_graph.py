"""freed_graph: losses logged as Python floats, one graph per step let go once the step is over,
and two gradients through one shared forward pass, each on its own.

Each test is a claim (dojo/spec.py): an observer builds what a case describes (plain data), calls
the kata and returns what it did as plain data; the judge decides from that data alone.

`train_logging_losses`: a case describes a small model, its optimizer and the batches (the model
and the data come from the case's seed alone). The observer watches the call: the history it
returned (each item's type and number), the model's forward passes (and their mode), the order of
`zero_grad`, backward and `step` (`dojo.diagnose.CallOrder`), and how long each step's graph
lives: a token held by each loss's backward node (alive as long as the graph's nodes are), a weak
reference to each loss tensor, and every tensor the graph saved for backward
(`saved_tensors_hooks`: what `retain_graph=True` keeps). The judge replays the plain loop itself
on the same setup (dropout draws the same masks: the global generator is seeded from the case
before the call) and compares: the losses, the parameters, BatchNorm's statistics.

`grads_of_two_losses`: a case describes x, w, a and b. The observer counts the tanh calls of each
call through every API (a TorchFunctionMode), and returns the two results, what `w.grad` held
before, and the values and `.grad` of every input afterwards. The judge computes both gradients
itself in float64, with a tolerance built from the sizes of the terms of each sum (a few units of
the dtype's rounding), and names a mistake only where its own computation of that mistake matches
what came back and the right value does not.

Irregular inputs (docs/CONTRIBUTING.md): float64 models and inputs; parameters holding gradients
before the call, a frozen parameter (`.grad` None), w.grad None, zeros or values, x, a, b that
require grad (x a leaf, or computed from one); transposed, sliced and expanded x, w, a, b, a
sliced X; losses around 1e-6, an inf or nan target, a batch of 1, uneven batch sizes, no batch
at all, a zero row of x (h @ b exactly 0), a gradient 1e9 times the other, tiny and large x, a
single example x (1-d), matrix a and b; two calls in a row (a history or an h kept between them);
batches as a list, a tuple, a generator, an iterator and a DataLoader; dropout (the global
generator, seeded from the case) and BatchNorm. Left out: float16 and bfloat16 (for the two
gradients, whether h @ b is above or below 0 is decided by their rounding, so abs' derivative is
not defined to their precision; for training nothing differs from float32); a caller inside
`torch.no_grad()` (the stub: autograd is on); randomness in grads_of_two_losses (it draws
nothing); exceptions (the contract raises none: every one a learner's code raises is reported as
data, with the input it came on).
"""

from __future__ import annotations

import gc
import json
import math
import re
import traceback
import warnings
import weakref
from contextlib import contextmanager
from pathlib import Path

import torch
import torch.nn.functional as F
from hypothesis import settings
from hypothesis import strategies as st
from torch import nn
from torch.overrides import TorchFunctionMode

from dojo import diagnose, i18n
from dojo import irregular as irr
from dojo.explain import KNOWN
from dojo.spec import Seen, claim, observe
from dojo.testing import fail, show

KATA = "freed_graph"
FREED = r"backward through the graph a second time"
MODIFIED = r"modified by an inplace operation"


@contextmanager
def one_thread():
    """Tiny models on one thread: the same sums in the learner's process, the grader's job and
    the judge's replay."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def learner_line(kata, err) -> str | None:
    """The line of the learner's file an exception came from (the last one in its traceback)."""
    path = getattr(kata, "path", None)
    if path is None:
        return None
    at = None
    for frame in traceback.extract_tb(err.__traceback__):
        try:
            if Path(frame.filename).resolve() == Path(path).resolve():
                at = f"line {frame.lineno}: {(frame.line or '').strip()}"
        except (OSError, ValueError):
            continue
    return at


def error_data(kata, err) -> dict:
    return {"type": type(err).__name__, "text": str(err)[:600], "at": learner_line(kata, err)}


# --- reading what crossed: nothing in `seen` is trusted ----------------------------------------


def malformed(what: str, call: str):
    fail(f"the observation of this call came back malformed (`{what}`).",
         f"这次调用的观测数据格式不对(`{what}`)。", call=call, kata=KATA)


def count(value) -> int | None:
    return value if type(value) is int and value >= 0 else None


def number(value) -> float | None:
    return float(value) if type(value) in (int, float) else None


def text(value, default: str = "") -> str:
    return value if isinstance(value, str) else default


def same_float(a: float, b: float, rtol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rtol * abs(b) + 1e-300


def shown(values) -> str:
    try:
        return show([float(v) for v in values], 6)
    except Exception:  # noqa: BLE001 - whatever came: its repr
        return show(values)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}{'es' if word.endswith('ch') else 's'}"


def meaning(message: str):
    for pattern, en, zh in KNOWN:
        if re.search(pattern, message):
            return en, zh
    return None


# ==============================================================================================
# train_logging_losses
# ==============================================================================================
#
# A case: {"seed", "net": mlp | dropout | batchnorm | frozen, "dtype": float32 | float64,
# "sizes": [batch sizes], "as": list | tuple | generator | iterator | dataloader, "stale": the
# parameters hold gradients when the call starts, "small": targets and last layer scaled by 1e-3,
# "nonfinite": None | "inf" | "nan" in the target of batch "at" (first call), "x_layout":
# contiguous | sliced, "calls": 1 or 2 (a second epoch on new batches, same model and optimizer)}.

TRAIN = {"net": "mlp", "dtype": "float32", "sizes": [4, 4, 4], "as": "list", "stale": False,
         "small": False, "nonfinite": None, "at": 0, "x_layout": "contiguous", "calls": 1}
LOSS_RTOL = {"float32": 8 * 2.0**-23, "float64": 8 * 2.0**-52}


def tcase(case) -> dict:
    return {**TRAIN, **case}


class Setup:
    """The model, the optimizer and the batches of each call that a case describes, built from
    its seed alone (the global generator is left as it was)."""

    def __init__(self, case):
        d = tcase(case)
        self.d = d
        gen = torch.Generator().manual_seed(int(d["seed"]))
        dtype = irr.dtype(d["dtype"])
        with torch.random.fork_rng(devices=[]):  # nn.Linear draws its default init
            layers = [nn.Linear(3, 5)]
            if d["net"] == "batchnorm":
                layers.append(nn.BatchNorm1d(5))
            layers.append(nn.Tanh())
            if d["net"] == "dropout":
                layers.append(nn.Dropout(0.5))
            layers.append(nn.Linear(5, 1))
            model = nn.Sequential(*layers).to(dtype)
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64) * 0.5)
            if d["small"]:
                model[-1].weight.mul_(1e-3)
                model[-1].bias.mul_(1e-3)
        if d["net"] == "frozen":
            model[0].bias.requires_grad_(False)
        if d["net"] == "unused":  # a parameter of the model that the forward pass never reads
            model[0].register_parameter(
                "spare", nn.Parameter(torch.randn(2, generator=gen, dtype=torch.float64).to(dtype)))
        if d["stale"]:
            for p in model.parameters():
                if p.requires_grad:
                    p.grad = torch.randn(p.shape, generator=gen, dtype=torch.float64).to(dtype)
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        true_w = torch.randn(3, 1, generator=gen, dtype=torch.float64)
        scale = 1e-3 if d["small"] else 1.0
        self.epochs = []
        for call in range(int(d["calls"])):
            batches = []
            for n in d["sizes"]:
                wide = torch.randn(int(n), 6, generator=gen, dtype=torch.float64)
                X = wide[:, :3]
                y = (X @ true_w + 0.1 * torch.randn(int(n), 1, generator=gen,
                                                    dtype=torch.float64)) * scale
                if d["x_layout"] == "sliced":
                    X = wide.to(dtype)[:, ::2]  # the same kind of values, non-contiguous
                else:
                    X = X.to(dtype)
                batches.append((X, y.to(dtype)))
            if call == 0 and d["nonfinite"] and int(d["at"]) < len(batches):
                X, y = batches[int(d["at"])]
                y = y.clone()
                y[0, 0] = float(d["nonfinite"])
                batches[int(d["at"])] = (X, y)
            self.epochs.append(batches)


def handed(batches: list, how: str):
    """The batches as the case hands them over."""
    if how == "tuple":
        return tuple(batches)
    if how == "generator":
        return (b for b in batches)
    if how == "iterator":
        return iter(batches)
    if how == "dataloader":  # its own generator: iterating draws nothing from the global one
        return torch.utils.data.DataLoader(batches, batch_size=None,
                                           generator=torch.Generator().manual_seed(0))
    return list(batches)


def train_seed(case) -> int:
    return int(case["seed"]) % 2**63


# --- the observer ------------------------------------------------------------------------------


class _Graph:
    """A token that a loss's backward node holds (in its metadata): alive as long as the node."""


class _Saved:
    """What autograd saved for backward, boxed (saved_tensors_hooks): alive as long as the
    graph keeps it (backward frees it; `retain_graph=True` keeps it until the graph goes)."""

    def __init__(self, t, forward):
        self.t, self.forward = t, forward


class Watch:
    """One call of train_logging_losses, watched."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.graphs: list = []  # weak references to the tokens of the losses with a graph
        self.losses: list = []  # ... to the loss tensors
        self.outputs: list = []  # ... to the tokens of the model's outputs with a graph
        self.saved: list = []  # ... to what the graphs saved
        self.loss_calls = 0
        self.forward = 0
        self.modes: list = []
        self.older: list = []  # per loss_fn call, of earlier steps: [graphs, loss tensors,
        #                        model outputs' graphs] still alive
        self.saved_alive: list = []  # per forward: saved tensors of earlier forwards alive

    def alive(self, refs) -> int:
        return sum(r() is not None for r in refs)

    def loss_fn(self, prediction, target):
        self.loss_calls += 1
        # the previous loss (and output) may still sit in the loop's variables until this
        # step's replace them; the output of this step's forward is the last one
        older = (self.graphs[:-1], self.losses[:-1], self.outputs[:-2])
        found = [self.alive(refs) for refs in older]
        if any(found):
            gc.collect(1)  # young cyclic garbage is not kept on purpose
            found = [self.alive(refs) for refs in older]
        self.older.append(found)
        loss = F.mse_loss(prediction, target)
        if loss.grad_fn is not None:
            token = _Graph()
            loss.grad_fn.metadata["dojo_graph"] = token
            self.graphs.append(weakref.ref(token))
            self.losses.append(weakref.ref(loss))
        return loss

    def on_forward(self, module, args):
        self.forward += 1
        self.modes.append(module.training)
        self.saved_alive.append(sum(1 for r in self.saved
                                    if (s := r()) is not None and s.forward < self.forward))

    def on_output(self, module, args, output):
        if isinstance(output, torch.Tensor) and output.grad_fn is not None:
            token = _Graph()
            output.grad_fn.metadata["dojo_output"] = token
            self.outputs.append(weakref.ref(token))

    def pack(self, t):
        box = _Saved(t, self.forward)
        self.saved.append(weakref.ref(box))
        return box

    def call(self, kata, batches):
        s = self.setup
        watched = s.model[-1].weight  # always trainable
        hook = s.model.register_forward_pre_hook(self.on_forward)
        out_hook = s.model.register_forward_hook(self.on_output)
        order = diagnose.CallOrder(s.optimizer, watched)
        result, raised = None, None
        try:
            with torch.autograd.graph.saved_tensors_hooks(self.pack, lambda box: box.t):
                result = kata.train_logging_losses(s.model, s.optimizer, self.loss_fn,
                                                   handed(batches, s.d["as"]))
        except NotImplementedError:
            raise  # not started: the plugin says so
        except Exception as err:  # noqa: BLE001 - the learner's: data, with its input
            raised = error_data(kata, err)
        finally:
            order.close()
            hook.remove()
            out_hook.remove()
        record = {
            "raised": raised,
            "type": type(result).__name__,
            "is_list": type(result) is list,
            "items": items_of(result),
            "loss_calls": self.loss_calls,
            "graph_calls": len(self.graphs),
            "forwards": self.forward,
            "modes": self.modes[:200],
            "events": [[k, h] for k, h in order.events][:400],
            "older": self.older[:200],
            "saved_alive": self.saved_alive[:200],
        }
        if raised is None:
            kinds = (self.graphs, self.losses, self.outputs)
            found = [self.alive(refs) for refs in kinds]
            if any(found):
                gc.collect(1)
                found = [self.alive(refs) for refs in kinds]
            if any(found):
                gc.collect()
                found = [self.alive(refs) for refs in kinds]
            # counted while the history is still held, as the caller holds it
            record["after"] = dict(zip(("graphs", "losses", "outputs"), found))
        return result, record


def items_of(history) -> list | None:
    """Each item of a returned list or tuple: its type, whether it is a Python float, its number
    where it has one, and for a tensor what autograd says of it."""
    if not isinstance(history, (list, tuple)):
        return None
    out = []
    for v in list(history)[:200]:
        kind = type(v)
        item = {"type": f"{kind.__module__}.{kind.__qualname__}"[:120],
                "float": kind is float, "value": None, "tensor": isinstance(v, torch.Tensor),
                "grad_fn": None, "requires_grad": False, "numel": None}
        if isinstance(v, torch.Tensor):
            item["grad_fn"] = type(v.grad_fn).__name__ if v.grad_fn is not None else None
            item["requires_grad"] = bool(v.requires_grad)
            item["numel"] = int(v.numel())
            if v.numel() == 1 and (v.is_floating_point() or not v.is_complex()):
                item["value"] = float(v.detach().double().reshape(-1)[0])
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    item["value"] = float(v)
            except Exception:  # noqa: BLE001 - not a number
                pass
        out.append(item)
    return out


TRAIN_EXAMPLES = [
    # the article's loop: an MLP, uneven batches in a list
    {"seed": 1, "sizes": [4, 6, 3, 5, 2]},
    # float64 losses, batches from a generator (no len(), no indexing)
    {"seed": 2, "dtype": "float64", "sizes": [3, 3, 3, 3, 3, 3], "as": "generator"},
    # dropout: every forward pass draws a mask from the global generator; a DataLoader
    {"seed": 3, "net": "dropout", "sizes": [4, 4, 4, 4], "as": "dataloader"},
    # BatchNorm: every forward pass in train mode moves its running statistics; an iterator
    {"seed": 4, "net": "batchnorm", "sizes": [4, 5, 3], "as": "iterator"},
    # gradients left in .grad before the call must not reach the first step
    {"seed": 5, "stale": True, "sizes": [4, 4, 4]},
    # a frozen parameter (its .grad stays None), batches in a tuple
    {"seed": 6, "net": "frozen", "sizes": [5, 3, 4], "as": "tuple"},
    # a parameter the forward pass never reads: a .grad of None stays None; one it held goes
    {"seed": 12, "net": "unused", "sizes": [3, 4], "as": "generator"},
    {"seed": 13, "net": "unused", "sizes": [4, 2, 3], "stale": True},
    {"seed": 14, "net": "frozen", "sizes": [], "as": "list"},
    # an inf target: the loss of batch 2 is inf, the parameters nan from then on
    {"seed": 7, "nonfinite": "inf", "at": 2, "sizes": [4, 4, 4, 4]},
    # losses around 1e-6, float64
    {"seed": 8, "small": True, "dtype": "float64", "sizes": [4, 4, 4]},
    # a second call: its own list, the same model and optimizer
    {"seed": 9, "calls": 2, "sizes": [3, 4, 2], "as": "iterator"},
    # no batches at all
    {"seed": 10, "sizes": [], "as": "generator"},
    # batches of one, X sliced (non-contiguous), a nan target
    {"seed": 11, "sizes": [1, 1, 2], "x_layout": "sliced", "nonfinite": "nan", "at": 1},
]


@st.composite
def train_cases(draw):
    net = draw(st.sampled_from(["mlp", "dropout", "batchnorm", "frozen", "unused"]))
    low = 2 if net == "batchnorm" else 1  # BatchNorm refuses a training batch of one
    sizes = draw(st.lists(st.integers(low, 6), min_size=0, max_size=5))
    case = {"seed": draw(irr.seeds()), "net": net, "sizes": sizes,
            "dtype": draw(st.sampled_from(["float32", "float64"])),
            "as": draw(st.sampled_from(["list", "tuple", "generator", "iterator", "dataloader"])),
            "stale": draw(st.booleans()), "calls": draw(st.sampled_from([1, 1, 2])),
            "x_layout": draw(st.sampled_from(["contiguous", "sliced"]))}
    if draw(st.booleans()):
        case["small"] = True
    return case


@observe(examples=TRAIN_EXAMPLES, draw=train_cases())
def trained(kata, case):
    with one_thread():
        setup = Setup(case)
        torch.manual_seed(train_seed(case))  # dropout's masks: the judge's replay draws the same
        results, records = [], []
        for batches in setup.epochs:
            result, record = Watch(setup).call(kata, batches)
            results.append(result)
            records.append(record)
            if record["raised"] is not None:
                break
        if len(results) == 2 and records[1]["raised"] is None:
            records[0]["items_later"] = items_of(results[0])  # after the second call
            records[1]["same_list"] = results[1] is results[0]
        return {
            "calls": records,
            "grads": [None if p.grad is None else p.grad.detach()
                      for p in setup.model.parameters()],
            "params": [p.detach() for p in setup.model.parameters()],
            "buffers": [b.detach() for b in setup.model.buffers()],
        }


# --- the judge's replay ------------------------------------------------------------------------


class Replay:
    """The loop of the contract (or one of the known wrong ones: `variant`) run by the judge on
    the case's setup: the losses it logs per call, the parameters and buffers it leaves."""

    _cache: dict = {}

    def __new__(cls, case, variant=None):
        key = json.dumps([case, variant], sort_keys=True, default=str)
        found = cls._cache.get(key)
        if found is None:
            if len(cls._cache) > 64:
                cls._cache.clear()
            found = cls._cache[key] = super().__new__(cls)
            found.run(case, variant)
        return found

    def run(self, case, variant):
        with torch.random.fork_rng(devices=[]), one_thread():
            s = Setup(case)
            torch.manual_seed(train_seed(case))
            model, optimizer = s.model, s.optimizer
            self.histories = []
            for batches in s.epochs:
                history = []
                for X, y in batches:
                    if variant != "zero_grad_last":
                        optimizer.zero_grad()
                    loss = F.mse_loss(model(X), y)
                    if variant == "skip_nonfinite" and not torch.isfinite(loss):
                        continue
                    loss.backward()
                    logged = loss.item()
                    if variant == "second_forward":  # logged from a forward before the step
                        with torch.no_grad():
                            logged = F.mse_loss(model(X), y).item()
                    optimizer.step()
                    if variant == "after":  # logged from a forward after the step
                        with torch.no_grad():
                            logged = F.mse_loss(model(X), y).item()
                    if variant == "zero_grad_last":
                        optimizer.zero_grad()
                    history.append(logged)
                self.histories.append(history)
            self.params = [p.detach().clone() for p in model.parameters()]
            self.buffers = [b.detach().clone() for b in model.buffers()]


VARIANTS = {
    "after": (
        "each batch's loss was logged after its step: the figures are those of a second forward "
        "pass with the updated parameters, which measures the next model, not the loss this step "
        "trained on. Log `loss.item()` of the very loss you backpropagated.",
        "每个批次的损失是在它那一步更新之后记录的:这些数值来自用更新后的参数再做的一次前向传播,测的是"
        "下一个模型,而不是这一步训练所用的损失。请记录被反向传播的那个损失的 `loss.item()`。"),
    "second_forward": (
        "each batch's loss was logged from a second forward pass (under `torch.no_grad()`, "
        "before the step), not from the loss that was backpropagated: with dropout that pass "
        "draws another mask (and its draws shift every later mask), with BatchNorm it moves the "
        "running statistics a second time. A loss without a graph comes from the loss you "
        "already have: `loss.item()`.",
        "每个批次的损失来自第二次前向传播(在 `torch.no_grad()` 下、更新之前),而不是被反向传播的那个"
        "损失:有 dropout 时这次传播会抽另一个掩码(还会让之后的掩码全部错位),有 BatchNorm 时会再一次"
        "改变 running 统计量。不带计算图的损失直接从已有的损失得到:`loss.item()`。"),
}


# --- the judge: words ---------------------------------------------------------------------------

NET_WORDS = {
    "mlp": ("an MLP (Linear, Tanh, Linear)", "一个 MLP(Linear、Tanh、Linear)"),
    "dropout": ("an MLP with dropout (p=0.5) in train mode",
                "一个带 dropout(p=0.5)、处于训练模式的 MLP"),
    "batchnorm": ("an MLP with BatchNorm1d in train mode", "一个带 BatchNorm1d、处于训练模式的 MLP"),
    "frozen": ("an MLP whose first bias is frozen (requires_grad=False, its .grad None)",
               "一个第一层偏置被冻结(requires_grad=False,.grad 为 None)的 MLP"),
    "unused": ("an MLP with a parameter its forward pass never reads (`model[0].spare`)",
               "一个带有前向传播从不读取的参数(`model[0].spare`)的 MLP"),
}
AS_WORDS = {"list": ("a list", "列表"), "tuple": ("a tuple", "元组"),
            "generator": ("a generator (no len(), no indexing)", "生成器(没有 len(),不能索引)"),
            "iterator": ("an iterator, `iter(list)` (no len(), no indexing)",
                         "迭代器 `iter(list)`(没有 len(),不能索引)"),
            "dataloader": ("a DataLoader (no indexing)", "DataLoader(不能索引)")}


def setup_words(case) -> tuple[str, str]:
    d = tcase(case)
    net_en, net_zh = NET_WORDS.get(d["net"], NET_WORDS["mlp"])
    as_en, as_zh = AS_WORDS.get(d["as"], AS_WORDS["list"])
    sizes = list(d["sizes"])
    en = (f"{net_en}, {d['dtype']}, SGD(lr=0.1, momentum=0.5), {len(sizes)} batches of "
          f"sizes {sizes} given as {as_en}")
    zh = (f"{d['dtype']} 的{net_zh},SGD(lr=0.1, momentum=0.5),{len(sizes)} 个批次(大小 {sizes}),"
          f"以{as_zh}传入")
    if d["stale"]:
        en += ", every parameter holding a gradient when the call starts"
        zh += ",调用开始时每个参数的 .grad 里已经有梯度"
    if d["small"]:
        en += ", targets and last layer scaled by 1e-3 (losses around 1e-6)"
        zh += ",目标值和最后一层缩小到 1e-3 倍(损失在 1e-6 左右)"
    if d["nonfinite"] and int(d["at"]) < len(sizes):
        en += f", a target of batch {d['at']} set to {d['nonfinite']}"
        zh += f",第 {d['at']} 个批次的一个目标值是 {d['nonfinite']}"
    if d["x_layout"] == "sliced":
        en += ", X sliced (non-contiguous)"
        zh += ",X 是切片得到的(非连续)"
    if int(d["calls"]) == 2:
        en += "; called twice (a second epoch on new batches, the same model and optimizer)"
        zh += ";调用两次(第二轮用新的批次,同一个模型和优化器)"
    return en, zh


def train_call(case, i: int = 0) -> str:
    en, zh = setup_words(case)
    which = "" if int(tcase(case)["calls"]) == 1 else (" (call 1 of 2)" if i == 0 else
                                                      " (call 2 of 2)")
    zwhich = "" if int(tcase(case)["calls"]) == 1 else ("(两次调用中的第 1 次)" if i == 0 else
                                                       "(两次调用中的第 2 次)")
    return i18n.t(f"train_logging_losses(model, optimizer, loss_fn, batches){which}  on {en}",
                  f"train_logging_losses(model, optimizer, loss_fn, batches){zwhich}  作用于:{zh}")


# --- the judge: what every claim first reads ----------------------------------------------------


def raised_message(case, err, i: int) -> None:
    """Fail with what the learner's code raised, on which setup, and why where it is known."""
    call = train_call(case, i)
    if not isinstance(err, dict):
        malformed("raised", call)
    kind, said, at = text(err.get("type"), "Exception"), text(err.get("text")), text(err.get("at"))
    d = tcase(case)
    freed, modified = re.search(FREED, said), re.search(MODIFIED, said)
    first = said.split(" (or ")[0].split(". ")[0].strip()[:200]
    graphs = count(err.get("graph_calls"))
    if freed and graphs == 1:
        fail("the first batch's graph was backpropagated twice within its own step: `backward()` "
             "frees the graph it goes through, so a second `loss.backward()` on the same loss "
             f"(or on a total that holds it) fails (PyTorch: \"{first}\"). Backpropagate each "
             "batch's loss once, and log `loss.item()`.",
             "第一个批次的计算图在它自己的这一步里被反向传播了两次:`backward()` 会释放它经过的计算图,"
             "所以对同一个损失(或包含它的总和)再调用一次 `loss.backward()` 就会失败"
             f"(PyTorch:\"{first}\")。每个批次的损失只反向传播一次,记录 `loss.item()`。",
             call=call, kata=KATA)
    if (freed or modified) and graphs is not None and graphs >= 2:
        why_en = ("which their own backward already freed" if freed else
                  "whose saved parameters the optimizer has changed in place since "
                  "(retain_graph=True kept those graphs, and all their memory, alive)")
        why_zh = ("而它们在各自的 backward 之后已经被释放了" if freed else
                  "而它们保存的参数此后已被优化器原地修改(retain_graph=True 让这些图连同内存一直活着)")
        fail("a running loss that keeps every graph alive and is backpropagated each step: "
             f"at batch {graphs - 1}, the backward went back through the graphs of the earlier "
             f"batches (a total `running = running + loss`, a concatenation of losses), {why_en} "
             f"(PyTorch: \"{first}\"). Each batch's gradient belongs to its own step: "
             "backpropagate each batch's own `loss` once and log `loss.item()`.",
             "一个让所有计算图都活着、每步都反向传播的累计损失:"
             f"在第 {graphs - 1} 个批次,backward 回到了之前批次的计算图(累计的 "
             f"`running = running + loss`、拼接起来的损失),{why_zh}(PyTorch:\"{first}\")。"
             "每个批次的梯度只属于它自己的那一步:每个批次只对自己的 `loss` 反向传播一次,"
             "记录 `loss.item()`。", call=call, kata=KATA)
    why_en, why_zh = "", ""
    walked = d["as"] in ("generator", "iterator", "dataloader")
    if walked and re.search(r"has no len|not subscriptable|does not support indexing|"
                            r"object is not reversible|has no attribute '__getitem__'", said):
        how_en, how_zh = AS_WORDS[d["as"]]
        why_en = (f" `batches` came as {how_en}: it can be walked, once, and nothing more. "
                  f"Walk it with `for X, y in batches:` and count as you go (a preallocated "
                  f"buffer needs `len()`; `batches[i]` needs indexing).")
        why_zh = (f" `batches` 是以{how_zh}传入的:只能遍历,而且只能遍历一次。请用 "
                  f"`for X, y in batches:` 遍历,边走边计数(预先分配的缓冲区需要 `len()`,"
                  f"`batches[i]` 需要索引)。")
    elif d["net"] == "frozen" and re.search(r"'NoneType' object has no attribute|"
                                            r"unsupported operand type.*NoneType", said):
        why_en = (" The model has a frozen parameter (requires_grad=False): its `.grad` stays "
                  "None through every backward. `optimizer.zero_grad()` handles it; by hand, "
                  "skip a `.grad` that is None.")
        why_zh = (" 模型里有一个被冻结的参数(requires_grad=False):它的 `.grad` 在每次 backward 之后"
                  "都是 None。`optimizer.zero_grad()` 会处理它;手动清零时请跳过为 None 的 `.grad`。")
    elif (known := meaning(said)) is not None:
        why_en, why_zh = " " + known[0], " " + known[1]
    where = f" ({at})" if at else ""
    fail(f"train_logging_losses raised {kind}: {said[:300]}{where}, on the setup above, which the "
         f"stub puts in scope.{why_en}",
         f"train_logging_losses 抛出了 {kind}:{said[:300]}{where},输入就是上面那一行的设置,stub 说明"
         f"它在范围之内。{why_zh}", call=call, kata=KATA)


def train_calls(case, seen) -> list[dict]:
    """The record of each call, checked for shape; an exception of the learner's fails here."""
    call = train_call(case)
    records = seen.get("calls") if isinstance(seen, dict) else None
    if not isinstance(records, list) or not records or not all(isinstance(r, dict)
                                                              for r in records):
        malformed("calls", call)
    for i, rec in enumerate(records):
        if rec.get("raised") is not None:
            err = rec["raised"]
            if isinstance(err, dict):
                err = {**err, "graph_calls": rec.get("graph_calls")}
            raised_message(case, err, i)
    if len(records) != int(tcase(case)["calls"]):
        malformed("calls", call)
    for key in ("loss_calls", "graph_calls", "forwards"):
        if any(count(r.get(key)) is None for r in records):
            malformed(key, call)
    return records


def events_of(rec) -> list:
    events = rec.get("events")
    if not isinstance(events, list):
        return []
    return [e for e in events if isinstance(e, list) and len(e) == 2]


def order_cause(rec):
    """The order mistake the spy saw (zero_grad, backward, step), in words, or None."""
    mistake = diagnose.order_mistake(events_of(rec))
    if mistake is None or mistake == "never_step":
        return None  # never_step: said by what moved (a learner may step by hand)
    return diagnose.ORDER_CAUSES[mistake]


def stale_words(case) -> tuple[str, str]:
    if tcase(case)["stale"]:
        return (" (Here every parameter held a gradient when the call started: it reached the "
                "first step.)",
                "(这里调用开始时每个参数的 .grad 里已经有梯度:它进入了第一步。)")
    return "", ""


def modes_cause(rec, case):
    """The model was in eval mode at some forward pass, where the case hands it in train."""
    modes = rec.get("modes")
    if isinstance(modes, list) and any(m is False for m in modes) and \
            tcase(case)["net"] in ("dropout", "batchnorm"):
        return ("the model ran in eval mode during the steps (`model.eval()`): dropout then "
                "draws no mask and BatchNorm uses its running statistics, so the losses and "
                "the training are not those of the model as it was handed over, in train mode. "
                "Leave the mode as the caller set it.",
                "这些步里模型处于 eval 模式(`model.eval()`):dropout 不再抽掩码,BatchNorm 改用 running "
                "统计量,所以损失和训练都不是调用方交来的(训练模式的)模型的。请保持调用方设定的模式。")
    return None


def forwards_cause(case, rec, n: int):
    """More (or fewer) forward passes than batches, with what they did where a replay of a known
    wrong loop matches: named only where it does."""
    forwards = count(rec.get("forwards"))
    if forwards is None or forwards == n:
        return None
    return (f"the model ran {forwards} forward passes for {n} batches: one per batch, the one "
            f"whose loss is backpropagated. Another forward pass costs a pass, and in a model "
            f"with dropout or BatchNorm it draws another mask or moves the running statistics "
            f"again: log `loss.item()` of the loss you already have.",
            f"模型为 {n} 个批次做了 {forwards} 次前向传播:每个批次只应有一次,就是被反向传播的那次。"
            f"多出来的前向传播要多花一次计算,而在带 dropout 或 BatchNorm 的模型里还会再抽一次掩码、再一次"
            f"改变 running 统计量:请记录已有损失的 `loss.item()`。")


# --- claim: the history ------------------------------------------------------------------------


@settings(max_examples=10)
@claim(trained)
def test_each_batch_logs_the_loss_it_backpropagated_as_a_python_float(case, seen):
    d = tcase(case)
    records = train_calls(case, seen)
    truth = Replay(case)
    firsts: list = []
    for i, rec in enumerate(records):
        call = train_call(case, i)
        want = truth.histories[i]
        n = len(want)
        items = rec.get("items")
        if rec.get("is_list") is not True:
            kind = text(rec.get("type"), "?")[:60]
            fail(f"train_logging_losses returned a value of type {kind}, not a list: return a "
                 f"new list with one float per batch.",
                 f"train_logging_losses 返回的是 {kind},不是列表:请返回一个新列表,每个批次一个 float。",
                 call=call, got=kind, expected=i18n.t(f"a list of {n} floats",
                                                      f"含 {n} 个 float 的列表"), kata=KATA)
        if not isinstance(items, list) or not all(isinstance(it, dict) for it in items):
            malformed("items", call)
        values = [number(it.get("value")) for it in items]
        if len(items) != n:
            length_message(case, rec, i, items, values, want, firsts, call)
        for j, it in enumerate(items):
            item_type_message(it, j, call)
        got = [v for v in values]
        if not all(v is not None for v in got):
            malformed("value", call)
        rtol = LOSS_RTOL.get(d["dtype"], 1e-6)
        if not all(same_float(g, w, rtol) for g, w in zip(got, want)):
            values_message(case, rec, i, got, want, firsts, call)
        firsts = got
    if len(records) == 2:
        second_call_message(case, records)


def length_message(case, rec, i, items, values, want, firsts, call):
    d, n = tcase(case), len(want)
    k = len(items)
    shown_want = shown(want)
    got = [v for v in values if v is not None]
    rtol = LOSS_RTOL.get(d["dtype"], 1e-6)
    if i == 1 and firsts and k == len(firsts) + n and all(
            same_float(g, w, rtol) for g, w in zip(got, firsts + want)):
        fail(f"the list returned by the second call begins with the first call's {len(firsts)} "
             f"losses, then holds this call's {n}: the history was kept from one call to the next "
             f"(a mutable default argument such as `history=[]`, created once when the function "
             f"is defined, or a global list). Start a new list in every call: `history = []` "
             f"inside the function.",
             f"第二次调用返回的列表先是第一次调用的 {len(firsts)} 个损失,然后才是这次的 {n} 个:"
             f"历史记录从一次调用保留到了下一次(像 `history=[]` 这样的可变默认参数只在定义函数时创建一次,"
             f"或者是全局列表)。每次调用都新建列表:在函数里写 `history = []`。",
             call=call, got=shown(got), expected=shown_want, kata=KATA)
    if k > n and len(got) == k and all(same_float(g, w, rtol) for g, w in zip(got[k - n:], want)):
        fail(f"the list holds {k - n} entries before this call's {n} losses: entries from earlier "
             f"calls. The history was kept from one call to the next (a mutable default argument "
             f"such as `history=[]`, created once when the function is defined, or a global "
             f"list). Start a new list in every call: `history = []` inside the function.",
             f"这个列表在这次调用的 {n} 个损失前面还有 {k - n} 项:来自之前的调用。历史记录从一次调用保留到了"
             f"下一次(像 `history=[]` 这样的可变默认参数只在定义函数时创建一次,或者是全局列表)。每次调用都"
             f"新建列表:在函数里写 `history = []`。",
             call=call, got=shown(got), expected=shown_want, kata=KATA)
    if k < n and i == 0 and d["nonfinite"]:
        skipped = Replay(case, "skip_nonfinite").histories[0]
        if len(skipped) == k and all(same_float(g, w, rtol) for g, w in zip(got, skipped)):
            fail(f"{n - k} of the {n} batches left no entry: the batch whose loss is "
                 f"{d['nonfinite']} was skipped (no step, nothing logged), so the history no "
                 f"longer has one entry per batch and the caller never sees the non-finite loss. "
                 f"Log every batch's loss as it is, and take its step: a loss of inf or nan is "
                 f"what the caller must see.",
                 f"{n} 个批次中有 {n - k} 个没有留下记录:损失为 {d['nonfinite']} 的那个批次被跳过了"
                 f"(没有更新,也没有记录),于是历史记录不再是每个批次一项,调用方也看不到这个非有限的损失。"
                 f"请按原样记录每个批次的损失,并照常更新:inf 或 nan 的损失正是调用方需要看到的。",
                 call=call, got=shown(got), expected=shown_want, kata=KATA)
    if 0 < k < n and len(got) == k and all(same_float(g, w, rtol) for g, w in zip(got, want)):
        fail(f"only the first {k} of the {n} batches were logged, each with its right loss: the "
             f"loop stopped early or left the last {n - k} out. Every batch is trained on and "
             f"logged, the last one too.",
             f"{n} 个批次中只记录了前 {k} 个,每个的损失都是对的:循环提前结束了,或者漏掉了最后 {n - k} 个。"
             f"每个批次都要训练并记录,最后一个也不例外。",
             call=call, got=shown(got), expected=shown_want, kata=KATA)
    loss_calls = count(rec.get("loss_calls"))
    if k == 0 and n and loss_calls == 0 and d["as"] in ("generator", "iterator"):
        how_en, how_zh = AS_WORDS[d["as"]]
        fail(f"nothing was trained and the history is empty: `batches` came as {how_en}, which "
             f"can be walked only once, and it was used up before the loop (`list(batches)` or "
             f"`len(list(batches))` to count it, `any(...)` over it). Walk it once, with the "
             f"training loop itself, and count as you go.",
             f"什么都没有训练,历史记录是空的:`batches` 是以{how_zh}传入的,只能遍历一次,而它在训练循环"
             f"之前就被用完了(用 `list(batches)` 或 `len(list(batches))` 计数,或对它做了 `any(...)`)。"
             f"请只遍历一次,就在训练循环里,边走边计数。",
             call=call, got="[]", expected=shown_want, kata=KATA)
    fail(f"the history has {k} entries for {n} batches: one entry per batch, in order "
         f"(loss_fn was called {loss_calls} times).",
         f"历史记录有 {k} 项,而批次有 {n} 个:应当每个批次一项,按顺序(loss_fn 被调用了 {loss_calls} 次)。",
         call=call, got=shown(got) if len(got) == k else f"{k} items",
         expected=shown_want, kata=KATA)


def item_type_message(it, j, call):
    kind = text(it.get("type"), "?")
    short = kind.rsplit(".", 1)[-1][:60]
    value = number(it.get("value"))
    got = f"{short}({value!r})" if value is not None else short
    expected = i18n.t("a Python float", "一个 Python float")
    if it.get("float") is True:
        return
    if it.get("tensor") is True:
        if isinstance(it.get("grad_fn"), str):
            fail(f"loss tensors kept in the history (item {j} is a tensor with "
                 f"grad_fn={it['grad_fn'][:40]}): each one keeps its step's whole graph alive for "
                 f"as long as the history lives, so memory grows with every step. Keep "
                 f"`loss.item()`, a Python float.",
                 f"历史记录里保存了损失张量(第 {j} 项是带 grad_fn={it['grad_fn'][:40]} 的张量):"
                 f"每一个都让该步的整个计算图和历史记录活得一样久,内存随步数增长。"
                 f"请保存 `loss.item()`,一个 Python float。",
                 call=call, got=got, expected=expected, kata=KATA)
        fail(f"item {j} of the history is a tensor without a graph (as `loss.detach()` gives), "
             f"not a Python float: the graph is let go, but a tensor is not a number (it prints, "
             f"compares and serialises as a tensor, and keeps its storage). `loss.item()` gives "
             f"the number alone.",
             f"历史记录的第 {j} 项是不带计算图的张量(`loss.detach()` 得到的那种),不是 Python float:"
             f"计算图是放掉了,但张量不是数字(打印、比较、序列化都按张量来,还占着存储)。"
             f"`loss.item()` 只给出数值。", call=call, got=got, expected=expected, kata=KATA)
    if kind.startswith("numpy."):
        fail(f"item {j} of the history is a NumPy {short} (as `.numpy()` or `np.float32(...)` "
             f"gives), not a Python float: `loss.item()` gives a Python float, in the loss's own "
             f"precision.",
             f"历史记录的第 {j} 项是 NumPy 的 {short}(`.numpy()` 或 `np.float32(...)` 得到的那种),"
             f"不是 Python float:`loss.item()` 直接给出 Python float,保持损失自己的精度。",
             call=call, got=got, expected=expected, kata=KATA)
    fail(f"item {j} of the history is of type {short}, not a Python float: `loss.item()` gives "
         f"the number alone, with no tensor and no graph behind it.",
         f"历史记录的第 {j} 项是 {short},不是 Python float:`loss.item()` 只给出数值,背后没有张量,"
         f"也没有计算图。", call=call, got=got, expected=expected, kata=KATA)


def values_message(case, rec, i, got, want, firsts, call):
    d = tcase(case)
    rtol = LOSS_RTOL.get(d["dtype"], 1e-6)
    shown_pair = dict(call=call, got=shown(got), expected=shown(want), kata=KATA)
    cause = order_cause(rec)
    if cause is not None:
        en, zh = stale_words(case)
        fail(f"the logged losses are not those of a plain loop: {cause[0]}{en}",
             f"记录的损失与普通循环的不同:{cause[1]}{zh}", **shown_pair)
    forwards = count(rec.get("forwards"))
    if forwards == 2 * len(want):
        for variant in ("after", "second_forward"):
            other = Replay(case, variant).histories[i]
            if all(same_float(g, w, rtol) for g, w in zip(got, other)):
                fail(*VARIANTS[variant], **shown_pair)
    mode = modes_cause(rec, case)
    if mode is not None:
        fail(*mode, **shown_pair)
    running = [sum(want[: j + 1]) for j in range(len(want))]
    if len(want) > 1 and all(same_float(g, w, 1e-9) for g, w in zip(got, running)):
        fail("the running total was logged: item i is the sum of the losses of batches 0 to i, "
             "not batch i's own loss. Append each batch's `loss.item()`.",
             "记录的是累计总和:第 i 项是第 0 到第 i 个批次损失之和,而不是第 i 个批次自己的损失。"
             "请逐批追加各自的 `loss.item()`。", **shown_pair)
    means = [r / (j + 1) for j, r in enumerate(running)]
    if len(want) > 1 and all(same_float(g, w, 1e-9) for g, w in zip(got, means)):
        fail("the running mean was logged: item i is the mean loss of batches 0 to i, not batch "
             "i's own loss. Append each batch's `loss.item()`.",
             "记录的是累计平均:第 i 项是第 0 到第 i 个批次损失的平均,而不是第 i 个批次自己的损失。"
             "请逐批追加各自的 `loss.item()`。", **shown_pair)
    k = diagnose.rounded_decimals(got, want)
    if k is not None:
        fail(f"every logged loss is rounded to {k} decimals (`round(loss.item(), {k})`): a loss "
             f"below {0.5 * 10.0**-k:g} is logged as 0.0, and no figure is the exact loss of its "
             f"batch. Log `loss.item()` as it is; round only where you print.",
             f"记录的每个损失都被四舍五入到了 {k} 位小数(`round(loss.item(), {k})`):小于 "
             f"{0.5 * 10.0**-k:g} 的损失被记成 0.0,也没有一个数值是该批次确切的损失。请按原样记录 "
             f"`loss.item()`;只在打印时再取整。", **shown_pair)
    if d["dtype"] == "float64" and diagnose.rounded_to(got, want, "float32"):
        fail("the losses of this float64 model were logged rounded to float32 (a float32 buffer, "
             "`torch.zeros(n)` filled and `.tolist()`-ed, or `np.float32`): they lose half their "
             "digits. `loss.item()` gives the loss at its own precision; keep the floats in a "
             "list.",
             "这个 float64 模型的损失被记录成了 float32 精度(float32 的缓冲区,如 `torch.zeros(n)` 填好再 "
             "`.tolist()`,或 `np.float32`):丢掉了一半的有效数字。`loss.item()` 给出损失本身精度的数值;"
             "请把这些 float 放在列表里。", **shown_pair)
    j = next(j for j, (g, w) in enumerate(zip(got, want)) if not same_float(g, w, rtol))
    if i == 1 and firsts and all(same_float(g, w, rtol) for g, w in zip(got, firsts)):
        fail("the second call returned the first call's losses again: something was kept from "
             "one call to the next (a cache, a global). Log this call's own losses.",
             "第二次调用又返回了第一次调用的损失:有东西从一次调用保留到了下一次(缓存、全局变量)。"
             "请记录这次调用自己的损失。", **shown_pair)
    off = abs(got[j] - want[j]) / abs(want[j]) if want[j] and math.isfinite(want[j]) else None
    how = f", off by {off:.2g} of its size" if off is not None and math.isfinite(off) else ""
    zhow = f",偏差为其大小的 {off:.2g}" if off is not None and math.isfinite(off) else ""
    fail(f"item {j} of the history is not the loss that batch {j}'s step backpropagated "
         f"({got[j]!r} where that loss is {want[j]!r}{how}): log each batch's own loss, computed "
         f"once before its step, as `loss.item()`, unrounded.",
         f"历史记录的第 {j} 项不是第 {j} 个批次那一步反向传播的损失({got[j]!r},而那个损失是 "
         f"{want[j]!r}{zhow}):请记录每个批次自己的、在更新之前计算一次的损失,即 `loss.item()`,"
         f"不要取整。", **shown_pair)


def second_call_message(case, records):
    call = train_call(case, 1)
    first, second = records
    if second.get("same_list") is True:
        fail("the second call returned the very list object the first call returned: the "
             "caller's first history was emptied or extended by the second call. Each call "
             "starts a new list of its own (`history = []` inside the function).",
             "第二次调用返回的正是第一次调用返回的那个列表对象:调用方手里的第一份历史记录被第二次调用清空或"
             "追加了。每次调用都要新建自己的列表(在函数里写 `history = []`)。", call=call, kata=KATA)
    later = first.get("items_later")
    now = first.get("items")
    if isinstance(later, list) and isinstance(now, list) and [
            number(it.get("value")) if isinstance(it, dict) else None for it in later] != [
            number(it.get("value")) if isinstance(it, dict) else None for it in now]:
        fail("the first call's list changed during the second call: a list the caller holds "
             "must stay as it was returned. Each call starts a new list of its own.",
             "第一次调用返回的列表在第二次调用时被改动了:调用方拿到的列表必须保持返回时的样子。每次调用都要"
             "新建自己的列表。", call=call, kata=KATA)


# --- claim: the model --------------------------------------------------------------------------


@settings(max_examples=10)
@claim(trained)
def test_the_model_is_trained_one_step_per_batch_like_a_plain_loop(case, seen):
    records = train_calls(case, seen)
    truth = Replay(case)
    d = tcase(case)
    call = train_call(case, len(records) - 1)
    params, buffers = seen.get("params"), seen.get("buffers")
    if not isinstance(params, list) or len(params) != len(truth.params) or not all(
            isinstance(p, Seen) and p.complete and p.error is None for p in params):
        malformed("params", call)
    if not isinstance(buffers, list) or len(buffers) != len(truth.buffers) or not all(
            isinstance(b, Seen) and b.complete and b.error is None for b in buffers):
        malformed("buffers", call)
    for i, rec in enumerate(records):
        cause = forwards_cause(case, rec, len(truth.histories[i]))
        if cause is not None:
            fail(*cause, call=train_call(case, i), got=f"{rec.get('forwards')} forward passes",
                 expected=f"{len(truth.histories[i])}", kata=KATA)
    rtol = 64 * LOSS_RTOL.get(d["dtype"], 1e-6)
    for j, (p, q) in enumerate(zip(params, truth.params)):
        if tensors_agree(p, q, rtol):
            continue
        shown_ = dict(call=call, got=p, expected=q, kata=KATA)
        for rec in records:
            cause = order_cause(rec)
            if cause is not None:
                en, zh = stale_words(case)
                fail(f"the parameters are not those a plain loop leaves: {cause[0]}{en}",
                     f"参数与普通循环训练出的不同:{cause[1]}{zh}", **shown_)
            mode = modes_cause(rec, case)
            if mode is not None:
                fail(*mode, **shown_)
        if d["nonfinite"]:
            skipped = Replay(case, "skip_nonfinite")
            if all(tensors_agree(a, b, rtol) for a, b in zip(params, skipped.params)):
                fail(f"the step of the batch whose loss is {d['nonfinite']} was skipped: the "
                     f"parameters are those of a loop that leaves that batch out. Take every "
                     f"batch's step as it comes (the caller decides what to do with a "
                     f"non-finite loss, and needs to see it).",
                     f"损失为 {d['nonfinite']} 的那个批次的更新被跳过了:参数正是跳过该批次的循环留下的。"
                     f"每个批次都照常更新(如何处理非有限的损失由调用方决定,调用方需要看到它)。",
                     **shown_)
        steps = sum(1 for rec in records for e in events_of(rec) if e[0] == "step")
        n = sum(len(h) for h in truth.histories)
        if steps != n:
            fail(f"the optimizer stepped {steps} times for {n} batches: one step per batch, "
                 f"`optimizer.step()` after each backward.",
                 f"优化器为 {n} 个批次更新了 {steps} 次:每个批次一次,每次 backward 之后调用 "
                 f"`optimizer.step()`。", **shown_)
        fail(f"parameter {j} of the model is not what a plain loop leaves "
             f"(`optimizer.zero_grad()`, "
             f"`loss_fn(model(X), y).backward()`, `optimizer.step()` for each batch, in order).",
             f"模型的第 {j} 个参数与普通循环训练后的不同(对每个批次依次 `optimizer.zero_grad()`、"
             f"`loss_fn(model(X), y).backward()`、`optimizer.step()`)。", **shown_)
    for b, q in zip(buffers, truth.buffers):
        if not tensors_agree(b, q, rtol):
            fail("BatchNorm's running statistics are not those of one forward pass per batch in "
                 "train mode: they moved more (or less) than the batches that were trained on.",
                 "BatchNorm 的 running 统计量与每个批次在训练模式下做一次前向传播的结果不同:它们移动的次数"
                 "比训练用的批次多(或少)。", call=call, got=b, expected=q, kata=KATA)


def unreached(s: Setup) -> list:
    """The parameters the loss never reaches (frozen, or unread by the forward pass), by index
    in `model.parameters()`, with the .grad each held when the call started (None, or values)."""
    out = []
    for j, (name, p) in enumerate(s.model.named_parameters()):
        if not p.requires_grad or name.endswith("spare"):
            out.append((j, name, None if p.grad is None else p.grad.detach().clone(),
                        tuple(p.shape)))
    return out


@claim(trained)
def test_a_parameter_the_loss_never_reaches_keeps_a_grad_of_none(case, seen):
    records = train_calls(case, seen)
    truth = Replay(case)
    d = tcase(case)
    call = train_call(case, len(records) - 1)
    if tcase(case)["net"] not in ("frozen", "unused"):
        return  # every parameter is reached: this case has nothing to say (the frozen and unused
        #         examples decide it)
    s0 = Setup(case)
    found = unreached(s0)
    if not found:
        return  # every parameter is reached: this case has nothing to say (the frozen and unused
        #         examples decide it)
    if any(rec.get("raised") is not None for rec in records):
        undecided(("the call raised", "调用抛出了异常"),
                  ("what the .grad of a parameter the loss never reaches is after the call",
                   "损失到达不了的参数在调用之后的 .grad 是什么"),
                  see="test_each_batch_logs_the_loss_it_backpropagated_as_a_python_float",
                  call=call, kata=KATA)
    params, grads = seen.get("params"), seen.get("grads")
    if not isinstance(grads, list) or len(grads) != len(truth.params):
        malformed("grads", call)
    start = list(s0.model.parameters())
    if any(not diagnose.identical(q, p.detach()) for q, p in zip(truth.params, start)) and (
            not isinstance(params, list) or len(params) != len(truth.params) or not all(
                isinstance(p, Seen) and tensors_agree(p, q, 64 * LOSS_RTOL.get(d["dtype"], 1e-6))
                for p, q in zip(params, truth.params))):
        undecided(("the model was not trained as a plain loop trains it",
                   "模型没有像普通循环那样被训练"),
                  ("what the .grad of a parameter the loss never reaches is after the call",
                   "损失到达不了的参数在调用之后的 .grad 是什么"),
                  see="test_the_model_is_trained_one_step_per_batch_like_a_plain_loop",
                  call=call, kata=KATA)
    for j, name, was, shape in found:
        now = grads[j]
        kind_en = ("frozen (requires_grad=False)" if name.endswith("bias") else
                   "never read by the forward pass")
        kind_zh = "被冻结的(requires_grad=False)" if name.endswith("bias") else "前向传播从不读取的"
        if now is None:
            continue
        value = as_values(now)
        zeros = value is not None and tuple(value.shape) == shape and not bool(value.abs().sum())
        if was is not None and (zeros or (value is not None and tuple(value.shape) == shape
                                          and diagnose.identical(value, was.double()))):
            continue  # a stale gradient cleared to zeros, or left as it was (no step reads it)
        shown_ = dict(call=call, got=now, expected="None" if was is None else
                      "None, zeros, or the stale gradient as it was",
                      kata=KATA)
        if was is None and zeros:
            fail(f"`{name}`, a parameter {kind_en}, had a .grad of None when the call started and "
                 f"holds a tensor of zeros after it: the gradients were cleared by giving "
                 f"parameters `torch.zeros_like(p)`, which makes a .grad where no backward ever "
                 f"writes one (and an optimizer then steps a parameter it should skip). A .grad "
                 f"of None stays None: `optimizer.zero_grad()` sets every gradient to None "
                 f"(`set_to_none=False` zeros only those that exist).",
                 f"`{name}` 是{kind_zh}参数,调用开始时它的 .grad 是 None,调用之后却是一个全零张量:"
                 f"梯度是通过给参数赋 `torch.zeros_like(p)` 来清零的,这会在任何 backward 都不会写入"
                 f"的地方造出一个 .grad(优化器随后还会更新一个本该跳过的参数)。None 的 .grad 应保持为"
                 f" None:`optimizer.zero_grad()` 把每个梯度设为 None(`set_to_none=False` 只把已有的"
                 f"梯度清零)。", **shown_)
        fail(f"`{name}`, a parameter {kind_en}, holds a .grad after the call that is neither "
             f"None nor zeros{'' if was is None else ' nor the stale gradient it held'} (it "
             f"{'was None' if was is None else 'held a stale gradient'} when the call started): "
             f"no backward of this loss writes one there.",
             f"`{name}` 是{kind_zh}参数,调用之后它的 .grad 既不是 None 也不是零(调用开始时它"
             f"{'是 None' if was is None else '里有旧梯度'}):这个损失的 backward 不会往那里写。",
             **shown_)


def as_values(x):
    """An observed tensor's values in float64, or None."""
    try:
        return x.tensor.double() if isinstance(x, Seen) and x.complete and x.error is None \
            else None
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return None


def tensors_agree(seen, want, rtol) -> bool:
    try:
        got = seen.tensor.double()
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return False
    want = want.double()
    if got.shape != want.shape:
        return False
    nan = want.isnan()
    if not torch.equal(got.isnan(), nan):
        return False
    inf = want.isinf()
    if not torch.equal(got[inf], want[inf]):
        return False
    rest = ~(nan | inf)
    scale = float(want[rest].abs().max()) if rest.any() else 0.0
    return bool(((got[rest] - want[rest]).abs() <= rtol * (want[rest].abs() + scale)
                 + 1e-300).all())


# --- claim: the graphs ---------------------------------------------------------------------------


@settings(max_examples=10)
@claim(trained)
def test_no_graph_outlives_its_step(case, seen):
    records = train_calls(case, seen)
    truth = Replay(case)
    for i, rec in enumerate(records):
        call = train_call(case, i)
        n = len(truth.histories[i])
        graphs = count(rec.get("graph_calls"))
        backwards = sum(1 for e in events_of(rec) if e[0] == "backward")
        if graphs < n or backwards < n:
            fail(f"not every batch was trained: loss_fn was called {graphs} times with a graph, "
                 f"and a backward reached the last layer {backwards} times, for {n} batches. "
                 f"Each batch: `loss_fn(model(X), y)`, backward, step.",
                 f"并不是每个批次都训练了:带计算图调用 loss_fn {graphs} 次,backward 到达最后一层 "
                 f"{backwards} 次,而批次有 {n} 个。每个批次:`loss_fn(model(X), y)`、backward、step。",
                 call=call, kata=KATA)
        older = rec.get("older")
        if not isinstance(older, list):
            malformed("older", call)
        for j, triple in enumerate(older):
            if not (isinstance(triple, list) and len(triple) == 3 and all(
                    count(v) is not None for v in triple)):
                malformed("older", call)
            alive, losses, outputs = triple
            if losses:
                fail(f"graphs outlive their step: when batch {j}'s loss was computed, loss "
                     f"tensors of earlier batches (older than the one before) were still alive "
                     f"({losses} of them), each holding its whole graph. Loss tensors kept "
                     f"in a list (the history, a list converted at the end, a window of recent "
                     f"losses) hold their graphs in memory, step after step. Take `loss.item()` "
                     f"at each step and keep only that.",
                     f"计算图活得比它那一步更久:计算第 {j} 个批次的损失时,更早批次(上一个之前)的损失张量中"
                     f"还有 {losses} 个活着,每个都拿着它整个计算图。保存在列表里的损失张量(历史记录、最后才"
                     f"转换的列表、最近几个损失的窗口)会让计算图一步又一步地占着内存。每一步取 "
                     f"`loss.item()`,只保存它。",
                     call=call, got=f"{plural(losses, 'loss tensor')} alive", expected="0",
                     kata=KATA)
            if alive:
                fail(f"graphs outlive their step: when batch {j}'s loss was computed, graphs "
                     f"of earlier batches (older than the one before) were still alive ({alive} "
                     f"of them), though their loss tensors were gone: something computed "
                     f"from the losses holds them, as a running total `total = total + loss` "
                     f"does (each sum's graph leads back to every loss in it). Add up "
                     f"`loss.item()`, a float.",
                     f"计算图活得比它那一步更久:计算第 {j} 个批次的损失时,更早批次(上一个之前)的计算图中还有 "
                     f"{alive} 个活着,尽管它们的损失张量已经没了:有由损失算出来的东西拿着它们,就像累计的 "
                     f"`total = total + loss`(每次求和的计算图都连回其中的每个损失)。请累加 "
                     f"`loss.item()`,一个 float。",
                     call=call, got=f"{plural(alive, 'graph')} alive", expected="0", kata=KATA)
            if outputs:
                fail(f"graphs outlive their step: when batch {j}'s loss was computed, the model's "
                     f"outputs of earlier batches (older than the one before) were still alive "
                     f"with their graphs (`grad_fn`, {outputs} of them): outputs kept as they come "
                     f"from the model (for metrics, for a plot) hold the graph of the forward "
                     f"pass that made them. Keep `output.detach()` (or the number you need).",
                     f"计算图活得比它那一步更久:计算第 {j} 个批次的损失时,更早批次(上一个之前)中还有 "
                     f"{outputs} 个批次的模型输出连同计算图(`grad_fn`)活着:原样保留的模型输出(用来算指标、"
                     f"画图)会拿着产生它们的那次前向传播的计算图。请保留 `output.detach()`(或者你需要的数值)。",
                     call=call, got=f"{plural(outputs, 'output')} alive", expected="0",
                     kata=KATA)
        saved = rec.get("saved_alive")
        if not isinstance(saved, list) or not all(count(v) is not None for v in saved):
            malformed("saved_alive", call)
        for j, alive in enumerate(saved):
            if alive:
                fail(f"graphs outlive their step: when batch {j}'s forward pass began, {alive} "
                     f"tensors that an earlier step's graph saved for backward (activations, "
                     f"inputs) were still alive. `backward()` frees them as it goes; "
                     f"`backward(retain_graph=True)` keeps them until the loss itself is "
                     f"dropped, so each step carries the last one's memory into the next. "
                     f"`retain_graph=True` is for a second backward through the same graph: a "
                     f"plain loop backpropagates each loss once, with `loss.backward()`.",
                     f"计算图活得比它那一步更久:第 {j} 个批次的前向传播开始时,之前某一步的计算图为反向传播保存的"
                     f"张量(激活值、输入)还有 {alive} 个活着。`backward()` 用完就释放它们;"
                     f"`backward(retain_graph=True)` 会留着它们,直到损失本身被丢掉,于是每一步都把上一步的"
                     f"内存带进下一步。`retain_graph=True` 是给同一个图的第二次反向传播用的:普通循环里每个损失"
                     f"只用 `loss.backward()` 反向传播一次。",
                     call=call, got=f"{plural(alive, 'saved tensor')} alive", expected="0",
                     kata=KATA)
        after = rec.get("after")
        if not isinstance(after, dict) or any(count(after.get(k)) is None
                                              for k in ("graphs", "losses", "outputs")):
            malformed("after", call)
        if after["outputs"] and not after["graphs"] and not after["losses"]:
            fail(f"a graph outlives the call: after train_logging_losses returned, the model's "
                 f"outputs were still alive with their graphs (`grad_fn`, "
                 f"{plural(after['outputs'], 'output')}): outputs kept as they come from the model hold the graph of "
                 f"the forward pass that made them. Keep `output.detach()` (or the number you "
                 f"need).",
                 f"计算图活得比调用更久:train_logging_losses 返回之后,还有 {after['outputs']} 个批次的"
                 f"模型输出连同计算图(`grad_fn`)活着:原样保留的模型输出会拿着产生它们的那次前向传播的计算图。"
                 f"请保留 `output.detach()`(或者你需要的数值)。",
                 call=call, got=f"{plural(after['outputs'], 'output')} alive", expected="0",
                 kata=KATA)
        if after["graphs"] or after["losses"]:
            items = rec.get("items")
            kept_in_history = isinstance(items, list) and any(
                isinstance(it, dict) and isinstance(it.get("grad_fn"), str) for it in items)
            where_en = ("in the history" if kept_in_history else
                        "outside the history, which holds floats: in a global, an attribute of "
                        "an object, a default argument")
            where_zh = ("在历史记录里" if kept_in_history else
                        "在历史记录之外(历史记录里是 float):在全局变量、某个对象的属性、默认参数里")
            fail(f"a graph outlives the call: after train_logging_losses returned, "
                 f"{plural(after['losses'], 'loss tensor')} and "
                 f"{plural(after['graphs'], 'graph')} of its "
                 f"steps were "
                 f"still alive, kept {where_en}. Nothing you keep may hold on to a loss tensor: "
                 f"keep `loss.item()`, a float, and let the tensor go.",
                 f"计算图活得比调用更久:train_logging_losses 返回之后,它那些步的损失张量还有 "
                 f"{after['losses']} 个、计算图还有 {after['graphs']} 个活着,保存{where_zh}。你保留的任何"
                 f"东西都不能拿着损失张量:只保留 `loss.item()` 这个 float,把张量放掉。",
                 call=call, got=f"{plural(after['losses'], 'loss tensor')} alive", expected="0",
                 kata=KATA)


# ==============================================================================================
# grads_of_two_losses
# ==============================================================================================
#
# A case: {"seed", "n", "d", "k", "m" (0: a and b are vectors (k,), else (k, m)), "one": x is a
# single example (d,), "dtype": float32 | float64, "x_layout", "w_layout", "ab_layout" (how each
# is laid out in memory), "stale": what w.grad holds before (none | zeros | random), "zero_rows":
# rows of x set to 0, "scale_x", "scale_a", "scale_b", "x_grad": none | leaf | nonleaf (x requires
# grad: a leaf with a .grad of its own, or computed from one), "ab_grad": a and b are leaves that
# require grad (with a .grad of their own), "calls": 1 or 2 (a second call, same w, new x, a, b)}.

GRADS = {"n": 6, "d": 3, "k": 4, "m": 0, "one": False, "dtype": "float64",
         "x_layout": "contiguous", "w_layout": "contiguous", "ab_layout": "contiguous",
         "stale": "none", "zero_rows": [], "scale_x": 1.0, "scale_a": 1.0, "scale_b": 1.0,
         "x_grad": "none", "ab_grad": False, "b_zero": False, "calls": 1, "held": "values"}
TERMS = 64  # units of rounding a right computation stays within, per term of a sum


def gcase(case) -> dict:
    return {**GRADS, **case}


class Inputs:
    """x, w, a and b of one call (call 1: the same w's values, new x, a, b), and the leaf
    behind x where x is computed from one."""

    def __init__(self, case, call: int = 0):
        d = gcase(case)
        seed = int(d["seed"]) % 2**40 + 1000 * call
        kind = d["dtype"]

        def values(shape, seed_, scale=1.0):
            return irr.tensor({"shape": shape, "dtype": kind, "seed": seed_, "scale": scale})

        xv = values([d["d"]] if d["one"] else [d["n"], d["d"]], seed, float(d["scale_x"]))
        if not d["one"]:
            for r in d["zero_rows"]:
                if int(r) < d["n"]:
                    xv[int(r)] = 0.0
        shape_ab = [d["k"]] if not d["m"] else [d["k"], d["m"]]
        av = values(shape_ab, seed + 1, float(d["scale_a"]))
        bv = values(shape_ab, seed + 2, float(d["scale_b"]))
        if d["b_zero"]:
            bv = torch.zeros_like(bv)
        wv = values([d["d"], d["k"]], int(d["seed"]) % 2**40 + 3)
        self.leaf = None
        if d["x_grad"] == "nonleaf":
            self.leaf = xv.clone().requires_grad_()
            self.x = irr.laid_out(self.leaf * 1.0, d["x_layout"])
        else:
            self.x = irr.laid_out(xv, d["x_layout"])
            if d["x_grad"] == "leaf":
                self.x = self.x.detach().requires_grad_()
                self.x.grad = torch.full_like(self.x, 0.0 if d["held"] == "zeros" else 0.5)
        self.a = irr.laid_out(av, d["ab_layout"])
        self.b = irr.laid_out(bv, d["ab_layout"])
        if d["ab_grad"]:
            self.a = self.a.detach().requires_grad_()
            self.b = self.b.detach().requires_grad_()
            self.a.grad = torch.full_like(self.a, 0.0 if d["held"] == "zeros" else 0.25)
        self.w = irr.laid_out(wv, d["w_layout"]).detach().requires_grad_()

    def stale(self, case):
        d = gcase(case)
        if d["stale"] == "zeros":
            self.w.grad = torch.zeros_like(self.w)
        elif d["stale"] == "random":
            gen = torch.Generator().manual_seed(int(d["seed"]) % 2**40 + 7)
            self.w.grad = (torch.randn(self.w.shape, generator=gen, dtype=torch.float64)
                           .to(self.w.dtype))


class CountTanh(TorchFunctionMode):
    """Counts the tanh calls (torch.tanh, Tensor.tanh, F.tanh, nn.Tanh) made inside it."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("tanh", "tanh_"):
            self.count += 1
        return func(*args, **(kwargs or {}))


def grad_of(t):
    """The .grad of a leaf (a copy), None for a non-leaf (autograd fills none)."""
    if t is None or not t.is_leaf or t.grad is None:
        return None
    return t.grad.detach().clone()


GRAD_EXAMPLES = [
    # the kata's own case, float64
    {"seed": 0},
    # float32, w.grad holding values before the call
    {"seed": 1, "dtype": "float32", "stale": "random", "n": 5},
    # matrices a and b (three outputs): .mean() is over every element
    {"seed": 2, "dtype": "float32", "m": 3},
    # a zero row of x: h @ b is exactly 0 there, where abs' derivative is 0
    {"seed": 3, "dtype": "float32", "zero_rows": [2]},
    # a gradient about 1e9 times the other (a large, b small): no digits to spare
    {"seed": 4, "dtype": "float32", "scale_a": 1000.0, "scale_b": 0.001},
    {"seed": 5, "scale_a": 1000.0, "scale_b": 0.001, "stale": "zeros"},
    # one example (x 1-d) and matrices a and b
    {"seed": 6, "one": True, "m": 2, "d": 4, "k": 3},
    # every layout: transposed x and w, sliced a and b; x expanded
    {"seed": 7, "x_layout": "transposed", "w_layout": "transposed", "ab_layout": "sliced",
     "stale": "random"},
    {"seed": 8, "dtype": "float32", "x_layout": "expanded", "ab_layout": "expanded", "m": 2},
    # x, a and b that require grad: their .grad is not ours to change; x computed from a leaf
    {"seed": 9, "x_grad": "leaf", "ab_grad": True, "stale": "random"},
    {"seed": 10, "dtype": "float32", "x_grad": "nonleaf", "x_layout": "sliced"},
    # a second call with the same w (what the first left in w.grad), new x, a and b
    {"seed": 11, "calls": 2, "stale": "none"},
    # a batch of one; tiny x
    {"seed": 12, "n": 1, "k": 2, "scale_x": 0.001, "dtype": "float32"},
    # a head b of zeros (h @ b is 0 everywhere, abs' derivative 0), matrices
    {"seed": 13, "b_zero": True, "m": 2},
    # x.grad and a.grad holding zeros, b.grad None, the leaf behind x None: each stays as it was
    {"seed": 14, "x_grad": "leaf", "ab_grad": True, "held": "zeros", "dtype": "float32"},
    {"seed": 15, "x_grad": "nonleaf", "ab_grad": True, "held": "zeros", "stale": "zeros"},
]


@st.composite
def grad_cases(draw):
    case = {"seed": draw(irr.seeds()), "n": draw(st.integers(1, 6)), "d": draw(st.integers(1, 4)),
            "k": draw(st.integers(1, 5)), "m": draw(st.sampled_from([0, 0, 1, 2, 3])),
            "one": draw(st.sampled_from([False, False, False, True])),
            "dtype": draw(st.sampled_from(["float32", "float64"])),
            "x_layout": draw(st.sampled_from(["contiguous", "transposed", "sliced", "expanded"])),
            "w_layout": draw(st.sampled_from(["contiguous", "transposed"])),
            "ab_layout": draw(st.sampled_from(["contiguous", "sliced", "expanded"])),
            "stale": draw(st.sampled_from(["none", "zeros", "random"])),
            "x_grad": draw(st.sampled_from(["none", "none", "leaf", "nonleaf"])),
            "ab_grad": draw(st.booleans()), "calls": draw(st.sampled_from([1, 1, 2])),
            "held": draw(st.sampled_from(["values", "zeros"]))}
    if draw(st.booleans()):
        case["zero_rows"] = [draw(st.integers(0, 5))]
    if draw(st.integers(0, 3)) == 0:
        case["scale_a"], case["scale_b"] = 1000.0, 0.001
    if draw(st.integers(0, 7)) == 0:
        case["b_zero"] = True
    return case


@observe(examples=GRAD_EXAMPLES, draw=grad_cases())
def two_grads(kata, case):
    d = gcase(case)
    records = []
    w = None
    for call in range(int(d["calls"])):
        ins = Inputs(case, call)
        if call == 0:
            ins.stale(case)
        else:
            ins.w = w  # the same parameter, with whatever the first call left in its .grad
        w = ins.w
        before = {"w_grad": grad_of(w), "x_grad": grad_of(ins.x), "a_grad": grad_of(ins.a),
                  "b_grad": grad_of(ins.b)}
        counter = CountTanh()
        try:
            with counter:
                result = kata.grads_of_two_losses(ins.x, w, ins.a, ins.b)
        except NotImplementedError:
            raise  # not started: the plugin says so
        except Exception as err:  # noqa: BLE001 - the learner's: data, with its input
            records.append({"raised": error_data(kata, err), "tanh": counter.count})
            break
        pair = isinstance(result, (tuple, list)) and len(result) == 2
        grads = list(result) if pair else None
        tensors = pair and all(isinstance(g, torch.Tensor) for g in grads)
        records.append({
            "raised": None,
            "type": type(result).__name__,
            "len": len(result) if isinstance(result, (tuple, list)) else None,
            "grads": grads if tensors else None,
            "same_object": bool(tensors and grads[0] is grads[1]),
            "same_storage": bool(tensors and grads[0].numel() and grads[1].numel()
                                 and grads[0].data_ptr() == grads[1].data_ptr()),
            "is_w_grad": [bool(tensors and w.grad is not None and g is w.grad) for g in
                          (grads if tensors else [])],
            "tanh": counter.count,
            "w_grad_before": before["w_grad"],
            "w": w.detach().clone(),
            "x": ins.x.detach().clone(), "a": ins.a.detach().clone(),
            "b": ins.b.detach().clone(),
            "grads_before": [before["x_grad"], before["a_grad"], before["b_grad"]],
            "grads_after": [grad_of(ins.x), grad_of(ins.a), grad_of(ins.b), grad_of(ins.leaf)],
        })
    return {"calls": records}


# --- the judge: its own gradients ----------------------------------------------------------------


class Truth:
    """Both gradients of one call, in float64 at the values the inputs hold, each with the
    tolerance a right computation in the inputs' dtype stays within: TERMS units of rounding of
    the sizes of the terms summed (the chain rule written with absolute values), plus, where
    h @ b is so near 0 that rounding decides its sign, the whole of that term."""

    def __init__(self, case, call: int = 0):
        d = gcase(case)
        ins = Inputs(case, call)
        self.inputs = ins
        x, a, b = (t.detach().double() for t in (ins.x, ins.a, ins.b))
        w = ins.w.detach().double().requires_grad_()
        self.x, self.a, self.b = x, a, b
        self.eps = torch.finfo(irr.dtype(d["dtype"])).eps
        with torch.enable_grad():
            h = torch.tanh(x @ w)
            za, zb = h @ a, h @ b
            (self.ga,) = torch.autograd.grad(za.pow(2).mean(), w, retain_graph=True)
            (self.gb,) = torch.autograd.grad(zb.abs().mean(), w)
        h = h.detach()
        self.h, self.za, self.zb = h, za.detach(), zb.detach()
        self.numel = za.numel()
        # tanh's derivative 1 - h^2, with the rounding of h (to eps of |x| @ |w|) that it
        # carries: near |h| = 1 that is all of it, an absolute few units
        slack = (1 - h * h).abs() * (1 + x.abs() @ w.detach().abs()) + 4
        size_a = 2 / self.numel * (h.abs() @ a.abs())
        size_b = torch.full_like(self.zb, 1 / self.numel)
        near = self.zb.abs() <= TERMS * self.eps * (h.abs() @ b.abs())
        self.mag_a = back(x.abs(), upstream(size_a, a.abs()) * slack)
        self.mag_b = back(x.abs(), upstream(size_b, b.abs()) * slack)
        flips = back(x.abs(), upstream(size_b * near, b.abs()) * slack)
        self.tol_a = TERMS * self.eps * self.mag_a + torch.finfo(torch.float64).tiny
        self.tol_b = TERMS * self.eps * self.mag_b + 2 * flips + torch.finfo(torch.float64).tiny

    def agrees(self, got, want, tol) -> bool:
        if got is None or got.shape != want.shape:
            return False
        return bool(((got - want).abs() <= tol).all())


def upstream(dz, v):
    """d/dh of a loss of z = h @ v, given d/dz: dz (n,) or (n, m) against v (k,) or (k, m)."""
    return dz.unsqueeze(-1) * v if v.dim() == 1 else dz @ v.T


def back(x, dpre):
    """d/dw = x^T @ d/d(x @ w), for x (n, d) or (d,)."""
    return torch.outer(x, dpre) if x.dim() == 1 else x.T @ dpre


def grad_words(case, call: int = 0) -> tuple[str, str]:
    d = gcase(case)
    xs = (d["d"],) if d["one"] else (d["n"], d["d"])
    ab = (d["k"],) if not d["m"] else (d["k"], d["m"])
    lay = {k: irr.WORDS.get(v, ("", "")) for k, v in
           (("x", d["x_layout"]), ("w", d["w_layout"]), ("ab", d["ab_layout"]))}
    en = (f"{d['dtype']} x {lay['x'][0]}of shape {xs}, w {lay['w'][0]}of shape "
          f"{(d['d'], d['k'])}, a and b {lay['ab'][0]}of shape {ab}")
    zh = (f"{d['dtype']} 的 x({lay['x'][1]}形状 {xs})、w({lay['w'][1]}形状 {(d['d'], d['k'])})、"
          f"a 和 b({lay['ab'][1]}形状 {ab})")
    if d["one"]:
        en += " (x a single example)"
        zh += "(x 是单个样本)"
    if d["zero_rows"] and not d["one"]:
        rows = [r for r in d["zero_rows"] if int(r) < d["n"]]
        if rows:
            en += f", row {rows[0]} of x all zeros (h @ b is exactly 0 there)"
            zh += f",x 的第 {rows[0]} 行全为 0(那里 h @ b 恰好为 0)"
    if float(d["scale_a"]) != 1.0 or float(d["scale_b"]) != 1.0:
        en += (f", a scaled by {float(d['scale_a']):g} and b by {float(d['scale_b']):g} (grad_a "
               f"far larger than grad_b)")
        zh += (f",a 放大到 {float(d['scale_a']):g} 倍、b 缩小到 {float(d['scale_b']):g} 倍"
               f"(grad_a 远大于 grad_b)")
    if float(d["scale_x"]) != 1.0:
        en += f", x scaled by {float(d['scale_x']):g}"
        zh += f",x 缩放到 {float(d['scale_x']):g} 倍"
    zeros = d.get("held") == "zeros"
    if d["x_grad"] == "leaf":
        en += (", x a leaf that requires grad (with a .grad of its own"
               f"{', all zeros' if zeros else ''})")
        zh += f",x 是需要梯度的叶子张量(有自己的 .grad{',全为 0' if zeros else ''})"
    elif d["x_grad"] == "nonleaf":
        en += ", x computed from a leaf that requires grad (the output of an earlier layer)"
        zh += ",x 由一个需要梯度的叶子张量算出(前面某层的输出)"
    if d["b_zero"]:
        en += ", b all zeros (h @ b is exactly 0 everywhere)"
        zh += ",b 全为 0(h @ b 处处恰好为 0)"
    if d["ab_grad"]:
        en += (f", a and b leaves that require grad (a.grad holding {'zeros' if zeros else 'values'}"
               ", b.grad None)")
        zh += f",a 和 b 是需要梯度的叶子张量(a.grad 里{'全为 0' if zeros else '有值'},b.grad 为 None)"
    if call == 0 and d["stale"] != "none":
        en += f", w.grad holding {'zeros' if d['stale'] == 'zeros' else 'values'} before the call"
        zh += f",调用前 w.grad 里是{'全 0' if d['stale'] == 'zeros' else '一些值'}"
    if int(d["calls"]) == 2:
        en += ("; the second of two calls, with the same w (and what the first call left in "
               "w.grad), new x, a and b" if call else "; the first of two calls")
        zh += (";两次调用中的第二次:同一个 w(以及第一次调用留在 w.grad 里的东西),新的 x、a、b"
               if call else ";两次调用中的第一次")
    return en, zh


def grads_call(case, call: int = 0) -> str:
    en, zh = grad_words(case, call)
    return i18n.t(f"grads_of_two_losses(x, w, a, b)  with {en}",
                  f"grads_of_two_losses(x, w, a, b)  其中 {zh}")


def grad_records(case, seen) -> list[dict]:
    """The record of each call, checked for shape; an exception of the learner's fails here."""
    call = grads_call(case)
    records = seen.get("calls") if isinstance(seen, dict) else None
    if not isinstance(records, list) or not records or not all(isinstance(r, dict)
                                                              for r in records):
        malformed("calls", call)
    for i, rec in enumerate(records):
        if rec.get("raised") is not None:
            grads_raised(case, rec["raised"], i)
    if len(records) != int(gcase(case)["calls"]):
        malformed("calls", call)
    return records


def grads_raised(case, err, i):
    call = grads_call(case, i)
    if not isinstance(err, dict):
        malformed("raised", call)
    kind, said, at = text(err.get("type"), "Exception"), text(err.get("text")), text(err.get("at"))
    first = said.split(" (or ")[0].split(". ")[0].strip()[:200]
    if re.search(FREED, said):
        fail("the second backward without `retain_graph`: both losses go back through the "
             "shared `h = tanh(x @ w)`, and the first backward freed what that part of the graph "
             f"saved (PyTorch: \"{first}\"). Keep it for the second pass: `retain_graph=True` "
             "on the first backward (or `torch.autograd.grad(..., retain_graph=True)`), rather "
             "than a second forward pass.",
             "第二次 backward 没有 `retain_graph`:两个损失都要经过共享的 "
             "`h = tanh(x @ w)` 反向传播,而第一次 backward 已经释放了这部分计算图保存的中间结果"
             f"(PyTorch:\"{first}\")。请为第二次保留它:第一次 backward 时传 `retain_graph=True`"
             "(或 `torch.autograd.grad(..., retain_graph=True)`),而不是再做一次前向传播。",
             call=call, kata=KATA)
    known = meaning(said)
    why_en, why_zh = (" " + known[0], " " + known[1]) if known else ("", "")
    where = f" ({at})" if at else ""
    fail(f"grads_of_two_losses raised {kind}: {said[:300]}{where}, on the inputs above, which the "
         f"stub puts in scope.{why_en}",
         f"grads_of_two_losses 抛出了 {kind}:{said[:300]}{where},输入就是上面那一行所写的,stub 说明"
         f"它们在范围之内。{why_zh}", call=call, kata=KATA)


def as_tensor(g):
    """A result as a float64 tensor, or None where it is no readable tensor."""
    if not isinstance(g, Seen) or not g.complete or g.error is not None:
        return None
    try:
        return g.tensor.double()
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return None


# --- claim: one forward pass ---------------------------------------------------------------------


@settings(max_examples=15)
@claim(two_grads)
def test_h_is_computed_once_for_both_losses(case, seen):
    records = grad_records(case, seen)
    for i, rec in enumerate(records):
        call = grads_call(case, i)
        tanh = count(rec.get("tanh"))
        if tanh is None:
            malformed("tanh", call)
        if tanh == 1:
            continue
        if tanh == 0 and i == 1 and count(records[0].get("tanh")) == 1:
            fail("the second call computed no tanh at all: h was kept from the first call (a "
                 "global, a cache), though x is new. 'Compute h once' means once per call, from "
                 "the x each call is given.",
                 "第二次调用根本没有计算 tanh:h 是从第一次调用保留下来的(全局变量、缓存),可 x 已经换了。"
                 "“只计算一次 h”指的是每次调用计算一次,用这次传入的 x。",
                 call=call, got=f"{tanh} tanh calls", expected="1", kata=KATA)
        if tanh == 0:
            fail("tanh was never called (through any API: torch.tanh, Tensor.tanh, F.tanh, "
                 "nn.Tanh): h is `torch.tanh(x @ w)`, computed once per call, and the kata counts "
                 "its calls.",
                 "tanh 一次也没有被调用(任何形式都没有:torch.tanh、Tensor.tanh、F.tanh、nn.Tanh):h 是 "
                 "`torch.tanh(x @ w)`,每次调用计算一次,这个 kata 会数它的调用次数。",
                 call=call, got="0 tanh calls", expected="1", kata=KATA)
        fail(f"h = tanh(x @ w) was computed {tanh} times: the kata asks for one forward pass "
             f"shared by both losses (in a real network the forward pass is the expensive part). "
             f"Keep the graph through h for the second gradient with `retain_graph=True` instead "
             f"of building it again (a function per loss, as `torch.func.grad` of each, runs the "
             f"forward pass once per loss).",
             f"h = tanh(x @ w) 被计算了 {tanh} 次:这个 kata 要求两个损失共用一次前向传播"
             f"(在真实网络里前向传播才是昂贵的部分)。请用 `retain_graph=True` 为第二个梯度保留经过 h "
             f"的计算图,而不是重新构建(每个损失一个函数,比如对每个都用 `torch.func.grad`,就会为每个损失"
             f"各做一次前向传播)。",
             call=call, got=f"{tanh} tanh calls", expected="1", kata=KATA)


# --- claim: the values -------------------------------------------------------------------------


@settings(max_examples=15)
@claim(two_grads)
def test_each_gradient_is_that_of_its_own_loss_alone(case, seen):
    d = gcase(case)
    records = grad_records(case, seen)
    for i, rec in enumerate(records):
        call = grads_call(case, i)
        truth = Truth(case, i)
        grads = rec.get("grads")
        if not (isinstance(grads, list) and len(grads) == 2 and all(isinstance(g, Seen)
                                                                    for g in grads)):
            kind = text(rec.get("type"), "?")[:40]
            fail("grads_of_two_losses must return a pair of tensors `(grad_a, grad_b)`.",
                 "grads_of_two_losses 应当返回一对张量 `(grad_a, grad_b)`。", call=call,
                 got=f"{kind} of length {rec.get('len')}" if count(rec.get("len")) is not None
                 else kind, expected=i18n.t("a tuple of two tensors", "由两个张量组成的元组"),
                 kata=KATA)
        shape = tuple(truth.ga.shape)
        for name, g in zip(("grad_a", "grad_b"), grads):
            if g.shape != shape or g.dtype_name != d["dtype"]:
                fail(f"{name} is a {g.dtype_name} tensor of shape {g.shape}: a gradient with "
                     f"respect to w is shaped like w, {shape}, and of w's dtype, {d['dtype']}.",
                     f"{name} 是形状为 {g.shape} 的 {g.dtype_name} 张量:对 w 的梯度和 w 形状相同({shape}),"
                     f"dtype 也和 w 相同({d['dtype']})。", call=call,
                     got=f"{g.dtype_name} {g.shape}", expected=f"{d['dtype']} {shape}", kata=KATA)
        ga, gb = as_tensor(grads[0]), as_tensor(grads[1])
        if ga is None or gb is None:
            malformed("grads", call)
        right_a = truth.agrees(ga, truth.ga, truth.tol_a)
        right_b = truth.agrees(gb, truth.gb, truth.tol_b)
        if not (right_a and right_b):
            wrong_values(case, rec, i, truth, ga, gb, right_a, right_b, grads, call)
        for name, g in zip(("grad_a", "grad_b"), grads):
            if g.requires_grad or g.grad_fn is not None:
                plain_message(case, name, g, call)
        inputs_left_alone(case, rec, i, truth, call)


def plain_message(case, name, g, call):
    """A result that requires grad, said by what it carries and what records such a graph."""
    d = gcase(case)
    how = f" (grad_fn={g.grad_fn})" if g.grad_fn else ""
    others = [v for v, on in (("x", d["x_grad"] != "none"), ("a", d["ab_grad"]),
                              ("b", d["ab_grad"])) if on]
    if others:
        also_en = (f" Here {', '.join(others)} require grad too: a computation whose result "
                   f"depends on them is recorded by autograd even inside a functional transform "
                   f"(`torch.func.grad` or `vjp` of a closure over them), so detach what you do "
                   f"not differentiate, or the result.")
        also_zh = (f" 这里 {'、'.join(others)} 也需要梯度:结果依赖于它们的计算会被 autograd 记录下来,"
                   f"即使是在函数变换里(对引用了它们的闭包做 `torch.func.grad` 或 `vjp`),所以请 detach "
                   f"不需要求导的量,或者 detach 结果。")
    else:
        also_en = also_zh = ""
    fail(f"{name} requires grad{how}: it is part of a graph that leads back through h to w "
         f"(and x), and keeps all of it alive for as long as the caller holds the result. "
         f"`create_graph=True` builds such a graph (it is for gradients of gradients); "
         f"`retain_graph=True` is what keeps the shared part for the second gradient. Return "
         f"plain values.{also_en}",
         f"{name} 需要梯度{how}:它是一个经过 h 连回 w(以及 x)的计算图的一部分,调用方拿着结果多久,"
         f"这整个图就活多久。`create_graph=True` 会建这样的图(它是给梯度的梯度用的);为第二个梯度保留"
         f"共享部分的是 `retain_graph=True`。请返回不带计算图的数值。{also_zh}",
         call=call, got=g, kata=KATA)


def wrong_values(case, rec, i, truth, ga, gb, right_a, right_b, grads, call):
    """A wrong pair, said by what explains it: only a mistake whose own computation matches
    what came back (where the right value does not) is named."""
    d = gcase(case)
    A, B = truth.ga, truth.gb
    S = A + B
    tol_s = truth.tol_a + truth.tol_b
    agrees = truth.agrees
    old = stale_grad(case, rec, i, truth)
    same = rec.get("same_object") is True or rec.get("same_storage") is True
    is_w_grad = rec.get("is_w_grad")
    left_in_w_grad = isinstance(is_w_grad, list) and any(v is True for v in is_w_grad)
    got = gb if right_a else ga
    want = B if right_a else A
    which = "grad_b" if right_a else "grad_a"
    shown_ = dict(call=call, got=grads[1] if right_a else grads[0],
                  expected=want.to(irr.dtype(d["dtype"])), kata=KATA)
    accumulated = (
        "the second gradient accumulated onto the first: `backward()` adds into `w.grad`, so "
        "after the second backward it holds d loss_a/dw + d loss_b/dw{same}. Take each "
        "gradient on its own: clear `w.grad` between the two backward calls and clone the "
        "first, or use `torch.autograd.grad`, which returns the gradient instead of adding it.",
        "第二个梯度累加到了第一个上:`backward()` 是往 `w.grad` 里加,第二次 backward 之后它存的是 "
        "d loss_a/dw + d loss_b/dw{same}。请分别求每个梯度:两次 backward 之间清空 `w.grad` 并 clone "
        "第一个,或者用 `torch.autograd.grad`,它直接返回梯度而不是累加。")
    kept = same and left_in_w_grad
    same_en = (" (and grad_a is that same tensor, `w.grad` itself: it was returned without "
               "`.clone()`, so the second backward changed it too)" if kept else "")
    same_zh = ("(而且 grad_a 就是同一个张量,即 `w.grad` 本身:返回时没有 `.clone()`,第二次 backward "
               "把它也改了)" if kept else "")
    if agrees(gb, S, tol_s) and (right_a or agrees(ga, S, tol_s) and kept):
        fail(accumulated[0].format(same=same_en), accumulated[1].format(same=same_zh),
             call=call, got=grads[1], expected=B.to(irr.dtype(d["dtype"])), kata=KATA)
    if kept and agrees(ga, B, truth.tol_b) and agrees(gb, B, truth.tol_b):
        fail("grad_a is `w.grad` itself, returned without `.clone()`, and it now holds grad_b: "
             "clearing `w.grad` in place (`w.grad.zero_()`) emptied it, and the second backward "
             "wrote loss_b's gradient into the very same tensor. Keep a copy of the first "
             "(`w.grad.clone()`), or set `w.grad = None` so that the next backward makes a new "
             "tensor, or use `torch.autograd.grad`.",
             "grad_a 就是 `w.grad` 本身,返回时没有 `.clone()`,而它现在存的是 grad_b:原地清零 `w.grad`"
             "(`w.grad.zero_()`)把它清空了,第二次 backward 又把 loss_b 的梯度写进了同一个张量。请保留第一个"
             "的副本(`w.grad.clone()`),或者设 `w.grad = None` 让下一次 backward 新建张量,或者用 "
             "`torch.autograd.grad`。",
             call=call, got=grads[0], expected=A.to(irr.dtype(d["dtype"])), kata=KATA)
    if agrees(ga, S, tol_s) and agrees(gb, S, tol_s):
        fail("both results are d(loss_a + loss_b)/dw, the gradient of the sum, not one gradient "
             "each: given several outputs, `torch.autograd.grad([loss_a, loss_b], [w, w])` (like "
             "one backward of both) adds up their gradients for every input; it does not pair "
             "outputs with inputs. Take each gradient in a call of its own: "
             "`torch.autograd.grad(loss_a, w, retain_graph=True)`, then "
             "`torch.autograd.grad(loss_b, w)`.",
             "两个结果都是 d(loss_a + loss_b)/dw,即两者之和的梯度,而不是各自一个梯度:给定多个输出时,"
             "`torch.autograd.grad([loss_a, loss_b], [w, w])`(和对两者一起 backward 一样)会为每个输入"
             "把它们的梯度加起来,并不会把输出和输入一一配对。请每个梯度单独调用一次:"
             "`torch.autograd.grad(loss_a, w, retain_graph=True)`,"
             "再 `torch.autograd.grad(loss_b, w)`。",
             call=call, got=grads[0], expected=A.to(irr.dtype(d["dtype"])), kata=KATA)
    if old is not None and bool(old.abs().sum()):
        tol_o = tol_s + TERMS * truth.eps * old.abs()
        leaked = [(agrees(ga, old + A, tol_o), agrees(gb, old + B, tol_o),
                   agrees(gb, old + S, tol_o))]
        if any(leaked[0]):
            where = "grad_a" if leaked[0][0] else "grad_b"
            held = ("what the first call left there" if i else "what the caller left there")
            zheld = "第一次调用留在那里的东西" if i else "调用方留在那里的东西"
            fail(f"what `w.grad` held before the call ({held}) leaked into {where}: `backward()` "
                 f"adds onto whatever `.grad` holds. Clear `w.grad` first (`w.grad = None`), or "
                 f"use `torch.autograd.grad`, which never reads it.",
                 f"调用之前 `w.grad` 里的值({zheld})混进了 {where}:`backward()` 会加到 `.grad` 已有的值上。"
                 f"请先清空 `w.grad`(`w.grad = None`),或者用从不读取它的 `torch.autograd.grad`。",
                 call=call, got=grads[0] if leaked[0][0] else grads[1],
                 expected=(A if leaked[0][0] else B).to(irr.dtype(d["dtype"])), kata=KATA)
    if agrees(ga, B, truth.tol_b) and agrees(gb, A, truth.tol_a):
        fail("grad_a and grad_b are swapped: the pair is `(d loss_a / dw, d loss_b / dw)`, in "
             "that order.",
             "grad_a 和 grad_b 的位置反了:应当是 `(d loss_a / dw, d loss_b / dw)`,按这个顺序。",
             **shown_)
    if i == 1:
        first = Truth(case, 0)
        if agrees(ga, first.ga, first.tol_a) and agrees(gb, first.gb, first.tol_b):
            fail("the second call, given new x, a and b, returned the first call's gradients: "
                 "something was kept from the first call (a cache, h or the results in a "
                 "global, a default argument). Compute from the inputs of each call.",
                 "第二次调用拿到了新的 x、a、b,返回的却是第一次调用的梯度:有东西从第一次调用保留了下来"
                 "(缓存、存在全局变量或默认参数里的 h 或结果)。每次都要用这次调用的输入来计算。", **shown_)
        cached = cached_h_grads(case, first)
        if cached is not None and agrees(ga, cached[0], truth.tol_a + first.tol_a) and agrees(
                gb, cached[1], truth.tol_b + first.tol_b):
            fail("the second call used the h of the first call (tanh(x @ w) of the first call's "
                 "x) with this call's a and b: h was kept from one call to the next (a global, a "
                 "cache). 'Compute h once' means once per call, from the x each call is given.",
                 "第二次调用用的是第一次调用的 h(第一次的 x 算出的 tanh(x @ w)),配上这次的 a 和 b:h 从一次"
                 "调用保留到了下一次(全局变量、缓存)。“只计算一次 h”指的是每次调用计算一次,用这次传入的 x。",
                 **shown_)
    n_rows = truth.x.shape[0]  # len(x): the examples, or the features of a single one
    factors = []
    if truth.numel != n_rows:
        factors.append((truth.numel / n_rows, (
            f"{which} is {truth.numel / n_rows:g} times the gradient: the mean was taken as "
            f"`.sum() / len(x)`, which divides by {n_rows} (len(x)), where `.mean()` divides by "
            f"every element of h @ a ({truth.numel}). With several outputs (a of shape (k, m)) "
            f"or a single example, they differ. Use `.mean()`.",
            f"{which} 是正确梯度的 {truth.numel / n_rows:g} 倍:平均值写成了 `.sum() / len(x)`,它除以 "
            f"{n_rows}(len(x)),而 `.mean()` 除以 h @ a 的全部元素个数({truth.numel})。有多个输出"
            f"(a 的形状为 (k, m))或只有一个样本时,两者不同。请用 `.mean()`。")))
    if truth.numel != 1:
        factors.append((float(truth.numel), (
            f"{which} is {truth.numel} times the gradient: the loss was summed (`.sum()`) where "
            f"the kata averages over the {truth.numel} elements of h @ a (`.mean()`).",
            f"{which} 是正确梯度的 {truth.numel} 倍:损失用的是求和(`.sum()`),而这个 kata 要对 "
            f"h @ a 的 {truth.numel} 个元素取平均(`.mean()`)。")))
    s = diagnose.ratio(got, want, rtol=max(1e-6, 1e3 * truth.eps))
    cause = diagnose.matching(s, factors, rtol=max(1e-6, 1e3 * truth.eps))
    if cause is not None and not agrees(got, want, truth.tol_a if which == "grad_a" else
                                        truth.tol_b):
        fail(*cause, **shown_)
    zero = (truth.zb == 0)
    if not right_b and bool(zero.any()) and bool(gb.isnan().any()) and not bool(
            B.isnan().any()):
        where = "b is all zeros" if d["b_zero"] else "a row of x is all zeros"
        zwhere = "b 全为 0" if d["b_zero"] else "x 有一行全是 0"
        fail(f"grad_b is nan, where h @ b is exactly 0 (here {where}): the "
             "derivative of |z| was written as z / |z|, which is 0 / 0 there. Autograd takes "
             "`torch.sign(z)`, which is 0 at 0; with autograd (`torch.autograd.grad`) you get it "
             "for free.",
             f"grad_b 在 h @ b 恰好为 0 的地方(这里{zwhere})是 nan:|z| 的导数写成了 z / |z|,在那里是 "
             "0 / 0。autograd 用的是 `torch.sign(z)`,它在 0 处为 0;用 autograd(`torch.autograd.grad`)"
             "就自然得到。", call=call, got=grads[1], expected=B.to(irr.dtype(d["dtype"])),
             kata=KATA)
    if d["dtype"] == "float64":
        e32 = torch.finfo(torch.float32).eps / truth.eps
        if truth.agrees(ga, A, truth.tol_a * e32) and truth.agrees(gb, B, truth.tol_b * e32):
            fail(f"{which} is right only to float32's precision, not to float64's: the "
                 f"inputs are float64, and part of the computation ran in float32 (`.float()` "
                 f"on the way, a float32 constant or buffer). Compute in the inputs' own dtype.",
                 f"{which} 只有 float32 的精度,而不是 float64 的:输入是 float64,但计算的一部分是用 float32 "
                 f"做的(中途的 `.float()`、float32 的常量或缓冲区)。请用输入自己的 dtype 计算。", **shown_)
    if right_a and not right_b and bool(gb.isfinite().all()) and agrees(
            gb, B, truth.tol_b + TERMS * truth.eps * (truth.mag_a + A.abs())):
        fail("grad_b lost its digits to grad_a: it is right only to the rounding of grad_a's "
             "far larger values, as a difference `w.grad - grad_a` (the two gradients added up "
             "in `w.grad`, then the first taken off again) gives. `(old + g) - old` is not g "
             "in floating point. Take grad_b on its own (clear `w.grad` before its backward, or "
             "`torch.autograd.grad(loss_b, w)`).",
             "grad_b 的有效数字被 grad_a 吃掉了:它只在 grad_a 那么大的数值的舍入误差范围内是对的,正像差值 "
             "`w.grad - grad_a`(两个梯度先在 `w.grad` 里加起来,再减掉第一个)给出的那样。在浮点运算里 "
             "`(old + g) - old` 并不等于 g。请单独求 grad_b(它的 backward 之前清空 `w.grad`,或者用 "
             "`torch.autograd.grad(loss_b, w)`)。", **shown_)
    err = float(((got - want).abs() / (want.abs().max() + 1e-300)).max()) \
        if got.isfinite().all() else math.inf
    en, zh = grad_words(case, i)
    seen_en, seen_zh = diagnose.unexplained((which, which), s, ("the gradient",
                                                               "正确梯度"))
    fail(f"{which} is not the gradient of its loss with respect to w (off by up to {err:.2g} of "
         f"its largest element; the judge computes it with autograd in float64), with {en}. "
         f"{seen_en} With h = tanh(x @ w): loss_a = (h @ a).pow(2).mean(), "
         f"loss_b = (h @ b).abs().mean().",
         f"{which} 不是对应损失对 w 的梯度(偏差最多为其最大元素的 {err:.2g};裁判用 float64 的 autograd "
         f"计算),输入为 {zh}。{seen_zh}其中 h = tanh(x @ w):loss_a = (h @ a).pow(2).mean(),"
         f"loss_b = (h @ b).abs().mean()。", **shown_)


def stale_grad(case, rec, i, truth):
    """What w.grad held when this call started: for the first call the case's, for the second
    what came back (used to name a leak, never as the right answer)."""
    if i == 0:
        ins = truth.inputs
        ins.stale(case)
        return None if ins.w.grad is None else ins.w.grad.double()
    got = rec.get("w_grad_before")
    t = as_tensor(got)
    return t if t is not None and t.shape == truth.ga.shape else None


def cached_h_grads(case, first):
    """The gradients this call gets from the first call's h with this call's a and b."""
    second = Inputs(case, 1)
    a, b = second.a.detach().double(), second.b.detach().double()
    x = first.x
    w = first.inputs.w.detach().double().requires_grad_()
    if a.shape != first.a.shape:
        return None
    with torch.enable_grad():
        h = torch.tanh(x @ w)
        (ga,) = torch.autograd.grad((h @ a).pow(2).mean(), w, retain_graph=True)
        (gb,) = torch.autograd.grad((h @ b).abs().mean(), w)
    return ga, gb


def inputs_left_alone(case, rec, i, truth, call):
    """x, w, a and b keep their values, and every .grad but w's stays as it was."""
    ins = truth.inputs
    for name, want in (("w", ins.w), ("x", ins.x), ("a", ins.a), ("b", ins.b)):
        got = as_tensor(rec.get(name))
        if got is None or got.shape != want.shape or not torch.equal(
                got.nan_to_num(7.0), want.detach().double().nan_to_num(7.0)):
            fail(f"the values of {name} changed during the call: grads_of_two_losses only reads "
                 f"its inputs.",
                 f"调用期间 {name} 的值被改动了:grads_of_two_losses 只读取它的输入。",
                 call=call, got=rec.get(name), expected=want.detach(), kata=KATA)
    after = rec.get("grads_after")
    if not isinstance(after, list) or len(after) != 4:
        malformed("grads_after", call)
    before = [grad_of(ins.x), grad_of(ins.a), grad_of(ins.b), None]
    names = ("x", "a", "b", "the leaf that x is computed from")
    znames = ("x", "a", "b", "计算出 x 的那个叶子张量")
    for name, zname, was, now in zip(names, znames, before, after):
        same = (was is None and now is None) or (
            was is not None and isinstance(now, Seen) and as_tensor(now) is not None
            and as_tensor(now).shape == was.shape and torch.equal(as_tensor(now),
                                                                  was.double()))
        now_t = as_tensor(now) if isinstance(now, Seen) else None
        if not same and was is None and now_t is not None and not bool(now_t.abs().sum()):
            fail(f"the .grad of {name} was None before the call and is a tensor of zeros after "
                 f"it: a .grad was made where there was none (a `torch.zeros_like` put back, or "
                 f"a backward's gradient zeroed afterwards). A .grad of None stays None: take "
                 f"gradients with respect to w alone (`torch.autograd.grad(loss, w)`, or "
                 f"`loss.backward(inputs=[w])`), and nothing else is touched.",
                 f"调用之前 {zname} 的 .grad 是 None,调用之后却是一个全零张量:在原本没有 .grad 的地方造出了"
                 f"一个(放回了一个 `torch.zeros_like`,或把某次 backward 的梯度事后清零)。None 的 .grad "
                 f"应保持为 None:只对 w 求梯度(`torch.autograd.grad(loss, w)` 或 "
                 f"`loss.backward(inputs=[w])`),别的都不会被碰。",
                 call=call, got=now, expected="None", kata=KATA)
        if not same and was is not None and now is None:
            held = "zeros" if not bool(was.abs().sum()) else "values"
            fail(f"the .grad of {name} held {held} before the call and is None after it: it was "
                 f"cleared (`.grad = None`, a `zero_grad()`), where it is not this function's to "
                 f"touch. Take gradients with respect to w alone (`torch.autograd.grad(loss, w)`"
                 f"), and every other .grad stays as it was.",
                 f"调用之前 {zname} 的 .grad 里是{'零' if held == 'zeros' else '有值的张量'},调用之后"
                 f"却是 None:它被清掉了(`.grad = None`、`zero_grad()`),而这不是这个函数该碰的。请只对 w "
                 f"求梯度(`torch.autograd.grad(loss, w)`),其他的 .grad 都保持原样。",
                 call=call, got="None", expected=was, kata=KATA)
        if not same:
            what = "was None" if was is None else "held values"
            zwhat = "是 None" if was is None else "里有值"
            fail(f"the .grad of {name} changed during the call (it {what} before): a backward "
                 f"went on past w and filled the .grad of every tensor the losses reach that "
                 f"requires grad. Only w's gradients are asked for: `torch.autograd.grad(loss, w)`,"
                 f" or `loss.backward(inputs=[w])`, touches nothing else.",
                 f"调用期间 {zname} 的 .grad 被改动了(之前{zwhat}):某次 backward 越过 w 继续往回传,"
                 f"填了损失能到达的每个需要梯度的张量的 .grad。要求的只是对 w 的梯度:"
                 f"`torch.autograd.grad(loss, w)` 或 `loss.backward(inputs=[w])` 不会碰别的东西。",
                 call=call, got=now if now is not None else "None",
                 expected=was if was is not None else "None", kata=KATA)
