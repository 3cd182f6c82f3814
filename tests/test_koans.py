"""koans: each test runs the snippet of a koan and compares what happens with the prediction.

The answers are not written here: the test finds them out by running the snippet, so a koan is
right exactly when the learner predicted what PyTorch and Python really do.
"""

import builtins
import random
import warnings

import pytest
import torch

from dojo.datasets import synthetic_data
from dojo.testing import fail, show

KATA = "koans"

REFERENCES = "koans_references"
AUTOGRAD = "koans_autograd"
LOOPS = "koans_loops"


# --- the learner's prediction, and its form -----------------------------------------------------


def predicted(kata, name):
    """(prediction, call): what the learner's koan function returns."""
    return getattr(kata, name)(), f"{name}()"


def bad_form(step, call, prediction, en, zh):
    fail(
        f"the prediction has the wrong form: {en}.",
        f"预测的形式不对:{zh}。",
        call=call,
        got=repr(prediction),
        kata=step,
    )


def as_bool(prediction, step, call):
    if not isinstance(prediction, bool):
        bad_form(step, call, prediction, "predict True or False", "请预测 True 或 False")
    return prediction


def as_int(prediction, step, call):
    if isinstance(prediction, bool) or not isinstance(prediction, int):
        bad_form(step, call, prediction, "predict a whole number (an int)", "请预测一个整数(int)")
    return prediction


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_number(prediction, step, call):
    if not is_number(prediction):
        bad_form(step, call, prediction, "predict a number", "请预测一个数")
    return float(prediction)


def as_numbers(prediction, step, call, example):
    if not isinstance(prediction, (list, tuple)) or not all(is_number(v) for v in prediction):
        bad_form(
            step, call, prediction,
            f"predict a list of numbers, such as {example}",
            f"请预测一个数字列表,例如 {example}",
        )
    return [float(v) for v in prediction]


def as_choice(prediction, step, call, choices):
    if prediction not in choices:
        listed = ", ".join(repr(c) for c in choices)
        bad_form(step, call, prediction, f"predict one of {listed}", f"请从 {listed} 中选一个")
    return prediction


def as_exception_name(prediction, step, call):
    """None (no error) or the name of a built-in exception class (the class itself is fine too)."""
    if isinstance(prediction, type) and issubclass(prediction, BaseException):
        return prediction.__name__
    known = getattr(builtins, prediction, None) if isinstance(prediction, str) else None
    if prediction is None or (isinstance(known, type) and issubclass(known, BaseException)):
        return prediction
    bad_form(
        step, call, prediction,
        "predict the name of an exception class, such as 'ValueError', or None for no error",
        "请预测一个异常类的名字(如 'ValueError'),不报错则为 None",
    )


def raised(snippet):
    """The name of the exception that the snippet raises, or None."""
    try:
        snippet()
    except Exception as err:  # noqa: BLE001 - finding out what it raises is the point
        return type(err).__name__
    return None


def judge(ok, step, call, prediction, actual, en, zh):
    """Fail with what really happens and why, unless the prediction was right."""
    if not ok:
        fail(
            f"your prediction is not what happens. {en}",
            f"你的预测与实际不符。{zh}",
            call=call,
            got=show(prediction),
            expected=show(actual),
            kata=step,
        )


# --- koans_references ---------------------------------------------------------------------------


@pytest.mark.step(REFERENCES)
def test_int_minus_equals_keeps_id(kata):
    prediction, call = predicted(kata, "int_minus_equals_keeps_id")
    prediction = as_bool(prediction, REFERENCES, call)
    params = [1, 2]
    same = []
    for p in params:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    actual = same[0]
    assert same == [actual] * len(same)
    judge(
        prediction == actual, REFERENCES, call, prediction, actual,
        "An int is immutable: `p -= 4` cannot change the int, so Python computes a new int and "
        "binds the name `p` to it. `id(p)` changes; the list still holds its old ints.",
        "int 是不可变对象:`p -= 4` 无法修改这个 int,Python 会算出一个新的 int 并把名字 `p` "
        "绑定过去。`id(p)` 变了;列表里仍是原来的 int。",
    )


@pytest.mark.step(REFERENCES)
def test_tensor_minus_equals_keeps_id(kata):
    prediction, call = predicted(kata, "tensor_minus_equals_keeps_id")
    prediction = as_bool(prediction, REFERENCES, call)
    params = [torch.tensor([1.0]), torch.tensor([2.0])]
    same = []
    for p in params:
        before = id(p)
        p -= 4
        same.append(id(p) == before)
    actual = same[0]
    assert same == [actual] * len(same)
    judge(
        prediction == actual, REFERENCES, call, prediction, actual,
        "A tensor is mutable: on a tensor `p -= 4` calls `p.sub_(4)`, which writes into the "
        "same tensor. `id(p)` stays the same, and the list, which holds that very tensor, sees "
        "the new values. This is why d2l's `param -= lr * param.grad` reaches the caller.",
        "张量是可变对象:对张量 `p -= 4` 会调用 `p.sub_(4)`,写入同一个张量。`id(p)` 不变,"
        "而列表里存的正是这个张量,所以能看到新值。这就是 d2l 的 `param -= lr * param.grad` "
        "能影响调用方的原因。",
    )


@pytest.mark.step(REFERENCES)
def test_int_list_after_loop(kata):
    prediction, call = predicted(kata, "int_list_after_loop")
    if not isinstance(prediction, list) or not all(is_number(v) for v in prediction):
        bad_form(REFERENCES, call, prediction, "predict a list, such as [10, 20]",
                 "请预测一个列表,例如 [10, 20]")
    params = [1, 2]
    for p in params:
        p -= 4
    actual = params
    judge(
        prediction == actual, REFERENCES, call, prediction, actual,
        "The list did not change. The loop variable `p` is one more name for each element; "
        "`p -= 4` makes a new int and binds `p` to it, and the list keeps its own elements. "
        "Only an assignment into the list (`params[i] = ...`) would change it.",
        "列表没有变。循环变量 `p` 只是每个元素的另一个名字;`p -= 4` 生成新的 int 并绑定到 `p`,"
        "列表里的元素不变。只有写回列表(`params[i] = ...`)才会改变它。",
    )


@pytest.mark.step(REFERENCES)
def test_tensor_list_after_rebinding(kata):
    prediction, call = predicted(kata, "tensor_list_after_rebinding")
    prediction = as_numbers(prediction, REFERENCES, call, "[10.0, 20.0]")
    params = [torch.tensor([1.0]), torch.tensor([2.0])]
    for p in params:
        p = p - 4  # noqa: PLW2901 - the rebinding is the koan
    actual = [t.item() for t in params]
    judge(
        prediction == actual, REFERENCES, call, prediction, actual,
        "The tensors did not change. `p - 4` builds a new tensor and `p = ...` binds the loop "
        "variable to it; the tensors in the list are never touched. A rebound update like "
        "`param = param - lr * param.grad` trains nothing, and raises no error.",
        "张量没有变。`p - 4` 生成新张量,`p = ...` 只是把循环变量绑定过去;列表里的张量从未被碰过。"
        "像 `param = param - lr * param.grad` 这样被重新绑定的更新什么也没训练,而且不报错。",
    )


@pytest.mark.step(REFERENCES)
def test_list_after_call(kata):
    prediction, call = predicted(kata, "list_after_call")
    if not isinstance(prediction, list):
        bad_form(REFERENCES, call, prediction, "predict a list, such as [1, 2, [3, 4]]",
                 "请预测一个列表,例如 [1, 2, [3, 4]]")

    def f(a):
        a[0] -= 1
        a[2][0] -= 1

    a = [1, 2, [3, 4]]
    first, inner = id(a[0]), id(a[2])
    f(a)
    actual = a
    assert id(a[0]) != first and id(a[2]) == inner
    judge(
        prediction == actual, REFERENCES, call, prediction, actual,
        "The function received the caller's own list, not a copy. `a[0] -= 1` is "
        "`a[0] = a[0] - 1`: a new int (its id differs) stored back into that list, so the caller "
        "sees it although an int is immutable. `a[2][0] -= 1` changes the inner list itself "
        "(its id stays the same).",
        "函数拿到的是调用方的同一个列表,不是副本。`a[0] -= 1` 就是 `a[0] = a[0] - 1`:一个新的 "
        "int(id 不同)被写回这个列表,所以尽管 int 不可变,调用方仍能看到变化。`a[2][0] -= 1` "
        "则直接修改内层列表本身(id 不变)。",
    )


# --- koans_autograd -----------------------------------------------------------------------------


@pytest.mark.step(AUTOGRAD)
def test_no_grad_result(kata):
    prediction, call = predicted(kata, "no_grad_result")
    if not (
        isinstance(prediction, (tuple, list))
        and len(prediction) == 2
        and isinstance(prediction[0], bool)
        and (prediction[1] is None or isinstance(prediction[1], str))
    ):
        bad_form(
            AUTOGRAD, call, prediction,
            "predict a pair (requires_grad, grad_fn): a bool, and None or a class name such as "
            "'MulBackward0'",
            "请预测一对 (requires_grad, grad_fn):一个 bool,以及 None 或类名(如 'MulBackward0')",
        )
    x = torch.randn(10, 5, requires_grad=True)
    y = torch.randn(10, 5, requires_grad=True)
    z = torch.randn(10, 5, requires_grad=True)
    with torch.no_grad():
        w = x + y + z
    actual = (w.requires_grad, None if w.grad_fn is None else type(w.grad_fn).__name__)
    judge(
        tuple(prediction) == actual, AUTOGRAD, call, tuple(prediction), actual,
        "Under `torch.no_grad()` nothing is recorded: `w` does not require grad and has no "
        "grad_fn, although every input requires grad. (Outside it, one input that requires grad "
        "is enough: `x + y + z` would require grad, with grad_fn AddBackward0.)",
        "在 `torch.no_grad()` 下什么都不记录:尽管每个输入都需要梯度,`w` 也不需要梯度,"
        "且没有 grad_fn。(在它之外,只要有一个输入需要梯度,`x + y + z` 就需要梯度,"
        "grad_fn 为 AddBackward0。)",
    )


@pytest.mark.step(AUTOGRAD)
def test_grad_after_two_backward_calls(kata):
    prediction, call = predicted(kata, "grad_after_two_backward_calls")
    prediction = as_number(prediction, AUTOGRAD, call)
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    y = x * x
    y.backward()
    actual = x.grad.item()
    judge(
        abs(prediction - actual) < 1e-6, AUTOGRAD, call, prediction, actual,
        "`backward()` adds into `.grad`; it never replaces it. d(x*x)/dx = 2x = 4 at x = 2, "
        "added twice: 8. That is why a training loop clears the gradients every step, and why "
        "deliberate accumulation over micro-batches works.",
        "`backward()` 会累加到 `.grad` 上,而不是替换它。d(x*x)/dx = 2x 在 x = 2 时为 4,"
        "加了两次:8。这就是训练循环每一步都要清零梯度的原因,也是有意的梯度累积能成立的原因。",
    )


@pytest.mark.step(AUTOGRAD)
def test_nonscalar_backward(kata):
    prediction, call = predicted(kata, "nonscalar_backward")
    prediction = as_exception_name(prediction, AUTOGRAD, call)

    def snippet():
        x = torch.ones(2, 3, requires_grad=True)
        y = x + 2
        y.backward()

    actual = raised(snippet)
    judge(
        prediction == actual, AUTOGRAD, call, prediction, actual,
        "`backward()` with no argument starts from a single number: on a tensor of six elements "
        "it raises RuntimeError ('grad can be implicitly created only for scalar outputs'). "
        "Reduce first (`y.sum().backward()`), or pass the weights of each element "
        "(`y.backward(torch.ones_like(y))`).",
        "不带参数的 `backward()` 只能从一个数出发:对六个元素的张量会抛出 RuntimeError"
        "('grad can be implicitly created only for scalar outputs')。先归约"
        "(`y.sum().backward()`),或传入每个元素的权重(`y.backward(torch.ones_like(y))`)。",
    )


@pytest.mark.step(AUTOGRAD)
def test_w_after_detached_add(kata):
    prediction, call = predicted(kata, "w_after_detached_add")
    prediction = as_numbers(prediction, AUTOGRAD, call, "[5.0, 5.0, 5.0]")
    w = torch.ones(3, requires_grad=True)
    d = w.detach()
    d += 1
    actual = w.tolist()
    judge(
        prediction == actual, AUTOGRAD, call, prediction, actual,
        "`detach()` returns a tensor that shares w's memory, only without the graph: changing it "
        "in place changes w as well (and autograd does not see it). For an independent copy use "
        "`w.detach().clone()`.",
        "`detach()` 返回的张量与 w 共享内存,只是脱离了计算图:原地修改它也会改变 w"
        "(而 autograd 看不到)。要独立的副本请用 `w.detach().clone()`。",
    )


@pytest.mark.step(AUTOGRAD)
def test_scaled_randn_grad_is_none(kata):
    prediction, call = predicted(kata, "scaled_randn_grad_is_none")
    prediction = as_bool(prediction, AUTOGRAD, call)
    w = torch.randn(3, requires_grad=True) * 0.01
    w.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns when a non-leaf's .grad is read
        actual = w.grad is None
    judge(
        prediction == actual, AUTOGRAD, call, prediction, actual,
        "`torch.randn(3, requires_grad=True) * 0.01` is the result of a multiplication, not a "
        "leaf (`w.is_leaf` is False): backward fills `.grad` on leaves only, so `w.grad` stays "
        "None. The leaf is the randn tensor, which nobody kept. Scale first, then "
        "`requires_grad_()`.",
        "`torch.randn(3, requires_grad=True) * 0.01` 是乘法的结果,不是叶子张量(`w.is_leaf` 为 "
        "False):backward 只填充叶子的 `.grad`,所以 `w.grad` 仍是 None。叶子是那个 randn 张量,"
        "却没人留着它。先缩放,再 `requires_grad_()`。",
    )


# --- koans_loops --------------------------------------------------------------------------------


def data_iter(batch_size, features, labels, rng):
    """d2l's data_iter: shuffled batches, the last one shorter when the size does not divide."""
    indices = list(range(len(features)))
    rng.shuffle(indices)
    for i in range(0, len(indices), batch_size):
        batch = torch.tensor(indices[i : i + batch_size])
        yield features[batch], labels[batch]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def fresh_params():
    return torch.zeros(2, 1, requires_grad=True), torch.zeros(1, requires_grad=True)


class CountingSgd:
    """d2l's sgd, counting its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, params, lr, batch_size):
        self.calls += 1
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()


@pytest.mark.step(LOOPS)
def test_losses_after_cat_loop(kata):
    prediction, call = predicted(kata, "losses_after_cat_loop")
    prediction = as_int(prediction, LOOPS, call)
    features, labels = synthetic_data(1000)
    w, b = fresh_params()
    batch_size, rng = 10, random.Random(0)
    l = None  # noqa: E741 - the articles' name
    for X, y in data_iter(batch_size, features, labels, rng):
        if l is None:
            l = squared_loss(linreg(X, w, b), y)  # noqa: E741
        else:
            torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
    actual = l.numel()
    judge(
        prediction == actual, LOOPS, call, prediction, actual,
        "`torch.cat` returns a new tensor and never changes its inputs; the line throws its "
        "result away, so `l` still holds the first batch's 10 losses. In the experiment, "
        "`l.sum().backward()` saw 10 examples of the 1000. Keep the result: "
        "`l = torch.cat((l, ...))`.",
        "`torch.cat` 返回新张量,从不修改它的输入;这一行把结果丢掉了,所以 `l` 里仍只有第一个批量的 "
        "10 个损失。在那个实验里,`l.sum().backward()` 只看到了 1000 个样本中的 10 个。请保留结果:"
        "`l = torch.cat((l, ...))`。",
    )


@pytest.mark.step(LOOPS)
def test_updates_in_the_experiment(kata):
    prediction, call = predicted(kata, "updates_in_the_experiment")
    if not (
        isinstance(prediction, (tuple, list))
        and len(prediction) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in prediction)
    ):
        bad_form(LOOPS, call, prediction, "predict a pair of ints (updates_in_A, updates_in_B)",
                 "请预测一对整数 (updates_in_A, updates_in_B)")
    features, labels = synthetic_data(1000)
    batch_size, lr, rng = 10, 0.03, random.Random(0)

    # A, as written: 3 epochs of d2l's loop, one step per batch.
    w, b = fresh_params()
    sgd_a = CountingSgd()
    for _epoch in range(3):
        for X, y in data_iter(batch_size, features, labels, rng):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd_a([w, b], lr, batch_size)

    # B, as written, but counted over 3 of its 300 epochs (each epoch runs the same code, so it
    # makes the same number of steps): one step after gathering an epoch's losses.
    w, b = fresh_params()
    sgd_b = CountingSgd()
    counted = 3
    for _epoch in range(counted):
        count, l = 1, None  # noqa: E741
        for X, y in data_iter(batch_size, features, labels, rng):
            count += 1
            if l is None:
                l = squared_loss(linreg(X, w, b), y)  # noqa: E741
            else:
                torch.cat((l, squared_loss(linreg(X, w, b), y)), dim=0)
        l.sum().backward()
        sgd_b([w, b], lr, batch_size * count)
    actual = (sgd_a.calls, sgd_b.calls * 300 // counted)
    judge(
        tuple(prediction) == actual, LOOPS, call, tuple(prediction), actual,
        "A steps after every batch: 1000 / 10 = 100 steps an epoch, 300 in 3 epochs. B steps "
        "once an epoch: 300 in 300 epochs. The same number of updates, yet the article's B "
        "ended with a loss near 13 where A reaches about 0.0001: B's step used the first "
        "batch's gradient only (the torch.cat result was thrown away), divided by "
        "batch_size * count = 1010, about a hundredth of a mean-gradient step.",
        "A 每个批量更新一次:每轮 1000 / 10 = 100 次,3 轮共 300 次。B 每轮更新一次:300 轮共 300 "
        "次。更新次数相同,但文章里 B 的损失停在 13 左右,而 A 能到 0.0001 左右:B 的每一步只用了"
        "第一个批量的梯度(torch.cat 的结果被丢掉了),还除以 batch_size * count = 1010,"
        "大约只有按平均梯度走一步的百分之一。",
    )


@pytest.mark.step(LOOPS)
def test_running_loss_kind(kata):
    prediction, call = predicted(kata, "running_loss_kind")
    kinds = ("float", "tensor", "tensor with a graph")
    prediction = as_choice(prediction, LOOPS, call, kinds)
    gen = torch.Generator().manual_seed(0)
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.MSELoss()
    batches = [(torch.randn(4, 2, generator=gen), torch.randn(4, 1, generator=gen))
               for _ in range(3)]
    running = 0.0
    for X, y in batches:
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss
    if not isinstance(running, torch.Tensor):
        actual = "float"
    else:
        actual = "tensor" if running.grad_fn is None else "tensor with a graph"
    judge(
        prediction == actual, LOOPS, call, prediction, actual,
        "A Python float plus a tensor is a tensor, and since `loss` has a graph, so does "
        "`running`: it keeps every batch's graph alive until the epoch ends (memory grows "
        "with it), and a backward through it would reach freed graphs. `running += "
        "loss.item()` adds a plain float, with no graph.",
        "Python 的 float 加上张量得到张量;因为 `loss` 带着计算图,`running` 也带着:它让每个批量的"
        "计算图一直存活到这一轮结束(内存随之增长),对它 backward 还会碰到已释放的图。"
        "`running += loss.item()` 加的是普通 float,没有计算图。",
    )


@pytest.mark.step(LOOPS)
def test_step_after_late_zero_grad_moves(kata):
    prediction, call = predicted(kata, "step_after_late_zero_grad_moves")
    prediction = as_bool(prediction, LOOPS, call)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    before = w.detach().clone()
    optimizer = torch.optim.SGD([w], lr=0.1)
    loss = (w**2).sum()
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    actual = not torch.equal(w.detach(), before)
    judge(
        prediction == actual, LOOPS, call, prediction, actual,
        "`backward()` filled `w.grad`, then `zero_grad()` cleared it (to None, in recent "
        "PyTorch), so `step()` had nothing to apply: w never moves, and no error says so. "
        "The order is zero_grad, backward, step.",
        "`backward()` 填好了 `w.grad`,随后 `zero_grad()` 把它清掉了(新版 PyTorch 中设为 None),"
        "于是 `step()` 无事可做:w 一动不动,也不会报错。顺序应为 zero_grad、backward、step。",
    )


@pytest.mark.step(LOOPS)
def test_second_backward(kata):
    prediction, call = predicted(kata, "second_backward")
    prediction = as_exception_name(prediction, LOOPS, call)

    def snippet():
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    actual = raised(snippet)
    judge(
        prediction == actual, LOOPS, call, prediction, actual,
        "The first `backward()` frees the tensors the graph saved for it; a second backward "
        "through the same graph raises RuntimeError ('Trying to backward through the graph a "
        "second time'). Run a new forward pass for each backward, or pass `retain_graph=True` "
        "to the first call when two backwards are really meant.",
        "第一次 `backward()` 会释放计算图为它保存的张量;对同一个图再次 backward 会抛出 "
        "RuntimeError('Trying to backward through the graph a second time')。每次 backward "
        "前重新做一次前向传播;确实需要两次时,第一次传 `retain_graph=True`。",
    )
