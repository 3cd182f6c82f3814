"""no_grad: validation and evaluation record no graph, never reach the gradients, and leave
autograd and the model's modes as they found them."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo.datasets import thermometer
from dojo.memory import SavedTensorLog
from dojo.testing import close, expect, fail, show

KATA = "no_grad"


@pytest.fixture(autouse=True)
def grad_mode_back_on():
    """A kata that switches autograd off globally must not break the tests that follow."""
    yield
    torch.set_grad_enabled(True)


def mse(params, t_u, t_c):
    w, b = params
    return ((w * t_u + b - t_c) ** 2).mean()


def split(seed=0):
    """The thermometer readings (t_u scaled by 0.1, as in the articles), 9 for training and 2
    for validation, shuffled by a seeded generator."""
    t_u, t_c = thermometer()
    order = torch.randperm(len(t_u), generator=torch.Generator().manual_seed(seed))
    train, val = order[:-2], order[-2:]
    t_un = 0.1 * t_u
    return t_un[train], t_un[val], t_c[train], t_c[val]


# --- calc_forward ----------------------------------------------------------------------------


def test_calc_forward_records_a_graph_when_training(kata):
    t_u, _, t_c, _ = split()
    params = torch.tensor([2.0, -3.0], requires_grad=True)
    loss = kata.calc_forward(t_u, t_c, params, True)
    call = "calc_forward(t_u, t_c, params, is_train=True)"
    want = mse(params.detach(), t_u, t_c)
    expect(
        isinstance(loss, torch.Tensor) and close(loss, want, rtol=1e-5),
        "the loss is not the mean squared error of `w * t_u + b` against `t_c`.",
        "损失不等于 `w * t_u + b` 与 `t_c` 的均方误差。",
        call=call,
        got=loss,
        expected=want,
        kata=KATA,
    )
    expect(
        loss.requires_grad and loss.grad_fn is not None,
        "with is_train=True the loss must carry its graph (requires_grad, a grad_fn), or the "
        "training step has nothing to backpropagate. Record the graph when `is_train` is true: "
        "`with torch.set_grad_enabled(is_train): ...`.",
        "is_train=True 时损失必须带着计算图(requires_grad、grad_fn),否则训练步骤没有东西可反向"
        "传播。`is_train` 为真时要记录计算图:`with torch.set_grad_enabled(is_train): ...`。",
        call=call,
        got=f"requires_grad={loss.requires_grad}, grad_fn={loss.grad_fn}",
        kata=KATA,
    )
    loss.backward()
    w, b = params.detach()
    residual = 2 * (w * t_u + b - t_c)
    want_grad = torch.stack([(residual * t_u).mean(), residual.mean()])
    expect(
        params.grad is not None and close(params.grad, want_grad, rtol=1e-4, atol=1e-5),
        "the gradient of the training loss with respect to params is wrong.",
        "训练损失对 params 的梯度不对。",
        call=call + "; loss.backward()",
        got=params.grad,
        expected=want_grad,
        kata=KATA,
    )


def test_calc_forward_records_no_graph_when_not_training(kata):
    t_u, _, t_c, _ = split()
    params = torch.tensor([2.0, -3.0], requires_grad=True)
    call = "calc_forward(t_u, t_c, params, is_train=False)"
    with SavedTensorLog() as log:
        loss = kata.calc_forward(t_u, t_c, params, False)
    torch.set_grad_enabled(True)
    want = mse(params.detach(), t_u, t_c)
    expect(
        isinstance(loss, torch.Tensor) and close(loss, want, rtol=1e-5),
        "the loss is not the mean squared error of `w * t_u + b` against `t_c`.",
        "损失不等于 `w * t_u + b` 与 `t_c` 的均方误差。",
        call=call,
        got=loss,
        expected=want,
        kata=KATA,
    )
    expect(
        not loss.requires_grad and loss.grad_fn is None,
        "the outputs require grad: with is_train=False the loss still carries a graph, which "
        "holds on to every tensor the backward would need, for a backward that never comes. "
        "Compute it with recording off (`with torch.set_grad_enabled(is_train):`).",
        "输出需要梯度:is_train=False 时损失仍然带着计算图,图会一直占着反向传播所需的张量,"
        "而反向传播根本不会发生。请在关闭记录的情况下计算(`with torch.set_grad_enabled(is_train):`)。",
        call=call,
        got=f"requires_grad={loss.requires_grad}, grad_fn={loss.grad_fn}",
        expected="requires_grad=False, grad_fn=None",
        kata=KATA,
    )
    expect(
        log.count == 0,
        "a graph was built and then thrown away: autograd saved tensors for backward during the "
        "call, so the memory and time were spent anyway (`.detach()` at the end hides the graph, "
        "it does not avoid it). Switch recording off before the forward pass.",
        "计算图先建好又被丢掉了:调用过程中 autograd 为反向传播保存了张量,内存和时间照样花了"
        "(最后 `.detach()` 只是把图藏起来,并没有避免它)。请在前向计算之前关闭记录。",
        call=call,
        got=f"{log.count} tensors saved for backward",
        expected="none",
        kata=KATA,
    )


@pytest.mark.parametrize("is_train", [False, True])
def test_calc_forward_leaves_autograd_switched_on(kata, is_train):
    t_u, _, t_c, _ = split()
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    kata.calc_forward(t_u, t_c, params, is_train)
    still_on = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    expect(
        still_on,
        "autograd is still switched off after the call: `torch.set_grad_enabled(False)` called "
        "as a plain statement switches recording off for the whole program, and the next "
        "training step silently records nothing. Use it as a context manager, "
        "`with torch.set_grad_enabled(is_train):`, which restores the mode on the way out.",
        "调用结束后 autograd 仍然是关闭的:把 `torch.set_grad_enabled(False)` 当普通语句调用,会对"
        "整个程序关闭记录,之后的训练步骤悄悄地什么都不记录。请把它当作上下文管理器使用:"
        "`with torch.set_grad_enabled(is_train):`,离开时会恢复原来的模式。",
        call=f"calc_forward(t_u, t_c, params, is_train={is_train}); torch.is_grad_enabled()",
        got="False",
        expected="True",
        kata=KATA,
    )


@given(
    w=st.floats(-10, 10),
    b=st.floats(-20, 20),
    is_train=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_calc_forward_is_the_same_loss_with_and_without_a_graph(kata, w, b, is_train, seed):
    t_u, _, t_c, _ = split(seed)
    params = torch.tensor([w, b], requires_grad=True)
    loss = kata.calc_forward(t_u, t_c, params, is_train)
    torch.set_grad_enabled(True)
    want = mse(params.detach(), t_u, t_c)
    expect(
        isinstance(loss, torch.Tensor) and close(loss, want, rtol=1e-4, atol=1e-4),
        "the loss depends on is_train, or is not the mean squared error: switching the graph "
        "off must not change the value.",
        "损失随 is_train 而变,或者不是均方误差:关闭计算图不应改变数值。",
        call=f"calc_forward(t_u, t_c, params=[{w:.4g}, {b:.4g}], is_train={is_train})",
        got=loss,
        expected=want,
        kata=KATA,
    )


# --- training_loop ---------------------------------------------------------------------------

OPTIMIZERS = {
    "SGD(lr=1e-2)": lambda p: torch.optim.SGD(p, lr=1e-2),
    "Adam(lr=1e-1)": lambda p: torch.optim.Adam(p, lr=1e-1),
}


def reference_training(make_optimizer, start, data, n_epochs, *, leak=False):
    """The loop written out in the test: the params after every step, the (train, val) losses
    at each of those points, and the last gradient. With `leak`, the validation gradient is
    added to the training one (the pitfall), to recognise it."""
    train_t_u, val_t_u, train_t_c, val_t_c = data
    params = start.detach().clone().requires_grad_()
    optimizer = make_optimizer([params])
    points = [params.detach().clone()]
    grad = None
    for _ in range(n_epochs + 1):  # one more than asked, to recognise `range(n_epochs + 1)`
        loss = mse(params, train_t_u, train_t_c)
        if leak:
            loss = loss + mse(params, val_t_u, val_t_c)
        optimizer.zero_grad()
        loss.backward()
        grad = params.grad.detach().clone() if len(points) == n_epochs else grad
        optimizer.step()
        points.append(params.detach().clone())
    with torch.no_grad():
        losses = [(mse(p, train_t_u, train_t_c).item(), mse(p, val_t_u, val_t_c).item())
                  for p in points]
    return points, losses, grad


def run_loop(kata, make_optimizer, n_epochs, data, log=None):
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = make_optimizer([params])
    train_t_u, val_t_u, train_t_c, val_t_c = data
    result = kata.training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c,
                                val_t_c)
    return params, result


def unpack(result, call):
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(
            "training_loop must return a pair `(params, history)`.",
            "training_loop 必须返回二元组 `(params, history)`。",
            call=call,
            got=show(result),
            kata=KATA,
        )
    return result


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_loop_steps_on_the_training_loss_alone(kata, name):
    make_optimizer, n_epochs, data = OPTIMIZERS[name], 100, split()
    call = f"training_loop({n_epochs}, {name}, params=[1.0, 0.0], ...thermometer split...)"
    params, result = run_loop(kata, make_optimizer, n_epochs, data)
    returned, _ = unpack(result, call)
    start = torch.tensor([1.0, 0.0])
    points, _, last_grad = reference_training(make_optimizer, start, data, n_epochs)
    leaky, _, _ = reference_training(make_optimizer, start, data, n_epochs, leak=True)
    got, want = params.detach(), points[n_epochs]
    if not close(got, want, rtol=1e-4, atol=1e-4):
        if close(got, leaky[n_epochs], rtol=1e-4, atol=1e-4):
            fail(
                "the gradients of the validation set leaked into the step: `val_loss.backward()` "
                "adds the validation gradient onto the training gradient in `params.grad`, since "
                "both losses come from the same params, so the optimizer trains on the "
                "validation set too. Compute the validation loss under `torch.no_grad()` and "
                "never call backward on it.",
                "验证集的梯度漏进了更新步骤:`val_loss.backward()` 会把验证梯度加到 `params.grad` "
                "里的训练梯度上(两个损失来自同一个 params),于是优化器也在验证集上训练。请在 "
                "`torch.no_grad()` 下计算验证损失,并且永远不要对它调用 backward。",
                call=call,
                got=got,
                expected=want,
                kata=KATA,
            )
        if close(got, points[n_epochs + 1], rtol=1e-4, atol=1e-4):
            fail(
                f"the loop made {n_epochs + 1} steps for n_epochs={n_epochs}: "
                f"`range(n_epochs + 1)` runs one epoch too many. Use `range(1, n_epochs + 1)`.",
                f"n_epochs={n_epochs} 时循环走了 {n_epochs + 1} 步:`range(n_epochs + 1)` 多跑了一个"
                f"epoch。请用 `range(1, n_epochs + 1)`。",
                call=call,
                got=got,
                expected=want,
                kata=KATA,
            )
        params = torch.tensor([1.0, 0.0], requires_grad=True)
        optimizer = make_optimizer([params])
        with diagnose.CallOrder(optimizer, params) as order:
            kata.training_loop(3, optimizer, params, *data)
        if order.mistake() is not None:
            fail(*diagnose.ORDER_CAUSES[order.mistake()], call=call, got=got, expected=want,
                 kata=KATA)
        fail(
            "the parameters differ from training on the training set alone (one optimizer step "
            "per epoch on the gradient of the training loss). Did something else reach the "
            "gradients, or was a step skipped or repeated?",
            "参数与只在训练集上训练的结果不同(每个 epoch 按训练损失的梯度走一步)。是否有别的东西"
            "进入了梯度,或者少走、多走了一步?",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )
    expect(
        returned is params,
        "training_loop must return the params it trained (the same tensor, as the articles do).",
        "training_loop 必须返回它训练的那个 params(同一个张量,与文章一致)。",
        call=call,
        got=show(returned),
        kata=KATA,
    )
    grad = params.grad
    expect(
        grad is None
        or not grad.abs().sum().item()
        or close(grad, last_grad, rtol=1e-4, atol=1e-5),
        "after the loop `params.grad` holds more than the last training gradient: the "
        "gradients of the validation set leaked into it (`val_loss.backward()`). The validation "
        "pass must never reach the gradients.",
        "循环结束后 `params.grad` 里不只有最后一次的训练梯度:验证集的梯度漏了进去"
        "(`val_loss.backward()`)。验证过程绝不能碰到梯度。",
        call=call + "; params.grad",
        got=grad,
        expected=f"None, zeros or {show(last_grad)}",
        kata=KATA,
    )


def test_training_loop_history_holds_two_floats_per_epoch(kata):
    n_epochs, data = 20, split(1)
    call = f"training_loop({n_epochs}, SGD(lr=1e-2), params, ...)"
    _, result = run_loop(kata, OPTIMIZERS["SGD(lr=1e-2)"], n_epochs, data)
    _, history = unpack(result, call)
    expect(
        len(history) == n_epochs,
        f"history must hold one `(train_loss, val_loss)` pair per epoch: {n_epochs} of them.",
        f"history 每个 epoch 应有一对 `(train_loss, val_loss)`:共 {n_epochs} 对。",
        call=call + "; len(history)",
        got=str(len(history)),
        expected=str(n_epochs),
        kata=KATA,
    )
    for epoch, entry in enumerate(history, 1):
        pair = tuple(entry) if isinstance(entry, (tuple, list)) else (entry,)
        tensors = [v for v in pair if isinstance(v, torch.Tensor)]
        if any(t.requires_grad for t in tensors):
            fail(
                f"history keeps loss tensors that require grad (epoch {epoch}): each one keeps "
                f"its whole graph alive, with every tensor saved for backward, for as long as "
                f"the history lives. Store plain numbers: `loss.item()` or `float(loss)`.",
                f"history 保存了需要梯度的损失张量(第 {epoch} 个 epoch):每个张量都让整张计算图连同"
                f"为反向传播保存的所有张量一直活着,和 history 一样久。请存普通数字:`loss.item()` 或 "
                f"`float(loss)`。",
                call=call + f"; history[{epoch - 1}]",
                got=show(pair),
                expected="(float, float)",
                kata=KATA,
            )
        expect(
            len(pair) == 2 and all(isinstance(v, float) for v in pair),
            f"each entry of history must be a pair of Python floats `(train_loss, val_loss)` "
            f"(`loss.item()`), not tensors or anything else (epoch {epoch}).",
            f"history 的每一项必须是一对 Python 浮点数 `(train_loss, val_loss)`(`loss.item()`),"
            f"不能是张量或别的东西(第 {epoch} 个 epoch)。",
            call=call + f"; history[{epoch - 1}]",
            got=show(pair),
            expected="(float, float)",
            kata=KATA,
        )


class RecordingSGD(torch.optim.SGD):
    """SGD that remembers the params before its first step and after each step, so that the
    history can be checked against the kata's own trajectory, whatever else it got wrong."""

    def __init__(self, params, lr):
        params = list(params)
        super().__init__(params, lr=lr)
        self.watched = params[0]
        self.points = []

    def step(self, closure=None):
        if not self.points:
            self.points.append(self.watched.detach().clone())
        result = super().step(closure)
        self.points.append(self.watched.detach().clone())
        return result


def test_training_loop_history_holds_the_losses_of_each_epoch(kata):
    n_epochs, data = 30, split(2)
    train_t_u, val_t_u, train_t_c, val_t_c = data
    call = f"training_loop({n_epochs}, SGD(lr=1e-2), params=[1.0, 0.0], ...)"
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = RecordingSGD([params], lr=1e-2)
    result = kata.training_loop(n_epochs, optimizer, params, *data)
    _, history = unpack(result, call)
    with torch.no_grad():
        losses = [(mse(p, train_t_u, train_t_c).item(), mse(p, val_t_u, val_t_c).item())
                  for p in optimizer.points]
    try:
        got = [tuple(float(torch.as_tensor(v).detach()) for v in entry)
               for entry in history[:n_epochs]]
    except (TypeError, ValueError, RuntimeError):
        fail(
            "history must hold one pair of floats `(train_loss, val_loss)` per epoch.",
            "history 每个 epoch 应有一对浮点数 `(train_loss, val_loss)`。",
            call=call,
            got=show(history[:3]),
            kata=KATA,
        )

    def matches(which, shift):  # the loss of epoch k, taken before (0) or after (1) its step
        return len(got) == n_epochs and len(losses) >= n_epochs + shift and all(
            len(g) == 2
            and abs(g[which] - losses[k + shift][which]) <= 1e-4 * max(1.0, abs(g[which]))
            for k, g in enumerate(got)
        )

    for which, name, zh in ((0, "training", "训练"), (1, "validation", "验证")):
        expect(
            matches(which, 0) or matches(which, 1),
            f"the {name} losses in history are not those of the params of each epoch (taken "
            f"before or after its step), on the {name} set, as mean squared errors.",
            f"history 中的{zh}损失不是每个 epoch 的参数(在该步更新之前或之后)在{zh}集上的均方误差。",
            call=call,
            got=show([g[which] for g in got[:4]]),
            expected=show([v[which] for v in losses[:4]]) + " (before each step)",
            kata=KATA,
        )


def test_training_loop_records_no_graph_for_the_validation_pass(kata):
    n_epochs, data = 5, split(3)
    train_t_u, val_t_u, _, _ = data
    call = f"training_loop({n_epochs}, SGD(lr=1e-2), params, train_t_u, val_t_u, ...)"
    with SavedTensorLog() as log:
        run_loop(kata, OPTIMIZERS["SGD(lr=1e-2)"], n_epochs, data)
    expect(
        not log.saves(val_t_u),
        "the validation pass built a graph: autograd saved `val_t_u` for a backward pass that "
        "should never come, and the graph lives as long as the validation loss does. Run the "
        "validation forward inside `with torch.no_grad():`.",
        "验证过程建立了计算图:autograd 为一个本不该发生的反向传播保存了 `val_t_u`,而且只要验证"
        "损失还在,这张图就一直活着。请把验证的前向计算放进 `with torch.no_grad():`。",
        call=call,
        got="val_t_u saved for backward",
        expected="no graph for the validation pass",
        kata=KATA,
    )


# --- evaluate --------------------------------------------------------------------------------


def mixed_model(seed=0):
    """A model in train mode with dropout and two batch norms, one of them frozen in eval mode
    (the test's own model), with running statistics that are not the defaults."""
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(4, 16),
        nn.BatchNorm1d(16),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(16, 8),
        nn.BatchNorm1d(8),
        nn.Linear(8, 3),
    )
    with torch.no_grad():
        model(torch.randn(64, 4) * 3 + 1)  # move the running statistics off their defaults
    model.train()
    model[5].eval()  # frozen: it stays in eval while the rest trains
    return model


def modes(model):
    return {name or "(the model)": module.training for name, module in model.named_modules()}


def expected_outputs(model, X):
    saved = [(m, m.training) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        out = model(X)
    for m, training in saved:
        m.training = training
    return out


def evaluate_watching_modes(kata, model, X):
    """evaluate(model, X), and the layers (modules without children) that ran in train mode."""
    training = []
    handles = [m.register_forward_pre_hook(
        lambda m, args, name=name: training.append(f"{name} ({type(m).__name__})")
        if m.training else None)
        for name, m in model.named_modules() if not list(m.children())]
    try:
        return kata.evaluate(model, X), training
    finally:
        for handle in handles:
            handle.remove()


def check_eval_outputs(out, want, training, call):
    """The outputs are the eval-mode ones, or the failure says which layers ran in train mode."""
    if isinstance(out, torch.Tensor) and close(out, want, rtol=1e-4, atol=1e-5):
        return
    expect(
        not training,
        f"the outputs are not those of the model in eval mode: during the forward pass these "
        f"layers were in train mode: {', '.join(training)}. In train mode dropout drops units "
        f"and batch norm uses the statistics of this batch instead of its running ones. Call "
        f"`model.eval()` before the forward pass: it reaches every module, however deep.",
        f"输出不是模型在 eval 模式下的输出:前向计算时这些层处于 train 模式:{', '.join(training)}。"
        f"train 模式下 dropout 会随机丢弃单元,batch norm 用的是这一批的统计量而不是累计的统计量。"
        f"请在前向计算之前调用 `model.eval()`:它会到达每个模块,无论多深。",
        call=call,
        got=out,
        expected=want,
        kata=KATA,
    )
    fail(
        "the outputs are not those of the model in eval mode, though every layer was in eval "
        "mode during the forward pass: are they the model's own outputs for X, unchanged?",
        "输出不是模型在 eval 模式下的输出,虽然前向计算时每一层都处于 eval 模式:它们是模型对 X 的原样"
        "输出吗?",
        call=call,
        got=out,
        expected=want,
        kata=KATA,
    )


def test_evaluate_gives_the_eval_mode_outputs(kata):
    model = mixed_model()
    X = torch.randn(10, 4, generator=torch.Generator().manual_seed(5))
    want = expected_outputs(model, X)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    out, training = evaluate_watching_modes(kata, model, X)
    again = kata.evaluate(model, X)
    call = "evaluate(model, X) with a model in train mode (dropout, batch norm)"
    check_eval_outputs(out, want, training, call)
    expect(
        isinstance(again, torch.Tensor) and close(again, out),
        "evaluating twice gave different outputs: the evaluation is not repeatable.",
        "两次评估得到的输出不同:评估结果不可复现。",
        call=call + ", twice",
        got=again,
        expected=out,
        kata=KATA,
    )
    changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
    expect(
        not changed,
        f"evaluating changed the model ({', '.join(changed)}): batch norm in train mode updates "
        f"its running statistics at every forward pass. Evaluate in eval mode.",
        f"评估改变了模型({', '.join(changed)}):train 模式下的 batch norm 每次前向计算都会更新"
        f"累计统计量。请在 eval 模式下评估。",
        call=call,
        kata=KATA,
    )


def test_evaluate_outputs_do_not_require_grad(kata):
    model = mixed_model(1)
    X = torch.randn(6, 4, generator=torch.Generator().manual_seed(6))
    call = "evaluate(model, X)"
    with SavedTensorLog() as log:
        out = kata.evaluate(model, X)
    expect(
        isinstance(out, torch.Tensor) and not out.requires_grad and out.grad_fn is None,
        "the outputs require grad: the evaluation recorded a graph, which keeps every "
        "intermediate tensor the backward would need alive as long as the outputs are. Nobody "
        "backpropagates through an evaluation: run the forward pass under `torch.no_grad()`.",
        "输出需要梯度:评估过程记录了计算图,只要输出还在,反向传播所需的中间张量就一直占着内存。"
        "评估时没人会反向传播:请在 `torch.no_grad()` 下做前向计算。",
        call=call,
        got=f"requires_grad={getattr(out, 'requires_grad', None)}, "
        f"grad_fn={getattr(out, 'grad_fn', None)}",
        expected="requires_grad=False, grad_fn=None",
        kata=KATA,
    )
    expect(
        log.count == 0,
        "a graph was built and then thrown away: autograd saved tensors for backward during the "
        "evaluation, so the memory was spent anyway (`.detach()` on the outputs hides the graph, "
        "it does not avoid it). Run the forward pass under `torch.no_grad()`.",
        "计算图先建好又被丢掉了:评估过程中 autograd 为反向传播保存了张量,内存照样花了"
        "(对输出 `.detach()` 只是把图藏起来,并没有避免它)。请在 `torch.no_grad()` 下做前向计算。",
        call=call,
        got=f"{log.count} tensors saved for backward",
        expected="none",
        kata=KATA,
    )


@pytest.mark.parametrize("start", ["train, with a frozen batch norm in eval", "eval"])
def test_evaluate_leaves_every_module_in_its_mode(kata, start):
    model = mixed_model(2)
    if start == "eval":
        model.eval()
    before = modes(model)
    kata.evaluate(model, torch.randn(5, 4, generator=torch.Generator().manual_seed(7)))
    after = modes(model)
    changed = [f"{name}: {'train' if before[name] else 'eval'} -> "
               f"{'train' if after[name] else 'eval'}" for name in before
               if after[name] != before[name]]
    expect(
        not changed,
        "evaluate left the model's modes changed: afterwards every module must be in the mode "
        "it was in. `model.train()` at the end is not a restore: it also switches on a frozen "
        "batch norm that was meant to stay in eval, and a model that was in eval comes back in "
        "train. Remember each module's `training` flag before, and put each one back.",
        "evaluate 改变了模型的模式:调用之后每个模块都必须回到原来的模式。最后调用 "
        "`model.train()` 并不是恢复:它会把本该保持 eval 的冻结 batch norm 也切回 train,原本处于 "
        "eval 的模型也会变成 train。请先记下每个模块的 `training` 标志,再逐个恢复。",
        call=f"evaluate(model, X) with a model in {start}",
        got="; ".join(changed),
        expected="every module in the mode it was in",
        kata=KATA,
    )


NESTED = {
    "train, a batch norm frozen deep inside": lambda m: m[2].layers[1].eval(),
    "eval but one block in train, a batch norm inside it frozen":
        lambda m: (m.eval(), m[2].train(), m[2].layers[1].eval()),
}


@pytest.mark.parametrize("start", list(NESTED))
def test_evaluate_leaves_modules_deep_inside_nested_containers_in_their_modes(kata, start):
    """Sequential in Sequential, a ModuleList and a ModuleDict in a module of the test's own
    class: restoring the model and its children only is not enough."""
    model = diagnose.nested_model(4, 3, seed=3)
    NESTED[start](model)
    X = torch.randn(6, 4, generator=torch.Generator().manual_seed(8))
    want = expected_outputs(model, X)
    before = diagnose.modes(model)
    call = f"evaluate(model, X) with a nested model in {start}"
    out, training = evaluate_watching_modes(kata, model, X)
    after = diagnose.modes(model)
    mistake = diagnose.mode_mistake(before, after)
    if mistake is not None:
        fail(*mistake, call=call, got=diagnose.mode_changes(before, after),
             expected="every module in the mode it was in", kata=KATA)
    check_eval_outputs(out, want, training, call)
