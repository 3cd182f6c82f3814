"""Irregular inputs, in one place: the hypothesis strategies that kata specs draw cases from,
and the builders that turn a case's plain description into tensors.

A learner's code meets inputs that a test writer forgets: float64, float16 and bfloat16;
non-contiguous tensors (transposed, sliced, expanded) and channels-last images; a batch of 1;
values far from zero or very large; a second call; a generator where a list was expected.
docs/CONTRIBUTING.md has the checklist; every kata's spec goes through it.

A case describes a tensor in plain data (so that it can cross to the grader and be rebuilt there
exactly): `{"shape": [3, 2], "dtype": "float64", "layout": "transposed", "seed": 7,
"scale": 1.0, "offset": 0.0}`. `tensor(desc)` builds it, the same on every machine.
"""

from __future__ import annotations

from hypothesis import strategies as st

FLOATS = ("float32", "float64", "float16", "bfloat16")
LAYOUTS = ("contiguous", "transposed", "sliced", "expanded")

# what a correct float computation in each dtype gives (relative, absolute)
TOLERANCE = {
    "float64": (1e-9, 1e-12),
    "float32": (1e-5, 1e-6),
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}

WORDS = {
    "contiguous": ("", ""),
    "transposed": ("transposed (non-contiguous) ", "转置过的(非连续)"),
    "sliced": ("sliced (non-contiguous, every other element) ", "切片得到的(非连续,隔一个取一个)"),
    "expanded": ("expanded (stride 0) ", "expand 出来的(步长为 0)"),
    "channels_last": ("channels-last ", "channels-last 的"),
}


def seeds():
    return st.integers(0, 2**31 - 1)


def float_dtypes(*, low: bool = True):
    """float32 and float64, and float16 and bfloat16 unless `low=False`."""
    return st.sampled_from(FLOATS if low else FLOATS[:2])


def shapes(*, min_dims: int = 1, max_dims: int = 3, min_side: int = 1, max_side: int = 5):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims)


def layouts(*, expanded: bool = False):
    """How a tensor sits in memory. `expanded` ones share memory between elements (stride 0),
    so nothing may write into them in place: only for inputs that are read."""
    return st.sampled_from(LAYOUTS if expanded else LAYOUTS[:3])


def tensors(*, shape=None, dtype=None, layout=None, scale=None, offset=None):
    """A strategy of tensor descriptions (plain dicts) for `tensor()`."""
    return st.fixed_dictionaries({
        "shape": shape if shape is not None else shapes(),
        "dtype": dtype if dtype is not None else float_dtypes(),
        "layout": layout if layout is not None else layouts(),
        "seed": seeds(),
        "scale": scale if scale is not None else st.just(1.0),
        "offset": offset if offset is not None else st.just(0.0),
    })


def dtype(name: str):
    import torch

    return getattr(torch, name)


def tolerance(name: str) -> tuple[float, float]:
    return TOLERANCE.get(name, TOLERANCE["float32"])


def tensor(desc: dict, generator=None):
    """The tensor a description names: values `randn * scale + offset` drawn in float64 from
    `desc["seed"]` (or the generator given), then cast to its dtype and laid out as it says.
    The same description gives the same tensor everywhere."""
    import torch

    gen = generator if generator is not None else torch.Generator().manual_seed(int(desc["seed"]))
    shape = [int(s) for s in desc["shape"]]
    layout = desc.get("layout", "contiguous")
    kind = dtype(desc.get("dtype", "float32"))
    scale, offset = float(desc.get("scale", 1.0)), float(desc.get("offset", 0.0))

    def values(*size):
        return (torch.randn(size, generator=gen, dtype=torch.float64) * scale + offset).to(kind)

    if layout == "transposed" and len(shape) >= 2:
        return values(*shape[:-2], shape[-1], shape[-2]).transpose(-1, -2)
    if layout in ("transposed", "sliced"):
        if not shape:
            return values()
        base = values(*shape[:-1], 2 * shape[-1])
        return base[..., ::2]
    if layout == "expanded" and shape:
        return values(*shape[:-1], 1).expand(*shape)
    if layout == "channels_last" and len(shape) == 4:
        return values(*shape).contiguous(memory_format=torch.channels_last)
    return values(*shape)


def describe(desc: dict) -> tuple[str, str]:
    """A tensor description in words, English and 中文: 'a float64 transposed (non-contiguous)
    tensor of shape (3, 2)'."""
    shape = tuple(int(s) for s in desc.get("shape", ()))
    kind = desc.get("dtype", "float32")
    en_layout, zh_layout = WORDS.get(desc.get("layout", "contiguous"), ("", ""))
    far = ""
    zh_far = ""
    if float(desc.get("offset", 0.0)) or float(desc.get("scale", 1.0)) != 1.0:
        far = f" (values around {desc.get('offset', 0.0):g}, spread {desc.get('scale', 1.0):g})"
        zh_far = f"(数值在 {desc.get('offset', 0.0):g} 附近,离散程度 {desc.get('scale', 1.0):g})"
    return (f"a {kind} {en_layout}tensor of shape {shape}{far}",
            f"形状为 {shape} 的 {kind} {zh_layout}张量{zh_far}")


# --- any dtype: integers and bool too, values exactly (view_vs_permute) ------------------------
#
# A function that only moves elements (a permute, a gather, a copy) must work for every dtype and
# give back every value as it was: uint8 images straight from PIL, int64 beyond float32's 2**24
# (and float64's 2**53), bool masks, nan, inf and -0.0. `filled` makes such values from a
# generator, `exactly` compares them without a tolerance.

INTEGERS = ("int64", "int32", "int16", "int8", "uint8")
ALL_DTYPES = FLOATS + INTEGERS + ("bool",)


def any_dtypes(*, floats: bool = True, integers: bool = True, bools: bool = True):
    """Every dtype a move must keep: the floats, the integers, bool."""
    names = (FLOATS if floats else ()) + (INTEGERS if integers else ()) + (
        ("bool",) if bools else ())
    return st.sampled_from(names)


def filled(shape, name: str, generator, *, specials: bool = False):
    """A tensor of dtype `name` and `shape` whose values span what the dtype holds, drawn from
    `generator`: floats `randn` (with `specials`, some of them nan, inf, -inf, -0.0 and values
    near the dtype's largest and smallest), integers over the whole range of the dtype (int64
    beyond 2**53: a round trip through any float loses them), bools at random."""
    import math

    import torch

    shape = tuple(int(s) for s in shape)
    kind = dtype(name)
    if kind == torch.bool:
        return torch.randint(0, 2, shape, generator=generator).bool()
    if not kind.is_floating_point:
        info = torch.iinfo(kind)
        low, high = (-2**62, 2**62) if kind == torch.int64 else (info.min, info.max + 1)
        return torch.randint(low, high, shape, generator=generator, dtype=torch.int64).to(kind)
    out = torch.randn(shape, generator=generator, dtype=torch.float64)
    if specials and out.numel():
        info = torch.finfo(kind)
        odd = [math.nan, math.inf, -math.inf, -0.0, info.max / 2, -info.max / 2, info.tiny]
        picks = torch.randperm(out.numel(), generator=generator)[:len(odd)]
        flat = out.view(-1)
        for i, value in zip(picks.tolist(), odd):
            flat[i] = value
    return out.to(kind)


def exactly(a, b) -> bool:
    """Whether two tensors (or `Seen`s) hold the same values: the same dtype and shape, and every
    value the same, nan where nan, and -0.0 where -0.0."""
    import torch

    from dojo.spec import Seen

    try:  # a Seen's values may not fit its dtype (sent by anyone): not equal, never a crash
        a = a.tensor if isinstance(a, Seen) else a
        b = b.tensor if isinstance(b, Seen) else b
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return False
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        return False
    a, b = a.detach().cpu(), b.detach().cpu()
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if not a.dtype.is_floating_point:
        return torch.equal(a, b)
    a, b = a.double(), b.double()
    both_nan = a.isnan() & b.isnan()
    same = (a == b) & (torch.signbit(a) == torch.signbit(b))  # -0.0 is not 0.0 here
    return bool((same | both_nan).all())

# --- given values, laid out (logits_not_probabilities) -----------------------------------------


def laid_out(values, layout: str):
    """Values a case has already built (of any dtype, with any autograd history), handed over in
    the memory layout a case names: "transposed" (a non-contiguous view of a transposed copy),
    "sliced" (every other element of a buffer twice as wide), "expanded" (the first slice along
    dim 0 broadcast over that dim: stride 0, so the values become that slice repeated), or
    as they are. Differentiable: a gradient reaches `values` through the view. 0-dim values
    stay as they are; 1-d ones are sliced where "transposed" is asked."""
    import torch

    if values.dim() == 0 or layout not in ("transposed", "sliced", "expanded"):
        return values
    if layout == "transposed" and values.dim() >= 2:
        return values.transpose(-1, -2).contiguous().transpose(-1, -2)
    if layout == "expanded":
        return values.narrow(0, 0, 1).expand(values.shape)
    wide = torch.stack([values, torch.zeros_like(values)], dim=-1).flatten(-2)
    return wide[..., ::2]
