"""logits_not_probabilities: a classifier's loss from raw scores; the tests see the loss values
and the gradients that reach the scores, never how they were computed."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo.testing import close, expect, fail, show

KATA = "logits_not_probabilities"


# --- what the test computes itself (in float64, with the log-sum-exp) ----------------------------


def cross_entropy_of(z, targets):
    """Mean of logsumexp(z) - z[target]: the cross-entropy of raw scores, written out."""
    return (torch.logsumexp(z, 1) - z.gather(1, targets[:, None]).squeeze(1)).mean()


def true_cross_entropy(logits, targets):
    """The cross-entropy of raw scores, exactly (in float64), as a number."""
    return cross_entropy_of(logits.detach().double(), targets).item()


def true_ce_grad(logits, targets):
    """d mean-cross-entropy / d logits = (softmax - one_hot) / N."""
    z = logits.detach().double()
    one_hot = torch.nn.functional.one_hot(targets, z.shape[1]).double()
    return (z.softmax(1) - one_hot) / len(z)


def true_binary(logits, targets):
    """Mean of softplus(z) - t * z: the binary cross-entropy of a logit, exactly."""
    z, t = logits.detach().double(), targets.double()
    return (torch.nn.functional.softplus(z) - t * z).mean().item()


def true_binary_grad(logits, targets):
    z, t = logits.detach().double(), targets.double()
    return (z.sigmoid() - t) / z.numel()


def softmaxed_ce(logits, targets):
    """What cross-entropy gives when a softmax ran first: the pitfall, for recognising it."""
    probs = logits.detach().double().softmax(1)
    return true_cross_entropy(probs, targets)


def nll_of_raw(logits, targets):
    """What nll_loss gives on raw scores: minus the target's score, averaged."""
    return -logits.detach().double().gather(1, targets[:, None]).mean().item()


def batch(n, c, *, scale=3.0, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, c, generator=gen) * scale, torch.randint(0, c, (n,), generator=gen)


def near(a, b, rtol=1e-4, atol=1e-5):
    return math.isfinite(a) and abs(a - b) <= atol + rtol * abs(b)


# --- calling the kata --------------------------------------------------------------------------


def as_number(got, name, call):
    """The loss as a float; fails unless it is a one-element tensor."""
    expect(
        isinstance(got, torch.Tensor) and got.numel() == 1,
        f"{name} must return the mean loss of the batch as a one-element tensor (so that "
        f"`loss.backward()` works), not a list, a per-example loss or a Python number.",
        f"{name} 应当返回整个批量的平均损失,一个只含一个元素的张量(这样才能 `loss.backward()`),"
        f"而不是列表、逐样本的损失或 Python 数。",
        call=call,
        got=show(got),
        kata=KATA,
    )
    return got.detach().double().item()


def ce_loss(kata, logits, targets, call, *, log_probs=False):
    """(loss, d loss / d logits) of the kata's classification_loss; with log_probs the kata gets
    log_softmax(logits), and the gradient still flows back to the logits."""
    z = logits.detach().clone().requires_grad_()
    scores = torch.log_softmax(z, 1) if log_probs else z
    if log_probs:
        got = kata.classification_loss(scores, targets, log_probs=True)
    else:
        got = kata.classification_loss(scores, targets)
    value = as_number(got, "classification_loss", call)
    expect(
        got.requires_grad,
        "the loss does not require grad: it was computed outside the graph (detached, through "
        "`.item()` or NumPy, or under `no_grad`), so `backward()` cannot reach the scores.",
        "损失不需要梯度:它是在计算图之外算出来的(detach、`.item()`、NumPy 或 `no_grad`),"
        "`backward()` 到不了分数。",
        call=call,
        got=show(got),
        kata=KATA,
    )
    got.backward()
    return value, z.grad


def check_cross_entropy(value, logits, targets, call):
    """Fail, naming the pitfall, unless `value` is the cross-entropy of the logits."""
    want = true_cross_entropy(logits, targets)
    if near(value, want):
        return
    n = len(targets)
    if not math.isfinite(value):
        fail(
            "the loss is inf or nan: this is the log of the softmax, `softmax(z).log()`. For a "
            "confidently wrong prediction the softmax of the target rounds to exactly 0, and "
            "log(0) = -inf. Compute from the logits with log-sum-exp: `F.log_softmax` then "
            "`F.nll_loss`, or `F.cross_entropy` in one call.",
            "损失是 inf 或 nan:这是对 softmax 取对数,`softmax(z).log()`。预测错得很自信时,目标类的"
            "softmax 会被舍入成 0,而 log(0) = -inf。请直接从 logits 用 log-sum-exp 计算:先 "
            "`F.log_softmax` 再 `F.nll_loss`,或者一步到位用 `F.cross_entropy`。",
            call=call, got=value, expected=want, kata=KATA,
        )
    if near(value, softmaxed_ce(logits, targets)):
        fail(
            "softmax applied before the cross-entropy: `F.cross_entropy` (`nn.CrossEntropyLoss`) "
            "applies log_softmax itself, so it takes the raw scores. Given probabilities, it "
            "squashes numbers that are already squashed: the loss barely moves whatever the "
            "scores, the gradients shrink, and learning slows to a crawl, without any error. "
            "Pass the logits.",
            "在交叉熵之前做了 softmax:`F.cross_entropy`(`nn.CrossEntropyLoss`)自己会做 "
            "log_softmax,所以它要的是原始分数。传入概率等于把已经压缩过的数再压缩一遍:无论分数"
            "如何,损失几乎不变,梯度变小,训练慢得像爬,而且不报错。请直接传 logits。",
            call=call, got=value, expected=want, kata=KATA,
        )
    if near(value, nll_of_raw(logits, targets)):
        fail(
            "nll_loss on raw logits: `F.nll_loss` (`nn.NLLLoss`) expects log-probabilities and "
            "only picks minus the target's entry. On raw scores that is minus the target's score: "
            "no log_softmax, no floor, a loss that goes negative and keeps falling as the scores "
            "grow. Use `F.cross_entropy` on logits (or `F.log_softmax` first).",
            "在原始 logits 上用了 nll_loss:`F.nll_loss`(`nn.NLLLoss`)要的是对数概率,它只取目标那一项"
            "的相反数。用在原始分数上就成了目标分数的相反数:没有 log_softmax,没有下界,损失会变成负数,"
            "分数越大它越低。请对 logits 用 `F.cross_entropy`(或先做 `F.log_softmax`)。",
            call=call, got=value, expected=want, kata=KATA,
        )
    if n > 1 and near(value, want * n):
        fail(
            f"the loss is summed over the batch, {n} times the mean: return the mean "
            f"cross-entropy per example (the default reduction).",
            f"损失在批量上求了和,是平均值的 {n} 倍:请返回每个样本的平均交叉熵(默认的 reduction)。",
            call=call, got=value, expected=want, kata=KATA,
        )
    fail(
        "the loss is not the mean cross-entropy of the scores: for each example "
        "`logsumexp(z) - z[target]`, averaged over the batch.",
        "损失不是这些分数的平均交叉熵:每个样本应为 `logsumexp(z) - z[target]`,再对批量取平均。",
        call=call, got=value, expected=want, kata=KATA,
    )


def check_ce_grad(grad, logits, targets, call):
    want = true_ce_grad(logits, targets)
    if grad is not None and close(grad, want, rtol=1e-4, atol=1e-6):
        return
    expect(
        grad is not None,
        "`backward()` did not reach the scores: the loss was cut from them (detached, rebuilt "
        "from numbers, or computed under `no_grad`).",
        "`backward()` 没有到达分数:损失与它们断开了(detach、由数字重建,或在 `no_grad` 下计算)。",
        call=call, kata=KATA,
    )
    ratio = want.norm().item() / max(grad.norm().item(), 1e-30)
    fail(
        f"the gradient that reaches the scores is not (softmax - one_hot) / N: its size is "
        f"{grad.norm().item():.3g} where cross-entropy of the logits gives "
        f"{want.norm().item():.3g}" + (f" ({ratio:.3g} times more)" if ratio > 1.5 else "") +
        ". A softmax before the loss multiplies every gradient by the softmax's own "
        "derivative, which is small: the gradients shrink and learning slows.",
        f"到达分数的梯度不是 (softmax - one_hot) / N:它的大小是 {grad.norm().item():.3g},而对 "
        f"logits 求交叉熵应得 {want.norm().item():.3g}" + (f"(是它的 {ratio:.3g} 倍)" if ratio > 1.5
                                                         else "") +
        "。在损失之前做 softmax,会让每个梯度再乘上 softmax 自己的导数,而它很小:梯度变小,学得变慢。",
        call=call, got=grad, expected=want, kata=KATA,
    )


# --- classification_loss ------------------------------------------------------------------------


def test_classification_loss_is_the_cross_entropy_of_the_logits(kata):
    logits, targets = batch(6, 4, seed=1)
    call = "classification_loss(scores of shape (6, 4), targets of shape (6,))"
    value, grad = ce_loss(kata, logits, targets, call)
    check_cross_entropy(value, logits, targets, call)
    check_ce_grad(grad, logits, targets, call + ".backward()")


def test_classification_loss_is_never_negative(kata):
    """Large positive scores, the target's the largest: nll_loss of raw scores goes far below 0."""
    logits = torch.tensor([[9.0, 2.0, 1.0], [1.0, 12.0, 3.0], [0.5, 2.0, 8.0]])
    targets = torch.tensor([0, 1, 2])
    call = "classification_loss(scores [[9, 2, 1], [1, 12, 3], [0.5, 2, 8]], targets [0, 1, 2])"
    value, _ = ce_loss(kata, logits, targets, call)
    check_cross_entropy(value, logits, targets, call)


def test_classification_loss_of_a_confidently_wrong_prediction_is_finite(kata):
    logits = torch.tensor([[1000.0, 0.0, 0.0], [0.0, 0.0, 1000.0]])
    targets = torch.tensor([1, 2])
    call = "classification_loss(scores [[1000, 0, 0], [0, 0, 1000]], targets [1, 2])"
    value, grad = ce_loss(kata, logits, targets, call)
    check_cross_entropy(value, logits, targets, call)
    check_ce_grad(grad, logits, targets, call + ".backward()")


def test_classification_loss_of_log_probabilities(kata):
    """The MNIST example's pairing: the network ends with log_softmax, the loss takes that."""
    logits, targets = batch(5, 10, seed=2)
    call = ("classification_loss(log_softmax(z) of shape (5, 10), targets, log_probs=True), "
            "the gradient taken back to z")
    value, grad = ce_loss(kata, logits, targets, call, log_probs=True)
    check_cross_entropy(value, logits, targets, call)
    check_ce_grad(grad, logits, targets, call)


@settings(max_examples=20)
@given(n=st.integers(1, 8), c=st.integers(2, 6), scale=st.floats(0.1, 60.0),
       log_probs=st.booleans(), seed=st.integers(0, 2**16))
def test_classification_loss_for_any_batch_and_scale(kata, n, c, scale, log_probs, seed):
    logits, targets = batch(n, c, scale=scale, seed=seed)
    what = "log_softmax(z)" if log_probs else "logits z"
    call = (f"classification_loss({what} of shape ({n}, {c}), scale {scale:.3g}, targets"
            + (", log_probs=True)" if log_probs else ")"))
    value, grad = ce_loss(kata, logits, targets, call, log_probs=log_probs)
    check_cross_entropy(value, logits, targets, call)
    check_ce_grad(grad, logits, targets, call + ".backward()")


def test_training_with_classification_loss_learns_at_the_speed_of_cross_entropy(kata):
    """Twenty-five SGD steps of a linear classifier: the trajectory the test computes with the exact
    cross-entropy of the logits, step by step (the consequence of a wrong loss, made visible)."""
    gen = torch.Generator().manual_seed(3)
    centres = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    targets = torch.arange(3).repeat_interleave(30)
    X = centres[targets] + 0.6 * torch.randn(90, 2, generator=gen)
    W0 = 0.1 * torch.randn(2, 3, generator=gen)
    lr, steps = 0.5, 25

    def train(loss_of):
        W = W0.clone().requires_grad_()
        curve = []
        for _ in range(steps):
            loss = loss_of(X @ W, targets)
            loss.backward()
            with torch.no_grad():
                W -= lr * W.grad
                W.grad = None
                curve.append(true_cross_entropy(X @ W, targets))
        return curve

    want = train(cross_entropy_of)
    got = train(kata.classification_loss)
    call = (f"{steps} SGD steps (lr {lr}) of a linear classifier on 90 points in 3 classes, "
            f"loss = classification_loss(X @ W, targets)")
    for step, (g, w) in enumerate(zip(got, want), 1):
        if near(g, w, rtol=1e-3, atol=1e-5):
            continue
        slower = math.isfinite(g) and g > w
        fail(
            f"after step {step} the true cross-entropy of the model is {g:.4g}, where training "
            f"on the cross-entropy of the logits reaches {w:.4g}"
            + (": learning slows. A softmax before the loss shrinks every gradient (see the "
               "other tests of classification_loss)." if slower else
               ": the steps follow another loss. nll_loss on raw scores rewards ever larger "
               "scores instead of correct probabilities.") +
            f" After {steps} steps: {got[-1]:.4g} against {want[-1]:.4g}.",
            f"第 {step} 步之后,模型真实的交叉熵是 {g:.4g},而用 logits 的交叉熵训练能达到 {w:.4g}"
            + (":学得变慢了。在损失之前做 softmax 会让每个梯度变小(见 classification_loss 的其他"
               "测试)。" if slower else
               ":每一步跟随的是另一个损失。对原始分数用 nll_loss 奖励的是越来越大的分数,而不是正确的"
               "概率。") +
            f"{steps} 步之后:{got[-1]:.4g},应为 {want[-1]:.4g}。",
            call=call,
            got=f"cross-entropy {show(got[:4])}...",
            expected=f"cross-entropy {show(want[:4])}...",
            kata=KATA,
        )


# --- binary_loss --------------------------------------------------------------------------------


def binary(kata, logits, targets, call):
    """(loss, d loss / d logits) of the kata's binary_loss."""
    z = logits.detach().clone().requires_grad_()
    refused = None
    try:
        got = kata.binary_loss(z, targets.clone())
    except RuntimeError as err:
        if "between 0 and 1" not in str(err):
            raise
        refused = err
    if refused is not None:
        err = refused
        fail(
            f"BCELoss on raw logits: `F.binary_cross_entropy` (`nn.BCELoss`) takes probabilities "
            f"in [0, 1] and refused these scores (\"{err}\"). Use `F.binary_cross_entropy_with_"
            f"logits` (`nn.BCEWithLogitsLoss`): it applies the sigmoid itself, in a form that "
            f"stays exact for any logit. (A sigmoid and then BCELoss runs, but saturates.)",
            f"在原始 logits 上用了 BCELoss:`F.binary_cross_entropy`(`nn.BCELoss`)要的是 [0, 1] 之间的"
            f"概率,它拒绝了这些分数(\"{err}\")。请用 `F.binary_cross_entropy_with_logits`"
            f"(`nn.BCEWithLogitsLoss`):它自己做 sigmoid,而且对任何 logit 都算得准确。(先 sigmoid "
            f"再 BCELoss 虽然能运行,但会饱和。)",
            call=call,
            kata=KATA,
        )
    value = as_number(got, "binary_loss", call)
    expect(
        got.requires_grad,
        "the loss does not require grad: it was computed outside the graph, so `backward()` "
        "cannot reach the logits.",
        "损失不需要梯度:它是在计算图之外算出来的,`backward()` 到不了 logits。",
        call=call, got=show(got), kata=KATA,
    )
    got.backward()
    return value, z.grad


def check_binary(value, grad, logits, targets, call):
    want, want_grad = true_binary(logits, targets), true_binary_grad(logits, targets)
    value_ok = near(value, want)
    grad_ok = grad is not None and close(grad, want_grad, rtol=1e-4, atol=1e-6)
    if value_ok and grad_ok:
        return
    saturated = (logits.abs() > 17) & ((logits.sigmoid() - targets).abs() > 0.5)
    if grad is not None and saturated.any() and grad[saturated].abs().max() < 0.1 * \
            want_grad[saturated].abs().min():
        fail(
            "the sigmoid saturated: a confidently wrong logit (|z| > 17) made `sigmoid(z)` round "
            "to exactly 0 or 1 in float32, so BCELoss on it clips the log at -100 and the "
            "gradient that reaches the logit is (almost) zero: the worst predictions stop "
            "learning. Keep the sigmoid inside the loss: `F.binary_cross_entropy_with_logits`.",
            "sigmoid 饱和了:一个错得很自信的 logit(|z| > 17)让 `sigmoid(z)` 在 float32 下被舍入成"
            "正好 0 或 1,于是 BCELoss 把 log 截断在 -100,传回 logit 的梯度(几乎)为零:错得最离谱的"
            "预测反而学不动了。把 sigmoid 留在损失里面:`F.binary_cross_entropy_with_logits`。",
            call=call,
            got=f"loss {value:.6g}, gradient {show(grad)}",
            expected=f"loss {want:.6g}, gradient {show(want_grad)}",
            kata=KATA,
        )
    expect(
        grad is not None,
        "`backward()` did not reach the logits: the loss was cut from them.",
        "`backward()` 没有到达 logits:损失与它们断开了。",
        call=call, kata=KATA,
    )
    n = logits.numel()
    if not value_ok and n > 1 and near(value, want * n):
        fail(
            f"the loss is summed, {n} times the mean: return the mean over every prediction.",
            f"损失求了和,是平均值的 {n} 倍:请返回所有预测的平均值。",
            call=call, got=value, expected=want, kata=KATA,
        )
    fail(
        "the loss is not the mean binary cross-entropy of the logits, "
        "`-(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z)))` averaged over every element, "
        "or its gradient is not (sigmoid(z) - t) / numel.",
        "损失不是这些 logits 的平均二元交叉熵(对每个元素 "
        "`-(t * log(sigmoid(z)) + (1 - t) * log(1 - sigmoid(z)))` 再取平均),或者梯度不是 "
        "(sigmoid(z) - t) / numel。",
        call=call,
        got=f"loss {value:.6g}, gradient {show(grad)}",
        expected=f"loss {want:.6g}, gradient {show(want_grad)}",
        kata=KATA,
    )


def test_binary_loss_of_moderate_logits(kata):
    logits = torch.tensor([2.0, -1.0, 0.5, -3.0, 0.25])
    targets = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.3])
    call = "binary_loss(logits [2, -1, 0.5, -3, 0.25], targets [1, 0, 0, 1, 0.3])"
    value, grad = binary(kata, logits, targets, call)
    check_binary(value, grad, logits, targets, call)


def test_binary_loss_of_confidently_wrong_logits_keeps_its_gradient(kata):
    logits = torch.tensor([40.0, -40.0, 25.0, 3.0])
    targets = torch.tensor([0.0, 1.0, 0.0, 1.0])
    call = "binary_loss(logits [40, -40, 25, 3], targets [0, 1, 0, 1])"
    value, grad = binary(kata, logits, targets, call)
    check_binary(value, grad, logits, targets, call)


@settings(max_examples=20)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), scale=st.floats(0.1, 60.0),
       seed=st.integers(0, 2**16))
def test_binary_loss_for_any_shape_and_scale(kata, shape, scale, seed):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(*shape, generator=gen) * scale
    targets = (torch.rand(*shape, generator=gen) < 0.5).float()
    call = f"binary_loss(logits of shape {tuple(shape)}, scale {scale:.3g}, targets of 0 and 1)"
    value, grad = binary(kata, logits, targets, call)
    check_binary(value, grad, logits, targets, call)
