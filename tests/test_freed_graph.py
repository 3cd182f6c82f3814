"""freed_graph: losses logged as floats, no graph kept past its step, two gradients through one
shared forward pass."""

import copy
import gc
import re
import weakref

import torch
import torch.nn.functional as F
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.overrides import TorchFunctionMode

from dojo import diagnose
from dojo.i18n import t
from dojo.testing import close, expect, fail, show

KATA = "freed_graph"
# a wrong answer fails at once, without hypothesis spending seconds explaining its failure
FAST_FAILURE = [p for p in Phase if p is not Phase.explain]

FREED = r"backward through the graph a second time"
MODIFIED = r"modified by an inplace operation"


def torch_said(err):
    """The first sentence of PyTorch's message, enough to recognise it."""
    return str(err).split(" (or ")[0].split(". ")[0].strip()


def raised(err, pattern):
    """A PyTorch RuntimeError of this kind (never the stub's NotImplementedError)."""
    return not isinstance(err, NotImplementedError) and re.search(pattern, str(err))


# --- train_logging_losses ------------------------------------------------------------------


class _Graph:
    """A token held by the loss's backward node: it lives exactly as long as the graph does."""


class _Tagged(torch.autograd.Function):
    @staticmethod
    def forward(ctx, loss, token):
        ctx.token = token
        return loss.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class TrackedMSE:
    """The mean squared error, watching how long the graph of each call stays alive."""

    def __init__(self, track=True):
        self.track = track
        self.graphs = []
        self.losses = []
        self.most_alive = 0  # earlier steps' graphs still alive at a later call

    def alive(self, refs):
        return sum(r() is not None for r in refs)

    def __call__(self, prediction, target):
        older = self.graphs[:-2]  # the previous step's loss may still sit in a local variable
        if self.track and self.alive(older):
            gc.collect(1)  # young cyclic garbage is not kept on purpose (a full collection
            # would take seconds in a big process; a plain loop makes no cycles anyway)
            self.most_alive = max(self.most_alive, self.alive(older))
        token = _Graph()
        loss = _Tagged.apply(F.mse_loss(prediction, target), token)
        if loss.grad_fn is not None:
            self.graphs.append(weakref.ref(token))
            self.losses.append(weakref.ref(loss))
        return loss


def make_setup(sizes, seed):
    gen = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float64) * 0.5)
    true_w = torch.randn(3, 1, generator=gen, dtype=torch.float64)
    batches = []
    for n in sizes:
        X = torch.randn(n, 3, generator=gen, dtype=torch.float64)
        batches.append((X, X @ true_w + 0.1 * torch.randn(n, 1, generator=gen, dtype=X.dtype)))
    return model, batches


def make_optimizer(params):
    return torch.optim.SGD(params, lr=0.1, momentum=0.5)


def call_train(kata, model, optimizer, loss_fn, batches, call):
    """The kata's call, with PyTorch's freed-graph errors turned into the pitfall they mean."""
    try:
        return kata.train_logging_losses(model, optimizer, loss_fn, batches)
    except RuntimeError as err:
        if not (raised(err, FREED) or raised(err, MODIFIED)):
            raise
        said, freed = torch_said(err), raised(err, FREED)
    if freed and len(getattr(loss_fn, "graphs", [])) == 1:
        fail(
            "the first batch's graph was backpropagated twice within its own step: "
            "`backward()` frees the graph it goes through, so a second `loss.backward()` on "
            f"the same loss (or on a total that holds it) fails (PyTorch: \"{said}\"). "
            "Backpropagate each batch's loss once, and log `loss.item()`.",
            "第一个批次的计算图在它自己的这一步里被反向传播了两次:`backward()` 会释放它经过的计算图,"
            "所以对同一个损失(或包含它的总和)再调用一次 `loss.backward()` 就会失败"
            f"(PyTorch:\"{said}\")。每个批次的损失只反向传播一次,记录 `loss.item()`。",
            call=call,
            kata=KATA,
        )
    why_en = (
        "which their own backward already freed" if freed else
        "whose saved parameters the optimizer has changed in place since (retain_graph=True "
        "kept those graphs, and all their memory, alive)"
    )
    why_zh = (
        "而它们在各自的 backward 之后已经被释放了" if freed else
        "而它们保存的参数此后已被优化器原地修改(retain_graph=True 让这些图连同内存一直活着)"
    )
    fail(
        "a running loss that keeps every graph alive and is backpropagated each step: "
        "`running = running + loss; running.backward()` goes back through the graphs of the "
        f"earlier batches, {why_en} (PyTorch: \"{said}\"). Each batch's gradient belongs to "
        "its own step: backpropagate each batch's own `loss` once and log `loss.item()`.",
        "一个让所有计算图都活着、每步都反向传播的累计损失:"
        "`running = running + loss; running.backward()` 会回到之前批次的计算图,"
        f"{why_zh}(PyTorch:\"{said}\")。每个批次的梯度只属于它自己的那一步:"
        "每个批次只对自己的 `loss` 反向传播一次,记录 `loss.item()`。",
        call=call,
        kata=KATA,
    )


def reference_run(model, batches, *, after=None):
    """The test's own loop on a copy of the model: the losses before each step, the result.
    `after`, a list, receives each batch's loss after its step (what a late log would read)."""
    model = copy.deepcopy(model)
    optimizer = make_optimizer(model.parameters())
    losses = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = F.mse_loss(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if after is not None:
            with torch.no_grad():
                after.append(F.mse_loss(model(X), y).item())
    return losses, model


def logged_instead(history, want, after):
    """What the logged figures are, when not each batch's loss before its step."""
    running = [sum(want[: i + 1]) for i in range(len(want))]
    candidates = [
        (after, ("each batch's loss was logged after its step: a second forward pass with the "
                 "updated parameters measures the next model, not the loss this step trained on. "
                 "Log `loss.item()` of the loss you backpropagated.",
                 "每个批次的损失是在它那一步更新之后记录的:用更新后的参数再做一次前向传播,测的是下一个"
                 "模型,而不是这一步训练所用的损失。请记录被反向传播的那个损失的 `loss.item()`。")),
        (running, ("the running total was logged: item i is the sum of the losses of batches 0 "
                   "to i, not batch i's own loss. Append each batch's `loss.item()`.",
                   "记录的是累计总和:第 i 项是第 0 到第 i 个批次损失之和,而不是第 i 个批次自己的损失。"
                   "请逐批追加各自的 `loss.item()`。")),
        ([r / (i + 1) for i, r in enumerate(running)],
         ("the running mean was logged: item i is the mean loss of batches 0 to i, not batch "
          "i's own loss. Append each batch's `loss.item()`.",
          "记录的是累计平均:第 i 项是第 0 到第 i 个批次损失的平均,而不是第 i 个批次自己的损失。"
          "请逐批追加各自的 `loss.item()`。")),
    ]
    for values, cause in candidates:
        if close(torch.tensor(history), torch.tensor(values), rtol=1e-6, atol=1e-9):
            return cause
    return None


def check_floats(history, n, call):
    expect(
        isinstance(history, list) and len(history) == n,
        f"train_logging_losses must return a list with one loss per batch ({n} batches).",
        f"train_logging_losses 应当返回一个列表,每个批次一个损失({n} 个批次)。",
        call=call,
        got=show(history) if not isinstance(history, list) else f"{len(history)} items",
        expected=f"{n} floats",
        kata=KATA,
    )
    for i, item in enumerate(history):
        if isinstance(item, torch.Tensor) and item.grad_fn is not None:
            fail(
                f"loss tensors kept in the history (item {i} is a tensor with a grad_fn): each "
                f"one keeps its step's whole graph, and with it the batch's activations, alive "
                f"for as long as the history lives, so memory grows with every step. Keep "
                f"`loss.item()`, a Python float.",
                f"历史记录里保存了损失张量(第 {i} 项是带 grad_fn 的张量):每一个都让该步的"
                f"整个计算图连同这一批的激活值一直活着,和历史记录一样久,内存随步数增长。"
                f"请保存 `loss.item()`,一个 Python float。",
                call=call,
                got=show(item),
                expected=t("a Python float", "一个 Python float"),
                kata=KATA,
            )
        expect(
            isinstance(item, float) and not isinstance(item, torch.Tensor),
            f"item {i} of the history is a {type(item).__name__}, not a Python float: "
            f"`loss.item()` gives the number alone, with no tensor and no graph behind it.",
            f"历史记录的第 {i} 项是 {type(item).__name__},不是 Python float:`loss.item()` "
            f"只给出数值,背后没有张量,也没有计算图。",
            call=call,
            got=show(item),
            expected=t("a Python float", "一个 Python float"),
            kata=KATA,
        )


def check_training(kata, sizes, seed):
    model, batches = make_setup(sizes, seed)
    pristine = copy.deepcopy(model)
    after = []
    want_losses, want_model = reference_run(model, batches, after=after)
    call = f"train_logging_losses(model, SGD, mse_loss, {len(sizes)} batches of sizes {sizes})"
    history = call_train(kata, model, make_optimizer(model.parameters()), TrackedMSE(False),
                         batches, call)
    check_floats(history, len(batches), call)
    if not close(torch.tensor(history), torch.tensor(want_losses), rtol=1e-6, atol=1e-9):
        cause = logged_instead(history, want_losses, after)
        if cause is not None:
            fail(*cause, call=call, got=show(history), expected=show(want_losses), kata=KATA)
    for p, q in zip(model.parameters(), want_model.parameters()):
        if not close(p, q, rtol=1e-6, atol=1e-9):
            optimizer = make_optimizer(pristine.parameters())
            with diagnose.CallOrder(optimizer, next(pristine.parameters())) as order:
                call_train(kata, pristine, optimizer, TrackedMSE(False), batches, call)
            if order.mistake() is not None:
                fail(*diagnose.ORDER_CAUSES[order.mistake()], call=call, got=p, expected=q,
                     kata=KATA)
            break
    expect(
        close(torch.tensor(history), torch.tensor(want_losses), rtol=1e-6, atol=1e-9),
        "the logged losses differ from those of a plain loop: log each batch's own loss, "
        "computed before its step, once per batch.",
        "记录的损失与普通循环的不同:每个批次记录它自己的损失(在这一步更新之前计算的),每批一次。",
        call=call,
        got=show(history),
        expected=show(want_losses),
        kata=KATA,
    )
    for p, q in zip(model.parameters(), want_model.parameters()):
        expect(
            close(p, q, rtol=1e-6, atol=1e-9),
            "the trained parameters differ from a plain loop's: one step per batch, "
            "each from a clean gradient (`zero_grad`, `backward`, `step`).",
            "训练后的参数与普通循环的不同:每批一步,每步都从清零的梯度开始"
            "(`zero_grad`、`backward`、`step`)。",
            call=call,
            got=p,
            expected=q,
            kata=KATA,
        )


def test_train_logging_losses_returns_python_floats(kata):
    model, batches = make_setup([4, 4, 4], 0)
    call = "train_logging_losses(model, SGD, mse_loss, 3 batches)"
    history = call_train(kata, model, make_optimizer(model.parameters()), TrackedMSE(False),
                         batches, call)
    check_floats(history, 3, call)


def test_train_logging_losses_logs_each_batch_and_trains_like_a_plain_loop(kata):
    check_training(kata, [4, 6, 3, 5, 2], seed=1)


@settings(phases=FAST_FAILURE)
@given(sizes=st.lists(st.integers(1, 6), min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_train_logging_losses_for_any_number_and_size_of_batches(kata, sizes, seed):
    check_training(kata, sizes, seed)


def test_no_graph_outlives_its_step(kata):
    model, batches = make_setup([3] * 6, 2)
    loss_fn = TrackedMSE()
    call = "train_logging_losses(model, SGD, mse_loss, 6 batches)"
    history = call_train(kata, model, make_optimizer(model.parameters()), loss_fn, batches, call)
    if loss_fn.alive(loss_fn.graphs):
        gc.collect(1)
    alive = loss_fn.alive(loss_fn.graphs)
    kept_tensors = loss_fn.alive(loss_fn.losses)
    del history
    expect(
        loss_fn.most_alive == 0 and alive == 0,
        (
            f"graphs outlive their step: {max(loss_fn.most_alive, alive)} graphs of earlier "
            f"batches were still alive later on"
            + (f" ({kept_tensors} loss tensors kept)" if kept_tensors else "")
            + ". Loss tensors kept in the history (or anywhere: a list converted at the end, a "
            "running total `total = total + loss`) hold their whole graphs, and each batch's "
            "activations, in memory. Take `loss.item()` at each step and keep only that."
        ),
        (
            f"计算图活得比它那一步更久:之前批次的计算图中有 {max(loss_fn.most_alive, alive)} 个"
            f"在之后仍然活着"
            + (f"(保留了 {kept_tensors} 个损失张量)" if kept_tensors else "")
            + "。历史记录里(或任何地方:最后才转换的列表、累计的 `total = total + loss`)保存的"
            "损失张量会让整个计算图和每批的激活值一直占着内存。每一步取 `loss.item()`,只保存它。"
        ),
        call=call,
        kata=KATA,
    )


# --- grads_of_two_losses -------------------------------------------------------------------


class CountTanh(TorchFunctionMode):
    """Counts the tanh calls (torch.tanh, Tensor.tanh, F.tanh, nn.Tanh) made inside it."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in ("tanh", "tanh_"):
            self.count += 1
        return func(*args, **(kwargs or {}))


def make_inputs(n, d, k, m, seed):
    gen = torch.Generator().manual_seed(seed)
    shape = (k,) if m == 0 else (k, m)
    x = torch.randn(n, d, generator=gen, dtype=torch.float64)
    w = torch.randn(d, k, generator=gen, dtype=torch.float64).requires_grad_()
    a = torch.randn(*shape, generator=gen, dtype=torch.float64)
    b = torch.randn(*shape, generator=gen, dtype=torch.float64)
    return x, w, a, b


def own_grads(x, w, a, b):
    """The test's own gradients: a fresh copy of w, a fresh forward pass for each loss."""
    w = w.detach().clone().requires_grad_()
    (ga,) = torch.autograd.grad((torch.tanh(x @ w) @ a).pow(2).mean(), w)
    (gb,) = torch.autograd.grad((torch.tanh(x @ w) @ b).abs().mean(), w)
    return ga, gb


def call_two(kata, x, w, a, b, call):
    counter = CountTanh()
    said = None
    try:
        with counter:
            result = kata.grads_of_two_losses(x, w, a, b)
    except RuntimeError as err:
        if not raised(err, FREED):
            raise
        said = torch_said(err)
    if said is not None:
        fail(
            "the second backward without `retain_graph`: both losses go back through the "
            "shared `h = tanh(x @ w)`, and the first backward freed what that part of the graph "
            f"saved (PyTorch: \"{said}\"). Keep it for the second pass: `retain_graph=True` "
            "on the first backward (or `torch.autograd.grad(..., retain_graph=True)`), rather "
            "than a second forward pass.",
            "第二次 backward 没有 `retain_graph`:两个损失都要经过共享的 "
            "`h = tanh(x @ w)` 反向传播,而第一次 backward 已经释放了这部分计算图保存的中间结果"
            f"(PyTorch:\"{said}\")。请为第二次保留它:第一次 backward 时传 `retain_graph=True`"
            "(或 `torch.autograd.grad(..., retain_graph=True)`),而不是再做一次前向传播。",
            call=call,
            kata=KATA,
        )
    expect(
        isinstance(result, (tuple, list))
        and len(result) == 2
        and all(isinstance(g, torch.Tensor) for g in result),
        "grads_of_two_losses must return a pair of tensors `(grad_a, grad_b)`.",
        "grads_of_two_losses 应当返回一对张量 `(grad_a, grad_b)`。",
        call=call,
        got=show(result),
        kata=KATA,
    )
    return result[0], result[1], counter.count


def set_grad(w, kind, seed):
    gen = torch.Generator().manual_seed(seed + 7)
    if kind == "none":
        w.grad = None
    elif kind == "zeros":
        w.grad = torch.zeros_like(w)
    else:
        w.grad = torch.randn(w.shape, generator=gen, dtype=w.dtype)
    return None if w.grad is None else w.grad.clone()


def check_two(kata, x, w, a, b, stale_kind, seed):
    want_a, want_b = own_grads(x, w, a, b)
    stale = set_grad(w, stale_kind, seed)
    held = "" if stale_kind == "none" else f", w.grad holding {stale_kind} before"
    call = (f"grads_of_two_losses(x {tuple(x.shape)}, w {tuple(w.shape)}, a {tuple(a.shape)}, "
            f"b {tuple(b.shape)}{held})")
    grad_a, grad_b, tanh_calls = call_two(kata, x, w, a, b, call)

    def near(got, want):
        return close(got, want, rtol=1e-6, atol=1e-9)

    both = want_a + want_b
    if near(grad_a, want_a) and near(grad_b, want_b):
        return tanh_calls
    if grad_a.data_ptr() == grad_b.data_ptr() or near(grad_b, both) or (
        stale is not None and near(grad_b, stale + both)
    ):
        fail(
            "the second gradient accumulated onto the first: `backward()` adds into `w.grad`, "
            "so after the second backward it holds d loss_a/dw + d loss_b/dw"
            + (" (and grad_a is that same tensor: `w.grad` returned without `.clone()`)"
               if grad_a.data_ptr() == grad_b.data_ptr() else "")
            + ". Take each gradient on its own: clear `w.grad` between the two backward "
            "calls and clone the first, or use `torch.autograd.grad`, which returns the "
            "gradient instead of adding it.",
            "第二个梯度累加到了第一个上:`backward()` 是往 `w.grad` 里加,第二次 backward 之后"
            "它存的是 d loss_a/dw + d loss_b/dw"
            + ("(而且 grad_a 就是同一个张量:返回 `w.grad` 时没有 `.clone()`)"
               if grad_a.data_ptr() == grad_b.data_ptr() else "")
            + "。请分别求每个梯度:两次 backward 之间清空 `w.grad` 并 clone 第一个,或者用 "
            "`torch.autograd.grad`,它直接返回梯度而不是累加。",
            call=call,
            got=grad_b,
            expected=want_b,
            kata=KATA,
        )
    if stale is not None and stale_kind != "zeros" and (
        near(grad_a, stale + want_a) or near(grad_b, stale + want_b)
    ):
        fail(
            "what `w.grad` held before the call leaked into the result: `backward()` adds "
            "onto whatever `.grad` holds. Clear `w.grad` first (`w.grad = None`), or use "
            "`torch.autograd.grad`, which never reads it.",
            "调用之前 `w.grad` 里的值混进了结果:`backward()` 会加到 `.grad` 已有的值上。"
            "请先清空 `w.grad`(`w.grad = None`),或者用从不读取它的 `torch.autograd.grad`。",
            call=call,
            got=grad_a,
            expected=want_a,
            kata=KATA,
        )
    which = "grad_a" if not near(grad_a, want_a) else "grad_b"
    fail(
        f"{which} is not the gradient of its loss with respect to w (compared with "
        f"`torch.autograd.grad` on a fresh forward pass). With h = tanh(x @ w): "
        f"loss_a = (h @ a).pow(2).mean(), loss_b = (h @ b).abs().mean().",
        f"{which} 不是对应损失对 w 的梯度(与对一次新的前向传播调用 `torch.autograd.grad` 的"
        f"结果比较)。其中 h = tanh(x @ w):loss_a = (h @ a).pow(2).mean(),"
        f"loss_b = (h @ b).abs().mean()。",
        call=call,
        got=grad_a if which == "grad_a" else grad_b,
        expected=want_a if which == "grad_a" else want_b,
        kata=KATA,
    )


def test_each_gradient_on_its_own(kata):
    x, w, a, b = make_inputs(6, 3, 4, 0, seed=0)
    check_two(kata, x, w, a, b, "none", seed=0)


def test_one_forward_pass_through_the_shared_h(kata):
    x, w, a, b = make_inputs(5, 3, 4, 0, seed=1)
    tanh_calls = check_two(kata, x, w, a, b, "none", seed=1)
    expect(
        tanh_calls == 1,
        f"h = tanh(x @ w) was computed {tanh_calls} times: the kata asks for one forward pass "
        f"shared by both losses (in a real network the forward pass is the expensive part). "
        f"Keep the graph through h for the second gradient with `retain_graph=True` instead "
        f"of building it again.",
        f"h = tanh(x @ w) 被计算了 {tanh_calls} 次:这个 kata 要求两个损失共用一次前向传播"
        f"(在真实网络里前向传播才是昂贵的部分)。请用 `retain_graph=True` 为第二个梯度保留经过 h "
        f"的计算图,而不是重新构建。",
        call="grads_of_two_losses(x, w, a, b)",
        got=f"{tanh_calls} tanh calls",
        expected="1",
        kata=KATA,
    )


def test_what_w_grad_held_before_does_not_leak(kata):
    x, w, a, b = make_inputs(6, 3, 4, 0, seed=2)
    check_two(kata, x, w, a, b, "random", seed=2)


@settings(phases=FAST_FAILURE)
@given(
    n=st.integers(1, 6),
    d=st.integers(1, 4),
    k=st.integers(1, 5),
    m=st.integers(0, 2),
    stale_kind=st.sampled_from(["none", "zeros", "random"]),
    seed=st.integers(0, 2**16),
)
def test_two_gradients_for_any_sizes(kata, n, d, k, m, stale_kind, seed):
    x, w, a, b = make_inputs(n, d, k, m, seed)
    tanh_calls = check_two(kata, x, w, a, b, stale_kind, seed)
    expect(
        tanh_calls == 1,
        f"h = tanh(x @ w) was computed {tanh_calls} times: compute it once for both losses.",
        f"h = tanh(x @ w) 被计算了 {tanh_calls} 次:请只为两个损失计算一次。",
        call=f"grads_of_two_losses(x {(n, d)}, w {(d, k)}, ...)",
        kata=KATA,
    )
