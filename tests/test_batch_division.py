"""batch_division: a summed loss's gradient is divided by the batch size, once."""

import random

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

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


def check_step(name, param, start, grad, lr, batch_size, call):
    """Fail, naming the pitfall, unless `param` is `start - lr * grad / batch_size`."""
    want = start - lr * grad / batch_size
    tol = dict(rtol=1e-4, atol=1e-6)
    if close(param, want, **tol):
        return
    if batch_size > 1 and close(param, start - lr * grad, **tol):
        fail(
            f"no division by the batch size: `{name}` moved by lr * grad. The gradient of a "
            f"loss summed over {batch_size} examples is {batch_size} times the mean gradient, "
            f"so this step is batch_size times too large (and the right lr would change with "
            f"the batch size). Step by `lr * param.grad / batch_size`.",
            f"没有除以批量大小:`{name}` 移动了 lr * grad。对 {batch_size} 个样本求和的损失,其梯度"
            f"是平均梯度的 {batch_size} 倍,所以这一步大了 batch_size 倍(合适的学习率还会随批量"
            f"大小而变)。应当按 `lr * param.grad / batch_size` 更新。",
            call=call,
            got=param,
            expected=want,
            kata=KATA,
        )
    if batch_size > 1 and close(param, start - lr * grad / batch_size**2, **tol):
        fail(
            f"averaged twice: `{name}` moved by lr * grad / batch_size^2. Divide by the batch "
            f"size once.",
            f"平均了两次:`{name}` 移动了 lr * grad / batch_size^2。只需除以一次批量大小。",
            call=call,
            got=param,
            expected=want,
            kata=KATA,
        )
    if close(param, start, rtol=0, atol=0):
        fail(
            f"`{name}` did not change: update the caller's tensor in place (`param -= ...`) "
            f"under `torch.no_grad()`.",
            f"`{name}` 没有变化:请在 `torch.no_grad()` 下原地更新调用方的张量(`param -= ...`)。",
            call=call,
            got=param,
            expected=want,
            kata=KATA,
        )
    fail(
        f"`{name}` after the step is not `param - lr * param.grad / batch_size`.",
        f"更新后的 `{name}` 不等于 `param - lr * param.grad / batch_size`。",
        call=call,
        got=param,
        expected=want,
        kata=KATA,
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
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        kata.sgd([w, b], lr, len(X))
        residual = X @ w_ref + b_ref - y
        w_ref -= lr * X.T @ residual / len(X)
        b_ref -= lr * residual.mean(0)
        expect(
            close(w, w_ref, rtol=1e-4, atol=1e-6) and close(b, b_ref, rtol=1e-4, atol=1e-6),
            f"after step {step}, summed loss + sgd(..., batch_size) differs from gradient descent "
            f"on the mean loss: the two must take the very same steps. With no division by the "
            f"batch size the steps are batch_size times too large; divided twice, too small.",
            f"第 {step} 步之后,求和损失 + sgd(..., batch_size) 与对平均损失做梯度下降的结果不同:"
            f"两者每一步都应完全相同。没有除以批量大小,每步就大了 batch_size 倍;除了两次则太小。",
            call=f"sgd([w, b], lr={lr}, batch_size={len(X)}), step {step}",
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
    undivided = gd_trajectory(X, y, w0, b0, lr * n, 3)
    twice = gd_trajectory(X, y, w0, b0, lr / n, 3)
    for epochs in (1, 2, 3):
        call = f"{base}, num_epochs={epochs}), the same seed with num_epochs=0 gives the start"
        w, b = as_pair(kata.train_linreg(X, y, lr=lr, batch_size=n, num_epochs=epochs, seed=7),
                       call)

        def near(pair):
            return close(w, pair[0], rtol=1e-4, atol=1e-5) and close(b, pair[1], rtol=1e-4,
                                                                       atol=1e-5)

        if near(right[epochs - 1]):
            continue
        if near(twice[epochs - 1]):
            fail(
                "averaged twice: the steps are batch_size times too small. Taking the mean loss "
                "(`l.mean().backward()`) and dividing by batch_size in `sgd` as well divides the "
                "gradient by the batch size twice. Sum the loss (`l.sum().backward()`) and "
                "divide once, in `sgd`.",
                "平均了两次:每一步都小了 batch_size 倍。先取平均损失(`l.mean().backward()`),"
                "`sgd` 里又除以 batch_size,梯度就被除了两次。请对损失求和(`l.sum().backward()`),"
                "只在 `sgd` 里除一次。",
                call=call,
                got=f"w = {show(w)}, b = {show(b)}",
                expected=f"w = {show(right[epochs - 1][0])}, b = {show(right[epochs - 1][1])}",
                kata=KATA,
            )
        if near(undivided[epochs - 1]):
            fail(
                "no division by the batch size: the steps are batch_size times too large, since "
                "the gradient of the summed loss is batch_size times the mean gradient. Divide it "
                "by batch_size in `sgd`.",
                "没有除以批量大小:每一步都大了 batch_size 倍,因为求和损失的梯度是平均梯度的 "
                "batch_size 倍。请在 `sgd` 里除以 batch_size。",
                call=call,
                got=f"w = {show(w)}, b = {show(b)}",
                expected=f"w = {show(right[epochs - 1][0])}, b = {show(right[epochs - 1][1])}",
                kata=KATA,
            )
        fail(
            f"after {epochs} epoch(s) of full-batch training the parameters differ from "
            f"gradient descent (lr times the mean gradient per step) started from the same "
            f"initial w and b. Each minibatch: summed squared loss, backward, "
            f"`sgd([w, b], lr, batch_size)`.",
            f"整批训练 {epochs} 轮后,参数与从同样的初始 w、b 出发的梯度下降(每步 lr 乘以平均梯度)"
            f"不同。每个小批量:求和的平方损失、backward、`sgd([w, b], lr, batch_size)`。",
            call=call,
            got=f"w = {show(w)}, b = {show(b)}",
            expected=f"w = {show(right[epochs - 1][0])}, b = {show(right[epochs - 1][1])}",
            kata=KATA,
        )


def test_train_linreg_fits_the_data(kata):
    X, y = synthetic_data(1000)
    call = "train_linreg(features, labels) on d2l's 1000 examples (w = [2, -3.4], b = 4.2)"
    w, b = as_pair(kata.train_linreg(X, y), call)
    with torch.no_grad():
        loss = ((X @ w.reshape(2, 1) + b - y) ** 2 / 2).mean().item()
    expect(
        loss < 1e-3 and close(w, TRUE_W, atol=0.02) and close(b, torch.tensor([TRUE_B]), atol=0.02),
        "after 3 epochs (lr 0.03, batch size 10) the fit is poor, where the articles reach a loss "
        "near 5e-5. Steps batch_size times too small (the mean loss *and* a division: averaged "
        "twice) barely move; check the loss is summed once and divided once.",
        "3 轮训练(lr 0.03,批量 10)之后拟合很差,而文章里的损失约为 5e-5。如果每步小了 batch_size 倍"
        "(先取平均又再除:平均了两次),参数几乎不动;请确认损失只求和一次、只除一次。",
        call=call,
        got=f"w = {show(w)}, b = {show(b)}, loss = {loss:.3g}",
        expected="w ≈ [2, -3.4], b ≈ 4.2, loss < 1e-3",
        kata=KATA,
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
