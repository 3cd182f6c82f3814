"""zero_grad: each training step uses its own gradient; deliberate accumulation is exact."""

import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo.datasets import thermometer
from dojo.testing import close, expect, fail, show

KATA = "zero_grad"
# a wrong answer fails at once, without hypothesis spending seconds explaining its failure
FAST_FAILURE = [p for p in Phase if p is not Phase.explain]

# --- training_loop -------------------------------------------------------------------------


def thermometer_grad(params, t_u, t_c):
    """d/d[w, b] of mean((w * t_u + b - t_c)^2), written out by hand (no autograd)."""
    w, b = params
    residual = w * t_u + b - t_c
    return torch.stack([(2 * residual * t_u).mean(), (2 * residual).mean()])


def sgd_trajectories(start, lr, n_epochs, t_u, t_c):
    """Plain gradient descent, and what the two zero_grad pitfalls make of it, epoch by epoch."""
    right, piled, piled_grad = start.clone(), start.clone(), torch.zeros(2)
    out = []
    for _ in range(n_epochs):
        right = right - lr * thermometer_grad(right, t_u, t_c)
        piled_grad = piled_grad + thermometer_grad(piled, t_u, t_c)  # never cleared
        piled = piled - lr * piled_grad
        out.append((right, piled))
    return out


def order_of_calls(kata):
    """The learner's loop for 3 epochs under a watch of zero_grad(), backward and step(): the
    order mistake it makes, if any (a key of `diagnose.ORDER_CAUSES`)."""
    t_u, t_c = thermometer()
    params = torch.tensor([1.0, 0.0], requires_grad=True)
    optimizer = torch.optim.SGD([params], lr=1e-2)
    with diagnose.CallOrder(optimizer, params) as order:
        kata.training_loop(3, optimizer, params, t_u * 0.1, t_c)
    return order.mistake()


def explain_wrong_params(kata, params, start, right, piled, call, n_epochs):
    """Name the mistake, measured: the trajectory that piled-up gradients give, else the order
    of the calls as the learner's loop makes them."""
    shown = dict(call=call, got=params, expected=right, kata=KATA)
    if piled is not None and close(params, piled, rtol=1e-4, atol=1e-5):
        fail(
            f"after {n_epochs} epochs the step used the sum of every epoch's gradient: no "
            f"`zero_grad`, so the gradients pile up across epochs. `backward()` adds to "
            f"`.grad`, it does not replace it; call `optimizer.zero_grad()` before each "
            f"`loss.backward()`.",
            f"{n_epochs} 轮之后,这一步用的是之前每一轮梯度的总和:没有 `zero_grad`,"
            f"梯度在各轮之间不断累加。`backward()` 是往 `.grad` 上加,而不是替换;"
            f"每次 `loss.backward()` 之前请调用 `optimizer.zero_grad()`。",
            **shown,
        )
    mistake = order_of_calls(kata)
    if mistake is not None:
        fail(*diagnose.ORDER_CAUSES[mistake], **shown)
    if close(params, start):
        fail(
            "the parameters never moved, though `zero_grad()`, `backward()` and `step()` came "
            "in the right order with a gradient at each step: is the optimizer the one given, "
            "and does the loss come from `params`?",
            "参数一点没动,可是 `zero_grad()`、`backward()`、`step()` 的顺序是对的,每一步也有梯度:"
            "用的是传入的那个优化器吗?损失是由 `params` 算出来的吗?",
            **shown,
        )


def run_loop(kata, n_epochs, make_optimizer, start, t_u, t_c):
    params = torch.tensor(start, requires_grad=True)
    optimizer = make_optimizer([params])
    returned = kata.training_loop(n_epochs, optimizer, params, t_u, t_c)
    return params, returned


def test_training_loop_clears_the_gradient_before_each_backward(kata):
    """A few epochs of SGD, each checked against gradient descent written out in the test."""
    t_u, t_c = thermometer()
    t_un = t_u * 0.1
    start = torch.tensor([1.0, 0.0])
    trajectories = sgd_trajectories(start, 1e-2, 3, t_un, t_c)
    for n_epochs, (right, piled) in enumerate(trajectories, start=1):
        params, returned = run_loop(
            kata, n_epochs, lambda p: torch.optim.SGD(p, lr=1e-2), [1.0, 0.0], t_un, t_c
        )
        call = f"training_loop({n_epochs}, SGD(lr=1e-2), params=[1.0, 0.0], t_u * 0.1, t_c)"
        if close(params, right, rtol=1e-4, atol=1e-5):
            continue
        explain_wrong_params(kata, params, start, right, piled, call, n_epochs)
        fail(
            f"after {n_epochs} epochs the parameters differ from plain gradient descent on the "
            f"mean squared error of `w * t_u + b`. Each epoch: forward, loss, "
            f"`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.",
            f"{n_epochs} 轮之后参数与对 `w * t_u + b` 的均方误差做普通梯度下降的结果不同。"
            f"每一轮:前向、损失、`optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`。",
            call=call,
            got=params,
            expected=right,
            kata=KATA,
        )
    expect(
        close(returned, params),
        "training_loop must return `params`, the trained tensor.",
        "training_loop 应当返回 `params`,也就是训练后的张量。",
        call="training_loop(3, ...)",
        got=returned,
        expected=params,
        kata=KATA,
    )


def reference_loop(n_epochs, make_optimizer, start, t_u, t_c):
    """The test's own loop: the same optimizer, a clean gradient every epoch."""
    params = torch.tensor(start, requires_grad=True)
    optimizer = make_optimizer([params])
    for _ in range(n_epochs):
        w, b = params
        loss = ((w * t_u + b - t_c) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params.detach()


def test_training_loop_reaches_the_books_result_and_works_with_any_optimizer(kata):
    """The book's 5000 epochs, then configurations whose answer only a real loop can give."""
    t_u, t_c = thermometer()
    t_un = t_u * 0.1
    params, _ = run_loop(kata, 5000, lambda p: torch.optim.SGD(p, lr=1e-2), [1.0, 0.0], t_un, t_c)
    book = torch.tensor([5.3671, -17.3012])
    call = "training_loop(5000, SGD(lr=1e-2), params=[1.0, 0.0], t_u * 0.1, t_c)"
    if not close(params, book, rtol=0, atol=2e-3):
        explain_wrong_params(kata, params, torch.tensor([1.0, 0.0]), book, None, call, 5000)
        blew_up = not torch.isfinite(params).all()
        fail(
            "5000 epochs of SGD did not end near the book's [5.3671, -17.3012]"
            + (": the steps blew up to inf/nan, as they do when the gradients pile up (no "
               "`zero_grad`)." if blew_up else ". Is each epoch one step from a clean "
               "gradient (`optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`, in "
               "that order)?"),
            "5000 轮 SGD 之后没有到达书中的 [5.3671, -17.3012]"
            + (":步长爆炸成了 inf/nan,梯度不断累加(没有 `zero_grad`)时就是这样。"
               if blew_up else "。每一轮是不是从清零的梯度出发的一步"
               "(依次 `optimizer.zero_grad()`、`loss.backward()`、`optimizer.step()`)?"),
            call=call,
            got=params,
            expected=book,
            kata=KATA,
        )
    configs = [
        ("Adam(lr=0.1)", lambda p: torch.optim.Adam(p, lr=0.1), [0.5, 2.0], 150, t_un),
        ("SGD(lr=1e-4, momentum=0.9)",
         lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.9), [2.0, -1.0], 40, t_u),
    ]
    for name, make, start, n_epochs, inputs in configs:
        params, _ = run_loop(kata, n_epochs, make, start, inputs, t_c)
        want = reference_loop(n_epochs, make, start, inputs, t_c)
        expect(
            close(params, want, rtol=1e-4, atol=1e-4),
            f"with {name} the result differs from the same optimizer run in a plain loop: "
            f"let `optimizer.step()` make the update (no hand-written step, nothing fixed in "
            f"advance), one step per epoch, each from a clean gradient.",
            f"使用 {name} 时结果与同一优化器在普通循环中的结果不同:参数更新交给 "
            f"`optimizer.step()`(不要手写更新,也不要写死结果),每轮一步,每步都从清零的梯度开始。",
            call=f"training_loop({n_epochs}, {name}, params={start}, ...)",
            got=params,
            expected=want,
            kata=KATA,
        )


# --- accumulated_gradients -----------------------------------------------------------------


def small_model(seed):
    gen = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64))
    return net


def split(sizes, seed):
    gen = torch.Generator().manual_seed(seed + 1)
    n = sum(sizes)
    X = torch.randn(n, 3, generator=gen, dtype=torch.float64)
    y = torch.randn(n, 1, generator=gen, dtype=torch.float64)
    return X, y, list(zip(X.split(sizes), y.split(sizes)))


def fill_grads(net, kind, seed):
    """Leave `.grad` as a previous computation might have: None, zeros, or an old gradient."""
    gen = torch.Generator().manual_seed(seed + 2)
    for p in net.parameters():
        if kind == "none":
            p.grad = None
        elif kind == "zeros":
            p.grad = torch.zeros_like(p)
        else:
            p.grad = torch.randn(p.shape, generator=gen, dtype=p.dtype)
    return [None if p.grad is None else p.grad.clone() for p in net.parameters()]


def grads_of(net, loss):
    return list(torch.autograd.grad(loss, list(net.parameters())))


def check_accumulation(kata, sizes, stale_kind, seed):
    net, loss_fn = small_model(seed), nn.MSELoss()
    X, y, micro_batches = split(sizes, seed)
    want = grads_of(net, loss_fn(net(X), y))
    per_batch = [grads_of(net, loss_fn(net(Xb), yb)) for Xb, yb in micro_batches]
    stale = fill_grads(net, stale_kind, seed)

    kata.accumulated_gradients(net, loss_fn, micro_batches)

    got = [p.grad for p in net.parameters()]
    call = f"accumulated_gradients(model, MSELoss(), micro-batches of sizes {sizes})"
    if any(g is None for g in got):
        fail(
            "a parameter's .grad is None afterwards: no backward reached it. Run one backward "
            "per micro-batch.",
            "之后某个参数的 .grad 是 None:没有任何 backward 到达它。请对每个小批量做一次 backward。",
            call=call,
            kata=KATA,
        )
    if all(close(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(got, want)):
        return

    def matches(candidate):
        return all(close(g, c, rtol=1e-6, atol=1e-9) for g, c in zip(got, candidate))

    first, shown = got[0], want[0]
    if stale_kind == "random" and matches([s + w for s, w in zip(stale, want)]):
        fail(
            "stale gradients before accumulating: `.grad` still held an earlier gradient and "
            "`backward()` added this call's onto it. Clear the gradients once before the first "
            "micro-batch (`model.zero_grad()`), not inside the loop.",
            "累加之前有残留的梯度:`.grad` 里还留着之前的梯度,`backward()` 把这次的梯度加了上去。"
            "请在第一个小批量之前清零一次(`model.zero_grad()`),而不是在循环里清零。",
            call=call + " with old gradients in .grad",
            got=first,
            expected=shown,
            kata=KATA,
        )
    n, k = sum(sizes), len(sizes)
    mean_of_means = [sum(g[i] for g in per_batch) / k for i in range(len(want))]
    if len(set(sizes)) > 1 and matches(mean_of_means):
        fail(
            f"divided by the number of micro-batches ({k}) although their sizes differ "
            f"({sizes}): the mean of batch means weighs an example of a small batch more than "
            f"one of a big batch. Weigh each batch's mean loss by its share of the examples, "
            f"`len(X) / {n}`.",
            f"在小批量大小不同({sizes})时除以了小批量的个数({k}):批均值的平均会让小批量里的"
            f"样本比大批量里的样本权重更大。请按每批样本所占比例 `len(X) / {n}` 加权每批的平均损失。",
            call=call,
            got=first,
            expected=shown,
            kata=KATA,
        )
    if k > 1 and matches([sum(g[i] for g in per_batch) for i in range(len(want))]):
        fail(
            f"the gradients of the {k} micro-batches were added without weighting: each "
            f"`loss_fn` gives a batch *mean*, so the sum is about {k} times the gradient of "
            f"the whole batch. Weigh each batch's loss by `len(X) / {n}` before `backward()`.",
            f"{k} 个小批量的梯度没有加权就直接相加了:`loss_fn` 给出的是批内*平均*,相加后约是整批"
            f"梯度的 {k} 倍。`backward()` 之前请用 `len(X) / {n}` 给每批的损失加权。",
            call=call,
            got=first,
            expected=shown,
            kata=KATA,
        )
    last = per_batch[-1]
    weighted_last = [g * sizes[-1] / n for g in last]
    if k > 1 and (matches(last) or matches(weighted_last)):
        fail(
            "only the last micro-batch's gradient is left: the gradients were cleared inside "
            "the loop, wiping what the earlier micro-batches had accumulated. Clear once, "
            "before the loop.",
            "只剩下最后一个小批量的梯度:在循环里清零了梯度,把前面小批量累加的结果抹掉了。"
            "请在循环之前清零一次。",
            call=call,
            got=first,
            expected=shown,
            kata=KATA,
        )
    fail(
        "the accumulated gradient is not the gradient of the mean loss over all the examples "
        "together (one backward on the whole batch). Start from clean gradients and weigh each "
        "micro-batch's mean loss by its share of the examples.",
        "累加出的梯度不等于全部样本平均损失的梯度(整批做一次 backward 的结果)。"
        "请从清零的梯度开始,并按样本所占比例给每个小批量的平均损失加权。",
        call=call + ("" if stale_kind == "none" else f", .grad held {stale_kind} before"),
        got=first,
        expected=shown,
        kata=KATA,
    )


def test_accumulated_gradients_ignore_what_grad_held_before(kata):
    check_accumulation(kata, [4, 4, 4], "random", seed=3)


def test_accumulated_gradients_weigh_micro_batches_of_different_sizes(kata):
    check_accumulation(kata, [1, 6, 3], "none", seed=5)


@settings(phases=FAST_FAILURE)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=5),
    stale_kind=st.sampled_from(["none", "zeros", "random"]),
    seed=st.integers(0, 2**16),
)
def test_accumulation_equals_the_big_batch_for_any_split(kata, sizes, stale_kind, seed):
    check_accumulation(kata, sizes, stale_kind, seed)


def test_accumulated_gradients_change_no_parameter(kata):
    net, loss_fn = small_model(7), nn.MSELoss()
    _, _, micro_batches = split([2, 5], 7)
    before = [p.detach().clone() for p in net.parameters()]
    kata.accumulated_gradients(net, loss_fn, micro_batches)
    expect(
        all(close(p, b, rtol=0, atol=0) for p, b in zip(net.parameters(), before)),
        "the parameters changed: accumulating gradients is not a step. Leave the update to the "
        "caller (an optimizer's `step()` after the accumulation).",
        "参数被改动了:累加梯度不是更新。更新留给调用方(累加之后由优化器 `step()`)。",
        call="accumulated_gradients(model, MSELoss(), micro-batches of sizes [2, 5])",
        got=show([p for p in net.parameters()][0]),
        expected=show(before[0]),
        kata=KATA,
    )
