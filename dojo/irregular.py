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

# --- models in mixed modes (no_grad, train_eval_mode) -------------------------------------------
#
# An evaluation switches every module to eval mode and gives each one back the mode it had. Real
# models nest containers and modules of their own classes, keep a BatchNorm frozen in eval inside
# a model that trains, freeze some parameters, take several inputs, run in float64. `model(desc)`
# builds such a model from plain data, the same on every machine: `{"kind": "nested", "seed": 3,
# "dtype": "float32", "frozen": False, "modes": "frozen_norm"}`; `set_modes(model, setup)` puts
# it in one of the mixed setups (chosen by module order, never by attribute name); `model_input`
# builds a batch for it.

MODEL_KINDS = ("mixed", "nested", "custom", "conv", "pair")
MODE_SETUPS = ("train", "eval", "frozen_norm", "eval_one_block_train")
MODEL_WORDS = {
    "mixed": ("a Sequential with dropout and two batch norms",
              "带 dropout 和两个 batch norm 的 Sequential"),
    "nested": ("a nested model (Sequential in Sequential, a ModuleList and a ModuleDict in a "
               "module of the test's own class)",
               "嵌套的模型(Sequential 套 Sequential,测试自定义类的模块里有 ModuleList 和 ModuleDict)"),
    "custom": ("a model with a layer of its own class that behaves otherwise in train mode",
               "含一个自定义类的层的模型,这个层在训练模式下行为不同"),
    "conv": ("a small conv net (Conv2d, BatchNorm2d, Dropout2d)",
             "一个小卷积网络(Conv2d、BatchNorm2d、Dropout2d)"),
    "pair": ("a model of two inputs, called with a pair `(a, b)`",
             "有两个输入的模型,以二元组 `(a, b)` 调用"),
}
SETUP_WORDS = {
    "train": ("in train mode", "处于训练模式"),
    "eval": ("in eval mode", "处于评估模式"),
    "frozen_norm": ("in train mode with a batch norm frozen in eval",
                    "处于训练模式,其中一个 batch norm 冻结在评估模式"),
    "eval_one_block_train": ("in eval mode but for one block in train, a batch norm inside it "
                             "frozen in eval",
                             "处于评估模式,但其中一个模块在训练模式,其内部的一个 batch norm 冻结在评估模式"),
}
IMAGE = (2, 4, 4)  # channels, height, width of the conv net's images


def model_cases(*, kinds=MODEL_KINDS, setups=MODE_SETUPS, dtypes=("float32", "float64")):
    """A strategy of model descriptions for `model()`."""
    return st.fixed_dictionaries({
        "kind": st.sampled_from(kinds),
        "seed": seeds(),
        "dtype": st.sampled_from(dtypes),
        "frozen": st.booleans(),
        "modes": st.sampled_from(setups),
    })


def _is_norm(module) -> bool:
    from torch import nn

    return isinstance(module, nn.modules.batchnorm._BatchNorm)


def model(desc: dict):
    """The model a description names, its parameters drawn from `desc["seed"]` (the global
    generator is left as it was), the running statistics of its batch norms moved off their
    defaults, put in the mode setup `desc["modes"]`. `n_in`, `n_out` (default 4, 3): features
    and classes. `frozen`: the first layer's parameters do not require grad. `dead_head`: the
    last layer's weights and bias are zero, so every class gets the same score (a tie).
    `dtype`: float32 or float64."""
    import torch
    from torch import nn

    kind = desc.get("kind", "mixed")
    n_in, n_out = int(desc.get("n_in", 4)), int(desc.get("n_out", 3))
    seed = int(desc.get("seed", 0))

    class Shift(nn.Module):
        """A layer of the test's own class: in train mode it adds 0.75 to its input (as a noise
        layer whose noise does not average out would), in eval mode it passes it on."""

        def forward(self, x):
            return x + 0.75 if self.training else x

    class Pair(nn.Module):
        """A model of two inputs: `model((a, b))`."""

        def __init__(self):
            super().__init__()
            self.left = nn.Linear(n_in, 8)
            self.right = nn.Linear(n_in, 8)
            self.norm = nn.BatchNorm1d(8)
            self.drop = nn.Dropout(0.3)
            self.head = nn.Linear(8, n_out)

        def forward(self, pair):
            a, b = pair
            return self.head(self.drop(torch.relu(self.norm(self.left(a) + self.right(b)))))

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "nested":
            from dojo.diagnose import nested_model

            net = nested_model(n_in, n_out, seed=seed)
        elif kind == "custom":
            net = nn.Sequential(nn.Linear(n_in, 16), Shift(), nn.ReLU(), nn.Dropout(0.3),
                                nn.Linear(16, n_out))
        elif kind == "conv":
            c, h, w = IMAGE
            net = nn.Sequential(nn.Conv2d(c, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                nn.Dropout2d(0.5), nn.Flatten(), nn.Linear(4 * h * w, n_out))
        elif kind == "pair":
            net = Pair()
        else:
            net = nn.Sequential(nn.Linear(n_in, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                nn.Dropout(0.5), nn.Linear(16, 8), nn.BatchNorm1d(8),
                                nn.Linear(8, n_out))
        if desc.get("dtype", "float32") == "float64":
            net = net.double()
        gen = torch.Generator().manual_seed(seed + 1)
        net.train()
        with torch.no_grad():
            for _ in range(3):  # move the running statistics off their defaults
                net(model_input(desc, {"n": 32, "seed": 0, "scale": 2.0, "offset": 1.0},
                                generator=gen))
    if desc.get("dead_head"):
        last = [m for m in net.modules() if isinstance(m, nn.Linear)][-1]
        with torch.no_grad():
            last.weight.zero_()
            last.bias.zero_()
    if desc.get("frozen"):
        first = next(m for m in net.modules() if isinstance(m, (nn.Linear, nn.Conv2d)))
        first.requires_grad_(False)
    set_modes(net, desc.get("modes", "train"))
    return net


def set_modes(net, setup: str) -> None:
    """Put a model in a mode setup: "train", "eval", "frozen_norm" (train, its last batch norm
    in eval), "eval_one_block_train" (eval, its first container in train, the first batch norm
    inside that container in eval). Modules are chosen by their order in `modules()`."""
    modules = list(net.modules())
    if setup == "eval":
        net.eval()
        return
    net.train()
    if setup == "frozen_norm":
        norms = [m for m in modules if _is_norm(m)] or modules[-1:]
        norms[-1].eval()
    elif setup == "eval_one_block_train":
        net.eval()
        blocks = [m for m in modules[1:] if list(m.children())] or modules[1:2] or modules[:1]
        block = blocks[0]
        block.train()
        inside = [m for m in block.modules() if _is_norm(m)]
        if inside:
            inside[0].eval()


def model_input(model_desc: dict, desc: dict, generator=None):
    """A batch for a model a description names: `desc` = {"n": batch size, "seed", "dtype"
    (default: the model's), "layout", "scale", "offset", "requires_grad"}. Rows of `n_in`
    features (a pair of them for "pair"), or images (n, *IMAGE) for "conv" (layout
    "channels_last" allowed)."""
    kind = model_desc.get("kind", "mixed")
    n = int(desc.get("n", 8))
    shape = [n, *IMAGE] if kind == "conv" else [n, int(model_desc.get("n_in", 4))]
    base = {"shape": shape, "dtype": desc.get("dtype", model_desc.get("dtype", "float32")),
            "layout": desc.get("layout", "contiguous"), "seed": int(desc.get("seed", 0)),
            "scale": desc.get("scale", 1.0), "offset": desc.get("offset", 0.0)}
    if base["layout"] == "channels_last" and kind != "conv":
        base["layout"] = "contiguous"

    def one(extra):
        x = tensor({**base, "seed": base["seed"] + extra}, generator=generator)
        return x.requires_grad_() if desc.get("requires_grad") else x

    if kind == "pair":
        return (one(0), one(1))
    return one(0)


def describe_model(desc: dict) -> tuple[str, str]:
    """A model description in words: 'a nested model ... in train mode with a batch norm frozen
    in eval, float64, its first layer frozen'."""
    en, zh = MODEL_WORDS.get(desc.get("kind", "mixed"), ("a model", "一个模型"))
    mode_en, mode_zh = SETUP_WORDS.get(desc.get("modes", "train"), ("", ""))
    extra_en, extra_zh = [], []
    if desc.get("dtype", "float32") != "float32":
        extra_en.append(desc["dtype"])
        extra_zh.append(desc["dtype"])
    if desc.get("frozen"):
        extra_en.append("its first layer frozen (requires_grad=False)")
        extra_zh.append("第一层被冻结(requires_grad=False)")
    if desc.get("dead_head"):
        extra_en.append("every class scored the same (a tie)")
        extra_zh.append("每个类别得分相同(平局)")
    return (f"{en}, {mode_en}" + "".join(f", {e}" for e in extra_en),
            f"{zh},{mode_zh}" + "".join(f",{e}" for e in extra_zh))
