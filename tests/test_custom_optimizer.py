"""custom_optimizer: a hand-written SGD that takes torch.optim.SGD's steps, momentum included."""

import copy
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.optim.sgd import sgd as torch_sgd_update

from dojo import diagnose
from dojo.testing import close, expect, fail, show

KATA = "custom_optimizer"


class TorchSGD:
    """torch.optim.SGD's steps, computed by its own update function (`torch.optim.sgd.sgd`,
    which `torch.optim.SGD.step` calls), without the class: its first construction imports
    torch._dynamo, which would cost these tests seconds."""

    def __init__(self, params, lr, momentum=0.0):
        self.params, self.lr, self.momentum = list(params), lr, momentum
        self.buffers = {}

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self):
        live = [p for p in self.params if p.grad is not None]
        buffers = [self.buffers.get(id(p)) for p in live]
        torch_sgd_update(live, [p.grad for p in live], buffers, weight_decay=0.0,
                         momentum=self.momentum, lr=self.lr, dampening=0.0, nesterov=False,
                         maximize=False)
        self.buffers.update((id(p), b) for p, b in zip(live, buffers) if b is not None)


def leaves(*shapes, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=gen).requires_grad_() for s in shapes]


def twins(params):
    """Equal copies, for torch.optim.SGD to train side by side."""
    return [p.detach().clone().requires_grad_() for p in params]


def step_data(params, step, seed=0):
    """Targets and weights for step `step`: the same for both sides, different every step."""
    gen = torch.Generator().manual_seed(1000 * seed + step)
    return [(torch.randn(p.shape, generator=gen), torch.rand(p.shape, generator=gen) + 0.5)
            for p in params]


def loss_of(params, data):
    """A loss whose gradient depends on where the parameters are (so errors compound)."""
    return sum((w * (p - t) ** 2).sum() + torch.tanh(p).sum() for p, (t, w) in zip(params, data))


def saying_what_went_wrong(call, step):
    """Run opt.zero_grad() / opt.step(), turning a crash on a None grad into its pitfall."""

    def run(method):
        try:
            method()
        except (AttributeError, TypeError) as err:
            if "NoneType" not in str(err):
                raise
            name = method.__name__
            fail(
                f"`{name}()` crashed on a gradient that is None ({type(err).__name__}: {err}). "
                f"A parameter's `.grad` is None until a `backward()` reaches it: before the first "
                f"backward, and for every parameter the loss does not use. "
                + ("`p.grad.data.zero_()` (the articles' zero_grad) calls a method on None. "
                   "Clear only the gradients that exist (`if p.grad is not None`), or set them "
                   "to None." if name == "zero_grad" else
                   "Skip such a parameter: there is nothing to step along."),
                f"`{name}()` 在值为 None 的梯度上崩溃了({type(err).__name__}:{err})。参数的 "
                f"`.grad` 在 `backward()` 到达它之前一直是 None:第一次 backward 之前如此,损失没用到的"
                f"参数也是如此。"
                + ("`p.grad.data.zero_()`(文章里的 zero_grad)是在 None 上调用方法。只清零存在的梯度"
                   "(`if p.grad is not None`),或把它们设为 None。" if name == "zero_grad" else
                   "跳过这样的参数:没有方向可走。"),
                call=f"{call}, step {step}: opt.{name}()" if step else f"{call}: opt.{name}()",
                kata=KATA,
            )

    return run


def check_against_torch(step, ours, theirs, before, grads, *, lr, momentum, call, generator=False,
                        previous=None, fresh=None):
    """After step `step`: every parameter equals torch.optim.SGD's, or the failure says why.
    `previous`: the learner's directions at the step before (what its steps measured, lr
    divided out); `fresh`: this step's gradients as torch's side got them."""
    for i, (p, q) in enumerate(zip(ours, theirs)):
        if close(p, q, rtol=1e-4, atol=1e-6):
            continue
        got, want = p.detach().clone(), q.detach().clone()
        if close(p, before[i], rtol=0, atol=0):
            if generator:
                fail(
                    f"step {step} changed nothing: `params` was kept as the generator that "
                    f"`model.parameters()` returns. A generator can be looped over once; the "
                    f"first loop (in step() or zero_grad()) used it up, and every later loop "
                    f"sees no parameters at all. Keep a list: `self.params = list(params)`.",
                    f"第 {step} 步什么都没改变:`params` 被原样保存成了 `model.parameters()` 返回的"
                    f"生成器。生成器只能遍历一次;第一次循环(在 step() 或 zero_grad() 里)就把它用完了,"
                    f"之后的每次循环都看不到任何参数。请保存一个列表:`self.params = list(params)`。",
                    call=call,
                    got=got,
                    expected=want,
                    kata=KATA,
                )
            fail(
                f"step {step} left parameter {i} as it was: the update never reached the "
                f"caller's tensor. `param = param - lr * grad` only rebinds a local name; change "
                f"the tensor in place (`param -= lr * grad`) under `torch.no_grad()`.",
                f"第 {step} 步没有改变第 {i} 个参数:更新没有到达调用方的张量。"
                f"`param = param - lr * grad` 只是重新绑定局部变量;请在 `torch.no_grad()` 下原地修改"
                f"(`param -= lr * grad`)。",
                call=call,
                got=got,
                expected=want,
                kata=KATA,
            )
        if step == 1 and momentum and close(p, before[i] - lr * (1 - momentum) * grads[i],
                                            rtol=1e-4, atol=1e-6):
            fail(
                "the first step with momentum differs from torch.optim.SGD's: it moved only "
                "(1 - momentum) * lr * grad. torch starts the buffer as a copy of the first "
                "gradient (`buf = grad.clone()`), so the first step is a plain `lr * grad`; "
                "after that `buf = momentum * buf + grad`, with no (1 - momentum) factor.",
                "带动量的第一步与 torch.optim.SGD 不同:只走了 (1 - momentum) * lr * grad。torch "
                "把缓冲区初始化为第一个梯度的副本(`buf = grad.clone()`),所以第一步就是普通的 "
                "`lr * grad`;之后是 `buf = momentum * buf + grad`,没有 (1 - momentum) 因子。",
                call=call,
                got=got,
                expected=want,
                kata=KATA,
            )
        if step == 1:
            fail(
                "the first step differs from torch.optim.SGD's: with a fresh optimizer it "
                "must be `param - lr * grad`"
                + (" (the first momentum buffer is a copy of the gradient)." if momentum else "."),
                "第一步与 torch.optim.SGD 不同:新建的优化器第一步必须是 `param - lr * grad`"
                + ("(第一个动量缓冲区是梯度的副本)。" if momentum else "。"),
                call=call,
                got=got,
                expected=want,
                kata=KATA,
            )
        if fresh is not None and not all(close(g, f, rtol=1e-5, atol=1e-6)
                                         for g, f in zip(grads, fresh)):
            fail(
                *diagnose.uncleared(f"the gradient of parameter {i}", step, "zero_grad()"),
                call=call,
                got=grads[i],
                expected=fresh[i],
                kata=KATA,
            )
        if momentum and previous is not None:
            explain_momentum(step, i, ours, before, grads, previous, lr=lr, momentum=momentum,
                             call=call, got=got, want=want)
        direction = (before[i] - got) / lr
        en, zh = diagnose.unexplained((f"step {step} of parameter {i}", f"参数 {i} 的第 {step} 步"),
                                      diagnose.ratio(direction, grads[i]),
                                      ("`lr * grad`", "`lr * grad`"))
        fail(
            f"the first step matched torch.optim.SGD's, step {step} does not: {en}",
            f"第一步与 torch.optim.SGD 一致,第 {step} 步却不一致:{zh}",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )


def explain_momentum(step, i, ours, before, grads, previous, *, lr, momentum, call, got, want):
    """Measure the momentum buffer's recurrence from the learner's steps, `buf = a * buf +
    c * grad` over all the parameters (torch's: a = momentum, c = 1), and name what it is."""
    m = momentum
    shown = dict(call=call, got=got, expected=want, kata=KATA)
    current = directions(before, ours, lr)
    for j, prev in enumerate(previous):  # the buffer of another parameter?
        if j != i and prev.shape == grads[i].shape and close(current[i], m * prev + grads[i],
                                                              rtol=1e-4, atol=1e-6):
            fail(
                f"step {step} of parameter {i} used the momentum buffer of parameter {j}: the "
                f"buffers got mixed up between parameters. Buffers kept by position among the "
                f"parameters that have a gradient shift as soon as one parameter is skipped "
                f"(its grad None). Keep one buffer per parameter: a list parallel to "
                f"`self.params`, or a dict keyed by the tensor itself.",
                f"参数 {i} 的第 {step} 步用了参数 {j} 的动量缓冲区:缓冲区在参数之间串了。按“有梯度的参数”"
                f"中的位置保存缓冲区,只要有一个参数被跳过(grad 为 None),位置就错开了。请每个参数一个"
                f"缓冲区:与 `self.params` 一一对应的列表,或以张量本身为键的字典。",
                **shown,
            )
    rewritten = [k for k, (p, g) in enumerate(zip(ours, grads))
                 if p.grad is not None and not close(p.grad, g, rtol=0, atol=0)]
    if rewritten:  # measured directly: the step wrote into the gradient
        fail(
            f"the momentum buffer is `p.grad` itself (`buf = p.grad`, no copy): step {step} "
            f"wrote into the gradient of parameter {rewritten[0]} while updating the buffer, "
            f"zero_grad() wiped the buffer before, and backward() wrote the new gradient into "
            f"it, so nothing of the earlier gradients is left. Start the buffer as a copy: "
            f"`buf = p.grad.clone()`, then `buf.mul_(momentum).add_(grad)`.",
            f"动量缓冲区就是 `p.grad` 本身(`buf = p.grad`,没有复制):第 {step} 步在更新缓冲区时"
            f"写进了参数 {rewritten[0]} 的梯度,之前 zero_grad() 已把缓冲区清零,backward() 又把新梯度"
            f"写了进去,之前的梯度一点不剩。请把缓冲区初始化为副本:`buf = p.grad.clone()`,然后 "
            f"`buf.mul_(momentum).add_(grad)`。",
            **shown,
        )
    stepped = [k for k, g in enumerate(grads) if g.abs().sum() > 0]  # a skipped one has none
    fit = diagnose.recurrence([previous[k] for k in stepped], [grads[k] for k in stepped],
                              [current[k] for k in stepped])
    known = [
        ((m, 1 - m), (
            f"the momentum buffer takes the gradient with a factor (1 - momentum) = {1 - m:g}: "
            f"`buf = momentum * buf + (1 - momentum) * grad` is an exponential moving average "
            f"(dampening), not torch.optim.SGD's momentum, which adds the whole gradient: "
            f"`buf.mul_(momentum).add_(grad)`. (Measured from your steps: "
            f"buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad.)" if fit else "",
            f"动量缓冲区给梯度乘了 (1 - momentum) = {1 - m:g}:"
            f"`buf = momentum * buf + (1 - momentum) * grad` 是指数移动平均(dampening),不是 "
            f"torch.optim.SGD 的动量;torch 加的是完整的梯度:`buf.mul_(momentum).add_(grad)`。"
            f"(从你的步长测得:buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad。)" if fit else "",
        )),
        ((0.0, 1.0), (
            "the step after the first is a plain `lr * grad`: nothing of the earlier gradients "
            "counts, so the momentum buffer does not carry over from one step to the next (a "
            "new buffer at each call, one that is not kept, or one that *is* `p.grad`, which "
            "zero_grad() wipes and backward() overwrites). Keep a tensor of its own per "
            "parameter across steps: `buf = grad.clone()` first, then "
            "`buf.mul_(momentum).add_(grad)`.",
            "第一步之后的每一步都只是普通的 `lr * grad`:之前的梯度一点也不起作用,说明动量缓冲区没有"
            "从一步带到下一步(每次调用新建一个、没有保存下来,或者它*就是* `p.grad`,被 zero_grad() "
            "清零、被 backward() 覆盖)。请为每个参数保存一个独立的、跨步的张量:先 "
            "`buf = grad.clone()`,之后 `buf.mul_(momentum).add_(grad)`。",
        )),
        ((1.0, 1.0), (
            "the momentum buffer never decays: `buf += grad` adds every gradient whole, without "
            "multiplying the buffer by the momentum first. It is `buf.mul_(momentum).add_(grad)`.",
            "动量缓冲区从不衰减:`buf += grad` 把每个梯度都完整地加上,却没有先把缓冲区乘以 momentum。"
            "应当是 `buf.mul_(momentum).add_(grad)`。",
        )),
    ]
    if fit is not None:
        for (a, c), cause in known:
            if math.isclose(fit[0], a, abs_tol=2e-3) and math.isclose(fit[1], c, abs_tol=2e-3):
                fail(*cause, **shown)
        fail(
            f"the first step matched torch.optim.SGD's, step {step} does not: measured from your "
            f"steps, the momentum buffer follows buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad, "
            f"where torch's is buf = {m:g} * buf + 1 * grad.",
            f"第一步与 torch.optim.SGD 一致,第 {step} 步却不一致:从你的步长测得,动量缓冲区是 "
            f"buf = {fit[0]:.3g} * buf + {fit[1]:.3g} * grad,而 torch 的是 buf = {m:g} * buf + 1 * grad。",
            **shown,
        )
    fail(
        f"the first step matched torch.optim.SGD's, step {step} does not, and no momentum "
        f"buffer of the form buf = a * buf + c * grad (the same a and c for every parameter) "
        f"gives your steps. torch's is buf = {m:g} * buf + 1 * grad, one buffer per parameter.",
        f"第一步与 torch.optim.SGD 一致,第 {step} 步却不一致,而且没有任何形如 "
        f"buf = a * buf + c * grad(每个参数的 a、c 相同)的动量缓冲区能给出你的步长。torch 的是 "
        f"buf = {m:g} * buf + 1 * grad,每个参数一个缓冲区。",
        **shown,
    )


def train_side_by_side(kata, shapes, *, lr, momentum, steps, seed=0):
    """zero_grad, backward, step: the kata's SGD and torch.optim.SGD, compared after each step."""
    ours = leaves(*shapes, seed=seed)
    theirs = twins(ours)
    opt = kata.SGD(ours, lr, momentum=momentum)
    ref = TorchSGD(theirs, lr=lr, momentum=momentum)
    call = f"SGD([...{len(shapes)} tensors], lr={lr:g}, momentum={momentum:g})"
    previous = None
    for step in range(1, steps + 1):
        data = step_data(ours, step, seed)
        run = saying_what_went_wrong(call, step)
        run(opt.zero_grad)
        loss_of(ours, data).backward()
        grads = [p.grad.clone() for p in ours]
        before = [p.detach().clone() for p in ours]
        run(opt.step)
        ref.zero_grad()
        loss_of(theirs, data).backward()
        fresh = [q.grad.clone() for q in theirs]
        ref.step()
        check_against_torch(step, ours, theirs, before, grads, lr=lr, momentum=momentum,
                            call=call, previous=previous, fresh=fresh)
        previous = directions(before, ours, lr)


def directions(before, params, lr):
    """What each parameter's step was, with lr divided out: the buffer (or gradient) it used."""
    return [(b - p.detach()) / lr for b, p in zip(before, params)]


def test_zero_grad_works_before_the_first_backward(kata):
    params = leaves((3,), (2, 2))
    call = "opt = SGD([w, b], lr=0.1), before any backward"
    opt = kata.SGD(params, 0.1)
    saying_what_went_wrong(call, None)(opt.zero_grad)
    loss_of(params, step_data(params, 1)).backward()
    opt.zero_grad()
    left = [p.grad for p in params]
    expect(
        all(g is None or not g.abs().sum().item() for g in left),
        "after a backward, zero_grad() left gradients that are not zero: the next backward "
        "adds onto them.",
        "backward 之后,zero_grad() 留下了非零的梯度:下一次 backward 会累加在上面。",
        call="loss.backward(); opt.zero_grad()",
        got=show(left),
        expected="zeros or None",
        kata=KATA,
    )


def test_steps_equal_torch_sgd_without_momentum(kata):
    train_side_by_side(kata, [(3, 2), (2,)], lr=0.1, momentum=0.0, steps=5)


def test_steps_equal_torch_sgd_with_momentum(kata):
    train_side_by_side(kata, [(3, 2), (2,)], lr=0.05, momentum=0.9, steps=6)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_a_parameter_without_a_gradient_is_skipped(kata, momentum):
    used, unused = leaves((3,), (2,))
    kept = unused.detach().clone()
    call = f"SGD([used, unused], lr=0.1, momentum={momentum:g}); the loss uses only `used`"
    opt = kata.SGD([used, unused], 0.1, momentum=momentum)
    for step in (1, 2):
        run = saying_what_went_wrong(call, step)
        run(opt.zero_grad)
        before = used.detach().clone()
        (used**2).sum().backward()
        run(opt.step)
        expect(
            not close(used, before, rtol=0, atol=0),
            "the parameter that has a gradient did not move.",
            "有梯度的参数没有移动。",
            call=f"{call}, step {step}",
            got=used,
            kata=KATA,
        )
    # Its values are what counts: a zero_grad() that gives it a zero .grad moves it by nothing.
    expect(
        close(unused, kept, rtol=0, atol=0)
        and (unused.grad is None or not unused.grad.abs().sum().item()),
        "the parameter whose grad is None changed: it took no part in the loss, so step() must "
        "leave it alone.",
        "梯度为 None 的参数被改变了:它没有参与损失,step() 应当不碰它。",
        call=call,
        got=f"{show(unused)}, grad {show(unused.grad)}",
        expected=f"{show(kept)}, grad None or zeros",
        kata=KATA,
    )


def test_a_parameter_skipped_at_one_step_leaves_every_buffer_with_its_own_parameter(kata):
    """p0 has no gradient at step 2 only (its grad set to None, as for a layer the loss did not
    use this time): torch skips it and keeps every buffer with its own parameter."""
    ours = leaves((3,), (3,), (3,), seed=6)
    theirs = twins(ours)
    opt = kata.SGD(ours, 0.05, momentum=0.9)
    ref = TorchSGD(theirs, lr=0.05, momentum=0.9)
    call = "SGD([p0, p1, p2], lr=0.05, momentum=0.9); at step 2 p0.grad is None"
    previous = None
    for step in (1, 2, 3):
        data = step_data(ours, step, 6)
        run = saying_what_went_wrong(call, step)
        run(opt.zero_grad)
        ref.zero_grad()
        for side in (ours, theirs):
            loss_of(side, data).backward()
            if step == 2:
                side[0].grad = None
        grads = [torch.zeros(3) if p.grad is None else p.grad.clone() for p in ours]
        before = [p.detach().clone() for p in ours]
        run(opt.step)
        ref.step()
        check_against_torch(step, ours, theirs, before, grads, lr=0.05, momentum=0.9,
                            call=f"{call}, step {step}", previous=previous)
        previous = directions(before, ours, 0.05)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_the_update_is_visible_to_autograd(kata, momentum):
    params = leaves((3, 2), (2,))
    ids = [id(p) for p in params]
    call = f"SGD([w, b], lr=0.1, momentum={momentum:g}); loss.backward(); opt.step()"
    opt = kata.SGD(params, 0.1, momentum=momentum)
    loss_of(params, step_data(params, 1)).backward()
    versions = [p._version for p in params]
    before = [p.detach().clone() for p in params]
    saying_what_went_wrong(call, 1)(opt.step)
    moved = [not close(p, b, rtol=0, atol=0) for p, b in zip(params, before)]
    expect(
        all(moved),
        "step() did not change the parameters in place.",
        "step() 没有原地修改参数。",
        call=call,
        kata=KATA,
    )
    for name, p, version in zip(("w", "b"), params, versions):
        expect(
            p._version > version,
            f"the update of `{name}` went around autograd: its values changed but its version "
            f"counter (`{name}._version`, {version} before and after) did not bump. That is "
            f"what `param.data -= lr * param.grad` does: `.data` is a separate view that "
            f"autograd does not watch, so a graph that saved `{name}` before the step would "
            f"silently compute gradients with the new values instead of raising an error. "
            f"Update the tensor itself under `torch.no_grad()`: `param -= lr * direction`.",
            f"`{name}` 的更新绕过了 autograd:值变了,版本计数器(`{name}._version`,前后都是 "
            f"{version})却没有增加。这正是 `param.data -= lr * param.grad` 的效果:`.data` 是 "
            f"autograd 不监视的独立视图,在更新前保存了 `{name}` 的计算图会悄悄用新值算出错误的梯度,"
            f"而不是报错。请在 `torch.no_grad()` 下更新张量本身:`param -= lr * direction`。",
            call=call,
            got=f"{name}._version = {p._version}",
            expected=f"greater than {version}",
            kata=KATA,
        )
        expect(
            p.is_leaf and p.requires_grad,
            f"`{name}` is no longer a leaf that requires grad: the update was recorded in the "
            f"graph. Do it under `torch.no_grad()`.",
            f"`{name}` 不再是需要梯度的叶子张量:更新被记录进了计算图。请在 `torch.no_grad()` 下更新。",
            call=call,
            kata=KATA,
        )
    expect(
        [id(p) for p in params] == ids,
        "the optimizer replaced the parameters with new tensors; the model still holds the old.",
        "优化器把参数换成了新张量;模型里仍是旧的。",
        call=call,
        kata=KATA,
    )


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_model_parameters_as_a_generator_still_work_on_the_second_step(kata, momentum):
    """The articles' order: backward, step, zero_grad; params straight from model.parameters()."""
    gen = torch.Generator().manual_seed(4)
    model = nn.Linear(3, 2)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    twin = copy.deepcopy(model)
    opt = kata.SGD(model.parameters(), 0.1, momentum=momentum)
    ref = TorchSGD(twin.parameters(), lr=0.1, momentum=momentum)
    call = f"opt = SGD(model.parameters(), lr=0.1, momentum={momentum:g})"
    X, y = torch.randn(8, 3, generator=gen), torch.randn(8, 2, generator=gen)
    previous = None
    for step in (1, 2, 3):
        run = saying_what_went_wrong(call, step)
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        before = [p.detach().clone() for p in model.parameters()]
        grads = [p.grad.clone() for p in model.parameters()]
        run(opt.step)
        run(opt.zero_grad)
        ((twin(X) - y) ** 2).mean().backward()
        fresh = [q.grad.clone() for q in twin.parameters()]
        ref.step()
        ref.zero_grad()
        check_against_torch(step, list(model.parameters()), list(twin.parameters()), before,
                            grads, lr=0.1, momentum=momentum, call=call, generator=True,
                            previous=previous, fresh=fresh)
        previous = directions(before, list(model.parameters()), 0.1)


def test_the_momentum_buffer_is_a_tensor_of_its_own(kata):
    """step() reads p.grad and never writes it; zero_grad() must not reach the buffer."""
    params = leaves((4,), (2, 3), seed=5)
    call = "SGD([w, b], lr=0.05, momentum=0.9); zero_grad, backward, step, three times"
    opt = kata.SGD(params, 0.05, momentum=0.9)
    for step in (1, 2, 3):
        run = saying_what_went_wrong(call, step)
        run(opt.zero_grad)
        loss_of(params, step_data(params, step, 5)).backward()
        grads = [p.grad.clone() for p in params]
        run(opt.step)
        for name, p, g in zip(("w", "b"), params, grads):
            expect(
                p.grad is not None and close(p.grad, g, rtol=0, atol=0),
                f"step {step} changed `{name}.grad`: the momentum buffer is `p.grad` itself "
                f"(`buf = p.grad`, no copy). Updating the buffer then rewrites the gradient, "
                f"zero_grad() wipes the buffer, and the next backward() writes into it. Start "
                f"the buffer as a copy: `buf = p.grad.clone()`.",
                f"第 {step} 步改变了 `{name}.grad`:动量缓冲区就是 `p.grad` 本身(`buf = p.grad`,"
                f"没有复制)。这样更新缓冲区就改写了梯度,zero_grad() 会清空缓冲区,下一次 backward() "
                f"又会写进它。请把缓冲区初始化为副本:`buf = p.grad.clone()`。",
                call=call,
                got=p.grad,
                expected=g,
                kata=KATA,
            )


@settings(report_multiple_bugs=False)  # one failure, with its message, not a group of them
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    lr=st.floats(1e-3, 0.3),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    seed=st.integers(0, 2**10),
)
def test_any_shape_lr_and_momentum_take_torchs_steps(kata, shape, lr, momentum, seed):
    train_side_by_side(kata, [tuple(shape), (2,)], lr=lr, momentum=momentum, steps=3, seed=seed)
