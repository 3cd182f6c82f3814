"""custom_optimizer: a hand-written SGD that takes torch.optim.SGD's steps, momentum included.

Each test is a claim (dojo/spec.py). A case is a training run in plain data: the parameters
(dtype, shape, memory layout), how they are handed to SGD (a list, a tuple, a generator, a
module's `parameters()`), lr and momentum, the order of the calls, and what happens at each step
(which parameters the loss uses, a gradient of zeros, a nan or inf in a gradient, a parameter
frozen or unfrozen, a step skipped after an overflow, gradients accumulated over two backwards,
a new optimizer over the same tensors, two optimizers side by side). The observer runs it with
the learner's SGD and returns, for every step, the parameters and gradients before and after
each call, their version counters and whether their storage stayed. The judge replays the run
itself, one step at a time from where the learner's run stood (its own gradients at those
values, its own momentum buffers, torch.optim.SGD's arithmetic in the parameter's dtype), so
each step is judged on its own, and a wrong one is named by what was measured.

Irregular inputs (docs/CONTRIBUTING.md): float64, float16 and bfloat16 parameters; transposed,
sliced and channels-last ones; 0-dim ones; values far from zero; gradients that are None, all
zeros, nan or inf; gradients present before the optimizer is built; frozen and unfrozen
parameters; a generator, a tuple, nested modules' `parameters()`, other one-shot iterators
(itertools.chain, filter, map, iter(list), an iterator class), a dict's values(), a re-iterable
object; the caller clearing, refilling or extending its own list (dict, object) after SGD is
built; step() and zero_grad() called inside the caller's torch.no_grad(); the caller's default
dtype float64; two optimizers side by side
and one after another; accumulation without zero_grad; the articles' order (backward, step,
zero_grad). Left out on purpose: integer parameters (they hold no gradient), param groups, an
empty `params`, one tensor as `params`, a tensor listed twice (outside the contract, the stub
says so); randomness (SGD draws nothing); exceptions (the contract raises none: whatever the
learner's code raises is reported with its line, on the run that made it).
"""

from __future__ import annotations

import contextlib
import math
import traceback
from pathlib import Path

import torch
from hypothesis import settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Seen, claim, observe
from dojo.testing import fail, show

KATA = "custom_optimizer"
KINDS = ("g", "none", "zero", "nan", "inf", "cleared")  # what a step's loss does to a parameter
ULPS = 4.0  # a step may differ from torch's by this many units of the dtype's rounding


# --- a run, in plain data ----------------------------------------------------------------------


def P(shape, dtype="float32", layout="contiguous", seed=0, scale=1.0, offset=0.0) -> dict:
    """A parameter's description (dojo.irregular.tensor builds it)."""
    return {"shape": list(shape), "dtype": dtype, "layout": layout, "seed": seed,
            "scale": scale, "offset": offset}


def steps_of(case) -> list[dict]:
    return list(case["steps"])


def optimizers_of(case) -> list[dict]:
    """Each optimizer of the run: the indices of its parameters, its lr and momentum (None: not
    passed, the default)."""
    found = case.get("optimizers")
    if found:
        return [dict(o) for o in found]
    return [{"params": list(range(len(case["params"]))), "lr": case["lr"],
             "momentum": case.get("momentum")}]


def case_momentum(case, i):
    """The momentum the optimizer holding parameter i was given (None: not passed)."""
    return optimizers_of(case)[owner(case)[i]].get("momentum")


def momentum_of(spec) -> float:
    m = spec.get("momentum")
    return 0.0 if m is None else float(m)


def owner(case) -> list[int]:
    """For each parameter, the index of the optimizer that holds it."""
    out = [0] * len(case["params"])
    for j, spec in enumerate(optimizers_of(case)):
        for i in spec["params"]:
            out[i] = j
    return out


def uses(case, k) -> list[str]:
    """What step k's loss does with each parameter (KINDS)."""
    st_ = steps_of(case)[k - 1]
    n = len(case["params"])
    found = list(st_.get("use") or ["g"] * n)
    return [found[i] if i < len(found) and found[i] in KINDS else "g" for i in range(n)]


def requires_at(case, k) -> list[bool]:
    """requires_grad of each parameter during step k (the case's start, then each step's
    changes, made at the start of that step)."""
    n = len(case["params"])

    def fit(found, now):
        return [bool(found[i]) if i < len(found) else now[i] for i in range(n)]

    flags = fit(list(case.get("requires") or []), [True] * n)
    for s in steps_of(case)[:k]:
        if s.get("requires"):
            flags = fit(list(s["requires"]), flags)
    return flags


def cleared_at(case, k) -> bool:
    return bool(steps_of(case)[k - 1].get("clear", True))


def stepped_at(case, k) -> bool:
    return bool(steps_of(case)[k - 1].get("step", True))


def zero_first(case) -> bool:
    return case.get("order", "zero_first") == "zero_first"


# --- the loss: the same in the learner's run and in the judge's replay --------------------------


def step_data(case, k, i, desc):
    """Targets and weights of parameter i at step k, in its dtype: the same everywhere."""
    seed = (int(case["seed"]) * 7919 + 101 * k + 13 * i) % (2**62)
    gen = torch.Generator().manual_seed(seed)
    shape = [int(s) for s in desc["shape"]]
    kind = irr.dtype(desc["dtype"])
    scale, offset = float(desc.get("scale", 1.0)), float(desc.get("offset", 0.0))
    t = (torch.randn(shape, generator=gen, dtype=torch.float64) * scale + offset).to(kind)
    w = (torch.rand(shape, generator=gen, dtype=torch.float64) + 0.5).to(kind)
    return t, w


def loss_of(case, k, params):
    """Step k's loss: each parameter the step uses (and that requires grad) adds
    `w * (p - t)**2 + tanh(p)`, summed (a gradient that depends on where p is, so a wrong step
    changes every later one); a term times 0, or with a nan or inf in it, as the step says; the
    whole loss times inf when it overflows. None when no term needs a gradient."""
    kinds = uses(case, k) if k else ["g"] * len(params)
    overflow = bool(k and steps_of(case)[k - 1].get("overflow"))
    total = None
    for i, (p, desc) in enumerate(zip(params, case["params"])):
        if not p.requires_grad or kinds[i] == "none":
            continue
        t, w = step_data(case, k, i, desc)
        term = w * (p - t) ** 2 + torch.tanh(p)
        if kinds[i] == "zero":
            term = term * 0.0
        elif kinds[i] in ("nan", "inf"):
            mult = torch.ones(p.shape, dtype=p.dtype)
            mult.view(-1)[0] = math.nan if kinds[i] == "nan" else math.inf
            term = term * mult
        term = term.sum()
        total = term if total is None else total + term
    if total is not None and overflow:
        total = total * math.inf
    return total


def laid(values, desc):
    """Values in the memory layout a description names (as dojo.irregular.tensor lays it)."""
    layout = desc.get("layout", "contiguous")
    if layout == "channels_last" and values.dim() == 4:
        return values.contiguous(memory_format=torch.channels_last)
    if layout in ("transposed", "sliced"):
        return irr.laid_out(values, layout)
    return values


# --- the observer: the learner's SGD on one run ------------------------------------------------


class Holder(nn.Module):
    def __init__(self, param):
        super().__init__()
        self.weight = param


class Nest(nn.Module):
    """A model whose parameters sit in nested modules, `parameters()` yielding them in order."""

    def __init__(self, params):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(Holder(p)) for p in params])


def build(case):
    """The run's parameters: leaves of the case's dtypes and layouts (nn.Parameters when a
    module holds them), requires_grad as the case starts."""
    flags = requires_at(case, 0)
    out = []
    for desc, flag in zip(case["params"], flags):
        t = irr.tensor(desc).detach()
        if case.get("given") == "module":
            out.append(nn.Parameter(t, requires_grad=flag))
        else:
            out.append(t.requires_grad_(flag))
    return out


ONE_SHOT = ("generator", "module", "chain", "filter", "map", "iter", "iterator")
CONTAINERS = ("list", "dict_values", "reiterable")  # the caller's own, which it may change
GIVEN = ("list", "tuple", *ONE_SHOT[:1], "module", *ONE_SHOT[2:], "dict_values", "reiterable")


class OneShot:
    """An iterator of the caller's own class (not a generator): `__iter__` returns itself."""

    def __init__(self, items):
        self._items = list(items)
        self._at = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._at >= len(self._items):
            raise StopIteration
        self._at += 1
        return self._items[self._at - 1]


class Bag:
    """An iterable of the caller's own class: every `iter()` walks its list afresh."""

    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)


def handed(case, params, keep, held=None):
    """`params` as the case hands them to SGD: a list (kept, to see it unchanged after), a
    tuple, a generator, a module's parameters() (a generator too), other one-shot iterators
    (itertools.chain, filter, map, iter(list), an iterator class), a dict's values() view, or a
    re-iterable class. The caller's own container (list, dict, Bag) goes into `held`, to be
    changed after SGD is built where the case says so."""
    import itertools

    given = case.get("given", "list")
    ps = list(params)
    if given == "tuple":
        return tuple(ps)
    if given == "generator":
        return (p for p in ps)
    if given == "module":
        return Nest(ps).parameters()
    if given == "chain":
        cut = len(ps) // 2
        return itertools.chain(iter(ps[:cut]), (p for p in ps[cut:]))
    if given == "filter":
        return filter(lambda p: p is not None, list(ps))
    if given == "map":
        return map(lambda p: p, list(ps))
    if given == "iter":
        return iter(list(ps))
    if given == "iterator":
        return OneShot(ps)
    if given == "dict_values":
        d = {f"p{i}": p for i, p in enumerate(ps)}
        if held is not None:
            held.append(d)
        return d.values()
    if given == "reiterable":
        bag = Bag(ps)
        if held is not None:
            held.append(bag)
        return bag
    out = list(ps)
    keep.append((out, list(ps)))
    if held is not None:
        held.append(out)
    return out


def meddle(case, k) -> str | None:
    """How the caller changes its own container at the start of step k (after any SGD built
    then): "clear", "refill" (other tensors in its places), "append" (one more tensor),
    "drop_first"; None where it does not."""
    m = case.get("meddle")
    if isinstance(m, dict) and m.get("at") == k and case.get("given", "list") in CONTAINERS:
        return m.get("how")
    return None


def meddled_run(case) -> bool:
    """Whether the caller changes its own container somewhere in the run (then the list it
    holds is its own business, not the optimizer's)."""
    return any(meddle(case, k) for k in range(1, len(steps_of(case)) + 1))


HOWS = ["clear", "refill", "append", "drop_first"]


def decoys_like(params):
    """Tensors the caller puts into its container after SGD is built: SGD must never reach them
    (each with a gradient, so a step or a zero_grad() over them shows)."""
    out = []
    for j, p in enumerate(params):
        t = (p.detach().double() + 3.0 + j).to(p.dtype).requires_grad_(True)
        t.grad = torch.ones_like(t)
        out.append(t)
    return out


def change(container, how, decoys):
    """The caller's change to its own container (a list, a dict, a Bag)."""
    if isinstance(container, Bag):
        container = container.items
    if isinstance(container, dict):
        keys = list(container)
        if how == "clear":
            container.clear()
        elif how == "refill":
            for key, t in zip(keys, decoys):
                container[key] = t
        elif how == "append":
            container["extra"] = decoys[0]
        elif how == "drop_first" and keys:
            del container[keys[0]]
        return
    if how == "clear":
        container.clear()
    elif how == "refill":
        container[:] = decoys[:len(container)]
    elif how == "append":
        container.append(decoys[0])
    elif how == "drop_first" and container:
        del container[0]


def untouched(decoys, start) -> bool:
    """Whether every decoy still holds its values and its gradient (SGD never reached it)."""
    return all(bool(torch.equal(t.detach(), a)) and t.grad is not None
               and bool(torch.equal(t.grad, torch.ones_like(t))) for t, a in zip(decoys, start))


def inside_no_grad(case, k, what) -> bool:
    """Whether the caller makes step k's call `what` ("zero_grad", "step") inside its own
    `torch.no_grad()` block (grad mode off when the call starts)."""
    found = steps_of(case)[k - 1].get("no_grad") or []
    return isinstance(found, list) and what in found


def snaps(tensors):
    return [None if t is None else t.detach().clone() for t in tensors]


def learner_line(kata, err) -> str | None:
    path = getattr(kata, "path", None)
    found = None
    if path is not None:
        for frame in traceback.extract_tb(err.__traceback__):
            try:
                if Path(frame.filename).resolve() == Path(path).resolve():
                    found = f"line {frame.lineno}: {(frame.line or '').strip()}"
            except (OSError, ValueError):
                continue
    return found


def run(kata, case):
    """Run the case with the learner's SGD: every step's parameters and gradients around each
    call, as data. What the learner's code raises (but NotImplementedError: not started) ends
    the run and is returned with the call, the step and the line."""
    if case.get("default_dtype") == "float64":  # the caller's default (dojo.spec puts it back)
        torch.set_default_dtype(torch.float64)
    params = build(case)
    out = {"steps": [], "raised": None, "same_objects": None}
    kept: list = []
    opts: list = []
    held: list = []  # the caller's own containers of the optimizers in use
    decoys = decoys_like(params)
    start_dtype = torch.get_default_dtype()
    decoys_start = [t.detach().clone() for t in decoys]

    def attempt(what, k, fn) -> bool:
        try:
            fn()
            return True
        except NotImplementedError:
            raise
        except Exception as err:  # noqa: BLE001 - the learner's: data for the judge
            text = str(err).strip().splitlines()
            out["raised"] = {"call": what, "step": k, "type": type(err).__name__,
                             "text": (text[0] if text else "")[:300],
                             "at": learner_line(kata, err)}
            return False

    def make():
        opts.clear()
        held.clear()
        for spec in optimizers_of(case):
            ps = [params[i] for i in spec["params"]]
            extra = {} if spec.get("momentum") is None else {"momentum": spec["momentum"]}
            opts.append(kata.SGD(handed(case, ps, kept, held), spec["lr"], **extra))

    def mode_for(k, what):
        return torch.no_grad() if inside_no_grad(case, k, what) else contextlib.nullcontext()

    def zero(rec, k) -> bool:
        rec["zero_in"] = snaps([p.grad for p in params])
        with mode_for(k, "zero_grad"):
            ok = attempt("zero_grad", k, lambda: [o.zero_grad() for o in opts])
            rec["zero_mode"] = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        rec["zero_dtype"] = str(torch.get_default_dtype()).replace("torch.", "")
        torch.set_default_dtype(start_dtype)
        rec["zero_decoys"] = untouched(decoys, decoys_start)
        if ok:
            rec["zero_out"] = snaps([p.grad for p in params])
            rec["zero_inference"] = [p.grad is not None and p.grad.is_inference()
                                     for p in params]
        return ok

    def backward(k) -> bool:
        loss = loss_of(case, k, params)
        if loss is None or not loss.requires_grad:
            return True
        return attempt("backward", k, loss.backward)

    if case.get("warm"):  # gradients held before the optimizer is built
        backward(0)
    for k, step in enumerate(steps_of(case), 1):
        rec: dict = {}
        out["steps"].append(rec)
        for p, flag in zip(params, requires_at(case, k)):
            if p.requires_grad != flag:
                p.requires_grad_(flag)
        if k == 1 or step.get("restart"):
            if not attempt("SGD", k, make):
                return out
            torch.set_grad_enabled(True)
        how = meddle(case, k)
        if how:
            for container in held:
                change(container, how, decoys)
        if zero_first(case) and cleared_at(case, k) and not zero(rec, k):
            return out
        if not backward(k):
            return out
        for i, kind in enumerate(uses(case, k)):
            if kind == "cleared":
                params[i].grad = None  # the caller clears it by hand after the backward
        rec["before"] = snaps(params)
        rec["versions"] = [p._version for p in params]
        rec["grads"] = snaps([p.grad for p in params])
        if stepped_at(case, k):
            alive = [p.detach() for p in params]  # the old storage stays: no address reused
            with mode_for(k, "step"):
                ok = attempt("step", k, lambda: [o.step() for o in opts])
                rec["grad_mode"] = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
            rec["step_dtype"] = str(torch.get_default_dtype()).replace("torch.", "")
            torch.set_default_dtype(start_dtype)
            rec["step_decoys"] = untouched(decoys, decoys_start)
            if not ok:
                return out
            rec["after"] = snaps(params)
            rec["versions_after"] = [p._version for p in params]
            rec["grads_after"] = snaps([p.grad for p in params])
            rec["same_storage"] = [p.data_ptr() == a.data_ptr() for p, a in zip(params, alive)]
            rec["leaf"] = [p.is_leaf for p in params]
            rec["requires_grad"] = [p.requires_grad for p in params]
        if not zero_first(case) and cleared_at(case, k) and not zero(rec, k):
            return out
    out["same_objects"] = [all(a is b for a, b in zip(held, mine)) and len(held) == len(mine)
                           for held, mine in kept] if kept and not meddled_run(case) else None
    return out


# --- the runs each claim observes --------------------------------------------------------------


def plain_steps(count):
    return [{} for _ in range(count)]


def runs(*, params, given=None, lr=None, momentum=None, order=None, steps=None):
    """A strategy of runs of plain steps (every parameter used, every step)."""
    return st.fixed_dictionaries({
        "seed": irr.seeds(),
        "params": params,
        "given": given if given is not None else st.sampled_from(list(GIVEN)),
        "lr": lr if lr is not None else st.floats(1e-3, 0.5),
        "momentum": momentum if momentum is not None else st.one_of(
            st.none(), st.sampled_from([0.0, 0.5, 0.9]), st.floats(0.0, 0.99)),
        "order": order if order is not None else st.sampled_from(["zero_first", "zero_last"]),
        "steps": steps if steps is not None else st.integers(2, 4).map(plain_steps),
    })


def param_lists(*, dtypes=("float32", "float64"), layouts=("contiguous",), min_dims=1,
                max_dims=2, count=(1, 3)):
    return st.lists(irr.tensors(shape=irr.shapes(min_dims=min_dims, max_dims=max_dims,
                                                  max_side=4),
                                dtype=st.sampled_from(list(dtypes)),
                                layout=st.sampled_from(list(layouts))),
                    min_size=count[0], max_size=count[1])


USUAL = [
    # the articles' optimizer on their SimpleLinear: w and b of one element each, no momentum
    # passed, in their order (backward, step, zero_grad), params a list
    {"seed": 1, "params": [P([1], seed=1), P([1], seed=2)], "given": "list", "lr": 0.3,
     "momentum": None, "order": "zero_last", "steps": plain_steps(4)},
    # torch.optim.SGD(..., momentum=0.9), as the articles' MNIST example trains
    {"seed": 2, "params": [P([3, 2], seed=3), P([2], seed=4)], "given": "list", "lr": 0.05,
     "momentum": 0.9, "order": "zero_first", "steps": plain_steps(6)},
    # model.parameters(): a generator, of nested modules' parameters, in the articles' order
    {"seed": 3, "params": [P([2, 3], seed=5), P([2], seed=6)], "given": "module", "lr": 0.1,
     "momentum": 0.9, "order": "zero_last", "steps": plain_steps(3)},
    # a plain generator, zero_grad first, momentum 0 said out loud
    {"seed": 4, "params": [P([3], seed=7), P([2, 2], seed=8)], "given": "generator",
     "lr": 0.1, "momentum": 0.0, "order": "zero_first", "steps": plain_steps(3)},
    # a tuple, a small momentum
    {"seed": 5, "params": [P([4], "float64", seed=9)], "given": "tuple", "lr": 0.2,
     "momentum": 0.5, "order": "zero_first", "steps": plain_steps(4)},
]


@observe(examples=USUAL, draw=runs(params=param_lists()))
def usual_runs(kata, case):
    return run(kata, case)


def with_kinds(n, count, kinds, *, toggles=False):
    """`count` steps, each with what its loss does to each of `n` parameters (and, with
    `toggles`, now and then a parameter frozen or unfrozen at its start)."""
    flags = st.lists(st.sampled_from([True, True, False]), min_size=n, max_size=n)
    one = st.fixed_dictionaries(
        {"use": st.lists(st.sampled_from(kinds), min_size=n, max_size=n)},
        optional={"requires": flags} if toggles else {})
    return st.lists(one, min_size=count, max_size=count)


MISSING = [
    # a parameter the loss never uses: its grad stays None, step() leaves it alone
    {"seed": 11, "params": [P([3], seed=11), P([2], seed=12)], "given": "list", "lr": 0.1,
     "momentum": 0.0, "order": "zero_first",
     "steps": [{"use": ["g", "none"]}, {"use": ["g", "none"]}]},
    {"seed": 12, "params": [P([3], seed=13), P([2], seed=14)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{"use": ["g", "none"]}, {"use": ["g", "none"]}]},
    # p0 has no gradient at step 2 only (the caller set it to None): every buffer stays with
    # its own parameter
    {"seed": 13, "params": [P([3], seed=15), P([3], seed=16), P([3], seed=17)], "given": "list",
     "lr": 0.05, "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {"use": ["cleared", "g", "g"]}, {}]},
    # p1 reached by the loss from step 2 on: its first step (a copy of its first gradient)
    # comes at the optimizer's second
    {"seed": 14, "params": [P([3], seed=18), P([3], seed=19)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "steps": [{"use": ["g", "none"]}, {}, {}]},
    # p1 used, then not, then again
    {"seed": 15, "params": [P([3], seed=20), P([3], seed=21)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "steps": [{}, {"use": ["g", "none"]}, {}]},
    # a gradient of exact zeros is a gradient: with momentum the parameter glides on
    {"seed": 16, "params": [P([3], seed=22), P([3], seed=23)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {"use": ["g", "zero"]}, {"use": ["g", "zero"]}]},
    # fine-tuning: p1 frozen when SGD is built, unfrozen at step 2
    {"seed": 17, "params": [P([2, 2], seed=24), P([3], seed=25)], "given": "module",
     "lr": 0.1, "momentum": 0.9, "order": "zero_first", "requires": [True, False],
     "steps": [{}, {"requires": [True, True]}, {}]},
]


def missing_runs(n):
    base = runs(
        params=st.lists(irr.tensors(shape=st.just([3]), dtype=st.just("float32"),
                                    layout=st.just("contiguous")), min_size=n, max_size=n),
        given=st.sampled_from(["list", "generator"]), momentum=st.sampled_from([0.0, 0.9]),
        steps=st.integers(2, 4).flatmap(lambda c: with_kinds(
            n, c, ["g", "g", "none", "zero", "cleared"], toggles=True)))
    start = st.lists(st.sampled_from([True, True, True, False]), min_size=n, max_size=n)
    return st.tuples(base, start).map(lambda pair: {**pair[0], "requires": pair[1]})


@observe(examples=MISSING, draw=st.integers(2, 3).flatmap(missing_runs))
def runs_with_missing_gradients(kata, case):
    return run(kata, case)


IRREGULAR = [
    # float64 parameters: the buffer and the step in float64
    {"seed": 21, "params": [P([3, 2], "float64", seed=31), P([2], "float64", seed=32)],
     "given": "list", "lr": 0.05, "momentum": 0.9, "order": "zero_first",
     "steps": plain_steps(4)},
    # bfloat16, float16 and a 0-dim float32 parameter
    {"seed": 22, "params": [P([2, 3], "bfloat16", seed=33), P([4], "float16", seed=34),
                            P([], "float32", seed=35)],
     "given": "list", "lr": 0.05, "momentum": 0.5, "order": "zero_first",
     "steps": plain_steps(3)},
    # channels-last, transposed and sliced parameters beside a contiguous one, in a module
    {"seed": 23, "params": [P([2, 3, 2, 2], layout="channels_last", seed=36),
                            P([3, 2], layout="transposed", seed=37),
                            P([4], layout="sliced", seed=38), P([3], seed=39)],
     "given": "module", "lr": 0.1, "momentum": 0.9, "order": "zero_first",
     "steps": plain_steps(3)},
    # a nan in p0's gradient at step 2: torch applies it (p0 becomes nan there)
    {"seed": 24, "params": [P([3], seed=40), P([3], seed=41)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {"use": ["nan", "g"]}, {}]},
    # an inf in p1's gradient, without momentum
    {"seed": 25, "params": [P([3], seed=42), P([2], seed=43)], "given": "list", "lr": 0.1,
     "momentum": 0.0, "order": "zero_first", "steps": [{}, {"use": ["g", "inf"]}]},
    # values far from zero, in float32 and float64
    {"seed": 26, "params": [P([3], seed=44, offset=1e4), P([2], "float64", seed=45,
                                                           scale=1e3, offset=-5e5)],
     "given": "tuple", "lr": 0.01, "momentum": 0.9, "order": "zero_last",
     "steps": plain_steps(3)},
]


@observe(examples=IRREGULAR, draw=runs(
    params=param_lists(dtypes=irr.FLOATS, layouts=("contiguous", "transposed", "sliced"),
                       min_dims=0),
    momentum=st.sampled_from([0.0, 0.9]),
    steps=st.integers(2, 3).flatmap(lambda c: with_kinds(
        3, c, ["g"] * 8 + ["nan", "inf", "zero"]))))
def irregular_parameters(kata, case):
    return run(kata, case)


TWO = [
    # a restart: a new SGD over the same tensors starts with no momentum
    {"seed": 31, "params": [P([3, 2], seed=51), P([2], seed=52)], "given": "list", "lr": 0.05,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {}, {"restart": True}, {}]},
    # two optimizers side by side, with lrs and momenta of their own
    {"seed": 32, "params": [P([3], seed=53), P([3], seed=54), P([2], seed=55)],
     "given": "list", "lr": 0.1, "order": "zero_first",
     "optimizers": [{"params": [0], "lr": 0.1, "momentum": 0.9},
                    {"params": [1, 2], "lr": 0.03, "momentum": 0.5}],
     "steps": plain_steps(3)},
    # a restart from model.parameters() in the articles' order
    {"seed": 33, "params": [P([2], seed=56), P([2, 2], seed=57)], "given": "module",
     "lr": 0.1, "momentum": 0.9, "order": "zero_last",
     "steps": [{}, {"restart": True}, {}]},
]


def side_by_side(case_and_more):
    case, split, lr2, m2 = case_and_more
    n = len(case["params"])
    cut = max(1, min(n - 1, split))
    return {**case, "optimizers": [
        {"params": list(range(cut)), "lr": case["lr"], "momentum": case["momentum"]},
        {"params": list(range(cut, n)), "lr": lr2, "momentum": m2}]}


@observe(examples=TWO, draw=st.one_of(
    runs(params=param_lists(count=(2, 3)), momentum=st.sampled_from([0.5, 0.9]),
         steps=st.integers(1, 2).map(lambda r: [{}] * r + [{"restart": True}, {}])),
    st.tuples(runs(params=param_lists(count=(2, 3)), given=st.just("list"),
                   momentum=st.sampled_from([0.5, 0.9]),
                   steps=st.integers(2, 3).map(plain_steps)),
              st.integers(1, 2), st.floats(1e-3, 0.5),
              st.sampled_from([0.0, 0.5, 0.9])).map(side_by_side)))
def two_optimizers(kata, case):
    return run(kata, case)


KEPT = [
    # gradients held before SGD is built: the first zero_grad() clears them
    {"seed": 41, "params": [P([3], seed=61), P([2, 2], seed=62)], "given": "list", "lr": 0.1,
     "momentum": 0.0, "order": "zero_first", "warm": True, "steps": plain_steps(2)},
    # an overflow: the loss is inf, the step skipped (as GradScaler does), then zero_grad()
    {"seed": 42, "params": [P([2, 2], seed=63), P([3], seed=64)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{"overflow": True, "step": False}, {}, {}]},
    # p1 frozen after it got a gradient, which is kept one step (no zero_grad): step() still
    # moves it; then zero_grad() clears every parameter it holds, frozen or not
    {"seed": 43, "params": [P([3], seed=65), P([2], seed=66)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {"requires": [True, False], "clear": False}, {}]},
    {"seed": 48, "params": [P([3], seed=75), P([2], seed=76)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "steps": [{}, {"requires": [True, False]}, {}]},
    # gradients accumulated on purpose: no zero_grad() between steps; step() never writes them
    {"seed": 44, "params": [P([3], seed=67), P([2], seed=68)], "given": "list", "lr": 0.1,
     "momentum": 0.0, "order": "zero_first",
     "steps": [{}, {"clear": False}, {"clear": False}]},
    {"seed": 45, "params": [P([3], seed=69), P([2], seed=70)], "given": "list", "lr": 0.05,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{}, {"clear": False}, {}]},
    # model.parameters() in either order: zero_grad() reaches every parameter every time
    {"seed": 46, "params": [P([3], seed=71), P([2], seed=72)], "given": "generator",
     "lr": 0.1, "momentum": 0.9, "order": "zero_first", "warm": True,
     "steps": plain_steps(3)},
    {"seed": 47, "params": [P([3], seed=73), P([2], seed=74)], "given": "module", "lr": 0.1,
     "momentum": 0.0, "order": "zero_last", "steps": plain_steps(3)},
]


def kept_steps(count):
    one = st.fixed_dictionaries({}, optional={
        "clear": st.booleans(), "overflow": st.just(True),
        "requires": st.lists(st.sampled_from([True, True, False]), min_size=2,
                             max_size=2)}).map(
        lambda s: {**s, "step": False} if s.get("overflow") else s)
    return st.lists(one, min_size=count, max_size=count).map(
        lambda ss: [dict(s, clear=True) if i == 0 else s for i, s in enumerate(ss)])


@observe(examples=KEPT, draw=st.tuples(
    runs(params=param_lists(count=(1, 2)), steps=st.integers(2, 4).flatmap(kept_steps)),
    st.booleans()).map(lambda pair: {**pair[0], "warm": pair[1]}))
def gradients_kept_and_cleared(kata, case):
    return run(kata, case)


CALLERS = [
    # one-shot iterators that are not generators: walked once, whatever comes
    {"seed": 51, "params": [P([3], seed=81), P([2], seed=82)], "given": "chain", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "steps": plain_steps(3)},
    {"seed": 52, "params": [P([3], seed=83), P([2, 2], seed=84)], "given": "filter", "lr": 0.1,
     "momentum": 0.0, "order": "zero_last", "steps": plain_steps(3)},
    {"seed": 53, "params": [P([3], seed=85)], "given": "map", "lr": 0.1, "momentum": 0.5,
     "order": "zero_first", "steps": plain_steps(3)},
    {"seed": 54, "params": [P([2], seed=86), P([3], seed=87)], "given": "iter", "lr": 0.1,
     "momentum": 0.9, "order": "zero_last", "steps": plain_steps(3)},
    {"seed": 55, "params": [P([3], seed=88), P([2], seed=89)], "given": "iterator", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "steps": plain_steps(3)},
    {"seed": 56, "params": [P([3], seed=90), P([2], seed=91)], "given": "dict_values",
     "lr": 0.1, "momentum": 0.9, "order": "zero_first", "steps": plain_steps(3)},
    # the caller changes its own list (dict, iterable) after SGD is built: SGD does not follow
    {"seed": 57, "params": [P([3], seed=92), P([2], seed=93)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "meddle": {"at": 2, "how": "clear"},
     "steps": plain_steps(3)},
    {"seed": 58, "params": [P([3], seed=94), P([2], seed=95)], "given": "list", "lr": 0.1,
     "momentum": 0.0, "order": "zero_last", "meddle": {"at": 1, "how": "refill"},
     "steps": plain_steps(2)},
    {"seed": 59, "params": [P([3], seed=96), P([2], seed=97)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "meddle": {"at": 2, "how": "append"},
     "steps": plain_steps(3)},
    {"seed": 60, "params": [P([3], seed=98), P([2], seed=99)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first", "meddle": {"at": 2, "how": "drop_first"},
     "steps": plain_steps(3)},
    {"seed": 61, "params": [P([3], seed=100), P([2], seed=101)], "given": "dict_values",
     "lr": 0.1, "momentum": 0.9, "order": "zero_first", "meddle": {"at": 2, "how": "clear"},
     "steps": plain_steps(3)},
    {"seed": 62, "params": [P([3], seed=102), P([2], seed=103)], "given": "reiterable",
     "lr": 0.1, "momentum": 0.0, "order": "zero_last", "meddle": {"at": 1, "how": "refill"},
     "steps": plain_steps(2)},
    # step() and zero_grad() called inside the caller's torch.no_grad(): grad mode stays off
    {"seed": 63, "params": [P([3], seed=104), P([2], seed=105)], "given": "list", "lr": 0.1,
     "momentum": 0.9, "order": "zero_first",
     "steps": [{"no_grad": ["step"]}, {"no_grad": ["step", "zero_grad"]}, {}]},
    {"seed": 64, "params": [P([3], seed=106)], "given": "generator", "lr": 0.1,
     "momentum": 0.0, "order": "zero_last",
     "steps": [{"no_grad": ["zero_grad"]}, {"no_grad": ["step", "zero_grad"]}]},
    # the caller's default dtype is float64: SGD leaves it so
    {"seed": 65, "params": [P([3], seed=107), P([2], "float64", seed=108)], "given": "list",
     "lr": 0.1, "momentum": 0.9, "order": "zero_first", "default_dtype": "float64",
     "steps": [{}, {"no_grad": ["step"]}, {}]},
]


def callers_ways(count):
    """Steps where the caller makes some calls inside its own torch.no_grad()."""
    one = st.fixed_dictionaries({}, optional={"no_grad": st.sampled_from(
        [["step"], ["zero_grad"], ["step", "zero_grad"]])})
    return st.lists(one, min_size=count, max_size=count)


def with_meddle(pair):
    case, how, at, wide = pair
    if wide:
        case = {**case, "default_dtype": "float64"}
    if how is None or case["given"] not in CONTAINERS:
        return case
    return {**case, "meddle": {"at": min(at, len(case["steps"])), "how": how}}


@observe(examples=CALLERS, draw=st.tuples(
    runs(params=param_lists(count=(1, 3)), given=st.sampled_from(list(GIVEN)),
         momentum=st.sampled_from([0.0, 0.9]), steps=st.integers(2, 3).flatmap(callers_ways)),
    st.one_of(st.none(), st.sampled_from(HOWS)), st.integers(1, 3), st.booleans()
).map(with_meddle))
def callers_iterables_containers_and_modes(kata, case):
    return run(kata, case)


# --- the run in words ---------------------------------------------------------------------------


def names(idx) -> str:
    return ", ".join(f"p{i}" for i in idx)


def construction(case) -> str:
    """The code that built the run's optimizers: `opt = SGD([p0, p1], lr=0.1, momentum=0.9)`."""
    given = case.get("given", "list")
    specs = optimizers_of(case)
    out = []
    for j, spec in enumerate(specs):
        idx = spec["params"]
        src = {"list": f"[{names(idx)}]",
               "tuple": f"({names(idx)}{',' if len(idx) == 1 else ''})",
               "generator": f"(p for p in [{names(idx)}])",
               "module": "model.parameters()",
               "chain": f"itertools.chain(iter([{names(idx[:len(idx) // 2])}]), "
                        f"(p for p in [{names(idx[len(idx) // 2:])}]))",
               "filter": f"filter(lambda p: p is not None, [{names(idx)}])",
               "map": f"map(lambda p: p, [{names(idx)}])",
               "iter": f"iter([{names(idx)}])",
               "iterator": f"OneShot([{names(idx)}])",
               "dict_values": "params.values()",
               "reiterable": f"Bag([{names(idx)}])",
               }.get(given, f"[{names(idx)}]")
        m = spec.get("momentum")
        more = "" if m is None else f", momentum={float(m):g}"
        var = "opt" if len(specs) == 1 else f"opt{j + 1}"
        out.append(f"{var} = SGD({src}, lr={float(spec['lr']):g}{more})")
    everyone = names(range(len(case["params"])))
    note = {"module": f"model holds {everyone} in nested modules",
            "iterator": "OneShot: an iterator class, `__iter__` returns self",
            "dict_values": f"params: the caller's dict of {everyone}",
            "reiterable": "Bag: an iterable class, `__iter__` walks its list afresh"}.get(given)
    if note:
        out[-1] += f"  # {note}"
    return "; ".join(out)


def call_of(case, k) -> str:
    """The run's construction and step k's calls, as code."""
    count = len(steps_of(case))
    if not k:
        return construction(case)
    var = "opt" if len(optimizers_of(case)) == 1 else "opt1/opt2"
    calls = ["loss.backward()"]
    if stepped_at(case, k):
        calls.append(f"with torch.no_grad(): {var}.step()" if inside_no_grad(case, k, "step")
                     else f"{var}.step()")
    if cleared_at(case, k):
        zero = (f"with torch.no_grad(): {var}.zero_grad()"
                if inside_no_grad(case, k, "zero_grad") else f"{var}.zero_grad()")
        calls = [zero] + calls if zero_first(case) else calls + [zero]
    how = meddle(case, k)
    if how:
        calls = [f"the caller changed its own container after SGD was built: "
                 f"{meddled_words(case, how)[0]}"] + calls
    if k > 1 and steps_of(case)[k - 1].get("restart"):
        calls = [f"{var} = SGD(...) anew"] + calls
    return f"{construction(case)}\n  step {k} of {count}: {'; '.join(calls)}"


def said(en: list, zh: list) -> tuple[str, str]:
    if not en:
        return "", ""
    return f" (On this run: {'; '.join(en)}.)", f"(这次运行中:{';'.join(zh)}。)"


def context(case, k, i=None) -> tuple[str, str]:
    """What is irregular about the run up to step k (and about parameter i), in words."""
    en, zh = [], []
    if i is not None:
        d_en, d_zh = irr.describe(case["params"][i])
        given = case.get("given", "list")
        en.append(f"p{i} is {d_en}" + (", from `model.parameters()`" if given == "module" else ""))
        zh.append(f"p{i} 是{d_zh}" + ("(来自 `model.parameters()`)" if given == "module" else ""))
    if case.get("warm") and k == 1:
        en.append("the parameters held gradients from a backward before SGD was built")
        zh.append("构建 SGD 之前,参数已经有一次 backward 留下的梯度")
    start = requires_at(case, 0)
    for j, flag in enumerate(start):
        if not flag:
            en.append(f"p{j} had requires_grad=False when SGD was built")
            zh.append(f"构建 SGD 时 p{j} 的 requires_grad=False")
    for s in range(1, k + 1):
        now, was = requires_at(case, s), requires_at(case, s - 1)
        for j, (a, b) in enumerate(zip(now, was)):
            if a != b:
                en.append(f"p{j} was {'unfrozen' if a else 'frozen'} "
                          f"(`requires_grad_({a})`) at the start of step {s}")
                zh.append(f"第 {s} 步开始时 p{j} 被{'解冻' if a else '冻结'}(`requires_grad_({a})`)")
    for s in range(1, k + 1):
        step = steps_of(case)[s - 1]
        at_en, at_zh = (f"at step {s}", f"第 {s} 步")
        if s > 1 and step.get("restart"):
            en.append(f"a new SGD over the same tensors was built before step {s}")
            zh.append(f"第 {s} 步之前在同样的张量上新建了一个 SGD")
        how = meddle(case, s)
        if how:
            en_how, zh_how = meddled_words(case, how)
            en.append(f"{at_en} the caller changed its own container of the parameters, after SGD "
                      f"was built: it {en_how}")
            zh.append(f"{at_zh}调用方在 SGD 创建之后改动了自己存放参数的容器:{zh_how}")
        for what in ("zero_grad", "step"):
            if inside_no_grad(case, s, what) and s == k:
                en.append(f"{at_en} the caller called {what}() inside its own `torch.no_grad()` "
                          f"block (grad mode off)")
                zh.append(f"{at_zh}调用方在自己的 `torch.no_grad()` 块里调用了 {what}()(梯度模式关闭)")
        if s == 1 and case.get("default_dtype") == "float64":
            en.append("the caller's default dtype is float64 (`torch.set_default_dtype`)")
            zh.append("调用方的默认 dtype 是 float64(`torch.set_default_dtype`)")
        if step.get("overflow"):
            en.append(f"{at_en} the loss overflowed to inf and step() was skipped (as GradScaler "
                      f"does)")
            zh.append(f"{at_zh}损失溢出为 inf,跳过了 step()(GradScaler 就是这样做的)")
        if not step.get("clear", True):
            en.append(f"{at_en} no zero_grad() ran: the gradients accumulate on purpose")
            zh.append(f"{at_zh}没有调用 zero_grad():梯度是有意累加的")
        for j, kind in enumerate(uses(case, s)):
            if s < k and kind in ("g",):
                continue
            if kind == "none":
                en.append(f"{at_en} the loss does not use p{j}")
                zh.append(f"{at_zh}损失没有用到 p{j}")
            elif kind == "zero":
                en.append(f"{at_en} p{j}'s gradient is all zeros (its term times 0)")
                zh.append(f"{at_zh} p{j} 的梯度全为零(它的项乘了 0)")
            elif kind in ("nan", "inf"):
                en.append(f"{at_en} p{j}'s gradient holds {'a nan' if kind == 'nan' else 'an inf'}")
                zh.append(f"{at_zh} p{j} 的梯度里有 {kind}")
            elif kind == "cleared":
                en.append(f"{at_en} the caller set `p{j}.grad = None` after the backward")
                zh.append(f"{at_zh}调用方在 backward 之后设置了 `p{j}.grad = None`")
    return said(en, zh)


def with_context(text: tuple[str, str], case, k, i=None) -> tuple[str, str]:
    more = context(case, k, i)
    return text[0] + more[0], text[1] + more[1]


# --- reading an observation, with care ---------------------------------------------------------


def malformed(what, call):
    fail(f"the observation of this run came back malformed ({what}): it is not what this check "
         f"can read.",
         f"这次运行的观测数据格式不对({what}):这不是本检查能读取的数据。", call=call, kata=KATA)


class Observed:
    """The observation of one run, read as the case says it must be: every access checks what
    came (a hostile job can send anything that decodes) and fails with words, never crashes."""

    def __init__(self, case, seen):
        self.case = case
        self.n = len(case["params"])
        self.count = len(steps_of(case))
        self.call = construction(case)
        if not isinstance(seen, dict):
            malformed("not a dict", self.call)
        records = seen.get("steps")
        if not isinstance(records, list) or not 1 <= len(records) <= self.count or not all(
                isinstance(r, dict) for r in records):
            malformed("steps", self.call)
        self.records = records
        raised = seen.get("raised")
        if raised is not None:
            ok = (isinstance(raised, dict) and raised.get("call") in (
                "SGD", "zero_grad", "backward", "step") and raised.get("step") == len(records)
                and all(isinstance(raised.get(key), str) for key in ("type", "text")))
            if not ok:
                malformed("raised", self.call)
        elif len(records) != self.count:
            malformed("steps", self.call)
        self.raised = raised
        self.same_objects = seen.get("same_objects")

    def raised_at(self, k, what) -> dict | None:
        r = self.raised
        return r if r is not None and r["step"] == k and r["call"] == what else None

    def record(self, k) -> dict:
        if not 1 <= k <= len(self.records):
            malformed(f"step {k}", self.call)
        return self.records[k - 1]

    def tensors(self, k, key, *, grads=False) -> list:
        """One tensor per parameter (None allowed for gradients) of the case's shapes and
        dtypes, as float64 values in their dtype."""
        items = self.record(k).get(key)
        if not isinstance(items, list) or len(items) != self.n:
            malformed(f"{key} at step {k}", self.call)
        out = []
        for item, desc in zip(items, self.case["params"]):
            if item is None and grads:
                out.append(None)
                continue
            if not (isinstance(item, Seen) and item.complete and item.error is None
                    and item.dtype_name == desc["dtype"]
                    and list(item.shape) == [int(s) for s in desc["shape"]]):
                malformed(f"{key} at step {k}", self.call)
            try:
                out.append(item.tensor)
            except (ValueError, TypeError, RuntimeError, OverflowError):
                malformed(f"{key} at step {k}", self.call)
        return out

    def flags(self, k, key, kind=bool) -> list:
        items = self.record(k).get(key)
        if not isinstance(items, list) or len(items) != self.n or not all(
                type(v) is kind for v in items):
            malformed(f"{key} at step {k}", self.call)
        return items

    def flag(self, k, key) -> bool:
        value = self.record(k).get(key)
        if type(value) is not bool:
            malformed(f"{key} at step {k}", self.call)
        return value


# --- what was raised ---------------------------------------------------------------------------


def inference_words(i) -> tuple[str, str]:
    return (f"the gradient of p{i} was cleared with an inference tensor (made under "
            f"`torch.inference_mode()`): the next backward must add into it and PyTorch "
            f"refuses (\"Inplace update to inference tensor outside InferenceMode\"). Clear "
            f"it under `torch.no_grad()`: `p.grad.zero_()`, or `p.grad = None`.",
            f"p{i} 的梯度被清成了一个推理张量(在 `torch.inference_mode()` 下创建的):下一次 "
            f"backward 要在它上面累加,PyTorch 会拒绝(\"Inplace update to inference tensor "
            f"outside InferenceMode\")。请在 `torch.no_grad()` 下清零:`p.grad.zero_()` 或 "
            f"`p.grad = None`。")


def report_raised(case, raised, k, *, grads=None, first_late=(), inference=None):
    """Fail with what the learner's code raised, where, and why where it was measured:
    `grads` the gradients the call met (None where a gradient was None), `first_late` the
    parameters that got their first gradient at this step, after the optimizer's first step."""
    kind, text = raised["type"][:100], raised["text"][:300]
    at = raised.get("at") if isinstance(raised.get("at"), str) else None
    what = raised["call"]
    where = f" ({at[:300]})" if at else ""
    shown = dict(call=call_of(case, k), kata=KATA)
    none = [i for i, g in enumerate(grads or []) if g is None]
    on_none = "NoneType" in text
    if what == "zero_grad" and on_none and none:
        fail(*with_context((
            f"`zero_grad()` crashed on a gradient that is None ({kind}: {text}){where}. A "
            f"parameter's `.grad` is None until a `backward()` reaches it: before the first "
            f"backward, and for every parameter the loss does not use (here p{none[0]}). "
            f"`p.grad.data.zero_()` (the articles' zero_grad) calls a method on None. Clear only "
            f"the gradients that exist (`if p.grad is not None`), or set them to None.",
            f"`zero_grad()` 在值为 None 的梯度上崩溃了({kind}:{text}){where}。参数的 `.grad` 在 "
            f"`backward()` 到达它之前一直是 None:第一次 backward 之前如此,损失没用到的参数也是如此"
            f"(这里是 p{none[0]})。`p.grad.data.zero_()`(文章里的 zero_grad)是在 None 上调用方法。"
            f"只清零存在的梯度(`if p.grad is not None`),或把它们设为 None。"), case, k), **shown)
    if what == "step" and on_none and first_late and not none:
        i = first_late[0]
        fail(*with_context((
            f"`step()` crashed at step {k} ({kind}: {text}){where}, where p{i} got its first "
            f"gradient, after the optimizer's first step; every gradient exists at this step. "
            f"Its momentum buffer was not there yet: \"the first step\" was decided for the "
            f"whole optimizer (a step counter), but it is each parameter's own. Start a "
            f"parameter's buffer when it has none (`if buf is None: buf = p.grad.clone()`).",
            f"`step()` 在第 {k} 步崩溃了({kind}:{text}){where}:这一步 p{i} 第一次得到梯度,"
            f"而优化器已经走过第一步;这一步所有梯度都存在。它的动量缓冲区还不存在:“第一步”是按整个"
            f"优化器判断的(一个步数计数器),但它应当是每个参数自己的。参数还没有缓冲区时再创建它"
            f"(`if buf is None: buf = p.grad.clone()`)。"), case, k), **shown)
    if what == "step" and on_none and none:
        fail(*with_context((
            f"`step()` crashed on a gradient that is None ({kind}: {text}){where}: p{none[0]}'s "
            f"`.grad` is None at this step. A parameter's `.grad` is None until a `backward()` "
            f"reaches it (a parameter the loss does not use, one cleared with `p.grad = None`). "
            f"Skip such a parameter: there is nothing to step along.",
            f"`step()` 在值为 None 的梯度上崩溃了({kind}:{text}){where}:这一步 p{none[0]} 的 "
            f"`.grad` 是 None。参数的 `.grad` 在 `backward()` 到达它之前一直是 None(损失没有用到的"
            f"参数、被 `p.grad = None` 清掉的参数)。跳过这样的参数:没有方向可走。"), case, k),
            **shown)
    if what == "SGD" and case.get("given") in ("generator", "module") and "generator" in text:
        fail(*with_context((
            f"`SGD(...)` raised {kind}: {text}{where}, given `params` as a generator (what "
            f"`model.parameters()` returns). A generator has no `len()`, no indexing, and can be "
            f"walked only once: make one list of it first (`self.params = list(params)`) and "
            f"use that list.",
            f"`SGD(...)` 抛出了 {kind}:{text}{where},这里传入的 `params` 是生成器"
            f"(`model.parameters()` 返回的就是生成器)。生成器没有 `len()`,不能下标访问,而且只能遍历"
            f"一次:先把它变成一个列表(`self.params = list(params)`),再用这个列表。"), case, k),
            **shown)
    if what == "step" and "leaf Variable that requires grad" in text:
        fail(*with_context((
            f"`step()` raised {kind}: {text}{where}. An update in place of a parameter (a leaf "
            f"that requires grad) is refused while autograd records: do it under "
            f"`torch.no_grad()` (`with torch.no_grad():` around the loop, or `@torch.no_grad()` "
            f"on step), which changes the tensor itself without recording the change.",
            f"`step()` 抛出了 {kind}:{text}{where}。在 autograd 记录时,不允许原地修改参数(需要梯度的"
            f"叶子张量):请在 `torch.no_grad()` 下更新(循环外包 `with torch.no_grad():`,或给 step 加 "
            f"`@torch.no_grad()`),这样会修改张量本身而不记录这次改动。"), case, k), **shown)
    flags = inference if isinstance(inference, list) and len(inference) == len(
        case["params"]) else []
    marked = [j for j, v in enumerate(flags) if v is True]
    if what == "backward" and marked:
        i = marked[0]
        en, zh = inference_words(i)
        fail(*with_context((f"the backward after your `zero_grad()` raised {kind}: {text}. "
                            + en[0].upper() + en[1:], f"在你的 `zero_grad()` 之后,backward 抛出了 "
                            f"{kind}:{text}。" + zh), case, k, i), **shown)
    if what == "backward":
        fail(*with_context((
            f"the backward after your `zero_grad()` raised {kind}: {text}. `backward()` adds "
            f"into each `.grad` that zero_grad() left: leave None, or zeros it can add into "
            f"(`p.grad.zero_()`; not a tensor made under `torch.inference_mode()`).",
            f"在你的 `zero_grad()` 之后,backward 抛出了 {kind}:{text}。`backward()` 会累加到 "
            f"zero_grad() 留下的每个 `.grad` 上:请留下 None,或者它能累加的零张量(`p.grad.zero_()`;"
            f"不要用 `torch.inference_mode()` 下创建的张量)。"), case, k), **shown)
    fail(*with_context((
        f"`{what}{'(...)' if what == 'SGD' else '()'}` raised {kind}: {text}{where}. SGD must "
        f"work on this run as torch.optim.SGD does.",
        f"`{what}{'(...)' if what == 'SGD' else '()'}` 抛出了 {kind}:{text}{where}。SGD 必须像 "
        f"torch.optim.SGD 一样处理这次运行。"), case, k), **shown)


# --- the judge's replay: torch.optim.SGD's steps, from where the learner's run stood ------------


def initial(case) -> list:
    return [irr.tensor(desc).detach() for desc in case["params"]]


def grads_at(case, k, values, requires) -> list:
    """The gradients step k's backward gives at `values` (the judge's own autograd, on tensors
    laid out as the learner's were); None for a parameter it does not reach."""
    leaves = [laid(v.detach().clone(), desc).detach().requires_grad_(flag)
              for v, desc, flag in zip(values, case["params"], requires)]
    with torch.enable_grad():
        loss = loss_of(case, k, leaves)
        if loss is not None and loss.requires_grad:
            loss.backward()
    return [t.grad.detach().clone() if t.grad is not None else None for t in leaves]


def torch_step(p, g, buf, lr, m):
    """torch.optim.SGD's step for one parameter (dampening 0, no Nesterov, no weight decay), in
    the parameter's dtype: the new value and the new buffer."""
    with torch.no_grad():
        if m != 0:
            buf = g.clone() if buf is None else buf.mul(m).add(g)
            return p.add(buf, alpha=-lr), buf
        return p.add(g, alpha=-lr), None


def f64(t):
    return t.detach().double()


class Optimizer:
    """The judge's own state of one optimizer object: its buffers, the size they sum
    (for the tolerance), and the learner's last direction of each parameter (measured)."""

    def __init__(self, n):
        self.bufs = [None] * n
        self.size = [None] * n
        self.dirs = [None] * n
        self.steps = 0


        self.moved = False  # a step of this optimizer has moved a parameter
        self.met = False  # a call of this optimizer reached a parameter (moved, or cleared)
        self.skipped = [None] * n  # the last step where a parameter with a buffer had no grad
        self.bufs32 = [None] * n  # the buffers as float32 would hold them (a pitfall, measured)
        self.requires = None  # requires_grad of each parameter when it was built


def first_late(obs, case, k, start) -> list[int]:
    """Parameters (with momentum) whose first gradient at a step comes at step k, after the
    optimizer built at step `start` has stepped already (what was observed)."""
    own, specs = owner(case), optimizers_of(case)
    earlier = [s for s in range(start, k) if stepped_at(case, s)]
    if not earlier:
        return []
    now = obs.tensors(k, "grads", grads=True)
    seen_before = [obs.tensors(s, "grads", grads=True) for s in earlier]
    return [i for i in range(obs.n) if now[i] is not None and momentum_of(specs[own[i]])
            and all(g[i] is None for g in seen_before)]


def check_default_dtype(obs, case, k, what):
    """The default dtype after the call must be the caller's, as it was before the call."""
    key = "zero_dtype" if what == "zero_grad" else "step_dtype"
    was = "float64" if case.get("default_dtype") == "float64" else "float32"
    now = obs.record(k).get(key)
    if not isinstance(now, str):
        malformed(f"{key} at step {k}", obs.call)
    if now == was:
        return
    fail(*with_context((
        f"`{what}()` changed the default dtype: it was {was} when the call started (the "
        f"caller's `torch.set_default_dtype`) and is {now[:20]} after it, so every tensor the "
        f"caller makes next (`torch.zeros(...)`, `torch.tensor(...)`) comes in another dtype. An "
        f"optimizer leaves the default dtype alone (or puts back what it was, not a constant): "
        f"make buffers like their parameter (`p.grad.clone()`, `torch.zeros_like(p)`).",
        f"`{what}()` 改变了默认 dtype:调用开始时它是 {was}(调用方的 `torch.set_default_dtype`),"
        f"调用之后变成了 {now[:20]},于是调用方接下来创建的每个张量(`torch.zeros(...)`、"
        f"`torch.tensor(...)`)都是另一种 dtype。优化器不应改动默认 dtype(或者恢复成原来的值,而不是"
        f"一个固定值):请照着参数创建缓冲区(`p.grad.clone()`、`torch.zeros_like(p)`)。"), case, k),
        call=call_of(case, k), kata=KATA)


def check_mode(obs, case, k, key, what):
    """Grad mode after the call must be what it was before it: on in the plain loop, off when
    the caller makes the call inside its own `torch.no_grad()`."""
    check_default_dtype(obs, case, k, what)
    was = not inside_no_grad(case, k, what)
    now = obs.flag(k, key)
    if now == was:
        return
    if was:
        fail(*with_context((
            f"`{what}()` left autograd switched off: after it, `torch.is_grad_enabled()` is "
            f"False, so the caller's next forward records no graph and its `backward()` fails. "
            f"Use `with torch.no_grad():` (or `@torch.no_grad()`) around the update: it puts "
            f"the mode back as it was; `torch.set_grad_enabled(False)` alone does not.",
            f"`{what}()` 让 autograd 保持关闭:调用之后 `torch.is_grad_enabled()` 为 False,调用方下一次"
            f"前向传播不会建图,它的 `backward()` 会失败。请用 `with torch.no_grad():`(或 "
            f"`@torch.no_grad()`)包住更新:它会把模式恢复原样;单独的 "
            f"`torch.set_grad_enabled(False)` 不会。"), case, k),
            call=call_of(case, k), kata=KATA)
    fail(*with_context((
        f"`{what}()` was called inside the caller's `torch.no_grad()` block (grad mode off) and "
        f"left autograd switched on: after it, `torch.is_grad_enabled()` is True, so the rest "
        f"of the caller's block records graphs it asked not to record. Grad mode must be put "
        f"back to what it was, not to a constant: `with torch.no_grad():` (or "
        f"`@torch.no_grad()`) restores the caller's mode; `torch.set_grad_enabled(True)` at the "
        f"end does not.",
        f"`{what}()` 是在调用方的 `torch.no_grad()` 块里调用的(梯度模式关闭),它却让 autograd 打开了:"
        f"调用之后 `torch.is_grad_enabled()` 为 True,调用方块里剩下的代码会记录它本不想记录的计算图。"
        f"梯度模式要恢复成调用前的样子,而不是一个固定值:`with torch.no_grad():`(或 "
        f"`@torch.no_grad()`)会恢复调用方的模式;最后写一句 `torch.set_grad_enabled(True)` 不会。"),
        case, k), call=call_of(case, k), kata=KATA)


SOURCES = {
    "generator": ("a generator", "生成器"),
    "module": ("the generator that `model.parameters()` returns", "`model.parameters()` 返回的生成器"),
    "chain": ("an `itertools.chain(...)` iterator", "`itertools.chain(...)` 迭代器"),
    "filter": ("a `filter(...)` iterator", "`filter(...)` 迭代器"),
    "map": ("a `map(...)` iterator", "`map(...)` 迭代器"),
    "iter": ("an `iter(list)` iterator", "`iter(list)` 迭代器"),
    "iterator": ("an iterator object (`__iter__` returns itself)", "迭代器对象(`__iter__` 返回它自己)"),
}


def generator_words(case) -> tuple[str, str]:
    """Why a one-shot `params` kept as it came loops over nothing, for the case's kind."""
    given = case.get("given", "list")
    if given in ("generator", "module"):
        return (
            "`params` was kept as the generator that `model.parameters()` returns. A generator "
            "can be walked once; the first loop over it (in step() or zero_grad()) used it up, "
            "and every later loop sees no parameters at all. Keep a list: "
            "`self.params = list(params)`.",
            "`params` 被原样保存成了 `model.parameters()` 返回的生成器。生成器只能遍历一次;第一次循环"
            "(在 step() 或 zero_grad() 里)就把它用完了,之后的每次循环都看不到任何参数。请保存一个列表:"
            "`self.params = list(params)`。")
    en, zh = SOURCES.get(given, ("a one-shot iterator", "一次性迭代器"))
    return (
        f"`params` was kept as the one-shot iterator it came as ({en}; not a generator, yet "
        f"walked only once just the same). The first loop over it (in step() or zero_grad()) "
        f"used it up, and every later loop sees no parameters at all. Whatever iterable comes, "
        f"walk it once in `__init__` into a list of your own: `self.params = list(params)` "
        f"(checking for a generator type only misses chain, filter, map and iter).",
        f"`params` 被原样保存成了传入的一次性迭代器({zh};不是生成器,但同样只能遍历一次)。第一次循环"
        f"(在 step() 或 zero_grad() 里)就把它用完了,之后的每次循环都看不到任何参数。不论传入什么可迭代"
        f"对象,都在 `__init__` 里遍历一次,存成自己的列表:`self.params = list(params)`(只检查生成器"
        f"类型会漏掉 chain、filter、map 和 iter)。")


GENERATOR = generator_words({"given": "module"})


def generator_note(case, untouched: bool) -> tuple[str, str]:
    """A fact worth knowing when no parameter was reached and they came as a one-shot
    iterator."""
    given = case.get("given")
    if not untouched or given not in ONE_SHOT:
        return "", ""
    if given in ("generator", "module"):
        return (" None of the parameters was reached, and they came as a generator "
                "(`model.parameters()`), which can be walked only once.",
                "没有一个参数被处理到,而它们是以生成器(`model.parameters()`)传入的,生成器只能遍历一次。")
    en, zh = SOURCES[given]
    return (f" None of the parameters was reached, and they came as {en}, which can be walked "
            f"only once.",
            f"没有一个参数被处理到,而它们是以{zh}传入的,它只能遍历一次。")


def meddled(case, k):
    """(how, step) of the caller's change to its own container that the optimizer in use at
    step k has lived through, or None."""
    start = start_of(case, k)
    for s in range(start, k + 1):
        how = meddle(case, s)
        if how:
            return how, s
    return None


MEDDLED = {"clear": ("emptied it (`params.clear()`)", "清空了它(`params.clear()`)"),
           "refill": ("put other tensors in its places (`params[:] = other`)",
                      "在原位置放入了别的张量(`params[:] = other`)"),
           "append": ("added one more tensor to it (`params.append(t)`)",
                      "往里面又加了一个张量(`params.append(t)`)"),
           "drop_first": ("removed its first tensor (`del params[0]`)",
                          "删掉了它的第一个张量(`del params[0]`)")}


CODE = {"dict_values": {"clear": "`params.clear()`",
                        "refill": "`for key in params: params[key] = other`",
                        "append": "`params['extra'] = t`", "drop_first": "`del params[first_key]`"},
        "reiterable": {"clear": "`bag.items.clear()`", "refill": "`bag.items[:] = other`",
                       "append": "`bag.items.append(t)`", "drop_first": "`del bag.items[0]`"}}


def meddled_words(case, how) -> tuple[str, str]:
    """The caller's change, in words, with the code for the case's container."""
    en, zh = MEDDLED.get(how, MEDDLED["clear"])
    code = CODE.get(case.get("given", "list"), {}).get(how)
    if code:
        en, zh = (t.replace(t[t.index("`"):t.rindex("`") + 1], code) for t in (en, zh))
    return en, zh


def container_words(case, k, what) -> tuple[str, str]:
    how, s = meddled(case, k) or ("clear", k)
    en, zh = meddled_words(case, how)
    given = case.get("given", "list")
    kind_en, kind_zh = {"dict_values": ("the dict whose `.values()` it had passed", "它传入的 "
                                        "`.values()` 所属的字典"),
                        "reiterable": ("the iterable object it had passed", "它传入的可迭代对象")}.get(
        given, ("the list it had passed", "它传入的列表"))
    return (
        f"after SGD was built, the caller changed {kind_en} (at the start of step {s} it {en}), "
        f"and your `{what}()` followed that change: the optimizer kept the caller's own "
        f"container (`self.params = params`), not the parameters it was given. torch.optim "
        f"copies them into its own param groups; walk `params` once in `__init__` into a list of "
        f"your own (`self.params = list(params)`), whatever iterable comes.",
        f"SGD 创建之后,调用方改动了{kind_zh}(第 {s} 步开始时{zh}),而你的 `{what}()` 跟着这次改动走了:"
        f"优化器保存的是调用方自己的容器(`self.params = params`),而不是交给它的那些参数。torch.optim "
        f"会把它们复制进自己的 param groups;请在 `__init__` 里把 `params` 遍历一次,存成自己的列表"
        f"(`self.params = list(params)`),不论传入的是什么可迭代对象。")


def check_decoys(obs, case, k, key, what):
    """Tensors the caller put into its own container after SGD was built: never reached."""
    if obs.flag(k, key):
        return
    fail(*with_context(container_words(case, k, what), case, k),
         call=call_of(case, k), kata=KATA)


def judge_steps(case, seen):
    """Replay the run step by step from where the learner's run stood, and judge each step."""
    obs = Observed(case, seen)
    n = obs.n
    specs, own = optimizers_of(case), owner(case)
    lrs = [float(specs[own[i]]["lr"]) for i in range(n)]
    ms = [momentum_of(specs[own[i]]) for i in range(n)]
    values = initial(case)
    grads = grads_at(case, 0, values, requires_at(case, 0)) if case.get("warm") else [None] * n
    opt, old, start = Optimizer(n), None, 1
    for k in range(1, len(obs.records) + 1):
        requires = requires_at(case, k)
        if k == 1 or steps_of(case)[k - 1].get("restart"):
            old, opt, start = (opt if k > 1 else None), Optimizer(n), k
            opt.requires = requires
            if obs.raised_at(k, "SGD"):
                report_raised(case, obs.raised_at(k, "SGD"), k)
        if zero_first(case) and cleared_at(case, k):
            if obs.raised_at(k, "zero_grad"):
                report_raised(case, obs.raised_at(k, "zero_grad"), k,
                              grads=obs.tensors(k, "zero_in", grads=True))
            check_mode(obs, case, k, "zero_mode", "zero_grad")
            check_decoys(obs, case, k, "zero_decoys", "zero_grad")
            grads = obs.tensors(k, "zero_out", grads=True)  # what zero_grad left (its own claim)
            opt.met = opt.met or cleared_some(obs, k)
        if obs.raised_at(k, "backward"):
            report_raised(case, obs.raised_at(k, "backward"), k,
                          inference=obs.record(k).get("zero_inference"))
        before = obs.tensors(k, "before")
        check_anchor(case, k, before, values)
        new = grads_at(case, k, before, requires)
        grads = [a if b is None else (b.clone() if a is None else a + b)
                 for a, b in zip(grads, new)]
        grads = [None if kind == "cleared" else g for g, kind in zip(grads, uses(case, k))]
        check_backward(case, k, obs.tensors(k, "grads", grads=True), grads)
        if stepped_at(case, k):
            if obs.raised_at(k, "step"):
                report_raised(case, obs.raised_at(k, "step"), k,
                              grads=obs.tensors(k, "grads", grads=True),
                              first_late=first_late(obs, case, k, start))
            check_mode(obs, case, k, "grad_mode", "step")
            check_decoys(obs, case, k, "step_decoys", "step")
            after = obs.tensors(k, "after")
            check_grads_kept(case, k, grads, obs.tensors(k, "grads_after", grads=True),
                             before, after, lrs, ms)
            expected, scale, bufs, size = [], [], [], []
            for i in range(n):
                p, g = before[i], grads[i]
                if g is None:
                    expected.append(p)
                    scale.append(f64(p).abs())
                    bufs.append(opt.bufs[i])
                    size.append(opt.size[i])
                    continue
                want, buf = torch_step(p, g, opt.bufs[i], lrs[i], ms[i])
                grown = f64(g).abs() if opt.size[i] is None or not ms[i] else (
                    ms[i] * opt.size[i] + f64(g).abs())
                expected.append(want)
                scale.append(f64(p).abs() + lrs[i] * grown)
                bufs.append(buf)
                size.append(grown if ms[i] else None)
            right = [diagnose.agrees(a, e, s, d["dtype"], ULPS)
                     for a, e, s, d in zip(after, expected, scale, case["params"])]
            if not all(right):
                diagnose_step(case, k, obs, before, after, expected, scale, grads, right,
                              opt, old, start, lrs, ms)
            check_visible(case, k, obs, before, after, requires)
            for i in range(n):
                if grads[i] is None and opt.dirs[i] is not None:
                    opt.skipped[i] = k
                if grads[i] is not None:
                    if ms[i] and case["params"][i]["dtype"] == "float64":
                        b32 = opt.bufs32[i]
                        if b32 is None:
                            b32 = torch.zeros(grads[i].shape, dtype=torch.float32)
                        opt.bufs32[i] = b32.mul_(ms[i]).add_(grads[i])
                    opt.skipped[i] = None
                    opt.dirs[i] = (f64(before[i]) - f64(after[i])) / lrs[i]
                    opt.moved = opt.moved or not diagnose.identical(before[i], after[i])
            opt.met = opt.met or opt.moved
            opt.bufs, opt.size = bufs, size
            opt.steps += 1
            values = after
        else:
            values = before
        if not zero_first(case) and cleared_at(case, k):
            if obs.raised_at(k, "zero_grad"):
                report_raised(case, obs.raised_at(k, "zero_grad"), k,
                              grads=obs.tensors(k, "zero_in", grads=True))
            check_mode(obs, case, k, "zero_mode", "zero_grad")
            check_decoys(obs, case, k, "zero_decoys", "zero_grad")
            grads = obs.tensors(k, "zero_out", grads=True)
            opt.met = opt.met or cleared_some(obs, k)
    if obs.raised is not None:  # raised where no call of that name was made: not ours
        malformed("raised", obs.call)
    check_same_objects(case, obs)


def cleared_which(obs, k) -> list[bool]:
    """Which gradients the zero_grad() of step k changed (the parameters it reached)."""
    ins = obs.tensors(k, "zero_in", grads=True)
    outs = obs.tensors(k, "zero_out", grads=True)
    return [a is not None and (b is None or not diagnose.identical(a, b))
            for a, b in zip(ins, outs)]


def cleared_some(obs, k) -> bool:
    return any(cleared_which(obs, k))


def check_anchor(case, k, before, values):
    """Between one step() and the next only zero_grad(), SGD(...) and the backward ran: the
    parameters must be where the last step left them."""
    for i, (a, b) in enumerate(zip(before, values)):
        if not diagnose.identical(a, b):
            fail(*with_context((
                f"p{i} changed outside `step()`: before step {k}'s `step()` it is not where "
                f"{'it started' if k == 1 else 'the step before left it'}, and in between only "
                f"`zero_grad()` and the backward ran{' (and `SGD(...)`)' if k == 1 else ''}. "
                f"Only step() moves the parameters.",
                f"p{i} 在 `step()` 之外被改变了:第 {k} 步的 `step()` 之前,它不在"
                f"{'起始的位置' if k == 1 else '上一步留下的位置'},而这中间只运行了 `zero_grad()` 和 "
                f"backward{'(以及 `SGD(...)`)' if k == 1 else ''}。只有 step() 应当移动参数。"),
                case, k, i), call=call_of(case, k), got=a, expected=b, kata=KATA)


def check_backward(case, k, seen, want):
    """The gradients the learner's run held before step() are those the judge's backward
    gives (nothing of the learner's runs in between: only a hook, or forged data, differ)."""
    for i, (a, b) in enumerate(zip(seen, want)):
        dtype = case["params"][i]["dtype"]
        if (a is None) != (b is None) or (a is not None and not diagnose.agrees(
                a, b, f64(b).abs(), dtype, ULPS)):
            fail(*with_context((
                f"before step {k}'s `step()`, p{i}.grad is not the gradient this run's "
                f"backward gives: something changed it between the backward and the step "
                f"(a hook registered on the parameter?).",
                f"第 {k} 步的 `step()` 之前,p{i}.grad 不是这次 backward 给出的梯度:在 backward 和 "
                f"step 之间有东西改动了它(参数上注册的 hook?)。"), case, k, i),
                call=call_of(case, k), got=show(a), expected=show(b), kata=KATA)


def check_grads_kept(case, k, before_grads, after_grads, before, after, lrs, ms):
    """step() reads `p.grad` and never writes it."""
    for i, (a, b) in enumerate(zip(before_grads, after_grads)):
        if a is None and b is None:
            continue
        shown = dict(call=call_of(case, k), got=b, expected=a, kata=KATA)
        if a is None or b is None:
            fail(*with_context((
                f"step {k}'s `step()` {'set' if a is None else 'cleared'} `p{i}.grad`: step() "
                f"reads the gradients and leaves them as they are (clearing them is "
                f"zero_grad()'s job, when the caller asks for it).",
                f"第 {k} 步的 `step()` {'设置' if a is None else '清掉'}了 `p{i}.grad`:step() "
                f"只读取梯度,保持原样(清零是 zero_grad() 的事,由调用方决定何时调用)。"), case, k, i),
                call=call_of(case, k), got=show(b), expected=show(a), kata=KATA)
        if diagnose.identical(a, b):
            continue
        direction = (f64(before[i]) - f64(after[i])) / lrs[i]
        dtype = case["params"][i]["dtype"]
        size = f64(before[i]).abs() / lrs[i] + f64(b).abs() + f64(a).abs()
        if ms[i] and diagnose.agrees(direction, f64(b), size, dtype, 16):
            fail(*with_context((
                f"the momentum buffer is `p.grad` itself (no copy: `buf = p.grad`, "
                f"`p.grad.detach()` and `p.grad.data` share its memory): step {k} updated the "
                f"buffer in place and so wrote into p{i}.grad, and p{i} moved by lr times that "
                f"rewritten gradient. zero_grad() wipes such a buffer and backward() writes the "
                f"new gradient into it, so nothing of the earlier gradients is left. Start the "
                f"buffer as a copy: `buf = p.grad.clone()`, then `buf.mul_(momentum).add_(grad)`.",
                f"动量缓冲区就是 `p.grad` 本身(没有复制:`buf = p.grad`、`p.grad.detach()` 和 "
                f"`p.grad.data` 都与它共用内存):第 {k} 步原地更新缓冲区,也就写进了 p{i}.grad,p{i} "
                f"按 lr 乘以这个被改写的梯度移动。zero_grad() 会清空这样的缓冲区,backward() 又把新梯度"
                f"写进去,之前的梯度一点不剩。请把缓冲区初始化为副本:`buf = p.grad.clone()`,然后 "
                f"`buf.mul_(momentum).add_(grad)`。"), case, k, i), **shown)
        if not bool(f64(b).abs().sum()) and bool(f64(a).abs().sum()):
            fail(*with_context((
                f"step {k}'s `step()` zeroed p{i}.grad after using it: clearing the gradients "
                f"is zero_grad()'s job, when the caller asks for it. A caller may read the "
                f"gradients after the step (clipping, logging) or accumulate them over several "
                f"backwards on purpose. step() reads `p.grad` and leaves it as it is.",
                f"第 {k} 步的 `step()` 在用完 p{i}.grad 之后把它清零了:清零梯度是 zero_grad() 的事,"
                f"由调用方决定何时调用。调用方可能在这一步之后读取梯度(裁剪、日志),或者有意跨多次 "
                f"backward 累加梯度。step() 只读取 `p.grad`,保持原样。"), case, k, i), **shown)
        s = diagnose.ratio(f64(b), f64(a))
        if s is not None and math.isclose(s, lrs[i], rel_tol=1e-3):
            fail(*with_context((
                f"step {k}'s `step()` multiplied p{i}.grad by lr in place (`p.grad.mul_(lr)`): "
                f"the step itself is right, but the caller's gradient is now lr * grad. Anything "
                f"that reads it after the step (clipping, logging, gradients accumulated over "
                f"several backwards) gets the wrong one. Compute the step out of place: "
                f"`p -= lr * p.grad` (or `p.add_(p.grad, alpha=-lr)`).",
                f"第 {k} 步的 `step()` 把 p{i}.grad 原地乘了 lr(`p.grad.mul_(lr)`):这一步本身是对的,"
                f"但调用方的梯度变成了 lr * grad。之后读取它的任何东西(梯度裁剪、日志、跨多次 backward "
                f"累加的梯度)都拿到错的值。请不要原地计算步长:`p -= lr * p.grad`(或 "
                f"`p.add_(p.grad, alpha=-lr)`)。"), case, k, i), **shown)
        fail(*with_context((
            f"step {k}'s `step()` changed p{i}.grad: step() reads the gradients and never "
            f"writes into them (the caller may read or accumulate them after the step)."
            + (f" The new gradient is {diagnose.times(s)[0]} the old." if s is not None else ""),
            f"第 {k} 步的 `step()` 改动了 p{i}.grad:step() 只读取梯度,从不写入(调用方在这一步之后"
            f"可能还要读取或累加它们)。"
            + (f"新梯度是原来的 {diagnose.times(s)[1]}。" if s is not None else "")), case, k, i),
            **shown)


def check_visible(case, k, obs, before, after, requires):
    """A parameter that moved moved in place: the same storage, its version counter bumped,
    still a leaf with its requires_grad."""
    versions = obs.flags(k, "versions", int)
    later = obs.flags(k, "versions_after", int)
    storage, leaf = obs.flags(k, "same_storage"), obs.flags(k, "leaf")
    wants = obs.flags(k, "requires_grad")
    call = call_of(case, k)
    for i in range(obs.n):
        if diagnose.identical(before[i], after[i]):
            continue
        if not storage[i]:
            fail(*with_context((
                f"p{i} got new storage at step {k}: its values are right, but they are in "
                f"memory of its own now. `p.data = new_values` (what "
                f"`torch.nn.utils.vector_to_parameters` does) or `p.set_(...)` swap the memory "
                f"behind the tensor: autograd's version counter does not move, and a view of "
                f"the parameter never sees the change. Write into the tensor itself under "
                f"`torch.no_grad()`: `p -= lr * direction`, or `p.copy_(new_values)`.",
                f"p{i} 在第 {k} 步换了新的存储:数值是对的,但它们现在在另一块内存里。"
                f"`p.data = new_values`(`torch.nn.utils.vector_to_parameters` 就是这样做的)或 "
                f"`p.set_(...)` 换掉了张量背后的内存:autograd 的版本计数器不动,参数的视图也看不到"
                f"变化。请在 `torch.no_grad()` 下写进张量本身:`p -= lr * direction`,或 "
                f"`p.copy_(new_values)`。"), case, k, i), call=call, kata=KATA)
        if later[i] <= versions[i]:
            fail(*with_context((
                f"the update of p{i} went around autograd: its values changed but its version "
                f"counter (`p{i}._version`, {versions[i]} before and {later[i]} after) did not "
                f"bump. That is what `p.data -= lr * p.grad` does: `.data` is a separate view "
                f"that autograd does not watch, so a graph that saved p{i} before the step "
                f"would silently compute gradients with the new values instead of raising an "
                f"error. Update the tensor itself under `torch.no_grad()`: "
                f"`p -= lr * direction`.",
                f"p{i} 的更新绕过了 autograd:值变了,版本计数器(`p{i}._version`,之前 "
                f"{versions[i]},之后 {later[i]})却没有增加。这正是 `p.data -= lr * p.grad` 的效果:"
                f"`.data` 是 autograd 不监视的独立视图,在更新前保存了 p{i} 的计算图会悄悄用新值算出错误"
                f"的梯度,而不是报错。请在 `torch.no_grad()` 下更新张量本身:`p -= lr * direction`。"),
                case, k, i), call=call, got=f"p{i}._version = {later[i]}",
                expected=f"greater than {versions[i]}", kata=KATA)
    for i in range(obs.n):
        if not leaf[i] or wants[i] != requires[i]:
            fail(*with_context((
                f"after step {k}, p{i} is no longer a leaf with requires_grad={requires[i]}: "
                f"the update was recorded in the graph (or the flag was changed). Update under "
                f"`torch.no_grad()`, and leave `requires_grad` as the caller set it.",
                f"第 {k} 步之后,p{i} 不再是 requires_grad={requires[i]} 的叶子张量:更新被记录进了"
                f"计算图(或者这个标志被改了)。请在 `torch.no_grad()` 下更新,并保持调用方设置的 "
                f"`requires_grad`。"), case, k, i), call=call,
                got=f"is_leaf={leaf[i]}, requires_grad={wants[i]}",
                expected=f"is_leaf=True, requires_grad={requires[i]}", kata=KATA)


def check_same_objects(case, obs):
    same = obs.same_objects
    if same is None:
        return
    if not isinstance(same, list) or not all(type(v) is bool for v in same):
        malformed("same_objects", obs.call)
    if not all(same):
        fail("the optimizer replaced tensors in the list it was given (`params[i] = ...`): the "
             "caller's list, and the model behind it, must keep holding the very tensors it "
             "handed over. Change each tensor in place; keep the list as it came.",
             "优化器替换了传给它的列表里的张量(`params[i] = ...`):调用方的列表以及它背后的模型,"
             "必须仍然持有它交出去的那些张量。请原地修改每个张量,保持列表原样。",
             call=obs.call, kata=KATA)


# --- a wrong step, named by what was measured --------------------------------------------------


def in_float32(case, i, before, after, g, opt, lr, m, scale):
    """For a float64 parameter, the float32 computation that gives the step seen, simulated:
    a momentum buffer made in float32 (`torch.zeros(shape)`), or lr made a float32 tensor
    (`torch.tensor(lr)`); the words that name it, or None."""
    if case["params"][i]["dtype"] != "float64":
        return None
    if m and (opt.bufs32[i] is not None or opt.bufs[i] is None):
        buf = (torch.zeros(g.shape, dtype=torch.float32) if opt.bufs32[i] is None
               else opt.bufs32[i].clone())
        buf.mul_(m).add_(g)
        if diagnose.agrees(after, before.add(buf, alpha=-lr), scale, "float64", ULPS):
            return (
                f"p{i} (float64) moved by steps right only to float32's precision: measured, "
                f"they are the steps of a momentum buffer kept in float32, the default dtype "
                f"(`torch.zeros(p.shape)`, `torch.zeros(shape)` make float32 whatever the "
                f"parameter's dtype). Make the buffer like the parameter: `p.grad.clone()`, or "
                f"`torch.zeros_like(p)`.",
                f"p{i}(float64)的步长只有 float32 的精度:测得它们正是动量缓冲区用 float32(默认 dtype)"
                f"保存时的步长(`torch.zeros(p.shape)`、`torch.zeros(shape)` 不管参数是什么 dtype 都得到 "
                f"float32)。请照着参数创建缓冲区:`p.grad.clone()` 或 `torch.zeros_like(p)`。")
    lr32 = float(torch.tensor(lr, dtype=torch.float32))
    direction = g if not m else (g if opt.bufs[i] is None else opt.bufs[i].mul(m).add(g))
    if lr32 != lr and diagnose.agrees(after, f64(before) - lr32 * f64(direction), scale,
                                      "float64", ULPS):
        return (
            f"p{i} (float64) moved by a step right only to float32's precision: measured, it is "
            f"the step with lr rounded to float32 (`torch.tensor(lr)` is float32, the default "
            f"dtype). Use lr as the Python number it is: `p -= lr * direction`.",
            f"p{i}(float64)的步长只有 float32 的精度:测得它正是 lr 被舍入成 float32 时的步长"
            f"(`torch.tensor(lr)` 是默认 dtype float32)。请直接使用 Python 数字 lr:"
            f"`p -= lr * direction`。")
    return None


def fitted(previous, grads, now):
    """buf = a * buf + c * grad measured over the elements (`diagnose.recurrence`), only where
    there are enough of them to tell (two unknowns: four elements at least)."""
    if not grads:
        return None
    p, g, d = (torch.cat([t.reshape(-1) for t in x]) for x in (previous, grads, now))
    ok = p.isfinite() & g.isfinite() & d.isfinite()  # lstsq refuses nan and inf
    if int(ok.sum()) < 4:
        return None
    return diagnose.recurrence(p[ok], g[ok], d[ok])


def carried(previous, grads, now):
    """The momentum a measured in `now = a * previous + grad` (c fixed at 1), or None when it
    does not fit or two elements are too few to tell."""
    if not grads:
        return None
    p, g, d = (torch.cat([t.reshape(-1) for t in x]) for x in (previous, grads, now))
    ok = p.isfinite() & g.isfinite() & d.isfinite()
    p, g, d = p[ok], g[ok], d[ok]
    norm = float((p * p).sum())
    if p.numel() < 2 or not norm:
        return None
    a = float((p * (d - g)).sum()) / norm
    off = float((d - a * p - g).norm())
    return a if off <= 1e-3 * max(float(d.norm()), 1e-30) else None


def borrowed(case, k, i, before, after, grads, scale, now, opt, old, lrs, ms):
    """Whose momentum p_i's step used, where it is not its own: ("mixed", j) another parameter
    of the same optimizer, ("shared", j) one of another optimizer, ("outlived", j) the
    optimizer before a restart; None when no candidate (or more than one kind) fits."""
    own = owner(case)
    m, lr, g = ms[i], lrs[i], f64(grads[i])
    dtype = case["params"][i]["dtype"]
    candidates = []
    for j in range(len(before)):
        if j == i or before[j].shape != before[i].shape:
            continue
        kind = "mixed" if own[j] == own[i] else "shared"
        for x in (opt.dirs[j], now[j] if grads[j] is not None else None):
            if x is not None:
                candidates.append((kind, j, x))
    if old is not None and opt.bufs[i] is None:
        for j in range(len(before)):
            if old.dirs[j] is not None and old.dirs[j].shape == before[i].shape:
                candidates.append(("outlived", j, old.dirs[j]))
    found = []
    for kind, j, x in candidates:
        want = f64(before[i]) - lr * (m * x + g)
        if diagnose.agrees(after[i], want, scale + lr * m * x.abs(), dtype, 16):
            found.append((kind, j))
    if not found or len({kind for kind, _ in found}) > 1:
        return None
    return found[0]


def diagnose_step(case, k, obs, before, after, expected, scale, grads, right, opt, old, start,
                  lrs, ms):
    """A step that is not torch's: the cause the measurements show, or what was seen."""
    n = obs.n
    call = call_of(case, k)
    moves = [g is not None and not diagnose.identical(e, b)
             for g, e, b in zip(grads, expected, before)]
    still = [diagnose.identical(a, b) for a, b in zip(after, before)]
    now = [(f64(b) - f64(a)) / lr for a, b, lr in zip(after, before, lrs)]
    if case.get("given") in ONE_SHOT and any(moves) and all(still) and opt.met:
        i = moves.index(True)
        words = generator_words(case)
        fail(*with_context((f"step {k} changed nothing, where an earlier call of this "
                            f"optimizer did reach the parameters: " + words[0],
                            f"第 {k} 步什么都没改变,而这个优化器更早的调用曾处理到这些参数:"
                            + words[1]), case, k),
             call=call, got=after[i], expected=expected[i], kata=KATA)
    lost = [j for j in range(n) if moves[j] and still[j] and not right[j]]
    if meddled(case, k) and lost:
        i = lost[0]
        en, zh = container_words(case, k, "step")
        fail(*with_context((f"p{i} has a gradient and step {k} did not move it: " + en,
                            f"p{i} 有梯度,第 {k} 步却没有移动它:" + zh), case, k, i),
             call=call, got=after[i], expected=expected[i], kata=KATA)
    i = right.index(False)
    lr, m, g = lrs[i], ms[i], grads[i]
    dtype = case["params"][i]["dtype"]
    shown = dict(call=call, got=after[i], expected=expected[i], kata=KATA)

    def named(en, zh):
        fail(*with_context((en, zh), case, k, i), **shown)

    if still[i] and moves[i]:
        if not bool(g.isfinite().all()):
            named(f"p{i}'s gradient holds nan or inf at step {k}, and step() left p{i} where it "
                  f"was: it skipped a gradient that is not finite. torch.optim.SGD applies it as "
                  f"it is (p{i} becomes nan or inf there, and so does its momentum buffer), so "
                  f"a diverging run shows at once; skipping a bad step is the caller's choice "
                  f"(GradScaler skips the whole step), not the optimizer's. Skip only a `.grad` "
                  f"that is None.",
                  f"第 {k} 步 p{i} 的梯度里有 nan 或 inf,step() 却让 p{i} 留在原地:它跳过了不是有限值的"
                  f"梯度。torch.optim.SGD 会照样应用它(p{i} 在那里变成 nan 或 inf,动量缓冲区也一样),"
                  f"发散的训练立刻就能看出来;是否跳过坏的一步由调用方决定(GradScaler 会跳过整步),"
                  f"不是优化器的事。只跳过为 None 的 `.grad`。")
        if not requires_at(case, k)[i] and bool((g == 0).all()):
            named(f"p{i}, frozen (requires_grad=False) and holding a gradient of zeros at step "
                  f"{k} (what your zero_grad() left), was left where it was, where "
                  f"torch.optim.SGD moves it by lr * momentum * buf: torch skips only a `.grad` "
                  f"that is None, not a frozen parameter and not a gradient of zeros.",
                  f"p{i} 已被冻结(requires_grad=False),第 {k} 步它的梯度全为零(你的 zero_grad() "
                  f"留下的),它被留在原地,而 torch.optim.SGD 会把它移动 lr * momentum * buf:torch 只"
                  f"跳过为 None 的 `.grad`,既不跳过冻结的参数,也不跳过全零的梯度。")
        if m and opt.bufs[i] is not None and bool((g == 0).all()):
            named(f"p{i}'s gradient is all zeros at step {k}, and step() left p{i} where it "
                  f"was: a gradient of zeros was skipped as if it were None. torch.optim.SGD "
                  f"skips only None: with momentum a zero gradient still updates the buffer "
                  f"(buf = momentum * buf + 0) and p{i} glides on by lr * buf. Test "
                  f"`p.grad is None`, not whether the gradient is zero.",
                  f"第 {k} 步 p{i} 的梯度全为零,step() 却让 p{i} 留在原地:全零的梯度被当成 None 跳过了。"
                  f"torch.optim.SGD 只跳过 None:有动量时,零梯度照样更新缓冲区"
                  f"(buf = momentum * buf + 0),p{i} 继续按 lr * buf 滑行。请判断 `p.grad is None`,"
                  f"而不是梯度是否为零。")
        others = [j for j in range(n) if j != i and moves[j] and right[j] and not still[j]]
        if others and not laid(before[i], case["params"][i]).is_contiguous():
            named(f"p{i}, a non-contiguous tensor, did not move, while the other parameters "
                  f"did: the update went into a copy of it. `flatten()`, `reshape()` and "
                  f"`.contiguous()` copy a tensor whose memory is not in order (transposed, "
                  f"sliced, channels-last), and the copy is thrown away. Update the parameter "
                  f"itself: `p -= lr * direction`, or `p.add_(direction, alpha=-lr)`.",
                  f"非连续张量 p{i} 没有移动,而其他参数动了:更新写进了它的副本。对内存不按顺序排列的张量"
                  f"(转置的、切片的、channels-last 的),`flatten()`、`reshape()` 和 `.contiguous()` "
                  f"会复制,副本随后被丢掉。请更新参数本身:`p -= lr * direction` 或 "
                  f"`p.add_(direction, alpha=-lr)`。")
        if not requires_at(case, k)[i]:
            named(f"p{i} is frozen (requires_grad=False) but holds a gradient at step {k} (the "
                  f"{'zeros' if bool((g == 0).all()) else 'values'} your zero_grad() and the "
                  f"backward left in `.grad`), and step() left it where it was: it skipped a "
                  f"parameter for `requires_grad`. torch.optim.SGD looks only at `.grad`: it "
                  f"steps every parameter whose `.grad` is not None, frozen or not (with "
                  f"momentum a gradient of zeros still moves it by lr * momentum * buf). Skip "
                  f"only `p.grad is None`.",
                  f"p{i} 已被冻结(requires_grad=False),但第 {k} 步它有梯度(你的 zero_grad() 和 "
                  f"backward 在 `.grad` 里留下的{'零' if bool((g == 0).all()) else '值'}),step() "
                  f"却让它留在原地:它按 `requires_grad` 跳过了参数。torch.optim.SGD 只看 `.grad`:"
                  f"`.grad` 不是 None 的参数都要走这一步,不论是否冻结(有动量时,全零的梯度仍会让它移动 "
                  f"lr * momentum * buf)。只跳过 `p.grad is None` 的参数。")
        if opt.requires is not None and not opt.requires[i]:
            named(f"p{i} did not move, though it has a gradient at step {k}: it had "
                  f"requires_grad=False when SGD was built and was unfrozen later. SGD keeps "
                  f"every tensor it is given, frozen or not (as torch.optim.SGD does), and skips "
                  f"one only while its `.grad` is None: filtering `params` by `requires_grad` in "
                  f"`__init__` loses a parameter that is unfrozen later.",
                  f"第 {k} 步 p{i} 有梯度,却没有移动:构建 SGD 时它的 requires_grad=False,后来才解冻。"
                  f"SGD 要保留传给它的每个张量,不论是否冻结(torch.optim.SGD 也是如此),只在 `.grad` 为 "
                  f"None 时跳过它:在 `__init__` 里按 `requires_grad` 过滤 `params`,后来解冻的参数就丢了。")
        note = generator_note(case, all(still))
        named(f"step {k} left p{i} as it was, where torch.optim.SGD moves it by lr * "
              f"{'the momentum buffer' if m else 'its gradient'}: the update did not reach the "
              f"caller's tensor.{note[0]}",
              f"第 {k} 步让 p{i} 保持原样,而 torch.optim.SGD 会把它移动 lr * "
              f"{'动量缓冲区' if m else '它的梯度'}:更新没有到达调用方的张量。{note[1]}")
    if g is None:
        if m and opt.bufs[i] is not None:
            glide = f64(before[i]) - lr * m * f64(opt.bufs[i])
            if diagnose.agrees(after[i], glide, scale[i] + lr * f64(opt.bufs[i]).abs(), dtype, 16):
                named(f"p{i}'s `.grad` is None at step {k}, and it moved by lr * momentum * buf: "
                      f"a missing gradient was taken as zeros (`torch.zeros_like(p)` in place of "
                      f"None), so its momentum carried it on. torch.optim.SGD skips a parameter "
                      f"whose `.grad` is None: no step, and its buffer stays as it was. (A "
                      f"`.grad` of zeros, as a `zero_grad()` that zeroes in place leaves it, is "
                      f"another matter: that is a gradient, and momentum moves it.)",
                      f"第 {k} 步 p{i} 的 `.grad` 是 None,它却移动了 lr * momentum * buf:缺失的梯度被"
                      f"当成了零(用 `torch.zeros_like(p)` 代替 None),动量带着它继续走。torch.optim.SGD "
                      f"会跳过 `.grad` 为 None 的参数:不走这一步,缓冲区也保持原样。(全零的 `.grad`,"
                      f"比如原地清零的 `zero_grad()` 留下的,是另一回事:那是梯度,动量会推动它。)")
        named(f"p{i}'s `.grad` is None at step {k}, yet step() moved it: a parameter without a "
              f"gradient is left alone (torch.optim.SGD skips it).",
              f"第 {k} 步 p{i} 的 `.grad` 是 None,step() 却移动了它:没有梯度的参数应当保持不动"
              f"(torch.optim.SGD 会跳过它)。")
    coarse = in_float32(case, i, before[i], after[i], g, opt, lr, m, scale[i])
    if coarse is not None:
        named(*coarse)
    s = diagnose.ratio(f64(after[i]) - f64(before[i]), f64(expected[i]) - f64(before[i]))
    other_lrs = sorted({lrs[j] for j in range(n) if lrs[j] != lr})
    cause = diagnose.matching(s, [
        (-1.0, (f"the step went uphill: p{i} moved along the direction torch's step goes "
                f"against (`p += lr * ...`), where the loss grows. Subtract it: "
                f"`p -= lr * direction`.",
                f"这一步走向了上坡:p{i} 沿着 torch 的步子相反的方向移动(`p += lr * ...`),损失反而增大。"
                f"应当减去:`p -= lr * direction`。")),
        (2.0, (f"the step was taken twice: p{i} moved by twice torch.optim.SGD's step (an update "
               f"in place *and* an assignment, or two loops over the parameters).",
               f"这一步走了两次:p{i} 移动了 torch.optim.SGD 步长的两倍(既原地更新又赋值,或者对参数"
               f"循环了两遍)。")),
        *[(o / lr, (f"p{i}'s step used lr={o:g}, the lr of the other optimizer, not its own "
                    f"{lr:g}: the optimizers share it (a class attribute or a module-level "
                    f"variable). Keep each optimizer's lr in the object: `self.lr = lr`.",
                    f"p{i} 的这一步用了 lr={o:g},即另一个优化器的 lr,而不是它自己的 {lr:g}:两个优化器"
                    f"共用了它(类属性或模块级变量)。请把每个优化器的 lr 存在对象里:`self.lr = lr`。"))
          for o in other_lrs],
    ], rtol=1e-3)
    if cause is not None:
        named(*cause)
    first = opt.bufs[i] is None
    if m and first:
        damp = f64(before[i]) - lr * (1 - m) * f64(g)
        if diagnose.agrees(after[i], damp, scale[i], dtype, 16):
            named("the first step with momentum differs from torch.optim.SGD's: it moved only "
                  "(1 - momentum) * lr * grad. torch starts the buffer as a copy of the first "
                  "gradient (`buf = grad.clone()`), so the first step is a plain `lr * grad`; "
                  "after that `buf = momentum * buf + grad`, with no (1 - momentum) factor.",
                  "带动量的第一步与 torch.optim.SGD 不同:只走了 (1 - momentum) * lr * grad。torch "
                  "把缓冲区初始化为第一个梯度的副本(`buf = grad.clone()`),所以第一步就是普通的 "
                  "`lr * grad`;之后是 `buf = momentum * buf + grad`,没有 (1 - momentum) 因子。")
    if m and not first and opt.skipped[i] and diagnose.agrees(
            after[i], f64(before[i]) - lr * f64(g), scale[i], dtype, 16):
        named(f"p{i}'s `.grad` was None at step {opt.skipped[i]}, and at step {k} its momentum "
              f"started over (a plain `lr * grad`): the buffer was dropped while it had no "
              f"gradient. torch.optim.SGD skips such a parameter and keeps its buffer as it "
              f"was: the next step is `buf = momentum * buf + grad` again.",
              f"第 {opt.skipped[i]} 步 p{i} 的 `.grad` 是 None,到第 {k} 步它的动量又从头开始了"
              f"(普通的 `lr * grad`):没有梯度时缓冲区被丢掉了。torch.optim.SGD 会跳过这样的参数,"
              f"并保持它的缓冲区不变:下一步仍然是 `buf = momentum * buf + grad`。")
    if m:
        whose = borrowed(case, k, i, before, after, grads, scale[i], now, opt, old, lrs, ms)
        if whose is not None:
            named(*BORROWED[whose[0]](i, whose[1], k))
    if m and first and diagnose.matching(diagnose.ratio(now[i], f64(g)), [(1 + m, True)],
                                         rtol=1e-3):
        named(f"the first step of p{i} moved (1 + momentum) * lr * grad = {1 + m:g} * lr * "
              f"grad, where torch.optim.SGD's first step is `lr * grad`: that is Nesterov's "
              f"step (`grad + momentum * buf`), which torch takes only with `nesterov=True`. "
              f"This SGD steps along the buffer itself: `p -= lr * buf`.",
              f"p{i} 的第一步移动了 (1 + momentum) * lr * grad = {1 + m:g} * lr * grad,而 "
              f"torch.optim.SGD 的第一步是 `lr * grad`:这是 Nesterov 的步子(`grad + momentum * buf`),"
              f"torch 只在 `nesterov=True` 时这样走。这个 SGD 沿缓冲区本身走:`p -= lr * buf`。")
    if m and first:
        en, zh = diagnose.unexplained((f"p{i}'s step", f"p{i} 的这一步"),
                                      diagnose.ratio(now[i], f64(g)),
                                      ("`lr * grad`", "`lr * grad`"))
        named(f"the first step of p{i} under this optimizer differs from torch.optim.SGD's: "
              f"with a fresh buffer it is `p - lr * grad` (the buffer starts as a copy of the "
              f"gradient). Measured: {en}",
              f"p{i} 在这个优化器下的第一步与 torch.optim.SGD 不同:缓冲区是新的,这一步就是 "
              f"`p - lr * grad`(缓冲区从梯度的副本开始)。测得:{zh}")
    if m:
        explain_momentum(case, k, i, grads, now, opt, ms, named)
    if not m and opt.dirs[i] is not None:
        own = owner(case)
        later = [j for j in range(n) if grads[j] is not None and opt.dirs[j] is not None
                 and own[j] == own[i]]
        a = carried([opt.dirs[j] for j in later], [f64(grads[j]) for j in later],
                    [now[j] for j in later])
        if a is not None and abs(a) > 1e-2:
            asked = "momentum=0" if case_momentum(case, i) is not None else (
                "no momentum (the default, 0)")
            named(f"p{i}'s steps carry momentum where {asked} was asked: measured from your "
                  f"steps, buf = {a:.3g} * buf + grad. With momentum 0 torch.optim.SGD's step "
                  f"is the plain `p - lr * grad` (is your default `momentum=0.0`?).",
                  f"这里要求的是 {asked},p{i} 的步子却带着动量:从你的步长测得 buf = {a:.3g} * buf + "
                  f"grad。动量为 0 时,torch.optim.SGD 的一步就是普通的 `p - lr * grad`(你的默认值是 "
                  f"`momentum=0.0` 吗?)。")
    en, zh = diagnose.unexplained((f"step {k} of p{i}", f"p{i} 的第 {k} 步"),
                                  diagnose.ratio(now[i], f64(g)), ("`lr * grad`", "`lr * grad`"))
    if s is not None and abs(s - 1) < 1e-2:
        err = float(((f64(after[i]) - f64(expected[i])).abs() / scale[i].clamp_min(1e-300))
                    .nan_to_num(0.0).max())
        named(f"p{i} moved by about torch.optim.SGD's step, but off by {err:.2g} of its size, "
              f"more than rounding in {dtype} gives.",
              f"p{i} 移动的步长与 torch.optim.SGD 大致相同,但偏差为其大小的 {err:.2g},超出了 {dtype} "
              f"的舍入误差。")
    named(f"step {k} of p{i} is not torch.optim.SGD's `p - lr * grad`: {en}",
          f"p{i} 的第 {k} 步不是 torch.optim.SGD 的 `p - lr * grad`:{zh}")


BORROWED = {
    "mixed": lambda i, j, k: (
        f"step {k} of p{i} used the momentum buffer of p{j}: the buffers got mixed up between "
        f"parameters. Buffers kept by position among the parameters that have a gradient shift "
        f"as soon as one parameter is skipped (its grad None). Keep one buffer per parameter: a "
        f"list parallel to `self.params`, or a dict keyed by the tensor itself.",
        f"p{i} 的第 {k} 步用了 p{j} 的动量缓冲区:缓冲区在参数之间串了。按“有梯度的参数”中的位置保存"
        f"缓冲区,只要有一个参数被跳过(grad 为 None),位置就错开了。请每个参数一个缓冲区:与 "
        f"`self.params` 一一对应的列表,或以张量本身为键的字典。"),
    "shared": lambda i, j, k: (
        f"step {k} of p{i} used the momentum buffer of p{j}, which the other optimizer holds: "
        f"the two SGD objects share their state (a module-level list or dict, or a class "
        f"attribute such as `state = {{}}` in the class body). Each optimizer keeps its own "
        f"buffers: make them in `__init__` (`self.buffers = ...`).",
        f"p{i} 的第 {k} 步用了 p{j} 的动量缓冲区,而 p{j} 属于另一个优化器:两个 SGD 对象共用了状态"
        f"(模块级的列表或字典,或者类体里的类属性,比如 `state = {{}}`)。每个优化器保存自己的缓冲区:"
        f"在 `__init__` 里创建(`self.buffers = ...`)。"),
    "outlived": lambda i, j, k: (
        f"the first step of the new SGD (built before step {k}) moved p{i} by lr * (momentum * "
        f"old + grad), where `old` is momentum the earlier SGD over the same tensors had built: "
        f"its state outlived it (buffers stored on the tensor, `p.momentum_buffer = ...`, or in "
        f"a class attribute or a module-level dict). A new optimizer starts with no momentum: "
        f"the first step of each parameter is `lr * grad`. Keep the buffers in the optimizer "
        f"object (`self.buffers = ...` in `__init__`).",
        f"新 SGD(第 {k} 步之前创建)的第一步让 p{i} 移动了 lr * (momentum * old + grad),其中 `old` "
        f"是之前那个作用在同样张量上的 SGD 积累的动量:它的状态活得比它还久(缓冲区存在张量上,"
        f"`p.momentum_buffer = ...`,或者存在类属性、模块级字典里)。新优化器没有动量:每个参数的第一步"
        f"是 `lr * grad`。请把缓冲区存在优化器对象里(`__init__` 里的 `self.buffers = ...`)。"),
}


def explain_momentum(case, k, i, grads, now, opt, ms, named):
    """Measure the momentum buffer's recurrence from the learner's steps, `buf = a * buf +
    c * grad` over the parameters in a later step (torch's: a = momentum, c = 1)."""
    m = ms[i]
    own = owner(case)
    later = [j for j in range(len(grads)) if grads[j] is not None and opt.dirs[j] is not None
             and own[j] == own[i] and ms[j] == m]
    parts = ([opt.dirs[j] for j in later], [f64(grads[j]) for j in later], [now[j] for j in later])
    fit = fitted(*parts)
    if fit is None:  # too few elements for two factors: the decay alone, the gradient's at 1
        a = carried(*parts)
        fit = None if a is None else (a, 1.0)
    others = sorted({momentum_of(o) for o in optimizers_of(case)} - {m})
    known = [
        *[((o, 1.0), (
            f"step {k} of p{i} used momentum {o:g}, the other optimizer's, not its own {m:g}: "
            f"the optimizers share it (a class attribute or a module-level variable). Keep "
            f"each optimizer's momentum in the object: `self.momentum = momentum`.",
            f"p{i} 的第 {k} 步用了动量 {o:g},即另一个优化器的,而不是它自己的 {m:g}:两个优化器共用了"
            f"它(类属性或模块级变量)。请把每个优化器的 momentum 存在对象里:`self.momentum = momentum`。"))
          for o in others],
        ((m, 1 - m), (
            f"the momentum buffer takes the gradient with a factor (1 - momentum) = {1 - m:g}: "
            f"`buf = momentum * buf + (1 - momentum) * grad` is an exponential moving average "
            f"(dampening), not torch.optim.SGD's momentum, which adds the whole gradient: "
            f"`buf.mul_(momentum).add_(grad)`. (Measured from your steps: "
            f"buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad.)" if fit else "",
            f"动量缓冲区给梯度乘了 (1 - momentum) = {1 - m:g}:"
            f"`buf = momentum * buf + (1 - momentum) * grad` 是指数移动平均(dampening),不是 "
            f"torch.optim.SGD 的动量;torch 加的是完整的梯度:`buf.mul_(momentum).add_(grad)`。"
            f"(从你的步长测得:buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad。)" if fit else "",
        )),
        ((0.0, 1.0), (
            "the step after the first is a plain `lr * grad`: nothing of the earlier gradients "
            "counts, so the momentum buffer does not carry over from one step to the next (a "
            "new buffer at each call, or one that is not kept). Keep a tensor of its own per "
            "parameter across steps: `buf = grad.clone()` first, then "
            "`buf.mul_(momentum).add_(grad)`.",
            "第一步之后的每一步都只是普通的 `lr * grad`:之前的梯度一点也不起作用,说明动量缓冲区没有"
            "从一步带到下一步(每次调用新建一个,或者没有保存下来)。请为每个参数保存一个独立的、跨步的"
            "张量:先 `buf = grad.clone()`,之后 `buf.mul_(momentum).add_(grad)`。",
        )),
        ((0.0, 1.0 + m), (
            f"step {k} moved by (1 + momentum) * lr * grad = {1 + m:g} * lr * grad, and nothing "
            f"of the earlier gradients: the momentum buffer is `p.grad` itself from the step "
            f"before (no copy), so zero_grad() zeroed it in place and backward() wrote this "
            f"step's gradient into it; `momentum * buf + grad` then gave (1 + momentum) * grad. "
            f"Start the buffer as a copy: `buf = p.grad.clone()`.",
            f"第 {k} 步移动了 (1 + momentum) * lr * grad = {1 + m:g} * lr * grad,之前的梯度一点也"
            f"没有起作用:动量缓冲区就是上一步的 `p.grad` 本身(没有复制),zero_grad() 原地把它清零,"
            f"backward() 又把这一步的梯度写了进去;`momentum * buf + grad` 于是得到 "
            f"(1 + momentum) * grad。请把缓冲区初始化为副本:`buf = p.grad.clone()`。",
        )),
        ((1.0, 1.0), (
            "the momentum buffer never decays: `buf += grad` adds every gradient whole, without "
            "multiplying the buffer by the momentum first. It is `buf.mul_(momentum).add_(grad)`.",
            "动量缓冲区从不衰减:`buf += grad` 把每个梯度都完整地加上,却没有先把缓冲区乘以 momentum。"
            "应当是 `buf.mul_(momentum).add_(grad)`。",
        )),
    ]
    if fit is not None:
        for (a, c), cause in known:
            if math.isclose(fit[0], a, abs_tol=2e-3) and math.isclose(fit[1], c, abs_tol=2e-3):
                named(*cause)
        named(f"the first step matched torch.optim.SGD's, step {k} does not: measured from your "
              f"steps, the momentum buffer follows buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * "
              f"grad, where torch's is buf = {m:g} * buf + 1 * grad.",
              f"第一步与 torch.optim.SGD 一致,第 {k} 步却不一致:从你的步长测得,动量缓冲区是 "
              f"buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad,而 torch 的是 "
              f"buf = {m:g} * buf + 1 * grad。")
    named(f"the first step matched torch.optim.SGD's, step {k} does not, and no momentum buffer "
          f"of the form buf = a * buf + c * grad (the same a and c for every parameter) gives "
          f"your steps. torch's is buf = {m:g} * buf + 1 * grad, one buffer per parameter.",
          f"第一步与 torch.optim.SGD 一致,第 {k} 步却不一致,而且没有任何形如 "
          f"buf = a * buf + c * grad(每个参数的 a、c 相同)的动量缓冲区能给出你的步长。torch 的是 "
          f"buf = {m:g} * buf + 1 * grad,每个参数一个缓冲区。")


# --- zero_grad(), judged on its own ------------------------------------------------------------


def check_zero(obs, case, k, reached):
    """What one zero_grad() left: every gradient None or exact zeros the next backward can add
    into, whatever it held (inf and nan too), on every parameter (frozen ones too)."""
    if obs.raised_at(k, "zero_grad"):
        report_raised(case, obs.raised_at(k, "zero_grad"), k,
                      grads=obs.tensors(k, "zero_in", grads=True))
    check_mode(obs, case, k, "zero_mode", "zero_grad")
    check_decoys(obs, case, k, "zero_decoys", "zero_grad")
    ins = obs.tensors(k, "zero_in", grads=True)
    outs = obs.tensors(k, "zero_out", grads=True)
    inference = obs.flags(k, "zero_inference")
    bad = [i for i in range(obs.n) if outs[i] is not None
           and (inference[i] or not bool((outs[i] == 0).all()))]
    if not bad:
        return
    i = bad[0]
    call = call_of(case, k)
    shown = dict(call=call, got=outs[i], expected="zeros or None", kata=KATA)

    def named(en, zh):
        fail(*with_context((en, zh), case, k, i), **shown)

    if inference[i]:
        named(*inference_words(i))
    was = ins[i]
    if was is not None and not bool(was.isfinite().all()):
        odd = ~f64(was).isfinite()
        now = f64(outs[i])
        if bool(now[odd].isnan().all()) and not bool(now[~odd].abs().sum()):
            named(f"p{i}'s gradient held inf or nan, and zero_grad() left nan there: multiplying "
                  f"by zero (`p.grad.mul_(0)`, `p.grad * 0`) gives nan for inf and nan (inf * 0 "
                  f"is nan), and every later backward adds onto it, so p{i}'s gradient is nan "
                  f"for good. `p.grad.zero_()` (or None) clears whatever it held.",
                  f"p{i} 的梯度里有 inf 或 nan,zero_grad() 之后那里变成了 nan:乘以零"
                  f"(`p.grad.mul_(0)`、`p.grad * 0`)对 inf 和 nan 得到的是 nan(inf * 0 是 nan),"
                  f"之后每次 backward 都在它上面累加,p{i} 的梯度从此一直是 nan。"
                  f"`p.grad.zero_()`(或设为 None)无论原来是什么都能清零。")
    if was is not None and diagnose.identical(outs[i], was):
        built = requires_at(case, start_of(case, k))
        if not built[i] and not reached[i]:
            named(f"zero_grad() left the gradient of p{i} as it was, and no call of this "
                  f"optimizer has reached p{i} since it was built, when p{i} had "
                  f"requires_grad=False: SGD keeps every tensor it is given, frozen or not (as "
                  f"torch.optim.SGD does), and clears and steps each one whose `.grad` it finds. "
                  f"Filtering `params` by `requires_grad` in `__init__` loses a parameter that "
                  f"is unfrozen later.",
                  f"zero_grad() 让 p{i} 的梯度保持原样,而且自从这个优化器创建以来(那时 p{i} 的 "
                  f"requires_grad=False),它的任何调用都没有处理到 p{i}:SGD 要保留传给它的每个张量,不论"
                  f"是否冻结(torch.optim.SGD 也是如此),并清零、更新它找到 `.grad` 的每一个。在 "
                  f"`__init__` 里按 `requires_grad` 过滤 `params`,后来解冻的参数就丢了。")
        if not requires_at(case, k)[i] and reached[i]:
            named(f"zero_grad() left the gradient of p{i} as it was: p{i} is frozen "
                  f"(requires_grad=False) but still holds the gradient of an earlier backward, "
                  f"and step() would move it along that stale gradient again and again. "
                  f"zero_grad() clears every parameter the optimizer holds, frozen or not (as "
                  f"torch.optim.SGD's does): test `p.grad is not None`, not `p.requires_grad`.",
                  f"zero_grad() 让 p{i} 的梯度保持原样:p{i} 已被冻结(requires_grad=False),却还留着之前"
                  f"某次 backward 的梯度,step() 会一次又一次地沿这个过期的梯度移动它。zero_grad() 要清零"
                  f"优化器持有的每个参数,不论是否冻结(torch.optim.SGD 的也是如此):请判断 "
                  f"`p.grad is not None`,而不是 `p.requires_grad`。")
        if case.get("given") in ONE_SHOT and any(reached) and all(
                (a is None and b is None) or (a is not None and b is not None
                                              and diagnose.identical(a, b))
                for a, b in zip(ins, outs)):
            words = generator_words(case)
            named(f"zero_grad() at step {k} cleared nothing, where an earlier call of this "
                  f"optimizer did reach the parameters: " + words[0],
                  f"第 {k} 步的 zero_grad() 什么也没清,而这个优化器更早的调用曾处理到这些参数:"
                  + words[1])
        if meddled(case, k):
            en, zh = container_words(case, k, "zero_grad")
            named(f"zero_grad() left the gradient of p{i} as it was: " + en,
                  f"zero_grad() 让 p{i} 的梯度保持原样:" + zh)
        en, zh = diagnose.uncleared(f"p{i}'s gradient", k + (0 if zero_first(case) else 1),
                                    "zero_grad()")
        note = generator_note(case, all((a is None and b is None) or (
            a is not None and b is not None and diagnose.identical(a, b))
            for a, b in zip(ins, outs)))
        named(en + note[0], zh + note[1])
    named(f"zero_grad() left p{i}.grad neither None nor zeros: the next backward adds onto what "
          f"is there. Clear it: `p.grad.zero_()`, or `p.grad = None`.",
          f"zero_grad() 之后 p{i}.grad 既不是 None 也不是全零:下一次 backward 会在上面累加。请清零:"
          f"`p.grad.zero_()` 或 `p.grad = None`。")


def judge_zero_grad(case, seen):
    obs = Observed(case, seen)
    reached = [False] * obs.n  # which parameters a call of the current optimizer reached
    for k in range(1, len(obs.records) + 1):
        if k == 1 or steps_of(case)[k - 1].get("restart"):
            reached = [False] * obs.n
            if obs.raised_at(k, "SGD"):
                report_raised(case, obs.raised_at(k, "SGD"), k)
        if zero_first(case) and cleared_at(case, k):
            check_zero(obs, case, k, reached)
            reached = [a or b for a, b in zip(reached, cleared_which(obs, k))]
        if obs.raised_at(k, "backward"):
            report_raised(case, obs.raised_at(k, "backward"), k,
                          inference=obs.record(k).get("zero_inference"))
        if stepped_at(case, k):
            if obs.raised_at(k, "step"):
                report_raised(case, obs.raised_at(k, "step"), k,
                              grads=obs.tensors(k, "grads", grads=True),
                              first_late=first_late(obs, case, k, start_of(case, k)))
            reached = [r or not diagnose.identical(a, b) for r, a, b in zip(
                reached, obs.tensors(k, "before"), obs.tensors(k, "after"))]
        if not zero_first(case) and cleared_at(case, k):
            check_zero(obs, case, k, reached)
            reached = [a or b for a, b in zip(reached, cleared_which(obs, k))]
    if obs.raised is not None:
        malformed("raised", obs.call)


def start_of(case, k) -> int:
    """The step at which the optimizer in use at step k was built."""
    return max([1] + [s for s in range(2, k + 1) if steps_of(case)[s - 1].get("restart")])


# --- the claims --------------------------------------------------------------------------------


@settings(max_examples=12)
@claim(callers_iterables_containers_and_modes)
def test_params_walked_once_whatever_the_iterable_and_grad_mode_left_as_it_was(case, seen):
    """params from any iterable (chain, filter, map, iter, an iterator class, a dict's values,
    a re-iterable object), walked once: the caller's later changes to its own list do not
    reach the optimizer; step() and zero_grad() called inside the caller's torch.no_grad()
    leave grad mode off."""
    judge_steps(case, seen)


@settings(max_examples=8)
@claim(callers_iterables_containers_and_modes)
def test_zero_grad_clears_what_it_was_given_whatever_the_iterable(case, seen):
    judge_zero_grad(case, seen)


@settings(max_examples=10)
@claim(usual_runs)
def test_steps_equal_torch_sgd(case, seen):
    """zero_grad, backward, step (or the articles' backward, step, zero_grad), momentum or
    not, params a list, a tuple, a generator or a model's parameters(): every step is
    torch.optim.SGD's, in place and visible to autograd."""
    judge_steps(case, seen)


@settings(max_examples=10)
@claim(gradients_kept_and_cleared)
def test_zero_grad_works_before_the_first_backward_and_clears_every_gradient(case, seen):
    judge_zero_grad(case, seen)


@settings(max_examples=10)
@claim(runs_with_missing_gradients)
def test_a_parameter_without_a_gradient_is_skipped_and_keeps_its_own_buffer(case, seen):
    judge_steps(case, seen)


@settings(max_examples=10)
@claim(irregular_parameters)
def test_any_float_dtype_layout_and_value_takes_torchs_steps(case, seen):
    judge_steps(case, seen)


@settings(max_examples=8)
@claim(two_optimizers)
def test_each_optimizer_keeps_its_own_state(case, seen):
    judge_steps(case, seen)


@settings(max_examples=10)
@claim(gradients_kept_and_cleared)
def test_step_never_writes_into_the_gradients(case, seen):
    judge_steps(case, seen)
