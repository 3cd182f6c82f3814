"""The pipelines that the `overfit_one_batch` kata's check is tried on: healthy ones, which can
memorise one batch, and broken ones, each with one bug that a right check names.

A pipeline is what the check is given: a model, an optimizer, a loss function, one batch and a
training step. Each is described in plain data (a dict of names and numbers, so that a case of
the kata's tests can cross to the grader and be rebuilt there exactly) and built afresh from
that description by `build(desc)`, the same on every machine:

    {"seed": 3, "net": "mlp", "dtype": "float64", "opt": "sgd", "lr": 0.1,
     "step": "no_zero_grad", "stale": True, "steps": 20}

is a float64 MLP trained by plain SGD with a step that never calls `zero_grad()`, on a model
that already holds gradients when the check is called, for at most 20 steps. Every key has a
default (`DEFAULTS`); `describe(desc)` says the pipeline in words (English, 中文).

Building never touches the global random generator: the model's initial values and the batch
come from the description's seed alone. Used by `tests/test_overfit_one_batch.py` (its cases
are such descriptions) and by `dojo show overfit_one_batch` (the named pipelines at the end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

DEFAULTS: dict = {
    "seed": 0,
    # the model
    "net": "mlp",  # mlp | linear | scalar | conv | unused (an MLP beside a parameter it never uses)
    "dtype": "float32",
    "n": 8, "d": 4, "hidden": 16, "out": 1,
    "last": "none",  # none | relu | softplus: an activation after the last layer
    "dropout": 0.0,  # an nn.Dropout after the hidden activation
    "bn": False,  # an nn.BatchNorm1d after the first layer
    "mode": "train",  # the mode the model is handed over in
    "init": "default",  # default | zero_last (last layer zero) | bias5 (last bias 5) | small_last
    "freeze": "none",  # none | first_bias | first_layer | all: requires_grad=False
    "flat_out": False,  # a Flatten(0) at the end: outputs of shape (n,) from (n, 1)
    # the batch
    "targets": "regression",  # regression (n, out) | flat (n,) | classes (labels in [0, classes))
    #                           | nonneg (relu of N(0, 1)) | positive (exp of N(0, 1)), (n, out)
    "classes": 3,
    "target_scale": 1.0, "target_shift": 0.0,
    "batch_as": "tuple",  # tuple | list
    "x_layout": "contiguous",  # contiguous | sliced | channels_last (conv)
    "x_requires_grad": False,
    "x_norm": False,  # each example scaled to norm 1 (a well-conditioned batch for plain SGD)
    # the loss and the optimizer
    "loss": "mse",  # mse | cross_entropy | mse_of_sum | mse_l2 | mse_detached | mse_reshaped
    #                 (outputs reshaped to the targets' shape) | mse_of_logs (log outputs against
    #                 log targets) | log_mse (the log of the MSE)
    "opt": "adam",  # adam | sgd | momentum
    "lr": 0.05,
    "groups": "one",  # one | layers (a group per layer) | layers_but_first
    "group_lrs": None,  # with groups: the learning rate of each group
    "given": "model",  # which tensors the optimizer holds: model | trainable | last_layer |
    #                    rebuilt | rebuilt_same_seed | unfrozen_later | model_and_more (the
    #                    model's parameters and a tensor of the loss function's) | rewrapped
    #                    (the last weight re-wrapped, nn.Parameter(w.data), after the optimizer)
    #                    | twice (a group per layer, the first weight in two of them) |
    #                    twice_but_last_bias (so, and the last bias in none)
    # the step and the call
    "step": "usual",
    "stale": False,  # a backward ran before the check is called: .grad is already filled
    #                  (True) | "last_layer" (only the last layer's .grad kept) | "all" (and a
    #                  .grad of ones on every trainable parameter that backward left without)
    "steps": 40,  # None: not passed (the default, 200)
    "tol": None,  # None: not passed (the default, 1e-2)
    "train_step": "given",  # given (a function) | default (None: the usual step) | object
    "before": None,  # a description: the check is called on that pipeline first
}


@dataclass
class Pipeline:
    name: str
    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss_fn: Callable
    batch: tuple
    train_step: Callable | None  # None: the usual step
    reason: str | None  # what a right check reports (for the named pipelines)
    what: tuple[str, str]  # the pipeline, in words (en, zh)
    desc: dict = field(default_factory=dict)  # the description, every key filled in

    @property
    def step(self) -> Callable:
        return self.train_step if self.train_step is not None else step_usual


def full(desc: dict) -> dict:
    """The description with every key filled in from DEFAULTS (unknown keys are kept)."""
    return {**DEFAULTS, **desc}


def random_in_train_mode(desc: dict) -> bool:
    """Whether every forward of the model draws from the global generator (dropout in train
    mode): its losses then depend on who drew what before."""
    d = full(desc)
    return float(d["dropout"]) > 0 and d["mode"] == "train"


# --- training steps ---------------------------------------------------------------------------


def step_usual(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def step_zero_grad_last(model, optimizer, loss_fn, batch):
    """Healthy too: the gradients are cleared after the update instead of before backward."""
    X, y = batch
    loss_fn(model(X), y).backward()
    optimizer.step()
    optimizer.zero_grad()


def step_zero_grad_last_keep(model, optimizer, loss_fn, batch):
    """Healthy: cleared at the end, to tensors of zeros (set_to_none=False)."""
    X, y = batch
    loss_fn(model(X), y).backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=False)


def step_returns_loss(model, optimizer, loss_fn, batch):
    """Healthy: returns the loss of its own forward, from before its update."""
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def step_manual_data_sgd(model, optimizer, loss_fn, batch):
    """Healthy, the articles' hand-written update: through `.data`, which bumps no version."""
    X, y = batch
    lr = optimizer.param_groups[0]["lr"]
    loss_fn(model(X), y).backward()
    for p in model.parameters():
        if p.grad is not None:
            p.data -= lr * p.grad
            p.grad.data.zero_()


def step_usual_keep_zeros(model, optimizer, loss_fn, batch):
    """Healthy: cleared at its start to zeros (set_to_none=False)."""
    X, y = batch
    optimizer.zero_grad(set_to_none=False)
    loss_fn(model(X), y).backward()
    optimizer.step()


def step_bare_runtime_error(model, optimizer, loss_fn, batch):
    """A guard written by hand: a loss without a graph raises a RuntimeError without words."""
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X).detach(), y)
    if not loss.requires_grad:
        raise RuntimeError()
    loss.backward()
    optimizer.step()


def step_multiline_runtime_error(model, optimizer, loss_fn, batch):
    """A guard written by hand: a loss without a graph raises a RuntimeError of three lines."""
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X).detach(), y)
    if not loss.requires_grad:
        raise RuntimeError("\n  the loss has no graph:\n  was the output detached?\n")
    loss.backward()
    optimizer.step()


class NanAtThirdCall:
    """A usual step whose update at its third call writes a nan into the last bias (a 0/0 in
    a hand-written rescaling): the loss is finite, finite, then nan, never inf."""

    def __init__(self):
        self.calls = 0

    def __call__(self, model, optimizer, loss_fn, batch):
        self.calls += 1
        step_usual(model, optimizer, loss_fn, batch)
        if self.calls == 3:
            with torch.no_grad():
                bias = last_layer(model).bias
                bias.mul_(bias.sum() * 0 / torch.zeros((), dtype=bias.dtype))


def step_without_zero_grad(model, optimizer, loss_fn, batch):
    X, y = batch
    loss_fn(model(X), y).backward()  # onto whatever .grad already holds
    optimizer.step()


def step_zero_first_layer_only(model, optimizer, loss_fn, batch):
    """Clears the first layer's gradients only: the others pile up."""
    X, y = batch
    first_layer(model).zero_grad()
    loss_fn(model(X), y).backward()
    optimizer.step()


def step_forward_under_no_grad(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    with torch.no_grad():
        out = model(X)
    loss_fn(out, y).backward()
    optimizer.step()


def step_loss_detached(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X), y).detach()  # "only the number is needed"
    loss.backward()
    optimizer.step()


def step_detached_made_to_require_grad(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X).detach(), y)
    loss.requires_grad_()  # silences "does not require grad"; reaches nothing
    loss.backward()
    optimizer.step()


def step_keep_zeros_then_detached(model, optimizer, loss_fn, batch):
    """Clears to zeros, then backpropagates a loss without a graph: the RuntimeError."""
    X, y = batch
    optimizer.zero_grad(set_to_none=False)
    loss_fn(model(X).detach(), y).backward()
    optimizer.step()


def step_keep_zeros_then_silent(model, optimizer, loss_fn, batch):
    """Clears to zeros, then a detached loss given requires_grad_(): runs, reaches nothing."""
    X, y = batch
    optimizer.zero_grad(set_to_none=False)
    loss_fn(model(X), y).detach().requires_grad_().backward()
    optimizer.step()


def step_no_backward(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y)  # computed, never backpropagated
    optimizer.step()


def step_zero_grad_between(model, optimizer, loss_fn, batch):
    """backward, then zero_grad, then step: the update finds no gradient."""
    X, y = batch
    loss_fn(model(X), y).backward()
    optimizer.zero_grad()
    optimizer.step()


def step_no_step(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y).backward()  # and optimizer.step() is never called


def step_no_zero_grad_no_step(model, optimizer, loss_fn, batch):
    X, y = batch
    loss_fn(model(X), y).backward()


def step_gradient_ascent(model, optimizer, loss_fn, batch):
    X, y = batch
    optimizer.zero_grad()
    (-loss_fn(model(X), y)).backward()  # a sign bug: climbs the loss
    optimizer.step()


def step_backward_twice(model, optimizer, loss_fn, batch):
    """RuntimeError while the gradients are there: not the check's to judge."""
    X, y = batch
    optimizer.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    loss.backward()  # "Trying to backward through the graph a second time"
    optimizer.step()


def step_dict_batch(model, optimizer, loss_fn, batch):
    """Written for batches that are dicts: TypeError on a tuple (not the check's to judge)."""
    optimizer.zero_grad()
    loss_fn(model(batch["x"]), batch["y"]).backward()
    optimizer.step()


def step_short_targets(model, optimizer, loss_fn, batch):
    """One target too few: cross_entropy raises ValueError (not the check's to judge)."""
    X, y = batch
    optimizer.zero_grad()
    loss_fn(model(X), y[:-1]).backward()
    optimizer.step()


class StatefulStep:
    """A step that remembers its calls (built afresh with each pipeline)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, model, optimizer, loss_fn, batch):
        self.calls += 1
        return self.one(model, optimizer, loss_fn, batch)


class FailsAtSecondCall(StatefulStep):
    """A usual step that raises a RuntimeError at its second call, before clearing anything:
    the gradients of the first step are still there."""

    def one(self, model, optimizer, loss_fn, batch):
        if self.calls == 2:
            raise RuntimeError("the data loader's worker died")  # a real error: propagate
        step_usual(model, optimizer, loss_fn, batch)


class OvershootFirst(StatefulStep):
    """A warm-up gone wrong: the first step uses 4.4 times the learning rate (it lands above
    where it started), every later one the optimizer's own."""

    def one(self, model, optimizer, loss_fn, batch):
        rates = [g["lr"] for g in optimizer.param_groups]
        if self.calls == 1:
            for g in optimizer.param_groups:
                g["lr"] = g["lr"] * 4.4
        try:
            step_usual(model, optimizer, loss_fn, batch)
        finally:
            for g, lr in zip(optimizer.param_groups, rates):
                g["lr"] = lr


class UndoEveryOther(StatefulStep):
    """Steps, and at every second call puts the parameters back where they started: after an
    even number of calls the loss is exactly the first one."""

    def __init__(self):
        super().__init__()
        self.start = None

    def one(self, model, optimizer, loss_fn, batch):
        if self.start is None:
            self.start = [p.detach().clone() for p in model.parameters()]
        X, y = batch
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        if self.calls % 2:
            optimizer.step()
        else:
            with torch.no_grad():
                for p, s in zip(model.parameters(), self.start):
                    p.copy_(s)


class LossRecorder:
    """A pipeline object that logs its losses and never clears the gradients. `len()` is how
    many it logged: 0 at the start, so the object is falsy until its first call."""

    def __init__(self):
        self.losses = []

    def __len__(self):
        return len(self.losses)

    def __call__(self, model, optimizer, loss_fn, batch):
        X, y = batch
        loss = loss_fn(model(X), y)
        loss.backward()  # no zero_grad()
        optimizer.step()
        self.losses.append(loss.item())


STEPS: dict[str, Callable] = {
    "usual": lambda: step_usual,
    "zero_grad_last": lambda: step_zero_grad_last,
    "zero_grad_last_keep": lambda: step_zero_grad_last_keep,
    "returns_loss": lambda: step_returns_loss,
    "manual_data_sgd": lambda: step_manual_data_sgd,
    "no_zero_grad": lambda: step_without_zero_grad,
    "usual_keep_zeros": lambda: step_usual_keep_zeros,
    "bare_runtime_error": lambda: step_bare_runtime_error,
    "multiline_runtime_error": lambda: step_multiline_runtime_error,
    "nan_at_third_call": NanAtThirdCall,
    "zero_first_layer_only": lambda: step_zero_first_layer_only,
    "recorder": LossRecorder,
    "forward_under_no_grad": lambda: step_forward_under_no_grad,
    "loss_detached": lambda: step_loss_detached,
    "detached_made_to_require_grad": lambda: step_detached_made_to_require_grad,
    "keep_zeros_then_detached": lambda: step_keep_zeros_then_detached,
    "keep_zeros_then_silent": lambda: step_keep_zeros_then_silent,
    "no_backward": lambda: step_no_backward,
    "zero_grad_between": lambda: step_zero_grad_between,
    "no_step": lambda: step_no_step,
    "no_zero_grad_no_step": lambda: step_no_zero_grad_no_step,
    "gradient_ascent": lambda: step_gradient_ascent,
    "overshoot_first": OvershootFirst,
    "undo_every_other": UndoEveryOther,
    "backward_twice": lambda: step_backward_twice,
    "dict_batch": lambda: step_dict_batch,
    "short_targets": lambda: step_short_targets,
    "fails_at_second_call": FailsAtSecondCall,
}

STEP_WORDS: dict[str, tuple[str, str]] = {
    "usual": ("the usual step", "常规的训练步"),
    "zero_grad_last": ("a step that clears the gradients at its end (backward, step, zero_grad)",
                       "在最后才清零梯度的训练步(backward、step、zero_grad)"),
    "zero_grad_last_keep": (
        "a step that clears the gradients at its end to zeros (zero_grad(set_to_none=False))",
        "在最后把梯度清成全零的训练步(zero_grad(set_to_none=False))"),
    "returns_loss": ("a step that returns `loss.item()` of its forward, from before its update",
                     "返回自己前向的 `loss.item()`(更新之前的损失)的训练步"),
    "manual_data_sgd": ("a hand-written update through `.data` (`p.data -= lr * p.grad`, then "
                        "`p.grad.data.zero_()`)",
                        "手写的 `.data` 更新(`p.data -= lr * p.grad`,再 `p.grad.data.zero_()`)"),
    "no_zero_grad": ("a step without optimizer.zero_grad()", "没有 optimizer.zero_grad() 的训练步"),
    "usual_keep_zeros": ("a step that clears the gradients at its start to zeros "
                         "(zero_grad(set_to_none=False))",
                         "在开头把梯度清成全零(zero_grad(set_to_none=False))的训练步"),
    "bare_runtime_error": ("a step that raises `RuntimeError()`, without a message, when its loss "
                           "has no graph (its output was detached)",
                           "损失没有计算图时(输出被 detach 了)抛出不带消息的 `RuntimeError()` 的训练步"),
    "multiline_runtime_error": ("a step that raises a RuntimeError of several lines when its "
                                "loss has no graph (its output was detached)",
                                "损失没有计算图时(输出被 detach 了)抛出多行消息的 RuntimeError 的训练步"),
    "nan_at_third_call": ("a usual step whose third update writes a nan into the last bias (a "
                          "0/0 in a hand-written rescaling)",
                          "常规的训练步,但第三次更新往最后的 bias 里写进了 nan(手写缩放里的 0/0)"),
    "zero_first_layer_only": ("a step that clears the first layer's gradients only",
                              "只清零第一层梯度的训练步"),
    "recorder": ("a step object that logs its losses and never clears the gradients (its len() "
                 "is 0 before its first call)",
                 "记录损失、从不清零梯度的训练步对象(第一次调用前它的 len() 为 0)"),
    "forward_under_no_grad": ("a step whose forward runs under torch.no_grad()",
                              "前向传播在 torch.no_grad() 下运行的训练步"),
    "loss_detached": ("a step that backpropagates loss.detach()", "对 loss.detach() 反向传播的训练步"),
    "detached_made_to_require_grad": (
        "a step whose loss comes from a detached output, given requires_grad_() so that "
        "backward() stops complaining",
        "损失由 detach 过的输出算出、再用 requires_grad_() 让 backward() 不再报错的训练步"),
    "keep_zeros_then_detached": (
        "a step that clears the gradients to zeros (zero_grad(set_to_none=False)) and then "
        "backpropagates a loss without a graph",
        "先把梯度清成全零(zero_grad(set_to_none=False))、再对没有计算图的损失反向传播的训练步"),
    "keep_zeros_then_silent": (
        "a step that clears the gradients to zeros (zero_grad(set_to_none=False)) and then "
        "backpropagates a detached loss given requires_grad_()",
        "先把梯度清成全零(zero_grad(set_to_none=False))、再对 detach 后又 requires_grad_() 的"
        "损失反向传播的训练步"),
    "no_backward": ("a step that never calls backward()", "从不调用 backward() 的训练步"),
    "zero_grad_between": ("a step that clears the gradients between backward() and step()",
                          "在 backward() 和 step() 之间清零梯度的训练步"),
    "no_step": ("a step that never calls optimizer.step()", "从不调用 optimizer.step() 的训练步"),
    "no_zero_grad_no_step": ("a step with neither zero_grad() nor optimizer.step()",
                             "既没有 zero_grad() 也没有 optimizer.step() 的训练步"),
    "gradient_ascent": ("a step that backpropagates -loss (a sign bug: it climbs the loss)",
                        "对 -loss 反向传播的训练步(符号错误:损失越走越高)"),
    "overshoot_first": ("a step whose first update uses 4.4 times the learning rate (it lands "
                        "above where it started), every later one the optimizer's own",
                        "第一次更新用 4.4 倍学习率(落到了比起点更高的地方)、之后用优化器自己学习率的训练步"),
    "undo_every_other": ("a step that puts the parameters back where they started at every "
                         "second call", "每调用两次就把参数放回起点的训练步"),
    "backward_twice": ("a step that calls backward() twice on the same loss",
                       "对同一个损失调用两次 backward() 的训练步"),
    "dict_batch": ("a step written for batches that are dicts (`batch['x']`)",
                   "为字典形式的批量写的训练步(`batch['x']`)"),
    "short_targets": ("a step that gives the loss one target too few (cross_entropy raises "
                      "ValueError)", "少给了损失一个目标值的训练步(cross_entropy 抛出 ValueError)"),
    "fails_at_second_call": ("a usual step that raises a RuntimeError at its second call, before "
                             "it clears anything", "常规的训练步,但第二次调用时在清零之前抛出 RuntimeError"),
}


# --- building ---------------------------------------------------------------------------------


class WithUnused(nn.Module):
    """An MLP beside a trainable parameter that its forward never uses."""

    def __init__(self, mlp: nn.Module):
        super().__init__()
        self.net = mlp
        self.spare = nn.Parameter(torch.ones(3))

    def forward(self, x):
        return self.net(x)


def _dtype(name: str):
    return getattr(torch, name)


def _net(d: dict, seed: int) -> nn.Module:
    """The model a description names, its initial values drawn from `seed` alone."""
    with torch.random.fork_rng(devices=[]):
        torch.random.default_generator.manual_seed(seed)
        kind, out = d["net"], int(d["out"])
        if kind == "scalar":  # loss_fn(model(X), y) = w ** 2 for X = [[1]], y = [[0]]
            model = nn.Linear(1, 1, bias=False)
            with torch.no_grad():
                model.weight.fill_(1.0)
            layers = [model]
        elif kind == "linear":
            layers = [nn.Linear(int(d["d"]), out)]
        elif kind == "conv":
            layers = [nn.Conv2d(2, 4, 3), nn.Tanh(), nn.Flatten(), nn.Linear(4 * 4 * 4, out)]
        else:
            h = int(d["hidden"])
            layers = [nn.Linear(int(d["d"]), h)]
            if d["bn"]:
                layers.append(nn.BatchNorm1d(h))
            layers.append(nn.Tanh())
            if float(d["dropout"]) > 0:
                layers.append(nn.Dropout(float(d["dropout"])))
            layers.append(nn.Linear(h, out))
        if d["last"] == "relu":
            layers.append(nn.ReLU())
        elif d["last"] == "softplus":
            layers.append(nn.Softplus())
        if d["flat_out"] and kind != "scalar":
            layers.append(nn.Flatten(0))
        model = layers[0] if kind == "scalar" else nn.Sequential(*layers)
        last = last_layer(model)
        with torch.no_grad():
            if d["init"] == "zero_last":
                last.weight.zero_()
                last.bias.zero_()
            elif d["init"] == "bias5":
                last.bias.fill_(5.0)
            elif d["init"] == "small_last":
                last.weight.mul_(0.01)
                last.bias.mul_(0.01)
        if kind == "unused":
            model = WithUnused(model)
    model = model.to(_dtype(d["dtype"]))
    if d["x_layout"] == "channels_last":
        model = model.to(memory_format=torch.channels_last)
    return model


def linears(model: nn.Module) -> list[nn.Module]:
    return [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def first_layer(model: nn.Module) -> nn.Module:
    return linears(model)[0]


def last_layer(model: nn.Module) -> nn.Module:
    return linears(model)[-1]


def _batch(d: dict, seed: int):
    gen = torch.Generator().manual_seed(seed + 7919)
    kind = _dtype(d["dtype"])
    n, dim, out = int(d["n"]), int(d["d"]), int(d["out"])
    if d["net"] == "scalar":
        X = torch.ones(1, 1, dtype=kind)
        y = torch.full((1, 1), float(d["target_shift"]), dtype=kind)
    else:
        if d["net"] == "conv":
            X = torch.randn(n, 2, 6, 6, generator=gen, dtype=torch.float64)
            if d["x_layout"] == "channels_last":
                X = X.contiguous(memory_format=torch.channels_last)
        elif d["x_layout"] == "sliced":
            X = torch.randn(n, 2 * dim, generator=gen, dtype=torch.float64)[:, ::2]
        else:
            X = torch.randn(n, dim, generator=gen, dtype=torch.float64)
        if d["x_norm"]:
            X = X / X.flatten(1).norm(dim=1).reshape(-1, *[1] * (X.dim() - 1))
        X = X.to(kind)
        scale, shift = float(d["target_scale"]), float(d["target_shift"])
        if d["targets"] == "classes":
            y = torch.randint(0, int(d["classes"]), (n,), generator=gen)
        elif d["targets"] == "flat":
            y = (torch.randn(n, generator=gen, dtype=torch.float64) * scale + shift).to(kind)
        elif d["targets"] in ("nonneg", "positive"):
            z = torch.randn(n, out, generator=gen, dtype=torch.float64)
            z = z.clamp(min=0) * scale if d["targets"] == "nonneg" else (z * scale).exp()
            y = (z + shift).to(kind)
        elif d["x_layout"] == "sliced":  # every other column of a wider tensor
            y = (torch.randn(n, 2 * out, generator=gen, dtype=torch.float64)[:, ::2] * scale
                 + shift).to(kind)
        else:
            y = (torch.randn(n, out, generator=gen, dtype=torch.float64) * scale + shift).to(kind)
    if d["x_requires_grad"]:
        X.requires_grad_()
    return [X, y] if d["batch_as"] == "list" else (X, y)


def _loss(d: dict, model: nn.Module) -> Callable:
    kind = d["loss"]
    if kind == "cross_entropy":
        return nn.CrossEntropyLoss()
    if kind == "mse_of_sum":
        return lambda out, t: F.mse_loss(out.sum(1), t)
    if kind == "mse_l2":
        def loss_fn(out, t):  # the penalty reads the model's own parameters
            return F.mse_loss(out, t) + 1e-2 * sum(p.square().sum() for p in model.parameters())
        return loss_fn
    if kind == "mse_detached":
        return lambda out, t: F.mse_loss(out, t).detach()
    if kind == "mse_reshaped":
        return lambda out, t: F.mse_loss(out.reshape(t.shape), t)
    if kind == "mse_of_logs":
        return lambda out, t: F.mse_loss(torch.log(out), torch.log(t))
    if kind == "log_mse":
        return lambda out, t: torch.log(F.mse_loss(out, t))
    return nn.MSELoss()


def _freeze(d: dict, model: nn.Module) -> None:
    how = d["freeze"]
    if how == "first_bias":
        first_layer(model).bias.requires_grad_(False)
    elif how == "first_layer":
        first_layer(model).requires_grad_(False)
    elif how == "all":
        model.requires_grad_(False)


def _optimizer(d: dict, tensors, lr: float):
    kind = d["opt"]
    if kind == "adam":
        return torch.optim.Adam(tensors, lr=lr)
    return torch.optim.SGD(tensors, lr=lr, momentum=0.9 if kind == "momentum" else 0.0)


def _held(d: dict, model: nn.Module):
    """What the optimizer is given: one list of tensors, or a list of param groups."""
    if d["given"] == "last_layer":
        return list(last_layer(model).parameters())
    if d["given"] in ("trainable", "unfrozen_later"):
        return [p for p in model.parameters() if p.requires_grad]
    if d["given"] in ("twice", "twice_but_last_bias"):  # a group per layer (the first weight
        #                                                   is appended to the last one later)
        layers = [m for m in model.modules() if any(True for _ in m.parameters(recurse=False))]
        groups = [{"params": list(m.parameters(recurse=False))} for m in layers]
        if d["given"] == "twice_but_last_bias":
            groups[-1]["params"] = [q for q in groups[-1]["params"]
                                    if q is not last_layer(model).bias]
        return groups
    if d["given"] == "model_and_more":
        return [{"params": list(model.parameters())},
                {"params": [torch.ones((), dtype=_dtype(d["dtype"]), requires_grad=True)]}]
    if d["groups"] in ("layers", "layers_but_first"):
        layers = [m for m in model.modules()
                  if any(True for _ in m.parameters(recurse=False))]
        if d["groups"] == "layers_but_first":
            layers = layers[1:]
        rates = d["group_lrs"] or [None] * len(layers)
        groups = []
        for layer, lr in zip(layers, rates):
            group = {"params": [p for p in layer.parameters(recurse=False) if p.requires_grad]}
            if lr is not None:
                group["lr"] = float(lr)
            groups.append(group)
        return groups
    return [p for p in model.parameters()]


def build(desc: dict, *, name: str | None = None, reason: str | None = None) -> Pipeline:
    """The pipeline a description names, built afresh (the same on every machine)."""
    d = full(desc)
    seed = int(d["seed"])
    model = _net(d, seed)
    loss_fn = _loss(d, model)
    batch = _batch(d, seed)
    if d["stale"]:  # someone ran a backward before calling the check (and froze afterwards)
        X, y = batch
        with torch.random.fork_rng(devices=[]):
            torch.random.default_generator.manual_seed(seed + 1)
            graph_loss = _loss({**d, "loss": "mse"} if d["loss"] == "mse_detached" else d, model)
            graph_loss(model(X), y).backward()
        if d["stale"] == "last_layer":
            for q in model.parameters():
                q.grad = None
            graph_loss(model(X), y).backward(inputs=list(last_layer(model).parameters()))
        elif d["stale"] == "all":
            for q in model.parameters():
                if q.grad is None:
                    q.grad = torch.ones_like(q)
    if d["given"] == "unfrozen_later":
        first_layer(model).requires_grad_(False)
    else:
        _freeze(d, model)
    lr = float(d["lr"])
    if d["given"] in ("rebuilt", "rebuilt_same_seed"):
        old = _net(d, seed + 1 if d["given"] == "rebuilt" else seed)
        optimizer = _optimizer(d, old.parameters(), lr)  # then: model = Net() again
    else:
        optimizer = _optimizer(d, _held(d, model), lr)
    if d["given"] == "unfrozen_later":
        first_layer(model).requires_grad_(True)  # unfrozen after the optimizer was built
    elif d["given"] == "rewrapped":  # the same storage, another Parameter: not the optimizer's
        last = last_layer(model)
        last.weight = nn.Parameter(last.weight.data)
    elif d["given"] in ("twice", "twice_but_last_bias"):
        optimizer.param_groups[-1]["params"].append(first_layer(model).weight)
    if d["mode"] == "eval":
        model.eval()
    step = STEPS[d["step"]]()
    if d["train_step"] == "object" and d["step"] != "recorder":
        raise ValueError("only the recorder is a step object")
    return Pipeline(name or d["step"], model, optimizer, loss_fn, batch,
                    None if d["train_step"] == "default" else step, reason, describe(d), d)


# --- in words ---------------------------------------------------------------------------------


def _g(x) -> str:
    return f"{float(x):g}"


def describe(desc: dict) -> tuple[str, str]:
    """The pipeline in words, English and 中文: 'an MLP (4 -> 16 -> 1, tanh), Adam at lr 0.05,
    the usual step, on 8 examples'."""
    d = full(desc)
    en, zh = [], []
    kind, dt = d["net"], d["dtype"]
    if kind == "scalar" and (d["loss"] != "mse" or float(d["target_shift"]) != 0):
        t = _g(d["target_shift"])
        loss = "log((w - y)²)" if d["loss"] == "log_mse" else "(w - y)²"
        en.append(f"a one-weight {dt} model (w = 1, loss {loss}, X = [[1]], y = [[{t}]])")
        zh.append(f"只有一个权重的 {dt} 模型(w = 1,损失 {loss},X = [[1]],y = [[{t}]])")
    elif kind == "scalar":
        en.append(f"a one-weight {dt} model (w = 1, loss w², X = [[1]], y = [[0]])")
        zh.append(f"只有一个权重的 {dt} 模型(w = 1,损失 w²,X = [[1]],y = [[0]])")
    elif kind == "linear":
        en.append(f"a {dt} linear model ({d['d']} -> {d['out']})")
        zh.append(f"{dt} 线性模型({d['d']} -> {d['out']})")
    elif kind == "conv":
        en.append(f"a {dt} conv net (2 -> 4 channels, 3x3, then a linear layer)")
        zh.append(f"{dt} 卷积网络(2 -> 4 通道,3x3,再接一个线性层)")
    else:
        en.append(f"a {dt} MLP ({d['d']} -> {d['hidden']} -> {d['out']}, tanh)")
        zh.append(f"{dt} MLP({d['d']} -> {d['hidden']} -> {d['out']},tanh)")
    if kind == "unused":
        en.append("beside a trainable parameter its forward never uses")
        zh.append("外加一个前向从不使用的可训练参数")
    if d["bn"]:
        en.append("with BatchNorm")
        zh.append("带 BatchNorm")
    if float(d["dropout"]) > 0:
        en.append(f"with dropout {_g(d['dropout'])}")
        zh.append(f"带 dropout {_g(d['dropout'])}")
    if d["last"] != "none":
        act = {"relu": "ReLU", "softplus": "Softplus"}[d["last"]]
        en.append(f"ending in a {act}")
        zh.append(f"最后接 {act}")
    if d["flat_out"]:
        en.append("its outputs flattened to shape (n,)")
        zh.append("输出被展平成形状 (n,)")
    if d["init"] == "zero_last":
        en.append("its last layer initialised to zero")
        zh.append("最后一层初始化为零")
    elif d["init"] == "bias5":
        en.append("its last bias starting at 5")
        zh.append("最后的 bias 从 5 开始")
    elif d["init"] == "small_last":
        en.append("its last layer scaled by 0.01")
        zh.append("最后一层乘以 0.01")
    if d["mode"] == "eval":
        en.append("handed over in eval mode")
        zh.append("以 eval 模式交给检查")
    elif float(d["dropout"]) > 0 or d["bn"]:
        en.append("in train mode")
        zh.append("处于 train 模式")
    if d["x_layout"] == "channels_last":
        en.append("in channels-last memory format")
        zh.append("使用 channels-last 内存格式")
    frozen = {"first_bias": ("the first layer's bias frozen (requires_grad=False)",
                             "第一层的 bias 被冻结(requires_grad=False)"),
              "first_layer": ("the first layer frozen (requires_grad=False)",
                              "第一层被冻结(requires_grad=False)"),
              "all": ("every parameter frozen (requires_grad=False)",
                      "所有参数都被冻结(requires_grad=False)")}.get(d["freeze"])
    if frozen:
        en.append(frozen[0])
        zh.append(frozen[1])
    opt = {"adam": "Adam", "sgd": "plain SGD", "momentum": "SGD with momentum 0.9"}[d["opt"]]
    opt_zh = {"adam": "Adam", "sgd": "普通 SGD", "momentum": "动量 0.9 的 SGD"}[d["opt"]]
    if d["groups"] != "one" and d["given"] == "model":
        rates = d["group_lrs"] or []
        shown = ", ".join(_g(r) for r in rates) if rates else _g(d["lr"])
        left = " (the first layer in none)" if d["groups"] == "layers_but_first" else ""
        left_zh = "(第一层不在任何一组里)" if d["groups"] == "layers_but_first" else ""
        en.append(f"{opt} with one param group per layer{left}, lr {shown}")
        zh.append(f"{opt_zh},每层一个参数组{left_zh},学习率 {shown}")
    else:
        en.append(f"{opt} at lr {_g(d['lr'])}")
        zh.append(f"{opt_zh},学习率 {_g(d['lr'])}")
    given = {
        "trainable": ("given the trainable parameters only", "只拿到可训练的参数"),
        "last_layer": ("given only the last layer's parameters", "只拿到最后一层的参数"),
        "rebuilt": ("built for a model that was then rebuilt from another seed",
                    "是为一个随后用另一个种子重建的模型创建的"),
        "rebuilt_same_seed": ("built for a model that was then rebuilt from the same seed (equal "
                              "values, other tensors)",
                              "是为一个随后用同一个种子重建的模型创建的(数值相同,张量不同)"),
        "unfrozen_later": ("built while the first layer was frozen, which was unfrozen afterwards",
                           "创建时第一层是冻结的,之后才解冻"),
        "rewrapped": ("built for the model, whose last weight was then re-wrapped as "
                      "`nn.Parameter(weight.data)` (the same storage, another tensor)",
                      "是为这个模型创建的,之后它最后一层的权重被重新包装成 `nn.Parameter(weight.data)`"
                      "(同一块存储,另一个张量)"),
        "twice": ("given a param group per layer, the first weight in two of them",
                  "每层一个参数组,第一层的权重同时在两个组里"),
        "twice_but_last_bias": ("given a param group per layer, the first weight in two of them "
                                "and the last bias in none",
                                "每层一个参数组,第一层的权重同时在两个组里,最后的 bias 不在任何组里"),
        "model_and_more": ("given the model's parameters and, in a second group, a tensor that "
                           "is not the model's", "拿到了模型的参数,另一组里还有一个不属于模型的张量"),
    }.get(d["given"])
    if given:
        en[-1] += f", {given[0]}"
        zh[-1] += f",{given[1]}"
    words = STEP_WORDS[d["step"]]
    en.append(words[0])
    zh.append(words[1])
    if d["loss"] == "cross_entropy":
        en.append(f"cross-entropy on {d['n']} random labels of {d['classes']} classes")
        zh.append(f"在 {d['n']} 个随机标签({d['classes']} 类)上的交叉熵")
    elif d["loss"] == "mse_of_sum":
        en.append(f"the MSE of the sum of its {d['out']} outputs against {d['n']} targets of shape "
                  f"({d['n']},)")
        zh.append(f"把 {d['out']} 个输出相加后与形状为 ({d['n']},) 的目标值求 MSE")
    elif d["loss"] == "mse_l2":
        en.append("a loss_fn with an L2 penalty over the model's own parameters")
        zh.append("loss_fn 里带有对模型自身参数的 L2 惩罚项")
    elif d["loss"] == "mse_detached":
        en.append("a loss_fn that returns a detached loss")
        zh.append("返回 detach 过的损失的 loss_fn")
    elif d["loss"] == "mse_reshaped":
        en.append(f"the MSE of the outputs reshaped to the targets' shape ({d['n']}, {d['out']})")
        zh.append(f"把输出变形成目标值的形状 ({d['n']}, {d['out']}) 后求 MSE")
    elif d["loss"] == "mse_of_logs":
        en.append("the MSE of the outputs' logs against the targets' logs")
        zh.append("对输出取对数、与目标值的对数求 MSE")
    if d["targets"] in ("nonneg", "positive") and kind != "scalar":
        scale, shift = _g(d["target_scale"]), _g(d["target_shift"])
        form = (f"max(z, 0) × {scale} + {shift}" if d["targets"] == "nonneg"
                else f"exp({scale} z) + {shift}")
        en.append(f"{d['n']} examples with targets {form}, z from N(0, 1)")
        zh.append(f"{d['n']} 个样本,目标值为 {form},z 服从 N(0, 1)")
    elif d["loss"] in ("mse_of_logs",):
        pass
    elif d["loss"] in ("mse_reshaped",) or (d["loss"] == "mse" and kind != "scalar"):
        scale = float(d["target_scale"])
        extra = f" scaled by {scale:g}" if scale != 1.0 else ""
        extra_zh = f",乘以 {scale:g}" if scale != 1.0 else ""
        en.append(f"{d['n']} examples with targets of N(0, 1){extra}")
        zh.append(f"{d['n']} 个样本,目标值服从 N(0, 1){extra_zh}")
    if d["x_layout"] == "sliced":
        en.append("a non-contiguous batch")
        zh.append("非连续的批量")
    if d["batch_as"] == "list":
        en.append("the batch a list [X, y]")
        zh.append("批量是列表 [X, y]")
    if d["x_requires_grad"]:
        en.append("X requiring grad")
        zh.append("X 需要梯度")
    if d["stale"] == "last_layer":
        en.append("gradients already in the last layer's .grad (only) when the check is called")
        zh.append("调用检查时(只有)最后一层的 .grad 里已经有梯度")
    elif d["stale"] == "all":
        en.append("gradients already in .grad when the check is called, on every trainable "
                  "parameter (ones where the forward does not reach)")
        zh.append("调用检查时每个可训练参数的 .grad 里都已经有梯度(前向到不了的地方是全 1)")
    elif d["stale"]:
        en.append("gradients already in .grad when the check is called")
        zh.append("调用检查时 .grad 里已经有梯度")
    if d["train_step"] == "default":
        en.append("train_step left to its default (None)")
        zh.append("train_step 取默认值(None)")
    if d["before"]:
        en.append("the check called once before on another batch")
        zh.append("之前已在另一批数据上调用过一次检查")
    return ", ".join(en), ",".join(zh)


# --- the named pipelines (`dojo show overfit_one_batch`) ---------------------------------------


def _named(name: str, reason: str, desc: dict) -> Callable[[], Pipeline]:
    def make() -> Pipeline:
        return build(desc, name=name, reason=reason)

    make.__name__ = name
    make.desc = desc
    make.reason = reason
    return make


healthy = _named("healthy", "ok", {"seed": 0})
zero_grad_last = _named("zero_grad_last", "ok",
                        {"seed": 0, "opt": "momentum", "lr": 0.05, "step": "zero_grad_last"})
frozen_bias = _named("frozen_bias", "ok", {"seed": 0, "freeze": "first_bias", "given": "trainable"})
random_labels = _named("random_labels", "ok", {"seed": 0, "out": 3, "targets": "classes",
                                               "loss": "cross_entropy"})
no_zero_grad = _named("no_zero_grad", "grad_accumulates", {"seed": 0, "step": "no_zero_grad"})
model_rebuilt = _named("model_rebuilt", "not_in_optimizer", {"seed": 0, "given": "rebuilt"})
last_layer_only = _named("last_layer_only", "not_in_optimizer", {"seed": 0, "given": "last_layer"})
forward_under_no_grad = _named("forward_under_no_grad", "no_gradient",
                               {"seed": 0, "step": "forward_under_no_grad"})
loss_detached = _named("loss_detached", "no_gradient", {"seed": 0, "step": "loss_detached"})
detached_made_to_require_grad = _named("detached_made_to_require_grad", "no_gradient",
                                       {"seed": 0, "step": "detached_made_to_require_grad"})
lr_zero = _named("lr_zero", "no_update", {"seed": 0, "opt": "sgd", "lr": 0.0})
relu_last = _named("relu_last", "output_range", {"seed": 0, "last": "relu"})
lr_too_large = _named("lr_too_large", "diverged", {"seed": 0, "opt": "sgd", "lr": 100.0})
lr_too_small = _named("lr_too_small", "stalled", {"seed": 0, "opt": "sgd", "lr": 1e-5})

HEALTHY = (healthy, zero_grad_last, frozen_bias, random_labels)
BROKEN = (no_zero_grad, model_rebuilt, last_layer_only, forward_under_no_grad, loss_detached,
          detached_made_to_require_grad, lr_zero, relu_last, lr_too_large, lr_too_small)

