"""normalize_with_train_stats: per-channel figures over every pixel of every image, a normaliser
fitted once on the training images, three splits normalised without leaks.

Each test is a claim (dojo/spec.py): an observer builds the images a case describes (channels of
different levels and spreads, a brightness of its own for each image, patterns along the rows and
the columns;
float32, float64, float16 and bfloat16; cropped, transposed, channels-last and expanded layouts;
far from zero, tiny and huge spreads), calls the kata and returns what came back as plain data.
The judge rebuilds the same images, computes the exact figures itself in float64 and decides from
the data alone. Where a result is wrong it measures what the result is instead (the figures a
normalised batch implies, the factor a mean is off by, the axis a broadcast met, whether the std
moves when every value is shifted) and names a mistake only where that measurement fits one.
Tolerances: the stub's docstring (ACCURACY below)."""

import functools
import math
from typing import NamedTuple

import torch
from hypothesis import strategies as st

from dojo import diagnose, mnist_data
from dojo.spec import Seen, claim, observe
from dojo.testing import expect, fail, show, undecided

KATA = "normalize_with_train_stats"

# --- what a correct computation gives ---------------------------------------------------------

# (r, c) per dtype, as the stub states them: the mean and the std each within r * std + c * |mean|,
# a normalised value z within r * (1 + |z|) + c * |mean| / std. float32's 1e-3: a float32 sum over
# the 3.9 million pixels of the MNIST subset may be off by a few 1e-4.
ACCURACY = {"float64": (1e-9, 1e-12), "float32": (1e-3, 1e-6), "float16": (5e-3, 2e-3),
            "bfloat16": (4e-2, 1.6e-2)}
FLOATS = tuple(ACCURACY)
# the dtypes a result may come in, for inputs of each dtype: the same or a wider one
WIDER = {"float64": ("float64",), "float32": ("float32", "float64"),
         "float16": ("float16", "float32", "float64"), "bfloat16": ("bfloat16", "float32", "float64")}
FLOAT16_MAX = 65504.0


def accuracy(*dtypes) -> tuple[float, float]:
    """The (r, c) of the least precise of these dtypes."""
    pairs = [ACCURACY.get(d, ACCURACY["float32"]) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


# --- the images a case describes --------------------------------------------------------------

# Each image description: {"shape": [N, C, H, W], "dtype", "layout", "offset", "spread"}. Its values
# come from the case's seed and the image's role, so that the grader's re-seeded examples are new
# images (a fixed input could be answered from a table).
SALT = {"images": 1, "train": 2, "batch": 3, "val": 4, "test": 5, "other": 6, "first_train": 7,
        "first_val": 8, "first_test": 9, "weights": 10, "sample": 11}

LAYOUT_WORDS = {
    "contiguous": ("", ""),
    "transposed": ("H/W-transposed (non-contiguous) ", "H、W 转置过的(非连续)"),
    "cropped": ("centre-cropped (non-contiguous) ", "中心裁剪过的(非连续)"),
    "channels_last": ("channels-last ", "channels-last 的"),
    "expanded": ("expanded (one image repeated, stride 0) ", "expand 出来的(同一张图像重复,步长为 0)"),
}


def image(shape, dtype="float32", layout="contiguous", offset=0.0, spread=1.0) -> dict:
    return {"shape": list(shape), "dtype": dtype, "layout": layout, "offset": offset,
            "spread": spread}


def generator(case, role: str) -> torch.Generator:
    seed = int(case.get("seed", 0)) if isinstance(case.get("seed", 0), int) else 0
    return torch.Generator().manual_seed((seed * 1_000_003 + SALT[role]) % 2**62)


def images(case, role: str, desc: dict, *, requires_grad: bool = False) -> torch.Tensor:
    """The images of `desc`: per channel a level (`offset` plus a few `spread`s) and a spread of
    its own; per image a brightness, per row and per column a pattern, and noise; drawn in
    float64, then cast to the dtype and laid out as `layout` says. The same case gives the same
    images everywhere."""
    n, c, h, w = (int(s) for s in desc["shape"])
    gen = generator(case, role)
    spread, offset = float(desc.get("spread", 1.0)), float(desc.get("offset", 0.0))
    f64 = dict(generator=gen, dtype=torch.float64)
    level = offset + 2 * spread * torch.randn(c, **f64)
    sd = spread * (0.4 + torch.rand(c, **f64))
    bright = 0.6 * torch.randn(n, **f64)
    column = 0.6 * torch.randn(w, **f64)
    row = 0.4 * torch.randn(h, **f64)
    noise = torch.randn(n, c, h, w, **f64)
    x = level.view(1, c, 1, 1) + sd.view(1, c, 1, 1) * (
        noise + bright.view(n, 1, 1, 1) + row.view(1, 1, h, 1) + column.view(1, 1, 1, w))
    x = laid_out(x.to(getattr(torch, desc.get("dtype", "float32"))), desc.get("layout"),
                 junk=offset + 50 * spread)
    return x.detach().requires_grad_() if requires_grad else x


def laid_out(x: torch.Tensor, layout, *, junk: float) -> torch.Tensor:
    if layout == "transposed":
        return x.transpose(2, 3).contiguous().transpose(2, 3)
    if layout == "cropped":  # the centre of a larger batch: H and W do not merge in memory
        n, c, h, w = x.shape
        big = torch.full((n, c, h + 2, w + 2), junk, dtype=x.dtype)
        big[:, :, 1:-1, 1:-1] = x
        return big[:, :, 1:-1, 1:-1]
    if layout == "channels_last":
        return x.contiguous(memory_format=torch.channels_last)
    if layout == "expanded":  # the first image, repeated: stride 0 along the batch
        return x[:1].expand(x.shape)
    return x


def words(desc: dict, *, requires_grad: bool = False) -> tuple[str, str]:
    """An image description in words, English and 中文."""
    shape = tuple(int(s) for s in desc["shape"])
    dtype = desc.get("dtype", "float32")
    en_layout, zh_layout = LAYOUT_WORDS.get(desc.get("layout", "contiguous"), ("", ""))
    offset, spread = float(desc.get("offset", 0.0)), float(desc.get("spread", 1.0))
    en = f"a {dtype} {en_layout}batch of shape {shape}"
    zh = f"形状为 {shape} 的 {dtype} {zh_layout}批量"
    if offset or spread != 1.0:
        en += f" (values around {offset:g}, spread {spread:g})"
        zh += f"(数值在 {offset:g} 附近,离散程度 {spread:g})"
    if requires_grad:
        en += " that requires grad"
        zh = "需要梯度的" + zh
    return en, zh


# Families of (offset, spread) and the dtypes they are in scope for (the stub's docstring).
ORDINARY = [(0.0, 1.0), (0.5, 0.25), (2.0, 1.0)]
FAMILIES = ([(o, s, FLOATS) for o, s in ORDINARY] + [
    (1000.0, 1.0, ("float32", "float64")),  # far from zero: a one-pass variance loses it
    (0.0, 1e-12, ("float32", "float64")),  # tiny: an eps is no longer negligible
    (3e12, 1e12, ("float32", "float64")),  # huge
    (1e4, 1e-2, ("float64",)),  # a million spreads from zero: float32 anywhere loses it
])
LAYOUTS = tuple(LAYOUT_WORDS)


@st.composite
def image_descs(draw, *, shape=None, family=None, dtype=None, layouts=LAYOUTS):
    offset, spread, dtypes = family if family is not None else draw(st.sampled_from(FAMILIES))
    if shape is None:
        shape = [draw(st.integers(1, 8)), draw(st.integers(1, 4)), draw(st.integers(1, 4)),
                 draw(st.integers(2, 5))]  # W >= 2: at least two values per channel
    return image(shape, dtype or draw(st.sampled_from(dtypes)), draw(st.sampled_from(layouts)),
                 offset, spread)


# --- the exact figures, computed here ---------------------------------------------------------


class Figures(NamedTuple):
    mean: torch.Tensor  # (C,) float64
    pop: torch.Tensor  # the std without Bessel's correction
    sample: torch.Tensor  # and with it
    n: int  # values per channel


def exact(x: torch.Tensor) -> Figures:
    x = x.detach().double()
    n = x.numel() // x.shape[1]
    var, mean = torch.var_mean(x, dim=(0, 2, 3), correction=0)
    return Figures(mean, var.sqrt(), (var * n / max(n - 1, 1)).sqrt(), n)


def finite(t) -> bool:
    return isinstance(t, torch.Tensor) and bool(torch.isfinite(t).all())


def means_agree(got, want: Figures, r, c, *, slack=1.0) -> bool:
    return finite(got) and got.shape == want.mean.shape and bool(
        ((got - want.mean).abs() <= slack * (r * want.sample + c * want.mean.abs())).all())


def stds_agree(got, want: Figures, r, c, *, slack=1.0) -> bool:
    if not finite(got) or got.shape != want.pop.shape:
        return False
    far = c * want.mean.abs()  # far from zero, the mean's rounding reaches the std too
    return bool((((got - want.pop).abs() <= slack * (r * want.pop + far))
                 | ((got - want.sample).abs() <= slack * (r * want.sample + far))).all())


def near(got, want, rel: float) -> bool:
    """Every value of `got` within `rel` of `want`'s (relative to the largest of `want`)."""
    return finite(got) and finite(want) and got.shape == want.shape and bool(
        ((got - want).abs() <= rel * (want.abs() + 1e-300)).all())


def normalised(x: torch.Tensor, f: Figures, which: str = "sample") -> torch.Tensor:
    s = f.sample if which == "sample" else f.pop
    return (x - f.mean.view(1, -1, 1, 1)) / s.view(1, -1, 1, 1)


def normalised_agree(got, x: torch.Tensor, f: Figures, r, c) -> bool:
    """`got` is `x` normalised with `f` (either std) within the stub's tolerance."""
    if not finite(got) or got.shape != x.shape:
        return False
    slack = c * (f.mean.abs() / f.sample).view(1, -1, 1, 1)
    for which in ("sample", "pop"):
        z = normalised(x, f, which)
        if bool(((got - z).abs() <= r * (1 + z.abs()) + slack).all()):
            return True
    return False


def readable(value) -> torch.Tensor | None:
    """A crossed tensor's values in float64, or None when it is no readable floating tensor."""
    if isinstance(value, Seen) and value.error is None and value.complete \
            and value.dtype_name in FLOATS:
        return value.tensor.double()
    return None


def safe(value):
    """Anything the observer sent, in a form a failure message can show: a readable tensor as
    itself, anything else in words (a hostile job can send any data that decodes)."""
    if isinstance(value, Seen):
        found = readable(value)
        return found if found is not None else \
            f"a {value.dtype_name} tensor of shape {tuple(value.shape)}"
    try:
        return show(value)
    except Exception:  # noqa: BLE001 - data nobody here trusts: say what it is
        return f"a {type(value).__name__}"


def field(seen, key, default=None):
    return seen.get(key, default) if isinstance(seen, dict) else default


def shape_of(value):
    if isinstance(value, Seen):
        return value.shape
    if isinstance(value, dict) and isinstance(value.get("shape"), list) and all(
            type(s) is int for s in value["shape"]):
        return tuple(value["shape"])
    return None


def dtype_of(value):
    if isinstance(value, Seen):
        return value.dtype_name
    return value.get("dtype") if isinstance(value, dict) else None


def numbers(t: torch.Tensor, digits: int = 4) -> str:
    return show(t.tolist() if t.dim() else t.item(), digits)


# --- what an observer returns ------------------------------------------------------------------


def small(value, limit: int = 4096):
    """A tensor as it is when it is small enough to cross; a larger one as its dtype and shape."""
    if isinstance(value, torch.Tensor) and value.numel() > limit:
        return {"dtype": str(value.dtype).replace("torch.", ""), "shape": list(value.shape)}
    return value


def returned(result, limit: int = 4096) -> dict:
    """What a kata function returned: its type, and its items when it is a tuple or list."""
    if isinstance(result, (tuple, list)):
        return {"type": type(result).__name__, "len": len(result),
                "items": [small(v, limit) for v in list(result)[:4]]}
    return {"type": type(result).__name__, "len": None, "value": small(result, limit)}


def attempt(fn, *args, limit: int = 4096, whole: bool = False):
    """Call a kata function: what it returned (`returned`, or `small` with `whole=False`), or the
    broadcasting error it raised (figures lined up with the wrong axis) as data, for the judge
    to say which axis they met. Anything else propagates."""
    try:
        result = fn(*args)
    except RuntimeError as err:
        if diagnose.broadcast_mismatch(str(err)) is None:
            raise
        return {"raised": type(err).__name__, "message": str(err)[:500]}
    return returned(result, limit) if whole else small(result, limit)


def unchanged(t: torch.Tensor, before: torch.Tensor) -> bool:
    return t.shape == before.shape and t.dtype == before.dtype and torch.equal(t.detach(), before)


# --- broadcasting along the wrong axis ---------------------------------------------------------

AXES = {3: ("the last axis, the width", "最后一个轴(宽)"),
        2: ("axis 2, the height", "第 2 个轴(高)"),
        0: ("axis 0, the batch", "第 0 个轴(批量)")}
SHAPES = {3: ("a tensor of shape (C,) broadcast against (M, C, H, W) pairs its values with the W "
              "axis", "形状为 (C,) 的张量与 (M, C, H, W) 广播时,是和 W 轴配对的"),
          2: ("a tensor of shape (1, C, 1) or (C, 1) broadcast against (M, C, H, W) pairs its "
              "values with the H axis", "形状为 (1, C, 1) 或 (C, 1) 的张量与 (M, C, H, W) 广播时,是和 H 轴配对的"),
          0: ("its values met the batch axis", "它的值和批量轴配对了")}


def lined_up(dim: int, how: str = "") -> tuple[str, str]:
    en_axis, zh_axis = AXES.get(dim, (f"axis {dim}", f"第 {dim} 个轴"))
    en_shape, zh_shape = SHAPES.get(dim, ("", ""))
    return (
        f"the statistics were lined up with {en_axis}, not with the channels{how}: "
        f"{en_shape}. Shape them (1, C, 1, 1) first, e.g. `mean.view(1, -1, 1, 1)` or "
        f"`mean[:, None, None]`.",
        f"统计量对齐到了{zh_axis},而不是通道{how and '(' + how.strip(' ,()') + ')'}:"
        f"{zh_shape}。请先把它们变形成 (1, C, 1, 1),例如 `mean.view(1, -1, 1, 1)` 或 "
        f"`mean[:, None, None]`。",
    )


def check_raised(value, call: str) -> None:
    """Fail, naming the axis, when the observer saw the broadcasting error."""
    if not (isinstance(value, dict) and "raised" in value):
        return
    message = value.get("message") if isinstance(value.get("message"), str) else ""
    found = diagnose.broadcast_mismatch(message)
    if found is None:
        fail(f"the call raised {value.get('raised')}: {message}",
             f"调用抛出了 {value.get('raised')}:{message}", call=call, kata=KATA)
    a, b, dim = found
    if dim == 1:
        en, zh = (
            f"the figures met the batch on the channel axis with another count ({a} against {b}): "
            f"they are not one value per channel of the training images given. Either they are "
            f"the figures of other images, kept from an earlier call (a cache, a global set once), "
            f"or they were reduced over the wrong axes.",
            f"统计量在通道轴上和批量的个数对不上({a} 对 {b}):它们不是传入的训练图像每个通道一个值。要么是"
            f"别的图像的统计量,从之前的调用里保留了下来(缓存、只设置一次的全局变量),要么是在错误的轴上归约"
            f"得到的。",
        )
    else:
        en, zh = lined_up(dim)
    fail(f"{en} (PyTorch: \"{message}\")", f"{zh}(PyTorch:\"{message}\")", call=call, kata=KATA)


# ================================================================================================
# channel_stats
# ================================================================================================

STATS_EXAMPLES = [
    # three channels of different levels and spreads, a brightness per image
    {"seed": 0, "images": image([200, 3, 4, 5])},
    # one channel: the figures keep the shape (C,) = (1,)
    {"seed": 1, "images": image([6, 1, 7, 7])},
    # as many channels as rows and columns, H and W transposed (non-contiguous)
    {"seed": 2, "images": image([4, 3, 3, 3], layout="transposed")},
    # float64, a centre crop (H and W do not merge in memory: `view` refuses it)
    {"seed": 3, "images": image([5, 2, 4, 6], "float64", "cropped")},
    # channels-last images that require grad (`.numpy()` refuses them)
    {"seed": 4, "images": image([3, 3, 4, 4], layout="channels_last"), "requires_grad": True},
    # far from zero: 1000 spreads away in float32 (the std must not move when shifted back)
    {"seed": 5, "images": image([8, 2, 5, 5], offset=1000.0), "centred": True},
    # a million spreads away in float64
    {"seed": 6, "images": image([4, 2, 5, 5], "float64", offset=1e4, spread=1e-2), "centred": True},
    # a tiny spread (an eps added to the std shows) and a huge one
    {"seed": 7, "images": image([5, 2, 3, 4], spread=1e-12)},
    {"seed": 8, "images": image([5, 2, 3, 4], "float64", offset=3e12, spread=1e12)},
    # float16 with more values than a float16 sum holds (50,176 values per channel around 3)
    {"seed": 9, "images": image([64, 2, 28, 28], "float16", offset=3.0, spread=0.5)},
    # bfloat16, one image expanded into a batch (stride 0)
    {"seed": 10, "images": image([4, 2, 3, 5], "bfloat16", "expanded")},
    # two values per channel: Bessel's correction doubles the variance; a count off by one shows
    {"seed": 11, "images": image([2, 3, 1, 1])},
]

STATS_CASES = st.fixed_dictionaries({
    "seed": st.integers(0, 2**31 - 1),
    "images": image_descs(),
    "requires_grad": st.booleans(),
    "centred": st.just(True),
})


@observe(examples=STATS_EXAMPLES, draw=STATS_CASES)
def stats_seen(kata, case):
    grad = bool(case.get("requires_grad")) and case["images"]["layout"] != "expanded"
    x = images(case, "images", case["images"], requires_grad=grad)
    before = x.detach().clone()
    out = {"got": attempt(kata.channel_stats, x, limit=64, whole=True),
           "unchanged": unchanged(x, before)}
    if not out["unchanged"]:
        out["after"] = small(x, 64)
    if case.get("centred") and float(case["images"].get("offset", 0.0)):
        # the same images shifted back to around zero: a correct std does not move
        centred = {**case["images"], "offset": 0.0}
        out["centred"] = attempt(kata.channel_stats, images(case, "images", centred), limit=64,
                                 whole=True)
    return out


def stats_call(desc, case) -> str:
    grad = bool(case.get("requires_grad")) and desc.get("layout") != "expanded"
    return f"channel_stats(images), images: {words(desc, requires_grad=grad)[0]}"


def the_pair(got):
    """(mean, std) as crossed, or None when `got` is not a pair."""
    if not isinstance(got, dict) or got.get("len") != 2:
        return None
    items = got.get("items")
    return tuple(items) if isinstance(items, list) and len(items) == 2 else None


def check_pair(got, c: int, dtype: str, call: str):
    """The figures as float64 tensors of shape (C,), or a failure that says what came back."""
    check_raised(got, call)
    pair = the_pair(got)
    expect(
        pair is not None and all(isinstance(t, (Seen, dict)) and shape_of(t) is not None
                                 for t in pair),
        "channel_stats must return `(mean, std)`, two tensors.",
        "channel_stats 应当返回 `(mean, std)` 两个张量。",
        call=call, got=show_returned(got), expected="(mean, std), each a tensor of shape "
        f"({c},)", kata=KATA,
    )
    shapes = [shape_of(t) for t in pair]
    if c == 1 and shapes == [(), ()]:
        fail(
            "the figures came back 0-dim, not of shape (C,) = (1,): `.squeeze()` drops every axis "
            "of size 1, and with a single channel that is the channel axis too (a mean over every "
            "axis, `images.mean()`, is 0-dim as well). Reduce over the other axes only "
            "(`images.mean(dim=(0, 2, 3))`), or squeeze only the axes you reduced "
            "(`.squeeze((0, 2, 3))`).",
            "统计量变成了 0 维,而不是形状 (C,) = (1,):`.squeeze()` 会去掉所有大小为 1 的轴,只有一个"
            "通道时连通道轴也去掉了(在所有轴上求均值,`images.mean()`,结果同样是 0 维)。请只在其余的轴上"
            "归约(`images.mean(dim=(0, 2, 3))`),或者只去掉归约过的轴(`.squeeze((0, 2, 3))`)。",
            call=call, got="mean of shape (), std of shape ()", expected="both of shape (1,)",
            kata=KATA,
        )
    expect(
        shapes == [(c,), (c,)],
        f"the mean and the std must each have one value per channel, shape (C,) = ({c},): reduce "
        f"over the batch, the height and the width (axes 0, 2 and 3) and keep the channel axis. A "
        f"single number mixes the channels; a shape with N, H or W in it was reduced over the "
        f"wrong axes.",
        f"均值和标准差都应当每个通道一个值,形状为 (C,) = ({c},):在批量、高、宽三个轴(0、2、3)上"
        f"归约,保留通道轴。只得到一个数,说明把各通道混在了一起;形状里还有 N、H 或 W,说明归约的轴不对。",
        call=call, got=f"mean of shape {shapes[0]}, std of shape {shapes[1]}",
        expected=f"both of shape ({c},)", kata=KATA,
    )
    kinds = [dtype_of(t) for t in pair]
    if dtype == "float64" and kinds[0] in FLOATS and kinds[1] in FLOATS and kinds != ["float64"] * 2:
        fail(
            f"the figures of float64 images came back {kinds[0]} and {kinds[1]}: they were computed "
            f"in (or cast to) a narrower dtype, and float64's precision is lost (images far from "
            f"zero with a small spread then get a std that is far off, or 0). `.float()` on the "
            f"images is the usual cause: compute in the images' own dtype.",
            f"float64 图像的统计量返回成了 {kinds[0]} 和 {kinds[1]}:它们是在更窄的 dtype 里算的(或被转换"
            f"成了更窄的 dtype),float64 的精度丢了(远离零点、离散程度又小的图像,标准差就会差得很远,甚至为 "
            f"0)。常见原因是对图像调用了 `.float()`:请在图像自己的 dtype 里计算。",
            call=call, got=f"{kinds[0]}, {kinds[1]}", expected="float64", kata=KATA,
        )
    expect(
        all(k in WIDER.get(dtype, FLOATS) for k in kinds),
        f"the figures of {dtype} images must be floating point, in {dtype} or a wider dtype "
        f"({', '.join(WIDER.get(dtype, FLOATS))}).",
        f"{dtype} 图像的统计量应当是浮点数,dtype 为 {dtype} 或更宽的类型"
        f"({', '.join(WIDER.get(dtype, FLOATS))})。",
        call=call, got=f"{kinds[0]}, {kinds[1]}", expected=" or ".join(WIDER.get(dtype, FLOATS)),
        kata=KATA,
    )
    mean, std = readable(pair[0]), readable(pair[1])
    expect(mean is not None and std is not None,
           "the figures could not be read back as tensors.", "无法把统计量读回为张量。",
           call=call, got=show_returned(got), kata=KATA)
    return mean, std


def show_returned(got) -> str:
    if not isinstance(got, dict):
        return str(safe(got))
    items = got.get("items")
    if got.get("len") is None or not isinstance(items, list):
        return f"a {got.get('type')}: {safe(got.get('value'))}"
    return f"a {got.get('type')} of {got.get('len')} items: " + ", ".join(
        str(safe(v)) for v in items)


@claim(stats_seen)
def test_channel_stats_leaves_the_images_unchanged(case, seen):
    desc = case["images"]
    got = field(seen, "got")
    if the_pair(got) is None:
        undecided((f"channel_stats returned {show_returned(got)}, not the pair (mean, std)",
                   f"channel_stats 返回了 {show_returned(got)},而不是 (mean, std) 这一对"),
                  ("whether computing the statistics leaves the images unchanged",
                   "计算统计量是否让图像保持原样"),
                  see="test_channel_stats_returns_a_mean_and_a_std_per_channel",
                  call=stats_call(desc, case), kata=KATA)
    after = readable(field(seen, "after"))
    x = images(case, "images", desc).double()
    how_en = how_zh = ""
    if after is not None and after.shape == x.shape:
        centred = x - exact(x).mean.view(1, -1, 1, 1)
        if near(after, centred, 1e-3):
            how_en = " It now holds the images minus their mean: the mean was subtracted in place " \
                     "(`images -= mean`, `images.sub_(...)`) on the way to the std."
            how_zh = "它现在存的是减去均值后的图像:在求标准差的过程中原地减去了均值" \
                     "(`images -= mean`、`images.sub_(...)`)。"
    expect(
        field(seen, "unchanged") is True,
        "channel_stats changed the images it was given: computing statistics must leave the "
        f"caller's data as it was (a training set changed in place is wrong for everything that "
        f"uses it next).{how_en} Work on new tensors: `x = images - mean` rather than "
        f"`images -= mean`.",
        f"channel_stats 修改了传入的图像:计算统计量必须让调用方的数据保持原样(原地改过的训练集,对之后"
        f"用到它的一切都是错的)。{how_zh}请在新张量上计算:用 `x = images - mean`,而不是 "
        f"`images -= mean`。",
        call=stats_call(desc, case), kata=KATA,
    )


@claim(stats_seen)
def test_channel_stats_returns_a_mean_and_a_std_per_channel(case, seen):
    desc = case["images"]
    check_pair(field(seen, "got"), int(desc["shape"][1]), desc["dtype"], stats_call(desc, case))


def pooled(x: torch.Tensor) -> Figures:
    """The figures of every channel taken together, repeated for each channel."""
    c = x.shape[1]
    f = exact(x.reshape(1, 1, -1, 1))
    return Figures(f.mean.expand(c), f.pop.expand(c), f.sample.expand(c), f.n)


def rows(x: torch.Tensor) -> Figures:
    """The figures of the rows of `images.reshape(C, -1)` (the channel axis not moved first)."""
    v = x.double().reshape(x.shape[1], -1)
    n = v.shape[1]
    var, mean = torch.var_mean(v, dim=1, correction=0)
    return Figures(mean, var.sqrt(), (var * n / max(n - 1, 1)).sqrt(), n)


def columns(x: torch.Tensor) -> Figures:
    """The figures of the columns of `images.reshape(-1, C)` (the channel axis not moved last)."""
    v = x.double().reshape(-1, x.shape[1])
    n = v.shape[0]
    var, mean = torch.var_mean(v, dim=0, correction=0)
    return Figures(mean, var.sqrt(), (var * n / max(n - 1, 1)).sqrt(), n)


def half_sum_overflows(x: torch.Tensor, square: bool) -> bool:
    """Whether a float16 sum over a channel of `x` (or of its squared deviations) passes 65504."""
    v = x.double()
    if square:
        v = (v - v.mean(dim=(0, 2, 3), keepdim=True)) ** 2
    return bool((v.sum(dim=(0, 2, 3)).abs() > FLOAT16_MAX).any())


def centred_figures(seen, case):
    """The figures channel_stats gave for the same images shifted back to around zero, with
    their exact figures; or None."""
    twin = field(seen, "centred")
    pair = the_pair(twin)
    if pair is None:
        return None
    mean, std = readable(pair[0]), readable(pair[1])
    if mean is None or std is None:
        return None
    desc = {**case["images"], "offset": 0.0}
    return mean, std, exact(images(case, "images", desc))


@claim(stats_seen)
def test_channel_stats_mean_is_over_every_pixel_of_every_image(case, seen):
    desc = case["images"]
    call = stats_call(desc, case)
    x = images(case, "images", desc).detach()
    c = x.shape[1]
    mean, std = check_pair(field(seen, "got"), c, desc["dtype"], call)
    want = exact(x)
    r, cc = accuracy(desc["dtype"])
    if means_agree(mean, want, r, cc):
        return
    en_where, zh_where = words(desc)
    shown = dict(call=call, got=mean, expected=want.mean, kata=KATA)
    if desc["dtype"] == "float16" and not finite(mean) and half_sum_overflows(x, False):
        fail(
            "the mean came out inf (or nan): these float16 images hold more than a float16 sum can "
            "(the sum of a channel passes 65504, the largest float16). A sum taken by hand in the "
            "images' dtype overflows; `images.mean(dim=(0, 2, 3))` accumulates in float32 inside, "
            "or sum in float32 yourself (`images.float().sum(...)`) and return the figures in the "
            "images' dtype.",
            "均值成了 inf(或 nan):这批 float16 图像的数值多到 float16 的和装不下(一个通道的和超过了 "
            "65504,即 float16 的最大值)。在图像自己的 dtype 里手动求和会溢出;`images.mean(dim=(0, 2, 3))` "
            "内部用 float32 累加,或者自己先转成 float32 再求和(`images.float().sum(...)`),再以图像的 "
            "dtype 返回统计量。",
            **shown,
        )
    n, hw = x.shape[0], x.shape[2] * x.shape[3]
    for count, en, zh in ((n, f"the number of images N = {n}", f"图像的个数 N = {n}"),
                          (hw, f"the number of pixels of one image H * W = {hw}",
                           f"一张图像的像素个数 H * W = {hw}")):
        if count != want.n and mean_is(mean, want.mean * want.n / count, want, r, cc):
            fail(
                f"the sum of each channel was divided by {en}, not by the N * H * W = {want.n} "
                f"values of that channel: the mean is {want.n // count} times too large. Divide by "
                f"`images.numel() // images.shape[1]`, or use `images.mean(dim=(0, 2, 3))`.",
                f"每个通道的和除以了{zh},而不是这个通道的 N * H * W = {want.n} 个数值:均值大了 "
                f"{want.n // count} 倍。请除以 `images.numel() // images.shape[1]`,或者用 "
                f"`images.mean(dim=(0, 2, 3))`。",
                **shown,
            )
    if c > 1 and mean_is(mean, want.mean / c, want, r, cc):
        fail(
            f"the mean is {c} times too small: the sum of each channel was divided by "
            f"`images.numel()`, the count of every value of all {c} channels, not by the "
            f"N * H * W = {want.n} values of one channel. (With one channel, as in MNIST, the two "
            f"counts agree.) Divide by `images.numel() // images.shape[1]`, or use "
            f"`images.mean(dim=(0, 2, 3))`.",
            f"均值小了 {c} 倍:每个通道的和除以了 `images.numel()`,即全部 {c} 个通道所有数值的个数,而不是"
            f"一个通道的 N * H * W = {want.n} 个数值。(只有一个通道时,比如 MNIST,两者相同。)请除以 "
            f"`images.numel() // images.shape[1]`,或者用 `images.mean(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and mean_is(mean, pooled(x).mean, want, r, cc):
        fail(
            "every channel got the same mean, the mean of all the channels together: the channels "
            "were mixed. Keep the channel axis: `images.mean(dim=(0, 2, 3))`.",
            "每个通道得到的均值都一样,是所有通道合在一起的均值:通道被混在了一起。请保留通道轴:"
            "`images.mean(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and x.shape[0] > 1 and mean_is(mean, rows(x).mean, want, r, cc):
        fail(
            "each \"channel\" is a row of `images.reshape(C, -1)`: a reshape keeps the order of the "
            "values, so with the batch axis first each row holds consecutive images' values of "
            "several channels, not one channel of every image. Move the channel axis first: "
            "`images.transpose(0, 1).reshape(C, -1)`, or reduce with "
            "`images.mean(dim=(0, 2, 3))`.",
            "每个“通道”是 `images.reshape(C, -1)` 的一行:reshape 不改变数值的顺序,批量轴在前时,每一行"
            "装的是相邻几张图像里好几个通道的数值,而不是每张图像的同一个通道。请先把通道轴挪到最前面:"
            "`images.transpose(0, 1).reshape(C, -1)`,或者直接 `images.mean(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and mean_is(mean, columns(x).mean, want, r, cc):
        fail(
            "each \"channel\" is a column of `images.reshape(-1, C)`: a reshape keeps the order of "
            "the values, and in an (N, C, H, W) tensor the channel is not the last axis, so each "
            "column mixes channels. Move the channel axis last first: "
            "`images.permute(0, 2, 3, 1).reshape(-1, C)`, or reduce with "
            "`images.mean(dim=(0, 2, 3))`.",
            "每个“通道”是 `images.reshape(-1, C)` 的一列:reshape 不改变数值的顺序,而 (N, C, H, W) 张量"
            "里通道不是最后一个轴,所以每一列都混着好几个通道。请先把通道轴挪到最后:"
            "`images.permute(0, 2, 3, 1).reshape(-1, C)`,或者直接 `images.mean(dim=(0, 2, 3))`。",
            **shown,
        )
    if swapped(mean, std, want, r, cc):
        fail(
            "the mean and the std are swapped: this returns `(std, mean)`. Note that "
            "`torch.std_mean` and `torch.var_mean` return the spread first: "
            "`std, mean = torch.std_mean(images, dim=(0, 2, 3))`.",
            "均值和标准差的位置反了:返回的是 `(std, mean)`。注意 `torch.std_mean` 和 `torch.var_mean` "
            "先返回离散程度:`std, mean = torch.std_mean(images, dim=(0, 2, 3))`。",
            **shown,
        )
    off = (mean - want.mean).abs() / want.sample if finite(mean) else None
    by = f", off by {off.max().item():.3g} std" if off is not None else ""
    zh_by = f",差了 {off.max().item():.3g} 个标准差" if off is not None else ""
    fail(
        f"on {en_where}, the mean is not the mean of each channel over every pixel of every image "
        f"(`images.mean(dim=(0, 2, 3))`){by}; the tolerance is {r:g} std + {cc:g} |mean|.",
        f"在{zh_where}上,均值不是每个通道在所有图像、所有像素上的平均值"
        f"(`images.mean(dim=(0, 2, 3))`){zh_by};容差为 {r:g} 个标准差 + {cc:g} |mean|。",
        **shown,
    )


def swapped(mean, std, want: Figures, r, c) -> bool:
    """The pair is (std, mean): each fits the other figure, and the two figures differ."""
    if not (finite(mean) and finite(std) and mean.shape == std.shape == want.mean.shape):
        return False
    tol_m = tol_s = r * want.sample + c * want.mean.abs()
    return any(bool(((mean - s).abs() <= FIT * tol_s).all())
               and bool(((std - want.mean).abs() <= FIT * tol_m).all())
               and bool(((s - want.mean).abs() > APART * tol_m).any())
               for s in (want.sample, want.pop))


def per_image(x: torch.Tensor) -> list[torch.Tensor]:
    """Each image's own std (over H and W), averaged over the images; and the square root of
    their variances averaged (both leave out how the images differ)."""
    v = x.double()
    return [v.std(dim=(2, 3), correction=k).mean(0) for k in (0, 1)] + [
        v.var(dim=(2, 3), correction=k).mean(0).sqrt() for k in (0, 1)]


def per_pixel(x: torch.Tensor) -> list[torch.Tensor]:
    return [x.double().std(dim=0, correction=k).mean(dim=(1, 2)) for k in (0, 1)]


AXIS_NAMES = {0: "N", 2: "H", 3: "W"}


def wrong_axes(x: torch.Tensor) -> list[tuple[tuple, list]]:
    """The stds over a part of the axes N, H, W, each averaged over the rest, by the axes they are
    over: (2, 3) each image's own, (0,) each pixel's, and the others."""
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    found = []
    if n > 1 and h * w > 1:
        found += [((2, 3), per_image(x)), ((0,), per_pixel(x))]
    return found + [(axes, over_axes(x, axes)) for axes in ((2,), (3,), (0, 2), (0, 3))]


def over_axes(x: torch.Tensor, axes) -> list[torch.Tensor]:
    """The std over `axes` alone, averaged over the other axes but the channel's."""
    rest = tuple(a for a in (0, 2, 3) if a not in axes)
    v = x.double()
    if any(v.shape[a] < 2 for a in axes):
        return []
    return [v.std(dim=axes, correction=k, keepdim=True).mean(dim=rest + axes).reshape(-1)
            if rest else v.std(dim=axes, correction=k) for k in (0, 1)]


def any_near(got, candidates, rel) -> bool:
    return any(near(got, want, rel) for want in candidates)


# A known mistake is named only where the value fits it (within 4 times the tolerance) and it is
# clearly not the right value (off by over 12 times the tolerance somewhere): in bfloat16, whose
# tolerance is wide, a wrong value is then shown as it is rather than blamed on a guess.
FIT, APART = 4, 12


def mean_is(got, candidate, want: Figures, r, c) -> bool:
    tol = r * want.sample + c * want.mean.abs()
    return finite(got) and finite(candidate) and got.shape == candidate.shape == tol.shape \
        and bool(((got - candidate).abs() <= FIT * tol).all()) \
        and bool(((candidate - want.mean).abs() > APART * tol).any())


def std_is(got, candidate, want: Figures, r, c) -> bool:
    tol = r * want.sample + c * want.mean.abs()
    if not (finite(got) and finite(candidate) and got.shape == candidate.shape == tol.shape):
        return False
    apart = torch.minimum((candidate - want.pop).abs(), (candidate - want.sample).abs())
    return bool(((got - candidate).abs() <= FIT * tol).all()) and bool((apart > APART * tol).any())


def std_is_one_of(got, candidates, want: Figures, r, c) -> bool:
    return any(std_is(got, candidate, want, r, c) for candidate in candidates)


@claim(stats_seen)
def test_channel_stats_std_is_over_every_pixel_of_every_image(case, seen):
    desc = case["images"]
    call = stats_call(desc, case)
    x = images(case, "images", desc).detach()
    c = x.shape[1]
    mean, std = check_pair(field(seen, "got"), c, desc["dtype"], call)
    want = exact(x)
    r, cc = accuracy(desc["dtype"])
    if stds_agree(std, want, r, cc):
        return
    en_where, zh_where = words(desc)
    shown = dict(call=call, got=std, expected=want.sample, kata=KATA)
    if desc["dtype"] == "float16" and not finite(std) and half_sum_overflows(x, True):
        fail(
            "the std came out inf (or nan): a float16 sum of these images' squared deviations "
            "passes 65504, the largest float16. Sum in float32 (`images.float()`), or let "
            "`images.std(dim=(0, 2, 3))` do it (it accumulates in float32 inside), and return the "
            "figures in the images' dtype.",
            "标准差成了 inf(或 nan):这批 float16 图像的离差平方用 float16 求和超过了 65504,即 float16 "
            "的最大值。请用 float32 求和(`images.float()`),或者交给 `images.std(dim=(0, 2, 3))`(它内部"
            "用 float32 累加),再以图像的 dtype 返回统计量。",
            **shown,
        )
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    found = [axes for axes, candidates in wrong_axes(x)
             if std_is_one_of(std, candidates, want, r, cc)]
    if found == [(2, 3)]:
        fail(
            "the std over the wrong axes: this is each image's own spread (over H and W), averaged "
            "over the images: it leaves out how the images differ from one another, in brightness "
            "for instance, so it is smaller than the spread of the pixels that the normalisation "
            "must divide by. "
            "Take the std of each channel over the batch, the height and the width at once: "
            "`images.std(dim=(0, 2, 3))`.",
            "标准差的轴取错了:这是每张图像自身的离散程度(在 H、W 上)再对图像取平均:它漏掉了图像之间的差异"
            "(比如亮度不同),所以比归一化要除以的像素离散程度小。请对每个通道同时在批量、高、宽上求标准差:"
            "`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if found == [(0,)]:
        fail(
            "the std over the wrong axes: this is the average of each pixel's std across the images "
            "(over N): it leaves out how the pixels of one image differ from one another, so it is "
            "smaller than the spread of the pixels that the normalisation must divide by. Take the "
            "std of each channel over the batch, the height and the width at once: "
            "`images.std(dim=(0, 2, 3))`.",
            "标准差的轴取错了:这是每个像素跨图像标准差(在 N 上)的平均:它漏掉了同一张图像里像素之间的差异,"
            "所以比归一化要除以的像素离散程度小。请对每个通道同时在批量、高、宽上求标准差:"
            "`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if found:
        named = " or ".join("(" + ", ".join(AXIS_NAMES[a] for a in axes) + ")" for axes in found)
        fail(
            f"the std over the wrong axes: this is the std over {named} alone, averaged over the "
            f"other axes, so it leaves out how the values differ along those other axes, and it is "
            f"smaller than the spread of the pixels. Take the std of each channel over the batch, the "
            f"height and the width at once: `images.std(dim=(0, 2, 3))`.",
            f"标准差的轴取错了:这是只在 {named} 上求的标准差,再在其余轴上取平均,漏掉了沿其余轴的差异,所以比"
            f"像素的离散程度小。请对每个通道同时在批量、高、宽上求标准差:`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if std_is_one_of(std, (want.pop ** 2, want.sample ** 2), want, r, cc):
        fail("this is the variance, not the standard deviation: take its square root.",
             "这是方差,不是标准差:请开平方。", **shown)
    if c > 1 and std_is_one_of(std, pooled(x)[1:3], want, r, cc):
        fail(
            "every channel got the same std, the std of all the channels together: the channels "
            "were mixed. Keep the channel axis: `images.std(dim=(0, 2, 3))`.",
            "每个通道得到的标准差都一样,是所有通道合在一起的标准差:通道被混在了一起。请保留通道轴:"
            "`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and n > 1 and std_is_one_of(std, rows(x)[1:3], want, r, cc):
        fail(
            "each \"channel\" is a row of `images.reshape(C, -1)`, which holds consecutive images' "
            "values of several channels: move the channel axis first "
            "(`images.transpose(0, 1).reshape(C, -1)`), or use `images.std(dim=(0, 2, 3))`.",
            "每个“通道”是 `images.reshape(C, -1)` 的一行,里面是相邻几张图像里好几个通道的数值:请先把通道轴"
            "挪到最前面(`images.transpose(0, 1).reshape(C, -1)`),或者用 `images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and std_is_one_of(std, columns(x)[1:3], want, r, cc):
        fail(
            "each \"channel\" is a column of `images.reshape(-1, C)`, which mixes channels (the "
            "channel is not the last axis of (N, C, H, W)): move it last first "
            "(`images.permute(0, 2, 3, 1).reshape(-1, C)`), or use `images.std(dim=(0, 2, 3))`.",
            "每个“通道”是 `images.reshape(-1, C)` 的一列,混着好几个通道((N, C, H, W) 里通道不是最后一个"
            "轴):请先把它挪到最后(`images.permute(0, 2, 3, 1).reshape(-1, C)`),或者用 "
            "`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if c > 1 and std_is_one_of(std, (want.pop / math.sqrt(c),), want, r, cc):
        fail(
            f"the variance of each channel was divided by `images.numel()`, the count of all "
            f"{c} channels' values, not by the N * H * W = {want.n} values of one channel (with one "
            f"channel the two agree). Divide by `images.numel() // images.shape[1]` (minus one for "
            f"Bessel's correction), or use `images.std(dim=(0, 2, 3))`.",
            f"每个通道的方差除以了 `images.numel()`,即全部 {c} 个通道数值的个数,而不是一个通道的 "
            f"N * H * W = {want.n} 个数值(只有一个通道时两者相同)。请除以 "
            f"`images.numel() // images.shape[1]`(做贝塞尔校正时再减一),或者用 "
            f"`images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if swapped(mean, std, want, r, cc):
        fail(
            "the mean and the std are swapped: this returns `(std, mean)`. `torch.std_mean` returns "
            "the std first: `std, mean = torch.std_mean(images, dim=(0, 2, 3))`.",
            "均值和标准差的位置反了:返回的是 `(std, mean)`。`torch.std_mean` 先返回标准差:"
            "`std, mean = torch.std_mean(images, dim=(0, 2, 3))`。",
            **shown,
        )
    for count, en, zh in ((n, f"the number of images N = {n}", f"图像的个数 N = {n}"),
                          (h * w, f"the number of pixels of one image H * W = {h * w}",
                           f"一张图像的像素个数 H * W = {h * w}")):
        if count != want.n and std_is(std, want.pop * math.sqrt(want.n / count), want, r, cc):
            fail(
                f"the sum of squared deviations was divided by {en}, not by the N * H * W = "
                f"{want.n} values of the channel (minus one with Bessel's correction). Use "
                f"`images.std(dim=(0, 2, 3))`.",
                f"离差平方和除以了{zh},而不是这个通道的 N * H * W = {want.n} 个数值(做贝塞尔校正时减一)。"
                f"请用 `images.std(dim=(0, 2, 3))`。",
                **shown,
            )
    rms = x.double().pow(2).mean(dim=(0, 2, 3)).sqrt()
    if std_is(std, rms, want, r, cc):
        fail(
            "this is the root mean square of the values, `sqrt(mean(x^2))`: the mean was not "
            "subtracted before squaring. The std is `sqrt(mean((x - mean)^2))`.",
            "这是数值的均方根 `sqrt(mean(x^2))`:平方之前没有减去均值。标准差是 "
            "`sqrt(mean((x - mean)^2))`。",
            **shown,
        )
    twin = centred_figures(seen, case)
    if twin is not None and stds_agree(twin[1], twin[2], r, cc):
        fail(
            f"the std loses its precision far from zero: on the same images shifted back to around "
            f"zero it is right, and on these (around {desc['offset']:g}, a spread of "
            f"{desc['spread']:g}) it is not, though shifting every value leaves the std as it is. "
            f"E[x^2] - E[x]^2 in one pass is the classic cause: two large numbers that cancel. "
            f"Subtract the mean first and then square (`((x - mean) ** 2).mean()`), or use "
            f"`images.std(dim=(0, 2, 3))`.",
            f"标准差在远离零点的地方丢了精度:同样的图像平移回零点附近时是对的,而在这里(数值在 "
            f"{desc['offset']:g} 附近,离散程度 {desc['spread']:g})就不对了,可是整体平移并不改变标准差。"
            f"典型原因是一遍算出的 E[x^2] - E[x]^2:两个很大的数相减,有效数字抵消了。请先减去均值再平方"
            f"(`((x - mean) ** 2).mean()`),或者用 `images.std(dim=(0, 2, 3))`。",
            **shown,
        )
    if finite(std) and bool((std > want.sample).all()):
        extra = std - want.sample
        if float(extra.max()) < 1e-3 and bool(
                (extra > APART * (r * want.sample + cc * want.mean.abs())).all()):
            low, high = f"{float(extra.min()):.3g}", f"{float(extra.max()):.3g}"
            by = low if low == high else f"{low} to {high}"
            fail(
                f"the std is larger than the spread of the pixels in every channel, by {by}: a "
                f"small amount of the size "
                f"an eps adds (`std + eps`, `clamp(min=eps)`, or `sqrt(var + eps)`), negligible on "
                f"ordinary images, not on these ({en_where}). channel_stats gives the std itself.",
                f"每个通道的标准差都比像素的离散程度大,大了 {by}:正是加一个 eps 会带来的那么一点(`std + eps`、`clamp(min=eps)` "
                f"或 `sqrt(var + eps)`),对普通图像可以忽略,对这里的({zh_where})就不行了。channel_stats "
                f"应当给出标准差本身。",
                **shown,
            )
    ratio = (std / want.sample) if finite(std) else None
    by = f" ({numbers(ratio, 4)} times the std with Bessel's correction)" if ratio is not None else ""
    zh_by = f"(是贝塞尔校正后标准差的 {numbers(ratio, 4)} 倍)" if ratio is not None else ""
    fail(
        f"on {en_where}, the std is not the standard deviation of each channel over every pixel "
        f"of every image (`images.std(dim=(0, 2, 3))`; with or without Bessel's correction){by}; "
        f"the tolerance is {r:g} relative.",
        f"在{zh_where}上,标准差不是每个通道在所有图像、所有像素上的标准差"
        f"(`images.std(dim=(0, 2, 3))`;是否做贝塞尔校正都可以){zh_by};相对容差为 {r:g}。",
        **shown,
    )


# --- the MNIST subset -------------------------------------------------------------------------

# The MNIST example's figures: the mean and std of every pixel of the 60,000 training digits
# (measured on the full set: 0.13066 and 0.30811). The shipped subset is 5,000 of them, chosen by
# class (stratified): its figures are 0.12988 and 0.30722. Over 2,000 stratified samples of 5,000
# digits drawn from the full set, the mean and std varied with a standard deviation of 0.00047
# and 0.00054 and never moved more than 0.0018 from the full set's: 0.002 is about four standard
# errors of such a sample.
MNIST_MEAN, MNIST_STD, SUBSET_TOLERANCE = 0.1307, 0.3081, 0.002
MNIST_CALL = "channel_stats(the 5,000 training digits of dojo/data/mnist-subset, (5000, 1, 28, 28))"


@functools.lru_cache(maxsize=2)
def _mnist_subset(train: bool) -> torch.Tensor:
    raw = mnist_data.prepare(subset=True) / "MNIST" / "raw"
    prefix = "train" if train else "t10k"
    found = mnist_data.read_idx(raw / f"{prefix}-images-idx3-ubyte")
    return found.unsqueeze(1).float().div(255)


def mnist_subset(case, train: bool = True) -> torch.Tensor:
    """The subset's digits as (N, 1, 28, 28) float32 in [0, 1], in an order drawn from the case's
    seed (a fresh copy each time: the kata under test might change what it is given)."""
    digits = _mnist_subset(train)
    order = torch.randperm(len(digits), generator=generator(case, "images" if train else "batch"))
    return digits[order]


@functools.lru_cache(maxsize=2)
def mnist_figures(train: bool = True) -> Figures:
    return exact(_mnist_subset(train))


@observe(examples=[{"seed": 0}])
def mnist_stats(kata, case):
    return {"got": attempt(kata.channel_stats, mnist_subset(case), limit=64, whole=True)}


@claim(mnist_stats)
def test_channel_stats_of_the_mnist_subset_agree_with_the_mnist_example(case, seen):
    mean, std = check_pair(field(seen, "got"), 1, "float32", MNIST_CALL)
    want = mnist_figures()
    r, c = accuracy("float32")
    expect(
        means_agree(mean, want, r, c) and stds_agree(std, want, r, c),
        f"on the subset's training digits the figures are not the mean and the std of every "
        f"pixel (float32 is allowed {r:g} of the std).",
        f"在子集的训练数字上,这两个数不是所有像素的均值和标准差(float32 允许 {r:g} 个标准差的误差)。",
        call=MNIST_CALL, got=f"mean {float(mean[0]):.6f}, std {float(std[0]):.6f}",
        expected=f"mean {float(want.mean[0]):.6f}, std {float(want.pop[0]):.6f} (or "
                 f"{float(want.sample[0]):.6f} with Bessel's correction)", kata=KATA,
    )
    m, s = float(mean[0]), float(std[0])
    expect(
        abs(m - MNIST_MEAN) <= SUBSET_TOLERANCE and abs(s - MNIST_STD) <= SUBSET_TOLERANCE,
        f"on the training subset the figures should come within {SUBSET_TOLERANCE} of the MNIST "
        f"example's Normalize((0.1307,), (0.3081,)), the mean and std of the full training set.",
        f"在训练子集上,这两个数应与 MNIST 示例的 Normalize((0.1307,), (0.3081,))(完整训练集的均值和"
        f"标准差)相差不超过 {SUBSET_TOLERANCE}。",
        call=MNIST_CALL, got=f"mean {m:.5f}, std {s:.5f}",
        expected=f"mean {MNIST_MEAN} ± {SUBSET_TOLERANCE}, std {MNIST_STD} ± {SUBSET_TOLERANCE}",
        kata=KATA,
    )


# ================================================================================================
# fit_normalizer
# ================================================================================================


def figures_are(m, s, g: Figures, f: Figures, r, c) -> bool:
    """The implied figures (m, s) are `g`'s, and `g` is clearly not the right `f`."""
    tol_m = tol_s = r * f.sample + c * f.mean.abs()
    if not (finite(m) and finite(s) and m.shape == g.mean.shape == f.mean.shape):
        return False
    fits = bool(((m - g.mean).abs() <= FIT * tol_m).all()) and bool(
        (torch.minimum((s - g.pop).abs(), (s - g.sample).abs()) <= FIT * tol_s).all())
    apart = bool(((g.mean - f.mean).abs() > APART * tol_m).any()) or bool(
        (torch.minimum((g.sample - f.sample).abs(), (g.pop - f.pop).abs()) > APART * tol_s).any())
    return fits and apart


def output_is(got, candidate, right, r) -> bool:
    """`got` is the output `candidate`, which is clearly not the `right` one."""
    return finite(got) and finite(candidate) and got.shape == candidate.shape == right.shape \
        and bool(((got - candidate).abs() <= FIT * r * (1 + candidate.abs())).all()) \
        and bool(((candidate - right).abs() > APART * r * (1 + right.abs())).any())


def explain_normalized(got: torch.Tensor, x: torch.Tensor, f: Figures, r: float, c: float, *,
                       train: torch.Tensor, others=()) -> tuple[str, str] | None:
    """What `got` (the kata's `x` normalised) is, measured: the figures it implies per channel
    compared with the ones a known mistake uses, or, where it is no per-channel `(x - m) / s`,
    the outputs of the mistakes that are not. None when nothing known fits."""
    right = normalised(x, f)
    scale = x.abs() + x.abs().mean()  # the batch's own scale, not a normalised value's
    if finite(got) and got.shape == x.shape and bool(((got - x).abs() <= FIT * r * scale).all()) \
            and bool(((right - x).abs() > APART * r * (1 + right.abs())).any()):
        return ("it came back as it was given: not normalised at all.",
                "它原样返回了:根本没有归一化。")
    fit = diagnose.implied_normalization(x, got, rtol=FIT * r, atol=FIT * c * float(
        (f.mean.abs() / f.sample).max()))
    if fit is not None:
        m, s = fit
        k = x.shape[1]

        def same(g: Figures) -> bool:
            return figures_are(m, s, g, f, r, c)

        for figures, cause in others:
            if same(figures):
                return cause
        if train.shape[1:] == x.shape[1:] and same(exact(torch.cat([train.double(), x]))):
            return (
                "normalised with the statistics of the training images and the batch together: the "
                "batch leaked into the figures, so its values depend on what it holds. The figures "
                "are the training images' alone, fixed when fitting.",
                "用训练图像加上这个批量一起的统计量做了归一化:批量泄漏进了统计量,它的结果于是取决于它自己装了"
                "什么。统计量只能来自训练图像,在拟合时就固定下来。",
            )
        if same(exact(x)):
            return (
                "normalised with the batch's own statistics: every batch comes out with mean 0 "
                "and std 1, so an image's values depend on the other images of its batch, a batch "
                "of one has no spread at all, and a test set brighter than the training set is "
                "quietly made to look like it. At evaluation, apply the training set's statistics, "
                "computed once.",
                "用批量自己的统计量做了归一化:每个批量出来都是均值 0、标准差 1,于是一张图像的值取决于同批的"
                "其他图像,只有一张图像的批量根本没有离散度,比训练集更亮的测试集也被悄悄变得像训练集一样。"
                "评估时要用训练集的统计量,只算一次。",
            )
        mean_right = bool(((m - f.mean).abs() <= FIT * (r * f.sample + c * f.mean.abs())).all())
        if mean_right and std_is_one_of(s, (f.pop ** 2, f.sample ** 2), f, r, c):
            return ("it divided by the variance, not by the std: take the square root.",
                    "它除以的是方差,而不是标准差:请开平方。")
        extra = s - f.sample
        if mean_right and float(extra.max()) < 1e-3 and bool(
                (extra > APART * (r * f.sample + c * f.mean.abs())).all()):
            return (
                f"it divided by a std larger than the training std by {float(extra.mean()):.3g} "
                f"(measured from its output), as an eps does (`std + eps`, `sqrt(var + eps)`, "
                f"`F.batch_norm`'s default eps=1e-5): out of sight on ordinary float32 images, not "
                f"on images of a small spread nor in float64. The normalisation is "
                f"`(images - mean) / std`, nothing added.",
                f"它除以的标准差比训练集的标准差大了 {float(extra.mean()):.3g}(从输出测得),这正是 "
                f"eps 的效果(`std + eps`、`sqrt(var + eps)`、`F.batch_norm` 默认的 eps=1e-5):在普通的 "
                f"float32 图像上看不出来,但在离散程度很小的图像上、在 float64 里就藏不住了。归一化就是 "
                f"`(images - mean) / std`,什么也不加。",
            )
        if same(Figures(torch.zeros_like(m), f.pop, f.sample, f.n)):
            return ("the mean was not subtracted: it only divided by the std.",
                    "没有减去均值:只除以了标准差。")
        if same(Figures(f.mean, torch.ones_like(s), torch.ones_like(s), f.n)):
            return ("it did not divide by the std: it only subtracted the mean.",
                    "没有除以标准差:只减去了均值。")
        if k > 1 and same(pooled(train)):
            return (
                "every channel was normalised with the same figures, those of all the channels "
                "together: the normalisation is per channel, one mean and one std for each.",
                "每个通道都用了同一组数值,即所有通道合在一起的统计量:归一化是按通道的,每个通道各有一个均值和"
                "一个标准差。",
            )
        if k > 1 and same(Figures(f.mean[:1].expand(k), f.pop[:1].expand(k),
                                  f.sample[:1].expand(k), f.n)):
            return ("every channel was normalised with the first channel's figures: a single "
                    "(mean, std) pair, as the MNIST example's one channel has, does not fit "
                    f"{k} channels. Use one mean and one std per channel, shaped (1, C, 1, 1).",
                    "每个通道都用了第一个通道的统计量:MNIST 示例只有一个通道,所以只有一对 (mean, std);"
                    f"{k} 个通道就不行了。请每个通道各用一个均值和一个标准差,形状为 (1, C, 1, 1)。")
        mnist = torch.full_like(m, MNIST_MEAN), torch.full_like(s, MNIST_STD)
        if same(Figures(mnist[0], mnist[1], mnist[1], 0)):
            return (
                "it used the MNIST example's figures, 0.1307 and 0.3081, whatever the training "
                "images: those are MNIST's, and only its. Compute the figures of `train_images`.",
                "它用的是 MNIST 示例的数值 0.1307 和 0.3081,不管训练图像是什么:那是 MNIST 的统计量,只属于 "
                "MNIST。请计算 `train_images` 的统计量。",
            )
        if mean_right and std_is_one_of(
                s, [c_ for _, cs in wrong_axes(train) for c_ in cs], f, r, c):
            return (
                "the std it divided by was taken over the wrong axes (a std over some of N, H and "
                "W, averaged over the rest, such as the average of per-image stds): it is smaller "
                "than the spread of the training pixels. Use `channel_stats(train_images)`.",
                "它除以的标准差的轴取错了(只在 N、H、W 的一部分上求标准差,再在其余轴上平均,比如按图像求标准差"
                "再平均):比训练像素的离散程度小。请用 `channel_stats(train_images)`。",
            )
        return (
            f"measured from its output, it used the means {numbers(m)} and the stds {numbers(s)} "
            f"(one per channel), where the training images' are {numbers(f.mean)} and "
            f"{numbers(f.sample)} (or {numbers(f.pop)} without Bessel's correction).",
            f"从输出测得,它用的均值是 {numbers(m)},标准差是 {numbers(s)}(每个通道一个),而训练图像的是 "
            f"{numbers(f.mean)} 和 {numbers(f.sample)}(不做贝塞尔校正时为 {numbers(f.pop)})。",
        )
    # not one (x - m) / s per channel
    k, h, w = x.shape[1], x.shape[2], x.shape[3]
    for dim, size in ((3, w), (2, h), (0, x.shape[0])):
        if k > 1 and size == k:
            view = [1, 1, 1, 1]
            view[dim] = k
            along = [(x - f.mean.view(view)) / s.view(view) for s in (f.sample, f.pop)]
            if any(output_is(got, a, right, r) for a in along):
                return lined_up(dim, ", without an error since the sizes match")
    if h * w > 1:
        own = x.mean(dim=(2, 3), keepdim=True)
        for k_ in (1, 0):
            if output_is(got, (x - own) / x.std(dim=(2, 3), correction=k_, keepdim=True), right, r):
                return (
                    "each image was normalised with its own statistics (over its H and W): an "
                    "image's values no longer say how bright it is compared with the training "
                    "images. Apply the training set's per-channel figures to every image.",
                    "每张图像都用它自己(在 H、W 上)的统计量做了归一化:图像的值不再反映它相对训练图像有多亮。"
                    "请对每张图像使用训练集按通道的统计量。",
                )
    if train.shape[0] > 1 and train.shape[1:] == x.shape[1:]:
        t = train.double()
        for k_ in (1, 0):
            pix = (x - t.mean(0, keepdim=True)) / t.std(0, correction=k_, keepdim=True)
            if output_is(got, pix, right, r):
                return (
                    "it normalised each pixel with that pixel's own figures (a mean and a std over "
                    "the training images only, of shape (C, H, W)): the normalisation is per "
                    "channel, over the batch, the height and the width together.",
                    "它用每个像素自己的统计量(只在训练图像之间求的均值和标准差,形状为 (C, H, W))做了归一化:"
                    "归一化是按通道的,要同时在批量、高、宽上求。",
                )
    if finite(got) and got.shape == right.shape:
        bound = float(got.abs().max())
        off = (got - right).abs() > FIT * r * (1 + right.abs())
        if bool(off.any()) and bool((right[off].abs() > bound).all()) and bool(
                ((got[off].abs() - bound).abs() <= FIT * r * (1 + bound)).all()):
            return (
                f"the normalised values were clipped at ±{bound:.3g}: every value that is off is "
                f"one whose right value lies beyond that, and it came back as ±{bound:.3g}. "
                f"A batch unlike the training images has values far from 0 once normalised; "
                f"that is what they are: `(images - mean) / std`, nothing clamped.",
                f"归一化后的值在 ±{bound:.3g} 处被截断了:每个出错的值,它的正确值都超出了这个范围,而结果都是 "
                f"±{bound:.3g}。和训练图像不一样的批量,归一化后本来就会离 0 很远;结果就该是这样:"
                f"`(images - mean) / std`,不做截断。",
            )
    for narrow in ("float16", "bfloat16"):
        if ACCURACY[narrow][0] <= r:
            continue
        kind = getattr(torch, narrow)
        m, sd = f.mean.view(1, -1, 1, 1), f.sample.view(1, -1, 1, 1)
        low = ((x.to(kind) - m.to(kind)) / sd.to(kind)).double()
        if finite(got) and finite(low) and got.shape == low.shape and bool(
                ((got - low).abs() <= 2 * ACCURACY[narrow][0] * (1 + low.abs())).all()) and bool(
                ((got - right).abs() > APART * r * (1 + right.abs())).any()):
            return (
                f"the values are what a computation in {narrow} gives: the batch or the figures "
                f"went through a narrower dtype than the batch's on the way (a cast "
                f"such as `.half()`), and the precision the batch had is lost. Compute in the "
                f"batch's dtype (or a wider one).",
                f"这些值正是在 {narrow} 里计算的结果:批量或统计量在途中经过了比批量更窄的 dtype(比如 "
                f"`.half()` 这样的转换),批量原有的精度丢了。请在批量的 dtype(或更宽的 dtype)里计算。",
            )
    if not finite(got):
        return ("the result holds nan or inf (a std of zero, or an overflow), where every "
                "figure of the training images is finite and every std positive.",
                "结果里有 nan 或 inf(标准差为零,或者溢出了),而训练图像的每个统计量都是有限的、每个标准差"
                "都是正的。")
    return None


def normalised_agree_plain(got, want, r) -> bool:
    return finite(got) and got.shape == want.shape and bool(
        ((got - want).abs() <= 4 * r * (1 + want.abs())).all())


def check_normalized(got_seen, x: torch.Tensor, desc: dict, f: Figures, dtypes, call: str, *,
                     train: torch.Tensor, others=(), en_what="the batch", zh_what="这个批量") -> None:
    """Fail, naming what was measured, unless `got_seen` is `x` normalised with `f`."""
    got = got_seen if isinstance(got_seen, torch.Tensor) else readable(got_seen)
    r, c = accuracy(*dtypes)
    if got is not None and normalised_agree(got, x, f, r, c):
        return
    expected = normalised(x, f)
    expect(got is not None, f"{en_what} could not be read back as a tensor.",
           f"无法把{zh_what}读回为张量。", call=call, got=str(safe(got_seen)), kata=KATA)
    cause = explain_normalized(got, x, f, r, c, train=train, others=others)
    en_where, zh_where = words(desc)
    if cause is not None:
        fail(*cause, call=call, got=got, expected=expected, kata=KATA)
    at = zh_at = ""
    if got.shape == expected.shape and got.numel():
        diff = (got - expected).abs().nan_to_num(nan=math.inf)
        worst = int(diff.reshape(-1).argmax())
        i, k = worst // (x[0].numel()), (worst // (x.shape[2] * x.shape[3])) % x.shape[1]
        big = float(diff.reshape(-1)[worst])
        at = f"; the largest difference, {big:.3g}, is in image {i}, channel {k}"
        zh_at = f";最大的差 {big:.3g} 出现在第 {i} 张图像、第 {k} 个通道"
    fail(
        f"on {en_where}, {en_what} is not `(images - mean) / std` per channel with the training "
        f"images' mean and std (`channel_stats(train_images)`){at}; the tolerance is "
        f"{r:g} * (1 + |z|) + {c:g} * |mean| / std.",
        f"在{zh_where}上,{zh_what}不等于按通道计算的 `(images - mean) / std`,其中均值和标准差来自训练"
        f"图像(`channel_stats(train_images)`){zh_at};容差为 {r:g} * (1 + |z|) + {c:g} * |mean| / std。",
        call=call, got=got, expected=expected, kata=KATA,
    )


def check_output(value, x_desc: dict, call: str, *, what_en="normalize(images)",
                 what_zh="normalize(images)") -> None:
    """A tensor of the batch's shape, in the batch's dtype or a wider one."""
    check_raised(value, call)
    shape = tuple(int(s) for s in x_desc["shape"])
    dtype = x_desc["dtype"]
    expect(
        isinstance(value, (Seen, dict)) and shape_of(value) is not None
        and not (isinstance(value, dict) and "raised" in value),
        f"{what_en} must return a tensor: the normalised batch.",
        f"{what_zh} 应当返回一个张量:归一化后的批量。",
        call=call, got=str(safe(value)), expected=f"a tensor of shape {shape}", kata=KATA,
    )
    got_shape = shape_of(value)
    if isinstance(got_shape, tuple) and len(got_shape) == 4 and shape[1] == 1 and got_shape[1] > 1 \
            and got_shape[:1] + got_shape[2:] == shape[:1] + shape[2:]:
        fail(
            f"a batch of one channel came back with {got_shape[1]} channels: it was normalised with "
            f"{got_shape[1]} figures broadcast over its one channel, not one figure per channel of "
            f"the training images given. Either they are the figures of other images, kept from "
            f"an earlier call (a cache, a global set once), or they were reduced over the wrong "
            f"axes.",
            f"一个单通道的批量返回时变成了 {got_shape[1]} 个通道:它是用 {got_shape[1]} 个统计量广播到它唯一的"
            f"通道上归一化的,而不是传入的训练图像每个通道一个值。要么是别的图像的统计量,从之前的调用里保留了下来"
            f"(缓存、只设置一次的全局变量),要么是在错误的轴上归约得到的。",
            call=call, got=f"shape {got_shape}", expected=f"shape {shape}", kata=KATA,
        )
    expect(
        got_shape == shape,
        "a normalised batch is a tensor of the same shape as the batch.",
        "归一化后的批量应当是与原批量形状相同的张量。",
        call=call, got=f"shape {shape_of(value)}", expected=f"shape {shape}", kata=KATA,
    )
    kind = dtype_of(value)
    expect(
        kind in WIDER.get(dtype, FLOATS),
        f"a normalised {dtype} batch comes back in {dtype} or a wider dtype "
        f"({', '.join(WIDER.get(dtype, FLOATS))}): {kind} "
        + ("has lost precision (a cast such as `.float()` or `.half()` on the way)."
           if kind in FLOATS else "is no floating dtype."),
        f"归一化后的 {dtype} 批量应当是 {dtype} 或更宽的 dtype({', '.join(WIDER.get(dtype, FLOATS))}):"
        + (f"{kind} 丢了精度(途中有 `.float()` 或 `.half()` 这样的转换)。" if kind in FLOATS
           else f"{kind} 不是浮点类型。"),
        call=call, got=str(kind), expected=" or ".join(WIDER.get(dtype, FLOATS)), kata=KATA,
    )


def alone_indices(m: int) -> list[int]:
    return sorted({0, m - 1})


NORMALIZE_EXAMPLES = [
    # three channels; a later batch brighter and of more contrast than the training images
    {"seed": 0, "train": image([200, 3, 4, 5]), "batch": image([20, 3, 4, 5], offset=0.4,
                                                                  spread=1.3)},
    # as many channels as columns (C == W): (C,) figures line up with the width, silently
    {"seed": 1, "train": image([50, 3, 2, 3]), "batch": image([10, 3, 2, 3])},
    # as many channels as rows (C == H): (1, C, 1) figures line up with the height, silently
    {"seed": 2, "train": image([40, 3, 3, 5]), "batch": image([6, 3, 3, 5], layout="transposed")},
    # float64 training images (a crop) for a float32 channels-last batch: the dtypes differ
    {"seed": 3, "train": image([30, 2, 4, 4], "float64", "cropped"),
     "batch": image([5, 2, 4, 4], layout="channels_last")},
    # a float16 batch, expanded
    {"seed": 4, "train": image([30, 2, 3, 4]), "batch": image([4, 2, 3, 4], "float16", "expanded")},
    # bfloat16 training images and batch
    {"seed": 5, "train": image([30, 2, 3, 4], "bfloat16"),
     "batch": image([4, 2, 3, 4], "bfloat16", offset=0.5)},
    # a tiny spread (1e-12): an eps added to the std is no longer negligible
    {"seed": 6, "train": image([20, 2, 3, 4], spread=1e-12),
     "batch": image([4, 2, 3, 4], spread=1e-12)},
    # far from zero, float32: 1000 spreads away
    {"seed": 7, "train": image([20, 2, 4, 4], offset=1000.0),
     "batch": image([4, 2, 4, 4], offset=1000.0)},
    # a batch of one image
    {"seed": 8, "train": image([20, 1, 5, 5]), "batch": image([1, 1, 5, 5], offset=0.5)},
    # a batch far from the training images (normalised values around 40: nothing may clip them)
    {"seed": 11, "train": image([20, 2, 3, 4]), "batch": image([3, 2, 3, 4], offset=40.0)},
    # float64 a million spreads from zero: float32 figures lose it
    {"seed": 9, "train": image([10, 2, 3, 4], "float64", offset=1e4, spread=1e-2),
     "batch": image([3, 2, 3, 4], "float64", offset=1e4, spread=1e-2)},
    # float16 training images holding more than a float16 sum can (50,176 values around 3)
    {"seed": 10, "train": image([64, 2, 28, 28], "float16", offset=3.0, spread=0.5),
     "batch": image([1, 2, 28, 28], "float16", offset=3.0, spread=0.5)},
]


@st.composite
def normalize_cases(draw):
    family = draw(st.sampled_from(FAMILIES))
    c, h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    train = draw(image_descs(shape=[draw(st.integers(2, 12)), c, h, w], family=family))
    batch = draw(image_descs(shape=[draw(st.integers(1, 5)), c, h, w], family=family))
    return {"seed": draw(st.integers(0, 2**31 - 1)), "train": train, "batch": batch}


def fitted(kata, case, role="train"):
    train = images(case, role, case[role])
    before = train.clone()
    normalize = kata.fit_normalizer(train)
    return train, before, normalize


@observe(examples=NORMALIZE_EXAMPLES, draw=normalize_cases())
def normalized(kata, case):
    train, train_before, normalize = fitted(kata, case)
    if not callable(normalize):
        return {"callable": False, "returned": returned(normalize)}
    batch = images(case, "batch", case["batch"])
    before = batch.clone()
    result = []
    out = attempt(lambda b: result.append(normalize(b)) or result[0], batch)
    seen = {"callable": True, "out": out, "batch_unchanged": unchanged(batch, before),
            "train_unchanged": unchanged(train, train_before),
            "same_object": bool(result) and result[0] is batch}
    if not seen["batch_unchanged"]:
        seen["batch_after"] = small(batch)
    if not seen["train_unchanged"]:
        seen["train_after"] = small(train, 1024)
    seen["alone"] = []
    for i in alone_indices(batch.shape[0]):
        one = images(case, "batch", case["batch"])[i:i + 1]
        seen["alone"].append(attempt(normalize, one))
    seen["again"] = attempt(normalize, images(case, "batch", case["batch"]))
    return seen


def fit_call(case, what="normalize(batch)") -> str:
    return (f"normalize = fit_normalizer(train); {what}, train: {words(case['train'])[0]}; "
            f"batch: {words(case['batch'])[0]}")


def check_callable(seen, call) -> None:
    expect(
        field(seen, "callable") is True,
        "fit_normalizer must return a function that normalises a batch: `normalize(images)` "
        "(a closure, a lambda, or any callable object).",
        "fit_normalizer 应当返回一个对批量做归一化的函数:`normalize(images)`(闭包、lambda 或任何可调用"
        "对象都行)。",
        call=call, got=show_returned(field(seen, "returned")), kata=KATA,
    )


# --- a batch that requires grad ---------------------------------------------------------------

# First of the normaliser's claims: a normaliser that cannot take such a batch (NumPy, an update in
# place) is told so here, before the claims over every dtype and layout meet it another way.
GRAD_EXAMPLES = [
    {"seed": 0, "train": image([30, 3, 4, 5]), "batch": image([4, 3, 4, 5])},
    {"seed": 1, "train": image([30, 2, 3, 4], "float64"),
     "batch": image([2, 2, 3, 4], "float64", "transposed")},
    {"seed": 2, "train": image([30, 1, 3, 4]), "batch": image([1, 1, 3, 4], "float64", "cropped")},
]


@st.composite
def grad_cases(draw):
    family = (*draw(st.sampled_from(ORDINARY)), FLOATS)
    c, h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    return {"seed": draw(st.integers(0, 2**31 - 1)),
            "train": draw(image_descs(shape=[draw(st.integers(2, 12)), c, h, w], family=family,
                                      layouts=LAYOUTS[:-1])),
            "batch": draw(image_descs(shape=[draw(st.integers(1, 5)), c, h, w], family=family,
                                      layouts=LAYOUTS[:-1]))}


@observe(examples=GRAD_EXAMPLES, draw=grad_cases())
def gradient(kata, case):
    normalize = kata.fit_normalizer(images(case, "train", case["train"]))
    if not callable(normalize):
        return {"callable": False, "returned": returned(normalize)}
    x = images(case, "batch", case["batch"], requires_grad=True)
    before = x.detach().clone()
    try:
        out = normalize(x)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - measured below: does it raise only when grad is on?
        first = err
    else:
        first = None
    if first is not None:
        if diagnose.broadcast_mismatch(str(first)) is not None:
            return {"callable": True, "out": {"raised": type(first).__name__,
                                              "message": str(first)[:500]}}
        normalize(images(case, "batch", case["batch"]))  # raises too: not about grad, propagate
        return {"callable": True, "raised": type(first).__name__, "message": str(first)[:500]}
    seen = {"callable": True, "out": small(out), "batch_unchanged": unchanged(x, before),
            "same_object": out is x}
    if isinstance(out, torch.Tensor) and out.requires_grad and out.shape == x.shape:
        weights = torch.randn(x.shape, generator=generator(case, "weights"), dtype=torch.float64)
        (out.double() * weights).sum().backward()
        seen["grad"] = x.grad
    return seen


@claim(gradient)
def test_normalize_takes_a_batch_that_requires_grad_and_passes_the_gradient_back(case, seen):
    call = fit_call(case, "normalize(batch.requires_grad_()) and a backward pass")
    check_callable(seen, call)
    if isinstance(seen, dict) and "raised" in seen:
        message = str(seen.get("message"))
        if "in-place" in message or "inplace" in message:
            fail(
                f"normalize raised {seen.get('raised')} on a batch that requires grad, and only "
                f"then: \"{message}\". It changes the batch in place (`sub_`, `div_`, `-=`, on the "
                f"caller's tensor or on what `.float()`, `.contiguous()` or `.to(...)` return "
                f"unchanged when nothing needs converting). Normalising must leave its input as "
                f"it was: compute `(images - mean) / std` into a new tensor.",
                f"normalize 只在需要梯度的批量上抛出了 {seen.get('raised')}:\"{message}\"。它原地修改了"
                f"批量(`sub_`、`div_`、`-=`,改的是调用方的张量,或者是 `.float()`、`.contiguous()`、"
                f"`.to(...)` 在无需转换时原样返回的同一个张量)。归一化必须让输入保持原样:请把 "
                f"`(images - mean) / std` 算到新张量里。",
                call=call, kata=KATA,
            )
        fail(
            f"normalize raised {seen.get('raised')} on a batch that requires grad (and not on the "
            f"same batch without grad): \"{message}\". A normaliser is part of the model, and the "
            f"model's input may require grad (a saliency map or an adversarial example "
            f"differentiates with respect to the image): stay with torch operations, "
            f"`(images - mean) / std`, with no `.numpy()` on the way.",
            f"normalize 在需要梯度的批量上抛出了 {seen.get('raised')}(同一个批量不需要梯度时却不会):"
            f"\"{message}\"。归一化是模型的一部分,而模型的输入可能需要梯度(显著图、对抗样本都要对图像"
            f"求导):请只用 torch 的运算,`(images - mean) / std`,中途不要 `.numpy()`。",
            call=call, kata=KATA,
        )
    out = field(seen, "out")
    check_output(out, case["batch"], call)
    expect(
        field(seen, "batch_unchanged") is True,
        "normalize changed the batch in place"
        + (" and returned it" if field(seen, "same_object") is True else "")
        + ": the caller's data must stay as they were (normalised twice, they would be wrong the "
          "second time), and a change made through `.data` or under `torch.no_grad()` hides it "
          "from autograd, so the gradient is wrong too. Compute `(images - mean) / std` into a "
          "new tensor.",
        "normalize 原地修改了批量" + ("并把它返回了" if field(seen, "same_object") is True else "")
        + ":调用方的数据必须保持原样(否则再归一化一次就错了);而通过 `.data` 或在 "
          "`torch.no_grad()` 下做的修改,autograd 看不到,梯度也就错了。请把 `(images - mean) / std` "
          "算到新张量里。",
        call=call, kata=KATA,
    )
    train = images(case, "train", case["train"])
    f = exact(train)
    x = images(case, "batch", case["batch"]).double()
    dtypes = (case["train"]["dtype"], case["batch"]["dtype"])
    check_normalized(out, x, case["batch"], f, dtypes, call, train=train.double())
    expect(
        isinstance(out, Seen) and out.requires_grad,
        "the result does not carry the gradient back to the batch (it does not require grad): it "
        "was computed outside autograd (under `torch.no_grad()`, from `images.detach()` or "
        "`.data`, or through NumPy). `(images - mean) / std` in torch keeps the graph.",
        "结果没有把梯度传回批量(它不需要梯度):它是在 autograd 之外算的(在 `torch.no_grad()` 下、"
        "从 `images.detach()` 或 `.data` 算的,或者经过了 NumPy)。用 torch 写 `(images - mean) / std` "
        "就会保留计算图。",
        call=call, got=f"requires_grad={getattr(out, 'requires_grad', None)}",
        expected="requires_grad=True", kata=KATA,
    )
    weights = torch.randn(tuple(case["batch"]["shape"]), generator=generator(case, "weights"),
                          dtype=torch.float64)
    r, c = accuracy(*dtypes)
    rel = (r + c * f.mean.abs() / f.sample).view(1, -1, 1, 1)
    grad = readable(field(seen, "grad"))
    wants = [weights / s.view(1, -1, 1, 1) for s in (f.sample, f.pop)]
    ok = grad is not None and any(
        grad.shape == w.shape and bool(((grad - w).abs() <= rel * (w.abs() + w.abs().mean())).all())
        for w in wants)
    expect(
        ok,
        "the gradient that reached the batch is not 1 / std of each value's channel (times the "
        "gradient from above): d((x - mean) / std) / dx = 1 / std.",
        "传回批量的梯度不是每个数值所在通道的 1 / std(乘以上游传来的梯度):"
        "d((x - mean) / std) / dx = 1 / std。",
        call=call, got=safe(field(seen, "grad")), expected=wants[0], kata=KATA,
    )


@claim(normalized)
def test_fit_normalizer_and_normalize_leave_their_inputs_unchanged(case, seen):
    call = fit_call(case)
    check_callable(seen, call)
    train = images(case, "train", case["train"]).detach()
    if field(seen, "train_unchanged") is not True:
        after = readable(field(seen, "train_after"))
        f = exact(train)
        how_en = how_zh = ""
        if after is not None and after.shape == train.shape and normalised_agree_plain(
                after, normalised(train.double(), f), 1e-2):
            how_en = " It now holds the training images normalised: they were normalised in place."
            how_zh = "它现在存的是归一化后的训练图像:训练图像被原地归一化了。"
        fail(
            f"fit_normalizer changed the training images it was given: fitting only reads them."
            f"{how_en} Compute the figures into new tensors, and leave `train_images` as it was.",
            f"fit_normalizer 修改了传入的训练图像:拟合只应当读取它们。{how_zh}请把统计量算到新张量里,让 "
            f"`train_images` 保持原样。",
            call=call, kata=KATA,
        )
    if field(seen, "batch_unchanged") is True:
        return
    batch = images(case, "batch", case["batch"]).double()
    after = readable(field(seen, "batch_after"))
    f = exact(train)
    in_place = after is not None and after.shape == batch.shape and normalised_agree_plain(
        after, normalised(batch, f), 1e-2)
    note_en = note_zh = ""
    if in_place:
        note_en = (" It now holds the normalised values: the batch was normalised in place"
                   + (" and returned as the result." if field(seen, "same_object") is True else ".")
                   + f" If you took `x = images.float()` (or `.to(...)`) for a copy: it returns the "
                     f"same tensor when the dtype is already {case['batch']['dtype']}.")
        note_zh = ("它现在存的是归一化后的值:批量被原地归一化了"
                   + ("并被当作结果返回。" if field(seen, "same_object") is True else "。")
                   + f"如果你用 `x = images.float()`(或 `.to(...)`)来得到副本:当 dtype 已经是 "
                     f"{case['batch']['dtype']} 时,它返回的就是同一个张量。")
    fail(
        f"the input images were changed in place: normalising must return new tensors and leave "
        f"the caller's data as it was (normalised twice, it would be wrong the second time)."
        f"{note_en} Compute `(images - mean) / std` into a new tensor (`images.clone()` first if "
        f"you want to work in place).",
        f"输入图像被原地修改了:归一化应当返回新张量,让调用方的数据保持原样(否则再归一化一次就错了)。"
        f"{note_zh}请把 `(images - mean) / std` 算到新张量里(想原地计算,先 `images.clone()`)。",
        call=call, got=after if after is not None else None,
        expected=batch if after is not None else None, kata=KATA,
    )


@claim(normalized)
def test_fit_normalizer_returns_a_normaliser_of_the_batchs_shape_and_dtype(case, seen):
    call = fit_call(case)
    check_callable(seen, call)
    check_output(field(seen, "out"), case["batch"], call)


@claim(normalized)
def test_normalize_applies_the_training_figures_to_every_channel(case, seen):
    call = fit_call(case)
    check_callable(seen, call)
    out = field(seen, "out")
    check_output(out, case["batch"], call)
    train = images(case, "train", case["train"]).detach()
    x = images(case, "batch", case["batch"]).double()
    check_normalized(out, x, case["batch"], exact(train),
                     (case["train"]["dtype"], case["batch"]["dtype"]), call, train=train.double())


@claim(normalized)
def test_normalize_gives_an_image_the_same_values_alone_or_in_a_batch(case, seen):
    check_callable(seen, fit_call(case))
    train = images(case, "train", case["train"]).detach()
    f = exact(train)
    x = images(case, "batch", case["batch"]).double()
    dtypes = (case["train"]["dtype"], case["batch"]["dtype"])
    r, c = accuracy(*dtypes)
    together = readable(field(seen, "out"))
    if together is not None and together.shape != x.shape:
        together = None

    def as_in_the_batch(values, rows) -> bool:
        """The same values as the call on the whole batch gave those images."""
        return together is not None and values is not None and \
            values.shape == together[rows].shape and bool(
                ((values - together[rows]).abs() <= r * (1 + together[rows].abs())).all())

    alone = field(seen, "alone", [])
    for i, got in zip(alone_indices(x.shape[0]), alone if isinstance(alone, list) else []):
        call = fit_call(case, f"normalize(batch[{i}:{i + 1}]), image {i} alone")
        one = {**case["batch"], "shape": [1, *case["batch"]["shape"][1:]]}
        check_output(got, one, call, what_en=f"normalize(batch[{i}:{i + 1}])",
                     what_zh=f"normalize(batch[{i}:{i + 1}])")
        values = readable(got)
        if values is not None and normalised_agree(values, x[i:i + 1], f, r, c):
            continue
        own = exact(x[i:i + 1]) if x.shape[2] * x.shape[3] > 1 else None
        if values is not None and own is not None and normalised_agree(values, x[i:i + 1], own,
                                                                        r, c):
            fail(
                f"image {i} alone was normalised with its own statistics: a batch of one has no "
                f"other images to compare with, so its values come out with mean 0 and std 1 "
                f"whatever the image. The training figures, fixed when fitting, give an image the "
                f"same values alone or in a batch.",
                f"第 {i} 张图像单独归一化时用的是它自己的统计量:只有一张图像的批量无从比较,不管是什么图像,"
                f"结果都是均值 0、标准差 1。拟合时固定下来的训练集统计量,才能让一张图像单独处理和放在批量里"
                f"得到相同的值。",
                call=call, got=safe(got), expected=normalised(x[i:i + 1], f), kata=KATA,
            )
        if as_in_the_batch(values, slice(i, i + 1)):
            # the same values as in its batch: no batch dependence, the values themselves are off
            check_normalized(got, x[i:i + 1], one, f, dtypes, call, train=train.double(),
                             en_what=f"image {i} alone", zh_what=f"单独的第 {i} 张图像")
        fail(
            f"image {i} gives other values alone than in its batch of {x.shape[0]}: the "
            f"normalisation depends on the batch an image comes in. Use the training set's "
            f"statistics, fixed when fitting, and nothing of the batch.",
            f"第 {i} 张图像单独归一化的结果和它在 {x.shape[0]} 张图像的批量里的结果不同:归一化依赖于图像所在"
            f"的批量了。请使用拟合时固定下来的训练集统计量,不要用批量的任何东西。",
            call=call, got=safe(got),
            expected=together[i:i + 1] if together is not None else normalised(x[i:i + 1], f),
            kata=KATA,
        )
    again = readable(field(seen, "again"))
    call = fit_call(case, "normalize(batch) a second time")
    if again is not None and normalised_agree(again, x, f, r, c):
        return
    if as_in_the_batch(again, slice(None)):
        check_normalized(again, x, case["batch"], f, dtypes, call, train=train.double())
    fail(
        "called a second time on the same batch, normalize gave other values than the first "
        "time: it must keep no state between calls (a running figure, a cached result).",
        "对同一个批量第二次调用 normalize,结果和第一次不同:两次调用之间不能保留任何状态(滚动更新的统计量、"
        "缓存的结果)。",
        call=call, got=safe(field(seen, "again")),
        expected=together if together is not None else normalised(x, f), kata=KATA,
    )


# --- the figures are fixed when fitting -------------------------------------------------------

FIXED_EXAMPLES = [
    {"seed": 0, "train": image([40, 3, 4, 5]), "other": image([40, 3, 4, 5], offset=2.0,
                                                                spread=3.0),
     "batch": image([6, 3, 4, 5])},
    {"seed": 1, "train": image([30, 2, 3, 3], "float64", "transposed"),
     "other": image([30, 2, 3, 3], "float64", offset=-1.0), "batch": image([1, 2, 3, 3], "float64")},
]


@st.composite
def fixed_cases(draw):
    family = (*draw(st.sampled_from(ORDINARY)), FLOATS)
    c, h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    layouts = LAYOUTS[:-1]  # the training images are changed in place: not an expanded one
    return {"seed": draw(st.integers(0, 2**31 - 1)),
            "train": draw(image_descs(shape=[draw(st.integers(2, 12)), c, h, w], family=family,
                                      layouts=layouts)),
            "other": draw(image_descs(shape=[draw(st.integers(2, 12)), c, h, w],
                                      family=(2.0, 3.0, FLOATS))),
            "batch": draw(image_descs(shape=[draw(st.integers(1, 5)), c, h, w], family=family))}


def changed_train(case) -> torch.Tensor:
    """The training images as the caller changes them after fitting (a reused buffer)."""
    train = images(case, "train", case["train"])
    with torch.no_grad():
        train.mul_(3.0).add_(2.0 * float(case["train"].get("spread", 1.0)))
    return train


@observe(examples=FIXED_EXAMPLES, draw=fixed_cases())
def fixed_at_fit(kata, case):
    train = images(case, "train", case["train"])
    normalize = kata.fit_normalizer(train)
    if not callable(normalize):
        return {"callable": False, "returned": returned(normalize)}
    with torch.no_grad():  # the caller reuses its buffer for something else
        train.mul_(3.0).add_(2.0 * float(case["train"].get("spread", 1.0)))
    batch = functools.partial(images, case, "batch", case["batch"])
    after_change = attempt(normalize, batch())
    other = kata.fit_normalizer(images(case, "other", case["other"]))
    after_other = attempt(normalize, batch())
    if not callable(other):
        return {"callable": False, "returned": returned(other)}
    return {"callable": True, "after_change": after_change, "after_other": after_other,
            "by_other": attempt(other, batch())}


@claim(fixed_at_fit)
def test_the_figures_are_fixed_when_fitting(case, seen):
    check_callable(seen, "normalize = fit_normalizer(train)")
    train = images(case, "train", case["train"]).detach()
    f = exact(train)
    x = images(case, "batch", case["batch"]).double()
    dtypes = (case["train"]["dtype"], case["batch"]["dtype"])
    r, c = accuracy(*dtypes)
    en_t, en_o, en_b = (words(case[k])[0] for k in ("train", "other", "batch"))
    changed = exact(changed_train(case))
    other = exact(images(case, "other", case["other"]))
    call = (f"normalize = fit_normalizer(train); train.mul_(3).add_(...); normalize(batch), "
            f"train: {en_t}; batch: {en_b}")
    got = field(seen, "after_change")
    check_output(got, case["batch"], call)
    if not normalised_agree(readable(got), x, f, r, c):
        if normalised_agree(readable(got), x, changed, r, c):
            fail(
                "after the training images were changed in place, normalize followed them: it "
                "computes the figures from `train_images` when it is called (or keeps a view of "
                "them), so they were not fixed when fitting. Compute `channel_stats(train_images)` "
                "in fit_normalizer, once, and keep the figures, not the images.",
                "训练图像被原地修改之后,normalize 跟着变了:它是在被调用时才从 `train_images` 计算统计量的"
                "(或者保留了它们的视图),所以统计量没有在拟合时固定下来。请在 fit_normalizer 里计算一次 "
                "`channel_stats(train_images)`,保存统计量,而不是图像。",
                call=call, got=safe(got), expected=normalised(x, f), kata=KATA,
            )
        check_normalized(got, x, case["batch"], f, dtypes, call, train=train.double())
    call = (f"normalize = fit_normalizer(train); other = fit_normalizer(other_images); "
            f"normalize(batch), train: {en_t}; other_images: {en_o}; batch: {en_b}")
    got = field(seen, "after_other")
    check_output(got, case["batch"], call)
    if not normalised_agree(readable(got), x, f, r, c):
        if normalised_agree(readable(got), x, other, r, c):
            fail(
                "fitting a second normaliser changed the first one: it now uses the second one's "
                "figures. The figures live in one shared place (a module-level global, a class "
                "attribute) that each fit overwrites. Keep each normaliser's figures with it: in "
                "its closure, or in the attributes of its own object.",
                "拟合第二个归一化函数改变了第一个:它现在用的是第二个的统计量。统计量存放在一个共享的地方(模块级"
                "全局变量、类属性),每次拟合都会覆盖它。请让每个归一化函数保存自己的统计量:放在它的闭包里,或者"
                "它自己对象的属性里。",
                call=call, got=safe(got), expected=normalised(x, f), kata=KATA,
            )
        check_normalized(got, x, case["batch"], f, dtypes, call, train=train.double())
    call = (f"other = fit_normalizer(other_images), fitted after normalize; other(batch), "
            f"other_images: {en_o}; batch: {en_b}")
    got = field(seen, "by_other")
    check_output(got, case["batch"], call, what_en="other(images)", what_zh="other(images)")
    r2, c2 = accuracy(case["other"]["dtype"], case["batch"]["dtype"])
    if not normalised_agree(readable(got), x, other, r2, c2) and normalised_agree(
            readable(got), x, f, r, c):
        fail(
            "a second normaliser, fitted on other images, normalises with the first one's figures: "
            "something kept from the first fit (a cache, a global set once) was used again. Each "
            "fit computes the figures of the images it is given.",
            "用别的图像拟合的第二个归一化函数,用的却是第一个的统计量:第一次拟合留下的东西(缓存、只设置一次的"
            "全局变量)被重复使用了。每次拟合都要计算传入图像的统计量。",
            call=call, got=safe(got), expected=normalised(x, other), kata=KATA,
        )
    check_normalized(got, x, case["batch"], other,
                     (case["other"]["dtype"], case["batch"]["dtype"]), call,
                     train=images(case, "other", case["other"]).double())


# --- the MNIST test digits --------------------------------------------------------------------

MNIST_SAMPLE = 4000


def sample_positions(case, numel: int) -> torch.Tensor:
    return torch.randperm(numel, generator=generator(case, "sample"))[:MNIST_SAMPLE].sort().values


@observe(examples=[{"seed": 0}])
def mnist_normalized(kata, case):
    normalize = kata.fit_normalizer(mnist_subset(case, train=True))
    if not callable(normalize):
        return {"callable": False, "returned": returned(normalize)}
    test = mnist_subset(case, train=False)
    out = normalize(test)
    seen = {"callable": True, "out": small(out, 0)}
    if isinstance(out, torch.Tensor) and out.shape == test.shape:
        seen["sample"] = out.detach().reshape(-1)[sample_positions(case, test.numel())]
    return seen


@claim(mnist_normalized)
def test_the_mnist_test_digits_normalised_with_the_training_figures(case, seen):
    call = "fit_normalizer(the subset's 5,000 training digits)(its 1,000 test digits)"
    check_callable(seen, call)
    desc = image([1000, 1, 28, 28])
    check_output(field(seen, "out"), desc, call)
    test = mnist_subset(case, train=False).double()
    positions = sample_positions(case, test.numel())
    x = test.reshape(-1)[positions].reshape(-1, 1, 1, 1)
    sample = readable(field(seen, "sample"))
    check_normalized(sample.reshape(x.shape) if sample is not None and sample.numel() == len(x)
                     else field(seen, "sample"), x, {**desc, "shape": [len(x), 1, 1, 1]},
                     mnist_figures(), ("float32",), call, train=_mnist_subset(True),
                     en_what=f"the normalised test digits (at {MNIST_SAMPLE} positions drawn at "
                             f"random)",
                     zh_what=f"归一化后的测试数字(随机抽取的 {MNIST_SAMPLE} 个位置)")


# ================================================================================================
# normalize_splits
# ================================================================================================

SPLITS_EXAMPLES = [
    # three channels; validation and test sets brighter than the training set
    {"seed": 0, "train": image([20, 3, 4, 5]), "val": image([4, 3, 4, 5], offset=0.3),
     "test": image([6, 3, 4, 5], offset=0.6, spread=1.5)},
    # float64, one channel; a cropped validation set, a test set of one image
    {"seed": 1, "train": image([20, 1, 5, 5], "float64"),
     "val": image([4, 1, 5, 5], "float64", "cropped", offset=1.0),
     "test": image([1, 1, 5, 5], "float64", offset=2.0)},
    # channels-last float32 training images; float16 validation and test sets
    {"seed": 2, "train": image([20, 2, 3, 3], layout="channels_last"),
     "val": image([5, 2, 3, 3], "float16", offset=0.5), "test": image([5, 2, 3, 3], "float16",
                                                                       "transposed", offset=1.0)},
    # far from zero
    {"seed": 3, "train": image([20, 2, 3, 4], offset=1000.0),
     "val": image([4, 2, 3, 4], offset=1000.0), "test": image([4, 2, 3, 4], offset=1000.0)},
]


@st.composite
def splits_cases(draw):
    family = draw(st.sampled_from(FAMILIES))
    c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    return {"seed": draw(st.integers(0, 2**31 - 1)),
            **{k: draw(image_descs(shape=[draw(st.integers(lo, hi)), c, h, w], family=family))
               for k, lo, hi in (("train", 2, 12), ("val", 1, 5), ("test", 1, 5))}}


SPLITS = ("train", "val", "test")


def splits_of(case, prefix=""):
    return [images(case, prefix + k, case[k]) for k in SPLITS]


@observe(examples=SPLITS_EXAMPLES, draw=splits_cases())
def splits(kata, case):
    # a first call on other splits: nothing may be kept from one call to the next
    first = attempt(kata.normalize_splits, *splits_of(case, "first_"), whole=True)
    given = splits_of(case)
    before = [t.clone() for t in given]
    got = attempt(kata.normalize_splits, *given, whole=True)
    same = [unchanged(t, b) for t, b in zip(given, before)]
    return {"first": first, "got": got, "unchanged": same,
            "after": [None if ok else small(t, 1024) for t, ok in zip(given, same)]}


def splits_call(case, first=False) -> str:
    en = "; ".join(f"{k}: {words(case[k])[0]}" for k in SPLITS)
    if first:
        return f"normalize_splits(train, val, test) (a first call, on other images), {en}"
    return f"normalize_splits(train, val, test) (after a first call on other images), {en}"


def check_three(got, case, call):
    check_raised(got, call)
    expect(
        isinstance(got, dict) and got.get("len") == 3 and isinstance(got.get("items"), list),
        "normalize_splits must return `(train_n, val_n, test_n)`: a tuple (or a list) of three "
        "tensors. "
        + ("A `map` or a generator can be unpacked once, but not indexed, counted or read twice."
           if isinstance(got, dict) and got.get("type") in ("map", "generator", "filter", "zip")
           else ""),
        "normalize_splits 应当返回 `(train_n, val_n, test_n)`:由三个张量组成的元组(或列表)。"
        + ("`map` 或生成器只能解包一次,不能按下标取、不能求长度,也不能读第二遍。"
           if isinstance(got, dict) and got.get("type") in ("map", "generator", "filter", "zip")
           else ""),
        call=call, got=show_returned(got), expected="(train_n, val_n, test_n)", kata=KATA,
    )
    shapes = [shape_of(v) for v in got["items"]]
    given = [tuple(case[k]["shape"]) for k in SPLITS]
    if shapes != given and sorted(map(str, shapes)) == sorted(map(str, given)):
        fail(
            "the three splits came back in another order: return `(train_n, val_n, test_n)`, the "
            "order they are given in.",
            "三个数据集返回的顺序不对:请按传入的顺序返回 `(train_n, val_n, test_n)`。",
            call=call, got=", ".join(f"shape {s_}" for s_ in shapes),
            expected=", ".join(f"shape {s_}" for s_ in given), kata=KATA,
        )
    for name, split, value in zip(("train_n", "val_n", "test_n"), SPLITS, got["items"]):
        check_output(value, case[split], f"{call}: {name}", what_en=name, what_zh=name)


@claim(splits)
def test_normalize_splits_leaves_the_splits_unchanged(case, seen):
    same = field(seen, "unchanged")
    changed = [k for k, ok in zip(SPLITS, same if isinstance(same, list) else [False] * 3)
               if ok is not True]
    expect(
        not changed,
        f"the splits given were changed in place ({', '.join(changed)}): return normalised copies "
        f"and leave the caller's data as it was.",
        f"传入的数据集被原地修改了({', '.join(changed)}):请返回归一化后的新张量,让调用方的数据保持原样。",
        call=splits_call(case), kata=KATA,
    )


@claim(splits)
def test_normalize_splits_returns_the_three_splits_normalised(case, seen):
    check_three(field(seen, "first"), case, splits_call(case, first=True))
    check_three(field(seen, "got"), case, splits_call(case))


@claim(splits)
def test_normalize_splits_uses_the_training_statistics_for_every_split(case, seen):
    for first in (True, False):
        prefix = "first_" if first else ""
        call = splits_call(case, first=first)
        got = field(seen, "first" if first else "got")
        check_three(got, case, call)
        train, val, test = (t.detach().double() for t in splits_of(case, prefix))
        f = exact(train)

        def leak(name_en, name_zh, data):
            return (exact(data), (
                f"normalised with the statistics of {name_en}: a leak. The figures must come from "
                f"the training set alone and be applied unchanged to validation and test data, as "
                f"the MNIST example's Normalize((0.1307,), (0.3081,)) applies the training set's "
                f"figures to the test set. Otherwise the evaluation has already seen the data it "
                f"evaluates on.",
                f"用{name_zh}的统计量做了归一化:这是数据泄漏。统计量只能来自训练集,并原样用于验证集和测试集,"
                f"就像 MNIST 示例的 Normalize((0.1307,), (0.3081,)) 把训练集的数值用在测试集上一样。"
                f"否则评估时就已经见过要评估的数据了。",
            ))

        others = [
            leak("the whole data set (train, validation and test together)",
                 "整个数据集(训练、验证、测试合在一起)", torch.cat([train, val, test])),
            leak("the training and validation sets together", "训练集加验证集",
                 torch.cat([train, val])),
            leak("the training and test sets together", "训练集加测试集", torch.cat([train, test])),
            leak("the validation and test sets together", "验证集加测试集", torch.cat([val, test])),
            leak("the test set", "测试集", test),
            leak("the validation set", "验证集", val),
        ]
        if not first:
            earlier = images(case, "first_train", case["train"]).detach().double()
            others.append((exact(earlier), (
                "normalised with the training figures of the previous call: something was kept "
                "from one call to the next (a normaliser fitted once and cached, a global). Fit on "
                "the `train` of each call.",
                "用的是上一次调用的训练集统计量:有东西在两次调用之间被保留了下来(只拟合一次并缓存的归一化函数、"
                "全局变量)。每次调用都要在这次的 `train` 上拟合。",
            )))
        for name, split, data, part in zip(("train_n", "val_n", "test_n"), SPLITS,
                                           (train, val, test), got["items"]):
            check_normalized(part, data, case[split], f, (case["train"]["dtype"],
                                                          case[split]["dtype"]),
                             f"{call}: {name}, the {split} split normalised", train=train,
                             others=others, en_what=name, zh_what=name)
