"""nonscalar_backward: the element-wise derivative, shaped like x, with x left as it was."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo.testing import close, expect, fail, show

KATA = "nonscalar_backward"

# name, f, its derivative written out by hand
FUNCTIONS = {
    "torch.sin": (torch.sin, torch.cos),
    "lambda t: t ** 3": (lambda t: t**3, lambda t: 3 * t**2),
    "torch.tanh": (torch.tanh, lambda t: 1 - torch.tanh(t) ** 2),
    "torch.exp": (torch.exp, torch.exp),
    "lambda t: t * t / 2 + 4 * t": (lambda t: t * t / 2 + 4 * t, lambda t: t + 4),
}


class Seen:
    """f, remembering the tensors it was called with: when the result is missing, what they
    are (`is_leaf`, `grad_fn`, `requires_grad`) tells why their `.grad` is None."""

    def __init__(self, f):
        self.f, self.inputs = f, []

    def __call__(self, t):
        self.inputs.append(t)
        return self.f(t)


def why_none(seen, x):
    """Why the gradient came back None, from the tensor f was called with."""
    if not seen.inputs:
        return ("elementwise_grad never called f: the derivatives come from `y = f(t)`, then a "
                "backward pass from y.",
                "elementwise_grad 从未调用 f:导数来自 `y = f(t)`,再从 y 反向传播。")
    t = seen.inputs[0]
    if t is x and x.requires_grad and x.grad is not None:
        return ("f was called with the caller's x itself, and the gradient went into x.grad "
                "(where the caller's own gradient lives), not into the result.",
                "f 是用调用方的 x 本身调用的,梯度进了 x.grad(那是调用方自己的梯度所在),"
                "而不是结果里。")
    if t.is_leaf and t.requires_grad and t.grad is not None:
        return ("the gradient is there, in the `.grad` of the tensor f was called with, but "
                "that is not what came back: return it.",
                "梯度其实已经算出来了,就在调用 f 时传入的张量的 `.grad` 里,但返回的不是它:请返回它。")
    en, zh = diagnose.why_no_grad("t", t)
    return (f"about the tensor f was called with (`t` below): {en}",
            f"关于调用 f 时传入的张量(下面的 `t`):{zh}")


def check_derivative(kata, name, x, *, call=None):
    f, df = FUNCTIONS[name]
    call = call or f"elementwise_grad({name}, x) with x of shape {tuple(x.shape)}"
    want = df(x.detach())
    seen = Seen(f)
    got = kata.elementwise_grad(seen, x)
    if got is None:
        en, zh = why_none(seen, x)
        fail(
            f"elementwise_grad returned None instead of the gradient: {en}",
            f"elementwise_grad 返回了 None,而不是梯度:{zh}",
            call=call,
            got=f"None; f was called with {diagnose.describe('t', seen.inputs[0])}"
            if seen.inputs else "None",
            kata=KATA,
        )
    expect(
        isinstance(got, torch.Tensor),
        "elementwise_grad must return a tensor (the gradient), shaped like x.",
        "elementwise_grad 必须返回一个张量(梯度),形状与 x 相同。",
        call=call,
        got=type(got).__name__,
        kata=KATA,
    )
    expect(
        tuple(got.shape) == tuple(x.shape),
        "the result must be shaped like x: one derivative per element. Start the backward pass "
        "from y itself with `gradient=torch.ones_like(y)`, not from a reduction of one axis.",
        "结果的形状必须与 x 相同:每个元素一个导数。请用 `gradient=torch.ones_like(y)` 从 y "
        "本身开始反向传播,而不是从某个维度的归约开始。",
        call=call,
        got=f"shape {tuple(got.shape)}",
        expected=f"shape {tuple(x.shape)}",
        kata=KATA,
    )
    if not close(got, want, rtol=1e-4, atol=1e-5):
        fail(
            "these are not the derivatives of f at x. With `y = f(x)` for a fresh leaf x, "
            "`y.backward(torch.ones_like(y))` (or `y.sum().backward()`) leaves d y_i / d x_i in "
            "`x.grad`, because f is element-wise.",
            "这不是 f 在 x 处的导数。对一个新的叶子张量 x 计算 `y = f(x)`,"
            "`y.backward(torch.ones_like(y))`(或 `y.sum().backward()`)会在 `x.grad` 里留下 "
            "d y_i / d x_i,因为 f 是逐元素的。",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )
    return got


def test_the_derivative_of_sin_is_cos(kata):
    x = torch.linspace(-3, 3, 7)
    call = "elementwise_grad(torch.sin, torch.linspace(-3, 3, 7))"
    check_derivative(kata, "torch.sin", x, call=call)


def test_the_result_is_shaped_like_a_2d_input(kata):
    x = torch.randn(2, 3, generator=torch.Generator().manual_seed(1))
    check_derivative(kata, "lambda t: t ** 3", x)


def test_two_calls_give_the_same_answer(kata):
    x = torch.randn(5, generator=torch.Generator().manual_seed(2))
    f, df = FUNCTIONS["lambda t: t ** 3"]
    call = "elementwise_grad(lambda t: t ** 3, x), called twice on the same x"
    first = check_derivative(kata, "lambda t: t ** 3", x, call=call + " (first call)").clone()
    second = kata.elementwise_grad(f, x)
    if not close(second, first, rtol=1e-4, atol=1e-5):
        twice = close(second, 2 * first, rtol=1e-4, atol=1e-5)
        fail(
            ("the second call returned twice the first: " if twice else
             "the second call returned something else than the first: ")
            + "gradients accumulate. Every `backward()` *adds* into `.grad`, so calling it again "
            "on the same x stacks the new gradient on the one the last call left there. Work on "
            "a leaf of your own (`x.detach().requires_grad_()`) or use `torch.autograd.grad`, "
            "which returns the gradient without storing it.",
            ("第二次调用的结果是第一次的两倍:" if twice else "第二次调用的结果与第一次不同:")
            + "梯度被累加了。每次 `backward()` 都会把梯度*加*进 `.grad`,对同一个 x 再调用一次,"
            "新梯度就叠在上一次留下的梯度上。请在自己的叶子张量上计算(`x.detach().requires_grad_()`),"
            "或用 `torch.autograd.grad`,它直接返回梯度而不存起来。",
            call=call,
            got=f"{show(first)} then {show(second)}",
            expected=f"{show(first)} both times",
            kata=KATA,
        )


def test_a_stale_grad_on_x_does_not_leak_into_the_result(kata):
    """x may be a parameter with a gradient of its own: that gradient is not part of the answer."""
    x = torch.randn(4, generator=torch.Generator().manual_seed(3)).requires_grad_()
    x.grad = torch.full((4,), 10.0)
    check_derivative(
        kata, "torch.tanh", x,
        call="elementwise_grad(torch.tanh, x) with x a parameter whose x.grad holds 10s",
    )


def test_x_that_needs_no_grad_is_left_untouched(kata):
    x = torch.randn(3, 2, generator=torch.Generator().manual_seed(4))
    before = x.clone()
    kata.elementwise_grad(FUNCTIONS["torch.exp"][0], x)
    call = "elementwise_grad(torch.exp, x) with x a plain tensor (requires_grad=False)"
    expect(
        close(x, before, rtol=0, atol=0),
        "the values of x changed: the function must only read x.",
        "x 的值被改变了:函数只能读取 x。",
        call=call,
        got=x,
        expected=before,
        kata=KATA,
    )
    expect(
        not x.requires_grad and x.grad is None,
        "the caller's x was changed: it now requires grad or holds a `.grad`, so the caller's "
        "later computations build graphs they never asked for, and the next call accumulates "
        "into that `.grad`. Take a leaf of your own: `x.detach().requires_grad_()`.",
        "调用方的 x 被改变了:它现在需要梯度或者带着 `.grad`,调用方之后的计算会建出他们没要的计算图,"
        "下一次调用还会累加到这个 `.grad` 上。请用你自己的叶子张量:`x.detach().requires_grad_()`。",
        call=call,
        got=f"x.requires_grad={x.requires_grad}, x.grad={show(x.grad)}",
        expected="x.requires_grad=False, x.grad=None",
        kata=KATA,
    )


def test_a_parameter_keeps_its_own_grad(kata):
    x = torch.randn(4, generator=torch.Generator().manual_seed(5)).requires_grad_()
    x.grad = torch.arange(4.0)
    kata.elementwise_grad(FUNCTIONS["torch.sin"][0], x)
    call = "elementwise_grad(torch.sin, x) with x a parameter whose x.grad holds [0, 1, 2, 3]"
    expect(
        x.requires_grad and x.grad is not None and close(x.grad, torch.arange(4.0)),
        "the caller's x.grad changed: the helper's backward accumulated into the parameter's "
        "gradient (or cleared it). Whatever the caller is accumulating there is now wrong. "
        "Compute on a detached leaf of your own, or with `torch.autograd.grad`.",
        "调用方的 x.grad 被改变了:辅助函数的 backward 累加进了参数的梯度(或把它清掉了)。调用方在那里"
        "累积的东西就错了。请在自己的 detach 出来的叶子张量上计算,或用 `torch.autograd.grad`。",
        call=call,
        got=f"x.requires_grad={x.requires_grad}, x.grad={show(x.grad)}",
        expected="x.requires_grad=True, x.grad=tensor([0., 1., 2., 3.])",
        kata=KATA,
    )


@settings(report_multiple_bugs=False)  # one failure, with its message, not a group of them
@given(
    shape=st.lists(st.integers(1, 4), min_size=0, max_size=3),
    name=st.sampled_from(sorted(FUNCTIONS)),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    seed=st.integers(0, 2**16),
)
def test_any_shape_gets_one_derivative_per_element(kata, shape, name, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(tuple(shape), generator=gen, dtype=dtype)  # () is a 0-d tensor: one too
    check_derivative(kata, name, x)
