"""normalize_with_train_stats: the figures against data the test builds (channels of different
means and spreads, images of different brightness, splits that differ), and the MNIST subset's
figures against the PyTorch MNIST example's Normalize((0.1307,), (0.3081,))."""

import functools

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dojo import mnist_data
from dojo.testing import close, expect, fail, show

KATA = "normalize_with_train_stats"

# The MNIST example's figures: the mean and std of every pixel of the 60,000 training digits
# (measured on the full set: 0.13066 and 0.30811). The shipped subset is 5,000 of them, chosen by
# class (stratified): its figures are 0.12988 and 0.30722. Over 2,000 stratified samples of 5,000
# digits drawn from the full set, the mean and std varied with a standard deviation of 0.00047
# and 0.00054 and never moved more than 0.0018 from the full set's: 0.002 is about four standard
# errors of such a sample.
MNIST_MEAN, MNIST_STD, SUBSET_TOLERANCE = 0.1307, 0.3081, 0.002


def make_images(n, *, c=3, h=4, w=5, shift=0.0, scale=1.0, seed=0):
    """(n, c, h, w) images: channels with different means and spreads, a pattern across the
    width, and a brightness of its own for each image (so that the per-image and per-pixel
    spreads differ from the spread of all the pixels)."""
    gen = torch.Generator().manual_seed(seed)
    channel_mean = torch.linspace(0.2, 0.8, c).view(1, c, 1, 1)
    channel_std = torch.linspace(0.05, 0.3, c).view(1, c, 1, 1)
    pattern = torch.linspace(-0.3, 0.3, w).view(1, 1, 1, w)
    brightness = 0.2 * torch.randn(n, 1, 1, 1, generator=gen)
    noise = torch.randn(n, c, h, w, generator=gen)
    return (channel_mean + channel_std * noise + pattern + brightness) * scale + shift


def stats64(images):
    """The test's own figures, in float64: mean and the two accepted stds (without and with
    Bessel's correction), each (C,)."""
    x = images.double()
    n = x.numel() // x.shape[1]
    var, mean = torch.var_mean(x, dim=(0, 2, 3), correction=0)
    return mean, var.sqrt(), (var * n / max(n - 1, 1)).sqrt()


def one_of(got, candidates, **tol):
    return any(close(got, want, **tol) for want in candidates)


# --- channel_stats ------------------------------------------------------------------------------


def call_stats(kata, images, call):
    got = kata.channel_stats(images)
    c = images.shape[1]
    ok = isinstance(got, (tuple, list)) and len(got) == 2
    ok = ok and all(isinstance(t, torch.Tensor) for t in got)
    expect(
        ok,
        "channel_stats must return `(mean, std)`, two tensors.",
        "channel_stats 应当返回 `(mean, std)` 两个张量。",
        call=call, got=show(got), kata=KATA,
    )
    mean, std = got
    expect(
        mean.shape == (c,) and std.shape == (c,),
        f"the mean and the std must each have one value per channel, shape (C,) = ({c},): "
        f"reduce over the batch, the height and the width (axes 0, 2 and 3) and keep the channel "
        f"axis. A single number mixes the channels; a shape with N, H or W in it was reduced over "
        f"the wrong axes.",
        f"均值和标准差都应当每个通道一个值,形状为 (C,) = ({c},):在批量、高、宽三个轴(0、2、3)上"
        f"归约,保留通道轴。只得到一个数,说明把各通道混在了一起;形状里还有 N、H 或 W,说明归约的轴不对。",
        call=call,
        got=f"mean of shape {tuple(mean.shape)}, std of shape {tuple(std.shape)}",
        expected=f"both of shape ({c},)",
        kata=KATA,
    )
    return mean, std


def check_stats(mean, std, images, call, rtol=1e-4, atol=1e-5):
    """Fail, naming the pitfall, unless (mean, std) are the per-channel figures of `images`."""
    want_mean, pop, sample = stats64(images)
    tol = dict(rtol=rtol, atol=atol)
    expect(
        close(mean, want_mean, **tol),
        "the mean is not the mean of each channel over every pixel of every image "
        "(`images.mean(dim=(0, 2, 3))`).",
        "均值不是每个通道在所有图像、所有像素上的平均值(`images.mean(dim=(0, 2, 3))`)。",
        call=call, got=mean, expected=want_mean, kata=KATA,
    )
    if one_of(std, (pop, sample), **tol):
        return
    x = images.double()
    per_image = [x.std(dim=(2, 3), correction=k).mean(0) for k in (0, 1)]
    per_pixel = [x.std(dim=0, correction=k).mean(dim=(1, 2)) for k in (0, 1)]
    if one_of(std, per_image + per_pixel, **tol):
        which_en, which_zh = (
            ("the average of each image's own std (over H and W): it leaves out how the images "
             "differ from one another, in brightness for instance,",
             "每张图像自身标准差(在 H、W 上)的平均:它漏掉了图像之间的差异(比如亮度不同),")
            if one_of(std, per_image, **tol) else
            ("the average of each pixel's std across the images (over N): it leaves out how the "
             "pixels of one image differ from one another,",
             "每个像素跨图像标准差(在 N 上)的平均:它漏掉了同一张图像里像素之间的差异,")
        )
        fail(
            f"the std over the wrong axes: this is {which_en} so it is smaller than the spread of "
            f"the pixels that the normalisation must divide by. Take the std of each channel over "
            f"the batch, the height and the width at once: `images.std(dim=(0, 2, 3))`.",
            f"标准差的轴取错了:这是{which_zh}所以比归一化要除以的像素离散程度小。请对每个通道同时在批量、"
            f"高、宽上求标准差:`images.std(dim=(0, 2, 3))`。",
            call=call, got=std, expected=sample, kata=KATA,
        )
    if one_of(std, (pop**2, sample**2), **tol):
        fail(
            "this is the variance, not the standard deviation: take its square root.",
            "这是方差,不是标准差:请开平方。",
            call=call, got=std, expected=sample, kata=KATA,
        )
    fail(
        "the std is not the standard deviation of each channel over every pixel of every image "
        "(`images.std(dim=(0, 2, 3))`; with or without Bessel's correction).",
        "标准差不是每个通道在所有图像、所有像素上的标准差(`images.std(dim=(0, 2, 3))`;"
        "是否做贝塞尔校正都可以)。",
        call=call, got=std, expected=sample, kata=KATA,
    )


def test_channel_stats_of_three_channels(kata):
    images = make_images(200)
    call = "channel_stats(images of shape (200, 3, 4, 5))"
    mean, std = call_stats(kata, images, call)
    check_stats(mean, std, images, call)


@settings(max_examples=15)
@given(n=st.integers(2, 40), c=st.integers(1, 4), h=st.integers(1, 6), w=st.integers(1, 6),
       seed=st.integers(0, 2**16))
def test_channel_stats_for_any_size(kata, n, c, h, w, seed):
    images = make_images(n, c=c, h=h, w=w, seed=seed)
    call = f"channel_stats(images of shape ({n}, {c}, {h}, {w}))"
    mean, std = call_stats(kata, images, call)
    check_stats(mean, std, images, call)


@functools.lru_cache(maxsize=2)
def _mnist_subset(train):
    raw = mnist_data.prepare(subset=True) / "MNIST" / "raw"
    prefix = "train" if train else "t10k"
    images = mnist_data.read_idx(raw / f"{prefix}-images-idx3-ubyte")
    return images.unsqueeze(1).float().div(255)


def mnist_subset(train=True):
    """The shipped subset's digits as (N, 1, 28, 28) floats in [0, 1], read from its files (a
    fresh copy each time: the kata under test might change what it is given)."""
    return _mnist_subset(train).clone()


def test_channel_stats_of_the_mnist_subset_agree_with_the_mnist_example(kata):
    images = mnist_subset()
    call = "channel_stats(the 5,000 training digits of dojo/data/mnist-subset, (5000, 1, 28, 28))"
    mean, std = call_stats(kata, images, call)
    check_stats(mean, std, images, call)
    m, s = mean.item(), std.item()
    expect(
        abs(m - MNIST_MEAN) <= SUBSET_TOLERANCE and abs(s - MNIST_STD) <= SUBSET_TOLERANCE,
        f"on the training subset the figures should come within {SUBSET_TOLERANCE} of the MNIST "
        f"example's Normalize((0.1307,), (0.3081,)), the mean and std of the full training set.",
        f"在训练子集上,这两个数应与 MNIST 示例的 Normalize((0.1307,), (0.3081,))(完整训练集的均值和"
        f"标准差)相差不超过 {SUBSET_TOLERANCE}。",
        call=call,
        got=f"mean {m:.5f}, std {s:.5f}",
        expected=f"mean {MNIST_MEAN} ± {SUBSET_TOLERANCE}, std {MNIST_STD} ± {SUBSET_TOLERANCE}",
        kata=KATA,
    )


# --- fit_normalizer -----------------------------------------------------------------------------


BROADCAST_EN = (
    "the statistics were lined up with the last axis, the width, not with the channels: a tensor "
    "of shape (C,) broadcast against (M, C, H, W) pairs its values with the W axis. Shape them "
    "(1, C, 1, 1) first, e.g. `mean.view(1, -1, 1, 1)` or `mean[:, None, None]`."
)
BROADCAST_ZH = (
    "统计量对齐到了最后一个轴(宽),而不是通道:形状为 (C,) 的张量与 (M, C, H, W) 广播时,是和 W 轴配对的。"
    "请先把它们变形成 (1, C, 1, 1),例如 `mean.view(1, -1, 1, 1)` 或 `mean[:, None, None]`。"
)


def apply(fn, images, call):
    """Call a normalising function; the broadcasting error of (C,) statistics is explained."""
    before, version = images.clone(), images._version
    refused = None
    try:
        got = fn(images)
    except RuntimeError as err:
        if "must match the size of tensor" not in str(err):
            raise
        refused = err
    if refused is not None:
        fail(f"{BROADCAST_EN} (PyTorch: \"{refused}\")", f"{BROADCAST_ZH}(PyTorch:\"{refused}\")",
             call=call, kata=KATA)
    expect(
        torch.equal(images, before) and images._version == version,
        "the input images were changed in place: normalising must return new tensors and leave "
        "the caller's data as it was (normalised twice, it would be wrong the second time).",
        "输入图像被原地修改了:归一化应当返回新张量,让调用方的数据保持原样(否则再归一化一次就错了)。",
        call=call, kata=KATA,
    )
    expect(
        isinstance(got, torch.Tensor) and got.shape == images.shape,
        "a normalised batch is a tensor of the same shape as the batch.",
        "归一化后的批量应当是与原批量形状相同的张量。",
        call=call,
        got=f"shape {tuple(got.shape)}" if isinstance(got, torch.Tensor) else show(got),
        expected=f"shape {tuple(images.shape)}",
        kata=KATA,
    )
    return got


def standardized(images, stats_of):
    """`images` normalised with the statistics of `stats_of`: both accepted stds, (1, C, 1, 1)."""
    mean, pop, sample = stats64(stats_of)
    x = images.double()
    return [(x - mean.view(1, -1, 1, 1)) / s.view(1, -1, 1, 1) for s in (pop, sample)]


def check_normalized(got, images, train, call, *, others=()):
    """Fail, naming the pitfall, unless `got` is `images` normalised with the statistics of
    `train`. `others` are [(name_en, name_zh, tensor)] whose statistics would be a leak."""
    tol = dict(rtol=1e-4, atol=1e-4)
    want = standardized(images, train)
    if one_of(got, want, **tol):
        return
    for name_en, name_zh, data in others:
        if one_of(got, standardized(images, data), **tol):
            fail(
                f"normalised with the statistics of {name_en}: a leak. The figures must come from "
                f"the training set alone and be applied unchanged to validation and test data, as "
                f"the MNIST example's Normalize((0.1307,), (0.3081,)) applies the training set's "
                f"figures to the test set. Otherwise the evaluation has already seen the data it "
                f"evaluates on.",
                f"用{name_zh}的统计量做了归一化:这是数据泄漏。统计量只能来自训练集,并原样用于验证集和测试集,"
                f"就像 MNIST 示例的 Normalize((0.1307,), (0.3081,)) 把训练集的数值用在测试集上一样。"
                f"否则评估时就已经见过要评估的数据了。",
                call=call, got=got, expected=want[1], kata=KATA,
            )
    if one_of(got, standardized(images, images), **tol):
        fail(
            "normalised with the batch's own statistics: every batch comes out with mean 0 and "
            "std 1, so an image's values depend on the other images of its batch, a batch of one "
            "has no spread at all, and a test set brighter than the training set is quietly made "
            "to look like it. At evaluation, apply the training set's statistics, computed once.",
            "用批量自己的统计量做了归一化:每个批量出来都是均值 0、标准差 1,于是一张图像的值取决于同批的其他"
            "图像,只有一张图像的批量根本没有离散度,比训练集更亮的测试集也被悄悄变得像训练集一样。评估时要用"
            "训练集的统计量,只算一次。",
            call=call, got=got, expected=want[1], kata=KATA,
        )
    c, w = images.shape[1], images.shape[3]
    if c == w and c > 1:
        mean, _, sample = stats64(train)
        if close(got, (images.double() - mean) / sample, **tol):
            fail(BROADCAST_EN, BROADCAST_ZH, call=call, got=got, expected=want[1], kata=KATA)
    fail(
        "the batch is not `(images - mean) / std` per channel with the training set's mean and "
        "std (`channel_stats(train_images)`).",
        "这个批量不等于按通道计算的 `(images - mean) / std`,其中均值和标准差来自训练集"
        "(`channel_stats(train_images)`)。",
        call=call, got=got, expected=want[1], kata=KATA,
    )


def normalizer(kata, train, call):
    fn = kata.fit_normalizer(train)
    expect(
        callable(fn),
        "fit_normalizer must return a function that normalises a batch: `normalize(images)`.",
        "fit_normalizer 应当返回一个对批量做归一化的函数:`normalize(images)`。",
        call=call, got=show(fn), kata=KATA,
    )
    return fn


def test_fit_normalizer_applies_the_training_statistics_to_other_data(kata):
    train = make_images(200, seed=1)
    later = make_images(30, shift=0.4, scale=1.3, seed=2)  # brighter, more contrast
    call = "normalize = fit_normalizer(train (200, 3, 4, 5)); normalize(a brighter batch of 30)"
    normalize = normalizer(kata, train, call)
    got = apply(normalize, later, call)
    check_normalized(got, later, train, call)


def test_fit_normalizer_gives_an_image_the_same_values_alone_or_in_a_batch(kata):
    train = make_images(200, seed=3)
    batch = make_images(8, shift=0.3, seed=4)
    call = "normalize = fit_normalizer(train); normalize(batch of 8) and normalize(batch[i:i+1])"
    normalize = normalizer(kata, train, call)
    together = apply(normalize, batch, call)
    check_normalized(together, batch, train, call)
    for i in (0, 5):
        alone = apply(normalize, batch[i:i + 1], f"normalize(batch[{i}:{i + 1}])")
        expect(
            close(alone[0], together[i], rtol=1e-5, atol=1e-6),
            f"image {i} gives other values alone than in its batch: the normalisation depends on "
            f"the batch. Use the training set's statistics, fixed when fitting.",
            f"第 {i} 张图像单独归一化和在批量里归一化的结果不同:归一化依赖于批量了。请使用拟合时固定下来的"
            f"训练集统计量。",
            call=f"normalize(batch[{i}:{i + 1}])[0] against normalize(batch)[{i}]",
            got=alone[0], expected=together[i], kata=KATA,
        )


def test_fit_normalizer_lines_the_statistics_up_with_the_channels(kata):
    """Three channels and three columns: statistics broadcast along the width raise no error."""
    train = make_images(100, c=3, h=2, w=3, seed=5)
    later = make_images(10, c=3, h=2, w=3, seed=6)
    call = "normalize = fit_normalizer(train (100, 3, 2, 3)); normalize(images (10, 3, 2, 3))"
    normalize = normalizer(kata, train, call)
    check_normalized(apply(normalize, later, call), later, train, call)


def test_the_mnist_test_digits_normalised_with_the_training_figures(kata):
    train, test = mnist_subset(train=True), mnist_subset(train=False)
    call = "fit_normalizer(the subset's 5,000 training digits)(its 1,000 test digits)"
    normalize = normalizer(kata, train, call)
    got = apply(normalize, test, call)
    check_normalized(got, test, train, call)


# --- normalize_splits ---------------------------------------------------------------------------


def test_normalize_splits_uses_the_training_statistics_for_every_split(kata):
    train = make_images(200, seed=7)
    val = make_images(40, shift=0.3, seed=8)
    test = make_images(60, shift=0.6, scale=1.5, seed=9)
    call = "normalize_splits(train (200, ...), val (40, ...), test (60, ...))"
    inputs = [t.clone() for t in (train, val, test)]
    got = kata.normalize_splits(train, val, test)
    expect(
        isinstance(got, (tuple, list)) and len(got) == 3,
        "normalize_splits must return `(train_n, val_n, test_n)`.",
        "normalize_splits 应当返回 `(train_n, val_n, test_n)`。",
        call=call, got=show(got), kata=KATA,
    )
    expect(
        all(torch.equal(a, b) for a, b in zip((train, val, test), inputs)),
        "the splits given were changed in place: return normalised copies.",
        "传入的数据集被原地修改了:请返回归一化后的新张量。",
        call=call, kata=KATA,
    )
    everything = torch.cat([train, val, test])
    leaks = [
        ("the whole data set (train, validation and test together)",
         "整个数据集(训练、验证、测试合在一起)", everything),
        ("the test set", "测试集", test),
        ("the validation set", "验证集", val),
        ("the training and validation sets together", "训练集加验证集", torch.cat([train, val])),
    ]
    for name, split, data in (("train_n", "train", train), ("val_n", "val", val),
                              ("test_n", "test", test)):
        part = got[("train_n", "val_n", "test_n").index(name)]
        where = f"{call}: {name}, the {split} split normalised"
        expect(
            isinstance(part, torch.Tensor) and part.shape == data.shape,
            f"{name} must be a tensor shaped like the {split} split.",
            f"{name} 应当是与 {split} 形状相同的张量。",
            call=where,
            got=f"shape {tuple(part.shape)}" if isinstance(part, torch.Tensor) else show(part),
            expected=f"shape {tuple(data.shape)}",
            kata=KATA,
        )
        check_normalized(part, data, train, where, others=leaks)
