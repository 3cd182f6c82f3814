"""mnist: the articles' network, a training epoch and an evaluation that measure what they claim.

The tests of `train` and `test` hand them small models of the test's own (a linear layer; a
little network with dropout, trained here), so that they check the loops whatever `Net` holds.
`Net` is checked by what it does. The full recipe runs on the committed MNIST subset (slow) and
on the full MNIST with a GPU (gpu).
"""

from __future__ import annotations

import copy
import numbers
import os
import time
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dojo import diagnose, mnist_data
from dojo.testing import close, expect, fail, show

KATA = "mnist"

PARAMETER_SHAPES = [
    (32, 1, 3, 3),
    (32,),
    (64, 32, 3, 3),
    (64,),
    (128, 9216),
    (128,),
    (10, 128),
    (10,),
]
PARAMETER_COUNT = 1_199_882


# --- data and the test's own models ----------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    """The committed subset, as normalized tensors (the same values the transform gives)."""
    train_x, train_y = mnist_data.split_tensors(subset=True, train=True)
    test_x, test_y = mnist_data.split_tensors(subset=True, train=False)
    return SimpleNamespace(train_x=train_x, train_y=train_y, test_x=test_x, test_y=test_y)


def linear_probe(seed: int = 0) -> nn.Module:
    """A model with no randomness in its forward pass, so that two runs can be compared."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.LogSoftmax(dim=1))


@pytest.fixture(scope="module")
def dropout_model(digits):
    """A small network with dropout, trained here for one epoch of the subset (50 steps)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 64),
            nn.ReLU(),
            nn.Dropout(0.5),
            nn.Linear(64, 10),
            nn.LogSoftmax(dim=1),
        )
        optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
        model.train()
        for i in torch.randperm(len(digits.train_y)).split(100):
            optimizer.zero_grad()
            F.nll_loss(model(digits.train_x[i]), digits.train_y[i]).backward()
            optimizer.step()
    return model


def loader(x, y, batch_size):
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)


def own_evaluation(model, batches):
    """What an honest evaluation gives: eval mode, no graph, sums over examples / their number.
    Also the mean of the batch means, the figure a common slip reports instead."""
    model.eval()
    loss_sum, correct, n, batch_losses, batch_accuracies = 0.0, 0, 0, [], []
    with torch.no_grad():
        for data, target in batches:
            output = model(data)
            loss_sum += F.nll_loss(output, target, reduction="sum").item()
            right = (output.argmax(1) == target).sum().item()
            correct += right
            n += len(target)
            batch_losses.append(F.nll_loss(output, target).item())
            batch_accuracies.append(right / len(target))
    return SimpleNamespace(
        loss=loss_sum / n,
        accuracy=correct / n,
        mean_of_batch_losses=sum(batch_losses) / len(batch_losses),
        mean_of_batch_accuracies=sum(batch_accuracies) / len(batch_accuracies),
    )


@pytest.fixture(scope="module")
def eval_batches(digits, dropout_model):
    """1000 test digits in batches of 300, 300, 300 and 100, the 100 that the model finds
    hardest last: the mean of the four batch means is then far from the mean per example."""
    model = dropout_model
    model.eval()
    with torch.no_grad():
        losses = F.nll_loss(model(digits.test_x), digits.test_y, reduction="none")
    order = losses.argsort()
    batches = loader(digits.test_x[order], digits.test_y[order], 300)
    honest = own_evaluation(model, batches)
    # the test's own check: the slip gives visibly different figures
    assert abs(honest.loss - honest.mean_of_batch_losses) > 0.05
    assert abs(honest.accuracy - honest.mean_of_batch_accuracies) > 0.01
    return batches, honest


class Watch:
    """Forward hooks on the model: the mode, whether a graph was recorded, the inputs' device."""

    def __init__(self, model):
        self.modes, self.graphs, self.devices, self.outputs = [], [], [], []
        self.handles = [
            model.register_forward_pre_hook(self._before),
            model.register_forward_hook(self._after),
        ]
        self.model = model

    def _before(self, module, args):
        self.modes.append(module.training)
        self.devices.append(args[0].device if args and isinstance(args[0], torch.Tensor) else None)

    def _after(self, module, args, output):
        self.graphs.append(bool(output.requires_grad))
        self.outputs.append(output.detach().clone())

    def close(self):
        for handle in self.handles:
            handle.remove()


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# --- Net -------------------------------------------------------------------------------------


def test_net_gives_ten_log_probabilities_per_digit(kata, digits):
    model = kata.Net()
    model.eval()
    call = "Net().eval()(digits), digits of shape (8, 1, 28, 28)"
    with torch.no_grad():
        mismatch = None
        try:
            out = model(digits.test_x[:8])
        except RuntimeError as err:
            if "shapes cannot be multiplied" not in str(err):
                raise
            mismatch = str(err)
        if mismatch is not None:  # failed outside the except block, so the report stays short
            fail(
                f"a layer got inputs of the wrong size ({mismatch}). Count the sizes: a 3x3 "
                f"convolution takes 28x28 to 26x26, the second one to 24x24, the 2x2 max-pool "
                f"to 12x12, so fc1 takes 64 x 12 x 12 = 9216 inputs; flatten with "
                f"`torch.flatten(x, 1)`, which keeps the batch dimension.",
                f"某一层收到的输入大小不对({mismatch})。数一数尺寸:3x3 卷积把 28x28 变成 26x26,第二个"
                f"卷积变成 24x24,2x2 最大池化变成 12x12,所以 fc1 的输入是 64 x 12 x 12 = 9216;"
                f"用 `torch.flatten(x, 1)` 展平,它保留批次维。",
                call=call,
                kata=KATA,
            )
        expect(
            isinstance(out, torch.Tensor) and tuple(out.shape) == (8, 10),
            "the network must map a batch of N digits to N rows of 10 scores, one per class. "
            "Keep the batch dimension when flattening: `torch.flatten(x, 1)`.",
            "网络应把 N 个数字的批次映射为 N 行、每行 10 个分数(每类一个)。展平时保留批次维:"
            "`torch.flatten(x, 1)`。",
            call=call,
            got=f"shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else show(out),
            expected="shape (8, 10)",
            kata=KATA,
        )
        sums = out.exp().sum(dim=1)
        expect(
            close(sums, torch.ones(8), atol=1e-4),
            "the outputs are not log-probabilities: exp(output) should sum to 1 over the ten "
            "classes of each digit. End forward() with `F.log_softmax(x, dim=1)` (dim=1: over "
            "the classes, not over the batch); `F.nll_loss` expects log-probabilities.",
            "输出不是对数概率:每个数字的 exp(output) 在 10 个类别上之和应为 1。forward() 最后用 "
            "`F.log_softmax(x, dim=1)`(dim=1:对类别,而不是对批次);`F.nll_loss` 需要对数概率。",
            call=call,
            got=f"exp(output).sum(dim=1) = {show(sums)}",
            expected="ones",
            kata=KATA,
        )
        one = model(digits.test_x[:1])
        expect(
            tuple(one.shape) == (1, 10),
            "a batch of one digit must give one row of 10 log-probabilities.",
            "一个数字的批次应得到一行 10 个对数概率。",
            call="Net().eval()(digit), one digit of shape (1, 1, 28, 28)",
            got=f"shape {tuple(one.shape)}",
            expected="shape (1, 10)",
            kata=KATA,
        )


def test_net_has_the_articles_layers(kata):
    model = kata.Net()
    shapes = sorted(tuple(p.shape) for p in model.parameters())
    count = sum(p.numel() for p in model.parameters())
    expect(
        shapes == sorted(PARAMETER_SHAPES) and count == PARAMETER_COUNT,
        "the parameters are not those of the articles' layers: conv 1->32 3x3 (32x1x3x3 and 32), "
        "conv 32->64 3x3 (64x32x3x3 and 64), fc 9216->128 and fc 128->10, 1,199,882 numbers in "
        "all. 9216 = 64 channels x 12 x 12: two 3x3 convolutions take 28x28 to 24x24, and the "
        "2x2 max-pool halves that.",
        "参数与文章的各层不符:conv 1->32 3x3(32x1x3x3 与 32)、conv 32->64 3x3(64x32x3x3 与 64)、"
        "fc 9216->128、fc 128->10,共 1,199,882 个数。9216 = 64 通道 x 12 x 12:两个 3x3 卷积把 "
        "28x28 变成 24x24,2x2 最大池化再减半。",
        call="Net().parameters()",
        got=f"{count:,} numbers in shapes {shapes}",
        expected=f"{PARAMETER_COUNT:,} numbers in shapes {sorted(PARAMETER_SHAPES)}",
        kata=KATA,
    )


# The contract's forward pass in eval mode, step by step (dropout is the identity there). Each
# step: its name, what it does, whether a learner can leave it out and still get shapes right.
FORWARD = [
    ("conv1", lambda x, p: F.conv2d(x, p[0], p[1]), False),
    ("the ReLU after conv1", lambda x, p: F.relu(x), True),
    ("conv2", lambda x, p: F.conv2d(x, p[2], p[3]), False),
    ("the ReLU after conv2", lambda x, p: F.relu(x), True),
    ("the 2x2 max-pool", lambda x, p: F.max_pool2d(x, 2), False),
    ("flatten", lambda x, p: torch.flatten(x, 1), False),
    ("fc1", lambda x, p: F.linear(x, p[4], p[5]), False),
    ("the ReLU after fc1", lambda x, p: F.relu(x), True),
    ("fc2", lambda x, p: F.linear(x, p[6], p[7]), False),
    ("log_softmax", lambda x, p: F.log_softmax(x, dim=1), False),
]
# slips that keep every shape: a ReLU left out, or the pooling of another kind
VARIANTS = [((f"{name} is left out", f"漏掉了 {zh}"), {name: None}) for (name, _, optional), zh
            in zip(FORWARD, [None, "conv1 之后的 ReLU", None, "conv2 之后的 ReLU", None, None,
                             None, "fc1 之后的 ReLU", None, None]) if optional]
VARIANTS.append((("the pooling is an average, not a max (`F.avg_pool2d`)",
                  "池化用的是平均而不是最大(`F.avg_pool2d`)"),
                 {"the 2x2 max-pool": lambda x, p: F.avg_pool2d(x, 2)}))


def parameters_by_shape(model):
    """The learner's parameters in the contract's order, found by their shapes (every shape of
    the network is a different one), never by attribute names; None if they are not those."""
    found = {}
    for p in model.parameters():
        found.setdefault(tuple(p.shape), []).append(p)
    if any(len(found.get(shape, [])) != 1 for shape in PARAMETER_SHAPES):
        return None
    return [found[shape][0] for shape in PARAMETER_SHAPES]


def contract_forward(params, x, replace=None):
    """The contract's forward in eval mode with these parameters; `replace` swaps a step for
    another function (None: left out)."""
    for name, step, _ in FORWARD:
        step = (replace or {}).get(name, step)
        if step is None:
            continue
        x = step(x, params)
    return x


def test_net_computes_the_contracts_forward(kata, digits):
    """The learner's forward against the contract's, computed here with the same parameters."""
    model = kata.Net()
    model.eval()
    params = parameters_by_shape(model)
    call = "Net().eval()(digits) against the contract's forward with the same parameters"
    expect(
        params is not None,
        "the network's parameters are not those of the contract's layers (one tensor of each "
        "shape: 32x1x3x3, 32, 64x32x3x3, 64, 128x9216, 128, 10x128, 10), so its forward pass "
        "cannot be compared with the contract's.",
        "网络的参数与约定的各层不符(每种形状一个张量:32x1x3x3、32、64x32x3x3、64、128x9216、128、"
        "10x128、10),无法把它的前向计算与约定的比较。",
        call=call,
        got=show(sorted(tuple(p.shape) for p in model.parameters())),
        kata=KATA,
    )
    x = digits.test_x[:4]
    with torch.no_grad():
        got = model(x)
        want = contract_forward(params, x)
    if isinstance(got, torch.Tensor) and close(got, want, rtol=1e-4, atol=1e-5):
        return
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    for slip, replace in VARIANTS:
        with torch.no_grad():
            variant = contract_forward(params, x, replace)
        if isinstance(got, torch.Tensor) and close(got, variant, rtol=1e-4, atol=1e-5):
            relu = "ReLU" in slip[0]
            fail(
                f"the forward pass differs from the contract's: {slip[0]}. The network is "
                f"conv1, ReLU, conv2, ReLU, max-pool 2, dropout, flatten, fc1, ReLU, dropout, "
                f"fc2, log_softmax"
                + ("; with a ReLU missing, two layers collapse into one linear map (the shapes "
                   "and the parameter count stay right, so nothing else shows it)." if relu
                   else " (the shapes and the parameter count stay right, so nothing else "
                   "shows it)."),
                f"前向计算与约定不同:{slip[1]}。网络是 conv1、ReLU、conv2、ReLU、最大池化 2、dropout、"
                f"flatten、fc1、ReLU、dropout、fc2、log_softmax"
                + (";少一个 ReLU,两层就合成了一个线性映射(形状和参数个数都没变,别的检查看不出来)。"
                   if relu else "(形状和参数个数都没变,别的检查看不出来)。"),
                **shown,
            )
    where = first_layer_that_differs(model, params, x)
    fail(
        "the forward pass differs from the contract's, computed here with the network's own "
        "parameters (conv1, ReLU, conv2, ReLU, max-pool 2, flatten, fc1, ReLU, fc2, "
        "log_softmax; dropout is off in eval mode)"
        + (f": {where[0]}" if where else ", and no single missing step explains it."),
        "前向计算与约定不同(这里用网络自己的参数按约定计算:conv1、ReLU、conv2、ReLU、最大池化 2、"
        "flatten、fc1、ReLU、fc2、log_softmax;eval 模式下 dropout 关闭)"
        + (f":{where[1]}" if where else ",而且不是少了某一步就能解释的。"),
        **shown,
    )


def first_layer_that_differs(model, params, x):
    """Hooks on the modules that hold the four weights (found by shape): the first layer whose
    input is not what the contract makes of the layer before's output."""
    weights = {id(params[i]): i // 2 for i in (0, 2, 4, 6)}  # conv1, conv2, fc1, fc2
    owners = {weights[id(p)]: module for module in model.modules()
              for p in module.parameters(recurse=False) if id(p) in weights}
    if len({id(m) for m in owners.values()}) != 4:
        return None  # the layers are not modules of their own: nothing to localise with
    seen = {}
    handles = []
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if id(p) in weights:
                def hook(m, args, output, k=weights[id(p)]):
                    seen[k] = (args[0].detach() if args else None, output.detach())

                handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            out = model(x)
    finally:
        for h in handles:
            h.remove()
    if sorted(seen) != [0, 1, 2, 3]:
        return None  # the layers are not modules of their own: nothing to localise with
    names = ["conv1", "conv2", "fc1", "fc2"]
    between = [
        lambda o: F.relu(o),
        lambda o: torch.flatten(F.max_pool2d(F.relu(o), 2), 1),
        lambda o: F.relu(o),
    ]
    steps = ["ReLU", "ReLU, max-pool 2, flatten", "ReLU"]
    with torch.no_grad():
        if not close(seen[0][0], x):
            return ("conv1 does not get the digits themselves.", "conv1 收到的不是数字图像本身。")
        for k in range(3):
            if not close(seen[k + 1][0], between[k](seen[k][1]), rtol=1e-4, atol=1e-5):
                return (f"what reaches {names[k + 1]} is not {steps[k]} of {names[k]}'s output.",
                        f"到达 {names[k + 1]} 的不是 {names[k]} 输出经过 {steps[k]} 的结果。")
        if not close(out, F.log_softmax(seen[3][1], dim=1), rtol=1e-4, atol=1e-5):
            return ("the output is not log_softmax of fc2's output.",
                    "输出不是 fc2 输出的 log_softmax。")
    return None


def test_net_drops_out_in_train_mode_and_not_in_eval_mode(kata, digits):
    model = kata.Net()
    x = digits.test_x[:16]
    with torch.no_grad():
        model.train()
        first, second = model(x), model(x)
        expect(
            not torch.equal(first, second),
            "in train mode two passes over the same digits gave the same output: no dropout is "
            "active. The network needs dropout 0.25 after the max-pool and 0.5 after fc1 "
            "(`nn.Dropout` modules, which follow the model's mode).",
            "训练模式下同一批数字两次前向的输出完全相同:没有生效的 dropout。网络需要在最大池化后加 "
            "dropout 0.25,在 fc1 后加 dropout 0.5(用 `nn.Dropout` 模块,它跟随模型的模式)。",
            call="model.train(); model(x) twice",
            kata=KATA,
        )
        model.eval()
        first, second = model(x), model(x)
    expect(
        torch.equal(first, second),
        "in eval mode two passes over the same digits differ: dropout is still on. "
        "`F.dropout(x, p)` drops in every mode (its `training` argument defaults to True); use "
        "`nn.Dropout(p)` modules, or `F.dropout(x, p, training=self.training)`.",
        "评估模式下同一批数字两次前向的输出不同:dropout 仍然开着。`F.dropout(x, p)` 在任何模式下"
        "都会丢弃(它的 `training` 参数默认为 True);请用 `nn.Dropout(p)` 模块,或 "
        "`F.dropout(x, p, training=self.training)`。",
        call="model.eval(); model(x) twice",
        got=f"largest difference {(first - second).abs().max().item():.4g}",
        expected="the same output",
        kata=KATA,
    )


# --- train -----------------------------------------------------------------------------------


def own_train(model, batches, optimizer, *, zero_grad=True):
    """The articles' loop, written in the test: the steps a correct train() takes."""
    model.train()
    for data, target in batches:
        if zero_grad:
            optimizer.zero_grad()
        F.nll_loss(model(data), target).backward()
        optimizer.step()


def test_train_returns_the_mean_loss_per_example(kata, digits):
    # 200 digits in batches of 64, 64, 64 and 8
    batches = loader(digits.train_x[:200], digits.train_y[:200], 64)
    model = linear_probe()
    watch = Watch(model)
    try:
        got = kata.train(
            model, torch.device("cpu"), batches, torch.optim.SGD(model.parameters(), lr=0.03), 1
        )
    finally:
        watch.close()
    call = "train(model, 'cpu', 200 digits in batches of 64, 64, 64, 8, SGD(lr=0.03), epoch=1)"
    if isinstance(got, torch.Tensor):
        fail(
            "train() returned a tensor: return a Python float (`loss.item()` per batch). A loss "
            "tensor kept after the step also keeps its graph alive.",
            "train() 返回了张量:请返回 Python 浮点数(每批用 `loss.item()`)。留在步后的 loss 张量"
            "还会让它的计算图一直存活。",
            call=call,
            got=got,
            kata=KATA,
        )
    expect(
        is_number(got),
        "train() must return the mean training loss per example, a float.",
        "train() 应返回每个样本的平均训练损失(浮点数)。",
        call=call,
        got=show(got),
        expected="a float",
        kata=KATA,
    )
    targets = [target for _, target in batches]
    if len(watch.outputs) == len(targets):  # the losses of the outputs its own passes gave
        losses = [F.nll_loss(o, t, reduction="sum").item() for o, t in zip(watch.outputs, targets)]
        per_example = sum(losses) / 200
        batch_means = sum(loss / len(t) for loss, t in zip(losses, targets)) / len(targets)
    else:  # the model ran more or less than once per batch: take the test's own loop
        twin = linear_probe()
        twin_watch = Watch(twin)
        own_train(twin, batches, torch.optim.SGD(twin.parameters(), lr=0.03))
        twin_watch.close()
        losses = [
            F.nll_loss(o, t, reduction="sum").item() for o, t in zip(twin_watch.outputs, targets)
        ]
        per_example = sum(losses) / 200
        batch_means = sum(loss / len(t) for loss, t in zip(losses, targets)) / len(targets)
    assert abs(per_example - batch_means) > 1e-3  # the test's own check: the two differ
    if abs(got - batch_means) < 1e-4 * max(1.0, abs(batch_means)):
        fail(
            "train() returned the mean of batch means: the last batch holds 8 digits, not 64, "
            "yet it weighs as much as a full one. Sum `loss.item() * len(data)` over the "
            "batches and divide by the number of examples.",
            "train() 返回的是各批均值的平均(mean of batch means):最后一批只有 8 个数字而不是 64 个,"
            "却和整批一样重。请对各批累加 `loss.item() * len(data)`,再除以样本总数。",
            call=call,
            got=show(float(got)),
            expected=f"{per_example:.6g} (the mean per example)",
            kata=KATA,
        )
    sizes = [len(t) for t in targets]
    divisor = diagnose.implied_divisor(per_example * sum(sizes), float(got))
    cause = diagnose.matching(divisor, diagnose.divisor_causes(sum(sizes), sizes), rtol=1e-4)
    if cause is not None:
        fail(f"train() {cause[0]}", f"train() {cause[1]}", call=call, got=show(float(got)),
             expected=f"{per_example:.6g}", kata=KATA)
    expect(
        close(got, per_example, rtol=1e-4, atol=1e-6),
        "train() should return the mean, over every example of the epoch, of the loss computed "
        "for it during the epoch (each batch's mean loss times its size, summed, divided by the "
        "number of examples).",
        "train() 应返回本轮每个样本在训练时算出的损失的平均值(每批平均损失乘以批大小,求和,再除以"
        "样本总数)。",
        call=call,
        got=show(float(got)),
        expected=f"{per_example:.6g}",
        kata=KATA,
    )


def test_train_clears_the_gradients_before_each_step(kata, digits):
    batches = loader(digits.train_x[:128], digits.train_y[:128], 32)  # four steps
    model, right, piled = linear_probe(), linear_probe(), linear_probe()
    kata.train(model, torch.device("cpu"), batches, torch.optim.SGD(model.parameters(), lr=0.03), 1)
    own_train(right, batches, torch.optim.SGD(right.parameters(), lr=0.03))
    own_train(piled, batches, torch.optim.SGD(piled.parameters(), lr=0.03), zero_grad=False)

    def same(a, b):
        return all(
            close(p, q, rtol=1e-4, atol=1e-6) for p, q in zip(a.parameters(), b.parameters())
        )

    call = "train(model, 'cpu', loader of 4 batches of 32, SGD(lr=0.03), epoch=1)"
    got = f"weights {show(next(model.parameters()))}"
    if not same(model, right) and same(model, piled):
        fail(
            "the gradients pile up: without `optimizer.zero_grad()` before each backward, every "
            "step uses the sum of the gradients of all the batches so far (`backward()` adds "
            "into `.grad`). Clear them at the start of each step.",
            "梯度在累加:每次 backward 之前没有 `optimizer.zero_grad()`,每一步用的是此前所有批次"
            "梯度之和(`backward()` 会累加到 `.grad`)。请在每一步开始时清零。",
            call=call,
            got=got,
            expected=f"weights {show(next(right.parameters()))}",
            kata=KATA,
        )
    if not same(model, right):
        probe = linear_probe()
        optimizer = torch.optim.SGD(probe.parameters(), lr=0.03)
        with diagnose.CallOrder(optimizer, next(probe.parameters())) as order:
            kata.train(probe, torch.device("cpu"), batches, optimizer, 1)
        if order.mistake() is not None:
            fail(*diagnose.ORDER_CAUSES[order.mistake()], call=call, got=got,
                 expected=f"weights {show(next(right.parameters()))}", kata=KATA)
    expect(
        same(model, right),
        "after one epoch the weights differ from the articles' loop, written in this test: for "
        "each batch `optimizer.zero_grad()`, `loss = F.nll_loss(model(data), target)`, "
        "`loss.backward()`, `optimizer.step()`. Is `zero_grad` placed before the backward (not "
        "between backward and step), and is the loss the batch mean of `F.nll_loss`?",
        "一轮之后的权重与本测试中按文章写的循环不同:每批 `optimizer.zero_grad()`、"
        "`loss = F.nll_loss(model(data), target)`、`loss.backward()`、`optimizer.step()`。"
        "`zero_grad` 是否放在 backward 之前(而不是 backward 与 step 之间)?损失是否是 "
        "`F.nll_loss` 的批均值?",
        call=call,
        got=got,
        expected=f"weights {show(next(right.parameters()))}",
        kata=KATA,
    )


def test_train_turns_dropout_back_on(kata, digits):
    batches = loader(digits.train_x[:64], digits.train_y[:64], 32)
    model = linear_probe()
    model.eval()  # as test() leaves it after the previous epoch
    watch = Watch(model)
    try:
        kata.train(
            model, torch.device("cpu"), batches, torch.optim.SGD(model.parameters(), lr=0.1), 2
        )
    finally:
        watch.close()
    expect(
        watch.modes and all(watch.modes),
        "train() ran the model in eval mode: test() switched dropout off with `model.eval()`, "
        "and it stays off until `model.train()`, so every epoch after the first would train "
        "without dropout. Call `model.train()` at the start of train().",
        "train() 在评估模式下运行模型:test() 用 `model.eval()` 关掉了 dropout,在 `model.train()` "
        "之前它一直关着,于是第一轮之后的每一轮都在没有 dropout 的情况下训练。请在 train() 开头调用 "
        "`model.train()`。",
        call="model.eval(); train(model, 'cpu', loader, optimizer, epoch=2)",
        got=f"training mode at each forward pass: {watch.modes}",
        expected="True at each pass",
        kata=KATA,
    )


# --- test ------------------------------------------------------------------------------------

TEST_CALL = "test(model, 'cpu', loader of 1000 digits in batches of 300, 300, 300, 100)"


def test_test_returns_the_loss_and_accuracy_per_example(kata, dropout_model, eval_batches):
    batches, honest = eval_batches
    model = copy.deepcopy(dropout_model)
    model.train()  # as train() leaves it
    watch = Watch(model)
    try:
        got = kata.test(model, torch.device("cpu"), batches)
    finally:
        watch.close()
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2 and all(is_number(v) for v in got),
        "test() must return two floats, `(loss, accuracy)`.",
        "test() 应返回两个浮点数 `(loss, accuracy)`。",
        call=TEST_CALL,
        got=show(got),
        expected="(loss, accuracy)",
        kata=KATA,
    )
    loss, accuracy = (float(v) for v in got)
    expect(
        accuracy <= 1.0,
        "the accuracy must be a fraction between 0 and 1, not a percentage: `correct / n`.",
        "准确率应是 0 到 1 之间的比例,而不是百分数:`correct / n`。",
        call=TEST_CALL,
        got=show(accuracy),
        expected=f"{honest.accuracy:.4g}",
        kata=KATA,
    )
    if any(watch.modes):
        fail(
            "test() ran the model in train mode: dropout was on, so the figures are those of a "
            "randomly thinned network, lower and different at every call. Call `model.eval()` "
            "first (and `model.train()` in train()).",
            "test() 在训练模式下运行模型:dropout 开着,得到的是随机删减后的网络的结果,偏低且每次"
            "不同。请先调用 `model.eval()`(并在 train() 里调用 `model.train()`)。",
            call=TEST_CALL,
            got=f"loss {loss:.4f}, accuracy {accuracy:.4f}",
            expected=f"loss {honest.loss:.4f}, accuracy {honest.accuracy:.4f} (in eval mode)",
            kata=KATA,
        )
    if (
        abs(loss - honest.mean_of_batch_losses) < 1e-4
        or abs(accuracy - honest.mean_of_batch_accuracies) < 1e-9
    ):
        fail(
            "test() returned the mean of batch means: the last batch holds 100 digits, the "
            "others 300, yet each batch weighs the same. Sum over examples "
            "(`F.nll_loss(output, target, reduction='sum')`, the number correct) and divide by "
            "the number of examples.",
            "test() 返回的是各批均值的平均(mean of batch means):最后一批只有 100 个数字,其余各 "
            "300 个,却每批同样重。请对样本求和(`F.nll_loss(output, target, reduction='sum')`、"
            "正确个数),再除以样本总数。",
            call=TEST_CALL,
            got=f"loss {loss:.4f}, accuracy {accuracy:.4f}",
            expected=f"loss {honest.loss:.4f}, accuracy {honest.accuracy:.4f}",
            kata=KATA,
        )
    sizes = [len(target) for _, target in batches]
    for got_value, right in ((loss, honest.loss), (accuracy, honest.accuracy)):
        divisor = diagnose.implied_divisor(right * sum(sizes), got_value)
        cause = diagnose.matching(divisor, diagnose.divisor_causes(sum(sizes), sizes), rtol=1e-4)
        if cause is not None:
            fail(f"test() {cause[0]}", f"test() {cause[1]}", call=TEST_CALL,
                 got=f"loss {loss:.6g}, accuracy {accuracy:.6g}",
                 expected=f"loss {honest.loss:.6g}, accuracy {honest.accuracy:.6g}", kata=KATA)
    expect(
        close(loss, honest.loss, rtol=1e-4, atol=1e-6) and abs(accuracy - honest.accuracy) < 1e-9,
        "test() should return the mean `F.nll_loss` per example over the whole test set and "
        "the fraction of digits whose most likely class (`output.argmax(dim=1)`) is the target.",
        "test() 应返回整个测试集上每个样本的平均 `F.nll_loss`,以及最可能类别"
        "(`output.argmax(dim=1)`)等于目标的数字所占比例。",
        call=TEST_CALL,
        got=f"loss {loss:.6g}, accuracy {accuracy:.6g}",
        expected=f"loss {honest.loss:.6g}, accuracy {honest.accuracy:.6g}",
        kata=KATA,
    )


def test_test_evaluates_in_eval_mode_and_repeatably(kata, dropout_model, eval_batches):
    batches, honest = eval_batches
    model = copy.deepcopy(dropout_model)
    model.train()  # as train() leaves it
    watch = Watch(model)
    try:
        first = kata.test(model, torch.device("cpu"), batches)
        model.train()
        second = kata.test(model, torch.device("cpu"), batches)
    finally:
        watch.close()
    expect(
        watch.modes and not any(watch.modes),
        f"test() ran the model in train mode: dropout was on, so each evaluation measured a "
        f"different randomly thinned network, with a lower accuracy ({show(first)} then "
        f"{show(second)}; in eval mode {honest.accuracy:.4f}, the same every time). Call "
        f"`model.eval()` before evaluating.",
        f"test() 在训练模式下运行模型:dropout 开着,每次评估测的都是一个随机删减后的不同网络,"
        f"准确率偏低({show(first)},然后 {show(second)};评估模式下为 {honest.accuracy:.4f},"
        f"每次相同)。评估之前请调用 `model.eval()`。",
        call=TEST_CALL + ", twice, the model in train mode",
        got=f"training mode at each forward pass: {watch.modes}",
        expected="False at each pass",
        kata=KATA,
    )
    expect(
        show(first) == show(second),
        "two evaluations of the same model gave different figures: evaluation must be "
        "deterministic (eval mode, no randomness).",
        "同一模型两次评估的结果不同:评估应当是确定的(评估模式,没有随机性)。",
        call=TEST_CALL + ", twice",
        got=f"{show(first)} then {show(second)}",
        kata=KATA,
    )


def test_test_records_no_graph(kata, dropout_model, eval_batches):
    batches, _ = eval_batches
    model = copy.deepcopy(dropout_model)
    watch = Watch(model)
    try:
        kata.test(model, torch.device("cpu"), batches)
    finally:
        watch.close()
    expect(
        watch.graphs and not any(watch.graphs),
        "test() recorded a graph: the forward passes ran with gradients enabled, so autograd "
        "kept every layer's activations of every test batch for a backward that never comes "
        "(memory and time for nothing). Evaluate under `with torch.no_grad():`.",
        "test() 记录了计算图:前向传播在启用梯度的情况下运行,autograd 为每个测试批次保存了每层的"
        "激活值,等待一个永远不会来的 backward(白白耗费内存和时间)。请在 `with torch.no_grad():` "
        "下评估。",
        call=TEST_CALL,
        got=f"output.requires_grad at each forward pass: {watch.graphs}",
        expected="False at each pass",
        kata=KATA,
    )


# --- the recipe, end to end ------------------------------------------------------------------


def run_recipe(kata, device, train_loader, test_loader, epochs):
    """The articles' recipe: Net, SGD lr 0.025 momentum 0.9, batches of 64."""
    model = kata.Net().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.025, momentum=0.9)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        kata.train(model, device, train_loader, optimizer, epoch)
    loss, accuracy = kata.test(model, device, test_loader)
    return loss, accuracy, time.perf_counter() - start


@pytest.mark.slow
def test_the_recipe_learns_the_subset(kata, record_property):
    train_loader, test_loader = mnist_data.loaders(
        subset=True, batch_size=64, test_batch_size=1000, generator=torch.Generator().manual_seed(0)
    )
    loss, accuracy, seconds = run_recipe(kata, torch.device("cpu"), train_loader, test_loader, 1)
    record_property("accuracy", accuracy)
    record_property("seconds", round(seconds, 2))
    print(f"\nsubset, one epoch: test accuracy {accuracy:.4f}, loss {loss:.4f}, {seconds:.1f} s")
    expect(
        accuracy >= 0.90,
        "one epoch of the articles' recipe (Net, SGD lr 0.025 momentum 0.9, batches of 64) on "
        "the 5,000 training digits of the subset should reach 90% on its 1,000 test digits. "
        "Check the network (dropout off in eval), the order zero_grad, backward, step, and the "
        "accuracy (`output.argmax(dim=1) == target`).",
        "在子集的 5,000 个训练数字上按文章的配方(Net,SGD lr 0.025 momentum 0.9,批大小 64)训练"
        "一轮,在 1,000 个测试数字上应达到 90%。请检查网络(评估时关闭 dropout)、zero_grad、"
        "backward、step 的顺序,以及准确率(`output.argmax(dim=1) == target`)。",
        call="the recipe, one epoch on the subset",
        got=f"accuracy {accuracy:.4f}",
        expected=">= 0.90",
        kata=KATA,
    )


# --- on a GPU --------------------------------------------------------------------------------


DEVICE_WORDS = ("device", "cuda", "cpu")


@pytest.mark.gpu
def test_train_and_test_move_the_batches_to_the_device(kata, digits):
    device = torch.device("cuda")
    batches = loader(
        digits.train_x[:256], digits.train_y[:256], 64
    )  # on the CPU, as a DataLoader gives them
    for name, call in (
        (
            "train",
            lambda m: kata.train(m, device, batches, torch.optim.SGD(m.parameters(), lr=0.1), 1),
        ),
        ("test", lambda m: kata.test(m, device, batches)),
    ):
        model = linear_probe().to(device)
        watch = Watch(model)
        try:
            call(model)
        except RuntimeError as err:
            if not any(w in str(err).lower() for w in DEVICE_WORDS):
                raise
            left = (
                "the batch (`data`)"
                if any(d is not None and d.type != "cuda" for d in watch.devices)
                else "the target"
            )
            fail(
                f"{name}() fed the model a tensor on the wrong device: {left} stayed on the CPU "
                f"while the model is on the GPU. `data.to(device)` returns a new tensor and "
                f"leaves `data` where it was (unlike `model.to(device)`, which moves the model "
                f"itself): write `data, target = data.to(device), target.to(device)`.\n"
                f"  PyTorch said: {err}",
                f"{name}() 把错误设备上的张量交给了模型:{left} 留在 CPU 上,而模型在 GPU 上。"
                f"`data.to(device)` 返回新张量,`data` 本身不动(不同于会移动模型本身的 "
                f"`model.to(device)`):请写 `data, target = data.to(device), target.to(device)`。\n"
                f"  PyTorch 的报错:{err}",
                call=f"{name}(model on cuda, 'cuda', loader of CPU batches, ...)",
                kata=KATA,
            )
        finally:
            watch.close()
        expect(
            watch.devices and all(d is not None and d.type == "cuda" for d in watch.devices),
            f"{name}() fed the model batches on the wrong device: {watch.devices}.",
            f"{name}() 交给模型的批次在错误的设备上:{watch.devices}。",
            call=f"{name}(model on cuda, 'cuda', loader of CPU batches, ...)",
            kata=KATA,
        )


@pytest.mark.gpu
@pytest.mark.slow
def test_the_recipe_reaches_98_percent_on_the_full_mnist(kata, record_property):
    device = torch.device("cuda")
    kata.Net()  # a kata not started says so before the data is looked for
    try:
        train_loader, test_loader = mnist_data.loaders(
            batch_size=64,
            test_batch_size=1000,
            generator=torch.Generator().manual_seed(0),
            num_workers=min(
                4, os.cpu_count() or 1
            ),  # the per-digit transforms, off the main process
            pin_memory=True,
        )
    except mnist_data.MnistNotFound as err:
        pytest.skip(str(err))
    loss, accuracy, seconds = run_recipe(kata, device, train_loader, test_loader, 2)
    record_property("accuracy", accuracy)
    record_property("seconds", round(seconds, 2))
    print(
        f"\nfull MNIST, two epochs: test accuracy {accuracy:.4f}, loss {loss:.4f}, {seconds:.1f} s"
    )
    expect(
        accuracy >= 0.98,
        "two epochs of the articles' recipe (Net, SGD lr 0.025 momentum 0.9, batches of 64) on "
        "the 60,000 training digits should reach 98% on the 10,000 test digits.",
        "在 60,000 个训练数字上按文章的配方(Net,SGD lr 0.025 momentum 0.9,批大小 64)训练两轮,"
        "在 10,000 个测试数字上应达到 98%。",
        call="the recipe, two epochs on the full MNIST",
        got=f"accuracy {accuracy:.4f}",
        expected=">= 0.98",
        kata=KATA,
    )
