"""leaf_tensors: w and b are leaves that require grad, of the asked shape, dtype and device."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import diagnose
from dojo.testing import close, expect, fail, show

KATA = "leaf_tensors"


def check_leaf(name, t, call):
    """Fail with the pitfall that explains why `t` is no usable parameter: measured from
    `requires_grad`, `is_leaf` and the operation in its `grad_fn`."""
    if t.requires_grad and t.is_leaf:
        return
    fail(*diagnose.why_no_grad(name, t), call=call, got=diagnose.describe(name, t), kata=KATA)


def check_backward_fills_grads(w, b, call):
    """A real backward through `X @ w + b`: both grads must arrive, equal to the formula."""
    check_leaf("w", w, call)  # names the pitfall, if there is one, before backward shows it
    check_leaf("b", b, call)
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(5, w.shape[0], generator=gen).to(dtype=w.dtype, device=w.device)
    (X @ w + b).sum().backward()
    want_w = X.sum(0).reshape(-1, 1)
    expect(
        w.grad is not None and b.grad is not None
        and close(w.grad.cpu(), want_w.cpu()) and close(b.grad.cpu(), torch.tensor([5.0])),
        "after `(X @ w + b).sum().backward()` the grads of w and b are missing or wrong: are "
        "`w` and `b` really the tensors that take part in the model, not copies of them?",
        "`(X @ w + b).sum().backward()` 之后 w 和 b 的梯度缺失或不对:`w` 和 `b` 真的是参与模型"
        "计算的那两个张量,而不是它们的副本吗?",
        call=call + "; (X @ w + b).sum().backward()",
        got=f"w.grad = {show(w.grad)}, b.grad = {show(b.grad)}",
        expected=f"w.grad = {show(want_w)}, b.grad = tensor([5.])",
        kata=KATA,
    )


def test_w_and_b_have_the_shapes_and_values_asked_for(kata):
    call = "init_params(3)"
    w, b = kata.init_params(3)
    expect(
        isinstance(w, torch.Tensor) and isinstance(b, torch.Tensor),
        "init_params must return the two tensors `(w, b)`.",
        "init_params 必须返回两个张量 `(w, b)`。",
        call=call,
        got=f"{type(w).__name__}, {type(b).__name__}",
        kata=KATA,
    )
    expect(
        tuple(w.shape) == (3, 1) and tuple(b.shape) == (1,),
        "w must be a column of shape (n_features, 1), so that `X @ w` is (n, 1); b has shape "
        "(1,) and broadcasts over the batch.",
        "w 必须是形状为 (n_features, 1) 的列向量,这样 `X @ w` 是 (n, 1);b 的形状是 (1,),"
        "会在批量上广播。",
        call=call,
        got=f"w {tuple(w.shape)}, b {tuple(b.shape)}",
        expected="w (3, 1), b (1,)",
        kata=KATA,
    )
    expect(
        not b.detach().abs().sum().item(),
        "b must start at zero.",
        "b 的初始值必须是 0。",
        call=call,
        got=b,
        expected="tensor([0.])",
        kata=KATA,
    )
    expect(
        w.dtype == b.dtype == torch.float32 and w.device.type == b.device.type == "cpu",
        "by default both tensors are float32 on the CPU.",
        "默认情况下两个张量都是 CPU 上的 float32。",
        call=call,
        got=f"w {w.dtype} on {w.device}, b {b.dtype} on {b.device}",
        kata=KATA,
    )


def test_w_and_b_are_leaves_that_require_grad(kata):
    call = "init_params(3)"
    w, b = kata.init_params(3)
    check_leaf("w", w, call)
    check_leaf("b", b, call)


def test_backward_fills_the_grads_of_w_and_b(kata):
    call = "w, b = init_params(4)"
    w, b = kata.init_params(4)
    check_backward_fills_grads(w, b, call)


def test_float64_parameters_are_still_leaves(kata):
    """`.to(torch.float64)` after requires_grad is an operation: only shows when dtype changes."""
    call = "init_params(4, dtype=torch.float64)"
    w, b = kata.init_params(4, dtype=torch.float64)
    expect(
        w.dtype == torch.float64 and b.dtype == torch.float64,
        "both tensors must have the dtype asked for.",
        "两个张量都必须是要求的 dtype。",
        call=call,
        got=f"w {w.dtype}, b {b.dtype}",
        expected="torch.float64",
        kata=KATA,
    )
    check_backward_fills_grads(w, b, call)


def test_parameters_on_another_device_are_still_leaves(kata):
    """The device pitfall without a GPU: 'meta' tensors have shapes and no data."""
    call = "init_params(4, device='meta')"
    w, b = kata.init_params(4, device="meta")
    expect(
        w.device.type == "meta" and b.device.type == "meta",
        "both tensors must be on the device asked for (here 'meta', a device with no data, "
        "which stands in for a GPU).",
        "两个张量都必须在要求的设备上(这里是 'meta',一种没有数据的设备,代替 GPU)。",
        call=call,
        got=f"w on {w.device}, b on {b.device}",
        expected="meta",
        kata=KATA,
    )
    # A leaf that requires grad on any device gets its .grad from backward (the CPU tests show
    # it); computing on 'meta' would cost this test a second of imports.
    check_leaf("w", w, call)
    check_leaf("b", b, call)


@pytest.mark.gpu
def test_parameters_on_the_gpu_are_leaves_that_get_grads(kata):
    call = "init_params(4, device='cuda')"
    w, b = kata.init_params(4, device="cuda")
    expect(
        w.is_cuda and b.is_cuda,
        "both tensors must be on the GPU.",
        "两个张量都必须在 GPU 上。",
        call=call,
        got=f"w on {w.device}, b on {b.device}",
        kata=KATA,
    )
    check_backward_fills_grads(w, b, call)


@pytest.mark.parametrize("std", [0.5, 2.0])
def test_w_has_mean_zero_and_the_standard_deviation_asked_for(kata, std):
    n = 40_000
    call = f"init_params({n}, std={std}, generator=torch.Generator().manual_seed(5))"
    w, _ = kata.init_params(n, std=std, generator=torch.Generator().manual_seed(5))
    values = w.detach().double().flatten()
    mean, sd = values.mean().item(), values.std().item()
    expect(
        abs(sd - std) < 0.03 * std,
        f"the sample standard deviation of w is {sd:.4g}, expected about {std}: `std` is a "
        f"standard deviation (`torch.normal(0, std, ...)` or `torch.randn(...) * std`), not a "
        f"variance, and must not be ignored.",
        f"w 的样本标准差是 {sd:.4g},应约为 {std}:`std` 是标准差(`torch.normal(0, std, ...)` 或 "
        f"`torch.randn(...) * std`),不是方差,也不能被忽略。",
        call=call,
        got=f"std {sd:.4g}",
        expected=f"std ≈ {std}",
        kata=KATA,
    )
    expect(
        abs(mean) < 0.03 * std,
        f"the sample mean of w is {mean:.4g}: w must be drawn from a normal distribution with "
        f"mean 0 (`torch.randn`, not `torch.rand`).",
        f"w 的样本均值是 {mean:.4g}:w 必须来自均值为 0 的正态分布(用 `torch.randn`,不是 "
        f"`torch.rand`)。",
        call=call,
        got=f"mean {mean:.4g}",
        expected="mean ≈ 0",
        kata=KATA,
    )


def test_equal_generators_give_equal_parameters(kata):
    w1, _ = kata.init_params(6, generator=torch.Generator().manual_seed(7))
    w2, _ = kata.init_params(6, generator=torch.Generator().manual_seed(7))
    w3, _ = kata.init_params(6, generator=torch.Generator().manual_seed(8))
    expect(
        close(w1, w2, rtol=0, atol=0),
        "two generators seeded alike gave different w: draw the random numbers from "
        "`generator` (`torch.randn(..., generator=generator)`), not from the global RNG.",
        "两个种子相同的生成器给出了不同的 w:请从 `generator` 取随机数"
        "(`torch.randn(..., generator=generator)`),而不是全局随机数生成器。",
        call="init_params(6, generator=torch.Generator().manual_seed(7)), twice",
        got=f"{show(w1)} then {show(w2)}",
        kata=KATA,
    )
    expect(
        not close(w1, w3, rtol=0, atol=0),
        "generators with different seeds gave the same w: the generator passed in is not used "
        "(a fixed seed inside the function makes every run the same).",
        "不同种子的生成器给出了相同的 w:传入的生成器没有被使用(函数里固定的种子让每次结果都一样)。",
        call="init_params(6, generator=...manual_seed(7)) and ...manual_seed(8)",
        got=show(w1),
        kata=KATA,
    )


@settings(report_multiple_bugs=False)  # one failure, with its message, not a group of them
@given(
    n_features=st.integers(1, 40),
    std=st.floats(1e-3, 3.0),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_any_size_and_dtype_gives_leaves_of_that_shape(kata, n_features, std, dtype):
    call = f"init_params({n_features}, std={std:.3g}, dtype={dtype})"
    w, b = kata.init_params(n_features, std=std, dtype=dtype)
    expect(
        tuple(w.shape) == (n_features, 1) and tuple(b.shape) == (1,)
        and w.dtype == b.dtype == dtype,
        "w must be (n_features, 1) and b (1,), both of the dtype asked for.",
        "w 必须是 (n_features, 1),b 是 (1,),两者都是要求的 dtype。",
        call=call,
        got=f"w {tuple(w.shape)} {w.dtype}, b {tuple(b.shape)} {b.dtype}",
        kata=KATA,
    )
    check_leaf("w", w, call)
    check_leaf("b", b, call)
