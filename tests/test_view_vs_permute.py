"""view_vs_permute: every element must land in its own place, for any dtype, layout and size.

Each test is a claim (dojo/spec.py): an observer builds a batch of images from a case, calls the
kata and returns what came back as plain data; the judge rebuilds the same batch, computes where
every element belongs itself, and, when something is wrong, measures which known mistake
explains what it saw (a reshape, another order of the axes, the memory read as if it were
contiguous, a conversion, nan spread by arithmetic, something kept from an earlier call) before
naming it. What it cannot explain it describes: on which input, at which place, got, expected.

The irregular-inputs checklist (docs/CONTRIBUTING.md), as it applies here:
- dtypes: float32/64, float16, bfloat16, int64 beyond 2**53, int8..int32, uint8, bool: the result
  keeps the dtype and every value exactly (nan, inf, -0.0 included).
- autograd: inputs that require grad (the result must carry the graph back to each element).
- memory layout: channels-last, H/W transposed, sliced, cropped (storage offset), a channel
  slice, a batch slice, expanded (stride 0); the input is left as it was (values, shape,
  strides, storage, version); the result may be a view or a copy (never checked).
- values: nan, inf, -0.0, the dtype's extremes; a batch of 1, a single channel, H != W, sizes
  where C, H and W coincide (a wrong order of the axes with the right shape).
- state: each function called again with another shape of the same row length, and again with
  new values of the first shape (a cache, a reused output buffer).
- Not applicable: iteration, randomness and exceptions (the functions take one tensor, draw
  nothing, and the contract names no exception); sizes of 0 are outside the contract.
"""

import itertools

import torch
from hypothesis import strategies as st
from torch import nn

from dojo import irregular as irr
from dojo.i18n import t
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show, undecided

KATA = "view_vs_permute"
AXES = "NCHW"

# --- the images a case describes -----------------------------------------------------------------

LAYOUTS = ("contiguous", "channels_last", "hw_swapped", "sliced", "cropped", "channel_slice",
           "batch_slice", "expanded")
LAYOUT_WORDS = {
    "contiguous": ("", ""),
    "channels_last": ("stored channels-last in memory (`memory_format=torch.channels_last`)",
                      "在内存中按 channels-last 存放(`memory_format=torch.channels_last`)"),
    "hw_swapped": ("with height and width swapped in memory (a transpose, not contiguous)",
                   "高和宽在内存中互换(转置得到,不连续)"),
    "sliced": ("sliced, every other column of wider images (not contiguous)",
               "切片得到,取更宽图像的隔列(不连续)"),
    "cropped": ("a centre crop of larger images (not contiguous, with a storage offset)",
                "更大图像的中心裁剪(不连续,有存储偏移)"),
    "channel_slice": ("channels 1: of a batch with one more channel (not contiguous)",
                      "多一个通道的批量的第 1: 个通道(不连续)"),
    "batch_slice": ("images[1:] of a larger batch (a storage offset)",
                    "更大批量的 images[1:](有存储偏移)"),
    "expanded": ("expanded along the width (stride 0)", "沿宽度 expand 得到(步长为 0)"),
}
VALUE_WORDS = {
    "numbered": ("each element holding its own index", "每个元素的值就是它的下标"),
    "random": ("", ""),
    "specials": ("holding nan, inf, -inf, -0.0 and extreme values among the others",
                 "其中含有 nan、inf、-inf、-0.0 和极端值"),
}


def images(case):
    """The batch a case describes: its values (the element [n, c, h, w] of `logical`) laid out in
    memory as `case["layout"]` says, the same everywhere for the same case."""
    return images_and_leaf(case)[0]


def images_and_leaf(case):
    """The batch, and the leaf its gradient goes to where the case requires grad: the batch
    itself, or for an expanded batch the (N, C, H, 1) tensor it was expanded from (a leaf whose
    elements share memory has no gradient of its own per element)."""
    gen = torch.Generator().manual_seed(int(case["seed"]))
    n, c, h, w = (int(s) for s in case["shape"])
    kind, values = case["dtype"], case.get("values", "random")

    def fill(*size):
        if values == "numbered":
            return torch.arange(torch.Size(size).numel(), dtype=torch.float64).reshape(
                size).to(irr.dtype(kind))
        return irr.filled(size, kind, gen, specials=values == "specials")

    layout = case.get("layout", "contiguous")
    if layout == "expanded":
        leaf = fill(n, c, h, 1)
        if case.get("grad"):
            leaf.requires_grad_()
        return leaf.expand(n, c, h, w), leaf
    else:
        logical = fill(n, c, h, w)
        if layout == "channels_last":
            x = logical.contiguous(memory_format=torch.channels_last)
        elif layout == "hw_swapped":
            x = logical.transpose(2, 3).contiguous().transpose(2, 3)
        else:
            big, where = {
                "sliced": ((n, c, h, 2 * w), (slice(None), slice(None), slice(None),
                                              slice(None, None, 2))),
                "cropped": ((n, c, h + 2, w + 2), (slice(None), slice(None), slice(1, -1),
                                                   slice(1, -1))),
                "channel_slice": ((n, c + 1, h, w), (slice(None), slice(1, None))),
                "batch_slice": ((n + 1, c, h, w), (slice(1, None),)),
            }.get(layout, (None, None))
            if big is None:
                x = logical
            else:
                around = irr.filled(big, kind, gen) if values != "numbered" else torch.full(
                    big, -1, dtype=irr.dtype(kind))
                around[where] = logical
                x = around[where]
    if case.get("grad"):
        x.requires_grad_()
    return x, x


def describe(case) -> tuple[str, str]:
    """The batch in words: 'a uint8 batch of shape (2, 3, 4, 5), stored channels-last ...'."""
    shape = tuple(int(s) for s in case["shape"])
    parts_en, parts_zh = [], []
    for words in (LAYOUT_WORDS.get(case.get("layout", "contiguous"), ("", "")),
                  VALUE_WORDS.get(case.get("values", "random"), ("", ""))):
        if words[0]:
            parts_en.append(words[0])
            parts_zh.append(words[1])
    if case.get("grad"):
        expanded = case.get("layout") == "expanded"
        parts_en.append("from a tensor that requires grad" if expanded else "that requires grad")
        parts_zh.append("由需要梯度的张量得到" if expanded else "需要梯度")
    article = "an" if str(case["dtype"]).startswith("i") else "a"
    en = f"{article} {case['dtype']} batch of shape {shape}" + (", " + ", ".join(parts_en)
                                                        if parts_en else "")
    zh = f"形状为 {shape} 的 {case['dtype']} 批量" + ("," + ",".join(parts_zh)
                                                    if parts_zh else "")
    return en, zh


def called(fn, case) -> str:
    return f"{fn}(images)  # images: {t(*describe(case))}"


def right(fn, x):
    """Where every element belongs, computed here."""
    x = x.detach()
    moved = x.permute(0, 2, 3, 1)
    return moved if fn == "to_channels_last" else moved.reshape(x.shape[0], -1)


def source(fn, at, shape):
    """The index of the input that `out[at]` must hold."""
    _, c, _, w = shape
    if fn == "to_channels_last":
        n, h, ww, ch = at
        return n, ch, h, ww
    n, k = at
    return n, k % c, k // (w * c), k // c % w


def index(at) -> str:
    return ", ".join(str(int(i)) for i in at)


def where_wrong(fn, got, want, x, among=None) -> tuple[str, str, int]:
    """The first misplaced element (of those in the mask `among`, if given), in words: where it
    is, what it should hold, what it holds and where that is in the input; and how many are
    misplaced in all."""
    g, w = got.double(), want.double()
    bad = ~((g == w) & (torch.signbit(g) == torch.signbit(w)) | (g.isnan() & w.isnan()))
    count = int(bad.sum())
    places = (bad & among if among is not None else bad).nonzero()
    if not len(places):
        places = bad.nonzero()
    if not len(places):
        return "", "", 0
    at = tuple(places[0].tolist())
    should = source(fn, at, x.shape)
    value, meant = got[at], want[at]
    xd = x.detach()
    if x.dtype == torch.bool:
        found = (xd == value).nonzero()
    else:
        found = ((xd == value) & (torch.signbit(xd.double()) == torch.signbit(value.double()))
                 | (xd.isnan() & value.isnan())).nonzero()
    if value.dtype.is_floating_point and float(value) == float(meant) == 0:
        holds_en = f"{show(value.item())} where images[{index(should)}] is {show(meant.item())}"
        holds_zh = f"{show(value.item())},而 images[{index(should)}] 是 {show(meant.item())}"
    elif len(found) == 1 and value.dtype.is_floating_point and not bool(value.isfinite()):
        holds_en = f"{show(value.item())}, the value of images[{index(found[0])}]"
        holds_zh = f"{show(value.item())},即 images[{index(found[0])}] 的值"
    elif len(found) == 1:
        holds_en = holds_zh = f"images[{index(found[0])}]"
    elif not len(found):
        holds_en = f"{show(value.item())}, a value found nowhere in the input"
        holds_zh = f"{show(value.item())},输入里根本没有这个值"
    else:
        holds_en = f"{show(value.item())} (images[{index(should)}] is {show(meant.item())})"
        holds_zh = f"{show(value.item())}(images[{index(should)}] 是 {show(meant.item())})"
    return (f"out[{index(at)}] should hold images[{index(should)}] but holds {holds_en}",
            f"out[{index(at)}] 应当是 images[{index(should)}],却是 {holds_zh}", count)


def readable(value, what, call):
    """A tensor as observed, or a failure that says what came back instead."""
    if value is None:
        fail(f"{what} is None, not a tensor: does the function `return` it?",
             f"{what}是 None,不是张量:函数有没有 `return` 结果?",
             call=call, got="None", expected="a torch.Tensor", kata=KATA)
    if isinstance(value, Other):
        kind = value.type.rsplit(".", 1)[-1]
        article = "an" if kind[:1].lower() in "aeiou" or kind.startswith("nd") else "a"
        hint = (" A NumPy array is what `imshow` takes, but the contract asks for a tensor (it "
                "keeps the dtype, the device and the graph): return the tensor, and call "
                "`.numpy()` where you plot." if "numpy" in value.type else "")
        zh_hint = ("`imshow` 接受 NumPy 数组,但约定要求返回张量(它保留 dtype、设备和计算图):"
                   "请返回张量,在画图的地方再调用 `.numpy()`。" if "numpy" in value.type else "")
        fail(f"{what} is {article} {kind} ({value.type}), not a tensor.{hint}",
             f"{what}是 {kind}({value.type}),不是张量。{zh_hint}",
             call=call, got=safe_show(value), expected="a torch.Tensor", kata=KATA)
    expect(isinstance(value, Seen) and value.error is None and (not value.complete or tensor_of(
               value) is not None),
           f"{what} is not a tensor that could be read.",
           f"{what}不是可以读取的张量。", call=call,
           got=f"{type(value).__name__} {value.error or ''}" if isinstance(value, Seen)
           else safe_show(value), expected="a torch.Tensor", kata=KATA)
    return value


def safe_show(value) -> str:
    """`show` for data from the learner's process, which may hold anything that decodes."""
    try:
        return show(value)
    except Exception:  # noqa: BLE001 - values that make no tensor: say what they are
        return f"<{type(value).__name__}: {value!r:.200}>"


def tensor_of(seen):
    """A Seen's values as a tensor, or None where they do not make one (values that do not fit
    the dtype, sent by a job that is not ours)."""
    try:
        return seen.tensor
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return None


# --- what the judge measures when an element is out of place -------------------------------------


def arithmetic_promotion(x, dtype_name):
    """The arithmetic with a Python number (`x * 1`, `x * 1.0`, `x / 1`) whose type promotion
    turns x's dtype into `dtype_name`, in words, or None where none does."""
    xd = x.detach()[:0]
    for words, make in (("`x * 1` or `x + 0`", lambda t: t * 1),
                        ("`x * 1.0` or `x + 0.0`", lambda t: t * 1.0),
                        ("`x / 1`", lambda t: t / 1)):
        try:
            dt = make(xd).dtype
        except RuntimeError:
            continue
        if dt != xd.dtype and str(dt).replace("torch.", "") == dtype_name:
            return words
    return None


def memory_as_contiguous(x):
    """The input's memory read as if it were a contiguous (N, C, H, W) block (the strides a
    freshly made tensor has), or None where that reads past its storage."""
    n, c, h, w = x.shape
    try:
        return x.detach().as_strided((n, c, h, w), (c * h * w, h * w, w, 1))
    except RuntimeError:
        return None


def other_shape(fn, got, x):
    """(C', H' * W'): another number of channels and of pixels, with the same C * H * W, whose
    right order `got` follows (the order depends on nothing else), if any."""
    n, c, h, w = x.shape
    size, want_shape = c * h * w, right(fn, x).shape
    for c2 in range(1, size + 1):
        if size % c2 or c2 == c:
            continue
        moved = right(fn, x.detach().reshape(n, c2, 1, size // c2)).reshape(want_shape)
        if irr.exactly(got, moved):
            return c2, size // c2
    return None


def order_words(order) -> str:
    return "(" + ", ".join(AXES[i] for i in order) + ")"


def find_order(fn, got, x):
    """The permutation of the input's axes that gives `got` (before flattening, for rows), if
    one does and it is not the right one."""
    for order in itertools.permutations(range(4)):
        if order == (0, 2, 3, 1) or (fn != "to_channels_last" and order[0] != 0):
            continue
        moved = x.detach().permute(order)
        if fn != "to_channels_last":
            moved = moved.reshape(x.shape[0], -1)
        if irr.exactly(got, moved):
            return order
    return None


def check_place(fn, case, got, x, call):
    """`got` (a Seen) holds every element of `x` where `fn` must put it; else fail, naming the
    mistake where a measurement shows it."""
    want = right(fn, x)
    n, c, h, w = x.shape
    shape, want_shape = tuple(got.shape), tuple(want.shape)
    if shape == want_shape and got.dtype_name == case["dtype"] and irr.exactly(got, want):
        return
    shown = dict(call=call, kata=KATA)
    layout = case.get("layout", "contiguous")
    cl_note = (" That the input is stored channels-last in memory changes nothing: `reshape` and "
               "`view` follow the indices [n, c, h, w], never the memory order.",
               "输入在内存里按 channels-last 存放,这一点什么也不改变:`reshape` 和 `view` 按下标 "
               "[n, c, h, w] 的顺序走,从不按内存顺序。") if layout == "channels_last" else ("", "")
    readable_values = got.complete and got.dtype_name == case["dtype"]
    order = find_order(fn, got, x) if readable_values else None
    if shape != want_shape:
        if order is not None:
            unmoved = order == (0, 1, 2, 3)
            fail(
                ("the result is the input with its axes as they were, shape (N, C, H, W) = "
                 f"{shape}: nothing moved. (`x.contiguous(memory_format=torch.channels_last)` "
                 "changes how the numbers are stored in memory, not the shape nor what "
                 "`x[n, c, h, w]` means.) Move the axis: `images.permute(0, 2, 3, 1)`."
                 if unmoved else
                 f"the axes moved in another order, `permute{order}`: the result's axes are "
                 f"{order_words(order)}, shape {shape}, where channels last is (N, H, W, C) = "
                 f"{want_shape}" + (", the inverse permutation (the one that takes (N, H, W, C) "
                                    "back to (N, C, H, W))" if order == (0, 3, 1, 2) else "")
                 + ". `permute(dims)` puts axis `dims[i]` at position i: `permute(0, 2, 3, 1)`."),
                (f"结果就是坐标轴原封不动的输入,形状为 (N, C, H, W) = {shape}:什么都没有移动。"
                 "(`x.contiguous(memory_format=torch.channels_last)` 改变的是数在内存里的存放方式,"
                 "既不改变形状,也不改变 `x[n, c, h, w]` 的含义。)请移动坐标轴:"
                 "`images.permute(0, 2, 3, 1)`。" if unmoved else
                 f"坐标轴按另一种顺序移动了,`permute{order}`:结果的轴是 {order_words(order)},形状 "
                 f"{shape},而通道在后应是 (N, H, W, C) = {want_shape}"
                 + (",这是逆置换(把 (N, H, W, C) 变回 (N, C, H, W) 的那个)"
                    if order == (0, 3, 1, 2) else "")
                 + "。`permute(dims)` 把第 `dims[i]` 个轴放到第 i 个位置:`permute(0, 2, 3, 1)`。"),
                got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
        squeezed = tuple(s for s in want_shape if s != 1)
        if shape == squeezed and readable_values and irr.exactly(got, want.reshape(squeezed)):
            fail(f"the result has shape {shape}, not {want_shape}: the axes of size 1 were "
                 "dropped (`squeeze()` drops every axis of size 1, so a batch of one image or a "
                 "single channel loses its axis). Keep all four axes; squeeze only where you "
                 "plot, naming the axis (`squeeze(-1)`).",
                 f"结果的形状是 {shape},不是 {want_shape}:大小为 1 的轴被去掉了(`squeeze()` 会去掉"
                 "所有大小为 1 的轴,于是只有一张图像的批量或单通道图像会丢掉这个轴)。请保留全部四个轴;"
                 "只在画图时按指定的轴 squeeze(`squeeze(-1)`)。",
                 got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
        if fn != "to_channels_last" and readable_values and irr.exactly(got, right(
                "to_channels_last", x)):
            fail(f"the result is the images in channels-last order, shape {shape}, not yet rows: "
                 f"flatten each image into one row of H * W * C = {h * w * c} numbers "
                 "(`.reshape(N, -1)`).",
                 f"结果是通道在后的图像,形状 {shape},还不是行:请把每张图像展平成一行 H * W * C = "
                 f"{h * w * c} 个数(`.reshape(N, -1)`)。",
                 got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
        kept = next((k for k in range(1, c) if readable_values and irr.exactly(
            got, right(fn, x[:, :k]))), None)
        if kept is not None:
            fail(f"the result has shape {shape}, not {want_shape}: it holds only the first {kept} "
                 f"of the {c} channels (`images[:, :{kept}]`)" + (", as if every image were RGB"
                                                                 if kept == 3 else "")
                 + ". Every element must be moved, whatever the number of channels: take C from "
                   "`images.shape`.",
                 f"结果的形状是 {shape},不是 {want_shape}:它只有 {c} 个通道中的前 {kept} 个"
                 f"(`images[:, :{kept}]`)" + (",好像每张图像都是 RGB" if kept == 3 else "")
                 + "。不管有多少个通道,每个元素都要移动:请从 `images.shape` 取 C。",
                 got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
        square = [(side, name) for side, name in ((w, "W"), (h, "H"))
                  if h != w and len(shape) == 2 and shape[-1] == side * side * c]
        if fn != "to_channels_last" and square:
            side, name = square[0]
            same_order = readable_values and got.numel == want.numel() and irr.exactly(
                got.tensor.reshape(-1), want.reshape(-1))
            fail(f"the result has shape {shape}, not (N, H * W * C) = {want_shape}: its rows "
                 f"hold {name} * {name} * C = {side} * {side} * {c} = {shape[-1]} numbers, as if "
                 f"the images were square, where these are H = {h} by W = {w}"
                 + (" (the elements are in the right order, cut into rows of the wrong length)"
                    if same_order else "")
                 + ". Take the row length from both sides, or let reshape work it out: "
                   "`.reshape(images.shape[0], -1)`.",
                 f"结果的形状是 {shape},不是 (N, H * W * C) = {want_shape}:每行有 {name} * {name} * C = "
                 f"{side} * {side} * {c} = {shape[-1]} 个数,好像图像是正方形的,而这些图像是 H = {h}、"
                 f"W = {w}" + ("(元素的顺序是对的,只是按错误的长度切成了行)" if same_order else "")
                 + "。行长要用两条边来算,或者让 reshape 自己算:`.reshape(images.shape[0], -1)`。",
                 got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
        what = ("(N, H, W, C)" if fn == "to_channels_last" else "(N, H * W * C)")
        fail(f"the result has shape {shape}, not {what} = {want_shape}.",
             f"结果的形状是 {shape},而不是 {what} = {want_shape}。",
             got=f"shape {shape}", expected=f"shape {want_shape}", **shown)
    if got.dtype_name != case["dtype"]:
        converted = got.complete and irr.exactly(got, want.to(got.dtype))
        promoted = arithmetic_promotion(x, got.dtype_name)
        if promoted is not None:
            fail(f"the result is {got.dtype_name}, the input {case['dtype']}"
                 + (": the elements are in their places, but converted. " if converted else ". ")
                 + f"{got.dtype_name} is the dtype that arithmetic with a Python number gives a "
                   f"{case['dtype']} tensor ({promoted}: type promotion), where moving elements "
                   "never changes their dtype. A copy that keeps the dtype: `.clone()` or "
                   "`.contiguous()`, never arithmetic.",
                 f"结果是 {got.dtype_name},输入是 {case['dtype']}"
                 + (":元素的位置都对,但被转换了类型。" if converted else "。")
                 + f"{got.dtype_name} 正是 {case['dtype']} 张量与 Python 数做算术得到的 dtype({promoted}:"
                   "类型提升),而移动元素从不改变 dtype。要保持 dtype 的副本:用 `.clone()` 或 "
                   "`.contiguous()`,不要用算术。",
                 got=got.dtype_name, expected=case["dtype"], **shown)
        fail(f"the result is {got.dtype_name}, the input {case['dtype']}"
             + (": the elements are in their places, but converted. " if converted else ". ")
             + "Moving elements never changes their dtype; a cast (`.float()`, `.to(...)`) or "
               "a new tensor made without `dtype=images.dtype` (`torch.zeros` and `torch.empty` "
               "make float32) does, and a uint8 image or an int64 or float64 value is no longer "
               "what it was.",
             f"结果是 {got.dtype_name},输入是 {case['dtype']}"
             + (":元素的位置都对,但被转换了类型。" if converted else "。")
             + "移动元素从不改变 dtype;类型转换(`.float()`、`.to(...)`)或者没有指定 "
               "`dtype=images.dtype` 就新建的张量(`torch.zeros`、`torch.empty` 默认是 float32)才会,"
               "于是 uint8 图像、int64 或 float64 的值都不再是原来的样子。",
             got=got.dtype_name, expected=case["dtype"], **shown)
    expect(got.complete, f"the result's values could not be read back ({got.numel} values).",
           f"无法读回结果的数值(共 {got.numel} 个)。", **shown)
    gt = got.tensor
    where_en, where_zh, count = where_wrong(fn, gt, want, x)
    where = dict(got=got, expected=want, **shown)
    if fn == "to_channels_last" and irr.exactly(gt, x.detach().reshape(n, h, w, c)):
        fail(
            "reshaped, not permuted: the numbers are scrambled though the shape is right. "
            "`view`/`reshape` keep the numbers in their order and only cut that sequence into a "
            f"new shape; {where_en}. Moving the channels to the end moves every element: "
            f"`images.permute(0, 2, 3, 1)`.{cl_note[0]}",
            "这是重塑(reshape),不是换轴(permute):形状对了,但数被打乱了。`view`/`reshape` 保持数的"
            f"顺序,只是把这个序列切成新形状;{where_zh}。把通道移到最后要移动每一个元素:"
            f"`images.permute(0, 2, 3, 1)`。{cl_note[1]}", **where)
    if order == (0, 1, 2, 3) and fn != "to_channels_last":
        fail(
            f"flattened in the (C, H, W) order, PyTorch's default: {where_en}. A Linear layer "
            "trained on channels-last rows learned one weight per position of a row in the "
            "(H, W, C) order; fed this row it gets the right number of inputs in the wrong "
            "places, and answers nonsense without any error. Move the channels last, then "
            f"flatten.{cl_note[0]}",
            f"按 (C, H, W) 的顺序展平了,这是 PyTorch 的默认顺序:{where_zh}。在通道在后的行上训练的 "
            "Linear 层,为按 (H, W, C) 顺序排列的每个位置学了一个权重;喂给它这样的行,输入个数没错,"
            f"位置却全错,它给出毫无意义的结果,而且不报错。先把通道移到最后,再展平。{cl_note[1]}",
            **where)
    if order is not None:
        if fn == "to_channels_last":
            en = (f"the axes moved in another order, `permute{order}`: the result's axes are "
                  f"{order_words(order)}, which has the same shape here because sizes coincide; "
                  f"{where_en}. Channels last keeps the batch first and height before width: "
                  "`permute(0, 2, 3, 1)`.")
            zh = (f"坐标轴按另一种顺序移动了,`permute{order}`:结果的轴是 {order_words(order)},因为"
                  f"这里几个大小相同,形状碰巧一样;{where_zh}。通道放最后时,批量维仍在最前,高在宽"
                  "之前:`permute(0, 2, 3, 1)`。")
        else:
            walk = ("each row walks the pixels column by column (w before h)"
                    if order[1:].index(2) > order[1:].index(3) else "")
            zh_walk = "每一行按列遍历像素(先 w 后 h)" if walk else ""
            en = (f"the rows are in the {order_words(order[1:])} order, not (H, W, C): "
                  + (f"{walk}; " if walk else "") + f"{where_en}. Element `images[n, c, h, w]` "
                  "goes to `out[n, (h * W + w) * C + c]`: `permute(0, 2, 3, 1)`, then flatten.")
            zh = (f"行的顺序是 {order_words(order[1:])},不是 (H, W, C):" + (f"{zh_walk};" if walk
                                                                         else "")
                  + f"{where_zh}。元素 `images[n, c, h, w]` 应放到 `out[n, (h * W + w) * C + c]`:"
                  "先 `permute(0, 2, 3, 1)`,再展平。")
        fail(en, zh, **where)
    memory = memory_as_contiguous(x)
    if memory is not None and layout not in ("contiguous", "batch_slice") and irr.exactly(
            gt, right(fn, memory)):
        fail(
            "the elements were read from the input's memory as if it were a contiguous "
            "(N, C, H, W) block (strides C*H*W, H*W, W, 1), but this input is laid out "
            f"otherwise ({LAYOUT_WORDS[layout][0]}, strides {tuple(x.stride())}): {where_en}. "
            "Strides written by hand (`as_strided`, a flat index into the storage) hold only for "
            "one layout; `permute` uses the tensor's own strides.",
            "把输入的内存当成连续的 (N, C, H, W) 块来读(步长 C*H*W, H*W, W, 1),但这个输入的排布"
            f"不是这样({LAYOUT_WORDS[layout][1]},步长 {tuple(x.stride())}):{where_zh}。手写的步长"
            "(`as_strided`、对存储的扁平下标)只对一种排布成立;`permute` 用的是张量自己的步长。",
            **where)
    if x.storage_offset() != 0 and irr.exactly(gt, right(fn, x.detach().as_strided(
            x.shape, x.stride(), 0))):
        fail(
            f"the elements were read from the start of the input's storage, but this input "
            f"starts {x.storage_offset()} elements into it ({LAYOUT_WORDS[layout][0]}, "
            f"`storage_offset()` = {x.storage_offset()}): replayed with the input's own strides "
            f"and offset 0, the result matches. {where_en}. An explicit storage offset "
            "(`as_strided(size, stride, 0)`, a flat index into the storage from 0) ignores where "
            "the tensor begins; `permute` keeps it.",
            f"元素是从输入存储的开头读的,但这个输入从存储的第 {x.storage_offset()} 个元素开始"
            f"({LAYOUT_WORDS[layout][1]},`storage_offset()` = {x.storage_offset()}):用输入自己的步长、"
            f"偏移 0 重放,结果一致。{where_zh}。显式的存储偏移(`as_strided(size, stride, 0)`、从 0 开始"
            "对存储的扁平下标)忽略了张量的起点;`permute` 会保留它。", **where)
    xd = x.detach()
    if xd.dtype.is_floating_point and not bool(xd.isfinite().all()):
        g, wd = gt.double(), want.double()
        spread = int((~g.isfinite() & wd.isfinite()).sum())
        if spread:
            where_en, where_zh, _ = where_wrong(fn, gt, want, x, ~g.isfinite() & wd.isfinite())
            fail(
                f"nan or inf spread: {spread} places that should hold finite numbers hold nan or "
                f"inf ({where_en}). The input holds {int((~xd.isfinite()).sum())} non-finite "
                "values, and each should move to one place only. An element computed from "
                "several inputs (a product with a 0/1 permutation matrix, a weighted sum) "
                "turns nan wherever a nan or inf meets a 0 (`0 * inf` is nan); move the "
                "elements (`permute`, indexing), never compute them.",
                f"nan 或 inf 扩散了:{spread} 个本应是有限数的位置变成了 nan 或 inf({where_zh})。"
                f"输入里有 {int((~xd.isfinite()).sum())} 个非有限值,每个都只应移到一个位置。由多个输入"
                "算出来的元素(与 0/1 置换矩阵相乘、加权求和)只要 nan 或 inf 碰上 0 就成了 nan"
                "(`0 * inf` 是 nan);请移动元素(`permute`、索引),不要计算它们。", **where)
    other = other_shape(fn, gt, x)
    if other is not None:
        fail(f"the numbers are in the order that is right for images of {other[0]} channels of "
             f"{other[1]} pixels, not for these of {c} channels of H * W = {h * w} pixels (shape "
             f"{tuple(x.shape)}): the same C * H * W = {c * h * w}, another C. The order came "
             "from another shape (an index kept from an earlier call under a key that both "
             f"shapes share, such as the row length, or sizes written in by hand): {where_en}. "
             "Take C, H and W from this call's `images.shape`, and key a cache by the whole "
             "(C, H, W).",
             f"这些数的顺序对 {other[0]} 个通道、{other[1]} 个像素的图像是对的,对这些 {c} 个通道、"
             f"H * W = {h * w} 个像素的图像(形状 {tuple(x.shape)})却不对:C * H * W = {c * h * w} "
             "相同,C 不同。这个顺序来自另一个形状(之前某次调用留下、存在两个形状共用的键(比如行长)"
             f"下的下标,或者手写的大小):{where_zh}。请从这次调用的 `images.shape` 取 C、H、W,"
             "缓存要以完整的 (C, H, W) 为键。", **where)
    for through in ("float32", "float64", "float16", "bfloat16"):
        if through != case["dtype"] and irr.exactly(
                gt, want.to(irr.dtype(through)).to(want.dtype)) and not irr.exactly(
                want.to(irr.dtype(through)).to(want.dtype), want):
            fail(
                f"every element is in its place, but its value went through {through} and "
                f"came back rounded: {count} values differ ({where_en}). {case['dtype']} holds "
                f"numbers that {through} cannot; move the elements in their own dtype (no "
                "`.float()`/`.double()`, no NumPy float array on the way).",
                f"每个元素的位置都对,但数值经过了 {through} 再转回来,被舍入了:有 {count} 个值不同"
                f"({where_zh})。{case['dtype']} 能表示的数 {through} 表示不了;请在原来的 dtype 里"
                "移动元素(不要 `.float()`/`.double()`,也不要经过 NumPy 的浮点数组)。", **where)
    rule = (("each `out[n, h, w, c]` is `images[n, c, h, w]`",
             "每个 `out[n, h, w, c]` 都应是 `images[n, c, h, w]`") if fn == "to_channels_last" else
            ("each `images[n, c, h, w]` goes to `out[n, (h * W + w) * C + c]`",
             "每个 `images[n, c, h, w]` 都应放到 `out[n, (h * W + w) * C + c]`"))
    fail(f"{count} of {want.numel()} elements are not what they should be: {where_en}. "
         f"{rule[0][0].upper()}{rule[0][1:]}.",
         f"{want.numel()} 个元素中有 {count} 个不对:{where_zh}。{rule[1]}。", **where)


# --- to_channels_last and flatten_channels_last, one call each -----------------------------------


def case_of(seed, shape, dtype="float32", layout="contiguous", values="random", grad=False):
    return {"seed": seed, "shape": list(shape), "dtype": dtype, "layout": layout,
            "values": values, "grad": grad}


EXAMPLES = [
    # the articles' case: a small numbered float32 batch, H != W
    case_of(0, (2, 3, 2, 4), values="numbered"),
    # a slice of a larger batch, each element numbered
    case_of(1, (2, 3, 4, 5), layout="channel_slice", values="numbered"),
    # a feature map that requires grad, H and W swapped in memory
    case_of(2, (2, 3, 5, 4), layout="hw_swapped", grad=True),
    # stored channels-last in memory (the layout where a reshape "looks" right)
    case_of(3, (2, 3, 4, 5), "float64", "channels_last", "numbered"),
    # uint8 images straight from PIL, cropped
    case_of(4, (2, 3, 4, 5), "uint8", "cropped"),
    # one image, one channel, not contiguous (MNIST-like, transposed)
    case_of(5, (1, 1, 4, 5), layout="hw_swapped"),
    # several single-channel images, every other column
    case_of(6, (3, 1, 3, 2), layout="sliced"),
    # C == H == W: a wrong order of the axes keeps the shape
    case_of(7, (2, 3, 3, 3), "float64", values="numbered"),
    # int64 beyond 2**53, a storage offset
    case_of(8, (2, 2, 3, 4), "int64", "batch_slice"),
    # nan, inf and -0.0 among the values
    case_of(9, (2, 3, 2, 3), "float32", "contiguous", "specials"),
    case_of(10, (1, 2, 3, 2), "float16", "cropped", "specials"),
    # bfloat16 expanded (stride 0), bool masks, float64 that requires grad
    case_of(11, (2, 3, 4, 5), "bfloat16", "expanded"),
    case_of(12, (2, 4, 3, 2), "bool", "channels_last"),
    case_of(13, (2, 2, 3, 4), "float64", "cropped", "specials", grad=True),
]


def image_cases(*, grad):
    """Cases of any dtype and layout; with `grad`, float32 or float64 inputs that require grad."""
    return st.fixed_dictionaries({
        "seed": irr.seeds(),
        "shape": st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5),
                           st.integers(1, 5)).map(list),
        "dtype": st.sampled_from(["float32", "float64"]) if grad else irr.any_dtypes(),
        "layout": st.sampled_from(LAYOUTS),
        "values": st.sampled_from(["random", "specials"]),
        "grad": st.just(grad),
    }).map(lambda case: case if case["dtype"] in irr.FLOATS else {**case, "values": "random"})


# two in three drawn cases of any dtype, one in three a float input that requires grad
CASES = st.one_of(image_cases(grad=False), image_cases(grad=False), image_cases(grad=True))


def one_call(fn, kata, case):
    x, leaf = images_and_leaf(case)
    storage = x.untyped_storage().data_ptr()
    out = getattr(kata, fn)(x)
    graph = None
    if case.get("grad") and isinstance(out, torch.Tensor) and out.requires_grad:
        weights = torch.arange(1, out.numel() + 1, dtype=torch.float64).reshape(out.shape)
        out.backward(weights.to(out.dtype))  # each element of the result its own weight
        graph = leaf.grad
    return {
        "out": out,
        "input": x,  # the caller's tensor after the call: values, shape, version
        "stride": list(x.stride()),
        "offset": x.storage_offset(),
        "same_storage": x.untyped_storage().data_ptr() == storage,
        "grad": graph,
    }


@observe(examples=EXAMPLES, draw=CASES, draws=6)
def channels_last_of(kata, case):
    return one_call("to_channels_last", kata, case)


@observe(examples=EXAMPLES, draw=CASES, draws=6)
def rows_of(kata, case):
    return one_call("flatten_channels_last", kata, case)


def readable_seen(seen, call):
    expect(isinstance(seen, dict) and all(k in seen for k in ("out", "input", "stride",
                                                              "offset", "same_storage", "grad")),
           "the observation of this call could not be read.", "无法读取这次调用的观察结果。",
           call=call, got=safe_show(seen), kata=KATA)
    return seen


def judge_places(fn, case, seen):
    call = called(fn, case)
    seen = readable_seen(seen, call)
    got = readable(seen["out"], "the result", call)
    check_place(fn, case, got, images(case), call)


def judge_unchanged(fn, case, seen):
    call = called(fn, case)
    seen = readable_seen(seen, call)
    x = images(case)
    after = seen["input"]
    expect(isinstance(after, Seen) and after.complete and after.error is None
           and tensor_of(after) is not None,
           "the caller's images could not be read back after the call.",
           "调用之后无法读回调用方的图像。", call=call,
           got=repr(after) if isinstance(after, Seen) else safe_show(after), kata=KATA)
    shown = dict(call=call, kata=KATA)
    before_shape, before_stride = tuple(x.shape), list(x.stride())
    if after.shape != before_shape or after.dtype_name != case["dtype"]:
        fail(f"the caller's images changed: after the call they are {after.dtype_name} of shape "
             f"{after.shape}, before {case['dtype']} of shape {before_shape}. An in-place method "
             "(a name ending in `_`: `transpose_`, `t_`, `squeeze_`, `resize_`) or an "
             "assignment to `images.data` changes the caller's own tensor; `permute` returns a "
             "new one.",
             f"调用方的图像被改了:调用之后是形状为 {after.shape} 的 {after.dtype_name},调用之前是"
             f"形状为 {before_shape} 的 {case['dtype']}。原地方法(名字以 `_` 结尾:`transpose_`、"
             "`t_`、`squeeze_`、`resize_`)或者给 `images.data` 赋值,会改动调用方自己的张量;"
             "`permute` 返回的是一个新张量。",
             got=f"{after.dtype_name}, shape {after.shape}",
             expected=f"{case['dtype']}, shape {before_shape}", **shown)
    expect(seen["same_storage"] is True,
           "the caller's images got new memory: their values look the same, but they no longer "
           "share memory with the views the caller holds of them (an update through one of them "
           "no longer reaches `images`), and their strides may differ (`images.view(...)` may "
           "now refuse). That is what `images.data = ...` (or `images.set_(...)`) does: it swaps "
           "the storage under the caller's tensor. Leave the input alone; `reshape` copies into "
           "a new tensor of its own where `view` cannot.",
           "调用方的图像换了新的内存:数值看起来一样,但它们不再与调用方持有的视图共享内存(通过视图"
           "做的修改到达不了 `images`),步长也可能不同(`images.view(...)` 可能从此报错)。这正是 "
           "`images.data = ...`(或 `images.set_(...)`)做的事:把调用方张量底下的存储换掉了。"
           "请不要动输入;`view` 做不到的时候,`reshape` 会复制到它自己的新张量里。",
           got="new memory (`untyped_storage().data_ptr()` changed)", expected="the same memory",
           **shown)
    stride, offset = seen["stride"], seen["offset"]
    expect(stride == before_stride and offset == x.storage_offset(),
           f"the caller's images have other strides now ({safe_show(stride)}, offset "
           f"{safe_show(offset)}; before {before_stride}, offset {x.storage_offset()}): the same "
           "numbers seen "
           "through another layout. Something changed the tensor's metadata in place "
           "(`as_strided_`, `set_`); leave the input alone.",
           f"调用方的图像现在的步长不同了({safe_show(stride)},偏移 {safe_show(offset)};之前是 "
           f"{before_stride},偏移 {x.storage_offset()}):同样的数按另一种排布来看。有操作原地改了"
           "张量的元数据(`as_strided_`、`set_`);请不要动输入。",
           got=f"strides {safe_show(stride)}", expected=f"strides {before_stride}", **shown)
    same_values = irr.exactly(after, x)
    expect(same_values and after.version == x._version,
           ("the caller's images were written in place: their values changed"
            if not same_values else
            "the caller's images were written in place (their version counter went from "
            f"{x._version} to {after.version}), even though the values came back the same")
           + ". Both functions only rearrange, and must leave the caller's images as they "
             "were: no in-place operation on them (autograd refuses a backward through a "
             "tensor changed in place after it was used).",
           ("调用方的图像被原地写入了:数值变了" if not same_values else
            f"调用方的图像被原地写入了(版本计数从 {x._version} 变成了 {after.version}),虽然数值又"
            "回到了原样")
           + "。这两个函数只是重新排列,必须让调用方的图像保持原样:不要对它做原地操作(张量用过之后"
             "再被原地修改,autograd 会拒绝反向传播)。",
           got=after if not same_values else f"version {after.version}",
           expected=x.detach() if not same_values else f"version {x._version}", **shown)
    expect(after.requires_grad == bool(case.get("grad")),
           f"the caller's images {'no longer' if case.get('grad') else 'now'} require grad: "
           "the function changed the caller's flag (`requires_grad_`); leave the input alone.",
           f"调用方的图像{'不再' if case.get('grad') else '变得'}需要梯度:函数改了调用方的标志"
           "(`requires_grad_`);请不要动输入。", **shown)


PLACES_CLAIM = {'to_channels_last': 'test_to_channels_last_moves_every_element_and_leaves_the_input_alone', 'flatten_channels_last': 'test_flatten_channels_last_puts_the_channels_innermost_and_leaves_the_input_alone'}


def judge_gradient(fn, case, seen):
    """With an input that requires grad, backward through the result reaches every element."""
    if not case.get("grad"):
        return  # nothing to say: the input requires no grad
    call = called(fn, case)
    seen = readable_seen(seen, call)
    out = seen["out"]
    what = ("whether the gradient comes back to each element's own place",
            "梯度是否回到每个元素自己的位置")
    see = PLACES_CLAIM[fn]
    if not isinstance(out, Seen) or out.error is not None:
        undecided((f"{fn} returned {safe_show(out)}, not a tensor",
                   f"{fn} 返回了 {safe_show(out)},而不是张量"), what, see=see, call=call,
                  kata=KATA)
    shown = dict(call=call, kata=KATA)
    expect(out.requires_grad,
           "the input requires grad, the result does not: it was cut from the graph, so a loss "
           "computed from it never reaches the input (nor the layers that made it). Moving "
           "elements keeps the graph (`permute`, `reshape`, indexing, `torch.stack` all do); "
           "`.detach()`, `.numpy()`, `torch.tensor(...)`, `torch.no_grad()` and `.data` cut it.",
           "输入需要梯度,结果却不需要:它被从计算图上切断了,由它算出的损失永远到达不了输入(以及产生"
           "输入的那些层)。移动元素会保留计算图(`permute`、`reshape`、索引、`torch.stack` 都会);"
           "`.detach()`、`.numpy()`、`torch.tensor(...)`、`torch.no_grad()` 和 `.data` 会切断它。",
           got=f"requires_grad={out.requires_grad}", expected="requires_grad=True", **shown)
    grad = seen["grad"]
    if grad is None:
        fail(("the result requires grad, but it is a leaf of its own, and" if out.is_leaf else
              f"the result requires grad (grad_fn={out.grad_fn}), but")
             + " no gradient reached the input: `backward()` through the result leaves "
               "`images.grad` None. Setting `requires_grad_()` on a copy makes a new leaf that "
               "is not connected to the input; keep the result computed from `images`.",
             ("结果需要梯度,但它是一个独立的叶子张量," if out.is_leaf else
              f"结果需要梯度(grad_fn={out.grad_fn}),但")
             + "梯度没有到达输入:对结果做 `backward()` 之后 `images.grad` 仍是 None。对副本调用 "
               "`requires_grad_()` 只会造出一个与输入无关的新叶子;结果要由 `images` 计算出来。",
             got="images.grad is None", expected="a gradient for every element", **shown)
    x = images(case)
    want_out = right(fn, x)
    if not irr.exactly(out, want_out):
        undecided((f"{fn} put elements out of place (the result is not the rearranged images)",
                   f"{fn} 把元素放错了位置(结果不是重新排列后的图像)"), what, see=see,
                  call=call, kata=KATA)
    n, c, h, w = x.shape
    weights = torch.arange(1, want_out.numel() + 1, dtype=torch.float64).reshape(n, h, w, c)
    want = weights.permute(0, 3, 1, 2)
    if case.get("layout") == "expanded":  # the leaf before the expand: the sum over its copies
        want = want.sum(dim=3, keepdim=True)
    want = want.to(x.dtype)
    if not (isinstance(grad, Seen) and tensor_of(grad) is not None):
        grad = repr(grad) if isinstance(grad, Seen) else safe_show(grad)  # shown as it came
    expect(isinstance(grad, Seen) and grad.complete and irr.exactly(grad, want),
           "the gradient did not come back to each element's own place: `backward()` with a "
           "different weight for each element of the result should give `images.grad[n, c, h, "
           "w]` the weight of the place that element moved to (an expanded batch: the tensor "
           "it was expanded from gets the sum over its copies).",
           "梯度没有回到每个元素自己的位置:对结果的每个元素用不同的权重做 `backward()`,"
           "`images.grad[n, c, h, w]` 应当得到这个元素所移到的位置上的权重(expand 得到的批量:"
           "被 expand 的那个张量得到它各个副本的权重之和)。",
           got=grad, expected=want, **shown)


@claim(channels_last_of)
def test_to_channels_last_moves_every_element_and_leaves_the_input_alone(case, seen):
    judge_unchanged("to_channels_last", case, seen)
    judge_places("to_channels_last", case, seen)


@claim(channels_last_of)
def test_to_channels_last_passes_the_gradient_back(case, seen):
    judge_gradient("to_channels_last", case, seen)


@claim(rows_of)
def test_flatten_channels_last_puts_the_channels_innermost_and_leaves_the_input_alone(case, seen):
    judge_unchanged("flatten_channels_last", case, seen)
    judge_places("flatten_channels_last", case, seen)


@claim(rows_of)
def test_flatten_channels_last_passes_the_gradient_back(case, seen):
    judge_gradient("flatten_channels_last", case, seen)


# --- a Linear layer trained on channels-last rows ------------------------------------------------


def layer_images(seed):
    n, c, h, w = 4, 3, 5, 5
    gen = torch.Generator().manual_seed(seed)
    return (torch.arange(1, c + 1).float().view(1, c, 1, 1) * 10
            + torch.randn(n, c, h, w, generator=gen))


@observe(examples=[{"seed": 0}, {"seed": 1}])
def rows_for_the_layer(kata, case):
    return kata.flatten_channels_last(layer_images(case.seed))


@claim(rows_for_the_layer)
def test_flatten_channels_last_feeds_a_linear_layer_trained_on_that_order(case, seen):
    """A Linear layer 'trained' on channels-last rows: its weights average each channel over the
    pixels. Fed the right rows it returns each image's channel means (about 10, 20, 30)."""
    images_ = layer_images(case.seed)
    n, c, h, w = images_.shape
    call = t("layer(flatten_channels_last(images (4, 3, 5, 5))), the layer trained on "
             "channels-last rows (it gives each channel's mean)",
             "layer(flatten_channels_last(images (4, 3, 5, 5))),这个层是在通道在后的行上训练的"
             "(它给出每个通道的均值)")
    rows = readable(seen, "the result", call)
    expect(rows.shape == (n, h * w * c) and rows.complete and rows.dtype_name == "float32",
           "flatten_channels_last must return float32 rows of shape (N, H * W * C) = "
           f"{(n, h * w * c)}.",
           f"flatten_channels_last 应当返回形状为 (N, H * W * C) = {(n, h * w * c)} 的 float32 行。",
           call=call, got=f"{rows.dtype_name}, shape {rows.shape}",
           expected=f"float32, shape {(n, h * w * c)}", kata=KATA)
    layer = nn.Linear(h * w * c, c, bias=False)
    with torch.no_grad():
        channel_of_input = torch.arange(h * w * c) % c  # channels innermost
        layer.weight.copy_((channel_of_input[None, :] == torch.arange(c)[:, None]).float()
                           / (h * w))
        got = layer(rows.tensor)
    want = images_.mean(dim=(2, 3))
    if torch.allclose(got, want, atol=1e-4):
        return
    first_order = irr.exactly(rows, images_.reshape(n, -1))
    same_numbers = torch.equal(rows.tensor.sort(dim=1).values,
                               images_.permute(0, 2, 3, 1).reshape(n, -1).sort(dim=1).values)
    fail(
        "the layer's outputs are wrong: it was trained on rows with the channels innermost and "
        "returns each channel's mean, about [10, 20, 30] for these images; "
        + ("these rows are in the (C, H, W) order (`torch.flatten(images, 1)`), so it mixes the "
           "channels. " if first_order else
           "the rows hold each image's numbers, in another order, so it mixes the channels. "
           if same_numbers else "the rows do not hold each image's own numbers. ")
        + "The right number of inputs in the wrong places raises no error: only the order of "
          "the flattening tells them apart.",
        "这个层的输出不对:它是在通道在最内层的行上训练的,返回每个通道的均值,对这些图像约为 "
        "[10, 20, 30];"
        + ("这些行是按 (C, H, W) 顺序展平的(`torch.flatten(images, 1)`),于是它把通道混在了一起。"
           if first_order else
           "这些行里是每张图像自己的数,但顺序不同,于是它把通道混在了一起。" if same_numbers else
           "这些行里不是每张图像自己的数。")
        + "输入个数对、位置错,不会报任何错:只有展平的顺序能区分它们。",
        call=call, got=got[0], expected=want[0], kata=KATA,
    )


# --- called again: another shape of the same row length, then new values ------------------------

AGAIN_EXAMPLES = [
    {"seed": 0, "first": [1, 2, 3, 5], "second": [2, 5, 3, 2], "dtype": "float32"},
    {"seed": 1, "first": [2, 3, 4, 2], "second": [1, 2, 4, 3], "dtype": "int64"},
]


def again_case(case, which):
    """The three inputs: the first shape, another shape with the same C * H * W, the first shape
    again with other values."""
    shape = case["second"] if which == 1 else case["first"]
    return case_of(int(case["seed"]) * 3 + which, shape, case["dtype"])


AGAIN_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "first": st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4),
                       st.integers(1, 4)),
    "order": st.permutations([1, 2, 3]),
    "n": st.integers(1, 3),
    "dtype": irr.any_dtypes(),
}).map(lambda d: {"seed": d["seed"], "first": list(d["first"]),
                  "second": [d["n"]] + [d["first"][i] for i in d["order"]], "dtype": d["dtype"]})


def three_calls(fn, case):
    first = fn(images(again_case(case, 0)))
    then = first.detach().clone() if isinstance(first, torch.Tensor) else first
    second = fn(images(again_case(case, 1)))
    third = fn(images(again_case(case, 2)))
    return {"first_then": then, "first_now": first, "second": second, "third": third}


@observe(examples=AGAIN_EXAMPLES, draw=AGAIN_CASES)
def channels_last_again(kata, case):
    return three_calls(kata.to_channels_last, case)


@observe(examples=AGAIN_EXAMPLES, draw=AGAIN_CASES)
def rows_again(kata, case):
    return three_calls(kata.flatten_channels_last, case)


def judge_again(fn, case, seen):
    cases = [again_case(case, i) for i in range(3)]
    xs = [images(c) for c in cases]
    shapes = [tuple(x.shape) for x in xs]
    record = seen
    call = t(f"{fn} called three times: on {describe(cases[0])[0]}, then on one of shape "
             f"{shapes[1]} (the same C * H * W), then on the first shape with new values",
             f"{fn} 调用了三次:先是{describe(cases[0])[1]},然后是形状为 {shapes[1]} 的批量"
             "(C * H * W 相同),最后是第一种形状的新数值")
    expect(isinstance(record, dict) and all(k in record for k in ("first_then", "first_now",
                                                                  "second", "third")),
           "the observation of these calls could not be read.", "无法读取这几次调用的观察结果。",
           call=call, got=safe_show(record), kata=KATA)
    first = readable(record["first_then"], "the first call's result", call)
    check_place(fn, cases[0], first, xs[0], called(fn, cases[0])
                + t("  (the first call)", "  (第一次调用)"))
    second = readable(record["second"], "the second call's result", call)
    if not irr.exactly(second, right(fn, xs[1])):
        n2 = shapes[1][0]
        as_first = xs[1].detach().reshape(n2, *shapes[0][1:])
        if irr.exactly(second, right(fn, as_first).reshape(right(fn, xs[1]).shape)):
            fail(f"the second call, on images of shape {shapes[1]}, returned their numbers in the "
                 f"order that is right for the first call's shape {shapes[0]}: something computed "
                 "for the first call was used again (an index or a permutation cached under a "
                 "key that both shapes share, such as the row length C * H * W = "
                 f"{xs[1][0].numel()}). Key a cache by the whole (C, H, W), or compute it on "
                 "every call.",
                 f"第二次调用的输入形状是 {shapes[1]},返回的却是按第一次调用的形状 {shapes[0]} "
                 "排列的顺序:为第一次调用算出的东西被再次使用了(下标或置换被缓存在两个形状共用的键下,"
                 f"比如行长 C * H * W = {xs[1][0].numel()})。缓存要以完整的 (C, H, W) 为键,或者每次"
                 "调用都重新计算。",
                 call=call, got=second, expected=right(fn, xs[1]), kata=KATA)
        check_place(fn, cases[1], second, xs[1], called(fn, cases[1])
                + t("  (the second call)", "  (第二次调用)"))
    third = readable(record["third"], "the third call's result", call)
    if not irr.exactly(third, right(fn, xs[2])) and irr.exactly(third, right(fn, xs[0])):
        fail(f"the third call, on new images of the first shape {shapes[0]}, returned the first "
             "call's result again: a result cached by shape answers every later input of that "
             "shape with the first one's numbers. Compute the result from the images you are "
             "given.",
             f"第三次调用的输入是第一种形状 {shapes[0]} 的新图像,返回的却又是第一次调用的结果:按形状"
             "缓存的结果,会用第一次的数回答之后所有同形状的输入。请用传入的图像计算结果。",
             call=call, got=third, expected=right(fn, xs[2]), kata=KATA)
    check_place(fn, cases[2], third, xs[2], called(fn, cases[2])
                + t("  (the third call)", "  (第三次调用)"))
    now = record["first_now"]
    if not (isinstance(now, Seen) and irr.exactly(now, first)):
        now = readable(now, "the first call's result, looked at again", call)
        later = isinstance(now, Seen) and irr.exactly(now, right(fn, xs[2]))
        fail("the first call's result changed when the function was called again"
             + (": it now holds the third call's numbers. The result is a buffer kept between "
                "calls (a module-level tensor filled in place) and handed out again; the caller "
                "who kept the first result sees it overwritten. Return a new tensor (or a view "
                "of the input) on every call."
                if later else ". A result must stay as it was when later calls are made."),
             "第一次调用的结果在函数再次被调用后变了"
             + (":它现在装的是第三次调用的数。结果是一个在调用之间保留的缓冲区(模块级的张量,原地填充)"
                ",又被交了出去;保留着第一次结果的调用方会看到它被覆盖。请每次调用都返回新的张量(或输入的"
                "视图)。" if later else "。之后的调用不能改变之前返回的结果。"),
             call=call, got=now, expected=first, kata=KATA)


@claim(channels_last_again)
def test_to_channels_last_called_again_answers_each_input_alone(case, seen):
    judge_again("to_channels_last", case, seen)


@claim(rows_again)
def test_flatten_channels_last_called_again_answers_each_input_alone(case, seen):
    judge_again("flatten_channels_last", case, seen)
