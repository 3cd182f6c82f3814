"""train_eval_mode: accuracy in eval mode, without a graph, leaving the model as it was."""

import copy

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo.testing import expect, fail, show

KATA = "train_eval_mode"
N_FEATURES, N_CLASSES = 6, 4


def make_model(*, dropout=True, batchnorm=True, seed=0):
    """A small classifier; BatchNorm's running statistics warmed up on data unlike the test's."""
    torch.manual_seed(seed)
    layers = [nn.Linear(N_FEATURES, 32)]
    if batchnorm:
        layers.append(nn.BatchNorm1d(32))
    layers.append(nn.ReLU())
    if dropout:
        layers.append(nn.Dropout(0.5))
    layers.append(nn.Linear(32, N_CLASSES))
    model = nn.Sequential(*layers)
    if batchnorm:
        gen = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for _ in range(4):
                model(torch.randn(32, N_FEATURES, generator=gen) * 2 + 1)
    model.train()
    return model


def make_batches(model, sizes, *, seed=0):
    """Batches whose labels agree with the model in eval mode for about two thirds of them."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(sum(sizes), N_FEATURES, generator=gen)
    judge = copy.deepcopy(model).eval()
    with torch.no_grad():
        y = judge(X).argmax(dim=1)
    noise = torch.rand(len(y), generator=gen) < 0.35
    y = torch.where(noise, torch.randint(0, N_CLASSES, y.shape, generator=gen), y)
    return list(zip(X.split(sizes), y.split(sizes)))


def eval_counts(model, batches):
    """What the test computes itself, on a copy: per-batch (correct, size) in eval mode."""
    judge = copy.deepcopy(model).eval()
    with torch.no_grad():
        return [((judge(X).argmax(dim=1) == y).sum().item(), len(y)) for X, y in batches]


def expected_accuracy(model, batches):
    counts = eval_counts(model, batches)
    return sum(c for c, _ in counts) / sum(n for _, n in counts)


def snapshot(model):
    """Every parameter and buffer's values (in the model's own order, whatever their names)."""
    return [t.detach().clone() for t in model.state_dict().values()]


def modes(model):
    return [m.training for m in model.modules()]


class Watch:
    """Hooks on every module: its mode, and whether a graph is recorded, while evaluating."""

    def __init__(self, model):
        self.in_train_mode = set()
        self.grad_enabled = False
        self.graph = False
        self.handles = [m.register_forward_pre_hook(self.before) for m in model.modules()]
        self.handles.append(model.register_forward_hook(self.after))

    def before(self, module, args):
        if module.training:
            self.in_train_mode.add(type(module).__name__)  # only for the message
        self.grad_enabled |= torch.is_grad_enabled()

    def after(self, module, args, output):
        self.graph |= isinstance(output, torch.Tensor) and output.requires_grad

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for handle in self.handles:
            handle.remove()


def evaluate(kata, model, batches, call):
    """Call accuracy under the watch; check the answer is a float equal to the test's own."""
    with Watch(model) as watch:
        try:
            got = kata.accuracy(model, batches)
        except ValueError as err:
            if "more than 1 value per channel when training" not in str(err):
                raise
            fail(
                f"BatchNorm refused a batch of one example ({err}): it was in train mode, where "
                f"it normalises with the batch's own mean and variance, and one example has no "
                f"variance. In eval mode it uses its running statistics and any batch size "
                f"works: call `model.eval()` before evaluating.",
                f"BatchNorm 拒绝了只有一个样本的批量({err}):它处于训练模式,要用批量自己的均值和方差"
                f"归一化,而一个样本没有方差。评估模式下它用滑动统计量,任何批量大小都可以:评估前请调用 "
                f"`model.eval()`。",
                call=call,
                kata=KATA,
            )
    expect(
        isinstance(got, float),
        "accuracy must return a Python float: take `.item()` of the counts (a tensor keeps "
        "its device, and its graph if it has one).",
        "accuracy 必须返回 Python float:对计数取 `.item()`(张量会带着它的设备,如果有计算图也会带着)。",
        call=call,
        got=f"{type(got).__name__}: {show(got)}",
        kata=KATA,
    )
    return got, watch


def dropout_left_on(call, watch, got, want):
    fail(
        f"dropout was left on: during evaluation these modules were still in train mode: "
        f"{', '.join(sorted(watch.in_train_mode))}. In train mode Dropout zeroes a random part of "
        f"the activations at every call, so the accuracy is lower and changes from run to run "
        f"(and BatchNorm normalises with each batch's statistics). Call `model.eval()` before "
        f"evaluating; `torch.no_grad()` alone does not switch it off.",
        f"dropout 没有关闭:评估时这些模块仍处于训练模式:{', '.join(sorted(watch.in_train_mode))}。"
        f"训练模式下 Dropout 每次调用都会随机置零一部分激活值,所以准确率偏低,而且每次运行都不同"
        f"(BatchNorm 也会用每个批量自己的统计量归一化)。评估前请调用 `model.eval()`;"
        f"只用 `torch.no_grad()` 关不掉它。",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )


def test_accuracy_is_the_fraction_correct_in_eval_mode(kata):
    model = make_model(batchnorm=False)
    batches = make_batches(model, [50, 50, 7])
    want = expected_accuracy(model, batches)
    call = "accuracy(model, batches) with a model that has dropout, batches of 50, 50 and 7"
    got, watch = evaluate(kata, model, batches, call)
    if abs(got - want) < 1e-6:
        return
    if watch.in_train_mode:
        dropout_left_on(call, watch, got, want)
    counts = eval_counts(model, batches)
    mean_of_means = sum(c / n for c, n in counts) / len(counts)
    if abs(got - mean_of_means) < 1e-6:
        fail(
            "this is the mean of the batch accuracies, not the accuracy over all examples: the "
            "last batch holds 7 examples, not 50, and weighs as much as the others. Count the "
            "correct predictions and the examples over all the batches, then divide once.",
            "这是各批量准确率的平均,而不是所有样本上的准确率:最后一个批量只有 7 个样本,却与其他批量"
            "同等权重。请在所有批量上累计正确数和样本数,最后只除一次。",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )
    sizes = [n for _, n in counts]
    cause = diagnose.matching(diagnose.implied_divisor(want * sum(sizes), got),
                              diagnose.divisor_causes(sum(sizes), sizes), rtol=1e-6)
    if cause is not None:
        fail(f"accuracy {cause[0]}", f"accuracy {cause[1]}", call=call, got=got, expected=want,
             kata=KATA)
    fail(
        "this is not the fraction of examples whose highest-scoring class (`argmax(dim=1)`) "
        "equals the target.",
        "这不是最高分类别(`argmax(dim=1)`)等于目标的样本所占的比例。",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )


def test_the_same_call_gives_the_same_answer_every_time(kata):
    model = make_model()
    batches = make_batches(model, [40, 40], seed=1)
    call = "accuracy(model, batches), three times"
    answers, watches = zip(*(evaluate(kata, model, batches, call) for _ in range(3)))
    if len(set(answers)) > 1:
        if watches[0].in_train_mode:
            dropout_left_on(call, watches[0], show(list(answers)), "three equal answers")
        fail(
            "three calls gave different answers: evaluation must be repeatable.",
            "三次调用给出了不同的结果:评估必须可重复。",
            call=call,
            got=show(list(answers)),
            kata=KATA,
        )


def test_batchnorm_running_statistics_are_untouched(kata):
    model = make_model(dropout=False)
    batches = make_batches(model, [30, 30, 30], seed=2)
    before = snapshot(model)
    want = expected_accuracy(model, batches)
    call = "accuracy(model, batches) with a model that has BatchNorm"
    got, watch = evaluate(kata, model, batches, call)
    changed = [i for i, (a, b) in enumerate(zip(before, snapshot(model))) if not torch.equal(a, b)]
    if changed:
        fail(
            "BatchNorm's running statistics changed: the model was evaluated in train mode, "
            "where BatchNorm normalises with each batch's own statistics and moves its running "
            "mean and variance towards them, so every evaluation drags the model towards the "
            "test data. `torch.no_grad()` does not stop this (they are buffers, not gradients), "
            "and switching off only the dropout layers does not either: `model.eval()` puts "
            "every submodule in eval mode.",
            "BatchNorm 的滑动统计量被改变了:模型是在训练模式下评估的。训练模式下 BatchNorm 用每个批量"
            "自己的统计量归一化,并把滑动均值和方差往它们靠拢,于是每次评估都把模型往测试数据拉。"
            "`torch.no_grad()` 挡不住(它们是缓冲区,不是梯度),只关掉 dropout 层也不行:"
            "`model.eval()` 会把每个子模块都设为评估模式。",
            call=call,
            got=f"{len(changed)} of {len(before)} tensors of the model changed",
            expected="none changed",
            kata=KATA,
        )
    expect(
        abs(got - want) < 1e-6,
        "with BatchNorm in eval mode (normalising with its running statistics) the model gets "
        "another accuracy: were all modules in eval mode while evaluating?",
        "BatchNorm 在评估模式下(用滑动统计量归一化)时,模型的准确率不是这个:评估时所有模块都处于"
        "评估模式了吗?",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )


def test_no_graph_is_recorded_while_evaluating(kata):
    model = make_model()
    batches = make_batches(model, [20, 20], seed=3)
    call = "accuracy(model, batches)"
    _, watch = evaluate(kata, model, batches, call)
    expect(
        not watch.grad_enabled and not watch.graph,
        "the forward passes built a graph: the outputs required grad, so autograd saved the "
        "intermediate results of every layer for a backward that never comes (memory and "
        "time for nothing). Evaluate under `with torch.no_grad():`.",
        "前向传播建立了计算图:输出需要梯度,autograd 为一个永远不会发生的反向传播保存了每一层的中间"
        "结果(白白耗费内存和时间)。请在 `with torch.no_grad():` 下评估。",
        call=call,
        got=f"grad enabled during the forward: {watch.grad_enabled}, output requires grad: "
            f"{watch.graph}",
        expected="no graph",
        kata=KATA,
    )


def test_a_model_in_train_mode_is_given_back_in_train_mode(kata):
    model = make_model()
    batches = make_batches(model, [20, 20], seed=4)
    call = "model.train(); accuracy(model, batches)"
    evaluate(kata, model, batches, call)
    expect(
        all(modes(model)),
        "the model was left in eval mode: the training loop that called accuracy() goes on "
        "training with dropout off and BatchNorm frozen, without a word. Remember the mode "
        "before `model.eval()` and put it back afterwards.",
        "模型被留在了评估模式:调用 accuracy() 的训练循环会在 dropout 关闭、BatchNorm 冻结的情况下"
        "继续训练,而且没有任何提示。请在 `model.eval()` 之前记下模式,评估之后恢复。",
        call=call,
        got=f"training flags of the modules: {modes(model)}",
        expected="all True",
        kata=KATA,
    )


def test_a_model_in_eval_mode_stays_in_eval_mode(kata):
    model = make_model().eval()
    batches = make_batches(model, [20, 20], seed=5)
    call = "model.eval(); accuracy(model, batches)"
    evaluate(kata, model, batches, call)
    expect(
        not any(modes(model)),
        "a model that came in eval mode went out in train mode: `model.train()` at the end is "
        "not \"as it was\". Restore the mode each module had before.",
        "以评估模式传入的模型返回时变成了训练模式:最后调用 `model.train()` 并不是\"恢复原样\"。"
        "请恢复每个模块原来的模式。",
        call=call,
        got=f"training flags of the modules: {modes(model)}",
        expected="all False",
        kata=KATA,
    )


def test_mixed_modes_are_restored_module_by_module(kata):
    """A frozen BatchNorm (eval) inside a model that trains: each module gets its own mode back."""
    model = make_model()
    frozen = model[1]  # the BatchNorm of the test's own model
    frozen.eval()
    before = modes(model)
    batches = make_batches(model, [20, 20], seed=6)
    call = "model.train(); model[1].eval()  (a frozen BatchNorm); accuracy(model, batches)"
    evaluate(kata, model, batches, call)
    after = modes(model)
    if after != before:
        if frozen.training:
            en = ("the frozen BatchNorm was switched to train mode: `model.train()` sets every "
                  "submodule to train, including one the caller had put in eval on purpose. "
                  "Remember each module's mode (`[(m, m.training) for m in model.modules()]`) and "
                  "restore each one.")
            zh = ("被冻结的 BatchNorm 被切换成了训练模式:`model.train()` 会把每个子模块都设为训练模式,"
                  "包括调用方特意设为评估模式的那个。请记下每个模块的模式"
                  "(`[(m, m.training) for m in model.modules()]`)并逐个恢复。")
        else:
            en = ("the modules did not get their own modes back: remember each module's mode, "
                  "not only the model's, and restore each one.")
            zh = "模块没有恢复各自的模式:请记下每个模块的模式,而不仅仅是整个模型的,并逐个恢复。"
        fail(en, zh, call=call, got=f"training flags: {after}",
             expected=f"training flags: {before}", kata=KATA)


NESTED = {
    # a model in train with a batch norm frozen deep inside (in the ModuleList of a block of the
    # test's own class)
    "train, a batch norm frozen deep inside": lambda m: m[2].layers[1].eval(),
    # a model in eval but for one block that trains, with a frozen batch norm inside it
    "eval but one block in train, a batch norm inside it frozen":
        lambda m: (m.eval(), m[2].train(), m[2].layers[1].eval()),
}


def check_nested_modes(evaluate, model, call):
    """Evaluate a nested model with mixed modes deep inside; every module keeps its own mode,
    or the failure names which kind of restore lost it."""
    before = diagnose.modes(model)
    evaluate(model)
    after = diagnose.modes(model)
    mistake = diagnose.mode_mistake(before, after)
    if mistake is not None:
        fail(*mistake, call=call, got=diagnose.mode_changes(before, after),
             expected="every module in the mode it was in", kata=KATA)


@pytest.mark.parametrize("start", list(NESTED))
def test_modes_deep_inside_nested_modules_are_restored(kata, start):
    """Sequential in Sequential, a ModuleList and a ModuleDict in a module of the test's own
    class: restoring the model and its children only is not enough."""
    model = diagnose.nested_model(N_FEATURES, N_CLASSES, seed=7)
    NESTED[start](model)
    batches = make_batches(model, [10, 10], seed=7)
    want = expected_accuracy(model, batches)
    call = f"accuracy(model, batches) with a nested model in {start}"
    got = {}
    check_nested_modes(lambda m: got.setdefault("accuracy", evaluate(kata, m, batches, call)[0]),
                       model, call)
    expect(
        abs(got["accuracy"] - want) < 1e-6,
        "with every module of the nested model in eval mode the accuracy is another: was every "
        "module, however deep, in eval mode while evaluating? `model.eval()` reaches them all.",
        "嵌套模型的每个模块都处于评估模式时,准确率不是这个:评估时每个模块(无论多深)都处于评估模式了吗?"
        "`model.eval()` 会到达所有模块。",
        call=call,
        got=got["accuracy"],
        expected=want,
        kata=KATA,
    )


@settings(report_multiple_bugs=False)  # one failure, with its message, not a group of them
@given(sizes=st.lists(st.integers(1, 12), min_size=1, max_size=6), seed=st.integers(0, 2**10))
def test_any_split_into_batches_gives_the_accuracy_over_all_examples(kata, sizes, seed):
    model = make_model(seed=seed)
    batches = make_batches(model, sizes, seed=seed)
    want = expected_accuracy(model, batches)
    call = f"accuracy(model, batches) with batches of sizes {sizes}"
    got, watch = evaluate(kata, model, batches, call)
    if abs(got - want) >= 1e-6 and watch.in_train_mode:
        dropout_left_on(call, watch, got, want)
    expect(
        abs(got - want) < 1e-6,
        "the accuracy over all examples is the number correct over the number of examples, "
        "whatever the batch sizes (not the mean of the batch accuracies).",
        "所有样本上的准确率是正确数除以样本数,与批量大小无关(不是各批量准确率的平均)。",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )
