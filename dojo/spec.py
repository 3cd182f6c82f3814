"""Kata specs: every claim about a kata stated once, as an observation and a judgement.

A kata test is written in two halves:

- an **observer**, `observe(kata, case) -> data`: it builds the inputs that a *case* (a small
  dict of plain values: a seed, a shape, a dtype, a learning rate) describes, calls the learner's
  functions, and returns what they did as plain data: values, shapes, dtypes, flags, what a spy
  saw. It runs where the learner's code runs, and decides nothing.
- a **judge**, `judge(case, seen)`: it decides from that data alone. What is right it computes
  itself (rebuilding the inputs from the case where it needs them), and it fails with a teaching
  message (`dojo.testing.fail` / `expect`). It never touches the learner's objects.

    @observe(examples=[{"seed": 0, "lr": 0.1}], draw=st.fixed_dictionaries({...}))
    def one_step(kata, case):
        w = inputs(case)
        kata.sgd_step([w], case.lr)
        return {"w": w, "grad": w.grad}

    @claim(one_step)
    def test_sgd_step_subtracts_lr_times_grad(case, seen):
        w = inputs(case)                      # the judge's own copy of the inputs
        expect(close(seen["w"], w - case.lr * w.grad), "...", "...")

`claim` turns the judge into the pytest test a learner runs (`pytest --kata ...`, `dojo check`):
the observer runs on each case, its data goes through exactly the encoding the grader uses, and
the judge decides. In `dojo grade` the observer runs in the sandboxed job and its data crosses a
pipe as capped JSON; the judge runs in the grading process, where no student code ever runs.
The learner's run and the grader's check are the same claim, judged by the same code on the same
data: they cannot drift apart.

Cases: `examples` are run as written (chosen to expose pitfalls); `draw`, a hypothesis strategy
of cases, adds property-based ones (hypothesis in a learner's run; in the grader, drawn from the
run's seed). The grader also runs every example that has a `seed` once more with a seed of its
own, so that no fixed input can be answered from a table.

What crosses (`encode`): None, bools, ints, floats (nan and inf too), strings (capped), lists,
tuples and dicts of them, tensors (dtype, shape, device, requires_grad, is_leaf, grad_fn's name,
version, contiguity and up to MAX_VALUES values), and for anything else its type's name. The
judge receives tensors as `Seen` objects (`seen.tensor`, `seen.is_leaf`, ...); `dojo.testing`'s
helpers (`close`, `show`) take them like tensors.
"""

from __future__ import annotations

import functools
import json
import math
import random
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

MAX_VALUES = 4096  # values of one tensor that cross
MAX_ITEMS = 512  # items of one list, tuple or dict
MAX_TEXT = 2000  # characters of one string
MAX_DEPTH = 8
MAX_BYTES = 256 * 1024  # one case's data, encoded
DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool", "complex64", "complex128")


class Case(dict):
    """A case: a dict of plain values, read as attributes (`case.seed`, `case.lr`)."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def get_seed(self) -> int:
        return int(self.get("seed", 0))


class SpecError(Exception):
    """A spec that cannot work as written (a maintainer's mistake, never the learner's)."""


# --- observers and claims ---------------------------------------------------------------------


@dataclass
class Observer:
    fn: Callable
    examples: list[dict]
    draw: Any = None  # a hypothesis strategy of cases, or None
    draws: int = 4  # how many cases the grader draws from `draw`
    name: str = ""
    module: str = ""

    @property
    def id(self) -> str:
        return self.name


@dataclass
class Claim:
    observer: Observer
    judge: Callable
    name: str
    marks: list = field(default_factory=list)


def observe(examples: list[dict] | None = None, *, draw=None, draws: int = 4):
    """Register an observer: `fn(kata, case) -> data`, run on each of `examples` (and on cases
    drawn from the hypothesis strategy `draw`)."""

    def deco(fn):
        cases = [dict(e) for e in (examples or [])]
        if not cases and draw is None:
            raise SpecError(f"{fn.__qualname__}: an observer needs examples or a draw strategy")
        for case in cases:
            _check_case(case, fn.__qualname__)
        fn.dojo_observer = Observer(fn, cases, draw, draws, fn.__name__, fn.__module__)
        return fn

    return deco


def observer_of(fn) -> Observer:
    found = getattr(fn, "dojo_observer", None)
    if found is None:
        raise SpecError(f"{getattr(fn, '__qualname__', fn)} is not an @observe function")
    return found


def claim(observer_fn):
    """The judge below becomes a pytest test: for each case, the observer runs on the kata, its
    data goes through the grader's encoding, and the judge decides."""
    obs = observer_of(observer_fn)

    def deco(judge):
        def one(kata, case):
            judge(Case(case), observed(obs, kata, case))

        if obs.draw is None:
            def test(kata):
                for case in obs.examples:
                    one(kata, case)
        else:
            from hypothesis import example, given

            def test(kata, case):
                one(kata, case)

            test = given(case=obs.draw)(test)
            for case in reversed(obs.examples):
                test = example(case=case)(test)
        functools.update_wrapper(test, judge, assigned=("__module__", "__name__", "__qualname__",
                                                        "__doc__"), updated=())
        del test.__wrapped__  # pytest reads the signature: the test's own, not the judge's
        test.dojo_claim = Claim(obs, judge, judge.__name__)
        return test

    return deco


def claims_of(module) -> list[Claim]:
    """The claims of a test module, in the order they are written, with their pytest marks."""
    found = []
    for name, value in vars(module).items():
        c = getattr(value, "dojo_claim", None)
        if isinstance(c, Claim) and name.startswith("test"):
            c.name = name
            c.marks = [m.name if not m.args else f"{m.name}:{m.args[0]}"
                       for m in getattr(value, "pytestmark", [])]
            found.append(c)
    return found


def observers_of(module) -> dict[str, Observer]:
    """The observers of a test module (its judges may have been left out: a grading job's)."""
    out: dict[str, Observer] = {}
    for value in list(vars(module).values()):
        obs = getattr(value, "dojo_observer", None)
        if isinstance(obs, Observer):
            out.setdefault(obs.id, obs)
    return out


def _check_case(case: dict, where: str) -> None:
    try:
        text = json.dumps(case, allow_nan=True)
    except (TypeError, ValueError) as err:
        raise SpecError(f"{where}: a case must be plain JSON data ({err}): {case!r}") from None
    if json.loads(text) != case:
        raise SpecError(f"{where}: a case must survive JSON unchanged (lists, not tuples): "
                        f"{case!r}")


# --- running an observer ----------------------------------------------------------------------


def seed_all(seed: int) -> None:
    """The global generators (random, numpy, torch) from one case's seed: a learner's code that
    draws from them gives the same values in the learner's run and in the grader's."""
    random.seed(seed)
    try:
        import numpy

        numpy.random.seed(seed % 2**32)
    except ImportError:  # pragma: no cover
        pass
    torch = sys.modules.get("torch")
    if torch is not None:
        from dojo.pytest_plugin import seed_torch

        seed_torch(torch, seed)


def run_observer(obs: Observer, kata, case: dict) -> Any:
    """The observer's data for one case, encoded (exceptions of the learner's code propagate).
    The global modes a learner's code may leave changed (grad mode, the default dtype and
    device) are put back afterwards, so that one case never spoils the next."""
    seed_all(Case(case).get_seed())
    torch = sys.modules.get("torch")
    saved = None
    if torch is not None:
        saved = (torch.is_grad_enabled(), torch.get_default_dtype(), torch.get_num_threads())
        torch.set_num_threads(1)  # the grader's job runs one thread: the same arithmetic
    try:
        return encode(obs.fn(kata, Case(case)))
    finally:
        if saved is not None:
            torch.set_grad_enabled(saved[0])
            torch.set_default_dtype(saved[1])
            torch.set_num_threads(saved[2])
            try:
                torch.set_default_device(None)
            except Exception:  # noqa: BLE001
                pass


def reseeded(case, rng) -> dict:
    """The case with every "seed" in it, at any depth, drawn anew from `rng` (the grader's
    copy of an example: nothing of it can be answered from a table)."""
    if isinstance(case, dict):
        return {k: (rng.randrange(2**31) if k == "seed" and type(v) is int
                    else reseeded(v, rng)) for k, v in case.items()}
    if isinstance(case, list):
        return [reseeded(v, rng) for v in case]
    return case


_SEEN: "weakref.WeakKeyDictionary" = None  # kata module -> {(observer, case): data as JSON}


def _cache_for(kata):
    """The observations already made on this loaded kata module in this session (None where
    it cannot be told: a module that does not load, an object of another kind)."""
    global _SEEN
    import weakref

    if _SEEN is None:
        _SEEN = weakref.WeakKeyDictionary()
    try:
        module = kata.module
    except BaseException:  # noqa: BLE001 - the observer will raise it, with its words
        return None
    try:
        return _SEEN.setdefault(module, {})
    except TypeError:
        return None


def observed(obs: Observer, kata, case: dict):
    """What the judge gets in a learner's run: the data exactly as the grader would receive it.
    Several claims of one observer share its observation of a case, as in the grader (which
    runs each observer once per case): the observer runs once per loaded kata module and case."""
    cache = _cache_for(kata)
    key = (f"{obs.module}.{obs.name}", dumps(case))
    if cache is not None and key in cache:
        return decode(json.loads(cache[key]))
    data = run_observer(obs, kata, case)
    text = dumps(data)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SpecError(f"{obs.name}: one case's data is {len(text)} bytes, over the "
                        f"{MAX_BYTES} that may cross to the grader: observe less")
    if cache is not None:
        cache[key] = text
    return decode(json.loads(text))


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=True, separators=(",", ":"))


# --- encoding: what crosses from the learner's process ----------------------------------------


def _tensor_type():
    torch = sys.modules.get("torch")
    return torch.Tensor if torch is not None else None


def encode(value, depth: int = 0):
    """Plain JSON data for a value of the learner's process. Never raises on an odd value."""
    if depth > MAX_DEPTH:
        return {"$": "object", "type": "too deep"}
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        if kind is int and abs(value) >= 2**63:
            return {"$": "bigint", "text": str(value)[:MAX_TEXT]}
        return value[:MAX_TEXT] if kind is str else value
    if kind is float:
        return value
    if kind is list or kind is tuple:
        items = [encode(v, depth + 1) for v in value[:MAX_ITEMS]]
        if kind is tuple or len(value) > MAX_ITEMS:
            return {"$": kind.__name__, "items": items, "len": len(value)}
        return items
    if isinstance(value, tuple) and not _is_tensor(value):  # a namedtuple: a tuple, named
        try:
            items = [encode(v, depth + 1) for v in tuple.__iter__(value)][:MAX_ITEMS]
            fields = getattr(kind, "_fields", None)
            out = {"$": "tuple", "items": items, "len": tuple.__len__(value),
                   "type": f"{kind.__module__}.{kind.__qualname__}"[:200]}
            if isinstance(fields, tuple) and all(isinstance(f, str) for f in fields):
                out["fields"] = [f[:100] for f in fields[:MAX_ITEMS]]
            return out
        except Exception:  # noqa: BLE001
            pass
    if kind is dict:
        pairs = [[encode(k, depth + 1), encode(v, depth + 1)]
                 for k, v in list(value.items())[:MAX_ITEMS]]
        return {"$": "dict", "items": pairs, "len": len(value)}
    tensor = _tensor_type()
    if tensor is not None and isinstance(value, tensor):
        return _encode_tensor(value)
    try:
        name = f"{kind.__module__}.{kind.__qualname__}"
    except Exception:  # noqa: BLE001
        name = "?"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # an int or float of another type (numpy.float64, a subclass): its number too
            number = float(value)
        except Exception:  # noqa: BLE001
            number = None
        return {"$": "number", "type": name[:200], "value": number}
    if isinstance(value, bool):
        return {"$": "number", "type": name[:200], "value": bool(value)}
    return {"$": "object", "type": name[:200]}


def _is_tensor(value) -> bool:
    tensor = _tensor_type()
    return tensor is not None and isinstance(value, tensor)


def _encode_tensor(t) -> dict:
    out: dict = {"$": "tensor", "type": type(t).__name__[:100]}
    try:
        out.update(
            dtype=str(t.dtype).replace("torch.", ""),
            shape=[int(d) for d in t.shape],
            device=str(t.device.type),
            requires_grad=bool(t.requires_grad),
            is_leaf=bool(t.is_leaf),
            grad_fn=type(t.grad_fn).__name__ if t.grad_fn is not None else None,
            contiguous=bool(t.is_contiguous()),
            inference=bool(t.is_inference()),
            numel=int(t.numel()),
        )
        out["version"] = 0 if out["inference"] else int(t._version)
        out["stride"] = [int(x) for x in t.stride()]
        out["offset"] = int(t.storage_offset())
        if t.device.type == "meta" or t.is_complex():
            out["values"] = None
        else:
            flat = t.detach().reshape(-1)[:MAX_VALUES].cpu()
            if flat.dtype.is_floating_point:
                flat = flat.double()
            elif flat.dtype != __import__("torch").bool:
                flat = flat.long()
            out["values"] = flat.tolist()
    except Exception as err:  # noqa: BLE001 - a tensor subclass that breaks: say so
        out["error"] = f"{type(err).__name__}: {err}"[:MAX_TEXT]
    return out


# --- decoding: in the judge's process, from data nobody there trusts -----------------------


class Malformed(ValueError):
    """Data that no observer of ours produces."""


class Seen:
    """A tensor as the learner's process held it: `tensor` (its values, dtype and shape, on the
    CPU, detached) and what autograd said of it."""

    def __init__(self, d: dict):
        self.type = _text(d.get("type"), "Tensor")
        self.error = d.get("error")
        if self.error is not None:
            self.error = _text(self.error, "")
            self.dtype_name, self.shape, self.device = "?", (), "?"
            self.requires_grad = self.is_leaf = self.contiguous = self.inference = False
            self.grad_fn, self.version, self.numel, self.values = None, 0, 0, None
            self.stride = self.offset = None
            return
        name = d.get("dtype")
        if name not in DTYPES:
            raise Malformed(f"dtype {name!r}")
        self.dtype_name = name
        shape = d.get("shape")
        if not isinstance(shape, list) or len(shape) > 16 or not all(
                type(s) is int and 0 <= s < 2**40 for s in shape):
            raise Malformed("shape")
        self.shape = tuple(shape)
        self.device = _text(d.get("device"), "?")[:20]
        self.requires_grad = d.get("requires_grad") is True
        self.is_leaf = d.get("is_leaf") is True
        fn = d.get("grad_fn")
        self.grad_fn = fn[:100] if isinstance(fn, str) else None
        self.version = d.get("version") if type(d.get("version")) is int else 0
        self.contiguous = d.get("contiguous") is True
        self.inference = d.get("inference") is True
        stride = d.get("stride")
        self.stride = tuple(stride) if isinstance(stride, list) and len(stride) == len(
            self.shape) and all(type(x) is int for x in stride) else None
        self.offset = d.get("offset") if type(d.get("offset")) is int else None
        numel = d.get("numel")
        if type(numel) is not int or numel != math.prod(self.shape):
            raise Malformed("numel")
        self.numel = numel
        values = d.get("values")
        if values is not None:
            if not isinstance(values, list) or len(values) > MAX_VALUES or len(values) != min(
                    numel, MAX_VALUES) or not all(
                    type(v) in (int, float, bool) for v in values):
                raise Malformed("values")
        self.values = values

    @property
    def complete(self) -> bool:
        return self.values is not None and len(self.values) == self.numel

    @property
    def dtype(self):
        import torch

        return getattr(torch, self.dtype_name, None)

    @property
    def tensor(self):
        """Its values as a tensor of its dtype and shape (raises when they did not all cross)."""
        import torch

        if not self.complete:
            raise ValueError(f"the values of this {self.dtype_name} tensor of shape "
                             f"{list(self.shape)} did not all cross")
        dtype = self.dtype
        if dtype is None or self.dtype_name.startswith("complex"):
            raise ValueError(f"no values for dtype {self.dtype_name}")
        base = torch.tensor(self.values, dtype=torch.float64 if dtype.is_floating_point
                            else (torch.bool if dtype == torch.bool else torch.int64))
        return base.to(dtype).reshape(self.shape)

    def __repr__(self) -> str:
        return f"Seen({self.dtype_name}, shape={list(self.shape)})"


class Named(tuple):
    """A tuple of another type (a namedtuple) as it crossed: its items, its type's name and
    its fields (`seen.ok` reads a field by name)."""

    def __new__(cls, items, type_name: str, fields=None):
        out = super().__new__(cls, items)
        out.type = type_name
        out.fields = list(fields or [])
        return out

    def __getattr__(self, name: str):
        if name in self.fields and self.fields.index(name) < len(self):
            return self[self.fields.index(name)]
        raise AttributeError(name)


class Other:
    """A value of a type that does not cross (a generator, a module, a numpy scalar): its type,
    and its number where it is one."""

    def __init__(self, type_name: str, value=None):
        self.type = type_name
        self.value = value

    def __repr__(self) -> str:
        short = self.type.rsplit(".", 1)[-1]
        return f"<{short}>" if self.value is None else f"{short}({self.value!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Other) and (self.type, self.value) == (other.type, other.value)

    def __hash__(self) -> int:
        return hash((self.type, self.value))


def _text(value, default: str) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else default


def decode(data, depth: int = 0):
    """The value `encode` made, rebuilt from untrusted JSON: lists, tuples, dicts, `Seen` for
    tensors, `Other` for the rest. Raises `Malformed` on anything else."""
    if depth > MAX_DEPTH + 2:
        raise Malformed("too deep")
    if data is None or type(data) in (bool, int, float):
        return data
    if type(data) is str:
        return data[:MAX_TEXT]
    if type(data) is list:
        if len(data) > MAX_ITEMS:
            raise Malformed("too many items")
        return [decode(v, depth + 1) for v in data]
    if type(data) is not dict:
        raise Malformed(type(data).__name__)
    kind = data.get("$")
    if kind == "tensor":
        return Seen(data)
    if kind in ("tuple", "list"):
        items = data.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise Malformed(kind)
        values = [decode(v, depth + 1) for v in items]
        if kind == "list":
            return values
        if isinstance(data.get("type"), str):
            fields = data.get("fields")
            return Named(values, _text(data["type"], "?"),
                         [f for f in fields if isinstance(f, str)] if isinstance(fields, list)
                         else None)
        return tuple(values)
    if kind == "dict":
        items = data.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise Malformed("dict")
        out = {}
        for pair in items:
            if not isinstance(pair, list) or len(pair) != 2:
                raise Malformed("dict item")
            key = decode(pair[0], depth + 1)
            try:
                out[key] = decode(pair[1], depth + 1)
            except TypeError:
                raise Malformed("dict key") from None
        return out
    if kind == "number":
        value = data.get("value")
        if value is not None and type(value) not in (int, float, bool):
            raise Malformed("number")
        return Other(_text(data.get("type"), "?"), value)
    if kind == "bigint":
        return Other("int", _text(data.get("text"), "?"))
    if kind == "object":
        return Other(_text(data.get("type"), "?"))
    raise Malformed(f"kind {kind!r}")


def unwrap(value):
    """A `Seen`'s tensor (anything else as it is): for helpers that take tensors."""
    return value.tensor if isinstance(value, Seen) else value


def draw_from(strategy, seed: int, count: int) -> list[dict]:
    """`count` cases drawn from a hypothesis strategy with a given seed (the grader's draws),
    without a database, without shrinking: plain dicts, the same for the same seed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    found: list[dict] = []

    @settings(max_examples=max(count * 3, count + 5), database=None, deadline=None,
              derandomize=False, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @with_seed(seed)
    @given(case=strategy)
    def collect(case):
        if len(found) < count * 3:
            found.append(case)

    collect()
    # hypothesis starts from its simplest examples: take the later, more varied ones too
    picked = found[-count:] if len(found) > count else found
    out = []
    for case in picked:
        _check_case(case, "a drawn case")
        out.append(json.loads(json.dumps(case, allow_nan=True)))
    return out


def observers_only(source: str) -> str:
    """A test module's source with its judges left out: what a grading job gets. Observers,
    the builders they use, imports and module-level data stay; every `@claim` judge, and every
    function or class that only judges use, goes. The job never holds the code that decides
    (nor what it would say), only the code that observes."""
    import ast

    tree = ast.parse(source)

    def decorated_by(node, name: str) -> bool:
        for deco in getattr(node, "decorator_list", []):
            target = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(target, ast.Name) and target.id == name:
                return True
            if isinstance(target, ast.Attribute) and target.attr == name:
                return True
        return False

    defs = {n.name: n for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    needed: set[str] = set()
    todo = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                       ast.ClassDef))]
    todo += [n for n in defs.values() if decorated_by(n, "observe")]
    seen_nodes: set[int] = set()
    while todo:
        node = todo.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if hasattr(node, "name"):
            needed.add(node.name)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in defs and sub.id not in needed:
                needed.add(sub.id)
                todo.append(defs[sub.id])
    body = [n for n in tree.body
            if not (n.__class__ in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
                    and (decorated_by(n, "claim") or n.name not in needed))]
    tree.body = body
    return ast.unparse(tree) + "\n"
