"""The pipelines that the `overfit_one_batch` kata's check is tried on: healthy ones, which can
memorise one batch, and broken ones, each with the one bug a right check names.

A pipeline is what the check is given: a model, an optimizer, a loss function, one batch and a
training step (None: the usual one). Each is built afresh, seeded, from its name. Used by
`tests/test_overfit_one_batch.py` and by `dojo show overfit_one_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn


@dataclass
class Pipeline:
    name: str
    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss_fn: Callable
    batch: tuple
    train_step: Callable | None
    reason: str  # what a right check reports
    what: tuple[str, str]  # the pipeline, in words (en, zh)


def regression_batch(n=8, d=4, out=1, *, seed=0):
    """n examples of d features with targets of N(0, 1): about half of them negative."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen), torch.randn(n, out, generator=gen)


def random_labels_batch(n=8, d=4, classes=3, *, seed=0):
    """n examples with class labels drawn at random: nothing links a label to its input."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen), torch.randint(0, classes, (n,), generator=gen)


def mlp(d, out, *, seed=0, hidden=32, relu_last=False):
    torch.manual_seed(seed)
    layers = [nn.Linear(d, hidden), nn.Tanh(), nn.Linear(hidden, out)]
    if relu_last:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


# --- training steps: the usual one, a healthy one in another order, the broken ones ----------


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


def step_without_zero_grad(model, optimizer, loss_fn, batch):
    X, y = batch
    loss_fn(model(X), y).backward()  # onto whatever .grad already holds
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


# --- the pipelines ---------------------------------------------------------------------------


def _regression(name, reason, what, *, seed, n, d, out, lr=0.02, opt="adam", train_step=None,
                relu_last=False, params=None):
    model = mlp(d, out, seed=seed, relu_last=relu_last)
    chosen = model.parameters() if params is None else params(model)
    if opt == "adam":
        optimizer = torch.optim.Adam(chosen, lr=lr)
    else:
        optimizer = torch.optim.SGD(chosen, lr=lr, momentum=0.9 if opt == "momentum" else 0.0)
    return Pipeline(name, model, optimizer, nn.MSELoss(), regression_batch(n, d, out, seed=seed),
                    train_step, reason, what)


def healthy(seed=0, n=8, d=4, out=1):
    return _regression("healthy", "ok", (
        "a healthy pipeline (Adam, the usual step)", "健康的流水线(Adam,常规的训练步)"),
        seed=seed, n=n, d=d, out=out)


def zero_grad_last(seed=0, n=8, d=4, out=1):
    return _regression("zero_grad_last", "ok", (
        "a healthy pipeline whose step clears the gradients at its end (backward, step, "
        "zero_grad), so .grad is empty after every step",
        "健康的流水线,只是训练步在最后才清零梯度(backward、step、zero_grad),所以每步之后 .grad "
        "都是空的"), seed=seed, n=n, d=d, out=out, opt="momentum", lr=0.05,
        train_step=step_zero_grad_last)


def frozen_bias(seed=0, n=8, d=4, out=1):
    p = _regression("frozen_bias", "ok", (
        "a healthy pipeline with one tensor frozen on purpose (the first layer's bias, "
        "requires_grad=False) and left out of the optimizer",
        "健康的流水线,其中一个张量被有意冻结(第一层的 bias,requires_grad=False),也没有交给优化器"),
        seed=seed, n=n, d=d, out=out,
        params=lambda m: [t for t in m.parameters() if t is not m[0].bias])
    p.model[0].bias.requires_grad_(False)
    return p


def random_labels(seed=0, n=8, d=4, classes=3):
    model = mlp(d, classes, seed=seed)
    return Pipeline("random_labels", model, torch.optim.Adam(model.parameters(), lr=0.02),
                    nn.CrossEntropyLoss(), random_labels_batch(n, d, classes, seed=seed), None,
                    "ok", ("a healthy classifier on one batch of random labels",
                           "健康的分类器,在一批随机标签上训练"))


def no_zero_grad(seed=0, n=8, d=4, out=1):
    return _regression("no_zero_grad", "grad_accumulates", (
        "a step without optimizer.zero_grad()", "没有 optimizer.zero_grad() 的训练步"),
        seed=seed, n=n, d=d, out=out, train_step=step_without_zero_grad)


def model_rebuilt(seed=0, n=8, d=4, out=1):
    p = _regression("model_rebuilt", "not_in_optimizer", (
        "an optimizer built for a model that was then rebuilt (it holds the old model's "
        "parameters)", "优化器是为一个随后被重建的模型创建的(它持有旧模型的参数)"),
        seed=seed, n=n, d=d, out=out)
    p.model = mlp(d, out, seed=seed + 1)  # model = Net() again, after the optimizer
    return p


def last_layer_only(seed=0, n=8, d=4, out=1):
    return _regression("last_layer_only", "not_in_optimizer", (
        "an optimizer given only the last layer's parameters", "优化器只拿到了最后一层的参数"),
        seed=seed, n=n, d=d, out=out, params=lambda m: m[2].parameters())


def forward_under_no_grad(seed=0, n=8, d=4, out=1):
    return _regression("forward_under_no_grad", "no_gradient", (
        "a step whose forward runs under torch.no_grad()", "前向传播在 torch.no_grad() 下运行的训练步"),
        seed=seed, n=n, d=d, out=out, train_step=step_forward_under_no_grad)


def loss_detached(seed=0, n=8, d=4, out=1):
    return _regression("loss_detached", "no_gradient", (
        "a step that backpropagates loss.detach()", "对 loss.detach() 反向传播的训练步"),
        seed=seed, n=n, d=d, out=out, train_step=step_loss_detached)


def detached_made_to_require_grad(seed=0, n=8, d=4, out=1):
    return _regression("detached_made_to_require_grad", "no_gradient", (
        "a step whose loss is computed from a detached output and then given requires_grad_() "
        "so that backward() stops complaining",
        "训练步的损失由 detach 过的输出算出,再用 requires_grad_() 让 backward() 不再报错"),
        seed=seed, n=n, d=d, out=out, train_step=step_detached_made_to_require_grad)


def lr_zero(seed=0, n=8, d=4, out=1):
    return _regression("lr_zero", "no_update", (
        "an optimizer with a learning rate of 0", "学习率为 0 的优化器"),
        seed=seed, n=n, d=d, out=out, lr=0.0)


def relu_last(seed=0, n=8, d=4, out=1):
    return _regression("relu_last", "output_range", (
        "a regression whose model ends in a ReLU, with targets that go negative",
        "回归模型的最后一层之后接了 ReLU,而目标值有负数"),
        seed=seed, n=n, d=d, out=out, relu_last=True)


def lr_too_large(seed=0, n=8, d=4, out=1):
    return _regression("lr_too_large", "diverged", (
        "plain SGD with a learning rate of 100", "学习率为 100 的普通 SGD"),
        seed=seed, n=n, d=d, out=out, opt="sgd", lr=100.0)


def lr_too_small(seed=0, n=8, d=4, out=1):
    return _regression("lr_too_small", "stalled", (
        "plain SGD with a learning rate of 1e-5", "学习率为 1e-5 的普通 SGD"),
        seed=seed, n=n, d=d, out=out, opt="sgd", lr=1e-5)


HEALTHY = (healthy, zero_grad_last, frozen_bias, random_labels)
BROKEN = (no_zero_grad, model_rebuilt, last_layer_only, forward_under_no_grad, loss_detached,
          detached_made_to_require_grad, lr_zero, relu_last, lr_too_large, lr_too_small)
