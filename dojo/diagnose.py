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


# --- inplace_update ----------------------------------------------------------------------------


def within_rounding(got: Any, exact: Any, scale: Any, dtype_name: str, ulps: float = 2.0) -> bool:
    """Whether `got` is the float64 value `exact` as a computation in `dtype_name` gives it: off
    by at most `ulps` units of that dtype's rounding of numbers of size `scale` (elementwise: the
    sizes of the operands, e.g. |param| + |lr * grad|); inf and nan where `exact` has them."""
    import torch

    finfo = torch.finfo(getattr(torch, dtype_name))
    g, e = _flat(got), _flat(exact)
    s = _flat(scale).abs()
    if g.shape != e.shape or s.shape != e.shape:
        return False
    near = (g - e).abs() <= ulps * finfo.eps * s + finfo.tiny
    same = (g == e) | (g.isnan() & e.isnan())
    return bool((near | same).all())


def coarser_precision(got: Any, exact: Any, scale: Any, dtype_name: str) -> str | None:
    """The float dtype, coarser than `dtype_name`, whose rounding explains how far `got` is from
    `exact` (float32, then float16, then bfloat16), or None: a step computed partly in float32
    moves a float64 tensor by a float32-rounded amount."""
    order = ["float64", "float32", "float16", "bfloat16"]
    if dtype_name not in order:
        return None
    for coarser in order[order.index(dtype_name) + 1:]:
        if within_rounding(got, exact, scale, coarser):
            return coarser
    return None


def written_by_value(values: list, amount: Any) -> list:
    """The list that `for v in list(values): values[values.index(v)] = v - amount` leaves: each
    result written at the first position holding an equal value, not at v's own (numbers
    only). A learner's list equal to this one was written back by value."""
    out = list(values)
    for v in list(values):
        out[out.index(v)] = v - amount
    return out

# --- logits_not_probabilities ------------------------------------------------------------------
# What a loss computed in a known wrong way gives on the very inputs a test used: the judges of
# tests/test_logits_not_probabilities.py name a mistake only where the value seen (and the
# gradient, where one is known) is what that way gives, and the right loss is not.


def agree(a: float, b: float, tol: float) -> bool:
    """Two loss values agree: both nan, the same infinity, or finite and within `tol`."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol


def agree_grads(a, b, *, rtol: float, atol: float) -> bool:
    """Two gradients agree: the same shape, nan where the other is nan, the same infinities,
    and the finite entries within the tolerance."""
    import torch

    a, b = a.detach().double(), b.detach().double()
    if a.shape != b.shape:
        return False
    if not torch.equal(a.isnan(), b.isnan()) or not torch.equal(a.isinf(), b.isinf()):
        return False
    if not torch.equal(a[a.isinf()], b[b.isinf()]):
        return False
    fa, fb = a[a.isfinite()], b[b.isfinite()]
    return bool(torch.allclose(fa, fb, rtol=rtol, atol=atol))


def _picked(logp, targets):
    import torch

    return logp[torch.arange(len(targets)), targets]


def _value(fn) -> float:
    """A candidate's value, or nan when that way of computing fails on these inputs."""
    import torch

    try:
        with torch.no_grad():
            out = fn()
        return float(out.double().reshape(-1)[0]) if out.numel() == 1 else float("nan")
    except Exception:  # noqa: BLE001 - that way raises on these inputs: it explains nothing
        return float("nan")


CE_TEXTS: dict[str, Text] = {
    "softmax_first": (
        "softmax applied before the cross-entropy: the loss is what `F.cross_entropy` gives "
        "on `softmax(scores)`. `F.cross_entropy` (`nn.CrossEntropyLoss`) applies log_softmax "
        "itself, so it takes the raw scores; given probabilities, it squashes numbers that "
        "are already squashed: the loss barely moves whatever the scores, the gradients "
        "shrink, and learning slows to a crawl, without any error. Pass the scores as they "
        "are.",
        "在交叉熵之前做了 softmax:这个损失正是 `F.cross_entropy` 作用在 `softmax(scores)` 上的"
        "结果。`F.cross_entropy`(`nn.CrossEntropyLoss`)自己会做 log_softmax,所以它要的是原始"
        "分数;传入概率等于把已经压缩过的数再压缩一遍:无论分数如何,损失几乎不变,梯度变小,"
        "训练慢得像爬,而且不报错。请把分数原样传入。",
    ),
    "nll_raw": (
        "nll_loss on raw logits: the loss is minus the target's score, averaged, which is what "
        "`F.nll_loss` (`nn.NLLLoss`) gives on raw scores. It expects log-probabilities and "
        "only picks minus the target's entry: on raw scores there is no log_softmax, no floor, "
        "and a loss that goes negative and keeps falling as the scores grow. Use "
        "`F.cross_entropy` on logits (or `F.log_softmax` first); `F.nll_loss` only when "
        "`log_probs` is True.",
        "在原始 logits 上用了 nll_loss:这个损失是目标分数的相反数再取平均,正是 `F.nll_loss`"
        "(`nn.NLLLoss`)作用在原始分数上的结果。它要的是对数概率,只取目标那一项的相反数:用在原始"
        "分数上就没有 log_softmax、没有下界,分数越大损失越低,还会变成负数。对 logits 请用 "
        "`F.cross_entropy`(或先做 `F.log_softmax`);只有 `log_probs` 为 True 时才用 `F.nll_loss`。",
    ),
    "nll_of_probabilities": (
        "`F.nll_loss` was given probabilities (a softmax, or `exp` of the log-probabilities): "
        "the loss is minus the target's probability, averaged, a number between -1 and 0. "
        "nll_loss expects log-probabilities and only picks minus the target's entry; it takes "
        "no log itself. Give it log-probabilities (`F.log_softmax(scores, dim=1)`, or the "
        "scores themselves when `log_probs` is True).",
        "把概率(softmax 的结果,或对数概率的 `exp`)交给了 `F.nll_loss`:损失成了目标概率的相反数"
        "再取平均,一个在 -1 和 0 之间的数。nll_loss 要的是对数概率,它只取目标那一项的相反数,自己"
        "不取对数。请给它对数概率(`F.log_softmax(scores, dim=1)`,`log_probs` 为 True 时就是分数"
        "本身)。",
    ),
    "log_softmax_dim0": (
        "the log_softmax was taken over dim 0, across the examples of the batch, instead of "
        "over dim 1, the classes of each example: the loss is what `log_softmax(scores, "
        "dim=0)` gives. Each row of (N, C) scores is one example: normalise over its classes, "
        "`F.log_softmax(scores, dim=1)` (or `F.cross_entropy`, which does).",
        "log_softmax 是沿着 dim 0(批量里的各个样本)做的,而不是沿着 dim 1(每个样本的各个类别):"
        "这个损失正是 `log_softmax(scores, dim=0)` 给出的。(N, C) 分数的每一行是一个样本:要在它的"
        "类别上归一化,`F.log_softmax(scores, dim=1)`(或者用会这样做的 `F.cross_entropy`)。",
    ),
    "every_target_for_every_row": (
        "`logp[:, targets]` picked every example's target column for every row (an N x N "
        "block), not one entry per row: the loss mixes each example with the other examples' "
        "targets, which is what this value is. Pick one entry per row: "
        "`logp[torch.arange(N), targets]` or `logp.gather(1, targets[:, None])`.",
        "`logp[:, targets]` 对每一行都取了所有样本的目标列(一个 N x N 的块),而不是每行取一个:"
        "损失把每个样本和其他样本的目标混在了一起,这个值正是如此。请每行取一个元素:"
        "`logp[torch.arange(N), targets]` 或 `logp.gather(1, targets[:, None])`。",
    ),
    "one_hot_width": (
        "`F.one_hot(targets)` without `num_classes` is only as wide as the largest target in "
        "the batch plus one: here every target is 0, so the one-hot has one column, it "
        "broadcasts over the C classes and the loss sums whole rows of log-probabilities, "
        "which is what this value is. Give the width: `F.one_hot(targets, num_classes=C)`, or "
        "pick the target's entry with `gather`.",
        "不带 `num_classes` 的 `F.one_hot(targets)` 的宽度只等于批量里最大的目标加一:这里每个目标"
        "都是 0,one-hot 只有一列,它在 C 个类别上广播,损失把整行对数概率都加了起来,这个值正是"
        "如此。请给出宽度:`F.one_hot(targets, num_classes=C)`,或用 `gather` 取目标那一项。",
    ),
    "summed": (
        "the loss is summed over the batch, N times the mean: return the mean cross-entropy "
        "per example (the default reduction, 'mean').",
        "损失在批量上求了和,是平均值的 N 倍:请返回每个样本的平均交叉熵(默认的 reduction,'mean')。",
    ),
    "mean_over_entries": (
        "the loss is the mean over every entry of the (N, C) matrix, C times too small: the "
        "picked log-probabilities were averaged over N * C numbers (`(-logp * one_hot).mean()`)"
        ". Sum over the classes, then average over the N examples.",
        "损失是对 (N, C) 矩阵所有元素取的平均,小了 C 倍:选出的对数概率被除以了 N * C"
        "(`(-logp * one_hot).mean()`)。请先在类别上求和,再对 N 个样本取平均。",
    ),
    "log_of_softmax": (
        "the loss is what the log of the softmax, `torch.log(softmax(z))`, gives here: for "
        "a confidently wrong prediction the target's softmax rounds to exactly 0, and "
        "log(0) = -inf. Compute from the logits with log-sum-exp: `F.log_softmax` then "
        "`F.nll_loss`, or `F.cross_entropy` in one call.",
        "这个损失正是对 softmax 取对数 `torch.log(softmax(z))` 在这里给出的:预测错得很自信时,"
        "目标类的 softmax 会被舍入成正好 0,而 log(0) = -inf。请直接从 logits 用 log-sum-exp "
        "计算:先 `F.log_softmax` 再 `F.nll_loss`,或者一步到位用 `F.cross_entropy`。",
    ),
    "exp_then_log": (
        "the log-probabilities were turned back into probabilities and logged again, "
        "`log(exp(scores))`, which is what this value is: a very unlikely target's probability "
        "rounds to 0 and log(0) = -inf. The scores already are log-probabilities: the loss is "
        "minus the target's entry, averaged (`F.nll_loss(scores, targets)`).",
        "对数概率又被变回概率再取对数,`log(exp(scores))`,这个值正是如此:非常不可能的目标,其概率"
        "会被舍入成 0,log(0) = -inf。分数本身已经是对数概率:损失就是目标那一项的相反数再取平均"
        "(`F.nll_loss(scores, targets)`)。",
    ),
    "global_max": (
        "the log-sum-exp was shifted by the largest score of the whole batch, `scores.max()`, "
        "instead of each row's own maximum: a row whose scores all lie far below that "
        "maximum underflows to exp(...) == 0 and log(0) = -inf, which is what this value is. "
        "Shift each row by its own maximum (`scores.max(dim=1, keepdim=True).values`), or use "
        "`torch.logsumexp(scores, dim=1)` / `F.cross_entropy`.",
        "log-sum-exp 减去的是整个批量的最大分数 `scores.max()`,而不是每一行自己的最大值:某一行的"
        "分数如果都远低于这个最大值,exp(...) 会下溢成 0,log(0) = -inf,这个值正是如此。请让每一行"
        "减去自己的最大值(`scores.max(dim=1, keepdim=True).values`),或者用 "
        "`torch.logsumexp(scores, dim=1)` / `F.cross_entropy`。",
    ),
    "max_without_keepdim": (
        "each row's maximum was taken without `keepdim`: the (N,) maxima broadcast along the "
        "classes, so with as many examples as classes every score is shifted by another "
        "row's maximum (with other sizes it raises), which is what this value is. Use "
        "`scores.max(dim=1, keepdim=True).values`, or `torch.logsumexp(scores, dim=1)`.",
        "每行的最大值是不带 `keepdim` 取的:(N,) 的最大值沿着类别方向广播,样本数等于类别数时,每个"
        "分数减去的都是另一行的最大值(其他大小时会报错),这个值正是如此。请用 "
        "`scores.max(dim=1, keepdim=True).values`,或 `torch.logsumexp(scores, dim=1)`。",
    ),
    "float32": (
        "float64 scores were computed in float32: the value is what the loss of "
        "`scores.float()` gives, off by float32's rounding (about 1e-7 of each score), where "
        "float64 scores deserve a float64 loss. Leave the scores in their own dtype (no "
        "`.float()`).",
        "float64 的分数被放到 float32 里计算了:这个值正是 `scores.float()` 的损失,带着 float32 的"
        "舍入误差(约为每个分数的 1e-7),而 float64 的分数应该得到 float64 的损失。请让分数保持"
        "自己的 dtype(不要 `.float()`)。",
    ),
}


def ce_mistakes(scores, targets, *, log_probs: bool, want: float) -> list[tuple[float, Text]]:
    """(value, words) for each known wrong way of computing the mean cross-entropy of `scores`
    (the tensor as the kata got it, in its dtype) against int64 `targets`, that gives something
    other than `want` here. The ways that overflow or round are computed in the scores' dtype,
    as the learner's code would."""
    import torch
    import torch.nn.functional as F

    s = scores.detach()
    t = targets.detach().long()
    z = s.double()
    n, c = z.shape
    logp = z if log_probs else torch.log_softmax(z, 1)
    out: list[tuple[str, float]] = []

    def add(name, fn):
        out.append((name, _value(fn)))

    p = torch.softmax(z, 1)
    add("softmax_first", lambda: (torch.logsumexp(p, 1) - _picked(p, t)).mean())
    add("nll_of_probabilities", lambda: -_picked(p, t).mean())
    add("log_softmax_dim0", lambda: -_picked(torch.log_softmax(z, 0), t).mean())
    add("every_target_for_every_row", lambda: -logp[:, t].mean())
    if c > 1 and int(t.max()) == 0:
        add("one_hot_width", lambda: -logp.sum(1).mean())
    if n > 1:
        add("summed", lambda: torch.tensor(want * n))
    add("mean_over_entries", lambda: torch.tensor(want / c))
    if log_probs:
        add("exp_then_log", lambda: -_picked(torch.log(torch.exp(s)), t).mean())
    else:
        add("nll_raw", lambda: -_picked(z, t).mean())
        add("log_of_softmax", lambda: F.nll_loss(torch.log(torch.softmax(s, 1)), t))

        def global_max():
            m = s.max()
            return (m + torch.log(torch.exp(s - m).sum(1)) - _picked(s, t)).mean()

        add("global_max", global_max)
        if n == c:
            def no_keepdim():
                shifted = s - s.max(dim=1).values
                return (torch.log(torch.exp(shifted).sum(1)) - _picked(shifted, t)).mean()

            add("max_without_keepdim", no_keepdim)
    if s.dtype == torch.float64:
        add("float32", lambda: (F.nll_loss(s.float(), t) if log_probs
                                else F.cross_entropy(s.float(), t)))
    return [(value, CE_TEXTS[name]) for name, value in out]


def explains(got: float, value: float, want: float, limit: float) -> bool:
    """A candidate's `value` explains `got`: it gives it (within `limit`), and it is far closer
    to it than the right value `want` is (ten times), so that rounding cannot pass for it."""
    if not agree(got, value, limit):
        return False
    if not (math.isfinite(got) and math.isfinite(value) and math.isfinite(want)):
        return True
    return abs(got - value) * 10 <= abs(got - want)


def named(got: float, candidates: list[tuple[float, Text]], want: float, tol: float,
          *, tol_of=None) -> list[Text]:
    """The words of every candidate that gives `got` (within `tol`, or `tol_of(words, value)`),
    far closer than `want` does, without repeats."""
    found: list[Text] = []
    for value, words in candidates:
        limit = tol_of(words, value) if tol_of is not None else tol
        if agree(value, want, tol) or not explains(got, value, want, limit):
            continue
        if words not in found:
            found.append(words)
    return found


BINARY_TEXTS: dict[str, Text] = {
    "bce_on_logits": (
        "BCELoss on raw logits: the loss is what `F.binary_cross_entropy` (`nn.BCELoss`) gives "
        "when the logits are handed to it as if they were probabilities (these happen to lie "
        "in [0, 1], so it did not refuse them). Use `F.binary_cross_entropy_with_logits` "
        "(`nn.BCEWithLogitsLoss`): it applies the sigmoid itself, exactly for any logit.",
        "在原始 logits 上用了 BCELoss:这个损失正是把 logits 当成概率交给 `F.binary_cross_entropy`"
        "(`nn.BCELoss`)得到的(这些值恰好落在 [0, 1] 里,所以它没有拒绝)。请用 "
        "`F.binary_cross_entropy_with_logits`(`nn.BCEWithLogitsLoss`):它自己做 sigmoid,对任何 "
        "logit 都算得准确。",
    ),
    "sigmoid_then_bce": (
        "the sigmoid saturated: the loss and its gradient are what `sigmoid` followed by "
        "`BCELoss` gives here. A confidently wrong logit (|z| > 17 in float32) makes "
        "`sigmoid(z)` round to exactly 0 or 1, BCELoss clips the log at -100, and the gradient "
        "that reaches the logit is zero: the worst predictions stop learning. Keep the sigmoid "
        "inside the loss: `F.binary_cross_entropy_with_logits`.",
        "sigmoid 饱和了:这个损失和它的梯度正是先 `sigmoid` 再 `BCELoss` 在这里给出的。一个错得很"
        "自信的 logit(float32 下 |z| > 17)让 `sigmoid(z)` 被舍入成正好 0 或 1,BCELoss 把 log 截断"
        "在 -100,传回 logit 的梯度为零:错得最离谱的预测反而学不动了。把 sigmoid 留在损失里面:"
        "`F.binary_cross_entropy_with_logits`。",
    ),
    "summed": (
        "the loss is summed, numel times the mean: return the mean over every prediction.",
        "损失求了和,是平均值的 numel 倍:请返回所有预测的平均值。",
    ),
    "divided_by_len": (
        "the summed loss was divided by `len(logits)`, the size of the first dimension only, "
        "not by the number of predictions, `logits.numel()`: with (N, K) logits the loss is "
        "K times the mean (and `len()` of a 0-dim logit raises). Take the mean over every "
        "element (`.mean()`, or the default reduction).",
        "求和的损失除以了 `len(logits)`,这只是第一维的大小,而不是预测的个数 `logits.numel()`:"
        "(N, K) 的 logits 得到的损失是平均值的 K 倍(而 0 维 logit 的 `len()` 会报错)。请对所有元素"
        "取平均(`.mean()`,或默认的 reduction)。",
    ),
    "hard_targets": (
        "the loss treats every target as exactly 0 or 1 (`torch.where(targets == 1, ...)`, or "
        "a threshold): a soft target such as 0.3 counts as 0 or 1, which is what this value "
        "is. The targets are floats in [0, 1]: weigh both terms, "
        "`-(t * log p + (1 - t) * log(1 - p))`.",
        "这个损失把每个目标都当成了正好 0 或 1(`torch.where(targets == 1, ...)` 或者阈值):像 0.3 "
        "这样的软目标被当成了 0 或 1,这个值正是如此。目标是 [0, 1] 之间的浮点数:两项都要按权重算,"
        "`-(t * log p + (1 - t) * log(1 - p))`。",
    ),
    "terms_swapped": (
        "the two terms are swapped: the loss is that of `1 - targets`, `-(t * log(1 - p) + "
        "(1 - t) * log p)`. The target weighs the log-probability of \"yes\", `log p = "
        "logsigmoid(z)`.",
        "两项写反了:这个损失是 `1 - targets` 的损失,`-(t * log(1 - p) + (1 - t) * log p)`。目标"
        "应当乘的是“是”的对数概率 `log p = logsigmoid(z)`。",
    ),
    "arguments_swapped": (
        "the logits and the targets were swapped: the loss is "
        "`F.binary_cross_entropy_with_logits(targets, logits)`. The logits come first.",
        "logits 和目标的位置反了:这个损失是 `F.binary_cross_entropy_with_logits(targets, logits)`。"
        "logits 应当在前。",
    ),
    "log1p_exp": (
        "`exp(z)` overflowed: the loss is what `log1p(exp(z)) - t * z` gives here, inf (and a "
        "nan gradient) once a logit passes about 88 in float32 (11 in float16). Use a form "
        "that never exponentiates a large positive number: `F.softplus(z) - t * z`, or "
        "`F.binary_cross_entropy_with_logits`.",
        "`exp(z)` 溢出了:这个损失正是 `log1p(exp(z)) - t * z` 在这里给出的,logit 一旦超过约 88"
        "(float32;float16 下约 11)就是 inf(梯度是 nan)。请用不会对大正数取指数的写法:"
        "`F.softplus(z) - t * z`,或 `F.binary_cross_entropy_with_logits`。",
    ),
    "log_sigmoid_yes": (
        "the \"yes\" term is `log(sigmoid(z))`: for a confidently wrong \"no\" (a logit below "
        "about -104 in float32, with target 1) the sigmoid underflows to 0 and log(0) = -inf, "
        "which is what this value is. Use `F.logsigmoid(z)` for log p as well as "
        "`F.logsigmoid(-z)` for log(1 - p).",
        "“是”那一项用的是 `log(sigmoid(z))`:对一个错得很自信的“否”(float32 下 logit 低于约 -104,"
        "目标为 1),sigmoid 下溢成 0,log(0) = -inf,这个值正是如此。log p 也请用 `F.logsigmoid(z)`,"
        "和 log(1 - p) 用 `F.logsigmoid(-z)` 一样。",
    ),
    "log_sigmoid_no": (
        "the \"no\" term is `log(1 - sigmoid(z))`: past a logit of about 17 (float32) the sigmoid "
        "rounds to exactly 1, and log(0) = -inf, which is what this value is. Use "
        "`F.logsigmoid(-z)` for log(1 - p).",
        "“否”那一项用的是 `log(1 - sigmoid(z))`:logit 超过约 17(float32)时 sigmoid 被舍入成正好 1,"
        "log(0) = -inf,这个值正是如此。log(1 - p) 请用 `F.logsigmoid(-z)`。",
    ),
    "float32": (
        "float64 logits were computed in float32: the value is what the loss of "
        "`logits.float()` gives, off by float32's rounding, where float64 logits deserve a "
        "float64 loss. Leave the logits in their own dtype (no `.float()`).",
        "float64 的 logits 被放到 float32 里计算了:这个值正是 `logits.float()` 的损失,带着 float32 "
        "的舍入误差,而 float64 的 logits 应该得到 float64 的损失。请让 logits 保持自己的 dtype"
        "(不要 `.float()`)。",
    ),
}


def binary_mistakes(logits, targets, *, want: float) -> list[tuple[float, Any, Text]]:
    """(value, gradient or None, words) for each known wrong way of computing the mean binary
    cross-entropy of `logits` (as the kata got them, in their dtype) against `targets`, that
    gives something other than `want` here. Computed in the logits' dtype, as the learner's
    code would; the gradient is d loss / d logits of that way (None where it has none)."""
    import torch
    import torch.nn.functional as F

    x0 = logits.detach()
    t = targets.detach().to(x0.dtype)
    numel = max(x0.numel(), 1)
    out: list[tuple[float, Any, Text]] = []

    def add(name, fn, *, grad=True):
        x = x0.clone().requires_grad_()
        g = None
        try:
            loss = fn(x)
            value = float(loss.detach().double().reshape(-1)[0]) if loss.numel() == 1 \
                else float("nan")
            if grad and loss.numel() == 1 and loss.requires_grad:
                loss.backward()
                g = x.grad
        except Exception:  # noqa: BLE001 - that way raises on these inputs
            return
        out.append((value, g, BINARY_TEXTS[name]))

    if bool(((x0 >= 0) & (x0 <= 1)).all()):
        add("bce_on_logits", lambda x: F.binary_cross_entropy(x, t))
    add("sigmoid_then_bce", lambda x: F.binary_cross_entropy(torch.sigmoid(x), t))
    add("summed", lambda x: torch.tensor(want * numel, dtype=torch.float64), grad=False)
    if x0.dim() >= 2:
        add("divided_by_len", lambda x: torch.tensor(want * numel / x0.shape[0],
                                                     dtype=torch.float64), grad=False)
    add("hard_targets", lambda x: -torch.where(t == 1, F.logsigmoid(x), F.logsigmoid(-x)).mean())
    add("hard_targets", lambda x: -torch.where(t > 0.5, F.logsigmoid(x), F.logsigmoid(-x)).mean())
    add("terms_swapped", lambda x: F.binary_cross_entropy_with_logits(x, 1 - t))
    add("arguments_swapped", lambda x: F.binary_cross_entropy_with_logits(t, x))
    add("log1p_exp", lambda x: (torch.log1p(torch.exp(x)) - t * x).mean())
    add("log_sigmoid_yes", lambda x: -(t * torch.log(torch.sigmoid(x))
                                       + (1 - t) * F.logsigmoid(-x)).mean())
    add("log_sigmoid_no", lambda x: -(t * F.logsigmoid(x)
                                      + (1 - t) * torch.log(1 - torch.sigmoid(x))).mean())
    if x0.dtype == torch.float64:
        add("float32", lambda x: F.binary_cross_entropy_with_logits(x.float(), t.float()))
    return out


def named_with_grads(got: float, grad, candidates, want: float, tol: float, *, rtol: float,
                     atol: float, tol_of=None) -> list[Text]:
    """The words of every candidate of `binary_mistakes` that explains `got` (see `explains`)
    and whose gradient is `grad` (where both are known), without repeats."""
    found: list[Text] = []
    for value, g, words in candidates:
        limit = tol_of(words, value) if tol_of is not None else tol
        if agree(value, want, tol) or not explains(got, value, want, limit):
            continue
        if grad is not None and g is not None and not agree_grads(grad, g, rtol=rtol,
                                                                     atol=atol):
            continue
        if words not in found:
            found.append(words)
    return found


def clamp_bound(logits, targets, got: float, *, lo: float, hi: float, tol: float):
    """The bound c with `got` == the mean binary cross-entropy of `logits.clamp(-c, c)`, found
    by bisection between `lo` and `hi` (the largest logit whose gradient came through and the
    smallest whose gradient vanished), or None when no clamp in that range gives `got`."""
    import torch
    import torch.nn.functional as F

    z = logits.detach().double()
    t = targets.detach().double()

    def loss(c: float) -> float:
        y = z.clamp(-c, c)
        return float((F.softplus(y) - t * y).mean())

    if not (0 <= lo < hi) or not math.isfinite(got):
        return None
    a, b = lo, hi
    fa, fb = loss(a) - got, loss(b) - got
    if fa * fb > 0:
        return None
    for _ in range(200):
        mid = (a + b) / 2
        fm = loss(mid) - got
        if fa * fm <= 0:
            b = mid
        else:
            a, fa = mid, fm
        if b - a < 1e-9 * max(1.0, b):
            break
    c = (a + b) / 2
    return c if abs(loss(c) - got) <= tol else None

# --- leaf_tensors ------------------------------------------------------------------------------


class _AsObserved:
    """A tensor as a judge saw it (a `dojo.spec.Seen`: requires_grad, is_leaf and the name of
    its grad_fn), in the shape `why_no_grad` reads. Its grad_fn is a stand-in of that name with
    no graph behind it (the judge has none), so no hidden leaf is found or blamed."""

    def __init__(self, seen):
        import re

        self.requires_grad = seen.requires_grad is True
        self.is_leaf = seen.is_leaf is True
        name = seen.grad_fn if isinstance(seen.grad_fn, str) else None
        if name is not None:
            name = re.sub(r"\W", "_", name)[:100] or "Node"
            self.grad_fn = type(name, (), {"next_functions": ()})()
        else:
            self.grad_fn = None
        self.dtype, self.device = seen.dtype_name, seen.device


def why_no_grad_seen(name: str, seen) -> Text:
    """`why_no_grad` for a tensor the judge knows from its observation alone. For one that does
    not require grad, only what the observation shows: whether requires_grad was never set, or
    set and lost (an operation under `torch.no_grad()`, a `.detach()`), it cannot tell."""
    if not seen.requires_grad:
        return (
            f"`{name}` does not require grad: autograd will never compute a gradient for it, so "
            f"`{name}.grad` stays None. Call `{name}.requires_grad_()` on the finished tensor, "
            f"outside `torch.no_grad()` (a result computed under it requires no grad, whatever "
            f"its inputs did).",
            f"`{name}` 不需要梯度:autograd 永远不会为它计算梯度,`{name}.grad` 一直是 None。请在 "
            f"`torch.no_grad()` 之外,对做好的张量调用 `{name}.requires_grad_()`(在它里面算出的结果"
            f"不需要梯度,不管输入是否需要)。",
        )
    return why_no_grad(name, _AsObserved(seen))


def seen_line(name: str, seen) -> str:
    """`name: shape (3, 1), dtype float32, device cpu, requires_grad=..., is_leaf=..., grad_fn=...`
    for an observed tensor (`describe` for a `dojo.spec.Seen`)."""
    return (f"{name}: shape {tuple(seen.shape)}, dtype {seen.dtype_name}, device {seen.device}, "
            f"requires_grad={seen.requires_grad}, is_leaf={seen.is_leaf}, "
            f"grad_fn={seen.grad_fn}")


def normal_sample(values, std: float) -> dict:
    """What a sample says of the claim 'drawn from N(0, std)': its size, mean, standard
    deviation, largest |value| and the Kolmogorov-Smirnov distance to N(0, std), each with the
    bound a true normal sample of that size stays within (6 standard errors for the mean and
    the deviation; a KS distance a normal sample passes but once in 10^8 runs)."""
    import torch

    v = torch.as_tensor(values, dtype=torch.float64).flatten()
    n = int(v.numel())
    mean = float(v.mean()) if n else 0.0
    sd = float(v.std()) if n > 1 else 0.0
    peak = float(v.abs().max()) if n else 0.0
    ks = None
    if n and std > 0:
        z, _ = torch.sort(v / std)
        cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
        ranks = torch.arange(1, n + 1, dtype=torch.float64) / n
        ks = float(torch.maximum(ranks - cdf, cdf - (ranks - 1.0 / n)).max())
    return {
        "n": n, "mean": mean, "sd": sd, "peak": peak, "ks": ks,
        # bounds: 6 standard errors, plus the rounding of a bfloat16 draw (2^-8 relative)
        "mean_bound": 6 * std / math.sqrt(max(n, 1)),
        "sd_bound": 6 / math.sqrt(2 * max(n - 1, 1)) + 0.01,
        "ks_bound": math.sqrt(math.log(2 / 1e-8) / (2 * max(n, 1))) + 0.005,
        # a normal sample of n values reaches about sqrt(2 ln n) standard deviations
        "peak_expected": math.sqrt(2 * math.log(max(n, 2))),
    }


def std_causes(std: float, default: float = 0.01) -> list[tuple[float, Text]]:
    """The factors `sd / std` that known misreadings of `std` give, each with its words (for
    `matching` against the measured factor; a factor of 1 is no mistake and is left out)."""
    causes = []
    if std > 0:
        causes += [
            (math.sqrt(std) / std, (
                f"`std` was read as a variance: the spread is sqrt(std) = {math.sqrt(std):.4g}, "
                f"not std = {std:g} (`* math.sqrt(std)`, or N(0, {std:g}) read as mathematics "
                f"writes it, with the variance). `std` is the standard deviation: "
                f"`torch.randn(...) * std`.",
                f"把 `std` 当成了方差:分布的标准差是 sqrt(std) = {math.sqrt(std):.4g},而不是 "
                f"std = {std:g}(用了 `* math.sqrt(std)`,或按数学写法把 N(0, {std:g}) 读成方差)。"
                f"`std` 就是标准差:`torch.randn(...) * std`。",
            )),
            (std, (
                f"`std` was applied twice: the spread is std * std = {std * std:.4g} "
                f"(a variance, std², used as the standard deviation). Multiply by `std` once.",
                f"`std` 被乘了两次:分布的标准差是 std * std = {std * std:.4g}(把方差 std² 当成了"
                f"标准差)。只乘一次 `std`。",
            )),
            (1 / std, (
                f"`std` was ignored: the values have the spread of plain `torch.randn` (1), not "
                f"{std:g}. Multiply by `std` (or pass it to `torch.normal`).",
                f"`std` 被忽略了:数值的标准差是普通 `torch.randn` 的 1,而不是 {std:g}。请乘以 "
                f"`std`(或把它传给 `torch.normal`)。",
            )),
            (default / std, (
                f"the default std ({default:g}) was used, not the std passed ({std:g}).",
                f"用的是默认的 std({default:g}),而不是传入的 std({std:g})。",
            )),
        ]
    return [(factor, words) for factor, words in causes if not math.isclose(factor, 1.0,
                                                                             rel_tol=0.05)]

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


# --- custom_optimizer --------------------------------------------------------------------------


def agrees(got: Any, want: Any, scale: Any, dtype_name: str, ulps: float = 4.0) -> bool:
    """Whether `got` is `want` (a value as a computation in `dtype_name` gives it) to within
    `ulps` units of that dtype's rounding of numbers of size `scale` (elementwise: the sizes of
    the operands). Where `want` is nan or infinite, `got` must be the same nan or infinity: an
    infinite scale excuses nothing."""
    import torch

    finfo = torch.finfo(getattr(torch, dtype_name))
    g, w, s = _flat(got), _flat(want), _flat(scale).abs()
    if g.shape != w.shape or s.shape != w.shape:
        return False
    s = torch.nan_to_num(s, nan=0.0, posinf=finfo.max, neginf=finfo.max)
    same = (g == w) | (g.isnan() & w.isnan())
    near = w.isfinite() & g.isfinite() & ((g - w).abs() <= ulps * finfo.eps * s + finfo.tiny)
    return bool((same | near).all())


def identical(a: Any, b: Any) -> bool:
    """The same values, nan where nan (a parameter or a gradient left exactly as it was)."""
    x, y = _flat(a), _flat(b)
    return x.shape == y.shape and bool(((x == y) | (x.isnan() & y.isnan())).all())

# --- freed_graph ---------------------------------------------------------------------------------


def order_mistake(events) -> str | None:
    """`CallOrder.mistake()` of a run whose events crossed as data: `[[kind, held], ...]`, kind
    one of "zero_grad", "step", "backward" (anything else is left out)."""
    order = CallOrder.__new__(CallOrder)
    order.events = [(kind, held) for kind, held in events
                    if kind in ("zero_grad", "step", "backward") and isinstance(held, bool)]
    return order.mistake()


def rounded_decimals(got: list, exact: list, *, most: int = 10) -> int | None:
    """The number of decimals k (0 to `most`) with `got[i] == round(exact[i], k)` for every i,
    where that rounding changes at least one value (else rounding explains nothing): a figure
    rounded for display (`round(loss.item(), 4)`). None when no k fits."""
    if len(got) != len(exact) or not got:
        return None
    pairs = list(zip(got, exact))
    if not all(isinstance(g, float) and isinstance(e, float) and math.isfinite(e)
               for g, e in pairs):
        return None
    for k in range(most + 1):
        rounded = [round(e, k) for e in exact]
        if any(r != e for r, e in zip(rounded, exact)) and all(
                math.isclose(g, r, rel_tol=1e-12, abs_tol=1e-300) for g, r in zip(got, rounded)):
            return k
    return None


def rounded_to(got: list, exact: list, dtype_name: str) -> bool:
    """Whether every `got[i]` is `exact[i]` rounded to the float dtype `dtype_name` (a float64
    figure kept in a float32 buffer), where that rounding changes at least one value."""
    import torch

    if len(got) != len(exact) or not got or not all(
            isinstance(g, float) and isinstance(e, float) for g, e in zip(got, exact)):
        return False
    kind = getattr(torch, dtype_name)
    rounded = torch.tensor(exact, dtype=torch.float64).to(kind).double().tolist()
    if all(r == e or (math.isnan(r) and math.isnan(e)) for r, e in zip(rounded, exact)):
        return False
    return all(g == r or (math.isnan(g) and math.isnan(r)) for g, r in zip(got, rounded))

# --- no_grad -----------------------------------------------------------------------------------
#
# (train_eval_mode uses these too.) Which restore gave a model back the modes seen afterwards:
# the judge rebuilds the model in the modes it had before the call, switches it to eval mode,
# replays each known way of putting modes back on its own copy, and names the ones whose flags
# are exactly those observed. A cause is named only when one of them, and no right restore,
# gives those flags.


def _restore_nothing(net, saved) -> None:
    pass


def _restore_wholesale(net, saved) -> None:
    net.train()


def _restore_with_the_models_flag(net, saved) -> None:
    net.train(saved[0][1])


def _restore_recursively_in_reverse(net, saved) -> None:
    for module, was in reversed(saved):
        module.train(was)


def _restore_children_only(net, saved) -> None:
    kept = {id(m) for m in (net, *net.children())}
    for module, was in saved:
        if id(module) in kept:
            module.training = was


def _restore_dropout_and_norms_only(net, saved) -> None:
    from torch import nn

    kinds = (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm)
    for module, was in saved:
        if isinstance(module, kinds):
            module.training = was


RESTORES = {
    "nothing": _restore_nothing,
    "wholesale": _restore_wholesale,
    "models_flag": _restore_with_the_models_flag,
    "reverse": _restore_recursively_in_reverse,
    "children": _restore_children_only,
    "kinds": _restore_dropout_and_norms_only,
}


def restores_matching(build, after: dict[str, bool]) -> list[str]:
    """The names of the `RESTORES` that, replayed on `build()` (a fresh model in the modes it had
    before the call) after `eval()`, leave exactly the flags `after`."""
    found = []
    for name, restore in RESTORES.items():
        net = build()
        saved = [(m, m.training) for m in net.modules()]
        net.eval()
        restore(net, saved)
        if modes(net) == after:
            found.append(name)
    return found


def _names(names: list[str], limit: int = 6) -> str:
    shown = [n or "(the model)" for n in names[:limit]]
    return ", ".join(shown) + (f", ... (+{len(names) - limit})" if len(names) > limit else "")


def restore_mistake(build, after: dict[str, bool]) -> Text | None:
    """Which way of putting the modes back gave the flags `after` (by module path, as `modes`
    gives them), measured by replaying each known one on `build()`; None when `after` is the
    modes `build()` has (nothing lost) or when no known restore, or more than one that the
    flags cannot tell apart, explains them (the caller then says what changed)."""
    before = modes(build())
    if not isinstance(after, dict) or after == before:
        return None
    if set(after) != set(before) or not all(type(v) is bool for v in after.values()):
        return None
    root = before.get("", True)
    changed = [name for name in before if after[name] != before[name]]
    found = set(restores_matching(build, after))
    if not root and all(after.values()) and "wholesale" in found:
        return (
            f"a model that came in eval mode went out in train mode, every module of it "
            f"({_names(changed)} were in eval): `model.train()` at the end is not \"as it was\", "
            f"it switches every module to train whatever mode each came in. Remember each "
            f"module's mode before `model.eval()` (`[(m, m.training) for m in model.modules()]`) "
            f"and put each one back.",
            f"以评估模式传入的模型返回时变成了训练模式,每个模块都是({_names(changed)} 原来处于评估"
            f"模式):最后调用 `model.train()` 并不是\"恢复原样\",它不管每个模块原来是什么模式,都切成"
            f"训练模式。请在 `model.eval()` 之前记下每个模块的模式"
            f"(`[(m, m.training) for m in model.modules()]`),之后逐个恢复。",
        )
    one_mode = all(flag == root for flag in after.values())
    if one_mode and found & {"wholesale", "models_flag", "reverse"}:
        en_mode, zh_mode = ("train", "训练") if root else ("eval", "评估")
        either = (" (or nothing was put back at all, or the flags put back were read after "
                  "`model.eval()`)" if "nothing" in found else "")
        zh_either = ("(也可能什么都没有恢复,或者恢复的标志是在 `model.eval()` 之后才读的)"
                     if "nothing" in found else "")
        return (
            f"every module came back in one mode, the model's own ({en_mode}): {_names(changed)} "
            f"had another mode before and lost it. `model.train()` at the end, "
            f"`model.train(was_training)`, or `m.train(was)` for each module children first, "
            f"sets every module inside to one mode, the last one set{either}. Put back each "
            f"module's own flag: `for m, was in modes: m.training = was` (or `m.train(was)` "
            f"parents first, in the order of `model.modules()`).",
            f"每个模块都回到了同一个模式,也就是模型自己的({zh_mode}模式):{_names(changed)} 原来是"
            f"另一种模式,现在丢了。最后调用 `model.train()`、`model.train(was_training)`,或者先子后父"
            f"地对每个模块调用 `m.train(was)`,都会把里面的每个模块设成同一个模式,即最后设的那个"
            f"{zh_either}。请逐个恢复每个模块自己的标志:`for m, was in modes: m.training = was`"
            f"(或者按 `model.modules()` 的顺序先父后子地调用 `m.train(was)`)。",
        )
    if found == {"nothing"} or (root and not any(after.values())):
        return (
            f"the model was left in eval mode: every module is in eval after the call, "
            f"{_names(changed)} included, which were in train before. Either nothing was put "
            f"back after `model.eval()`, or the modes put back were read after it (a generator "
            f"expression `((m, m.training) for m in model.modules())` is read only when it is "
            f"walked, after the switch), or they were put back on other modules (another "
            f"model's, kept from an earlier call). Read every module's mode into a list before "
            f"`model.eval()`, at every call, and put each one back afterwards.",
            f"模型被留在了评估模式:调用之后每个模块都处于评估模式,包括原本处于训练模式的 "
            f"{_names(changed)}。要么 `model.eval()` 之后什么都没有恢复,要么恢复的模式是在它之后才读的"
            f"(生成器表达式 `((m, m.training) for m in model.modules())` 要到遍历时才读取,那已经是切换"
            f"之后了),要么恢复到了别的模块上(之前某次调用留下的另一个模型的)。请在每次调用时、在 "
            f"`model.eval()` 之前把每个模块的模式读进一个列表,之后逐个恢复。",
        )
    if found == {"children"}:
        return (
            f"only the model and its direct children got their modes back: {_names(changed)}, "
            f"nested deeper (inside an `nn.Sequential`, an `nn.ModuleList`, an `nn.ModuleDict` "
            f"or a module of its own class), kept the mode `model.eval()` gave them. "
            f"`model.children()` is one level only; `model.modules()` walks the whole tree: "
            f"remember and restore the mode of every module it yields.",
            f"只有模型本身和它的直接子模块恢复了模式:嵌套得更深的 {_names(changed)}(在 "
            f"`nn.Sequential`、`nn.ModuleList`、`nn.ModuleDict` 或自定义模块里面)仍停留在 "
            f"`model.eval()` 给它的模式。`model.children()` 只有一层;`model.modules()` 会遍历"
            f"整棵树:请记下并恢复它给出的每个模块的模式。",
        )
    if found == {"kinds"}:
        return (
            f"only the dropout and batch-norm layers got their modes back: {_names(changed)} "
            f"(containers, the model itself, other layers) kept the eval mode `model.eval()` "
            f"gave them. Every module has a mode, not only the layers that are known to use it "
            f"(a module of your own may read `self.training`, and the caller reads the "
            f"model's): remember and restore the mode of every module of `model.modules()`.",
            f"只有 dropout 和 batch norm 层恢复了模式:{_names(changed)}(容器、模型本身、其他层)"
            f"仍停留在 `model.eval()` 给它们的评估模式。每个模块都有模式,不只是大家知道会用到它的那些层"
            f"(自定义模块可能读取 `self.training`,调用方也会读模型的模式):请记下并恢复 "
            f"`model.modules()` 中每个模块的模式。",
        )
    return None


def earlier_modes(now: dict, earlier: list[dict], after: dict) -> Text | None:
    """The modes put back after a call are those of an earlier call (`earlier`: the modes the
    model had before each earlier call), not those it had before this one (`now`)."""
    if not isinstance(after, dict) or after == now:
        return None
    if any(after == e and e != now for e in earlier):
        return (
            "the modes put back are those the model had before an earlier call, not those it "
            "had before this one: they were kept from one call to the next (a global, a cache "
            "filled once, a default argument). Read the modes anew at every call.",
            "恢复的模式是模型在之前某次调用前的模式,而不是这次调用前的:它们被从一次调用保留到了"
            "下一次(全局变量、只填一次的缓存、默认参数)。请在每次调用时重新读取模式。",
        )
    return None

# --- "different" and "the same", where nan, inf and -0.0 must not decide ----------------------


def nonfinite(values: Any) -> bool:
    """Whether any value (of a tensor, a list of them, numbers) is nan or ±inf; values that do
    not read as numbers count as non-finite (they decide nothing either)."""
    try:
        return not bool(_flat(values).isfinite().all())
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return True


def differ(a: Any, b: Any) -> bool | None:
    """Whether two draws really differ: the same number of values, all finite, and at least one
    pair not equal (-0.0 equals 0.0). None where it cannot be decided (a nan or an inf on
    either side, values that do not read as numbers, another number of values): `torch.equal`
    and `!=` read nan as different from everything, itself included, so a nan slipped into
    identical noise would make it "different". A judge fails on None, it never passes."""
    try:
        x, y = _flat(a), _flat(b)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None
    if x.shape != y.shape or not bool(x.isfinite().all()) or not bool(y.isfinite().all()):
        return None
    return bool((x != y).any())
