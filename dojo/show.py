"""`dojo show KATA`: a picture of the pitfall, as a PNG under `.dojo/show/`.

For a kata that trains something, one recipe per kata runs the same small training with the
reference (`solutions/<kata>.py`), with every wrong answer of its gallery (`gallery/<kata>/*.py`)
and with the learner's own file when it runs, and plots the loss curves together. A wrong answer
that raises has its curve cut where it raised (an ✕ and the exception in its label); one that
diverges is cut at the first inf or nan. For `no_grad`, the bytes autograd saves for backward
layer by layer (dojo.memory), with and without `torch.no_grad()`.

Gallery entries override one function of the reference (`from solutions.<kata> import *`); the
reference's other functions are re-bound to the entry's namespace here, so that a wrong `sgd`
also shows in the `train_linreg` that calls it.

Chinese labels need a CJK font (Debian: fonts-noto-cjk); without one the labels stay English
and a note says so.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import math
import os
import sys
import tempfile
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dojo.i18n import lang, t


class NothingToShow(Exception):
    """This kata has no picture (the message says why and what to do instead)."""


@dataclass
class Picture:
    path: Path
    summary: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Variant:
    name: str
    kind: str  # "reference", "gallery" or "yours"
    module: types.ModuleType
    changed: tuple[str, ...] = ()  # the functions it overrides (gallery entries)
    clock: "Clock | None" = None  # yours: the kata's budget, for all of its calls together
    not_started: str | None = None  # yours: the function that still raises NotImplementedError


@dataclass
class Curve:
    label: str
    kind: str
    xs: list[float]
    ys: list[float]
    raised: str | None = None
    diverged: bool = False
    same_as_reference: bool = False
    changed: tuple[str, ...] = ()
    panel: int = 0


# --- loading the variants --------------------------------------------------------------------


@contextmanager
def _on_path(project: Path):
    root = str(project)
    sys.path.insert(0, root)
    try:
        yield
    finally:
        try:
            sys.path.remove(root)
        except ValueError:
            pass


def _load(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _relink(module: types.ModuleType, reference: types.ModuleType) -> tuple[str, ...]:
    """Re-bind the reference's functions that an entry imported to the entry's own namespace;
    the names of the functions and classes the entry overrides."""
    changed = []
    for name, obj in list(vars(module).items()):
        ref = getattr(reference, name, None)
        if isinstance(obj, types.FunctionType) and obj.__globals__ is reference.__dict__:
            copy = types.FunctionType(obj.__code__, module.__dict__, obj.__name__,
                                      obj.__defaults__, obj.__closure__)
            copy.__kwdefaults__ = obj.__kwdefaults__
            copy.__dict__.update(obj.__dict__)
            copy.__doc__ = obj.__doc__
            setattr(module, name, copy)
        elif ref is not None and obj is not ref and not name.startswith("_") and (
            isinstance(obj, (types.FunctionType, type))
        ):
            changed.append(name)
    return tuple(changed)


@contextmanager
def _sources(project: Path, kata: str):
    """A folder laid out like a checkout for `kata`: `solutions/<kata>.py` and
    `gallery/<kata>/`. The project itself where it has them (a clone); else a temporary one
    written from what the package carries (a `dojo init` workspace, a pip install)."""
    if (project / "solutions" / f"{kata}.py").is_file():
        yield project
        return
    from dojo import stubs

    try:
        reference = stubs.solutions()[kata]
    except (OSError, ValueError, KeyError):
        raise NothingToShow(t(
            f"this edition carries no reference answers (no solutions/{kata}.py here, none in "
            f"the package): the picture draws the reference beside the wrong answers. "
            f"`dojo explain {kata}` tells the story in words.",
            f"这个版本不含参考答案(这里没有 solutions/{kata}.py,包里也没有):图示要把参考答案与"
            f"错误答案画在一起。`dojo explain {kata}` 用文字讲解了它。")) from None
    try:
        wrong = stubs.gallery().get(kata, {})
    except (OSError, ValueError):
        wrong = {}
    with tempfile.TemporaryDirectory(prefix="dojo-show-") as tmp:
        root = Path(tmp)
        (root / "solutions").mkdir()
        (root / "solutions" / f"{kata}.py").write_text(reference, encoding="utf-8")
        (root / "gallery" / kata).mkdir(parents=True)
        for name, source in wrong.items():
            (root / "gallery" / kata / f"{name}.py").write_text(source, encoding="utf-8")
        yield root


def variants(project: Path, kata: str, *, notes: list[str]) -> list[Variant]:
    """The reference, each wrong answer of the gallery, and the learner's file (when it
    imports), loaded. Every function of yours is to be called under its `clock`."""
    from dojo import gallery

    import torch

    found = []
    with _sources(project, kata) as root, _on_path(root):
        for name in [n for n in sys.modules if n == "solutions" or n.startswith("solutions.")]:
            sys.modules.pop(name, None)  # this project's solutions, not another's
        reference = importlib.import_module(f"solutions.{kata}")
        found.append(Variant("reference", "reference", reference))
        for entry in gallery.entries(root):
            if entry.kata != kata or entry.irregular:
                continue
            if "gpu" in entry.marks and not torch.cuda.is_available():
                continue
            try:
                module = _load(entry.path, f"_dojo_show_{kata}_{entry.name}")
            except Exception as err:  # noqa: BLE001
                notes.append(f"{entry.id}: {type(err).__name__}: {err}")
                continue
            changed = _relink(module, reference)
            found.append(Variant(entry.name, "gallery", module, changed))
        if root != project:  # loaded from the package: not importable once `root` is gone
            for name in [n for n in sys.modules if n == "solutions" or n.startswith("solutions.")]:
                sys.modules.pop(name, None)
    mine = project / "katas" / f"{kata}.py"
    if not mine.is_file():
        notes.append(t(f"yours: katas/{kata}.py is missing (`dojo reset {kata}` brings the stub "
                       f"back): the picture has the reference and the wrong answers only.",
                       f"你的:katas/{kata}.py 不存在(`dojo reset {kata}` 可以恢复原始文件):"
                       f"图中只有参考答案和错误答案。"))
        return found
    clock = Clock(kata, mine.parent)
    yours = Variant(t("yours", "你的"), "yours", types.ModuleType(f"_dojo_show_{kata}_yours"),
                    clock=clock)
    try:
        with _on_path(project), guarded(yours):
            yours.module = _load(mine, f"_dojo_show_{kata}_yours")
    except LeftOut:
        pass
    except BaseException as err:  # noqa: BLE001 - the learner's file: a note, no more
        if isinstance(err, KeyboardInterrupt):
            raise
        if not clock.expired:
            notes.append(t(f"yours: katas/{kata}.py does not import ({type(err).__name__}: "
                           f"{err}); it is left out of the picture (`dojo check {kata}` says "
                           f"where).",
                           f"你的:katas/{kata}.py 无法导入({type(err).__name__}:{err});"
                           f"图中不包含它(`dojo check {kata}` 会指出位置)。"))
            return found
    found.append(yours)
    return found


# --- the learner's code: its budget, no input, its printing apart ----------------------------


class LeftOut(Exception):
    """The learner's code has spent its budget in this picture: it is left out."""


class _Counted(io.TextIOBase):
    """Where the learner's printing goes while a picture is drawn: counted, not shown."""

    def __init__(self):
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


class Clock:
    """The learner's code in one picture: all of its calls together get the kata's budget
    (the seconds per test that `dojo check` gives it, DOJO_BUDGET_SCALE included). Once it is
    spent, the code is stopped with the line it was running, and not called again."""

    def __init__(self, kata: str, target: Path):
        from dojo import budget
        from dojo.catalog import load

        catalog = load()
        steps = catalog.steps_of(kata)
        self.seconds = max((s.budget for s in steps), default=catalog.budget) * budget.scale()
        self.left = self.seconds
        self.target = target.resolve()
        self.expired = False
        self.where = None
        self.printed = 0

    @contextmanager
    def running(self):
        from dojo import budget

        if self.expired:
            raise LeftOut()
        watch = budget.Budget(max(self.left, 0.001), self.target, on_fire=lambda where: "")
        sink = _Counted()
        stdin = sys.stdin
        started = time.monotonic()
        try:
            sys.stdin = io.StringIO("")  # input() has nothing to wait for here
            with watch, contextlib.redirect_stdout(sink):
                yield
        finally:
            sys.stdin = stdin
            self.left -= time.monotonic() - started
            self.printed += sink.lines
            if watch.fired:  # raised, or swallowed by the learner's code: spent either way
                self.expired = True
                self.where = watch.where
        if self.expired:
            raise LeftOut()


@contextmanager
def guarded(variant: Variant):
    """Run the variant's code: yours under its clock (LeftOut once the budget is spent; its
    OutOfTime is turned into LeftOut), the others as they are."""
    if variant.clock is None:
        yield
        return
    from dojo import budget

    try:
        with variant.clock.running():
            yield
    except budget.OutOfTime:
        raise LeftOut() from None
    except NotImplementedError as err:
        if variant.clock.expired:
            raise LeftOut() from None
        variant.not_started = variant.not_started or (str(err.args[0]) if err.args else "?")
        raise
    except KeyboardInterrupt:
        raise
    except BaseException:
        if variant.clock.expired:  # what the interrupted code raised on its way out
            raise LeftOut() from None
        raise


def about_yours(kata: str, found: list[Variant]) -> str | None:
    """The line that says why yours is not in the picture (None when it is, or is absent)."""
    from dojo import budget

    yours = next((v for v in found if v.kind == "yours"), None)
    if yours is None or yours.clock is None:
        return None
    label = t("  yours: ", "  你的:")
    clock = yours.clock
    if clock.expired:
        where = clock.where
        rel = f"katas/{where.path.name}" if where is not None else None
        running = budget.running(where, rel).strip()
        if clock.printed >= budget.PRINTED_A_LOT:
            why = t(f"it printed {clock.printed:,} lines, and printing that much took the time",
                    f"它打印了 {clock.printed:,} 行,是打印这么多内容花掉了时间")
        else:
            why = t("an endless loop, or waiting for input?", "是死循环,还是在等待输入?")
        return label + t(
            f"left out of the picture: katas/{kata}.py did not finish within "
            f"{clock.seconds:g} s ({why}). {running + '. ' if running else ''}"
            f"`dojo check {kata}` stops it the same way and says more.",
            f"图中不包含它:katas/{kata}.py 在 {clock.seconds:g} 秒内没有结束({why})。"
            f"{running + '。' if running else ''}`dojo check {kata}` 也会这样停止它,并说明更多。")
    if yours.not_started:
        name = yours.not_started
        return label + t(
            f"not in the picture yet: `{name}` in katas/{kata}.py still raises "
            f"NotImplementedError; it joins the picture once it runs.",
            f"还不在图中:katas/{kata}.py 中的 `{name}` 仍然抛出 NotImplementedError;"
            f"等它能运行了就会出现在图中。")
    return None


# --- running a recipe ------------------------------------------------------------------------


class Recorder(list):
    """The values a recipe records, in order (`x` optionally gives their x values); a recipe
    with several panels records the others into `rec.panel(i)`. A recipe whose panels run
    separately may set `rec.panel(i).raised` to the name of an exception that stopped that panel
    alone."""

    def __init__(self):
        super().__init__()
        self.xs: list[float] = []
        self.raised: str | None = None
        self._panels: dict[int, "Recorder"] = {}

    def add(self, y: float, x: float | None = None) -> None:
        self.append(float(y))
        self.xs.append(float(len(self.xs) if x is None else x))

    def panel(self, i: int) -> "Recorder":
        if i == 0:
            return self
        return self._panels.setdefault(i, Recorder())


def _run(recipe: Callable, variant: Variant, panels: int = 1, label: str | None = None,
         **kwargs) -> list[Curve] | None:
    """One curve per panel for this variant (None for a learner's file not started, or left
    out: see `about_yours`)."""
    import torch

    rec = Recorder()
    raised = None
    torch.manual_seed(0)
    try:
        with guarded(variant):
            recipe(variant.module, rec, **kwargs)
    except NotImplementedError:
        if variant.kind == "yours":
            return None  # not started: nothing of theirs to draw
        raised = "NotImplementedError"
    except LeftOut:
        return None
    except (KeyboardInterrupt, NothingToShow):
        raise
    except BaseException as err:  # noqa: BLE001 - a wrong answer that raises is the point
        raised = type(err).__name__
    curves = []
    for i in range(panels):
        got = rec.panel(i)
        ys, xs = list(got), list(got.xs)
        diverged = False
        for j, y in enumerate(ys):
            if not math.isfinite(y) or abs(y) > 1e12:
                ys, xs, diverged = ys[:j], xs[:j], True
                break
        curves.append(Curve(label or variant.name, variant.kind, xs, ys, raised or got.raised,
                            diverged, changed=variant.changed, panel=i))
    return curves


# --- the recipes (each records one loss curve for one variant) -------------------------------


def _linreg_data(n=1000, seed=0):
    from dojo.datasets import synthetic_data

    return synthetic_data(n, seed=seed)


def recipe_inplace_update(mod, rec):
    """Full-batch gradient descent on d2l's linear data, one `sgd_step` per step."""
    import torch

    X, y = _linreg_data(200)
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(40):
        loss = ((X @ w + b - y) ** 2 / 2).mean()
        rec.add(loss.item())
        loss.backward()
        mod.sgd_step([w, b], 0.1)
    with torch.no_grad():
        rec.add(((X @ w + b - y) ** 2 / 2).mean().item())


def recipe_batch_division(mod, rec):
    """`train_linreg` on d2l's data (labels of shape (n,)); the loss of the whole data set after
    every `sgd` step."""
    import torch

    X, y = _linreg_data(1000)
    flat = y.reshape(-1)
    original = mod.sgd

    def spy(params, lr, batch_size):
        original(params, lr, batch_size)
        w, b = params[0], params[1]
        with torch.no_grad():
            rec.add(((X @ w + b - y) ** 2 / 2).mean().item())

    mod.sgd = spy
    try:
        mod.train_linreg(X, flat, lr=0.2, batch_size=10, num_epochs=3, seed=0)
    finally:
        mod.sgd = original


def recipe_tail_batches(mod, rec):
    """`train_epoch` with 25 examples in batches of 10 (a tail of 5), the loss of the whole data
    set after every batch."""
    import torch

    X, y = _linreg_data(25, seed=1)
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    original = mod.data_iter

    def spy(*args, **kwargs):
        for batch in original(*args, **kwargs):
            yield batch
            with torch.no_grad():
                rec.add(((X @ w + b - y) ** 2 / 2).mean().item())

    mod.data_iter = spy
    generator = torch.Generator().manual_seed(0)
    try:
        with torch.no_grad():
            rec.add(((X @ w + b - y) ** 2 / 2).mean().item())
        for _ in range(15):
            mod.train_epoch(w, b, X, y, batch_size=10, lr=0.1, generator=generator)
    finally:
        mod.data_iter = original


def recipe_zero_grad(mod, rec):
    """The thermometer loop of the articles (SGD, lr 1e-2, t_u * 0.1), 3000 epochs."""
    import torch

    from dojo.datasets import thermometer

    t_u, t_c = thermometer()
    t_un = t_u * 0.1
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = torch.optim.SGD([params], lr=1e-2)
    original = optimizer.step

    def step(*args, **kwargs):
        out = original(*args, **kwargs)
        with torch.no_grad():
            rec.add(((params[0] * t_un + params[1] - t_c) ** 2).mean().item())
        return out

    optimizer.step = step
    mod.training_loop(2000, optimizer, params, t_un, t_c)


def recipe_reduction_lr(mod, rec, reduction="sum"):
    """`train_concise` with batches of 50; the loss it reports after each epoch."""
    X, y = _linreg_data(1000)
    _, losses = mod.train_concise(X, y, reduction=reduction, lr=0.03, batch_size=50,
                                  num_epochs=8, seed=0)
    for i, loss in enumerate(losses, 1):
        rec.add(float(loss), x=i)


def recipe_freed_graph(mod, rec):
    """`train_logging_losses` on a linear model; every batch's loss as `loss_fn` computed it."""
    import torch
    from torch import nn

    X, y = _linreg_data(400)
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    batches = [(X[i:i + 20], y[i:i + 20]) for i in range(0, len(X), 20)]

    def loss_fn(out, target):
        loss = nn.functional.mse_loss(out, target)
        rec.add(loss.item())
        return loss

    mod.train_logging_losses(model, optimizer, loss_fn, batches)


def recipe_custom_optimizer(mod, rec):
    """The kata's SGD (momentum 0.9) given `model.parameters()` of a model with one parameter
    that takes no part in the loss; the loss of each minibatch."""
    import torch
    from torch import nn

    X, y = _linreg_data(600)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 1)
            self.unused = nn.Parameter(torch.zeros(1))  # its grad stays None

        def forward(self, x):
            return self.linear(x)

    torch.manual_seed(0)
    model = Model()
    optimizer = mod.SGD(model.parameters(), lr=0.005, momentum=0.9)
    for _ in range(3):
        for i in range(0, len(X), 30):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(X[i:i + 30]), y[i:i + 30])
            rec.add(loss.item())
            loss.backward()
            optimizer.step()


def recipe_mnist(mod, rec):
    """The articles' network on 256 digits of the shipped subset, 2 epochs (Adadelta, lr 1, as
    in the articles): the training loss of every batch, and the accuracy on 250 test digits after
    each epoch."""
    import torch
    import torch.nn.functional as F

    train_loader, test_loader = _mnist_loaders()
    torch.manual_seed(1)
    model = mod.Net()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)  # as in the articles
    real = getattr(mod, "F", F)

    class Spy(types.SimpleNamespace):
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def nll_loss(output, target, *args, **kwargs):
            loss = real.nll_loss(output, target, *args, **kwargs)
            if torch.is_grad_enabled() and loss.requires_grad and model.training:
                rec.add(loss.item())
            return loss

    had = "F" in vars(mod)
    mod.F = Spy()
    try:
        for epoch in range(1, 3):
            mod.train(model, torch.device("cpu"), train_loader, optimizer, epoch)
            _, accuracy = mod.test(model, torch.device("cpu"), test_loader)
            rec.panel(1).add(float(accuracy), x=epoch)
    finally:
        if had:
            mod.F = real
        else:
            del mod.F


# --- logits_not_probabilities (issue 14): what each loss does to learning ---------------------


def recipe_logits_not_probabilities(mod, rec):
    """Panel 0: softmax regression on 256 digits of the shipped subset, trained with the
    variant's `classification_loss` (gradient descent, lr 0.1); the true cross-entropy of the
    logits after every step. Panel 1: logistic regression on 1-D data, started confidently wrong
    (w = -25), trained with the variant's `binary_loss`; the true binary cross-entropy."""
    import torch
    import torch.nn.functional as F

    from dojo import mnist_data

    try:
        images, labels = mnist_data.split_tensors(subset=True)
    except Exception as err:  # noqa: BLE001
        raise NothingToShow(t(f"the MNIST subset is not available ({err}).",
                              f"无法使用 MNIST 子集({err})。")) from None
    X, y = images[:256].flatten(1), labels[:256]
    W = torch.zeros(784, 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    for _ in range(60):
        mod.classification_loss(X @ W + b, y).backward()
        with torch.no_grad():
            for p in (W, b):
                p -= 0.1 * p.grad
                p.grad = None
            rec.add(F.cross_entropy(X @ W + b, y).item())

    gen = torch.Generator().manual_seed(4)
    x = torch.randn(100, generator=gen)
    target = (x + 0.3 * torch.randn(100, generator=gen) > 0).float()
    w = torch.tensor(-25.0, requires_grad=True)  # confidently wrong: saturated logits
    c = torch.tensor(0.0, requires_grad=True)
    binary = rec.panel(1)
    try:
        for _ in range(60):
            mod.binary_loss(w * x + c, target).backward()
            with torch.no_grad():
                for p in (w, c):
                    p -= 1.0 * p.grad
                    p.grad = None
                binary.add(F.binary_cross_entropy_with_logits(w * x + c, target).item())
    except (KeyboardInterrupt, NothingToShow):
        raise
    except BaseException as err:  # noqa: BLE001 - this panel stops; the other one stands
        binary.raised = type(err).__name__


def _mnist_loaders():
    import torch
    from torch.utils.data import DataLoader, Subset

    from dojo import mnist_data

    try:
        train_set, test_set = mnist_data.datasets(subset=True)
    except Exception as err:  # noqa: BLE001
        raise NothingToShow(t(f"the MNIST subset is not available ({err}).",
                              f"无法使用 MNIST 子集({err})。")) from None
    generator = torch.Generator().manual_seed(0)  # the same batches for every variant
    return (
        DataLoader(Subset(train_set, range(256)), batch_size=32, shuffle=True,
                   generator=generator),
        DataLoader(Subset(test_set, range(250)), batch_size=125),
    )


@dataclass
class Recipe:
    run: Callable
    y_label: tuple[str, str]
    x_label: tuple[str, str]
    about: tuple[str, str]
    log: bool = True
    panels: tuple = ()  # ((y_label, x_label, log, what), ...) when the recipe records several;
    #                     what (en, zh): the kata function that panel shows


RECIPES: dict[str, Recipe] = {
    "inplace_update": Recipe(
        recipe_inplace_update, ("loss (whole data set)", "损失(整个数据集)"), ("step", "步数"),
        ("linear regression, one sgd_step per step", "线性回归,每步调用一次 sgd_step")),
    "batch_division": Recipe(
        recipe_batch_division, ("loss (whole data set)", "损失(整个数据集)"),
        ("sgd step", "sgd 步数"),
        ("train_linreg, lr 0.2, batch size 10, labels of shape (n,)",
         "train_linreg,lr 0.2,批量大小 10,标签形状 (n,)")),
    "tail_batches": Recipe(
        recipe_tail_batches, ("loss (whole data set)", "损失(整个数据集)"), ("batch", "批次"),
        ("train_epoch, 25 examples in batches of 10 (a tail of 5)",
         "train_epoch,25 个样本,每批 10 个(最后一批 5 个)")),
    "zero_grad": Recipe(
        recipe_zero_grad, ("loss", "损失"), ("epoch", "轮次"),
        ("the thermometer training_loop, SGD lr 1e-2", "温度计 training_loop,SGD lr 1e-2")),
    "reduction_lr": Recipe(
        recipe_reduction_lr, ("reported loss", "报告的损失"), ("epoch", "轮次"),
        ("train_concise, batch size 50, lr 0.03 (given for 'mean')",
         "train_concise,批量大小 50,lr 0.03(按 'mean' 给出)")),
    "freed_graph": Recipe(
        recipe_freed_graph, ("batch loss", "批次损失"), ("step", "步数"),
        ("train_logging_losses on a linear model", "在线性模型上运行 train_logging_losses")),
    "custom_optimizer": Recipe(
        recipe_custom_optimizer, ("batch loss", "批次损失"), ("step", "步数"),
        ("your SGD with momentum 0.9, given model.parameters()",
         "动量 0.9 的 SGD,传入 model.parameters()")),
    "logits_not_probabilities": Recipe(
        recipe_logits_not_probabilities, ("", ""), ("", ""),
        ("softmax regression on 256 digits; logistic regression started confidently wrong",
         "在 256 个数字上做 softmax 回归;从错得很自信处开始的逻辑回归"),
        panels=(
            (("true cross-entropy of the logits", "logits 的真实交叉熵"), ("step", "步数"), True,
             ("classification_loss", "classification_loss")),
            (("true binary cross-entropy", "真实的二元交叉熵"), ("step", "步数"), True,
             ("binary_loss", "binary_loss")),
        )),
    "mnist": Recipe(
        recipe_mnist, ("", ""), ("", ""),
        ("256 digits of the shipped subset, 2 epochs; accuracy on 250 test digits",
         "随包子集中的 256 个数字,2 轮;在 250 个测试数字上的准确率"),
        panels=(
            (("training loss", "训练损失"), ("batch", "批次"), True, ("train", "train")),
            (("test accuracy", "测试准确率"), ("epoch", "轮次"), False, ("test", "test")),
        )),
}

NOTHING = {
    "leaf_tensors": ("what makes a tensor a leaf is not a curve", "叶子张量的性质画不成曲线"),
    "nonscalar_backward": ("a gradient's shape is not a curve", "梯度的形状画不成曲线"),
    "train_eval_mode": ("its pitfalls show in one accuracy figure, not a curve",
                        "它的陷阱体现在一个准确率数值上,而不是曲线"),
    "koans": ("koans are predictions, not training", "公案是预测题,不是训练"),
    "normalize_with_train_stats": (
        "its pitfalls show in two figures per channel, a mean and a std, not a curve",
        "它的陷阱体现在每个通道的两个数(均值和标准差)上,而不是曲线"),
}


# --- fonts -----------------------------------------------------------------------------------

_CJK_NAMES = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans", "Noto Serif CJK SC",
              "Noto Serif CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
              "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing")


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, as matplotlib knows it, or None."""
    if os.environ.get("DOJO_NO_CJK_FONT"):
        return None
    from matplotlib import font_manager as fm

    def known():
        names = sorted({f.name for f in fm.fontManager.ttflist})
        for want in _CJK_NAMES:
            for name in names:
                if name.startswith(want):
                    return name
        return None

    found = known()
    if found:
        return found
    # installed after matplotlib built its font cache: add the files themselves
    try:
        for path in fm.findSystemFonts():
            base = os.path.basename(path).lower()
            if any(k in base for k in ("cjk", "wqy", "sourcehansans", "simhei", "msyh")):
                try:
                    fm.fontManager.addfont(path)
                except Exception:  # noqa: BLE001
                    continue
    except Exception:  # noqa: BLE001
        return None
    return known()


# --- drawing ---------------------------------------------------------------------------------


def _label(curve: Curve, english: bool) -> str:
    def tt(en, zh):
        return en if english else zh

    name = curve.label
    if curve.kind == "yours" and english:
        name = "yours"
    extra = []
    if curve.raised:
        extra.append(tt(f"raised {curve.raised}: the curve stops there",
                        f"抛出 {curve.raised}:曲线在此中断"))
    elif curve.diverged:
        extra.append(tt("diverged (inf/nan)", "发散(inf/nan)"))
    elif curve.same_as_reference and curve.kind != "reference":
        where = ", ".join(curve.changed) if curve.changed else ""
        extra.append(tt(f"same as the reference here; the pitfall is in {where}" if where
                        else "same as the reference here",
                        f"此处与参考相同;陷阱在 {where} 中" if where else "此处与参考相同"))
    return f"{name} ({'; '.join(extra)})" if extra else name


def _same(a: Curve, b: Curve) -> bool:
    if len(a.ys) != len(b.ys) or a.raised or b.raised:
        return False
    return all(math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9) for x, y in zip(a.ys, b.ys))


def _draw(ax, curves: list[Curve], y_label: str, x_label: str, log: bool, english: bool):
    reference = next((c for c in curves if c.kind == "reference"), None)
    styles = {"reference": dict(color="black", linewidth=2.6, zorder=5),
              "reference-sum": dict(color="dimgray", linewidth=2.0, linestyle=":", zorder=5),
              "yours": dict(color="tab:blue", linewidth=2.2, linestyle="--", zorder=6)}
    palette = ["tab:red", "tab:orange", "tab:purple", "tab:brown", "tab:pink", "tab:olive",
               "tab:cyan", "tab:green", "tab:gray"]
    positive = all(y > 0 for c in curves for y in c.ys)
    for i, curve in enumerate(c for c in curves):
        style = styles.get(curve.kind) or dict(color=palette[i % len(palette)], linewidth=1.4)
        label = _label(curve, english)
        if curve.ys:
            marker = "o" if len(curve.ys) <= 12 else None
            ax.plot(curve.xs, curve.ys, label=label, marker=marker, markersize=4, **style)
        if curve.raised or curve.diverged:
            x = curve.xs[-1] if curve.xs else 0
            y = curve.ys[-1] if curve.ys else (reference.ys[0] if reference and reference.ys
                                               else 1.0)
            ax.plot([x], [y], marker="X" if curve.raised else "^", markersize=12,
                    color=style["color"], linestyle="none",
                    label=None if curve.ys else label, zorder=7)
    if log and positive:
        ax.set_yscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def _setup_fonts(notes: list[str]) -> bool:
    """Configure matplotlib (inside `make`'s rc_context); True when the labels can be Chinese."""
    import matplotlib

    matplotlib.use("Agg")
    if lang() != "zh":
        return False
    font = cjk_font()
    if font is None:
        notes.append("未找到中文字体(Debian:apt-get install fonts-noto-cjk),图中标签使用英文。")
        return False
    matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return True


def _title(project: Path, kata: str, english: bool) -> str:
    from dojo.catalog import load

    try:
        step = next(s for s in load().steps if s.module == kata)
        title = step.text("title", "en" if english else "zh")
    except Exception:  # noqa: BLE001
        title = ""
    return f"{kata}: {title}" if title else kata


def _out_path(project: Path, kata: str, out: str | None, chinese: bool) -> Path:
    if out:
        path = Path(out)
        return path if path.is_absolute() else Path.cwd() / path
    suffix = ".zh" if chinese else ""
    return project / ".dojo" / "show" / f"{kata}{suffix}.png"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _save(fig, project: Path, kata: str, out: str | None, chinese: bool, *,
          grid: bool = False) -> Path:
    """Lay the figure out, write it where `dojo show` puts pictures, close it; the path shown.
    A grid of a dozen panels gets fixed margins: tight_layout measures every tick label
    (seconds)."""
    import matplotlib.pyplot as plt

    if grid:
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.06, top=0.9, wspace=0.28,
                            hspace=0.55)
    else:
        fig.tight_layout()
    path = _out_path(project, kata, out, chinese)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100 if grid else 110)
    plt.close(fig)
    return Path(_shown(path))


def make(project: Path, kata: str, out: str | None = None) -> Picture:
    """Draw the picture of `kata` (a module name); raises NothingToShow. matplotlib's rc
    settings are as they were before, afterwards (all but the backend, which is Agg from the
    first picture on): in one process (a notebook, dojo in process) a Chinese picture's font
    does not stay for the next English one, and the learner's own fonts stay theirs."""
    import matplotlib

    with matplotlib.rc_context():
        return _make(Path(project).resolve(), kata, out)


def _make(project: Path, kata: str, out: str | None) -> Picture:
    if kata in DRAWN_APART:
        return DRAWN_APART[kata](project, out)
    recipe = RECIPES.get(kata)
    if recipe is None:
        why = NOTHING.get(kata, ("it has no picture yet", "它还没有图示"))
        raise NothingToShow(t(
            f"{kata} has nothing to plot: {why[0]}. `dojo explain {kata}` tells its story.",
            f"{kata} 没有可以绘制的图:{why[1]}。`dojo explain {kata}` 讲解了它的来龙去脉。",
        ))
    notes: list[str] = []
    chinese = _setup_fonts(notes)
    english = not chinese
    found = variants(project, kata, notes=notes)
    panels = recipe.panels or ((recipe.y_label, recipe.x_label, recipe.log),)
    drawn: list[list[Curve]] = [[] for _ in panels]
    reference_curves = None
    for variant in found:
        curves = _run(recipe.run, variant, len(panels))
        if curves is None:
            continue
        if variant.kind == "reference":
            reference_curves = curves
        elif reference_curves is not None:
            for curve, ref in zip(curves, reference_curves):
                curve.same_as_reference = _same(curve, ref)
        for i, curve in enumerate(curves):
            drawn[i].append(curve)
    if kata == "reduction_lr":  # the reference under 'mean' too: the steps to match
        ref = next(v for v in found if v.kind == "reference")
        mean = _run(recipe.run, ref, 1, label="reference (mean)" if english
                    else "参考答案(mean)", reduction="mean")
        if mean is not None and drawn[0]:
            drawn[0][0].label = "reference (sum)" if english else "参考答案(sum)"
            drawn[0][0].kind = "reference-sum"
            drawn[0].insert(0, mean[0])
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(9 * len(panels), 5.5), squeeze=False)
    for ax, (y_label, x_label, log, *what), curves in zip(axes[0], panels, drawn):
        for curve in curves:
            if curve.kind == "reference" and not english and curve.label == "reference":
                curve.label = "参考答案"
        _draw(ax, curves, y_label[0] if english else y_label[1],
              x_label[0] if english else x_label[1], log, english)
        if what:
            ax.set_title(what[0][0] if english else what[0][1], fontsize=10)
    about = recipe.about[0] if english else recipe.about[1]
    fig.suptitle(f"{_title(project, kata, english)}\n{about}", fontsize=11)
    path = _save(fig, project, kata, out, chinese)
    return Picture(path=path, summary=_with_yours(_summary(drawn, panels), kata, found),
                   notes=notes)


def _with_yours(summary: str, kata: str, found: list[Variant]) -> str:
    """The picture's text, and the line on yours where it is not in the picture."""
    line = about_yours(kata, found)
    return summary + ("\n" + line if line else "")


_TEXT_LABELS = {  # the reference's curves, named in the learner's language whatever the font
    "reference": ("reference", "参考答案"), "参考答案": ("reference", "参考答案"),
    "reference (sum)": ("reference (sum)", "参考答案(sum)"),
    "参考答案(sum)": ("reference (sum)", "参考答案(sum)"),
    "reference (mean)": ("reference (mean)", "参考答案(mean)"),
    "参考答案(mean)": ("reference (mean)", "参考答案(mean)"),
}


def _block_header(panel) -> str:
    """What a block of the text shows: the panel's function (where it has one), its values."""
    y_label, x_label, _, *what = panel
    y, x = t(y_label[0], y_label[1]), t(x_label[0], x_label[1])
    head = t(what[0][0], what[0][1]) + t(": ", ":") if what else ""
    return head + t(f"{y} by {x} (first → last)", f"{y},按{x}记录(起点 → 终点)")


def _summary(drawn: list[list[Curve]], panels=()) -> str:
    lines = []
    for i, curves in enumerate(drawn):
        if i < len(panels):
            lines.append(_block_header(panels[i]))
        for curve in curves:
            if curve.ys:
                trend = f"{curve.ys[0]:.4g} → {curve.ys[-1]:.4g}"
            else:
                trend = "—"
            extra = ""
            if curve.raised:
                extra = t(f"  (raised {curve.raised} after {len(curve.ys)} values)",
                          f"  (记录 {len(curve.ys)} 个值后抛出 {curve.raised})")
            elif curve.diverged:
                extra = t("  (diverged)", "  (发散)")
            elif curve.same_as_reference and curve.kind not in ("reference", "reference-sum"):
                extra = t("  (same as the reference)", "  (与参考相同)")
            label = t(*_TEXT_LABELS[curve.label]) if curve.label in _TEXT_LABELS else curve.label
            lines.append(f"  {label}" + t(": ", ":") + f"{trend}{extra}")
    return "\n".join(lines)


# --- no_grad: saved bytes per layer ----------------------------------------------------------


def _make_no_grad(project: Path, out: str | None) -> Picture:
    notes: list[str] = []
    chinese = _setup_fonts(notes)
    english = not chinese
    try:
        memory = importlib.import_module("dojo.memory")
    except ImportError as err:
        raise NothingToShow(t(f"no_grad's picture needs dojo.memory ({err}).",
                              f"no_grad 的图示需要 dojo.memory({err})。")) from None
    import torch

    from dojo.mnist_net import Net

    torch.manual_seed(0)
    net = Net().eval()
    x = torch.randn(64, 1, 28, 28)
    with_grad = memory.saved_bytes_by_layer(net, x)
    with torch.no_grad():
        without = memory.saved_bytes_by_layer(net, x)
    layers = [name or "?" for name, _ in with_grad]
    labels = _unique(layers)
    grad_bytes = [b for _, b in with_grad]
    off = dict(zip(_unique([n or "?" for n, _ in without]), [b for _, b in without]))
    none_bytes = [off.get(name, 0) for name in labels]

    # the evaluate() of the reference, the gallery and the learner, on the same batch
    evaluated = []
    try:
        found = variants(project, "no_grad", notes=notes)
    except NothingToShow:
        found = []
    for variant in found:
        fn = getattr(variant.module, "evaluate", None)
        if fn is None:
            continue
        model = Net().eval()
        try:
            with guarded(variant):
                total = memory.saved_bytes(lambda: fn(model, x), params=model.parameters())
            evaluated.append((variant.name, total, None))
        except (NotImplementedError, LeftOut):
            continue
        except Exception as err:  # noqa: BLE001
            evaluated.append((variant.name, 0, type(err).__name__))

    import matplotlib.pyplot as plt

    panels = 2 if evaluated else 1
    fig, axes = plt.subplots(1, panels, figsize=(8 * panels, 5.5), squeeze=False)
    ax = axes[0][0]
    positions = range(len(labels))
    width = 0.4
    mb = [b / 2**20 for b in grad_bytes]
    ax.bar([p - width / 2 for p in positions], mb, width,
           label="with grad" if english else "记录梯度", color="tab:red")
    ax.bar([p + width / 2 for p in positions], [b / 2**20 for b in none_bytes], width,
           label="under torch.no_grad()" if english else "torch.no_grad() 下", color="tab:green")
    ax.set_xticks(list(positions))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel("MiB saved for backward" if english else "为反向传播保存的 MiB")
    total_grad = sum(grad_bytes)
    ax.set_title((f"MNIST Net, batch of 64 in eval mode: {total_grad:,} bytes with grad, "
                  f"{sum(none_bytes):,} under no_grad") if english else
                 (f"MNIST 网络,64 张图片,eval 模式:记录梯度时 {total_grad:,} 字节,"
                  f"no_grad 下 {sum(none_bytes):,} 字节"), fontsize=9)
    ax.legend()
    ax.grid(True, axis="y", alpha=0.3)
    if evaluated:
        ax2 = axes[0][1]
        names = [n for n, _, _ in evaluated]
        values = [b / 2**20 for _, b, _ in evaluated]
        colors = ["black" if n == "reference" else "tab:blue" if n in ("yours", "你的")
                  else "tab:red" for n in names]
        ax2.barh(names, values, color=colors)
        for i, (_, b, raised) in enumerate(evaluated):
            ax2.text(values[i], i, f"  {b:,} B" + (f" ({raised})" if raised else ""),
                     va="center", fontsize=8)
        ax2.invert_yaxis()
        ax2.set_xlabel("MiB saved during evaluate(model, X)" if english
                       else "evaluate(model, X) 期间保存的 MiB")
        ax2.set_title("evaluate() of the reference, each wrong answer and yours" if english
                      else "参考答案、各错误答案与你的 evaluate()", fontsize=9)
    fig.suptitle(_title(project, "no_grad", english), fontsize=11)
    path = _save(fig, project, "no_grad", out, chinese)
    lines = [t(f"  with grad: {total_grad:,} bytes saved for backward; under no_grad: "
               f"{sum(none_bytes):,}",
               f"  记录梯度:为反向传播保存 {total_grad:,} 字节;no_grad 下:{sum(none_bytes):,}")]
    for name, b in zip(labels, grad_bytes):
        if b:
            lines.append(f"    {name}: {b:,}")
    for name, b, raised in evaluated:
        name = t(*_TEXT_LABELS[name]) if name in _TEXT_LABELS else name
        lines.append(f"  evaluate · {name}" + t(": ", ":") + f"{b:,}"
                     + (f" ({raised})" if raised else ""))
    return Picture(path=path, summary=_with_yours("\n".join(lines), "no_grad", found),
                   notes=notes)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


# --- view_vs_permute (issue 14): the picture each variant makes of one image -----------------


def _layout_picture():
    """One (1, 3, 32, 32) image in [0, 1] with a shape in each channel: a red disc, a green
    bar, a blue diagonal, so that a scrambled layout is plain to see."""
    import torch

    r = torch.arange(32.0)
    yy, xx = r.view(32, 1), r.view(1, 32)
    red = (((yy - 11) ** 2 + (xx - 11) ** 2) < 64).float()
    green = ((yy > 20) & (yy < 27)).float().expand(32, 32)
    blue = ((xx - yy).abs() < 3).float()
    return torch.stack([red, green, blue]).unsqueeze(0)


def _as_picture(variant: Variant, name: str, images):
    """(H, W, C) array to draw and None, or None and the name of what the function raised."""
    h, w = images.shape[2], images.shape[3]
    try:
        with guarded(variant):
            out = getattr(variant.module, name)(images)
            return out.detach().reshape(h, w, -1).clamp(0, 1).numpy(), None
    except NotImplementedError:
        return None, "NotImplementedError"
    except (KeyboardInterrupt, NothingToShow, LeftOut):
        raise
    except BaseException as err:  # noqa: BLE001 - a wrong answer that raises is the point
        return None, type(err).__name__


def _make_view_vs_permute(project: Path, out: str | None) -> Picture:
    """A grid: one row per variant (the reference, each wrong answer of the gallery, yours), the
    image through `to_channels_last` and through `flatten_channels_last` (each row of numbers
    read back as an (H, W, C) picture)."""
    notes: list[str] = []
    chinese = _setup_fonts(notes)
    english = not chinese
    images = _layout_picture()
    rows = []
    found = variants(project, "view_vs_permute", notes=notes)
    for variant in found:
        try:
            pictures = [_as_picture(variant, name, images)
                        for name in ("to_channels_last", "flatten_channels_last")]
        except LeftOut:
            continue  # out of time: `about_yours` says so
        if variant.kind == "yours" and all(r == "NotImplementedError" for _, r in pictures):
            continue  # not started: nothing of theirs to draw
        if variant.kind == "yours":
            variant.not_started = None  # part of it runs: it is drawn
        rows.append((variant, pictures))

    import matplotlib.pyplot as plt
    import numpy as np

    reference = rows[0][1]
    fig, axes = plt.subplots(len(rows), 2, figsize=(6.5, 2.6 * len(rows)), squeeze=False)
    headers = (("to_channels_last(image)", "to_channels_last(image)"),
               ("flatten_channels_last(image), read back as (H, W, C)",
                "flatten_channels_last(image),按 (H, W, C) 读回"))
    lines = []
    for i, (variant, pictures) in enumerate(rows):
        name = variant.name if variant.kind != "reference" or english else "参考答案"
        verdicts = []
        for j, ((picture, raised), (ref, _)) in enumerate(zip(pictures, reference)):
            ax = axes[i][j]
            ax.set_xticks([])
            ax.set_yticks([])
            if picture is None:
                ax.text(0.5, 0.5, f"✕ {raised}", ha="center", va="center", color="tab:red",
                        transform=ax.transAxes)
                verdict = t(f"raised {raised}", f"抛出 {raised}")
            else:
                ax.imshow(picture, interpolation="nearest")
                right = ref is not None and picture.shape == ref.shape and bool(
                    np.allclose(picture, ref))
                verdict = t("as the reference", "与参考相同") if right else t(
                    "scrambled", "被打乱")
            if i == 0:
                ax.set_title(headers[j][0] if english else headers[j][1], fontsize=8)
            if j == 0:
                ax.set_ylabel(name, fontsize=8)
            verdicts.append(verdict)
        lines.append(f"  {name}: to_channels_last {verdicts[0]}; flatten_channels_last "
                     f"{verdicts[1]}")
    fig.suptitle(f"{_title(project, 'view_vs_permute', english)}\n" + (
        "a red disc, a green bar, a blue diagonal: each in its own channel" if english else
        "红色圆盘、绿色横条、蓝色对角线:各在一个通道里"), fontsize=10)
    path = _save(fig, project, "view_vs_permute", out, chinese)
    return Picture(path=path, summary=_with_yours("\n".join(lines), "view_vs_permute", found),
                   notes=notes)


# --- overfit_one_batch and worker_seeds (issue 14, part B) -----------------------------------


def _reference_and_yours(project: Path, kata: str, notes: list[str]) -> list[Variant]:
    return [v for v in variants(project, kata, notes=notes) if v.kind in ("reference", "yours")]


def _verdict(variant: Variant, build) -> str | None:
    """The reason the variant's check gives for a fresh copy of the pipeline (None: not
    started, or left out)."""
    p = build()
    try:
        with guarded(variant):
            report = variant.module.overfit_one_batch(p.model, p.optimizer, p.loss_fn, p.batch,
                                                      train_step=p.train_step, steps=60)
            return str(getattr(report, "reason", report))
    except (NotImplementedError, LeftOut):
        return None
    except Exception as err:  # noqa: BLE001 - a check that raises: that is what it does
        return f"raised {type(err).__name__}"


def _pipeline_losses(build, steps: int = 60) -> tuple[list[float], str | None]:
    """The batch's loss after every step of the pipeline itself, and the error that stopped it."""
    from dojo import one_batch

    p = build()
    step = p.train_step or one_batch.step_usual
    X, y = p.batch
    with _no_grad():
        losses = [p.loss_fn(p.model(X), y).item()]
    for _ in range(steps):
        try:
            step(p.model, p.optimizer, p.loss_fn, p.batch)
        except Exception as err:  # noqa: BLE001
            return losses, type(err).__name__
        with _no_grad():
            losses.append(p.loss_fn(p.model(X), y).item())
        if not math.isfinite(losses[-1]):
            break
    return losses, None


def _no_grad():
    import torch

    return torch.no_grad()


def _make_overfit_one_batch(project: Path, out: str | None) -> Picture:
    """One panel per pipeline of dojo/one_batch.py: its loss on the one batch, step by step, and
    the verdict of the reference's check and of yours."""
    import torch

    from dojo import one_batch

    notes: list[str] = []
    chinese = _setup_fonts(notes)
    english = not chinese
    found = _reference_and_yours(project, "overfit_one_batch", notes)
    builds = one_batch.HEALTHY + one_batch.BROKEN
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    cols = 4
    rows = math.ceil(len(builds) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.1 * rows), squeeze=False)
    lines, yours = [], []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: one thread is the fastest
    try:
        for ax, build in zip(axes.flat, builds):
            pipeline = build()
            losses, raised = _pipeline_losses(build)
            ax.plot(range(len(losses)), losses, color="black", linewidth=1.8)
            if raised:
                ax.plot([len(losses) - 1], [losses[-1]], marker="X", markersize=12,
                        color="tab:red", linestyle="none")
            finite = [v for v in losses if math.isfinite(v)]
            if min(finite) > 0 and max(finite) > 10 * min(finite):  # a log scale that has ticks
                ax.set_yscale("log")
                # plain numbers: mathtext labels (10^x) cost seconds to lay out
                ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
                ax.yaxis.set_minor_formatter(ticker.NullFormatter())
            said = []
            for variant in found:
                reason = _verdict(variant, build)
                if reason is None:
                    continue
                right = reason == pipeline.reason
                if variant.kind == "reference":
                    who = "reference" if english else "参考答案"
                else:
                    who = "yours" if english else "你的"
                mark = "" if variant.kind == "reference" else (" ✔" if right else " ✘")
                said.append((f"{who}: {reason}{mark}",
                             "black" if right else "tab:red"))
                if variant.kind == "yours":
                    healthy = build in one_batch.HEALTHY
                    yours.append(t(
                        f"  {pipeline.name}: yours says {reason}; "
                        + (f"this pipeline is healthy, so the right verdict is "
                           f"{pipeline.reason}" if healthy else
                           f"this pipeline's bug calls for {pipeline.reason}") + mark,
                        f"  {pipeline.name}:你的检查说 {reason};"
                        + (f"这条流水线没有问题,正确的结论是 {pipeline.reason}" if healthy else
                           f"这条流水线的错误应当得出 {pipeline.reason}") + mark))
            for i, (text, color) in enumerate(said):
                ax.text(0.98, 0.95 - 0.12 * i, text, transform=ax.transAxes, ha="right",
                        va="top", fontsize=8, color=color)
            title = pipeline.what[0] if english else pipeline.what[1]
            ax.set_title(_wrapped(title, 60), fontsize=7)  # whole, on as many lines as it takes
            ax.set_xlim(0, 60)
            ax.set_xlabel("step" if english else "步数", fontsize=8)
            ax.grid(True, alpha=0.3)
            lines.append(t(f"  {pipeline.name}: {pipeline.reason}, loss {losses[0]:.3g} → "
                           f"{losses[-1]:.3g}" + (f" (raised {raised})" if raised else ""),
                           f"  {pipeline.name}:{pipeline.reason},损失 {losses[0]:.3g} → "
                           f"{losses[-1]:.3g}" + (f"(抛出 {raised})" if raised else "")))
    finally:
        torch.set_num_threads(threads)
    for ax in list(axes.flat)[len(builds):]:
        ax.axis("off")
    fig.suptitle(_title(project, "overfit_one_batch", english) + "\n" + (
        "the loss of each pipeline on its one batch, and what the checks say about it"
        if english else "每条流水线在它那一批数据上的损失,以及检查给出的结论"), fontsize=11)
    path = _save(fig, project, "overfit_one_batch", out, chinese, grid=True)
    head = [t("each pipeline: the verdict a right check gives, and its loss on its one batch "
              "(first → last)", "每条流水线:正确的检查给出的结论,以及它在那一批数据上的损失(起点 → 终点)")]
    if yours:
        yours.insert(0, t("what your check says of each pipeline", "你的检查对每条流水线的结论"))
    return Picture(path=path, summary=_with_yours("\n".join(head + lines + yours),
                                                  "overfit_one_batch", found), notes=notes)


def _wrapped(text: str, width: int) -> str:
    """`text` on lines of at most `width` columns (a Chinese character takes two), broken
    between words or between Chinese characters; never cut."""
    import re

    lines, line, used = [], "", 0
    for token in re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+|.", text):
        size = sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1
                   for ch in token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
            if token.isspace():
                continue
        line += token
        used += size
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _worker_draws(module, seed: int, epochs: int = 2) -> list[list[float]]:
    """The noise of every item, epoch by epoch, from a two-worker DataLoader over zeros, after a
    look at one item in the main process (as anyone does before training)."""
    import torch
    from torch.utils.data import DataLoader

    dataset = module.JitterDataset(torch.zeros(8, 1), noise=1.0)
    dataset[0]
    loader = DataLoader(dataset, batch_size=1, num_workers=2, worker_init_fn=module.seed_worker,
                        generator=torch.Generator().manual_seed(seed),
                        multiprocessing_context="fork", timeout=10)
    out = []
    for _ in range(epochs):
        try:
            out.append([float(b.reshape(-1)[0]) for b in loader])
        except Exception as err:  # noqa: BLE001
            # without its traceback (which holds the loader's workers): they are shut down now,
            # not by a garbage collection that may even run in a forked child
            err.__traceback__ = None
            raise RuntimeError(f"raised {type(err).__name__}") from None
    return out


def _make_worker_seeds(project: Path, out: str | None) -> Picture:
    """For the reference, each wrong answer and yours: what worker 0 and worker 1 draw in two
    epochs, and the first epoch again from a loader seeded the same."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        raise NothingToShow(t("worker_seeds' picture starts DataLoader workers by fork, which "
                              "this system lacks.",
                              "worker_seeds 的图示要用 fork 启动 DataLoader 的 worker,而这个系统"
                              "没有 fork。"))
    notes: list[str] = []
    chinese = _setup_fonts(notes)
    english = not chinese
    found = variants(project, "worker_seeds", notes=notes)

    def tt(en, zh):  # the picture's language: English where no font has Chinese glyphs
        return en if english else zh

    drawn = []
    for variant in found:
        try:
            with guarded(variant):
                epochs = _worker_draws(variant.module, seed=7)
                again = _worker_draws(variant.module, seed=7, epochs=1)[0]
                other = _worker_draws(variant.module, seed=8, epochs=1)[0]
        except (NotImplementedError, LeftOut):
            continue
        except RuntimeError as err:  # a wrong answer that raises is the point
            drawn.append((variant, None, None, str(err)))
            continue
        except Exception as err:  # noqa: BLE001 - raised in the main process
            drawn.append((variant, None, None, f"raised {type(err).__name__}"))
            continue
        one, two = epochs
        found_wrong = []
        if one[0::2] == one[1::2]:
            found_wrong.append(tt("every worker draws the same", "每个 worker 抽到的都一样"))
        if one == two:
            found_wrong.append(tt("every epoch repeats", "每一轮都重复"))
        if one != again:
            found_wrong.append(tt("not reproducible", "无法复现"))
        elif one == other:
            found_wrong.append(tt("the seed changes nothing", "种子不起作用"))
        verdict = "; ".join(found_wrong) or tt("right in this picture", "此图中正确")
        drawn.append((variant, epochs, again, verdict))
    import matplotlib.pyplot as plt

    cols = 3
    rows = max(1, math.ceil(len(drawn) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.3 * rows), squeeze=False)
    lines = []
    for ax, (variant, epochs, again, verdict) in zip(axes.flat, drawn):
        name = variant.name if english or variant.kind != "reference" else "参考答案"
        if epochs is not None:
            for e, style in ((0, "-"), (1, "--")):
                for w, color in ((0, "tab:blue"), (1, "tab:orange")):
                    label = (f"epoch {e + 1}, worker {w}" if english else
                             f"第 {e + 1} 轮,worker {w}")
                    ax.plot(range(4), epochs[e][w::2], style, color=color, marker="o",
                            markersize=4, label=label, alpha=0.9 if e == 0 else 0.6)
            ax.plot(range(4), again[0::2], "x", color="black", markersize=9,
                    label="epoch 1 again, same seed" if english else "同一种子重跑第 1 轮")
            ax.plot(range(4), again[1::2], "x", color="black", markersize=9)
        else:
            ax.text(0.5, 0.5, verdict, transform=ax.transAxes, ha="center", color="tab:red")
        bad = not verdict.startswith(("right", "此图"))
        ax.set_title(f"{name}\n{verdict}", fontsize=8, color="tab:red" if bad else "black")
        ax.set_xticks(range(4))
        if epochs is None:
            ax.set_yticks([])
        ax.set_xlabel("the worker's k-th item" if english else "worker 的第 k 个样本", fontsize=8)
        ax.grid(True, alpha=0.3)
        lines.append(f"  {variant.name}: {verdict}")
    if drawn and drawn[0][1] is not None:
        axes.flat[0].legend(fontsize=7, loc="best")
    for ax in list(axes.flat)[len(drawn):]:
        ax.axis("off")
    if any(v.name == "lambda_seed_worker" for v, *_ in drawn):
        notes.append(t("lambda_seed_worker draws right here: fork copies the lambda; spawn "
                       "(macOS, Windows) would have to pickle it, and cannot.",
                       "lambda_seed_worker 在这里抽得没错:fork 直接复制了 lambda;spawn(macOS、"
                       "Windows)必须 pickle 它,而这做不到。"))
    fig.suptitle(_title(project, "worker_seeds", english) + "\n" + (
        "the noise drawn by worker 0 and worker 1, epoch 1, epoch 2, and epoch 1 again"
        if english else "worker 0 和 worker 1 抽到的噪声:第 1 轮、第 2 轮,以及重跑的第 1 轮"),
        fontsize=11)
    path = _save(fig, project, "worker_seeds", out, chinese, grid=True)
    return Picture(path=path, summary=_with_yours("\n".join(lines), "worker_seeds", found),
                   notes=notes)


# the katas whose picture is not a recipe's curves: each draws its own
DRAWN_APART = {"no_grad": _make_no_grad, "view_vs_permute": _make_view_vs_permute,
               "overfit_one_batch": _make_overfit_one_batch, "worker_seeds": _make_worker_seeds}


def has_picture(module: str) -> bool:
    """Whether `dojo show` draws something for this kata module."""
    return module in RECIPES or module in DRAWN_APART
