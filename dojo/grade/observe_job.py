"""The job side of `dojo grade`: run a kata's observers on the submission, send what they saw.

In the job process (sandboxed, after the control pipe closed), `run(plan)`:

1. imports the pristine test module `tests/test_<module>.py` of the job folder (the kata's
   spec: its observers, builders and judges) and takes a snapshot of what observing relies on;
2. for every observer of the plan and every case the grading process drew for it: seeds the
   generators from the case, calls the observer on the submission's module (loaded lazily from
   `katas/<module>.py`, so that a file that does not import is one failure per case, with its
   message), and sends one record on the record pipe: the observer's data, encoded as plain
   capped JSON (`dojo.spec.encode`), or what the submission's code raised, or that it ran out
   of its time budget;
3. sends an `end` record with what the snapshot saw change.

Before the submission's module is imported, `guard_imports` wraps `builtins.__import__` and
`importlib`'s two import functions: an import of the project's own packages (`dojo`, `tests`,
`solutions`, `_dojo*` but the learner's own `_dojo_target_<kata>`, which pickle imports again)
whose importing frame is the kata file (or code it built, whose file name is not a file) raises
ImportError with the reason, and is recorded: it travels in the next record's `c` (`import
refused: ...`), and the grading process flags the kata. The snapshot watches `builtins`, so a
submission that puts `__import__` back is flagged too.

The snapshot (`watched`, fixed points by identity; `Watch`, everything the observers reach:
their module's globals, the project's modules they use, the modules those reference, functions'
code, defaults and cells, the observer registry) is compared after every case and at the end;
what changed travels in the records' `c` and flags the kata.

No record says whether anything passed: the grading process judges every case itself, with the
judges of its own copy of the spec (`dojo.grade.core`). A record's shape is checked by the
server (`dojo.grade.server.check_record`), its data by `dojo.spec.decode`.
"""

from __future__ import annotations

import builtins
import importlib.util
import copyreg
import gc
import itertools
import json
import operator
import os
import sys
import types
from pathlib import Path

from dojo import budget as budgets
from dojo import spec
from dojo.grade.scan import project_module

# bound when the server imports this module, before any submission exists
_write = os.write
_encode = json.JSONEncoder(ensure_ascii=True, allow_nan=True, separators=(",", ":")).encode
_getpid = os.getpid

TEST_MODULE = "_dojo_spec_under_test"


class KataBroken(Exception):
    pass


class JobKata:
    """The submission's module as observers see it (like the plugin's `kata` fixture): loaded
    on first use; a missing file, a file that does not import or a missing name raise
    `KataBroken` with the words the learner's run would show."""

    def __init__(self, module: str, path: Path):
        self._name = module
        self._path = path
        self._loaded = None
        self._error: str | None = None

    def _load(self):
        if self._error is not None:
            raise KataBroken(self._error)
        if self._loaded is None:
            from dojo.pytest_plugin import KataBroken as PluginBroken
            from dojo.pytest_plugin import _import_file

            try:
                self._loaded = _import_file(self._path, f"katas/{self._name}.py", self._name)
            except PluginBroken as err:
                self._error = str(err)
                raise KataBroken(self._error) from None
        return self._loaded

    def __getattr__(self, attr: str):
        if attr.startswith("_"):
            raise AttributeError(attr)
        module = self._load()
        try:
            return getattr(module, attr)
        except AttributeError:
            raise KataBroken(
                f"katas/{self._name}.py has no `{attr}`: the kata asks for a function or class "
                f"of that name (see the docstring of the shipped stub).") from None

    @property
    def module(self):
        return self._load()

    @property
    def path(self) -> Path:
        return self._path


def import_spec(path: Path, name: str = TEST_MODULE):
    """A test module imported from its file (the grader's pristine copy)."""
    loader_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module
    loader_spec.loader.exec_module(module)
    return module


class Sender:
    def __init__(self, fd: int):
        self.fd = fd
        self.pid = _getpid()

    def __call__(self, record: dict) -> None:
        if self.fd < 0 or _getpid() != self.pid:
            return
        try:
            data = (_encode(record) + "\n").encode("ascii")
        except (TypeError, ValueError, RecursionError) as err:
            data = (_encode({"k": "bad", "why": f"{type(err).__name__}"[:100]}) + "\n").encode()
        try:
            while data:
                data = data[_write(self.fd, data):]
        except OSError:
            self.fd = -1


# --- what observing relies on: a snapshot, compared after every case -------------------------


def _static(cls, name: str):
    for klass in getattr(cls, "__mro__", (cls,)):
        if name in vars(klass):
            return vars(klass)[name]
    return None


def watched(test_module, observers=None) -> dict[str, object]:
    """The fixed points of observing: builtins, the runner, the encoder, torch's comparisons
    (each by identity). What the observers themselves reach is `Watch`'s (below)."""
    import torch

    found: dict[str, object] = {}
    for name in dir(builtins):
        found[f"builtins.{name}"] = getattr(builtins, name)
    for name in ("encode", "_encode_tensor", "run_observer", "seed_all", "Case", "dumps",
                 "observers_of", "Observer"):
        found[f"dojo.spec.{name}"] = getattr(spec, name)
    found["os.write"] = os.write
    for name in ("__eq__", "__ne__", "__bool__", "__float__", "__int__", "__index__", "item",
                 "tolist", "data_ptr", "detach", "reshape", "cpu", "double", "long",
                 "is_contiguous", "numel", "is_leaf", "requires_grad", "grad_fn", "grad",
                 "_version", "dtype", "shape", "device", "clone", "is_complex"):
        found[f"torch.Tensor.{name}"] = _static(torch.Tensor, name)
    for name in ("Generator", "manual_seed", "no_grad", "is_grad_enabled", "randn", "tensor",
                 "allclose", "equal", "isclose", "eq", "ne", "all", "any", "abs", "sum"):
        found[f"torch.{name}"] = getattr(torch, name, None)
    for name in ("encode", "iterencode", "default"):
        found[f"json.JSONEncoder.{name}"] = getattr(json.JSONEncoder, name)
    import json.encoder as encoder

    for name in ("c_make_encoder", "encode_basestring_ascii", "_make_iterencode"):
        found[f"json.encoder.{name}"] = getattr(encoder, name, None)
    module = sys.modules[__name__]
    for name, value in vars(module).items():
        if callable(value) and not name.startswith("__"):
            found[f"observe_job.{name}"] = value
    for cls in (Sender, JobKata):
        for name in ("__call__", "__init__", "__getattr__", "_load"):
            found[f"observe_job.{cls.__name__}.{name}"] = _static(cls, name)
    for key in ("torch", "json", "json.encoder", "builtins", "dojo.spec", __name__, "os",
                TEST_MODULE):
        found[f"sys.modules[{key}]"] = sys.modules.get(key)
    return found


# What the observers reach (issue: a kata rebinding the observer's own `torch` global to a proxy
# that lies): every global of the observers' module and of the project's modules they use
# (transitively), every attribute of the other modules those reference (torch, nn, functools,
# ... and the modules of dotted names the observers write, `torch.nn.functional`), the class
# dictionaries of the classes they hold, and what can be rebound in their functions (`__code__`,
# defaults, closure cells, attributes) and in the observer registry (`dojo_observer`,
# `Observer`'s fields, the runner's table of observers). Each is compared by identity after
# every case and at the end, key sets included (a name added or deleted). The dictionaries of
# the observers' module, of the project's modules, of their functions and of the registry are
# also compared by CPython's dict version tag (PEP 509), which moves on every write: a global
# rebound and put back before the case ends is seen too. Function attributes set and put back
# are seen by an audit hook (`object.__setattr__`, which CPython raises for `__code__`,
# `__defaults__`, `__kwdefaults__`), which no Python code can remove.

_WARNINGS = "__warningregistry__"  # written by `warnings` into the caller's globals: pre-made
_CACHED = (_WARNINGS, "__slotnames__")  # caches Python writes: made before the first case
# what honest code may rebind in a module the observers reach, and no observer reads
_FREE = {"sys": {"stdout", "stderr", "stdin", "displayhook", "excepthook", "unraisablehook",
                 "breakpointhook", "last_type", "last_value", "last_traceback", "last_exc",
                 "ps1", "ps2", "tracebacklimit", "dont_write_bytecode"}}


def _dict_version_reader():
    """A function reading a dict's version tag (CPython 3.11-3.13: the 64-bit word after
    `ma_used`), or None where it cannot be trusted (checked on dicts of our own first)."""
    try:
        import ctypes

        if sys.implementation.name != "cpython" or ctypes.sizeof(ctypes.c_void_p) != 8:
            return None
        offset = 3 * ctypes.sizeof(ctypes.c_void_p)

        def version(d: dict) -> int:
            return ctypes.c_uint64.from_address(id(d) + offset).value

        probe = {"a": 1}
        v0 = version(probe)
        probe["a"] = 1  # the same value: no write
        v1 = version(probe)
        probe["a"] = 2
        probe["a"] = 1  # written and put back
        v2 = version(probe)
        other = {}
        other["b"] = 1
        if not (v0 == v1 and v2 > v1 and version(other) > v2):
            return None
        return version
    except Exception:  # noqa: BLE001 - an interpreter where it does not hold: identities only
        return None


_version = _dict_version_reader()
_audited: dict = {"names": {}, "seen": []}  # filled by Watch; read by the audit hook
_hooked = [False]


def _audit(event: str, args: tuple) -> None:
    if event != "object.__setattr__" and event != "object.__delattr__":
        return
    try:
        name = _audited["names"].get(id(args[0]))
        if name is not None:
            done = "set" if event == "object.__setattr__" else "deleted"
            _audited["seen"].append(f"{name}.{args[1]} {done}")
    except Exception:  # noqa: BLE001 - an audit hook must never raise
        pass


def _is_project(module) -> bool:
    name = getattr(module, "__name__", None)
    return isinstance(name, str) and (name == TEST_MODULE or project_module(name))


def _module_of(value):
    if isinstance(value, types.ModuleType):
        return value
    name = getattr(value, "__module__", None) if isinstance(value, (type, types.FunctionType,
                                                                     types.BuiltinFunctionType)) else None
    return sys.modules.get(name) if isinstance(name, str) else None


def _dotted_modules(test_module) -> list:
    """The modules reached by dotted names in the observers' module (`torch.nn.functional.x`)."""
    import ast

    found = []
    try:
        tree = ast.parse(Path(test_module.__file__).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, TypeError, AttributeError):
        return found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            continue
        obj = vars(test_module).get(node.id)
        for attr in reversed(chain):
            if not isinstance(obj, types.ModuleType):
                break
            found.append(obj)
            obj = vars(obj).get(attr)
        if isinstance(obj, types.ModuleType):
            found.append(obj)
    return found


class Watch:
    """What the observers reach, found once before the submission is loaded (the objects are
    held), and its signature: `take()` -> {what: identities}."""

    def __init__(self, test_module, observers: dict | None = None):
        import torch

        self.observers = observers if observers is not None else {}
        self.project: dict[str, types.ModuleType] = {}  # label -> module
        self.others: dict[str, types.ModuleType] = {}
        from dojo import explain, i18n, pytest_plugin  # what the runner imports as it goes

        todo = [test_module, sys.modules[__name__], spec, budgets, explain, i18n, pytest_plugin]
        while todo:
            module = todo.pop()
            label = "tests" if module is test_module else module.__name__
            if label in self.project:
                continue
            self.project[label] = module
            for value in list(vars(module).values()):
                owner = _module_of(value)
                if owner is None or owner is module:
                    continue
                if _is_project(owner):
                    todo.append(owner)
                elif isinstance(value, types.ModuleType) or module is test_module:
                    self.others.setdefault(owner.__name__, owner)
        for module in (*_dotted_modules(test_module), torch, torch.nn, builtins):
            if not _is_project(module):
                self.others.setdefault(module.__name__, module)
        self.classes: dict[str, type] = {"torch.Tensor": torch.Tensor, "torch.nn.Module":
                                         torch.nn.Module}
        self.functions: dict[str, types.FunctionType] = {}
        held: set[int] = {id(torch.Tensor), id(torch.nn.Module)}

        def hold(where: dict, label: str, value) -> None:  # each object once, where first seen
            if id(value) not in held:
                held.add(id(value))
                where[label] = value

        for label, module in self.project.items():
            for name, value in list(vars(module).items()):
                if isinstance(value, type) and (value.__module__ == module.__name__ or
                                                module is test_module):
                    hold(self.classes, f"{label}.{name}", value)
                elif isinstance(value, types.FunctionType):
                    hold(self.functions, f"{label}.{name}", value)
        for label, cls in list(self.classes.items()):
            for name, value in list(vars(cls).items()):
                for fn in (value, getattr(value, "__func__", None), getattr(value, "fget", None),
                           getattr(value, "fset", None)):
                    if isinstance(fn, types.FunctionType) and _is_project(_module_of(fn)):
                        hold(self.functions, f"{label}.{name}", fn)
        for obs in self.observers.values():
            fn = getattr(obs, "fn", None)
            if isinstance(fn, types.FunctionType):
                hold(self.functions, f"tests.{getattr(fn, '__name__', '?')}", fn)
        self._functions = list(self.functions.values())  # in the order of `functions`
        self._closures = [fn for fn in self._functions if fn.__closure__]
        self._parts = operator.attrgetter("__code__", "__defaults__", "__kwdefaults__",
                                          "__closure__", "__dict__")
        self.observed = [obs.fn for obs in self.observers.values()
                         if isinstance(getattr(obs, "fn", None), types.FunctionType)]
        self.spaces = {**self.others, **self.project}
        for module in self.spaces.values():
            module.__dict__.setdefault(_WARNINGS, {})
        # every dictionary watched: label -> (the dict, its module or None, whether any write
        # to it is a change: the project's own, but for a package's new submodules)
        self.dicts: dict[str, tuple] = {}
        for label, module in self.spaces.items():
            self.dicts[label] = (module.__dict__, module, label in self.project and
                                 not hasattr(module, "__path__"))
        for label, cls in self.classes.items():
            try:  # what pickling a class caches in it (copyreg): cached before, not a change
                copyreg._slotnames(cls)
            except Exception:  # noqa: BLE001
                pass
            real = [d for d in gc.get_referents(vars(cls)) if type(d) is dict]
            if real:
                self.dicts[f"class {label}"] = (real[0], None, _is_project(_module_of(cls)))
        self.base = {label: _ids(d) for label, (d, _, _) in self.dicts.items()}
        self.names = sorted({m.__name__ for m in self.spaces.values()})  # their sys.modules keys
        _audited["names"] = {id(fn): label for label, fn in self.functions.items()}
        _audited["seen"] = []
        if not _hooked[0]:
            sys.addaudithook(_audit)  # for the life of the process: no code can remove it
            _hooked[0] = True

    def take(self) -> dict[str, tuple]:
        """{what: a signature}, cheap: a dictionary's version tag (its keys and ids where the
        tags cannot be read), every function's parts as one tuple of ids. `diff` names what
        moved."""
        version = _version
        snap: dict[str, object] = {}
        for label, (space, _, _) in self.dicts.items():
            snap[label] = version(space) if version is not None else _ids(space)
        modules = sys.modules
        snap["sys.modules"] = tuple(id(modules.get(name)) for name in self.names)
        snap["functions"] = tuple(map(id, itertools.chain.from_iterable(
            map(self._parts, self._functions))))
        snap["cells"] = tuple(tuple(id(_cell(c)) for c in fn.__closure__)
                              for fn in self._closures)
        for fn in self.observed:
            snap[f"tests.{fn.__name__}.__dict__"] = _ids(fn.__dict__)
        for key, obs in list(self.observers.items()):
            snap[f"observer {key}"] = (id(obs), id(getattr(getattr(obs, "fn", None),
                                                           "dojo_observer", None)),
                                       _ids(getattr(obs, "__dict__", {})))
        snap["observers"] = (id(self.observers), _ids(self.observers))
        snap["audit"] = tuple(_audited["seen"])
        return snap

    def diff(self, before: dict, now: dict) -> list[str]:
        """What changed from `before` to `now`, named: `tests.torch` (a name rebound or
        deleted), `tests.len (added)`, `tests (written)` (a global written and put back),
        `tests.leaves_with_grads() (...)` (its code, defaults, cells or attributes), `observer
        X`, `tests.f.__code__ set (audit)`. A package's new submodule (an honest `import
        torch.utils.data` adds `data` to `torch.utils`) is not a change."""
        out: list[str] = []
        for key, old in before.items():
            new = now.get(key)
            if new == old:
                continue
            if key == "audit":
                out += [f"{what} (audit)" for what in new[len(old):]]
            elif key == "sys.modules":
                out += [f"sys.modules[{name}]" for name, a, b in zip(self.names, old, new)
                        if a != b]
            elif key in ("functions", "cells"):
                fns = self._functions if key == "functions" else self._closures
                labels = {id(fn): label for label, fn in self.functions.items()}
                width = 5 if key == "functions" else None
                for i, fn in enumerate(fns):
                    a = old[i * width:(i + 1) * width] if width else old[i]
                    b = new[i * width:(i + 1) * width] if width else new[i]
                    if a != b:
                        out.append(f"{labels[id(fn)]}() ({'its cells' if key == 'cells' else 'its code, defaults or attributes'})")
            elif key in self.dicts:
                out += self._moved(key)
            else:
                out.append(key)
        return out

    def _moved(self, label: str) -> list[str]:
        space, module, any_write = self.dicts[label]
        name = label[6:] if label.startswith("class ") else label
        was, got = self.base[label], _ids(space)
        was, got = dict(zip(*was)), dict(zip(*got))
        for key in _FREE.get(name, ()):
            was.pop(key, None)
            got.pop(key, None)
        found = [f"{name}.{key}" for key, ident in was.items()
                 if key not in _CACHED and got.get(key) != ident]
        found += [f"{name}.{key} (added)" for key in got
                  if key not in was and key not in _CACHED
                  and not (module is not None and _submodule(module, key))]
        if any_write and not found:
            found.append(f"{name} (written)")
        return found


def _ids(space) -> tuple:
    return (tuple(space), tuple(map(id, space.values())))


def _submodule(module, name: str) -> bool:
    value = module.__dict__.get(name)
    return (hasattr(module, "__path__") and type(value) is types.ModuleType
            and sys.modules.get(f"{module.__name__}.{name}") is value)


def _cell(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def take(test_module) -> dict[str, tuple]:
    snap = {}
    for name, value in watched(test_module).items():
        code = getattr(value, "__code__", None)
        snap[name] = (id(value), id(code) if code is not None else None)
    return snap


# --- the project's own code is not the learner's: refused to the kata file ---------------------


def guard_imports(kata_path: Path):
    """Wrap `builtins.__import__`, `importlib.import_module` and `importlib.__import__` so that
    the kata file cannot import the project's own packages (`dojo.grade.scan.project_module`):
    ImportError with the reason, recorded in the list returned. Returns (that list, a function
    that puts the real ones back)."""
    import importlib

    refused: list[str] = []
    path = str(kata_path)
    real_import, real_import_module = builtins.__import__, importlib.import_module
    real_bootstrap_import = importlib.__import__

    def refuse(name: str, depth: int) -> None:
        frame = sys._getframe(depth + 1)
        where = frame.f_code.co_filename
        if where != path and not (where.startswith("<") and not where.startswith("<frozen")):
            return  # not the kata file's own import (the spec's, torch's, a built-in's)
        what = (f"import refused: {name} (katas/{kata_path.name}, line {frame.f_lineno})"
                if where == path else f"import refused: {name} (code it built, {where[:60]})")
        refused.append(what)
        raise ImportError(f"{what}: a kata is solved with torch, not with the course's own "
                          f"code (dojo, its tests or its answers)", name=name)

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        package = (globals or {}).get("__package__") if level else ""
        if isinstance(name, str) and project_module(f"{package or ''}.{name}" if level
                                                    else name):
            refuse(name if not level else f"{'.' * level}{name} in {package}", 1)
        return real_import(name, globals, locals, fromlist, level)

    def guarded_import_module(name, package=None):
        if isinstance(name, str) and project_module(
                name if not name.startswith(".") else str(package or "")):
            refuse(name, 1)
        return real_import_module(name, package)

    def guarded_bootstrap_import(name, globals=None, locals=None, fromlist=(), level=0):
        if isinstance(name, str) and not level and project_module(name):
            refuse(name, 1)
        return real_bootstrap_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import
    importlib.import_module = guarded_import_module
    importlib.__import__ = guarded_bootstrap_import

    def unguard() -> None:  # the real ones back, whatever the submission put there
        builtins.__import__ = real_import
        importlib.import_module = real_import_module
        importlib.__import__ = real_bootstrap_import

    return refused, unguard


# --- the run ---------------------------------------------------------------------------------


def run(plan: dict, channel: int, job_dir: Path = Path(".")) -> None:
    send = Sender(channel)
    module = plan["module"]
    test_module = import_spec(job_dir / "tests" / f"test_{module}.py")
    observers = spec.observers_of(test_module)
    kata = JobKata(module, (job_dir / "katas" / f"{module}.py").resolve())
    target = kata.path.parent
    refused, unguard = guard_imports(kata.path)  # before the kata file is imported
    try:
        _run(plan, send, test_module, observers, kata, target, refused)
    finally:
        unguard()


def _run(plan, send, test_module, observers, kata, target, refused) -> None:
    module = plan["module"]
    watch = Watch(test_module, observers)
    snapshot, reached = take(test_module), watch.take()
    changed: list[str] = []
    seconds = float(plan.get("budget") or 10.0)

    def check() -> list[str]:
        now = take(test_module)
        new = sorted(k for k in snapshot if now.get(k) != snapshot[k] and k not in changed)
        new += [k for k in watch.diff(reached, watch.take()) if k not in changed]
        new += [r for r in dict.fromkeys(refused) if r not in changed]  # the imports refused
        changed.extend(new)
        return new

    for entry in plan["observations"]:
        obs = observers.get(entry["id"])
        out_of_time = None
        for index, case in enumerate(entry["cases"]):
            record: dict = {"o": entry["id"], "i": index}
            if obs is None:
                send({"k": "raised", **record, "s": "broken", "m": "no such observer"})
                continue
            if out_of_time is not None:
                send({"k": "raised", **record, "s": "timeout", "m": out_of_time})
                continue
            send({"k": "start", **record})
            where = {}

            def on_fire(at, where=where):
                where["at"] = at
                return budgets.out_of_time(seconds, at, f"katas/{module}.py")

            try:
                with budgets.Budget(seconds, target, on_fire=on_fire):
                    data = spec.run_observer(obs, kata, case)
                text = spec.dumps(data)
            except budgets.OutOfTime as err:
                out_of_time = str(err) or budgets.out_of_time(seconds, where.get("at"),
                                                             f"katas/{module}.py")
                send({"k": "raised", **record, "s": "timeout", "m": out_of_time[:4000],
                      "c": check()})
                continue
            except BaseException as err:  # noqa: BLE001 - the submission's, whatever it is
                state, message = describe_error(err, target, module)
                send({"k": "raised", **record, "s": state, "m": message[:4000], "c": check()})
                continue
            if len(text.encode("utf-8")) > spec.MAX_BYTES:
                send({"k": "raised", **record, "s": "failing",
                      "m": "what the code returned was too large to check", "c": check()})
                continue
            send({"k": "obs", **record, "d": data, "c": check()})
    send({"k": "end", "c": check()})


def describe_error(err: BaseException, target: Path, module: str) -> tuple[str, str]:
    """(state, message) for what the submission's code raised, in the words of the learner's
    run (`dojo.pytest_plugin.classify`)."""
    from dojo.explain import describe, explain
    from dojo.i18n import t

    if isinstance(err, KataBroken):
        return "broken", str(err)
    entry = None
    frames = _frames(err)
    for frame in frames:  # the deepest frame in the submission's file
        try:
            if target in Path(frame.filename).resolve().parents:
                entry = frame
        except (OSError, ValueError):
            continue
    rel = f"katas/{module}.py"
    raised_here = entry is not None and frames and frames[-1] is entry
    if isinstance(err, NotImplementedError) and raised_here:
        return "not started", t(
            f"not started: `{entry.name}` ({rel}, line {entry.lineno}) still raises "
            f"NotImplementedError. Replace the TODO with your code.",
            f"尚未开始:`{entry.name}`({rel} 第 {entry.lineno} 行)仍然抛出 NotImplementedError。"
            f"用你的代码替换 TODO。")
    text = describe(err)
    meaning = explain(text)
    lines = [t(f"your code raised {text}", f"你的代码抛出了 {text}")]
    if entry is not None:
        source = (entry.line or "").strip()
        lines.append(t(f"  at {rel}, line {entry.lineno}: {source}",
                       f"  位置:{rel} 第 {entry.lineno} 行:{source}"))
    if meaning:
        lines.append(t(f"  what it means: {meaning}", f"  含义:{meaning}"))
    return "failing", "\n".join(lines)


def _frames(err: BaseException):
    import traceback

    try:
        return traceback.extract_tb(err.__traceback__)
    except Exception:  # noqa: BLE001
        return []
