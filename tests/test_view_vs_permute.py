"""view_vs_permute: the tests number every element of the input (its value is its own index) and
check where each one lands."""

import itertools

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dojo.testing import expect, fail, show

KATA = "view_vs_permute"
VIEW_ERROR = "view size is not compatible with input tensor's size and stride"


def numbered(n, c, h, w, layout="contiguous"):
    """(N, C, H, W) whose element [n, c, h, w] holds the number ((n*C + c)*H + h)*W + w, laid out
    in memory as `layout` says (same values, other strides)."""
    x = torch.arange(n * c * h * w, dtype=torch.float32).reshape(n, c, h, w)
    if layout == "channels-last strides":
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    if layout == "height and width swapped in memory":
        return x.transpose(2, 3).contiguous().transpose(2, 3)
    if layout == "a slice of a larger batch":
        big = torch.full((n, c + 1, h, w + 2), -1.0)
        big[:, 1:, :, 1:-1] = x
        return big[:, 1:, :, 1:-1]
    return x


def origin(value, shape):
    """The index [n, c, h, w] of the input whose number is `value`."""
    _, c, h, w = shape
    v = int(value)
    return (v // (c * h * w), v // (h * w) % c, v // w % h, v % w)


def where_wrong(got, want, shape):
    """A sentence naming the first misplaced element: where it is, what it should hold."""
    bad = (got != want).nonzero()
    if not len(bad):
        return ""
    at = tuple(bad[0].tolist())
    should, holds = origin(want[at], shape), origin(got[at], shape)
    idx = ", ".join(map(str, at))
    return (f"out[{idx}] should hold images[{', '.join(map(str, should))}] but holds "
            f"images[{', '.join(map(str, holds))}]")


def call_kata(fn, images, call):
    """Call the kata; the error of `.view()` on a non-contiguous tensor is explained."""
    refused = None
    try:
        return fn(images)
    except RuntimeError as err:
        if VIEW_ERROR not in str(err):
            raise
        refused = err
    fail(
        f"view() on a non-contiguous tensor: PyTorch refused (\"{refused}\"). After a `permute` "
        f"(or a transpose, or a slice) the numbers are not laid out in order in memory, and "
        f"`.view()` only reinterprets the memory as it is, so it cannot make the new shape. Use "
        f"`.reshape(...)` (it copies when it must) or `.contiguous().view(...)`.",
        f"对非连续张量调用了 view():PyTorch 拒绝了(\"{refused}\")。`permute`(或转置、切片)之后,"
        f"这些数在内存里不再按顺序排列,而 `.view()` 只是按原样重新解读内存,做不出新的形状。请用 "
        f"`.reshape(...)`(需要时它会复制)或 `.contiguous().view(...)`。",
        call=call,
        kata=KATA,
    )


def check_unchanged(images, before, version, call):
    expect(
        torch.equal(images, before) and images._version == version,
        "the input was changed: both functions only rearrange, and must leave the caller's "
        "images as they were (no in-place operations on them).",
        "输入被修改了:这两个函数只是重新排列,必须让调用方的图像保持原样(不要对它做原地操作)。",
        call=call,
        kata=KATA,
    )


# --- to_channels_last ---------------------------------------------------------------------------


def check_channels_last(kata, images, call):
    n, c, h, w = images.shape
    before, version = images.clone(), images._version
    got = call_kata(kata.to_channels_last, images, call)
    check_unchanged(images, before, version, call)
    want = images.permute(0, 2, 3, 1)
    expect(
        isinstance(got, torch.Tensor),
        "to_channels_last must return a tensor.",
        "to_channels_last 应当返回张量。",
        call=call, got=show(got), kata=KATA,
    )
    if got.shape != want.shape:
        same = tuple(got.shape) == (n, c, h, w)
        fail(
            f"the result has shape {tuple(got.shape)}, not (N, H, W, C) = {tuple(want.shape)}"
            + (". `x.contiguous(memory_format=torch.channels_last)` changes how the numbers are "
               "stored in memory, not the shape nor what `x[n, c, h, w]` means: move the axis."
               if same else "."),
            f"结果的形状是 {tuple(got.shape)},而不是 (N, H, W, C) = {tuple(want.shape)}"
            + (("。`x.contiguous(memory_format=torch.channels_last)` 改变的是数在内存里的存放方式,"
                "既不改变形状,也不改变 `x[n, c, h, w]` 的含义:请移动坐标轴。") if same else "。"),
            call=call, got=f"shape {tuple(got.shape)}", expected=f"shape {tuple(want.shape)}",
            kata=KATA,
        )
    if torch.equal(got, want):
        return
    where = where_wrong(got, want, images.shape)
    if torch.equal(got, images.reshape(n, h, w, c)):
        fail(
            f"reshaped, not permuted: the numbers are scrambled though the shape is right. "
            f"`view`/`reshape` keep the numbers in their order and only cut that sequence into a "
            f"new shape; {where}. Moving the channels to the end moves every element: "
            f"`images.permute(0, 2, 3, 1)`.",
            f"这是重塑(reshape),不是换轴(permute):形状对了,但数被打乱了。`view`/`reshape` 保持数的"
            f"顺序,只是把这个序列切成新形状;{where}。把通道移到最后要移动每一个元素:"
            f"`images.permute(0, 2, 3, 1)`。",
            call=call, got=got, expected=want, kata=KATA,
        )
    for order in itertools.permutations(range(4)):
        if images.permute(order).shape == got.shape and torch.equal(images.permute(order), got):
            fail(
                f"the axes moved in another order, permute{order}: {where}. Channels last keeps "
                f"the batch first and height before width: `permute(0, 2, 3, 1)`.",
                f"坐标轴按另一种顺序移动了,permute{order}:{where}。通道放最后时,批量维仍在最前,"
                f"高在宽之前:`permute(0, 2, 3, 1)`。",
                call=call, got=got, expected=want, kata=KATA,
            )
    fail(
        f"some elements are not where they belong: {where}. Each `out[n, h, w, c]` is "
        f"`images[n, c, h, w]`.",
        f"有些元素不在该在的位置:{where}。每个 `out[n, h, w, c]` 都应是 `images[n, c, h, w]`。",
        call=call, got=got, expected=want, kata=KATA,
    )


def test_to_channels_last_moves_every_element(kata):
    images = numbered(2, 3, 2, 4)
    check_channels_last(kata, images, "to_channels_last(images of shape (2, 3, 2, 4))")


def test_to_channels_last_of_an_input_that_is_not_contiguous(kata):
    images = numbered(2, 3, 4, 5, "a slice of a larger batch")
    check_channels_last(kata, images,
                        "to_channels_last(images (2, 3, 4, 5), a slice of a larger batch)")


# --- flatten_channels_last ----------------------------------------------------------------------


def check_flat(kata, images, call):
    n, c, h, w = images.shape
    before, version = images.clone(), images._version
    got = call_kata(kata.flatten_channels_last, images, call)
    check_unchanged(images, before, version, call)
    want = images.permute(0, 2, 3, 1).reshape(n, h * w * c)
    expect(
        isinstance(got, torch.Tensor) and got.shape == want.shape,
        f"flatten_channels_last must return one row of H * W * C = {h * w * c} numbers per image, "
        f"shape (N, H * W * C).",
        f"flatten_channels_last 应当为每张图像返回一行 H * W * C = {h * w * c} 个数,形状为 "
        f"(N, H * W * C)。",
        call=call,
        got=f"shape {tuple(got.shape)}" if isinstance(got, torch.Tensor) else show(got),
        expected=f"shape {tuple(want.shape)}",
        kata=KATA,
    )
    if torch.equal(got, want):
        return
    where = where_wrong(got, want, images.shape)
    if torch.equal(got, images.reshape(n, -1)):
        fail(
            f"flattened in the (C, H, W) order, PyTorch's default: {where}. A Linear layer trained "
            f"on channels-last rows learned one weight per position of a row in the (H, W, C) "
            f"order; fed this row it gets the right number of inputs in the wrong places, and "
            f"answers nonsense without any error. Move the channels last, then flatten.",
            f"按 (C, H, W) 的顺序展平了,这是 PyTorch 的默认顺序:{where}。在通道在后的行上训练的 Linear "
            f"层,为按 (H, W, C) 顺序排列的每个位置学了一个权重;喂给它这样的行,输入个数没错,位置却全错,"
            f"它给出毫无意义的结果,而且不报错。先把通道移到最后,再展平。",
            call=call, got=got, expected=want, kata=KATA,
        )
    fail(
        f"the row is not in channels-last order: {where}. Element `images[n, c, h, w]` goes to "
        f"`out[n, (h * W + w) * C + c]`.",
        f"这一行不是通道在后的顺序:{where}。元素 `images[n, c, h, w]` 应放到 "
        f"`out[n, (h * W + w) * C + c]`。",
        call=call, got=got, expected=want, kata=KATA,
    )


def test_flatten_channels_last_puts_the_channels_innermost(kata):
    images = numbered(2, 3, 2, 2)
    check_flat(kata, images, "flatten_channels_last(images of shape (2, 3, 2, 2))")


def test_flatten_channels_last_feeds_a_linear_layer_trained_on_that_order(kata):
    """A Linear layer 'trained' on channels-last rows: its weights average each channel over the
    pixels. Fed the right rows it returns each image's channel means."""
    n, c, h, w = 4, 3, 5, 5
    gen = torch.Generator().manual_seed(0)
    images = (torch.arange(1, c + 1).float().view(1, c, 1, 1) * 10
              + torch.randn(n, c, h, w, generator=gen))
    layer = nn.Linear(h * w * c, c, bias=False)
    with torch.no_grad():
        channel_of_input = torch.arange(h * w * c) % c  # channels innermost
        layer.weight.copy_((channel_of_input[None, :] == torch.arange(c)[:, None]).float() / (h * w))
    call = ("layer(flatten_channels_last(images (4, 3, 5, 5))), the layer trained on "
            "channels-last rows (it gives each channel's mean)")
    rows = call_kata(kata.flatten_channels_last, images, call)
    expect(
        isinstance(rows, torch.Tensor) and rows.shape == (n, h * w * c),
        "flatten_channels_last must return rows of shape (N, H * W * C).",
        "flatten_channels_last 应当返回形状为 (N, H * W * C) 的行。",
        call=call, got=show(rows), kata=KATA,
    )
    with torch.no_grad():
        got = layer(rows)
    want = images.mean(dim=(2, 3))
    if torch.allclose(got, want, atol=1e-4):
        return
    fail(
        "the layer's outputs are wrong: it was trained on rows with the channels innermost and "
        "returns each channel's mean, about [10, 20, 30] for these images; fed rows in another "
        "order it mixes the channels. The right number of inputs in the wrong places raises no "
        "error: only the order of the flattening tells them apart.",
        "这个层的输出不对:它是在通道在最内层的行上训练的,返回每个通道的均值,对这些图像约为 "
        "[10, 20, 30];按别的顺序展平的行会让它把通道混在一起。输入个数对、位置错,不会报任何错:"
        "只有展平的顺序能区分它们。",
        call=call, got=got[0], expected=want[0], kata=KATA,
    )


# --- any size, any memory layout ----------------------------------------------------------------

LAYOUTS = ["contiguous", "channels-last strides", "height and width swapped in memory",
           "a slice of a larger batch"]


@settings(max_examples=20)
@given(n=st.integers(1, 3), c=st.integers(1, 4), h=st.integers(1, 4), w=st.integers(1, 4),
       layout=st.sampled_from(LAYOUTS))
def test_every_element_lands_in_its_place_for_any_size_and_layout(kata, n, c, h, w, layout):
    images = numbered(n, c, h, w, layout)
    what = f"images of shape ({n}, {c}, {h}, {w}), {layout}"
    check_channels_last(kata, images, f"to_channels_last({what})")
    check_flat(kata, images, f"flatten_channels_last({what})")
