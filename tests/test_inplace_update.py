"""inplace_update: the caller's tensors change in place, outside the graph, and stay leaves.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it did as plain
data; the test (the judge) decides from that data alone, computing what is right itself."""

import torch
from hypothesis import strategies as st

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Seen, claim, observe
from dojo.testing import close, expect, fail, show

KATA = "inplace_update"

# --- sgd_step ----------------------------------------------------------------------------------


def param(desc):
    return {"shape": desc[0], "dtype": desc[1], "layout": desc[2], "seed": desc[3]}


STEP_EXAMPLES = [
    # the articles' case: w of shape (3, 1) and b of shape (1,), float32, in a list
    {"seed": 0, "lr": 0.1, "container": "list", "names": ["w", "b"],
     "params": [param(([3, 1], "float32", "contiguous", 1)), param(([1], "float32", "contiguous", 2))]},
    # float64 and non-contiguous parameters, handed over as a generator (model.parameters())
    {"seed": 3, "lr": 0.5, "container": "generator",
     "params": [param(([2, 3], "float64", "transposed", 4)), param(([4], "float64", "sliced", 5))]},
    # half precision, a tuple, a 0-dim parameter
    {"seed": 6, "lr": 0.25, "container": "tuple",
     "params": [param(([5], "float16", "contiguous", 7)), param(([], "bfloat16", "contiguous", 8))]},
]

STEP_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "lr": st.floats(0.05, 1.0),
    "container": st.sampled_from(["list", "tuple", "generator"]),
    "params": st.lists(irr.tensors(shape=irr.shapes(min_dims=0, max_dims=3)), min_size=1,
                       max_size=3),
})


def leaves_with_grads(case):
    """The case's parameters: leaf tensors that require grad, with `.grad` filled by a real
    backward pass (the same tensors in the learner's run, in the grader's job and its judge)."""
    params = [irr.tensor(d).detach().requires_grad_() for d in case.params]
    gen = torch.Generator().manual_seed(case.seed)
    loss = sum((p.double() * torch.randn(p.shape, generator=gen, dtype=torch.float64)).pow(2).sum()
               for p in params)
    loss.backward()
    return params


def handed(params, container):
    if container == "generator":
        return (p for p in params)
    return tuple(params) if container == "tuple" else list(params)


def names(case) -> list[str]:
    return case.get("names") or [f"params[{i}]" for i in range(len(case.params))]


def called(case) -> str:
    if case.get("names"):
        return f"sgd_step([{', '.join(case.names)}], lr={case.lr:.4g})"
    shown = ", ".join(irr.describe(d)[0].replace("tensor", "param", 1) for d in case.params)
    how = {"list": "a list", "tuple": "a tuple", "generator": "a generator"}[case.container]
    return f"sgd_step({how} of [{shown}], lr={case.lr:.4g})"


@observe(examples=STEP_EXAMPLES, draw=STEP_CASES)
def one_sgd_step(kata, case):
    params = leaves_with_grads(case)
    storages = [p.data_ptr() for p in params]
    handed_over = handed(params, case.container)
    kata.sgd_step(handed_over, case.lr)
    in_list = list(handed_over) if case.container == "list" else params
    return {
        "params": params,  # the caller's own tensor objects, after the call
        "grads": [p.grad for p in params],
        "same_objects": [a is b for a, b in zip(in_list, params)],
        "same_storage": [p.data_ptr() == s for p, s in zip(params, storages)],
    }


def expected_step(case):
    """What the step gives, computed here: `param - lr * grad` in the parameter's dtype."""
    params = leaves_with_grads(case)
    return params, [(p - case.lr * p.grad).detach() for p in params]


def check_step_size(name, got, start, want, call):
    """The tensor changed, by the wrong amount: measure by what factor of `lr * grad`."""
    s = diagnose.ratio(got.double() - start.double(), want.double() - start.double())
    shown = dict(call=call, got=got, expected=want, kata=KATA)
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


def readable(seen, name, call):
    """A parameter as observed, or a failure that says what came back instead."""
    expect(isinstance(seen, Seen) and seen.complete and seen.error is None,
           f"`{name}` could not be read back as a tensor after the call.",
           f"调用之后无法把 `{name}` 读回为张量。", call=call, got=show(seen), kata=KATA)
    return seen


@claim(one_sgd_step)
def test_sgd_step_changes_the_callers_tensors_in_place(case, seen):
    call = called(case)
    params, wants = expected_step(case)
    for i, (p, want, name) in enumerate(zip(params, wants, names(case))):
        got = readable(seen["params"][i], name, call)
        rtol, atol = irr.tolerance(case.params[i]["dtype"])
        expect(got.dtype_name == case.params[i]["dtype"] and got.shape == tuple(p.shape),
               f"`{name}` changed its dtype or shape: an update in place keeps both "
               f"({case.params[i]['dtype']}, shape {tuple(p.shape)}); a new tensor made in "
               f"another dtype and assigned to `param.data` does not.",
               f"`{name}` 的 dtype 或形状变了:原地更新会保持两者不变"
               f"({case.params[i]['dtype']},形状 {tuple(p.shape)});用别的 dtype 新建张量再赋给 "
               f"`param.data` 就不会。",
               call=call, got=f"{got.dtype_name}, shape {got.shape}",
               expected=f"{case.params[i]['dtype']}, shape {tuple(p.shape)}", kata=KATA)
        start = p.detach()
        if close(got, want, rtol=rtol, atol=atol):
            continue
        if not close(got, start, rtol=0, atol=0):
            check_step_size(name, got.tensor, start, want, call)
        fail(
            f"the caller's tensor `{name}` did not change: `param = param - lr * param.grad` "
            f"binds a new tensor to the local name `param` and the caller never sees it. "
            f"Update in place (`param -= lr * param.grad`) under `torch.no_grad()`.",
            f"调用方的张量 `{name}` 没有变:`param = param - lr * param.grad` 只是把新张量绑定到"
            f"局部变量 `param`,调用方看不到。请在 `torch.no_grad()` 下原地更新"
            f"(`param -= lr * param.grad`)。",
            call=call, got=got, expected=want, kata=KATA,
        )
    expect(
        all(seen["same_objects"]),
        "sgd_step replaced the tensors in the list with new ones: the caller's other references "
        "(the model, the optimizer) still point at the old tensors. Change each tensor in place.",
        "sgd_step 把列表里的张量换成了新张量:调用方的其他引用(模型、优化器)仍指向旧张量。"
        "请原地修改每个张量。",
        call=call, kata=KATA,
    )
    expect(
        all(seen["same_storage"]),
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


@claim(one_sgd_step)
def test_sgd_step_leaves_each_param_a_leaf_that_requires_grad(case, seen):
    call = called(case)
    for i, name in enumerate(names(case)):
        p = readable(seen["params"][i], name, call)
        expect(
            p.requires_grad,
            f"`{name}` no longer requires grad: the next forward pass will build no graph and "
            f"training stops. Keep the same tensor and change its values under `torch.no_grad()`.",
            f"`{name}` 不再需要梯度:下一次前向传播不会建图,训练就停了。保持同一个张量,在 "
            f"`torch.no_grad()` 下修改它的值。",
            call=call, kata=KATA,
        )
        expect(
            p.is_leaf and p.grad_fn is None,
            f"`{name}` is no longer a leaf (grad_fn={p.grad_fn}): the update was recorded in the "
            f"graph. Do it under `torch.no_grad()` so autograd does not track it.",
            f"`{name}` 不再是叶子张量(grad_fn={p.grad_fn}):更新被记录进了计算图。请在 "
            f"`torch.no_grad()` 下更新。",
            call=call, kata=KATA,
        )


@claim(one_sgd_step)
def test_sgd_step_clears_the_gradient(case, seen):
    call = called(case)
    for name, left in zip(names(case), seen["grads"]):
        cleared = left is None or (isinstance(left, Seen) and left.complete and left.error is None
                                   and not left.tensor.double().abs().sum().item())
        how = (" The parameters came as a generator, which can be walked only once: a second "
               "loop over `params` (to clear the gradients) finds nothing. Clear each gradient "
               "in the same loop as its update."
               if case.container == "generator" else "")
        zh_how = ("参数是以生成器传入的,只能遍历一次:第二个清零梯度的循环什么也遍历不到。请在更新"
                  "每个参数的同一个循环里清零它的梯度。" if case.container == "generator" else "")
        expect(
            cleared,
            f"the gradient of `{name}` was left uncleared: the next `backward()` adds onto "
            f"it, so the second step would use the sum of both gradients. Clear it after the "
            f"update (`param.grad.zero_()`, or set it to None).{how}",
            f"`{name}` 的梯度没有清零:下一次 `backward()` 会在它上面累加,第二步就会用两次梯度"
            f"之和。更新之后请清零(`param.grad.zero_()` 或设为 None)。{zh_how}",
            call=call, got=left, expected="zeros or None", kata=KATA,
        )


# --- several steps of linear regression -------------------------------------------------------


def regression(seed):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(20, 2, generator=gen)
    y = X @ torch.tensor([[2.0], [-3.4]]) + 4.2
    return X, y


@observe(examples=[{"seed": 1}])
def five_steps(kata, case):
    """Five steps of linear regression, with the gradient each backward left before each step."""
    X, y = regression(case.seed)
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    steps = []
    for _ in range(5):
        ((X @ w + b - y) ** 2 / 2).mean().backward()
        grads = [w.grad.clone() if w.grad is not None else None,
                 b.grad.clone() if b.grad is not None else None]
        kata.sgd_step([w, b], 0.1)
        steps.append({"grads": grads, "w": w.detach().clone(), "b": b.detach().clone()})
    return steps


@claim(five_steps)
def test_a_few_steps_of_linear_regression_match_plain_gradient_descent(case, seen):
    """The kata's steps, one after another, against the update written out here."""
    X, y = regression(case.seed)
    w, b = torch.zeros(2, 1), torch.zeros(1)
    for step, record in enumerate(seen, start=1):
        call = f"sgd_step([w, b], lr=0.1), step {step}"
        residual = X @ w + b - y
        fresh = [X.T @ residual / len(X), residual.mean(0)]  # this step's gradient, by hand
        for name, got, g in (("w", record["grads"][0], fresh[0]),
                             ("b", record["grads"][1], fresh[1])):
            expect(
                got is not None and close(got, g, rtol=1e-4, atol=1e-5),
                *diagnose.uncleared(f"`{name}.grad`", step, "the previous sgd_step"),
                call=call, got=got, expected=g, kata=KATA,
            )
        for name, got, start, g in (("w", record["w"], w, fresh[0]),
                                    ("b", record["b"], b, fresh[1])):
            want = start - 0.1 * g
            if close(got, want, rtol=1e-4, atol=1e-5):
                continue
            if close(got, start, rtol=0, atol=0):
                fail(
                    f"step {step} left `{name}` as it was: the update never reached the "
                    f"caller's tensor (`param = param - ...` only rebinds a local name). "
                    f"Update in place under `torch.no_grad()`.",
                    f"第 {step} 步没有改变 `{name}`:更新没有到达调用方的张量"
                    f"(`param = param - ...` 只是重新绑定局部变量)。请在 `torch.no_grad()` 下原地更新。",
                    call=call, got=got, expected=want, kata=KATA,
                )
            check_step_size(name, got.tensor, start, want, call)
        w, b = w - 0.1 * fresh[0], b - 0.1 * fresh[1]


# --- decrement_all -----------------------------------------------------------------------------


ITEMS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"kind": st.just("int"), "value": st.integers(-100, 100)}),
        st.fixed_dictionaries({"kind": st.just("float"), "value": st.floats(-100, 100)}),
        st.fixed_dictionaries({"kind": st.just("tensor"),
                               "desc": irr.tensors(shape=irr.shapes(min_dims=0, max_dims=2),
                                                   dtype=irr.float_dtypes(low=False))}),
    ),
    max_size=6,
)

DECREMENT_EXAMPLES = [
    {"seed": 0, "amount": 4, "items": [{"kind": "int", "value": 1}, {"kind": "int", "value": 2},
                                       {"kind": "float", "value": 3.5}]},
    {"seed": 1, "amount": 4, "items": [
        {"kind": "tensor", "desc": {"shape": [1], "dtype": "float32", "layout": "contiguous",
                                    "seed": 11}},
        {"kind": "tensor", "desc": {"shape": [2], "dtype": "float32", "layout": "contiguous",
                                    "seed": 12}}]},
    # float64, non-contiguous and 0-dim tensors beside numbers, and a float amount
    {"seed": 2, "amount": 2.5, "items": [
        {"kind": "tensor", "desc": {"shape": [3, 2], "dtype": "float64", "layout": "transposed",
                                    "seed": 13}},
        {"kind": "int", "value": 7},
        {"kind": "tensor", "desc": {"shape": [], "dtype": "float32", "layout": "contiguous",
                                    "seed": 14}},
        {"kind": "tensor", "desc": {"shape": [4], "dtype": "float32", "layout": "sliced",
                                    "seed": 15}}]},
]


def items_of(case):
    return [irr.tensor(i["desc"]) if i["kind"] == "tensor" else i["value"] for i in case["items"]]


@observe(examples=DECREMENT_EXAMPLES,
         draw=st.fixed_dictionaries({"seed": irr.seeds(), "amount": st.integers(-5, 5),
                                     "items": ITEMS}))
def decremented(kata, case):
    values = items_of(case)
    originals = list(values)  # other references to the same objects, as a model would hold
    storages = [v.data_ptr() if isinstance(v, torch.Tensor) else None for v in values]
    kata.decrement_all(values, case.amount)
    return {
        "list": values,
        "originals": originals,
        "same_objects": [a is b for a, b in zip(values, originals)],
        "same_storage": [isinstance(v, torch.Tensor) and v.data_ptr() == s
                         for v, s in zip(originals, storages)],
        "length": len(values),
    }


def decrement_call(case) -> str:
    shown = [show(v) for v in items_of(case)]
    return f"decrement_all([{', '.join(shown)}], {case.amount})"


@claim(decremented)
def test_decrement_all_replaces_numbers_in_the_callers_list(case, seen):
    call = decrement_call(case)
    expect(seen["length"] == len(case["items"]),
           "the list changed its length: subtract from every element, in place of each.",
           "列表的长度变了:应当从每个元素中减去 amount,替换原位置的元素。",
           call=call, got=f"{seen['length']} elements", expected=f"{len(case['items'])}",
           kata=KATA)
    for i, item in enumerate(case["items"]):
        if item["kind"] == "tensor":
            continue
        got, want = seen["list"][i], item["value"] - case.amount
        expect(
            type(got) in (int, float) and got == want,
            "the list did not change: in `for v in values: v -= amount` the loop variable is a "
            "new name for each element, and an int is immutable, so `-=` makes a new int bound "
            "to `v` and the list keeps the old one. Assign back by index: "
            "`values[i] = values[i] - amount`."
            if got == item["value"] else
            f"element {i} ({item['value']!r}) is wrong: a number is replaced in the list by "
            f"itself minus the amount.",
            "列表没有变:`for v in values: v -= amount` 里的循环变量只是元素的新名字,而 int 不可变,"
            "`-=` 生成一个新的 int 绑定到 `v`,列表里还是旧值。请按下标写回:"
            "`values[i] = values[i] - amount`。"
            if got == item["value"] else
            f"第 {i} 个元素({item['value']!r})不对:数字要在列表中替换为它减去 amount 的结果。",
            call=call, got=show(got), expected=show(want), kata=KATA,
        )


@claim(decremented)
def test_decrement_all_changes_tensors_in_place_for_every_reference(case, seen):
    call = decrement_call(case)
    for i, item in enumerate(case["items"]):
        if item["kind"] != "tensor":
            continue
        before = irr.tensor(item["desc"])
        want = before - case.amount
        rtol, atol = irr.tolerance(item["desc"]["dtype"])
        held = seen["originals"][i]
        expect(
            seen["same_objects"][i],
            "the list now holds new tensors: any other reference to the old ones (a model, an "
            "optimizer) still sees the old values. Tensors are mutable: `v -= amount` changes "
            "them in place.",
            "列表里换成了新张量:其他引用(模型、优化器)看到的还是旧值。张量是可变的:"
            "`v -= amount` 会原地修改。",
            call=call, kata=KATA,
        )
        expect(
            isinstance(held, Seen) and close(held, want, rtol=rtol, atol=atol),
            f"element {i}, a tensor, did not change in place by the amount: other references "
            f"to it must see the new values.",
            f"第 {i} 个元素(张量)没有被原地减去 amount:其他引用必须看到新值。",
            call=call, got=held, expected=want, kata=KATA,
        )
        expect(
            seen["same_storage"][i],
            "the tensors got new storage: an in-place update writes into the memory they have "
            "(`v -= amount`), where `v.data = v.data - amount` swaps it.",
            "张量换了新的存储:原地更新写进原有的内存(`v -= amount`),而 `v.data = v.data - amount` "
            "会换掉存储。",
            call=call, kata=KATA,
        )

