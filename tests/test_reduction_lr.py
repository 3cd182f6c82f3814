"""reduction_lr: reduction='sum' takes the steps of 'mean' once the lr is divided by the batch size."""

import contextlib
import copy
import math
import random

import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook

from dojo import diagnose
from dojo.datasets import synthetic_data
from dojo.testing import close, expect, fail, show

KATA = "reduction_lr"


@contextlib.contextmanager
def optimizer_steps():
    """The parameters after every optimizer step taken inside the block (any torch optimizer)."""
    steps = []

    def record(optimizer, args, kwargs):
        steps.append([p.detach().clone() for g in optimizer.param_groups for p in g["params"]])

    handle = register_optimizer_step_post_hook(record)
    try:
        yield steps
    finally:
        handle.remove()


def params_of(net):
    return [p.detach().clone() for p in net.parameters()]


def same(a, b, rtol=1e-4, atol=1e-6):
    return len(a) == len(b) and all(close(p, q, rtol=rtol, atol=atol) for p, q in zip(a, b))


def distance(a, b):
    return math.sqrt(sum(float((p - q).pow(2).sum()) for p, q in zip(a, b)))


def as_result(result, call):
    ok = isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], nn.Module)
    expect(
        ok,
        "train_concise must return `(net, losses)`: the trained module and the list of the "
        "per-epoch losses.",
        "train_concise 应当返回 `(net, losses)`:训练好的模块和每轮损失的列表。",
        call=call,
        got=show(result),
        kata=KATA,
    )
    return result


# --- lr_for_sum_reduction ----------------------------------------------------------------------


def one_step(reduction, lr, X, y, seed):
    torch.manual_seed(seed)
    net = nn.Linear(X.shape[1], 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    nn.MSELoss(reduction=reduction)(net(X), y).backward()
    optimizer.step()
    return params_of(net)


def check_sum_lr(kata, lr, batch_size, seed):
    call = f"lr_for_sum_reduction({lr:.4g}, {batch_size})"
    got = kata.lr_for_sum_reduction(lr, batch_size)
    expect(
        isinstance(got, (int, float)) or (isinstance(got, torch.Tensor) and got.numel() == 1),
        "lr_for_sum_reduction must return a number, the learning rate.",
        "lr_for_sum_reduction 应当返回一个数:学习率。",
        call=call,
        got=show(got),
        kata=KATA,
    )
    got = float(got)
    X, y = synthetic_data(batch_size, seed=seed)
    want = one_step("mean", lr, X, y, seed)
    stepped = one_step("sum", got, X, y, seed)
    if same(stepped, want):
        return
    if batch_size > 1 and math.isclose(got, lr, rel_tol=1e-6):
        fail(
            f"the same lr for 'sum': with reduction='sum' the loss, and so its gradient, is "
            f"batch_size = {batch_size} times the 'mean' one, so the same lr takes steps "
            f"{batch_size} times larger. Divide the lr by the batch size.",
            f"'sum' 用了同样的学习率:reduction='sum' 时损失及其梯度是 'mean' 的 batch_size = "
            f"{batch_size} 倍,同样的 lr 会让每一步大 {batch_size} 倍。请把学习率除以批量大小。",
            call=call,
            got=show(got),
            expected=f"an lr whose 'sum' step equals the 'mean' step with lr={lr:.4g}",
            kata=KATA,
        )
    if batch_size > 1 and math.isclose(got, lr * batch_size, rel_tol=1e-6):
        fail(
            "the lr was multiplied by the batch size: 'sum' already makes the gradient "
            "batch_size times larger, so its lr must be batch_size times *smaller*.",
            "学习率乘以了批量大小:'sum' 已经让梯度大了 batch_size 倍,学习率应当小 batch_size 倍。",
            call=call,
            got=show(got),
            kata=KATA,
        )
    fail(
        f"one SGD step with reduction='sum' and this lr differs from the step with "
        f"reduction='mean' and lr={lr:.4g} (computed here with nn.Linear, nn.MSELoss and "
        f"torch.optim.SGD on a batch of {batch_size}).",
        f"用 reduction='sum' 和这个学习率走一步 SGD,与 reduction='mean'、lr={lr:.4g} 走的一步不同"
        f"(这里用 nn.Linear、nn.MSELoss 和 torch.optim.SGD 在 {batch_size} 个样本的批量上计算)。",
        call=call,
        got=f"step to {show(stepped[0])}",
        expected=f"step to {show(want[0])}",
        kata=KATA,
    )


def test_lr_for_sum_reduction_takes_the_mean_step(kata):
    check_sum_lr(kata, 0.03, 10, seed=0)


@settings(max_examples=10)
@given(lr=st.floats(1e-3, 0.5), batch_size=st.integers(1, 64), seed=st.integers(0, 2**16))
def test_lr_for_sum_reduction_for_any_batch_size(kata, lr, batch_size, seed):
    check_sum_lr(kata, lr, batch_size, seed)


# --- train_concise: 'mean' and 'sum' step by step ------------------------------------------------


def check_mean_equals_sum(kata, n, batch_size, num_epochs, seed, lr=0.03):
    features, labels = synthetic_data(n, seed=seed)
    kwargs = dict(lr=lr, batch_size=batch_size, num_epochs=num_epochs, seed=seed)
    base = (f"train_concise(features ({n}, 2), labels, lr={lr}, batch_size={batch_size}, "
            f"num_epochs={num_epochs}, seed={seed}")
    start, _ = as_result(kata.train_concise(features, labels, lr=lr, batch_size=batch_size,
                                            num_epochs=0, seed=seed), base + ", num_epochs=0)")
    start = params_of(start)
    runs = {}
    for reduction in ("mean", "sum"):
        call = f"{base}, reduction={reduction!r})"
        with optimizer_steps() as steps:
            net, _ = as_result(kata.train_concise(features, labels, reduction=reduction,
                                                  **kwargs), call)
        runs[reduction] = (params_of(net), steps)
    (mean_final, mean_steps), (sum_final, sum_steps) = runs["mean"], runs["sum"]
    call = f"{base}) with reduction='mean' and with reduction='sum'"
    expect(
        len(mean_steps) == len(sum_steps),
        "the 'mean' and the 'sum' runs made a different number of optimizer steps: both go "
        "through the same batches, one step each.",
        "'mean' 和 'sum' 两次运行的优化器步数不同:两者走过同样的批量,每个批量一步。",
        call=call,
        got=f"{len(mean_steps)} and {len(sum_steps)} steps",
        kata=KATA,
    )
    for i, (m, s) in enumerate(zip(mean_steps, sum_steps)):
        if same(m, s):
            continue
        before = start if i == 0 else mean_steps[i - 1]
        ratio = distance(s, before) / max(distance(m, before), 1e-30)
        shown = dict(got=f"'sum': {show(s[0])}", expected=f"'mean': {show(m[0])}")
        if batch_size > 1 and abs(ratio - batch_size) < 0.05 * batch_size:
            fail(
                f"the same lr for 'sum': at step {i + 1} the 'sum' run moved {ratio:.3g} times as "
                f"far as the 'mean' run. A summed loss has batch_size = {batch_size} times the "
                f"gradient of the mean, so with the same lr every step is batch_size times "
                f"larger. Give SGD `lr_for_sum_reduction(lr, batch_size)` when "
                f"reduction='sum'.",
                f"'sum' 用了同样的学习率:第 {i + 1} 步 'sum' 走的距离是 'mean' 的 {ratio:.3g} 倍。"
                f"求和损失的梯度是平均损失的 batch_size = {batch_size} 倍,学习率不变的话每一步都大 "
                f"batch_size 倍。reduction='sum' 时请给 SGD 传 `lr_for_sum_reduction(lr, batch_size)`。",
                call=call,
                kata=KATA,
                **shown,
            )
        b = batch_size
        cause = diagnose.matching(ratio, [
            (float(b * b), (
                f"the 'sum' run's lr was multiplied by the batch size: at step {i + 1} it moved "
                f"{ratio:.3g} times as far as the 'mean' run, batch_size^2 = {b * b}: the summed "
                f"loss already makes the gradient {b} times larger, and the lr made it {b} "
                f"times larger again. For 'sum' the lr is `lr / batch_size`.",
                f"'sum' 的学习率乘以了批量大小:第 {i + 1} 步 'sum' 走的距离是 'mean' 的 {ratio:.3g} 倍,"
                f"即 batch_size^2 = {b * b}:求和损失已经让梯度大了 {b} 倍,学习率又让它再大 {b} 倍。"
                f"'sum' 的学习率是 `lr / batch_size`。",
            )),
            (1 / b, (
                f"the 'sum' run's lr was divided by the batch size twice: at step {i + 1} it "
                f"moved {ratio:.3g} times as far as the 'mean' run, 1/batch_size. Divide once: "
                f"`lr_for_sum_reduction(lr, batch_size)` for 'sum', the lr as given for 'mean'.",
                f"'sum' 的学习率除了两次批量大小:第 {i + 1} 步 'sum' 走的距离是 'mean' 的 {ratio:.3g} 倍,"
                f"即 1/batch_size。只除一次:'sum' 用 `lr_for_sum_reduction(lr, batch_size)`,'mean' "
                f"直接用给定的学习率。",
            )),
        ]) if b > 1 else None
        if cause is not None:
            fail(*cause, call=call, kata=KATA, **shown)
        fail(
            f"after step {i + 1} the 'sum' run's parameters differ from the 'mean' run's (it moved "
            f"{ratio:.3g} times as far): with the same seed, the same batches and "
            f"lr_for_sum_reduction(lr, batch_size), the two must take the same steps. Is the lr "
            f"rescaled for 'sum' only, and are the batches and the initial weights drawn from "
            f"the seed alone?",
            f"第 {i + 1} 步之后 'sum' 的参数与 'mean' 不同(走的距离是 {ratio:.3g} 倍):同样的 seed、"
            f"同样的批量,再加上 lr_for_sum_reduction(lr, batch_size),两者每一步都应相同。学习率是否"
            f"只对 'sum' 做了换算?批量顺序和初始权重是否只由 seed 决定?",
            call=call,
            kata=KATA,
            **shown,
        )
    if same(mean_final, sum_final):
        return
    ratio = distance(sum_final, start) / max(distance(mean_final, start), 1e-30)
    fail(
        "the 'sum' run ended with other parameters than the 'mean' run. When batch_size "
        "divides the dataset size, the two take the same steps once the 'sum' lr is "
        "lr / batch_size; with the same lr for 'sum' every step is batch_size times larger.",
        "'sum' 运行结束时的参数与 'mean' 不同。批量大小整除数据集大小时,只要 'sum' 的学习率是 "
        "lr / batch_size,两者每一步都相同;'sum' 用同样的学习率,每一步就大 batch_size 倍。",
        call=call,
        got=f"'sum': {show(sum_final[0])} (moved {ratio:.3g} times as far)",
        expected=f"'mean': {show(mean_final[0])}",
        kata=KATA,
    )


def test_train_concise_sum_takes_the_steps_of_mean(kata):
    check_mean_equals_sum(kata, n=40, batch_size=8, num_epochs=2, seed=3)


@settings(max_examples=10, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(batch_size=st.integers(1, 6), batches=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_train_concise_sum_equals_mean_for_any_dividing_batch_size(kata, batch_size, batches,
                                                                    seed):
    # No shrinking: each example trains three times, and the first failure names the pitfall.
    check_mean_equals_sum(kata, n=batch_size * batches, batch_size=batch_size, num_epochs=2,
                          seed=seed)


# --- train_concise: the reported losses --------------------------------------------------------


def mean_of_batch_means(net, features, labels, batch_size):
    """The per-epoch figure a common slip reports: the mean of the batch means over the
    dataset in its stored order (the short last batch weighing as much as a full one)."""
    with torch.no_grad():
        means = [nn.MSELoss()(net(X), y).item()
                 for X, y in zip(features.split(batch_size), labels.split(batch_size))]
    return sum(means) / len(means)


def check_losses(kata, reduction, n=63, batch_size=6):
    """n = 63: batches of 6 leave a tail of 3, where a mean of batch means differs from the
    mean per example (with a dividing size the two agree, and the slip would pass)."""
    features, labels = synthetic_data(n, seed=8)
    reported = {}
    for epochs in (1, 2):
        call = (f"train_concise(features ({n}, 2), labels, reduction={reduction!r}, "
                f"batch_size={batch_size}, num_epochs={epochs}, seed=5)")
        net, losses = as_result(kata.train_concise(features, labels, reduction=reduction,
                                                   batch_size=batch_size, num_epochs=epochs,
                                                   seed=5), call)
        expect(
            isinstance(losses, (list, tuple)) and len(losses) == epochs,
            "`losses` must hold one figure per epoch.",
            "`losses` 应当每轮有一个数。",
            call=call,
            got=show(losses),
            expected=f"a list of {epochs}",
            kata=KATA,
        )
        for value in losses:
            expect(
                not (isinstance(value, torch.Tensor) and value.requires_grad),
                "a reported loss is a tensor that requires grad: it keeps its graph alive. "
                "Report `loss.item()`, computed under `torch.no_grad()`.",
                "记录的损失是需要梯度的张量:它会让计算图一直存在。请在 `torch.no_grad()` 下计算并"
                "记录 `loss.item()`。",
                call=call,
                got=show(value),
                kata=KATA,
            )
        got = float(losses[-1])
        with torch.no_grad():
            want = nn.MSELoss()(net(features), labels).item()
        reported[epochs] = [float(v) for v in losses]
        if abs(got - want) <= 1e-4 * max(want, 1e-6):
            continue
        ratio = got / want if want else float("inf")
        shown = dict(call=call, got=show(got), expected=show(want), kata=KATA)
        if abs(ratio - n) < 0.01 * n:
            fail(
                f"the reported loss is {ratio:.4g} times larger than the mean squared error per "
                f"example, n = {n} times: it is the loss of the whole dataset summed with "
                f"reduction='sum'. Report the figure per example, whatever the training "
                f"reduction: `nn.MSELoss()` (mean), or the sum divided by n.",
                f"记录的损失是每个样本均方误差的 {ratio:.4g} 倍,正好是 n = {n} 倍:这是用 "
                f"reduction='sum' 对整个数据集求和的损失。不管训练用哪种 reduction,都要记录每个样本的"
                f"数值:用 `nn.MSELoss()`(mean),或把总和除以 n。",
                **shown,
            )
        if batch_size / 2 < ratio < batch_size * 2:
            fail(
                f"the reported loss is {ratio:.4g} times larger than the mean squared error per "
                f"example, about batch_size = {batch_size} times: a batch's loss summed with "
                f"reduction='sum' is not a per-example figure. After each epoch, report the mean "
                f"squared error over the whole dataset (`nn.MSELoss()` on all features).",
                f"记录的损失是每个样本均方误差的 {ratio:.4g} 倍,约为 batch_size = {batch_size} 倍:"
                f"用 reduction='sum' 求和的批量损失不是每个样本的数值。每轮结束后,请记录整个数据集上的"
                f"均方误差(对全部特征用 `nn.MSELoss()`)。",
                **shown,
            )
        if abs(got - mean_of_batch_means(net, features, labels, batch_size)) <= 1e-5 * want:
            fail(
                f"the reported loss is the mean of the batch means: with {n} examples in "
                f"batches of {batch_size} the last batch holds {n % batch_size}, yet it weighs "
                f"as much as a full one. Report the mean squared error per example over the "
                f"whole dataset: `nn.MSELoss()(net(features), labels)`, or the batches' summed "
                f"losses divided by n.",
                f"记录的损失是各批均值的平均:{n} 个样本按每批 {batch_size} 个分,最后一批只有 "
                f"{n % batch_size} 个,却和满批一样重。请记录整个数据集上每个样本的均方误差:"
                f"`nn.MSELoss()(net(features), labels)`,或者把各批的求和损失加起来再除以 n。",
                **shown,
            )
        fail(
            f"the figure reported for the last epoch is not the mean squared error per example "
            f"over the whole dataset, taken after the epoch (as `nn.MSELoss()` computes it, "
            f"without a half) with the returned net: it is {ratio:.4g} times that figure.",
            f"最后一轮记录的数值不是该轮结束后、用返回的网络在整个数据集上算出的每个样本均方误差"
            f"(与 `nn.MSELoss()` 相同,不除以 2):它是那个数值的 {ratio:.4g} 倍。",
            **shown,
        )
    expect(
        math.isclose(reported[1][0], reported[2][0], rel_tol=1e-4, abs_tol=1e-8),
        "the first epoch's figure changed with num_epochs: with the same seed, the first epoch "
        "is the same run, and its loss is taken right after it.",
        "第一轮的数值随 num_epochs 变化了:同样的 seed 下第一轮是同一次运行,它的损失应在这一轮"
        "结束后立刻计算。",
        call=f"train_concise(..., reduction={reduction!r}, num_epochs=1) and num_epochs=2",
        got=f"{reported[1][0]:.6g} and {reported[2][0]:.6g}",
        kata=KATA,
    )


def test_train_concise_reports_the_mean_loss_per_example(kata):
    check_losses(kata, "mean")


def test_train_concise_reports_a_sum_run_per_example_too(kata):
    check_losses(kata, "sum")


# --- train_concise: training, seeding, shuffling -----------------------------------------------


def test_train_concise_fits_the_data(kata):
    """'mean' here; 'sum' takes the very same steps (tested above), so it fits as well."""
    features, labels = synthetic_data(1000)
    call = "train_concise(features, labels) on d2l's 1000 examples (w = [2, -3.4], b = 4.2)"
    net, losses = as_result(kata.train_concise(features, labels), call)
    with torch.no_grad():
        out = net(features)
    expect(
        out.shape == labels.shape,
        "the net must map features (n, 2) to predictions (n, 1): one `nn.Linear(2, 1)`.",
        "网络应把特征 (n, 2) 映射到预测 (n, 1):一个 `nn.Linear(2, 1)`。",
        call=call,
        got=f"output of shape {tuple(out.shape)}",
        expected=f"shape {tuple(labels.shape)}",
        kata=KATA,
    )
    loss = nn.MSELoss()(out, labels).item()
    expect(
        loss < 1e-3,
        "after 3 epochs (lr 0.03, batch size 10) the fit is poor, where the articles reach a "
        "loss near 1e-4. With reduction='mean' the lr is used as given; only 'sum' divides it "
        "by the batch size.",
        "3 轮训练(lr 0.03,批量 10)之后拟合很差,而文章里的损失约为 1e-4。reduction='mean' 时"
        "学习率直接使用;只有 'sum' 才除以批量大小。",
        call=call,
        got=f"loss {loss:.3g}",
        expected="< 1e-3",
        kata=KATA,
    )


def test_train_concise_is_seeded_by_its_seed_alone(kata):
    features, labels = synthetic_data(30, seed=9)
    runs = {}
    for label, seed, epochs, global_seed in (
        ("start a", 1, 0, 10), ("start b", 1, 0, 20), ("start c", 2, 0, 10),
        ("run a", 1, 1, 10), ("run b", 1, 1, 20),
    ):
        torch.manual_seed(global_seed)  # the global random state must not matter
        random.seed(global_seed)
        call = f"train_concise(features, labels, batch_size=5, num_epochs={epochs}, seed={seed})"
        net, losses = as_result(kata.train_concise(features, labels, batch_size=5,
                                                   num_epochs=epochs, seed=seed), call)
        runs[label] = (params_of(net), [float(v) for v in losses])
    expect(
        same(runs["start a"][0], runs["start b"][0], rtol=0, atol=0),
        "the initial weights differ between two calls with the same seed: draw them from the "
        "seed (e.g. `net.weight.normal_(0, 0.01, generator=generator)`, or seed before building "
        "the layer), not from whatever the global random state is.",
        "同一个 seed 的两次调用初始权重不同:请由 seed 生成初始权重(例如 "
        "`net.weight.normal_(0, 0.01, generator=generator)`,或在创建层之前设定种子),"
        "而不是依赖当时的全局随机状态。",
        call="train_concise(..., num_epochs=0, seed=1) twice, the global RNG reseeded in between",
        got=f"{show(runs['start a'][0][0])} then {show(runs['start b'][0][0])}",
        kata=KATA,
    )
    expect(
        not same(runs["start a"][0], runs["start c"][0], rtol=0, atol=0),
        "seeds 1 and 2 gave the same initial weights: the seed must also seed the layer's "
        "initial weights.",
        "seed 1 和 seed 2 给出了相同的初始权重:seed 也要决定层的初始权重。",
        call="train_concise(..., num_epochs=0, seed=1) and seed=2",
        kata=KATA,
    )
    expect(
        same(runs["run a"][0], runs["run b"][0], rtol=0, atol=0)
        and runs["run a"][1] == runs["run b"][1],
        "two runs with the same seed ended differently: shuffle with a generator seeded with "
        "`seed` (`DataLoader(..., shuffle=True, generator=generator)`), not with the global "
        "random state.",
        "同一个 seed 的两次运行结果不同:请用以 `seed` 设定种子的生成器打乱"
        "(`DataLoader(..., shuffle=True, generator=generator)`),而不是全局随机状态。",
        call="train_concise(..., num_epochs=1, seed=1) twice, the global RNG reseeded in between",
        got=f"{show(runs['run a'][0][0])} then {show(runs['run b'][0][0])}",
        kata=KATA,
    )


def test_train_concise_shuffles_its_batches(kata):
    n, batch_size, lr = 30, 5, 0.1
    features, labels = synthetic_data(n, seed=10)
    start, _ = as_result(kata.train_concise(features, labels, lr=lr, batch_size=batch_size,
                                            num_epochs=0, seed=4), "train_concise(..., num_epochs=0)")
    net = copy.deepcopy(start)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    for i in range(0, n, batch_size):  # the stored order, never shuffled
        optimizer.zero_grad()
        nn.MSELoss()(net(features[i : i + batch_size]), labels[i : i + batch_size]).backward()
        optimizer.step()
    call = f"train_concise(features ({n}, 2), labels, lr={lr}, batch_size={batch_size}, " \
           f"num_epochs=1, seed=4)"
    trained, _ = as_result(kata.train_concise(features, labels, lr=lr, batch_size=batch_size,
                                              num_epochs=1, seed=4), call)
    expect(
        not same(params_of(trained), params_of(net)),
        "the batches came in the stored order: shuffle every epoch "
        "(`DataLoader(dataset, batch_size, shuffle=True, generator=generator)`).",
        "批量是按存储顺序取的:每一轮都要打乱(`DataLoader(dataset, batch_size, shuffle=True, "
        "generator=generator)`)。",
        call=call,
        kata=KATA,
    )
