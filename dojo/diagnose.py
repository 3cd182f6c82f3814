"""Diagnosis: when a kata test sees a wrong value, measure what explains it.

A test decides pass or fail by values alone. When a value is wrong, the helpers here measure
what the learner's code actually did, so that the failure names the mistake that was made, not
the one the test expected:

- `ratio` and `matching`: by what factor a step (or a figure) differs from the right one, and
  which known mistake gives that factor (no division: x batch_size; averaged twice:
  x 1/batch_size; divided by the dataset size: x batch_size/n ...). When no known mistake fits,
  `times` says what was seen ("0.37 times the expected step") and no cause is guessed.
- `implied_divisor` and `divisor_causes`: the count a mean was divided by (the number of
  examples, of batches, of batches times the batch size ...) and the words for each.
- `CallOrder`: the order of an optimizer's `zero_grad()`, `step()` and the backward passes,
  with the state of the gradient at each, and `CallOrder.mistake()`, which names the order
  mistake (step before backward, zero_grad between backward and step, no zero_grad).
- `recurrence`: the factors of a momentum buffer's recurrence `buf = a * buf + c * grad`,
  measured from the steps (a wrong `(1 - m)` factor, a buffer that does not carry over and
  one that never decays give different factors).
- `uncleared`: the words for a gradient that held more than its step's when backward ran.
- `why_no_grad`: why a tensor's `.grad` stays None, from `requires_grad`, `is_leaf` and the
  operation in its `grad_fn`.
- `nested_model`, `modes` and `mode_mistake`: a model of nested containers and modules of its
  own class with mixed modes deep inside, and which kind of restore lost whose mode.

Every text comes in English and 简体中文, as `(en, zh)` pairs for `dojo.testing.fail`.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, TypeVar

T = TypeVar("T")
Text = tuple[str, str]  # (en, zh)

# --- factors -----------------------------------------------------------------------------------


def _flat(values: Any):
    import torch

    if isinstance(values, torch.Tensor):
        values = [values]
    parts = [torch.as_tensor(v).detach().to("cpu", torch.float64).flatten() for v in values]
    return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.float64)


def ratio(got: Any, want: Any, *, rtol: float = 1e-2) -> float | None:
    """The factor s with `got ≈ s * want` (least squares over every element of the tensors or
    lists of tensors), or None when `got` is not proportional to `want` (or `want` is zero)."""
    g, w = _flat(got), _flat(want)
    if g.shape != w.shape or not len(w):
        return None
    norm = float((w * w).sum())
    if not norm or not math.isfinite(norm):
        return None
    s = float((g * w).sum()) / norm
    if not math.isfinite(s):
        return None
    off = float((g - s * w).norm())
    return s if off <= rtol * max(float(g.norm()), abs(s) * math.sqrt(norm), 1e-30) else None


def matching(measured: float | None, candidates: Iterable[tuple[float, T]], *,
             rtol: float = 0.02) -> T | None:
    """The one candidate whose factor is within `rtol` of `measured` (None when none is, or when
    two candidates that differ fit the same factor: the measurement cannot tell them apart)."""
    if measured is None:
        return None
    found = [(factor, what) for factor, what in candidates
             if math.isclose(measured, factor, rel_tol=rtol, abs_tol=1e-12)]
    if not found or any(what != found[0][1] for _, what in found):
        return None
    return found[0][1]


def times(s: float) -> Text:
    """'0.37 times' / '0.37 倍' (and the opposite direction when negative)."""
    if s < 0:
        return (f"{-s:.3g} times, in the opposite direction", f"{-s:.3g} 倍,而且方向相反")
    return (f"{s:.3g} times", f"{s:.3g} 倍")


def unexplained(what: Text, s: float | None, reference: Text) -> Text:
    """What was seen, when no known mistake explains it: '<what> is 0.37 times <reference>'."""
    if s is None:
        return (f"{what[0]} is not a multiple of {reference[0]}: it points elsewhere, so it is "
                f"not only a matter of scale.",
                f"{what[1]}不是{reference[1]}的倍数:方向就不对,不只是大小的问题。")
    en, zh = times(s)
    return (f"{what[0]} is {en} {reference[0]}, a factor that none of the known mistakes gives.",
            f"{what[1]}是{reference[1]}的 {zh},已知的错误都不会产生这个倍数。")


def implied_divisor(total: float, mean: float) -> float | None:
    """The count that `mean` was divided by, if it is `total / count`."""
    if not mean or not math.isfinite(mean) or not math.isfinite(total):
        return None
    return total / mean


def divisor_causes(n: int, sizes: list[int]) -> list[tuple[float, Text]]:
    """The counts a mean over `n` examples in batches of `sizes` is wrongly divided by, each with
    the words that name it (for `matching` against `implied_divisor`)."""
    k, full = len(sizes), max(sizes) if sizes else 0
    causes = [
        (float(k), (
            f"divided the sum over the examples by the number of batches ({k}), not by the number "
            f"of examples ({n}): `len(loader)` counts batches. Divide by the number of "
            f"examples (`len(loader.dataset)`, or count `len(target)` as you go).",
            f"把对样本的求和除以了批量的个数({k}),而不是样本的个数({n}):`len(loader)` 数的是批量。"
            f"请除以样本个数(`len(loader.dataset)`,或者边走边累加 `len(target)`)。",
        )),
        (float(k * full), (
            f"divided the sum over the examples by {k} batches times {full} = {k * full}, not by "
            f"the {n} examples: every batch was counted as holding {full} examples, the short "
            f"ones too. Divide by the number of examples (`len(loader.dataset)`, or count "
            f"`len(target)` as you go).",
            f"把对样本的求和除以了 {k} 个批量乘以 {full},即 {k * full},而不是 {n} 个样本:每个批量都被"
            f"当成有 {full} 个样本,较短的也一样。请除以样本个数(`len(loader.dataset)`,或者边走边累加 "
            f"`len(target)`)。",
        )),
        (float(full), (
            f"divided the sum over the examples by the batch size ({full}), not by the number of "
            f"examples ({n}). Divide by the number of examples.",
            f"把对样本的求和除以了批量大小({full}),而不是样本个数({n})。请除以样本个数。",
        )),
    ]
    return [(count, cause) for count, cause in causes if count != n]


def uncleared(name: str, step: int, culprit: str) -> Text:
    """Before step `step`, `name` held more than this step's gradient: `culprit` (the call
    that should have cleared it) left it, and backward added onto it."""
    return (
        f"before step {step}, {name} held more than this step's gradient: {culprit} left the "
        f"earlier gradient uncleared, and `backward()` added the new one onto it. Clear every "
        f"gradient once it has been used (`p.grad.zero_()`, or `p.grad = None`).",
        f"第 {step} 步之前,{name} 里不只有这一步的梯度:{culprit} 没有清掉之前的梯度,`backward()` "
        f"把新梯度加在了上面。梯度用过之后请清零(`p.grad.zero_()` 或 `p.grad = None`)。",
    )


# --- the order of zero_grad, backward and step -------------------------------------------------


def _holds_gradient(param) -> bool:
    import torch

    with torch.no_grad():
        return param.grad is not None and bool(param.grad.abs().sum() > 0)


ORDER_CAUSES: dict[str, Text] = {
    "never_step": (
        "`optimizer.step()` is never called: the gradients are computed and never used. Each "
        "epoch: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.",
        "从来没有调用 `optimizer.step()`:梯度算出来了却没有用上。每一轮:"
        "`optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`。",
    ),
    "step_before_backward": (
        "`step()` is called before `backward()`: when the step runs, `.grad` holds no gradient "
        "of this loss yet (None or zeros after `zero_grad()`, or the previous epoch's), so the "
        "step uses a stale gradient or none at all. The order is `optimizer.zero_grad()`, "
        "`loss.backward()`, `optimizer.step()`.",
        "`step()` 在 `backward()` 之前调用:执行这一步时 `.grad` 里还没有这次损失的梯度"
        "(是 None,或 `zero_grad()` 之后的 0,或上一轮的梯度),于是这一步用的是过期的梯度,"
        "或者根本没有梯度。正确顺序是 `optimizer.zero_grad()`、`loss.backward()`、"
        "`optimizer.step()`。",
    ),
    "zero_grad_after_backward": (
        "`zero_grad` after `backward` wipes the gradient that backward just computed, so "
        "`step()` has nothing to use (SGD skips a parameter whose .grad is None, or adds zero). "
        "The order is: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.",
        "在 `backward` 之后调用 `zero_grad`,刚算出的梯度被清掉了,`step()` 无梯度可用"
        "(.grad 为 None 的参数 SGD 会跳过,或加上的是 0)。正确顺序是:"
        "`optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`。",
    ),
    "grads_pile_up": (
        "a `backward()` ran while `.grad` still held an earlier gradient: `backward()` adds into "
        "`.grad`, so each step uses the sum of the gradients so far. Clear them before each "
        "backward (`optimizer.zero_grad()`).",
        "`.grad` 里还留着之前的梯度时又运行了 `backward()`:`backward()` 会累加到 `.grad`,"
        "于是每一步用的是此前所有梯度之和。每次 backward 之前请清零(`optimizer.zero_grad()`)。",
    ),
}


class CallOrder:
    """Watches a training run: the optimizer's `zero_grad()` and `step()` calls and the
    backward passes that reach `param`, in order, each with whether `param.grad` held a
    gradient at that moment (so that clearing by hand, `p.grad = None`, counts as well).

        with CallOrder(optimizer, param) as order:
            kata.training_loop(3, optimizer, param, ...)
        order.mistake()   # 'step_before_backward', ..., or None
    """

    def __init__(self, optimizer, param):
        self.events: list[tuple[str, bool]] = []
        self.optimizer, self.param = optimizer, param
        for name in ("zero_grad", "step"):
            setattr(optimizer, name, self._watch(name, getattr(optimizer, name)))
        self._handle = param.register_hook(self._on_backward)

    def _watch(self, name, method):
        def watched(*args, **kwargs):
            if name == "step":
                self.events.append(("step", _holds_gradient(self.param)))
            result = method(*args, **kwargs)
            if name == "zero_grad":
                self.events.append(("zero_grad", _holds_gradient(self.param)))
            return result

        return watched

    def _on_backward(self, grad):
        # a tensor hook runs before the new gradient is added: `.grad` is still the old one
        self.events.append(("backward", _holds_gradient(self.param)))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._handle.remove()
        for name in ("zero_grad", "step"):
            self.optimizer.__dict__.pop(name, None)

    def mistake(self) -> str | None:
        """The first order mistake in the run (a key of ORDER_CAUSES), or None."""
        since_step: list[str] = []
        for kind, held in self.events:
            if kind == "backward" and held:
                return "grads_pile_up"
            if kind == "step":
                if "backward" not in since_step:
                    return "step_before_backward"
                last_backward = len(since_step) - 1 - since_step[::-1].index("backward")
                if not held and "zero_grad" in since_step[last_backward:]:
                    return "zero_grad_after_backward"
                since_step = []
            else:
                since_step.append(kind)
        if not any(kind == "step" for kind, _ in self.events):
            return "never_step"
        return None


# --- momentum ----------------------------------------------------------------------------------


def recurrence(previous: Any, grad: Any, current: Any, *, rtol: float = 1e-3):
    """The factors (a, c) with `current ≈ a * previous + c * grad`, measured by least squares
    over every element (tensors or lists of tensors), or None when no such pair fits."""
    import torch

    p, g, d = _flat(previous), _flat(grad), _flat(current)
    if not (p.shape == g.shape == d.shape) or not len(d):
        return None
    basis = torch.stack([p, g], dim=1)
    solution = torch.linalg.lstsq(basis, d.unsqueeze(1)).solution.flatten()
    a, c = float(solution[0]), float(solution[1])
    off = float((d - a * p - c * g).norm())
    return (a, c) if off <= rtol * max(float(d.norm()), 1e-30) else None


# --- why a .grad is None -----------------------------------------------------------------------

_VIEWS = ("View", "Reshape", "Expand", "Slice", "Select", "Transpose", "TBackward", "Permute",
          "AsStrided", "Squeeze", "Unsqueeze", "Alias", "Unbind", "Split")
_ARITHMETIC = ("Mul", "Div", "Add", "Sub", "Neg", "Pow")


def hidden_leaf(t):
    """The leaf that a non-leaf's gradient flows to (the tensor nobody holds), or None."""
    fn = t.grad_fn
    while fn is not None:
        if getattr(fn, "variable", None) is not None:
            return fn.variable
        following = [f for f, _ in fn.next_functions if f is not None]
        fn = following[0] if following else None
    return None


def describe(name: str, t) -> str:
    """`name: shape (3, 1), dtype torch.float32, device cpu, requires_grad=..., is_leaf=...`."""
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return (f"{name}: shape {tuple(t.shape)}, dtype {t.dtype}, device {t.device}, "
            f"requires_grad={t.requires_grad}, is_leaf={t.is_leaf}, grad_fn={grad_fn}")


def why_no_grad(name: str, t) -> Text:
    """Why `t.grad` is (or stays) None, from what `t` is: a tensor that does not require grad,
    a non-leaf (named by the operation that made it: a conversion, a clone, arithmetic, a
    view), or a leaf that no backward reached."""
    if not t.requires_grad:
        return (
            f"`{name}` does not require grad: autograd will never compute a gradient for it, so "
            f"`{name}.grad` stays None. Call `{name}.requires_grad_()` once the tensor is "
            f"finished (no requires_grad at all is the pitfall).",
            f"`{name}` 不需要梯度:autograd 永远不会为它计算梯度,`{name}.grad` 一直是 None。张量"
            f"做好之后调用 `{name}.requires_grad_()`(完全没有设置 requires_grad 就是这个陷阱)。",
        )
    if t.is_leaf:
        return (
            f"`{name}` is a leaf that requires grad, but no backward reached it: the loss that "
            f"was backpropagated was not computed from `{name}` (from a copy of it, or from "
            f"another tensor).",
            f"`{name}` 是需要梯度的叶子张量,但没有任何 backward 到达它:被反向传播的损失不是由 "
            f"`{name}` 算出来的(而是由它的副本或别的张量)。",
        )
    op = type(t.grad_fn).__name__
    leaf = hidden_leaf(t)
    where = ""
    if leaf is not None and (leaf.dtype, leaf.device) != (t.dtype, t.device):
        where = f" ({leaf.dtype} on {leaf.device}, not {t.dtype} on {t.device})"
    head_en = (f"`{name}` is not a leaf: it is the result of an operation ({op}) on a tensor "
               f"that already required grad")
    head_zh = f"`{name}` 不是叶子张量:它是对一个已经需要梯度的张量做运算({op})的结果"
    if "ToCopy" in op:
        return (
            f"requires_grad was set before a dtype or device conversion: `.to(...)` on a tensor "
            f"that requires grad is an operation autograd records ({op}), so `{name}` is a new, "
            f"non-leaf tensor and the gradient goes to the original one{where}, which nobody "
            f"holds. Convert first (or create the tensor with `dtype=`/`device=`), then call "
            f"`requires_grad_()`.",
            f"在 dtype 或设备转换之前就设置了 requires_grad:对需要梯度的张量调用 `.to(...)` 是一个"
            f"会被 autograd 记录的操作({op}),所以 `{name}` 是一个新的非叶子张量,梯度会流向没人"
            f"持有的原张量{where}。请先转换(或在创建时传 `dtype=`/`device=`),最后再 "
            f"`requires_grad_()`。",
        )
    if "Clone" in op:
        return (
            f"{head_en}: `.clone()` of a tensor that requires grad is recorded in the graph, so "
            f"the gradient flows through the clone to the original and `{name}.grad` stays None "
            f"(`.grad` is kept for leaves only). For a leaf of your own that shares the values, "
            f"take `x.detach().requires_grad_()` (or `x.detach().clone().requires_grad_()` for "
            f"a copy).",
            f"{head_zh}:对需要梯度的张量 `.clone()` 会被记录进计算图,梯度穿过这个副本流向原张量,"
            f"`{name}.grad` 一直是 None(只有叶子张量才保留 `.grad`)。要得到一个共享数值、属于你"
            f"自己的叶子张量,用 `x.detach().requires_grad_()`(需要副本时用 "
            f"`x.detach().clone().requires_grad_()`)。",
        )
    if any(v in op for v in _VIEWS):
        return (
            f"{head_en}: it is a view of it (a reshape, slice or transpose is recorded too), so "
            f"the gradient flows to the tensor it views and `{name}.grad` stays None. Shape the "
            f"tensor first, then call `requires_grad_()` on the finished one.",
            f"{head_zh}:它是那个张量的视图(reshape、切片、转置同样会被记录),梯度流向它所"
            f"查看的张量,`{name}.grad` 一直是 None。请先调整形状,再对做好的张量调用 "
            f"`requires_grad_()`。",
        )
    example = ", as in `torch.randn(..., requires_grad=True) * std`" \
        if any(a in op for a in _ARITHMETIC) else ""
    return (
        f"{head_en}{example}. `backward()` fills `.grad` only on leaves, so `{name}.grad` "
        f"stays None; the gradient goes to the tensor before that operation, which nobody "
        f"holds. Compute the values first, then call `requires_grad_()` on the result.",
        f"{head_zh}{'(就像 `torch.randn(..., requires_grad=True) * std`)' if example else ''}。"
        f"`backward()` 只给叶子张量填 `.grad`,所以 `{name}.grad` 一直是 None,梯度流向了这次运算"
        f"之前那个没人持有的张量。请先算好数值,再对结果调用 `requires_grad_()`。",
    )


# --- modes of nested modules -------------------------------------------------------------------


def nested_model(n_in: int, n_out: int, *, seed: int = 0, width: int = 16):
    """A model built like real ones, not flat: an `nn.Sequential` inside an `nn.Sequential`, an
    `nn.ModuleList` and an `nn.ModuleDict` inside a module of its own class, with dropout and
    batch norms (running statistics moved off their defaults) at several depths. In train mode;
    the caller sets mixed modes deep inside."""
    import torch
    from torch import nn

    class Block(nn.Module):
        """A module of the test's own class, holding a ModuleList and a ModuleDict."""

        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(width, width), nn.BatchNorm1d(width)])
            self.post = nn.ModuleDict({"act": nn.ReLU(), "drop": nn.Dropout(0.5)})

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return self.post["drop"](self.post["act"](x))

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = nn.Sequential(
            nn.Linear(n_in, width),
            nn.Sequential(nn.BatchNorm1d(width), nn.Sequential(nn.ReLU(), nn.Dropout(0.3))),
            Block(),
            nn.Linear(width, n_out),
        )
        gen = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(32, n_in, generator=gen) * 2 + 1)
    return model.train()


def modes(model) -> dict[str, bool]:
    """Every module's `training` flag, by its path in the model ('' is the model itself)."""
    return {name: module.training for name, module in model.named_modules()}


def _depth(name: str) -> int:
    return 0 if not name else name.count(".") + 1


def _mode(flag: bool) -> str:
    return "train" if flag else "eval"


def mode_changes(before: dict[str, bool], after: dict[str, bool]) -> str:
    """'1.1.1 (depth 3): train -> eval; ...' for the modules whose mode changed."""
    return "; ".join(
        f"{name or '(the model)'}: {_mode(before[name])} -> {_mode(after[name])}"
        for name in before if after.get(name) != before[name]
    )


def mode_mistake(before: dict[str, bool], after: dict[str, bool]) -> Text | None:
    """Which kind of restore lost whose mode, measured from the flags before and after (None
    when every module is in the mode it was in). Each cause is named only where the flags can
    tell it from the others."""
    changed = [name for name in before if after.get(name) != before[name]]
    if not changed:
        return None
    model_mode = before.get("", True)
    if all(flag == model_mode for flag in after.values()):
        en_mode, zh_mode = ("train", "训练") if model_mode else ("eval", "评估")
        return (
            f"every module came back in one mode, the model's own ({en_mode}): "
            f"`model.train()` or `model.train(was_training)` at the end sets every submodule "
            f"to that one mode, so a module that was in another mode (a frozen batch norm, a "
            f"dropout kept on) lost its own. Remember each module's mode "
            f"(`[(m, m.training) for m in model.modules()]`) and put each one back.",
            f"每个模块都回到了同一个模式,也就是模型自己的({zh_mode}模式):最后调用 "
            f"`model.train()` 或 `model.train(was_training)` 会把每个子模块都设成这一个模式,原本处于"
            f"其他模式的模块(冻结的 batch norm、保持开启的 dropout)就失去了自己的模式。请记下每个"
            f"模块的模式(`[(m, m.training) for m in model.modules()]`)并逐个恢复。",
        )
    shallow_in_train = any(flag for name, flag in before.items() if _depth(name) <= 1)
    if shallow_in_train and min(_depth(name) for name in changed) >= 2:
        return (
            "only the model and its direct children got their modes back: a module nested "
            "deeper (inside an `nn.Sequential`, an `nn.ModuleList`, an `nn.ModuleDict` or a "
            "module of its own class) kept the mode `model.eval()` gave it. `model.children()` "
            "is one level only; `model.modules()` walks the whole tree: remember and restore "
            "the mode of every module it yields.",
            "只有模型本身和它的直接子模块恢复了模式:嵌套得更深的模块(在 `nn.Sequential`、"
            "`nn.ModuleList`、`nn.ModuleDict` 或自定义模块里面)仍停留在 `model.eval()` 给它的"
            "模式。`model.children()` 只有一层;`model.modules()` 会遍历整棵树:请记下并恢复它给出"
            "的每个模块的模式。",
        )
    if not any(after.values()):
        return (
            "the model was left in eval mode: nothing was put back after `model.eval()`, so "
            "the training that called it goes on with dropout off and batch norms frozen. "
            "Remember each module's mode before, and restore each one afterwards.",
            "模型被留在了评估模式:`model.eval()` 之后什么都没有恢复,调用它的训练会在 dropout 关闭、"
            "batch norm 冻结的情况下继续。请先记下每个模块的模式,之后逐个恢复。",
        )
    return (
        "some modules did not get their own modes back: remember the mode of every module "
        "(`model.modules()`, the whole tree, not only the model and its children) and restore "
        "each one.",
        "有些模块没有恢复各自的模式:请记下每个模块的模式(`model.modules()`,整棵树,不只是模型"
        "和它的直接子模块),并逐个恢复。",
    )


# --- normalize_with_train_stats ----------------------------------------------------------------


def implied_normalization(x: Any, y: Any, *, rtol: float = 1e-3, atol: float = 0.0):
    """The figures a normalised batch implies: per channel (axis 1), the `(mean, std)` with
    `y ≈ (x - mean) / std`, measured by least squares over every value of that channel, as two
    float64 tensors of shape (C,); or None when `y` is not such a function of `x` in some
    channel (a residual over `rtol * max |y| + atol`), is not finite, or a channel of `x`
    has no spread. `x` and `y` are (M, C, ...) tensors of the same shape."""
    import torch

    x = torch.as_tensor(x).detach().to("cpu", torch.float64)
    y = torch.as_tensor(y).detach().to("cpu", torch.float64)
    if x.shape != y.shape or x.dim() < 2 or not x.numel() or not bool(torch.isfinite(y).all()):
        return None
    means, stds = [], []
    for k in range(x.shape[1]):
        X, Y = x[:, k].reshape(-1), y[:, k].reshape(-1)
        dx = X - X.mean()
        sxx = float((dx * dx).sum())
        if not sxx or not math.isfinite(sxx):
            return None
        a = float((dx * (Y - Y.mean())).sum()) / sxx
        b = float(Y.mean()) - a * float(X.mean())
        off = float((Y - (a * X + b)).abs().max())
        if not a or not math.isfinite(a) or off > rtol * float(Y.abs().max()) + atol:
            return None
        means.append(-b / a)
        stds.append(1 / a)
    return torch.tensor(means, dtype=torch.float64), torch.tensor(stds, dtype=torch.float64)


_MISMATCH = (r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) "
             r"at non-singleton dimension (\d+)")


def broadcast_mismatch(message: str) -> tuple[int, int, int] | None:
    """`(size_a, size_b, dim)` from PyTorch's "The size of tensor a (4) must match the size of
    tensor b (3) at non-singleton dimension 3" (the axis is counted in the broadcast result, so
    3 is the last axis of a 4-d batch), or None for any other message."""
    import re

    found = re.search(_MISMATCH, message if isinstance(message, str) else "")
    return tuple(int(g) for g in found.groups()) if found else None
