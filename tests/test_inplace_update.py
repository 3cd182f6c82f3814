"""inplace_update: the caller's tensors change in place, outside the graph, and stay leaves."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dojo import diagnose
from dojo.testing import close, expect, fail, show

KATA = "inplace_update"


def leaves_with_grads(*shapes, seed=0):
    """Leaf tensors that require grad, with `.grad` filled by a real backward pass."""
    gen = torch.Generator().manual_seed(seed)
    params = [torch.randn(*s, generator=gen).requires_grad_() for s in shapes]
    loss = sum((p * torch.randn(*p.shape, generator=gen)).pow(2).sum() for p in params)
    loss.backward()
    return params


def test_sgd_step_changes_the_callers_tensors_in_place(kata):
    w, b = leaves_with_grads((3, 1), (1,))
    expected = [(p - 0.1 * p.grad).detach() for p in (w, b)]
    starts = [w.detach().clone(), b.detach().clone()]
    ids, storages = [id(w), id(b)], [w.data_ptr(), b.data_ptr()]
    params = [w, b]

    kata.sgd_step(params, 0.1)

    call = "sgd_step([w, b], lr=0.1)"
    for name, param, want, start in (("w", w, expected[0], starts[0]),
                                     ("b", b, expected[1], starts[1])):
        if not close(param, want) and not close(param, start, rtol=0, atol=0):
            check_step_size(name, param, start, want, call)
        if not close(param, want):
            fail(
                f"the caller's tensor `{name}` did not change: `param = param - lr * param.grad` "
                f"binds a new tensor to the local name `param` and the caller never sees it. "
                f"Update in place (`param -= lr * param.grad`) under `torch.no_grad()`.",
                f"调用方的张量 `{name}` 没有变:`param = param - lr * param.grad` 只是把新张量绑定到"
                f"局部变量 `param`,调用方看不到。请在 `torch.no_grad()` 下原地更新"
                f"(`param -= lr * param.grad`)。",
                call=call,
                got=param,
                expected=want,
                kata=KATA,
            )
    expect(
        [id(p) for p in params] == ids,
        "sgd_step replaced the tensors in the list with new ones: the caller's other references "
        "(the model, the optimizer) still point at the old tensors. Change each tensor in place.",
        "sgd_step 把列表里的张量换成了新张量:调用方的其他引用(模型、优化器)仍指向旧张量。"
        "请原地修改每个张量。",
        call=call,
        kata=KATA,
    )
    expect(
        [w.data_ptr(), b.data_ptr()] == storages,
        "the tensors got new storage: the same tensor objects with the right values in new "
        "memory is what `param.data = param.data - ...` (or `param.set_(...)`) does, swapping "
        "the storage under the tensor. Anything that held a view of the old memory (an "
        "optimizer's state, a tensor sharing it) no longer sees the parameter. Update in place "
        "under `torch.no_grad()`: `param -= lr * param.grad`.",
        "张量换了新的存储:张量对象没变、数值也对,但内存是新的,这正是 `param.data = param.data - ...`"
        "(或 `param.set_(...)`)做的事:把张量底下的存储换掉了。之前持有旧内存视图的东西(优化器的状态、"
        "共享内存的张量)就再也看不到这个参数。请在 `torch.no_grad()` 下原地更新:"
        "`param -= lr * param.grad`。",
        call=call,
        got="the same objects with the right values, in new memory (`data_ptr()` changed)",
        expected="the same memory (`data_ptr()` unchanged)",
        kata=KATA,
    )


def check_step_size(name, param, start, want, call):
    """The tensor changed, by the wrong amount: measure by what factor of `lr * grad`."""
    s = diagnose.ratio(param.detach() - start, want - start)
    shown = dict(call=call, got=param, expected=want, kata=KATA)
    cause = diagnose.matching(s, [
        (-1.0, ("the step went uphill: `param += lr * param.grad` moves along the gradient, "
                "where the loss grows. Subtract it: `param -= lr * param.grad`.",
                "这一步走向了上坡:`param += lr * param.grad` 沿着梯度方向走,损失反而增大。"
                "应当减去:`param -= lr * param.grad`。")),
        (2.0, ("the step was taken twice: the parameter moved by 2 * lr * grad (an update in "
               "place *and* an assignment, or two loops over the parameters).",
               "这一步走了两次:参数移动了 2 * lr * grad(既原地更新又赋值,或者对参数循环了两遍)。")),
    ])
    if cause is not None:
        fail(*cause, **shown)
    en, zh = diagnose.unexplained((f"the change of `{name}`", f"`{name}` 的变化"), s,
                                  ("`lr * param.grad`", "`lr * param.grad`"))
    fail(f"`{name}` changed, but not by `- lr * param.grad`: {en}",
         f"`{name}` 变了,但变化量不是 `- lr * param.grad`:{zh}", **shown)


def test_sgd_step_leaves_each_param_a_leaf_that_requires_grad(kata):
    w, b = leaves_with_grads((2, 1), (1,))
    kata.sgd_step([w, b], 0.05)
    for name, p in (("w", w), ("b", b)):
        expect(
            p.requires_grad,
            f"`{name}` no longer requires grad: the next forward pass will build no graph and "
            f"training stops. Keep the same tensor and change its values under `torch.no_grad()`.",
            f"`{name}` 不再需要梯度:下一次前向传播不会建图,训练就停了。保持同一个张量,在 "
            f"`torch.no_grad()` 下修改它的值。",
            call="sgd_step([w, b], lr=0.05)",
            kata=KATA,
        )
        expect(
            p.is_leaf and p.grad_fn is None,
            f"`{name}` is no longer a leaf (grad_fn={p.grad_fn}): the update was recorded in the "
            f"graph. Do it under `torch.no_grad()` so autograd does not track it.",
            f"`{name}` 不再是叶子张量(grad_fn={p.grad_fn}):更新被记录进了计算图。请在 "
            f"`torch.no_grad()` 下更新。",
            call="sgd_step([w, b], lr=0.05)",
            kata=KATA,
        )


def test_sgd_step_clears_the_gradient(kata):
    (w,) = leaves_with_grads((4,))
    kata.sgd_step([w], 0.1)
    left = w.grad
    expect(
        left is None or not left.abs().sum().item(),
        "the gradient was left uncleared: the next `backward()` adds onto it, so the second "
        "step would use the sum of both gradients. Clear it after the update "
        "(`param.grad.zero_()`, or set it to None).",
        "梯度没有清零:下一次 `backward()` 会在它上面累加,第二步就会用两次梯度之和。更新之后请"
        "清零(`param.grad.zero_()` 或设为 None)。",
        call="sgd_step([w], lr=0.1)",
        got=left,
        expected="zeros or None",
        kata=KATA,
    )


def test_a_few_steps_of_linear_regression_match_plain_gradient_descent(kata):
    """The kata's steps, one after another, against the update written out in the test."""
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(20, 2, generator=gen)
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    w_ref, b_ref = w.detach().clone(), b.detach().clone()
    for step in range(1, 6):
        call = f"sgd_step([w, b], lr=0.1), step {step}"
        before = [w.detach().clone(), b.detach().clone()]
        ((X @ w + b - y) ** 2 / 2).mean().backward()
        residual = X @ before[0] + before[1] - y
        fresh = [X.T @ residual / len(X), residual.mean(0)]  # this step's gradient, by hand
        for name, p, g in (("w", w, fresh[0]), ("b", b, fresh[1])):
            expect(
                close(p.grad, g, rtol=1e-4, atol=1e-5),
                *diagnose.uncleared(f"`{name}.grad`", step, "the previous sgd_step"),
                call=call,
                got=p.grad,
                expected=g,
                kata=KATA,
            )
        kata.sgd_step([w, b], 0.1)
        for name, p, start, g in (("w", w, before[0], fresh[0]), ("b", b, before[1], fresh[1])):
            want = start - 0.1 * g
            if not close(p, want, rtol=1e-4, atol=1e-5):
                if close(p, start, rtol=0, atol=0):
                    fail(
                        f"step {step} left `{name}` as it was: the update never reached the "
                        f"caller's tensor (`param = param - ...` only rebinds a local name). "
                        f"Update in place under `torch.no_grad()`.",
                        f"第 {step} 步没有改变 `{name}`:更新没有到达调用方的张量"
                        f"(`param = param - ...` 只是重新绑定局部变量)。请在 `torch.no_grad()` 下原地更新。",
                        call=call, got=p, expected=want, kata=KATA,
                    )
                check_step_size(name, p, start, want, call)
        residual = X @ w_ref + b_ref - y
        w_ref -= 0.1 * X.T @ residual / len(X)
        b_ref -= 0.1 * residual.mean(0)
        expect(
            close(w, w_ref, rtol=1e-4, atol=1e-5) and close(b, b_ref, rtol=1e-4, atol=1e-5),
            f"after step {step} the parameters differ from plain gradient descent "
            f"(w -= lr * dL/dw each step), though each step looked right on its own.",
            f"第 {step} 步之后参数与普通梯度下降不同,虽然每一步单独看都是对的。",
            call=call,
            got=f"w = {show(w)}, b = {show(b)}",
            expected=f"w = {show(w_ref)}, b = {show(b_ref)}",
            kata=KATA,
        )


@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    lr=st.floats(1e-3, 1.0),
    seed=st.integers(0, 2**16),
)
def test_sgd_step_subtracts_lr_times_grad_for_any_shape(kata, shape, lr, seed):
    (p,) = leaves_with_grads(tuple(shape), seed=seed)
    want = (p - lr * p.grad).detach()
    start = p.detach().clone()
    kata.sgd_step([p], lr)
    call = f"sgd_step([p], lr={lr:.4g}) with p of shape {tuple(shape)}"
    if not close(p, want, rtol=1e-5, atol=1e-6) and not close(p, start, rtol=0, atol=0):
        check_step_size("p", p, start, want, call)
    expect(
        close(p, want, rtol=1e-5, atol=1e-6),
        "the step is not `param - lr * param.grad`.",
        "这一步不等于 `param - lr * param.grad`。",
        call=f"sgd_step([p], lr={lr:.4g}) with p of shape {tuple(shape)}",
        got=p,
        expected=want,
        kata=KATA,
    )


def test_decrement_all_replaces_numbers_in_the_callers_list(kata):
    values = [1, 2, 3.5]
    kata.decrement_all(values, 4)
    expect(
        values == [-3, -2, -0.5],
        "the list did not change: in `for v in values: v -= amount` the loop variable is a new "
        "name for each element, and an int is immutable, so `-=` makes a new int bound to `v` "
        "and the list keeps the old one. Assign back by index: `values[i] = values[i] - amount`.",
        "列表没有变:`for v in values: v -= amount` 里的循环变量只是元素的新名字,而 int 不可变,"
        "`-=` 生成一个新的 int 绑定到 `v`,列表里还是旧值。请按下标写回:"
        "`values[i] = values[i] - amount`。",
        call="decrement_all([1, 2, 3.5], 4)",
        got=show(values),
        expected="[-3, -2, -0.5]",
        kata=KATA,
    )


def test_decrement_all_changes_tensors_in_place_for_every_reference(kata):
    x1, x2 = torch.tensor([1.0]), torch.tensor([2.0, 5.0])
    alias = x1  # another name for the same tensor, as a model would hold it
    storages = [x1.data_ptr(), x2.data_ptr()]
    values = [x1, x2]
    kata.decrement_all(values, 4)
    expect(
        values[0] is x1 and values[1] is x2,
        "the list now holds new tensors: any other reference to the old ones (a model, an "
        "optimizer) still sees the old values. Tensors are mutable: `v -= amount` changes them "
        "in place.",
        "列表里换成了新张量:其他引用(模型、优化器)看到的还是旧值。张量是可变的:"
        "`v -= amount` 会原地修改。",
        call="decrement_all([x1, x2], 4)",
        kata=KATA,
    )
    expect(
        close(alias, torch.tensor([-3.0])) and close(x2, torch.tensor([-2.0, 1.0])),
        "the tensors' values did not change in place, so other references do not see it.",
        "张量的值没有被原地修改,其他引用看不到变化。",
        call="decrement_all([x1, x2], 4)",
        got=f"x1 = {show(alias)}, x2 = {show(x2)}",
        expected="x1 = [-3.], x2 = [-2., 1.]",
        kata=KATA,
    )
    expect(
        [x1.data_ptr(), x2.data_ptr()] == storages,
        "the tensors got new storage: an in-place update writes into the memory they have.",
        "张量换了新的存储:原地更新会写进原有的内存。",
        kata=KATA,
    )


@given(
    values=st.lists(
        st.one_of(st.integers(-100, 100), st.floats(-100, 100), st.just("tensor")),
        max_size=6,
    ),
    amount=st.integers(-5, 5),
)
def test_decrement_all_handles_any_mix_of_numbers_and_tensors(kata, values, amount):
    items = [torch.tensor([float(i)]) if v == "tensor" else v for i, v in enumerate(values)]
    before = [v.clone() if isinstance(v, torch.Tensor) else v for v in items]
    objects = [id(v) for v in items]
    kata.decrement_all(items, amount)
    for i, (old, new) in enumerate(zip(before, items)):
        if isinstance(old, torch.Tensor):
            ok = id(new) == objects[i] and close(new, old - amount)
        else:
            ok = new == pytest.approx(old - amount)
        expect(
            ok,
            f"element {i} is wrong: numbers are replaced in the list, tensors changed in place.",
            f"第 {i} 个元素不对:数字要在列表中替换,张量要原地修改。",
            call=f"decrement_all({show(before)}, {amount})",
            got=show(new),
            expected=show(old - amount),
            kata=KATA,
        )
