"""batch_division: a summed loss's gradient is divided by the batch size, once."""

import math
import random

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo.datasets import synthetic_data
from dojo.testing import close, expect, expect_changed_in_place, fail, show

KATA = "batch_division"

TRUE_W = torch.tensor([[2.0], [-3.4]])
TRUE_B = 4.2


def params_with_summed_grads(batch_size, *, seed=0):
    """w (2, 1) and b (1,), leaves whose `.grad` is the gradient of a loss *summed* over a batch."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(batch_size, 2, generator=gen)
    y = X @ TRUE_W + TRUE_B
    w = torch.randn(2, 1, generator=gen).requires_grad_()
    b = torch.randn(1, generator=gen).requires_grad_()
    ((X @ w + b - y) ** 2 / 2).sum().backward()
    return w, b


# --- squared_loss ------------------------------------------------------------------------------


def check_squared_loss(got, want, call):
    """Fail, naming the pitfall, unless `got` is the per-example loss `want`."""
    if isinstance(got, torch.Tensor) and close(got, want):
        return
    n = len(want)
    if isinstance(got, torch.Tensor) and got.shape == (n, n) and n > 1:
        fail(
            f"the loss was broadcast into ({n}, {n}): `({n}, 1) - ({n},)` does not subtract "
            f"example by example, broadcasting pairs every prediction with every label, so the "
            f"summed loss and its gradient are wrong without any error. Reshape the label "
            f"first: `y.reshape(y_hat.shape)`.",
            f"损失被广播成了 ({n}, {n}):`({n}, 1) - ({n},)` 不是逐个样本相减,广播会把每个预测和"
            f"每个标签两两配对,求和后的损失和梯度都错了,却不会报错。先把标签变形:"
            f"`y.reshape(y_hat.shape)`。",
            call=call,
            got=f"shape {tuple(got.shape)}",
            expected=f"shape ({n}, 1)",
            kata=KATA,
        )
    if isinstance(got, torch.Tensor) and got.numel() == 1 and n > 1:
        fail(
            "squared_loss returned one number: it must return one loss per example, shaped like "
            "`y_hat`. The training loop sums it (`l.sum().backward()`) and `sgd` divides by the "
            "batch size; averaging here as well would average twice.",
            "squared_loss 只返回了一个数:它应当返回每个样本的损失,形状与 `y_hat` 相同。训练循环会"
            "求和(`l.sum().backward()`),`sgd` 再除以批量大小;在这里再取平均就平均了两次。",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )
    fail(
        "squared_loss must be (y_hat - y)^2 / 2 for each example, shaped like `y_hat` (a label "
        "of shape (n,) is reshaped to `y_hat`'s shape, not broadcast).",
        "squared_loss 应当对每个样本计算 (y_hat - y)^2 / 2,形状与 `y_hat` 相同(形状为 (n,) 的"
        "标签要先变形成 `y_hat` 的形状,不能广播)。",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )


def test_squared_loss_is_per_example_and_shaped_like_y_hat(kata):
    y_hat = torch.tensor([[1.0], [2.0], [4.0]])
    y = torch.tensor([[0.0], [2.0], [1.0]])
    got = kata.squared_loss(y_hat, y)
    want = torch.tensor([[0.5], [0.0], [4.5]])
    check_squared_loss(got, want, "squared_loss(y_hat of shape (3, 1), y of shape (3, 1))")


def test_squared_loss_does_not_broadcast_a_flat_label_into_a_matrix(kata):
    y_hat = torch.tensor([[1.0], [2.0], [4.0], [0.0], [3.0]])
    y = torch.tensor([0.0, 2.0, 1.0, 1.0, 3.0])
    got = kata.squared_loss(y_hat, y)
    want = torch.tensor([[0.5], [0.0], [4.5], [0.5], [0.0]])
    check_squared_loss(got, want, "squared_loss(y_hat of shape (5, 1), y of shape (5,))")


@settings(max_examples=15)
@given(n=st.integers(1, 8), flat=st.booleans(), seed=st.integers(0, 2**16))
def test_squared_loss_for_any_size_and_label_shape(kata, n, flat, seed):
    gen = torch.Generator().manual_seed(seed)
    y_hat = torch.randn(n, 1, generator=gen)
    y = torch.randn(n, 1, generator=gen)
    got = kata.squared_loss(y_hat, y.reshape(-1) if flat else y)
    label = f"({n},)" if flat else f"({n}, 1)"
    check_squared_loss(got, (y_hat - y) ** 2 / 2,
                       f"squared_loss(y_hat of shape ({n}, 1), y of shape {label})")


def test_squared_loss_keeps_the_graph_to_the_prediction(kata):
    y_hat = torch.tensor([[1.0], [2.0], [4.0]], requires_grad=True)
    y = torch.tensor([0.0, 2.0, 1.0])
    loss = kata.squared_loss(y_hat, y)
    expect(
        isinstance(loss, torch.Tensor) and loss.requires_grad,
        "the loss does not require grad: it was computed outside the graph (detached, under "
        "`no_grad`, or through numbers), so `backward()` cannot reach the parameters.",
        "损失不需要梯度:它是在计算图之外算出来的(detach、`no_grad` 或转成了 Python 数),"
        "`backward()` 到不了参数。",
        call="squared_loss(y_hat (requires grad), y)",
        got=loss,
        kata=KATA,
    )
    loss.sum().backward()
    want = torch.tensor([[1.0], [0.0], [3.0]])
    expect(
        close(y_hat.grad, want),
        "the gradient of the summed loss with respect to `y_hat` should be `y_hat - y` per "
        "example. If the loss broadcast (n, 1) against (n,) into (n, n), every prediction is "
        "pulled towards every label: reshape `y` to `y_hat`'s shape.",
        "求和后的损失对 `y_hat` 的梯度应当逐样本等于 `y_hat - y`。如果损失把 (n, 1) 和 (n,) 广播"
        "成了 (n, n),每个预测都会被拉向每个标签:请把 `y` 变形成 `y_hat` 的形状。",
        call="squared_loss(y_hat, y).sum().backward()",
        got=y_hat.grad,
        expected=want,
        kata=KATA,
    )


# --- sgd ---------------------------------------------------------------------------------------


def step_causes(batch_size, n=None):
    """What each known mistake makes of the step, as a factor of the right one (lr times the
    mean gradient), and the words that name it. `n`: the dataset size, where there is one."""
    b = batch_size
    causes = [
        (float(b), (
            f"no division by the batch size: the step is lr times the gradient of the summed "
            f"loss, which is batch_size = {b} times the mean gradient, so every step is {b} "
            f"times too large (and the right lr would change with the batch size). Step by "
            f"`lr * param.grad / batch_size`.",
            f"没有除以批量大小:这一步是 lr 乘以求和损失的梯度,它是平均梯度的 batch_size = {b} "
            f"倍,所以每一步都大了 {b} 倍(合适的学习率还会随批量大小而变)。应当按 "
            f"`lr * param.grad / batch_size` 更新。",
        )),
        (1 / b, (
            f"averaged twice: every step is batch_size = {b} times too small. Taking the mean "
            f"loss (`l.mean().backward()`) and dividing by batch_size in `sgd` as well divides "
            f"the gradient by the batch size twice. Sum the loss (`l.sum().backward()`) and "
            f"divide once, in `sgd`.",
            f"平均了两次:每一步都小了 batch_size = {b} 倍。先取平均损失(`l.mean().backward()`),"
            f"`sgd` 里又除以 batch_size,梯度就被除了两次。请对损失求和(`l.sum().backward()`),"
            f"只在 `sgd` 里除一次。",
        )),
        (-1.0, (
            "the step went uphill: `param += lr * grad` (or a minus sign lost) moves along the "
            "gradient, where the loss grows. Subtract: `param -= lr * param.grad / batch_size`.",
            "这一步走向了上坡:`param += lr * grad`(或丢了负号)沿着梯度方向走,损失反而增大。"
            "应当减去:`param -= lr * param.grad / batch_size`。",
        )),
    ]
    if n is not None and n != b:
        causes.append((b / n, (
            f"divided by the dataset size: every step is lr times the summed gradient of a "
            f"batch of {b} divided by n = {n}, the number of all the examples, so it is {b}/{n} "
            f"of the mean gradient's step. Divide by the number of examples in the batch "
            f"(`sgd([w, b], lr, len(X))` or `batch_size`), not by `len(features)`.",
            f"除以了整个数据集的大小:每一步是 lr 乘以 {b} 个样本的求和梯度再除以 n = {n}(全部样本数),"
            f"只有平均梯度那一步的 {b}/{n}。请除以这个批量里的样本数(`sgd([w, b], lr, len(X))` 或 "
            f"`batch_size`),而不是 `len(features)`。",
        )))
    return causes


def check_step(name, param, start, grad, lr, batch_size, call):
    """Fail, naming the mistake the step's size measures, unless `param` is
    `start - lr * grad / batch_size`."""
    want = start - lr * grad / batch_size
    tol = dict(rtol=1e-4, atol=1e-6)
    if close(param, want, **tol):
        return
    shown = dict(call=call, got=param, expected=want, kata=KATA)
    if close(param, start, rtol=0, atol=0):
        fail(
            f"`{name}` did not change: update the caller's tensor in place (`param -= ...`) "
            f"under `torch.no_grad()`.",
            f"`{name}` 没有变化:请在 `torch.no_grad()` 下原地更新调用方的张量(`param -= ...`)。",
            **shown,
        )
    s = diagnose.ratio(param.detach() - start, want - start)
    cause = diagnose.matching(s, step_causes(batch_size)) if batch_size > 1 else None
    if cause is not None:
        fail(*cause, **shown)
    en, zh = diagnose.unexplained((f"the step of `{name}`", f"`{name}` 的这一步"), s,
                                  ("`lr * param.grad / batch_size`", "`lr * param.grad / batch_size`"))
    fail(
        f"`{name}` after the step is not `param - lr * param.grad / batch_size`: {en}",
        f"更新后的 `{name}` 不等于 `param - lr * param.grad / batch_size`:{zh}",
        **shown,
    )


def test_sgd_steps_by_the_mean_gradient(kata):
    batch_size, lr = 10, 0.03
    w, b = params_with_summed_grads(batch_size)
    before = [w.detach().clone(), b.detach().clone()]
    grads = [w.grad.clone(), b.grad.clone()]
    kata.sgd([w, b], lr, batch_size)
    call = f"sgd([w, b], lr={lr}, batch_size={batch_size}) after `loss.sum().backward()`"
    check_step("w", w, before[0], grads[0], lr, batch_size, call)
    check_step("b", b, before[1], grads[1], lr, batch_size, call)


def test_sgd_updates_in_place_keeps_leaves_and_clears_the_gradient(kata):
    w, b = params_with_summed_grads(4)
    ids, storages = [id(w), id(b)], [w.data_ptr(), b.data_ptr()]
    params = [w, b]
    kata.sgd(params, 0.1, 4)
    call = "sgd([w, b], lr=0.1, batch_size=4)"
    # the list's entries: a `params[i] = ...` that replaces them is caught too
    expect_changed_in_place(list(zip("wb", params)), ids, storages, call=call, kata=KATA)
    for name, p in (("w", w), ("b", b)):
        expect(
            p.grad is None or not p.grad.abs().sum().item(),
            f"the gradient of `{name}` was left uncleared: the next `backward()` would add onto "
            f"it. Clear it after the step (`param.grad.zero_()`).",
            f"`{name}` 的梯度没有清零:下一次 `backward()` 会累加上去。更新后请清零"
            f"(`param.grad.zero_()`)。",
            call=call,
            got=p.grad,
            expected="zeros or None",
            kata=KATA,
        )


@settings(max_examples=15)
@given(batch_size=st.integers(1, 64), lr=st.floats(1e-3, 1.0), seed=st.integers(0, 2**16))
def test_sgd_divides_by_any_batch_size(kata, batch_size, lr, seed):
    w, b = params_with_summed_grads(batch_size, seed=seed)
    before = [w.detach().clone(), b.detach().clone()]
    grads = [w.grad.clone(), b.grad.clone()]
    kata.sgd([w, b], lr, batch_size)
    call = f"sgd([w, b], lr={lr:.4g}, batch_size={batch_size})"
    check_step("w", w, before[0], grads[0], lr, batch_size, call)
    check_step("b", b, before[1], grads[1], lr, batch_size, call)


def test_sgd_on_a_summed_loss_equals_gradient_descent_on_the_mean_loss(kata):
    """Step by step: summed loss + sgd(..., batch_size) against the mean gradient, in the test."""
    X, y = synthetic_data(16, seed=5)
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    w_ref, b_ref = w.detach().clone(), b.detach().clone()
    lr = 0.1
    for step in range(1, 6):
        call = f"sgd([w, b], lr={lr}, batch_size={len(X)}), step {step}"
        before = [w.detach().clone(), b.detach().clone()]
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        residual = X @ before[0] + before[1] - y
        fresh = [X.T @ residual, residual.sum(0)]  # this step's gradient, written out
        for name, p, g in (("w", w, fresh[0]), ("b", b, fresh[1])):
            expect(
                close(p.grad, g, rtol=1e-4, atol=1e-5),
                *diagnose.uncleared(f"`{name}.grad`", step, "the previous `sgd` call"),
                call=call,
                got=p.grad,
                expected=g,
                kata=KATA,
            )
        kata.sgd([w, b], lr, len(X))
        check_step("w", w, before[0], fresh[0], lr, len(X), call)
        check_step("b", b, before[1], fresh[1], lr, len(X), call)
        residual = X @ w_ref + b_ref - y
        w_ref -= lr * X.T @ residual / len(X)
        b_ref -= lr * residual.mean(0)
        expect(
            close(w, w_ref, rtol=1e-4, atol=1e-6) and close(b, b_ref, rtol=1e-4, atol=1e-6),
            f"after step {step}, summed loss + sgd(..., batch_size) differs from gradient descent "
            f"on the mean loss, though each step looked right on its own.",
            f"第 {step} 步之后,求和损失 + sgd(..., batch_size) 与对平均损失做梯度下降的结果不同,"
            f"虽然每一步单独看都是对的。",
            call=call,
            got=f"w = {show(w)}, b = {show(b)}",
            expected=f"w = {show(w_ref)}, b = {show(b_ref)}",
            kata=KATA,
        )


# --- train_linreg -------------------------------------------------------------------------------


def gd_trajectory(X, y, w0, b0, lr, steps):
    """Full-batch gradient descent on the mean squared loss / 2, computed in the test."""
    w, b = w0.detach().clone(), b0.detach().clone()
    out = []
    for _ in range(steps):
        residual = X @ w + b - y
        w = w - lr * X.T @ residual / len(X)
        b = b - lr * residual.mean(0)
        out.append((w, b))
    return out


def as_pair(result, call):
    ok = isinstance(result, tuple) and len(result) == 2
    ok = ok and all(isinstance(t, torch.Tensor) for t in result)
    expect(
        ok,
        "train_linreg must return the trained tensors `(w, b)`.",
        "train_linreg 应当返回训练好的张量 `(w, b)`。",
        call=call,
        got=show(result),
        kata=KATA,
    )
    return result


def test_train_linreg_returns_w_and_b_of_the_right_shapes(kata):
    X, y = synthetic_data(20, seed=1)
    call = "train_linreg(features (20, 2), labels (20, 1), batch_size=10, num_epochs=1)"
    w, b = as_pair(kata.train_linreg(X, y, batch_size=10, num_epochs=1), call)
    expect(
        w.shape == (2, 1) and b.shape == (1,),
        "w must have shape (d, 1) and b shape (1,), as in the articles.",
        "w 的形状应为 (d, 1),b 的形状应为 (1,),与文章一致。",
        call=call,
        got=f"w {tuple(w.shape)}, b {tuple(b.shape)}",
        expected="w (2, 1), b (1,)",
        kata=KATA,
    )
    expect(
        w.grad_fn is None and b.grad_fn is None,
        "the returned parameters carry a grad_fn: an update was recorded in the graph. Update "
        "under `torch.no_grad()`.",
        "返回的参数带有 grad_fn:有更新被记录进了计算图。请在 `torch.no_grad()` 下更新。",
        call=call,
        got=f"w.grad_fn = {w.grad_fn}, b.grad_fn = {b.grad_fn}",
        expected="None",
        kata=KATA,
    )


def test_train_linreg_full_batch_steps_are_gradient_descent(kata):
    """With batch_size = n each epoch is one step, whatever the shuffling: replay it here."""
    n, lr = 32, 0.05
    X, y = synthetic_data(n, seed=3)
    base = "train_linreg(features (32, 2), labels, lr=0.05, batch_size=32, seed=7"
    w0, b0 = as_pair(kata.train_linreg(X, y, lr=lr, batch_size=n, num_epochs=0, seed=7),
                     base + ", num_epochs=0)")
    right = gd_trajectory(X, y, w0, b0, lr, 3)
    wrong = [(gd_trajectory(X, y, w0, b0, lr * factor, 3), cause)
             for factor, cause in step_causes(n)]
    for epochs in (1, 2, 3):
        call = f"{base}, num_epochs={epochs}), the same seed with num_epochs=0 gives the start"
        w, b = as_pair(kata.train_linreg(X, y, lr=lr, batch_size=n, num_epochs=epochs, seed=7),
                       call)

        def near(pair):
            return close(w, pair[0], rtol=1e-4, atol=1e-5) and close(b, pair[1], rtol=1e-4,
                                                                       atol=1e-5)

        if near(right[epochs - 1]):
            continue
        shown = dict(call=call, got=f"w = {show(w)}, b = {show(b)}",
                     expected=f"w = {show(right[epochs - 1][0])}, b = {show(right[epochs - 1][1])}",
                     kata=KATA)
        for trajectory, cause in wrong:
            if near(trajectory[epochs - 1]):
                fail(*cause, **shown)
        fail(
            f"after {epochs} epoch(s) of full-batch training the parameters differ from "
            f"gradient descent (lr times the mean gradient per step) started from the same "
            f"initial w and b, and from what a step batch_size times too large or too small "
            f"would give. Each minibatch: summed squared loss, backward, "
            f"`sgd([w, b], lr, batch_size)`.",
            f"整批训练 {epochs} 轮后,参数既不同于从同样的初始 w、b 出发的梯度下降(每步 lr 乘以平均"
            f"梯度),也不同于每步大或小 batch_size 倍的结果。每个小批量:求和的平方损失、backward、"
            f"`sgd([w, b], lr, batch_size)`。",
            **shown,
        )


# A dataset of one example repeated: every minibatch has the same mean gradient whatever the
# shuffling, so one epoch is k known steps and its result measures the step's size.
SAME_X, SAME_Y = [1.0, 1.0], 5.0


def measured_step_factor(kata, *, n=12, batch_size=4, lr=0.05, seed=11):
    """Train one epoch on n copies of one example and measure by what factor the learner's
    steps differ from lr times the mean gradient. Returns (factor or None, the call)."""
    X = torch.tensor([SAME_X] * n)
    y = torch.full((n, 1), SAME_Y)
    call = (f"train_linreg(features: {n} copies of {SAME_X}, labels: {SAME_Y}, lr={lr}, "
            f"batch_size={batch_size}, num_epochs=1, seed={seed})")
    w0, b0 = (t.detach().clone() for t in as_pair(
        kata.train_linreg(X, y, lr=lr, batch_size=batch_size, num_epochs=0, seed=seed),
        call.replace("num_epochs=1", "num_epochs=0")))
    w, b = (t.detach().clone() for t in as_pair(
        kata.train_linreg(X, y, lr=lr, batch_size=batch_size, num_epochs=1, seed=seed), call))
    x0 = torch.tensor(SAME_X).reshape(-1, 1)
    c = float(x0.pow(2).sum()) + 1  # how fast one step of factor 1 shrinks the residual

    def residual(w_, b_):
        return float(x0.T @ w_.reshape(-1, 1) + b_.reshape(-1)[0]) - SAME_Y

    def run(factor):  # the k steps, each `factor` times lr times the mean gradient
        w_, b_ = w0.reshape(-1, 1).double(), b0.reshape(-1).double()
        for _ in range(n // batch_size):
            r = float(x0.T.double() @ w_ + b_[0]) - SAME_Y
            w_, b_ = w_ - factor * lr * r * x0.double(), b_ - factor * lr * r
        return w_, b_

    k = n // batch_size
    shrink = residual(w, b) / residual(w0, b0)
    q = math.copysign(abs(shrink) ** (1 / k), shrink)
    factor = (1 - q) / (lr * c)
    w_f, b_f = run(factor)
    consistent = close(w.reshape(-1, 1), w_f, rtol=1e-3, atol=1e-4) and close(
        b.reshape(-1), b_f, rtol=1e-3, atol=1e-4)
    return (factor if consistent else None), call


def test_train_linreg_steps_by_the_mean_gradient_of_each_minibatch(kata):
    n, batch_size = 12, 4
    factor, call = measured_step_factor(kata, n=n, batch_size=batch_size)
    if factor is not None and math.isclose(factor, 1.0, rel_tol=1e-3):
        return
    cause = diagnose.matching(factor, step_causes(batch_size, n))
    if cause is not None:
        fail(*cause, call=call, got=f"steps {factor:.4g} times lr * the mean gradient",
             expected="steps of lr * the mean gradient", kata=KATA)
    en, zh = diagnose.unexplained(("each step", "每一步"), factor,
                                  ("lr times the batch's mean gradient", "lr 乘以批量的平均梯度"))
    fail(
        f"on a dataset of one example repeated (every minibatch has the same mean gradient, "
        f"whatever the shuffling) {n // batch_size} steps of lr times the mean gradient were "
        f"expected: {en}",
        f"在由同一个样本重复组成的数据集上(无论怎么打乱,每个小批量的平均梯度都相同),应当走 "
        f"{n // batch_size} 步、每步 lr 乘以平均梯度:{zh}",
        call=call,
        kata=KATA,
    )


def test_train_linreg_fits_the_data(kata):
    X, y = synthetic_data(1000)
    call = "train_linreg(features, labels) on d2l's 1000 examples (w = [2, -3.4], b = 4.2)"
    w, b = as_pair(kata.train_linreg(X, y), call)
    with torch.no_grad():
        loss = ((X @ w.reshape(2, 1) + b - y) ** 2 / 2).mean().item()
    if loss < 1e-3 and close(w, TRUE_W, atol=0.02) and close(b, torch.tensor([TRUE_B]), atol=0.02):
        return
    shown = dict(call=call, got=f"w = {show(w)}, b = {show(b)}, loss = {loss:.3g}",
                 expected="w ≈ [2, -3.4], b ≈ 4.2, loss < 1e-3", kata=KATA)
    # the sizes of this call, with an lr small enough for 100 steps to stay measurable
    factor, _ = measured_step_factor(kata, n=1000, batch_size=10, lr=1e-3)
    cause = diagnose.matching(factor, step_causes(10, 1000))
    if cause is not None:
        fail(f"after 3 epochs (lr 0.03, batch size 10) the fit is poor: {cause[0]}",
             f"3 轮训练(lr 0.03,批量 10)之后拟合很差:{cause[1]}", **shown)
    fail(
        "after 3 epochs (lr 0.03, batch size 10) the fit is poor, where the articles reach a "
        "loss near 5e-5"
        + (f"; on a dataset of one example repeated the steps are {factor:.3g} times lr times "
           f"the mean gradient" if factor is not None and not math.isclose(factor, 1, rel_tol=1e-3)
           else "") + ".",
        "3 轮训练(lr 0.03,批量 10)之后拟合很差,而文章里的损失约为 5e-5"
        + (f";在由同一个样本重复组成的数据集上,每一步是 lr 乘以平均梯度的 {factor:.3g} 倍"
           if factor is not None and not math.isclose(factor, 1, rel_tol=1e-3) else "") + "。",
        **shown,
    )


def test_train_linreg_is_reproducible_with_its_seed(kata):
    X, y = synthetic_data(40, seed=2)
    runs = {}
    for label, seed, global_seed in (("a", 1, 10), ("b", 1, 20), ("c", 2, 10)):
        torch.manual_seed(global_seed)  # whatever the global state, the seed decides
        random.seed(global_seed)
        call = f"train_linreg(features, labels, batch_size=5, num_epochs=1, seed={seed})"
        runs[label] = [t.detach().clone() for t in
                       as_pair(kata.train_linreg(X, y, batch_size=5, num_epochs=1, seed=seed),
                               call)]
    expect(
        all(close(p, q, rtol=0, atol=0) for p, q in zip(runs["a"], runs["b"])),
        "two runs with the same seed gave different parameters: seed every source of randomness "
        "(the initial w and the shuffling) from `seed`, not from the global state.",
        "同一个 seed 的两次运行得到了不同的参数:请用 `seed` 为所有随机来源(初始 w 和打乱顺序)"
        "设定种子,而不是依赖全局状态。",
        call="train_linreg(..., seed=1) twice, the global RNG reseeded differently in between",
        got=f"{show(runs['a'][0])} then {show(runs['b'][0])}",
        kata=KATA,
    )
    expect(
        not close(runs["a"][0], runs["c"][0], rtol=0, atol=0),
        "seeds 1 and 2 gave exactly the same parameters: the seed must drive the initial w "
        "(N(0, 0.01)) and the shuffling.",
        "seed 1 和 seed 2 得到了完全相同的参数:seed 应当决定初始 w(N(0, 0.01))和打乱顺序。",
        call="train_linreg(..., seed=1) and train_linreg(..., seed=2)",
        got=show(runs["a"][0]),
        kata=KATA,
    )


def test_train_linreg_starts_from_small_random_weights(kata):
    X, y = synthetic_data(10, seed=4)
    w, b = as_pair(kata.train_linreg(X, y, num_epochs=0, seed=3),
                   "train_linreg(features, labels, num_epochs=0, seed=3)")
    expect(
        close(b, torch.zeros(1), rtol=0, atol=0) and 0 < w.abs().max().item() < 0.1,
        "before any epoch, w should be drawn from N(0, 0.01) (standard deviation 0.01) and b be "
        "zero, as in the articles.",
        "训练之前,w 应从 N(0, 0.01)(标准差 0.01)中抽取,b 为 0,与文章一致。",
        call="train_linreg(features, labels, num_epochs=0, seed=3)",
        got=f"w = {show(w)}, b = {show(b)}",
        expected="w small and random, b = [0.]",
        kata=KATA,
    )


def test_train_linreg_shuffles_its_minibatches(kata):
    n, batch_size, lr = 40, 5, 0.1
    X, y = synthetic_data(n, seed=6)
    w, b = as_pair(kata.train_linreg(X, y, lr=lr, batch_size=batch_size, num_epochs=0, seed=4),
                   "train_linreg(..., num_epochs=0, seed=4)")
    w, b = w.detach().clone(), b.detach().clone()
    for i in range(0, n, batch_size):  # the examples in their stored order, never shuffled
        Xb, yb = X[i : i + batch_size], y[i : i + batch_size]
        residual = Xb @ w + b - yb
        w, b = w - lr * Xb.T @ residual / len(Xb), b - lr * residual.mean(0)
    call = f"train_linreg(features ({n}, 2), labels, lr={lr}, batch_size={batch_size}, " \
           f"num_epochs=1, seed=4)"
    got_w, got_b = as_pair(kata.train_linreg(X, y, lr=lr, batch_size=batch_size, num_epochs=1,
                                             seed=4), call)
    expect(
        not (close(got_w, w, rtol=1e-4, atol=1e-6) and close(got_b, b, rtol=1e-4, atol=1e-6)),
        "the minibatches came in the stored order: shuffle the examples every epoch (a "
        "permutation drawn with the seeded generator), so that the batches are random samples.",
        "小批量是按存储顺序取的:每一轮都要打乱样本(用带种子的生成器生成一个排列),"
        "这样每个批量才是随机样本。",
        call=call,
        kata=KATA,
    )
