"""tail_batches: every example once per epoch, the tail batch counted as what it is.

Each test is a claim (dojo/spec.py): an observer calls the kata and returns what it did as plain
data; the test (the judge) decides from that data alone, computing what is right itself.

Irregular inputs (docs/CONTRIBUTING.md): for data_iter sizes that divide evenly and sizes that
do not (a tail of one, a batch_size larger than n, a batch of one), features of every floating
dtype laid out in any way, int64 class labels and float64 labels far from zero, labels (n,) and
(n, 1), equally seeded generators under different global states, a second epoch with the same
generator, no generator at all; for train_epoch float64 and non-contiguous parameters, a
gradient left over from before the epoch, with and without a generator; for dataset_mean_loss
batches of unequal sizes given as a list or a generator, a net whose parameters require grad or
a plain function, float64 nets, a cross-entropy over integer classes. Left out on purpose:
exceptions (the contract raises none), empty batches and n = 0 (outside the contract).
"""

import traceback
from pathlib import Path

import torch
import torch.nn.functional as F
from hypothesis import settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo import irregular as irr
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show, undecided

KATA = "tail_batches"
MAX_BATCHES = 64  # batches of one epoch that are observed


# --- what crossed --------------------------------------------------------------------------------


def attempt(kata, fn):
    """{"value": what `fn()` returned}, or what the learner's code raised, as data: its type, its
    text and the line of the learner's file it came from (the judge says on which input)."""
    try:
        return {"value": fn()}
    except NotImplementedError:
        raise  # not started: the plugin says so
    except Exception as err:  # noqa: BLE001 - any error of the learner's code, told as data
        path = getattr(kata, "path", None)
        at = None
        if path is not None:
            for frame in traceback.extract_tb(err.__traceback__):
                try:
                    if Path(frame.filename).resolve() == Path(path).resolve():
                        at = f"line {frame.lineno}: {(frame.line or '').strip()}"
                except (OSError, ValueError):
                    continue
        return {"raised": type(err).__name__, "text": str(err)[:500], "at": at}


def field(seen, key, call):
    """One item of the observation, or a failure that says the data was not what was observed."""
    expect(isinstance(seen, dict) and key in seen,
           f"the observation of this call is incomplete (no {key!r}): it cannot be judged.",
           f"这次调用的观测数据不完整(缺少 {key!r}),无法评判。", call=call, kata=KATA)
    return seen[key]


def values_of(seen):
    """An observed tensor's values (float64 for floats), or None when they did not all cross."""
    if not isinstance(seen, Seen) or seen.error is not None or not seen.complete:
        return None
    try:
        t = seen.tensor
    except (ValueError, TypeError, RuntimeError, OverflowError):
        return None
    if t.dtype == torch.bool:
        return t.long()
    return t.double() if t.dtype.is_floating_point else t


def raised_words(record) -> tuple[str, str]:
    kind = record.get("raised") if isinstance(record.get("raised"), str) else "an error"
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    at = record.get("at") if isinstance(record.get("at"), str) else None
    where = f" (at {at[:200]})" if at else ""
    zh_where = f"(位置:{at[:200]})" if at else ""
    return f"{kind[:60]}: {text[:300]}{where}", f"{kind[:60]}:{text[:300]}{zh_where}"


def epoch_of(kata, make, *, x_only=False):
    """The batches of one epoch as data (each pair as it came, or only its X), or what was
    raised: `make()` returns the iterable of batches."""

    def walk():
        out = []
        for i, pair in enumerate(make()):
            if i >= MAX_BATCHES:
                out.append("more")
                break
            if x_only and isinstance(pair, (tuple, list)) and len(pair) == 2:
                out.append(pair[0])
            else:
                out.append(tuple(pair) if isinstance(pair, list) else pair)
        return out

    done = attempt(kata, walk)
    return done.get("value", done)


# --- data_iter ------------------------------------------------------------------------------------
# A case: {"seed", "n", "d", "batch_size", "dtype": the features', "layout": the features',
#          "labels": "int64" | "float32" | "float64", "label_shape": "flat" | "column"}


def inputs(case):
    """Features (n, d) whose first column numbers the examples (0, 1, ... exactly, in every
    dtype), the others random; labels that no rounding keeps (int64 beyond 2**40, float64 far
    from zero), as (n,) or (n, 1); laid out as the case says."""
    n, d = int(case["n"]), int(case["d"])
    gen = torch.Generator().manual_seed(int(case["seed"]))
    values = torch.randn(n, d, generator=gen, dtype=torch.float64)
    values[:, 0] = torch.arange(n, dtype=torch.float64)
    features = irr.laid_out(values.to(irr.dtype(case["dtype"])), case.get("layout", "contiguous"))
    kind = case.get("labels", "float32")
    if kind == "int64":
        labels = torch.randint(-2**40, 2**40, (n,), generator=gen)
    else:
        offset = 1e8 if kind == "float64" else 0.0
        labels = (torch.randn(n, generator=gen, dtype=torch.float64) + offset).to(irr.dtype(kind))
    if case.get("label_shape") == "column":
        labels = labels.reshape(n, 1)
    return features, labels


def iter_call(case, generator="generator=g") -> str:
    n, d = case["n"], case["d"]
    en = irr.describe({"shape": [n, d], "dtype": case["dtype"],
                       "layout": case.get("layout", "contiguous")})[0]
    shape = f"({n},)" if case.get("label_shape") != "column" else f"({n}, 1)"
    gen = f", {generator}" if generator else ""
    return (f"data_iter({case['batch_size']}, features: {en}, labels: {case.get('labels')} "
            f"{shape}{gen})")


def generator_of(case, offset=0):
    return torch.Generator().manual_seed((int(case["seed"]) * 7919 + 11 + offset) % 2**31)


ITER_EXAMPLES = [
    # the articles' case: 23 examples in batches of 5, the last holds 3
    {"seed": 0, "n": 23, "d": 2, "batch_size": 5, "dtype": "float32", "labels": "float32",
     "label_shape": "column"},
    # a tail of one example; integer class labels, flat
    {"seed": 1, "n": 21, "d": 2, "batch_size": 5, "dtype": "float32", "labels": "int64",
     "label_shape": "flat"},
    # sizes that divide evenly
    {"seed": 2, "n": 20, "d": 3, "batch_size": 5, "dtype": "float64", "labels": "float64",
     "label_shape": "column"},
    # 10 in batches of 6: 6 and 4 (not 5 and 5)
    {"seed": 3, "n": 10, "d": 1, "batch_size": 6, "dtype": "float32", "labels": "float64",
     "label_shape": "flat", "layout": "transposed"},
    # a batch_size larger than n; half precision, features sliced out of a wider tensor
    {"seed": 4, "n": 9, "d": 2, "batch_size": 12, "dtype": "float16", "labels": "int64",
     "label_shape": "column", "layout": "sliced"},
    # one example at a time; bfloat16
    {"seed": 5, "n": 9, "d": 2, "batch_size": 1, "dtype": "bfloat16", "labels": "float32",
     "label_shape": "flat"},
]

ITER_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 30),
    "d": st.integers(1, 3),
    "batch_size": st.integers(1, 12),
    "dtype": irr.float_dtypes(),
    "layout": st.sampled_from(["contiguous", "transposed", "sliced"]),
    "labels": st.sampled_from(["int64", "float32", "float64"]),
    "label_shape": st.sampled_from(["flat", "column"]),
})


@observe(examples=ITER_EXAMPLES, draw=ITER_CASES)
def epochs(kata, case):
    """Epochs of data_iter: with a seeded generator (whole batches), with an equally seeded one
    under another global state (every argument passed by its name, as the signature allows)
    and then that generator's next epoch, and without a generator:
    twice after the same `torch.manual_seed`, once more in a row, once after another seed (the X
    of each batch only)."""
    X, y = inputs(case)
    X0, y0 = X.clone(), y.clone()
    B = case["batch_size"]
    out = {}
    torch.manual_seed(1)
    g = generator_of(case)
    out["g1"] = epoch_of(kata, lambda: kata.data_iter(B, X, y, generator=g))
    torch.manual_seed(2)
    g = generator_of(case)
    out["g2"] = epoch_of(kata, lambda: kata.data_iter(batch_size=B, features=X, labels=y,
                                                      generator=g), x_only=True)
    out["g_next"] = epoch_of(kata, lambda: kata.data_iter(B, X, y, generator=g), x_only=True)
    torch.manual_seed(5)
    out["global1"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
    out["global_next"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
    torch.manual_seed(5)
    out["global2"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
    torch.manual_seed(6)
    out["global3"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
    out["kept"] = bool(torch.equal(X, X0) and torch.equal(y, y0))
    return out


def fail_raised(record, call, what="data_iter"):
    words, zh_words = raised_words(record)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    if "BFloat16" in text:
        fail(f"{what} raised {words}: NumPy has no bfloat16, so a round trip through NumPy "
             f"(`.numpy()`, `np.random...` applied to the data) cannot carry these features. "
             f"Index the tensors themselves: `features[idx]`.",
             f"{what} 抛出了 {zh_words}:NumPy 没有 bfloat16,经过 NumPy 转一圈(`.numpy()`、对数据用 "
             f"`np.random...`)装不下这些特征。请直接对张量取下标:`features[idx]`。", call=call,
             kata=KATA)
    fail(f"{what} raised {words}.", f"{what} 抛出了 {zh_words}。", call=call, kata=KATA)


def ids_of(case, X, call, i):
    """The example numbers of an observed X (its first column), checking that every row is the
    features' row of that number, exactly; or a failure that says what was seen."""
    features, _ = inputs(case)
    n, d = features.shape
    values = values_of(X)
    expect(isinstance(X, Seen) and values is not None,
           f"batch {i}: X is not a tensor: each batch is a pair `(X, y)` of tensors, "
           f"`(features[idx], labels[idx])`.",
           f"第 {i} 个批量:X 不是张量:每个批量是一对张量 `(X, y)`,即 `(features[idx], labels[idx])`。",
           call=call, got=show(X), kata=KATA)
    expect(values.dim() == 2 and values.shape[1] == d and X.dtype_name == case["dtype"],
           f"batch {i}: X must be rows of `features`: shape (k, {d}) and dtype {case['dtype']}, "
           f"as `features[idx]` gives them.",
           f"第 {i} 个批量:X 应是 `features` 的若干行:形状 (k, {d}),dtype 为 {case['dtype']},"
           f"就像 `features[idx]` 给出的那样。",
           call=call, got=f"shape {X.shape}, dtype {X.dtype_name}",
           expected=f"shape (k, {d}), dtype {case['dtype']}", kata=KATA)
    ids = values[:, 0].tolist()
    ok = all(float(v).is_integer() and 0 <= v < n for v in ids)
    rows = features.double()[[int(v) for v in ids]] if ok else None
    expect(ok and torch.equal(rows, values),
           f"batch {i}: the rows of X are not rows of `features` as they are: every X must be "
           f"`features[idx]`, the rows themselves (whatever the features' memory layout: "
           f"indexing reads it right, a reinterpretation of the memory does not).",
           f"第 {i} 个批量:X 的行不是 `features` 原样的行:每个 X 都应是 `features[idx]`,也就是那些行"
           f"本身(不管特征的内存布局如何:索引会正确读取,直接重新解读内存则不会)。",
           call=call, got=X, kata=KATA)
    return [int(v) for v in ids]


def order_of(case, run, call):
    """The example numbers of each batch of an observed epoch (X only or whole pairs)."""
    if isinstance(run, dict) and "raised" in run:
        fail_raised(run, call)
    expect(isinstance(run, list) and "more" not in run,
           f"data_iter gave more than {MAX_BATCHES} batches (or no iterable of batches) for "
           f"{case['n']} examples.",
           f"对 {case['n']} 个样本,data_iter 给出了超过 {MAX_BATCHES} 个批量(或者给出的不是批量的可迭代对象)。",
           call=call, got=show(run), kata=KATA)
    out = []
    for i, item in enumerate(run):
        X = item[0] if isinstance(item, tuple) and len(item) == 2 else item
        out.append(ids_of(case, X, call, i))
    return out


def check_labels(case, run, call):
    """Each y is `labels[idx]` for the idx of its X: the same dtype, the same row shape, the
    same values exactly."""
    _, labels = inputs(case)
    for i, item in enumerate(run):
        expect(isinstance(item, tuple) and len(item) == 2,
               "data_iter must yield `(X, y)` pairs.", "data_iter 应当产出 `(X, y)` 对。",
               call=call, got=show(item), kata=KATA)
        X, y = item
        ids = ids_of(case, X, call, i)
        want = labels[ids]
        got = values_of(y)
        expect(isinstance(y, Seen) and got is not None,
               f"batch {i}: y is not a tensor.", f"第 {i} 个批量:y 不是张量。",
               call=call, got=show(y), kata=KATA)
        kind = str(labels.dtype)[6:]
        if y.dtype_name != kind:
            fail(f"batch {i}: y is {y.dtype_name}, where the labels are {kind}: the labels were "
                 f"converted on the way (a `.float()`, a `torch.tensor(...)` of the default "
                 f"dtype). y is `labels[idx]`, in the labels' own dtype: integer class labels "
                 f"stay integers, and float64 labels keep their precision.",
                 f"第 {i} 个批量:y 是 {y.dtype_name},而标签是 {kind}:标签在中途被转换了(`.float()`,"
                 f"或默认 dtype 的 `torch.tensor(...)`)。y 就是 `labels[idx]`,保持标签自己的 dtype:"
                 f"整数类别标签仍是整数,float64 标签保留它的精度。",
                 call=call, got=f"y.dtype = {y.dtype_name}", expected=f"{kind}", kata=KATA)
        expect(y.shape == tuple(want.shape),
               f"batch {i}: y has shape {y.shape}, where `labels[idx]` has {tuple(want.shape)}: "
               f"the rows of the labels, in their shape ((k,) for labels (n,), (k, 1) for "
               f"(n, 1)).",
               f"第 {i} 个批量:y 的形状是 {y.shape},而 `labels[idx]` 的形状是 {tuple(want.shape)}:"
               f"应是标签的那些行,保持它们的形状(标签为 (n,) 时是 (k,),为 (n, 1) 时是 (k, 1))。",
               call=call, got=f"shape {y.shape}", expected=f"shape {tuple(want.shape)}", kata=KATA)
        if torch.equal(got, want.double() if want.dtype.is_floating_point else want):
            continue
        fail(f"batch {i}: the labels do not belong to the features beside them: y must be "
             f"`labels[idx]` for the very indices of X (index features and labels with the same "
             f"`idx`).",
             f"第 {i} 个批量:标签和旁边的特征对不上:y 必须是 X 所用的同一组下标的 `labels[idx]`"
             f"(特征和标签要用同一个 `idx` 取)。", call=call, got=y, expected=want, kata=KATA)


def sizes_words(n, B, sizes):
    """What the batch sizes seen are, when a known way of cutting gives them."""
    import math

    want = [B] * (n // B) + ([n % B] if n % B else [])
    k = math.ceil(n / B)
    chunked = [len(c) for c in torch.arange(n).chunk(k)] if n else []
    if sizes == want + [0]:
        return (f"after the {len(want)} batches of the epoch came one more, empty, batch: "
                f"`n // batch_size + 1` batches is one too many when batch_size divides n. "
                f"Step through the indices with `range(0, n, batch_size)`.",
                f"这一轮的 {len(want)} 个批量之后又多出一个空批量:batch_size 能整除 n 时,"
                f"`n // batch_size + 1` 个批量就多了一个。请用 `range(0, n, batch_size)` 遍历下标。")
    if sizes == chunked and sizes != want:
        return (f"the batches are what `torch.chunk(indices, ceil(n / batch_size))` gives: {k} "
                f"chunks of about equal size, not batches of batch_size = {B} with the rest "
                f"last. Slice `indices[i:i + batch_size]` for i in `range(0, n, batch_size)`.",
                f"这些批量正是 `torch.chunk(indices, ceil(n / batch_size))` 给出的:{k} 块大小相近的"
                f"批量,而不是每批 batch_size = {B} 个、剩下的放在最后。请对 `range(0, n, batch_size)` "
                f"中的 i 切片 `indices[i:i + batch_size]`。")
    return None


@settings(max_examples=8)
@claim(epochs)
def test_data_iter_yields_every_example_once_in_batches_of_batch_size(case, seen):
    call = iter_call(case)
    run = field(seen, "g1", call)
    order = order_of(case, run, call)
    n, B = case["n"], case["batch_size"]
    sizes = [len(ids) for ids in order]
    flat = [i for ids in order for i in ids]
    want = [B] * (n // B) + ([n % B] if n % B else [])
    missing = sorted(set(range(n)) - set(flat))
    twice = sorted({i for i in flat if flat.count(i) > 1})
    if missing and not twice and sizes == want[:len(sizes)] and len(sizes) < len(want):
        fail(f"the last {len(missing)} example(s) of the shuffled order never came out: {n} "
             f"examples in batches of {B} leave a tail of {n % B}, and the loop stopped before "
             f"it. A range that drops the tail (`range(0, n - batch_size + 1, batch_size)`, "
             f"`n // batch_size` batches, or an off-by-one such as `range(0, n - 1, "
             f"batch_size)`) never reaches the last n % batch_size examples, so they are never "
             f"trained on. Slice up to the end: the last batch is `indices[i : i + batch_size]`, "
             f"which is simply shorter.",
             f"打乱后的最后 {len(missing)} 个样本从未出现:{n} 个样本按 {B} 个一批会剩下 {n % B} 个的"
             f"尾部,循环在它之前就停了。丢掉尾部的 range(`range(0, n - batch_size + 1, batch_size)`、"
             f"只取 `n // batch_size` 个批量,或者 `range(0, n - 1, batch_size)` 这样差一的写法)永远取不到"
             f"最后 n % batch_size 个样本,它们从来不参与训练。切片要一直到末尾:最后一个批量 "
             f"`indices[i : i + batch_size]` 只是短一些。",
             call=call, got=f"{len(flat)} examples in batches of {sizes}",
             expected=f"all {n}, in batches of {want}", kata=KATA)
    if missing and twice and len(flat) == n:
        fail(f"the epoch holds {n} examples, but some came twice ({show(twice)}) and others "
             f"never ({show(missing)}): the indices were drawn with replacement "
             f"(`torch.randint`, `random.choices`). An epoch is a permutation: "
             f"`torch.randperm(n, generator=generator)`, cut into batches.",
             f"这一轮有 {n} 个样本,但有的出现了两次({show(twice)}),有的从未出现({show(missing)}):"
             f"下标是有放回地抽取的(`torch.randint`、`random.choices`)。一轮就是一个排列:"
             f"`torch.randperm(n, generator=generator)`,再切成批量。",
             call=call, got=f"{len(flat)} examples in batches of {sizes}", kata=KATA)
    expect(not missing,
           f"{len(missing)} example(s) never came out of the epoch: {show(missing)}. Every "
           f"example comes out exactly once: a permutation of the indices, cut into batches.",
           f"有 {len(missing)} 个样本在这一轮里从未出现:{show(missing)}。每个样本都要恰好出现一次:"
           f"把下标的一个排列切成批量。",
           call=call, got=f"{len(flat)} examples in batches of {sizes}",
           expected=f"all {n}, in batches of {want}", kata=KATA)
    expect(not twice,
           f"example(s) {show(twice)} came out more than once in one epoch: each example must be "
           f"yielded exactly once (a permutation of the indices, cut into batches; not a sample "
           f"with replacement, nor a padded tail).",
           f"样本 {show(twice)} 在同一轮里出现了不止一次:每个样本应当恰好出现一次(把下标的一个排列"
           f"切成批量;不是有放回抽样,也不要补齐尾部)。",
           call=call, got=f"{len(flat)} examples in batches of {sizes}", kata=KATA)
    if sizes != want:
        words = sizes_words(n, B, sizes)
        if words is not None:
            fail(*words, call=call, got=f"batches of {sizes}", expected=f"batches of {want}",
                 kata=KATA)
        fail(f"the batch sizes are {sizes[:10]}{'...' if len(sizes) > 10 else ''}: every batch "
             f"but the last holds batch_size = {B} examples, and the last one the "
             f"{n % B or B} left over.",
             f"批量大小是 {sizes[:10]}{'...' if len(sizes) > 10 else ''}:除最后一个外每个批量都有 "
             f"batch_size = {B} 个样本,最后一个装剩下的 {n % B or B} 个。",
             call=call, got=f"batches of {sizes}", expected=f"batches of {want}", kata=KATA)
    check_labels(case, run, call)
    expect(seen.get("kept") is True,
           "data_iter changed the caller's features or labels: it only reads them.",
           "data_iter 改动了调用方的特征或标签:它只应读取它们。", call=call, kata=KATA)


def stored(order, n) -> bool:
    return [i for ids in order for i in ids] == list(range(n))


@settings(max_examples=8)
@claim(epochs)
def test_data_iter_shuffles_with_the_generator_it_is_given(case, seen):
    call = iter_call(case)
    first = order_of(case, field(seen, "g1", call), call)
    again = order_of(case, field(seen, "g2", call), call)
    n = case["n"]
    flat = [i for ids in first for i in ids]
    if sorted(flat) != list(range(n)):
        undecided(("the epoch did not hold every example exactly once",
                   "这一轮并没有让每个样本恰好出现一次"),
                  ("whether the shuffle comes from the generator given",
                   "打乱是否来自传入的生成器"),
                  see="test_data_iter_yields_every_example_once_in_batches_of_batch_size", call=call, kata=KATA)
    expect(again == first,
           "two equally seeded generators gave different orders (torch's global generator was "
           "seeded differently before each): the shuffle did not come from the `generator` "
           "given. Draw the permutation from it: `torch.randperm(n, generator=generator)`.",
           "两个种子相同的生成器给出了不同的顺序(每次之前 torch 的全局生成器被设成了不同的种子):"
           "打乱并不是用传入的 `generator` 做的。请从它生成排列:`torch.randperm(n, generator=generator)`。",
           call=call + ", twice, each with a generator seeded alike",
           got=f"{first[:3]}... then {again[:3]}...", kata=KATA)
    if n < 12:
        return  # a right shuffle of so few may well come out in order, or twice the same
    expect(not stored(first, n),
           "the examples came out in their stored order: shuffle the indices every epoch, so "
           "each batch is a random sample.",
           "样本是按存储顺序出来的:每一轮都要打乱下标,让每个批量成为随机样本。",
           call=call, got=f"{first[:3]}...", kata=KATA)
    following = order_of(case, field(seen, "g_next", call), call)
    expect(following != again,
           "a second epoch with the same generator came in exactly the same order as the first: "
           "the generator given did not shuffle it anew (a copy of it, a new generator seeded "
           "from its seed, or a reseed of it draws the same permutation every time; so does a "
           "permutation kept from an earlier call). Draw a new permutation from the generator "
           "itself at every call.",
           "用同一个生成器取第二轮,顺序和第一轮完全相同:传入的生成器并没有重新打乱它(用它的副本、用它的"
           "种子新建的生成器、或者重新设定它的种子,每次都会得到同一个排列;保留上次调用的排列也一样)。"
           "请每次调用都直接从这个生成器抽取新的排列。",
           call=call + ", called twice with the same g", got=f"{again[:3]}... both times",
           kata=KATA)


@settings(max_examples=8)
@claim(epochs)
def test_data_iter_without_a_generator_draws_from_torchs_global_one(case, seen):
    call = iter_call(case, generator=None)
    first = order_of(case, field(seen, "global1", call), call)
    flat = [i for ids in first for i in ids]
    n = case["n"]
    if sorted(flat) != list(range(n)):
        undecided(("the epoch did not hold every example exactly once",
                   "这一轮并没有让每个样本恰好出现一次"),
                  ("whether the shuffle comes from torch's global generator",
                   "打乱是否来自 torch 的全局生成器"),
                  see="test_data_iter_yields_every_example_once_in_batches_of_batch_size", call=call, kata=KATA)
    again = order_of(case, field(seen, "global2", call), call)
    expect(again == first,
           "without a generator, two calls after the same `torch.manual_seed(5)` gave different "
           "orders: the shuffle must come from torch's global generator then, so that "
           "`torch.manual_seed` repeats it (not from Python's `random`, NumPy's generator or "
           "the clock).",
           "不传生成器时,两次在同样的 `torch.manual_seed(5)` 之后调用却给出了不同的顺序:这时打乱必须"
           "来自 torch 的全局生成器,这样 `torch.manual_seed` 才能让它重现(不能来自 Python 的 "
           "`random`、NumPy 的生成器或时间)。",
           call=call + ", twice, each after torch.manual_seed(5)",
           got=f"{first[:3]}... then {again[:3]}...", kata=KATA)
    if n < 12:
        return
    expect(not stored(first, n),
           "without a generator the examples came out in their stored order: no generator "
           "means torch's global one (`torch.randperm(n)`), not no shuffle.",
           "不传生成器时,样本是按存储顺序出来的:没有生成器意味着使用 torch 的全局生成器"
           "(`torch.randperm(n)`),而不是不打乱。",
           call=call, got=f"{first[:3]}...", kata=KATA)
    following = order_of(case, field(seen, "global_next", call), call)
    other = order_of(case, field(seen, "global3", call), call)
    expect(following != first and other != first,
           "without a generator every call gives the same order, whatever torch's global "
           "generator holds: the permutation comes from a generator made afresh inside "
           "(`generator or torch.Generator()` is seeded with the same default seed every "
           "time). Without one, use torch's global generator: `torch.randperm(n)`, or "
           "`torch.randperm(n, generator=generator)` with `generator=None`.",
           "不传生成器时,无论 torch 的全局生成器状态如何,每次调用都给出相同的顺序:排列来自在内部新建的"
           "生成器(`generator or torch.Generator()` 每次都用同一个默认种子)。没有生成器时请用 torch "
           "的全局生成器:`torch.randperm(n)`,或在 `generator=None` 时 "
           "`torch.randperm(n, generator=generator)`。",
           call=call + ", called again, and after torch.manual_seed(6)",
           got=f"{first[:3]}... every time", kata=KATA)


# --- train_epoch ----------------------------------------------------------------------------------
# A case: {"seed", "n", "d", "batch_size", "lr", "dtype", "w_layout", "stale": a gradient left
#          in w and b before the epoch, "generator": whether one is given}


def regression(case):
    gen = torch.Generator().manual_seed(int(case["seed"]) + 101)
    n, d = int(case["n"]), int(case["d"])
    X = torch.randn(n, d, generator=gen, dtype=torch.float64)
    y = X @ torch.linspace(2.0, -3.4, d, dtype=torch.float64).reshape(d, 1) + 4.2
    y = y + 0.1 * torch.randn(n, 1, generator=gen, dtype=torch.float64)
    kind = irr.dtype(case["dtype"])
    return X.to(kind), y.to(kind)


def parameters(case):
    """w (d, 1) and b (1,): leaves that require grad, w laid out as the case says; with "stale",
    each holds a gradient from before the epoch."""
    gen = torch.Generator().manual_seed(int(case["seed"]) + 202)
    kind = irr.dtype(case["dtype"])
    w0 = (torch.randn(int(case["d"]), 1, generator=gen, dtype=torch.float64) * 0.5).to(kind)
    w = irr.laid_out(w0, case.get("w_layout", "contiguous")).detach().requires_grad_()
    b = torch.zeros(1, dtype=kind, requires_grad=True)
    if case.get("stale"):
        w.grad = torch.full_like(w, 3.0)
        b.grad = torch.full_like(b, -2.0)
    return w, b


def epoch_call(case) -> str:
    n, d = case["n"], case["d"]
    w = irr.describe({"shape": [d, 1], "dtype": case["dtype"],
                      "layout": case.get("w_layout", "contiguous")})[0]
    gen = ", generator=g" if case.get("generator") else ""
    text = (f"train_epoch(w: {w}, b, features: {case['dtype']} ({n}, {d}), labels ({n}, 1), "
            f"batch_size={case['batch_size']}, lr={case['lr']}{gen})")
    if case.get("stale"):
        text += ", with w.grad and b.grad left over from before"
    return text


EPOCH_EXAMPLES = [
    # the articles' case: 23 examples in batches of 5, the tail holds 3
    {"seed": 1, "n": 23, "d": 2, "batch_size": 5, "lr": 0.1, "dtype": "float32",
     "generator": True},
    # sizes that divide evenly; float64 parameters, w not contiguous
    {"seed": 2, "n": 20, "d": 2, "batch_size": 5, "lr": 0.1, "dtype": "float64",
     "w_layout": "sliced", "generator": True},
    # a tail of one; a gradient left over from before the epoch
    {"seed": 3, "n": 11, "d": 3, "batch_size": 5, "lr": 0.05, "dtype": "float32",
     "generator": True, "stale": True},
    # without a generator: torch's global one, a batch_size larger than n
    {"seed": 4, "n": 7, "d": 1, "batch_size": 10, "lr": 0.2, "dtype": "float64",
     "generator": False},
    {"seed": 5, "n": 12, "d": 2, "batch_size": 5, "lr": 0.1, "dtype": "float32",
     "generator": False, "stale": True},
]

EPOCH_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "n": st.integers(1, 25),
    "d": st.integers(1, 3),
    "batch_size": st.integers(1, 8),
    "lr": st.sampled_from([0.02, 0.05, 0.1]),
    "dtype": st.sampled_from(["float32", "float64"]),
    "w_layout": st.sampled_from(["contiguous", "sliced"]),
    "generator": st.booleans(),
    "stale": st.booleans(),
})


def global_seed(case) -> int:
    return (int(case["seed"]) * 31 + 7) % 2**31


@observe(examples=EPOCH_EXAMPLES, draw=EPOCH_CASES)
def trained(kata, case):
    """The epoch of this module's data_iter for an equally seeded generator (or the same global
    state), and the one after it; then train_epoch: w and b after it, their gradients, their
    memory, and how far it moved the generator (as far as one data_iter does, or two)."""
    X, y = regression(case)
    B = case["batch_size"]
    w, b = parameters(case)
    storages = [w.data_ptr(), b.data_ptr()]
    out = {}
    if case.get("generator"):
        g = generator_of(case)
        out["batches"] = epoch_of(kata, lambda: kata.data_iter(B, X, y, generator=g), x_only=True)
        after_one = g.get_state()
        out["next"] = epoch_of(kata, lambda: kata.data_iter(B, X, y, generator=g), x_only=True)
        after_two = g.get_state()
        g = generator_of(case)
        done = attempt(kata, lambda: kata.train_epoch(w=w, b=b, features=X, labels=y,
                                                      batch_size=B, lr=case["lr"], generator=g))
        out["moved"] = ("one" if torch.equal(g.get_state(), after_one) else
                        "two" if torch.equal(g.get_state(), after_two) else "other")
    else:
        torch.manual_seed(global_seed(case))
        out["batches"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
        out["next"] = epoch_of(kata, lambda: kata.data_iter(B, X, y), x_only=True)
        torch.manual_seed(global_seed(case))
        done = attempt(kata, lambda: kata.train_epoch(w, b, X, y, batch_size=B, lr=case["lr"]))
        out["moved"] = None
    out.update(returned=done.get("value"), w=w, b=b, grads=[w.grad, b.grad],
               same_storage=[w.data_ptr() == storages[0], b.data_ptr() == storages[1]],
               grad_mode=torch.is_grad_enabled())
    if "raised" in done:
        out["raised"] = done
    return out


def rows_of(case, run, call):
    """The example indices of each observed batch of the regression data (rows matched
    exactly), or None when the epoch is not one that data_iter's own claims accept."""
    X, _ = regression(case)
    if not isinstance(run, list) or "more" in run:
        return None
    out = []
    for item in run:
        values = values_of(item)
        if values is None or values.dim() != 2 or values.shape[1] != X.shape[1]:
            return None
        ids = []
        for row in values:
            hits = (X.double() == row).all(1).nonzero().flatten().tolist()
            if len(hits) != 1:
                return None
            ids.append(hits[0])
        out.append(ids)
    flat = sorted(i for ids in out for i in ids)
    return out if flat == list(range(X.shape[0])) else None


def replay(case, order, divisor=None, *, skip_short=False, stale=False, lr=None,
           pile_up=False):
    """w and b (float64) after the epoch over `order`, each step lr times the batch's summed
    gradient divided by `divisor(k)` (its size k when None); `stale`: the gradient left over
    from before is added into the first step; `skip_short`: a batch shorter than batch_size
    is not trained on; `pile_up`: the gradients are never cleared, each step uses the sum of all
    the batches' gradients so far."""
    X, y = regression(case)
    X, y = X.double(), y.double()
    w, b = parameters(case)
    old = [w.grad, b.grad]
    w, b = w.detach().double().reshape(-1, 1), b.detach().double()
    lr = case["lr"] if lr is None else lr
    first, held = True, None
    for ids in order:
        k = len(ids)
        if skip_short and k < case["batch_size"]:
            continue
        Xb, yb = X[ids], y[ids]
        r = Xb @ w + b - yb
        gw, gb = Xb.T @ r, r.sum(0)
        if stale and first and old[0] is not None:
            gw, gb = gw + old[0].double().reshape(-1, 1), gb + old[1].double()
        first = False
        if pile_up:
            held = (gw, gb) if held is None else (held[0] + gw, held[1] + gb)
            gw, gb = held
        div = k if divisor is None else divisor(k)
        w, b = w - lr * gw / div, b - lr * gb / div
    return w, b


def close_to(got, want, dtype):
    rtol, atol = {"float64": (1e-9, 1e-11)}.get(dtype, (1e-4, 1e-5))
    return got is not None and got.numel() == want.numel() and bool(torch.allclose(
        got.reshape(want.shape).double(), want, rtol=rtol, atol=atol))


@settings(max_examples=8)
@claim(trained)
def test_train_epoch_steps_each_batch_by_its_own_mean_gradient(case, seen):
    call = epoch_call(case)
    if isinstance(seen, dict) and "raised" in seen:
        fail_raised(seen["raised"], call, "train_epoch")
    order = rows_of(case, field(seen, "batches", call), call)
    if order is None:
        undecided(("the epoch this module's data_iter gave for the same generator (observed "
                   "beside train_epoch) is not one epoch of these examples, each row once",
                   "在 train_epoch 旁边观测到的、本模块 data_iter 对同一个生成器给出的一轮,不是这些样本"
                   "各出现一次的一轮"),
                  ("whether train_epoch steps each batch by its own mean gradient (the "
                   "batches to replay are unknown)",
                   "train_epoch 是否按每个批量自己的平均梯度更新(不知道该重放哪些批量)"),
                  see="test_data_iter_yields_every_example_once_in_batches_of_batch_size", call=call, kata=KATA)
    w, b = values_of(field(seen, "w", call)), values_of(field(seen, "b", call))
    expect(w is not None and b is not None and w.numel() == case["d"] and b.numel() == 1,
           "w and b could not be read back, or changed their shape.",
           "无法读回 w 和 b,或者它们的形状变了。", call=call, kata=KATA)
    want = replay(case, order)
    if close_to(w, want[0], case["dtype"]) and close_to(b, want[1], case["dtype"]):
        return
    shown = dict(call=call, got=f"w = {show(seen['w'])}, b = {show(seen['b'])}",
                 expected=f"w = {show(want[0])}, b = {show(want[1])}", kata=KATA)

    def near(pair):
        return close_to(w, pair[0], case["dtype"]) and close_to(b, pair[1], case["dtype"])

    n, B, d = case["n"], case["batch_size"], case["d"]
    tail = n % B
    if tail and near(replay(case, order, lambda k: B)):
        fail(f"the tail's gradient was divided by the nominal batch size: the last batch holds "
             f"{tail} example(s), not {B}, so dividing its summed gradient by {B} makes that "
             f"step {B}/{tail} times too small. Divide by the number of examples actually in the "
             f"batch (`len(X)`).",
             f"尾部批量的梯度除以了名义上的批量大小:最后一个批量只有 {tail} 个样本,不是 {B} 个,用 {B} "
             f"去除它的求和梯度,这一步就小了 {B}/{tail} 倍。请除以批量中实际的样本数(`len(X)`)。",
             **shown)
    if tail and near(replay(case, order, skip_short=True)):
        fail("the tail batch was skipped: its examples get no step this epoch. Train on every "
             "batch that data_iter yields, the shorter last one too.",
             "尾部批量被跳过了:这一轮它的样本没有参与更新。data_iter 产出的每个批量都要训练,包括较短的"
             "最后一个。", **shown)
    if case.get("stale") and near(replay(case, order, stale=True)):
        fail("the first step added the gradient that w and b held before the epoch: "
             "`backward()` adds into `.grad`, and it was not cleared before the first batch "
             "(the articles' loop clears only after each step). A gradient from before the "
             "epoch belongs to no batch: clear it first (`w.grad = None`, or `zero_()`).",
             "第一步把 w 和 b 在这一轮之前就有的梯度也加了进去:`backward()` 会累加到 `.grad`,而它在"
             "第一个批量之前没有清零(文章里的循环只在每一步之后清零)。这一轮之前的梯度不属于任何批量:"
             "请先清掉它(`w.grad = None` 或 `zero_()`)。", **shown)
    if case["dtype"] == "float64" and close_to(w, want[0], "float32") and close_to(
            b, want[1], "float32"):
        fail("the epoch is right only to float32's precision, where w, b and the data are "
             "float64: part of it was computed in float32 (a step or a gradient converted with "
             "`.float()`, a tensor made in the default dtype). Keep every step in the "
             "parameters' dtype.",
             "这一轮只有 float32 的精度,而 w、b 和数据都是 float64:其中一部分是用 float32 算的"
             "(步长或梯度被 `.float()` 转换过,或某个张量用默认 dtype 创建)。请让每一步都保持参数的 dtype。",
             **shown)
    if len(order) > 1 and near(replay(case, order, pile_up=True)):
        fail("the gradients were never cleared between the steps: `backward()` adds into "
             "`.grad`, so each step used the sum of the gradients of every batch so far. Clear "
             "them after each step (`param.grad.zero_()`, or `param.grad = None`).",
             "两步之间梯度从没有清零:`backward()` 会累加到 `.grad`,于是每一步用的都是此前所有批量梯度之和。"
             "每一步之后请清零(`param.grad.zero_()` 或 `param.grad = None`)。", **shown)
    following = rows_of(case, seen.get("next"), call)
    if following is not None and near(replay(case, following)):
        fail("the epoch trained on the order of the *second* call of data_iter with this "
             "generator: train_epoch went through data_iter twice (a first pass to count the "
             "batches, `len(list(data_iter(...)))`), and each pass draws a permutation. Go "
             "through `data_iter(batch_size, features, labels, generator=generator)` once.",
             "这一轮用的是对这个生成器*第二次*调用 data_iter 给出的顺序:train_epoch 走了两遍 "
             "data_iter(先走一遍数批量,`len(list(data_iter(...)))`),每走一遍都会抽一个排列。"
             "请只走一遍 `data_iter(batch_size, features, labels, generator=generator)`。",
             **shown)
    others = [
        (lambda k: 1, ("no division by the batch size: every step is lr times the *summed* "
                       "gradient of its batch, len(X) times the mean one. Divide by the number "
                       "of examples in the batch (`len(X)`).",
                       "没有除以批量大小:每一步都是 lr 乘以批量的*求和*梯度,是平均梯度的 len(X) 倍。"
                       "请除以批量中的样本数(`len(X)`)。")),
        (lambda k: n, (f"divided by the dataset size: every step is lr times its batch's "
                       f"summed gradient divided by n = {n}, all the examples, not by the {B} "
                       f"(or fewer) in the batch. Divide by `len(X)`.",
                       f"除以了整个数据集的大小:每一步是 lr 乘以批量的求和梯度再除以 n = {n}(全部样本),"
                       f"而不是批量里的 {B} 个(或更少)。请除以 `len(X)`。")),
        (lambda k: k * k, ("averaged twice: each batch's gradient was divided by its size twice "
                           "(a mean loss and a division by `len(X)` as well), so every step is "
                           "len(X) times too small. Sum the loss and divide once.",
                           "平均了两次:每个批量的梯度被除了两次批量大小(既取了平均损失,又除以 "
                           "`len(X)`),每一步都小了 len(X) 倍。请对损失求和,只除一次。")),
        (lambda k: k * d, (f"divided by `X.numel()`, the number of entries of the batch: "
                           f"len(X) times its {d} features, so every step is {d} times too "
                           f"small. Divide by the number of examples, `len(X)` (or "
                           f"`X.shape[0]`).",
                           f"除以了 `X.numel()`,即批量中元素的个数:len(X) 乘以 {d} 个特征,每一步都小了 "
                           f"{d} 倍。请除以样本数 `len(X)`(或 `X.shape[0]`)。")),
        (lambda k: -k, ("the steps went uphill: `param += lr * grad / len(X)` moves along the "
                        "gradient, where the loss grows.",
                        "每一步都走向了上坡:`param += lr * grad / len(X)` 沿着梯度方向走,损失反而增大。")),
    ]
    for divisor, words in others:
        factor_is_one = divisor(B) == B and (not tail or divisor(tail) == tail)
        if not factor_is_one and near(replay(case, order, divisor)):
            fail(*words, **shown)
    fail("after one epoch w and b differ from the epoch replayed over the batches of your own "
         "data_iter (for an equally seeded generator, or the same global state), each step lr "
         "times the mean gradient of the examples in the batch. Go through `data_iter(batch_size, "
         "features, labels, generator=generator)` once, sum the loss, and divide by `len(X)`.",
         "一轮之后的 w 和 b,与在你自己的 data_iter(用同样种子的生成器,或同样的全局状态)给出的批量上"
         "逐步重放的结果不同;每一步应是 lr 乘以该批量样本的平均梯度。请只走一遍 `data_iter(batch_size, "
         "features, labels, generator=generator)`、对损失求和,并除以 `len(X)`。", **shown)


@settings(max_examples=8)
@claim(trained)
def test_train_epoch_changes_the_callers_leaves_in_place_and_clears_their_grads(case, seen):
    call = epoch_call(case)
    if isinstance(seen, dict) and "raised" in seen:
        record = seen["raised"] if isinstance(seen["raised"], dict) else {}
        words, zh_words = raised_words(record)
        undecided((f"train_epoch raised {words}", f"train_epoch 抛出了 {zh_words}"),
                  ("whether it changes the caller's leaves in place and clears their grads",
                   "它是否原地修改调用方的叶子张量并清零梯度"),
                  see="test_train_epoch_steps_each_batch_by_its_own_mean_gradient", call=call,
                  kata=KATA)
    expect(isinstance(seen, dict), "the observation of this call came back malformed.",
           "这次调用的观测数据格式不对。", call=call, kata=KATA)
    expect(seen.get("returned") is None,
           "train_epoch returns None: it trains the caller's `w` and `b` themselves.",
           "train_epoch 返回 None:它训练的就是调用方的 `w` 和 `b` 本身。",
           call=call, got=show(seen.get("returned")), expected="None", kata=KATA)
    storage = field(seen, "same_storage", call)
    expect(storage == [True, True],
           "w or b got new storage: the same tensor objects in new memory is what "
           "`param.data = param.data - ...` does, swapping the memory under the tensor, so a "
           "view of the parameter the caller holds misses the epoch. Update in place under "
           "`torch.no_grad()`: `param -= lr * param.grad / len(X)`.",
           "w 或 b 换了新的存储:张量对象没变,内存却是新的,这正是 `param.data = param.data - ...` "
           "做的事:把张量底下的内存换掉了,调用方持有的参数视图就看不到这一轮的训练。请在 "
           "`torch.no_grad()` 下原地更新:`param -= lr * param.grad / len(X)`。",
           call=call, got="new memory (`data_ptr()` changed)",
           expected="the same memory (`data_ptr()` unchanged)", kata=KATA)
    for name in ("w", "b"):
        t = field(seen, name, call)
        expect(isinstance(t, Seen) and t.requires_grad and t.is_leaf and t.grad_fn is None
               and t.dtype_name == case["dtype"],
               f"`{name}` is no longer a leaf of {case['dtype']} that requires grad: update it "
               f"in place under `torch.no_grad()`.",
               f"`{name}` 不再是需要梯度的 {case['dtype']} 叶子张量:请在 `torch.no_grad()` 下原地更新它。",
               call=call, got=show(t), kata=KATA)
    w0, b0 = parameters(case)
    moved = [diagnose.differ(values_of(seen["w"]), w0.detach()),
             diagnose.differ(values_of(seen["b"]), b0.detach())]
    expect(None not in moved,
           "after the epoch w or b holds nan or inf (or values of another shape): an epoch of "
           "SGD on this data gives finite parameters.",
           "这一轮结束后 w 或 b 里有 nan 或 inf(或形状变了):在这些数据上训练一轮 SGD,参数应当是有限的数。",
           call=call, got=f"w = {show(seen['w'])}, b = {show(seen['b'])}", kata=KATA)
    expect(any(moved),
           "after the epoch w and b hold exactly the values they had before it: nothing was "
           "trained, so there is no change in place to speak of. Step each parameter in place "
           "under `torch.no_grad()`: `param -= lr * param.grad / len(X)`.",
           "这一轮结束后 w 和 b 与之前完全相同:什么也没有训练,也就谈不上原地修改。请在 `torch.no_grad()` "
           "下原地更新每个参数:`param -= lr * param.grad / len(X)`。",
           call=call, got=f"w = {show(seen['w'])}, b = {show(seen['b'])}",
           expected="w and b changed by the epoch's steps", kata=KATA)
    grads = field(seen, "grads", call)
    for name, g in zip(("w", "b"), grads if isinstance(grads, list) else [None, None]):
        values = values_of(g)
        expect(g is None or (values is not None and not bool(values.abs().sum())),
               f"after the epoch `{name}.grad` still holds a gradient: the next backward would "
               f"add onto it. Clear it after each step (`param.grad.zero_()`, or None).",
               f"这一轮结束后 `{name}.grad` 里还有梯度:下一次 backward 会在它上面累加。每一步之后请清零"
               f"(`param.grad.zero_()` 或设为 None)。", call=call, got=g,
               expected="zeros or None", kata=KATA)
    expect(seen.get("grad_mode") is True,
           "train_epoch left autograd switched off: the caller's next forward builds no graph. "
           "`with torch.no_grad():` switches it back on when the block ends.",
           "train_epoch 把 autograd 关掉后没有恢复:调用方下一次前向传播不会建图。"
           "`with torch.no_grad():` 在代码块结束时会把它恢复。", call=call, kata=KATA)


# --- dataset_mean_loss ----------------------------------------------------------------------------
# A case: {"seed", "sizes": the batches' sizes, "d", "loss": "mse" | "l1" | "cross_entropy",
#          "dtype", "net": "linear" | "function", "container": "list" | "generator"}


LOSSES = {"mse": nn.MSELoss, "l1": nn.L1Loss, "cross_entropy": nn.CrossEntropyLoss}


def loss_setup(case):
    """(net, loss_fn, batches, the net's (weight, bias)) of the case: the net's weights and
    every batch drawn from the case's seed; float64 where the case says."""
    gen = torch.Generator().manual_seed(int(case["seed"]) + 303)
    kind = irr.dtype(case["dtype"])
    d = int(case["d"])
    out = 3 if case["loss"] == "cross_entropy" else 1
    weight = torch.randn(out, d, generator=gen, dtype=torch.float64).to(kind)
    bias = torch.randn(out, generator=gen, dtype=torch.float64).to(kind)
    if case["net"] == "linear":
        net = nn.Linear(d, out).to(kind)
        with torch.no_grad():
            net.weight.copy_(weight)
            net.bias.copy_(bias)
    else:
        def net(X, weight=weight, bias=bias):
            return X @ weight.T + bias
    batches = []
    for i, k in enumerate(case["sizes"]):
        X = (torch.randn(k, d, generator=gen, dtype=torch.float64) * 2).to(kind)
        if case["loss"] == "cross_entropy":
            y = torch.randint(0, out, (k,), generator=gen)
        else:
            y = (torch.randn(k, 1, generator=gen, dtype=torch.float64) * (1 + i)).to(kind)
        batches.append((X, y))
    return net, LOSSES[case["loss"]](), batches, (weight, bias)


def exact_mean(case):
    """(the mean per-example loss over every example, in float64; each batch's mean)."""
    _, _, batches, (weight, bias) = loss_setup(case)
    weight, bias = weight.double(), bias.double()
    means = []
    for X, y in batches:
        p = X.double() @ weight.T + bias
        if case["loss"] == "cross_entropy":
            means.append(float(F.cross_entropy(p, y)))
        elif case["loss"] == "l1":
            means.append(float((p - y.double()).abs().mean()))
        else:
            means.append(float(((p - y.double()) ** 2).mean()))
    sizes = [len(X) for X, _ in batches]
    total = sum(m * k for m, k in zip(means, sizes))
    return total / sum(sizes), means


def mean_call(case) -> str:
    net = "nn.Linear" if case["net"] == "linear" else "a function (no parameters)"
    how = "a list" if case["container"] == "list" else "a generator"
    loss = {"mse": "nn.MSELoss()", "l1": "nn.L1Loss()",
            "cross_entropy": "nn.CrossEntropyLoss()"}[case["loss"]]
    return (f"dataset_mean_loss(net: {net} ({case['dtype']}), {loss}, batches: {how} of "
            f"sizes {case['sizes']})")


MEAN_EXAMPLES = [
    # the articles' case: two full batches and a tail of one
    {"seed": 0, "sizes": [10, 10, 1], "d": 3, "loss": "mse", "dtype": "float32",
     "net": "linear", "container": "list"},
    # the batches as a generator (as data_iter gives them); a short batch first
    {"seed": 1, "sizes": [3, 5, 5], "d": 2, "loss": "l1", "dtype": "float32",
     "net": "linear", "container": "generator"},
    # a float64 net: float64 precision is due
    {"seed": 2, "sizes": [7, 7, 7, 2], "d": 3, "loss": "mse", "dtype": "float64",
     "net": "linear", "container": "list"},
    # integer classes and a cross-entropy; a plain function for a net
    {"seed": 3, "sizes": [4, 4, 3], "d": 2, "loss": "cross_entropy", "dtype": "float32",
     "net": "function", "container": "generator"},
    # a single batch
    {"seed": 4, "sizes": [6], "d": 1, "loss": "mse", "dtype": "float64", "net": "function",
     "container": "list"},
]

MEAN_CASES = st.fixed_dictionaries({
    "seed": irr.seeds(),
    "sizes": st.lists(st.integers(1, 9), min_size=1, max_size=5),
    "d": st.integers(1, 3),
    "loss": st.sampled_from(["mse", "l1", "cross_entropy"]),
    "dtype": st.sampled_from(["float32", "float64"]),
    "net": st.sampled_from(["linear", "function"]),
    "container": st.sampled_from(["list", "generator"]),
})


@observe(examples=MEAN_EXAMPLES, draw=MEAN_CASES)
def mean_loss(kata, case):
    net, loss_fn, batches, _ = loss_setup(case)
    given = batches if case["container"] == "list" else (pair for pair in batches)
    done = attempt(kata, lambda: kata.dataset_mean_loss(net, loss_fn, given))
    return done


@settings(max_examples=12)
@claim(mean_loss)
def test_dataset_mean_loss_is_the_mean_over_every_example(case, seen):
    call = mean_call(case)
    want, means = exact_mean(case)
    sizes = case["sizes"]
    if isinstance(seen, dict) and "raised" in seen:
        words, zh_words = raised_words(seen)
        text = seen.get("text") if isinstance(seen.get("text"), str) else ""
        if "numpy() on Tensor that requires grad" in text:
            fail(f"dataset_mean_loss raised {words}: `.numpy()` refuses a loss that requires "
                 f"grad, and a net whose parameters require grad gives one. Take the number with "
                 f"`.item()` (or `float(...)`), or compute under `torch.no_grad()`.",
                 f"dataset_mean_loss 抛出了 {zh_words}:`.numpy()` 不接受需要梯度的损失,而参数需要梯度的"
                 f"网络给出的损失正是这样。请用 `.item()`(或 `float(...)`)取出数字,或在 "
                 f"`torch.no_grad()` 下计算。", call=call, kata=KATA)
        if "ZeroDivisionError" in str(seen.get("raised")) and case["container"] == "generator":
            fail(f"dataset_mean_loss raised {words}, given the batches as a generator: it walked "
                 f"over them twice (a first pass to count, then one to add up), and a generator "
                 f"is empty the second time. Walk `batches` once, adding up the losses and the "
                 f"sizes together.",
                 f"以生成器传入批量时,dataset_mean_loss 抛出了 {zh_words}:它把批量遍历了两遍(先数一遍,"
                 f"再累加一遍),而生成器第二遍是空的。请只遍历一遍 `batches`,同时累加损失和样本数。",
                 call=call, kata=KATA)
        fail(f"dataset_mean_loss raised {words}.", f"dataset_mean_loss 抛出了 {zh_words}。",
             call=call, kata=KATA)
    value = seen.get("value") if isinstance(seen, dict) else None
    if isinstance(value, Seen):
        got = values_of(value)
        right = got is not None and got.numel() == 1 and abs(float(got.reshape(())) - want) <= \
            1e-4 * max(1.0, abs(want))
        if value.requires_grad:
            fail("dataset_mean_loss returned a tensor that requires grad: it keeps every "
                 "batch's graph alive. Take each batch loss as a number (`loss.item()`) or "
                 "compute under `torch.no_grad()`, and return a float.",
                 "dataset_mean_loss 返回了需要梯度的张量:它让每个批量的计算图都活着。请把每个批量的损失"
                 "取成数字(`loss.item()`)或在 `torch.no_grad()` 下计算,并返回 float。",
                 call=call, got=value, expected=want, kata=KATA)
        fail(f"dataset_mean_loss returned a tensor{' (with the right value)' if right else ''}: "
             f"it must return a Python float (`total / count` of numbers taken with "
             f"`.item()`, or `float(...)` of the result).",
             f"dataset_mean_loss 返回的是张量{'(数值是对的)' if right else ''}:它应当返回 Python "
             f"float(用 `.item()` 取出的数相加再相除,或对结果调用 `float(...)`)。",
             call=call, got=value, expected=want, kata=KATA)
    number = value.value if isinstance(value, Other) and value.type == "numpy.float64" \
        else value
    expect(type(number) is float,
           "dataset_mean_loss must return a Python float.",
           "dataset_mean_loss 应当返回 Python float。", call=call, got=show(value),
           expected=f"{want:.6g}", kata=KATA)
    rtol = 1e-12 if case["dtype"] == "float64" else 1e-5
    if abs(number - want) <= rtol * max(1.0, abs(want)):
        return
    shown = dict(call=call, got=number, expected=want, kata=KATA)
    if number == 0.0 and case["container"] == "generator":
        fail("dataset_mean_loss gave 0.0 for batches given as a generator: it walked over them "
             "twice (a first pass to count, then one to add up), and a generator is empty the "
             "second time. Walk `batches` once, adding up the losses and the sizes together.",
             "以生成器传入批量时,dataset_mean_loss 给出了 0.0:它把批量遍历了两遍(先数一遍,再累加一遍),"
             "而生成器第二遍是空的。请只遍历一遍 `batches`,同时累加损失和样本数。", **shown)
    mean_of_means = sum(means) / len(means)
    if len(set(sizes)) > 1 and abs(number - mean_of_means) <= 1e-5 * max(1.0,
                                                                          abs(mean_of_means)):
        fail(f"this is the mean of batch means: with batches of {sizes} examples, averaging the "
             f"batch means gives a batch of {min(sizes)} as much weight as a batch of "
             f"{max(sizes)}, so the examples of a short tail count more than the others. Weight "
             f"each batch mean by its size (`loss.item() * len(X)`) and divide by the number of "
             f"examples.",
             f"这是批量平均值的平均:批量大小为 {sizes} 时,对各批量均值再取平均会让 {min(sizes)} 个样本的"
             f"批量与 {max(sizes)} 个样本的批量权重相同,较短的尾部批量里的样本就被多算了。请按批量大小"
             f"加权(`loss.item() * len(X)`),再除以样本总数。", **shown)
    n = sum(sizes)
    unweighted = sum(means) / n
    if len(set(sizes)) > 1 and abs(number - unweighted) <= 1e-5 * max(1.0, abs(unweighted)):
        fail(f"this is the sum of the batch means divided by the {n} examples: a batch mean is "
             f"already divided by its batch's size, so each must be weighted by that size "
             f"(`loss.item() * len(X)`) before the division by the number of examples.",
             f"这是把各批量均值相加再除以 {n} 个样本:批量均值已经除过该批量的大小,所以在除以样本总数之前,"
             f"每个均值都要先乘以它的批量大小(`loss.item() * len(X)`)。", **shown)
    firsts = [(float(len(sizes) * sizes[0]), (
        f"divided the sum over the examples by {len(sizes)} batches times the first batch's "
        f"{sizes[0]} = {len(sizes) * sizes[0]}, not by the {n} examples: every batch was counted "
        f"as holding as many examples as the first. Count `len(X)` of each batch as you go.",
        f"把对样本的求和除以了 {len(sizes)} 个批量乘以第一个批量的 {sizes[0]},即 "
        f"{len(sizes) * sizes[0]},而不是 {n} 个样本:每个批量都被当成和第一个一样大。请边走边累加"
        f"每个批量的 `len(X)`。"))] if len(sizes) * sizes[0] not in (n, len(sizes) * max(sizes)) \
        else []
    cause = diagnose.matching(diagnose.implied_divisor(want * n, number),
                              diagnose.divisor_causes(n, sizes) + firsts, rtol=1e-4)
    if cause is not None:
        fail(f"dataset_mean_loss {cause[0]}", f"dataset_mean_loss {cause[1]}", **shown)
    if case["dtype"] == "float64" and abs(number - want) <= 1e-5 * max(1.0, abs(want)):
        fail("the mean is right only to float32's precision, where the net and the data are "
             "float64: part of it was computed in float32 (an accumulator made with "
             "`torch.zeros(())`, which is float32, or a `.float()`). Add up Python floats "
             "(`loss.item() * len(X)`), or keep the loss's own dtype.",
             "这个平均值只有 float32 的精度,而网络和数据都是 float64:其中一部分是用 float32 算的(用 "
             "`torch.zeros(())` 建的累加器是 float32,或者有 `.float()`)。请累加 Python float"
             "(`loss.item() * len(X)`),或保持损失自己的 dtype。", **shown)
    fail("dataset_mean_loss is not the mean loss per example over all the batches: it must "
         "equal the loss of all the examples taken together, every example counted once with "
         "the same weight.",
         "dataset_mean_loss 不等于所有批量上每个样本的平均损失:它应当等于把所有样本放在一起算出的损失,"
         "每个样本计一次、权重相同。", **shown)
