"""worker_seeds: random augmentation in DataLoader workers: different in every worker, new in
every epoch, the same again for the same seed; in the main process, torch's seed decides.

Each test is a claim (dojo/spec.py): an observer builds a dataset, reads it (in the main process,
or through a real DataLoader whose two worker processes are started by fork, as on Linux) and
returns what it got as plain data; the test (the judge) decides from that data alone. The worker
claims read a dataset of zeros: every item is then pure noise, and two batches that hold the
same numbers were drawn from the same generator state. What a worker raised comes back as data
(its text, the learner's line), and the judge says what happened.

Irregular inputs (docs/CONTRIBUTING.md): float64, float16 and bfloat16 data; transposed, sliced,
expanded (stride 0) and channels-last data, whose items are not contiguous; 1-D data (0-dim
items) and a dataset of one example; noise 0, the default noise, noise far from 1; every item
read many times; torch's seed set twice with Python's and NumPy's global states changed in
between, another seed, a draw from torch before the dataset is made; a look at `ds[0]` in the
main process before the workers start; a second epoch, a second loader seeded the same, another
seed; the dataset wrapped by `random_split` (a Subset) and by `ConcatDataset`; 1 to 3 workers,
any batch size, a short last batch (slow); pickling, for spawn.
Left out on purpose: integer data and data that requires grad (the contract excludes them), data
on a GPU (the kata's generators are CPU ones), spawn itself (each spawned worker imports torch, for
seconds; what spawn needs beyond fork, pickling, is checked directly), persistent workers (the
contract says nothing of them; a noise fixed per item, which they would expose, shows in the main
process already), indices outside the dataset (a sampler never asks for them).
"""

import functools
import json
import math
import pickle
import random
import re
import traceback
import warnings
from pathlib import Path

import pytest
import torch
from hypothesis import settings
from hypothesis import strategies as st
from torch.utils.data import ConcatDataset, DataLoader, Subset, random_split

from dojo import diagnose
from dojo import irregular as irr
from dojo.explain import explain
from dojo.i18n import t
from dojo.spec import Other, Seen, claim, observe
from dojo.testing import expect, fail, show

try:
    import numpy
except ImportError:  # pragma: no cover
    numpy = None

KATA = "worker_seeds"
TIMEOUT = 5  # seconds a worker may take to deliver one batch before it counts as a hang
TARGET = 1000  # noise values read per case in the main process: enough to judge a distribution
MAX_READS = 1500  # items read per case at most

needs_fork = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason=t("the worker tests start DataLoader workers by fork, which this system lacks "
             "(Windows: use WSL)",
             "worker 测试用 fork 启动 DataLoader 的 worker,而这个系统没有 fork(Windows 请用 WSL)"),
)


# --- what the learner's code raised, as data ------------------------------------------------


def _same_file(a, b) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, ValueError, TypeError):
        return False


def raised(kata, err, during) -> dict:
    """What the learner's code raised in this process, as data: its type, its text, the line of
    the learner's file it came from, and which call it was."""
    at = None
    path = getattr(kata, "path", None)
    for frame in traceback.extract_tb(err.__traceback__):
        if path is not None and _same_file(frame.filename, path):
            at = {"line": frame.lineno, "function": frame.name,
                  "source": (frame.line or "").strip()[:200]}
    return {"raised": type(err).__name__[:100], "text": str(err)[-1500:], "at": at,
            "during": during, "worker": False}


FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)\n(?:[ \t]+(\S.*)\n)?')


def worker_raised(kata, err, dataset) -> dict:
    """What a DataLoader worker (or the loader itself) raised, as data. A worker's error comes
    back as the same type with the worker's traceback in its text: the learner's line is read
    from there. The stub's NotImplementedError in a worker is raised again here, in the main
    process, so that it reads "not started"."""
    text = str(err)
    path = getattr(kata, "path", None)
    at = None
    for file, line, func, source in FRAME.findall(text):
        if path is not None and _same_file(file, path):
            at = {"line": int(line), "function": func, "source": source.strip()[:200]}
    if at is None:  # raised in this process (the loader asked len(ds), or made an iterator)
        found = raised(kata, err, "DataLoader")
        at = found["at"]
    if isinstance(err, NotImplementedError) and at is not None:
        try:
            if at["function"] == "seed_worker":
                kata.seed_worker(0)
            else:
                dataset[0]
        except NotImplementedError:
            raise
        except Exception:  # noqa: BLE001 - not the stub's: the worker's error is reported
            pass
    lines = text.strip().splitlines()
    return {"raised": type(err).__name__[:100], "text": (lines[-1] if lines else "")[:500],
            "full": text[-1500:], "at": at, "during": "DataLoader",
            "worker": "DataLoader worker" in text}


def loader_of(kata, dataset, seed, *, workers=2, batch_size=2):
    return DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=workers,
                      worker_init_fn=kata.seed_worker,
                      generator=torch.Generator().manual_seed(seed),
                      multiprocessing_context="fork", timeout=TIMEOUT)


def epoch(kata, loader, dataset):
    """Every batch of one epoch, or what was raised, as data."""
    iterator = None
    try:
        iterator = iter(loader)
        return [batch for batch in iterator]
    except NotImplementedError as err:
        path = getattr(kata, "path", None)
        frames = traceback.extract_tb(err.__traceback__)
        if path is not None and frames and _same_file(frames[-1].filename, path):
            raise  # the stub's, raised in this process: not started
        error = err
    except Exception as err:  # noqa: BLE001 - returned as data: the judge explains it
        error = err
    # Drop the traceback (it holds the iterator): the workers are shut down now, not at some
    # later garbage collection, where each would make it wait.
    found = None
    try:
        found = worker_raised(kata, error, dataset)
    finally:
        error.__traceback__ = None
        shut_down(iterator)
        del iterator
    return found


def shut_down(iterator):
    """The loader's workers, ended now: a worker that hangs (or that an error left waiting) is
    given a fifth of a second to leave before it is terminated, not the loader's five seconds
    per worker, which would spend the test's whole time budget."""
    stop = getattr(iterator, "_shutdown_workers", None)
    if stop is None:
        return
    from torch.utils.data import _utils as loader_utils

    saved = getattr(loader_utils, "MP_STATUS_CHECK_INTERVAL", None)
    try:
        loader_utils.MP_STATUS_CHECK_INTERVAL = 0.2
        stop()
    except Exception:  # noqa: BLE001 - a loader of another torch version: its own shutdown
        pass
    finally:
        if saved is not None:
            loader_utils.MP_STATUS_CHECK_INTERVAL = saved


_OBSERVED: dict = {"module": None, "found": {}}


def frozen(value):
    """A copy that nothing done later can change: tensors cloned, containers copied."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: frozen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(frozen(v) for v in value) if type(value) in (list, tuple) else value
    return value


def once(fn):
    """The observer, run once per case and per loaded kata module: the claims that share it
    judge the same data, as in the grader (which observes each case once for all its claims),
    and the DataLoader workers are not started again for each claim."""

    @functools.wraps(fn)
    def observe_once(kata, case):
        module = getattr(kata, "module", None)
        if _OBSERVED["module"] is not module:
            _OBSERVED.update(module=module, found={})
        key = (fn.__name__, json.dumps(case, sort_keys=True, allow_nan=True))
        found = _OBSERVED["found"]
        if key not in found:
            found[key] = frozen(fn(kata, case))
        return frozen(found[key])

    return observe_once


def failed(value) -> bool:
    return isinstance(value, dict)


def packed(items, limit):
    """Items as one stacked tensor when they are tensors of one shape and dtype; else the first
    `limit` of them as they are (their types then say what they were)."""
    if items and all(isinstance(x, torch.Tensor) for x in items):
        first = items[0]
        if all(x.shape == first.shape and x.dtype == first.dtype for x in items):
            return torch.stack([x.detach() for x in items])
    return {"some": list(items[:limit]), "count": len(items)}


def seed_globals(seed):
    """Python's and NumPy's global generators, which torch.manual_seed does not seed."""
    random.seed(seed)
    if numpy is not None:
        numpy.random.seed(seed % 2**32)


# --- the main process: items --------------------------------------------------------------------


def item_shape(case):
    return [int(s) for s in case["data"]["shape"][1:]]


def rounds(case) -> int:
    """How many times every item is read: about TARGET noise values in all, twice at least."""
    n = int(case["data"]["shape"][0])
    k = math.prod(item_shape(case))
    return max(2, min(-(-TARGET // (n * k)), MAX_READS // n))


def make(kata, data, case):
    if "noise" in case:
        return kata.JitterDataset(data, noise=case["noise"])
    return kata.JitterDataset(data)


def data_case(seed, shape, dtype="float32", layout="contiguous", data_seed=None, **more):
    return {"seed": seed, "data": {"shape": shape, "dtype": dtype, "layout": layout,
                                   "seed": seed + 100 if data_seed is None else data_seed},
            **more}


ITEM_EXAMPLES = [
    data_case(0, [8, 3], noise=0.5),
    # float64, transposed: the items are columns of the memory, not contiguous
    data_case(1, [6, 4], "float64", "transposed", noise=2.5),
    # 1-D data: 0-dim items
    data_case(2, [7], noise=1.0),
    # float16 and bfloat16: the item keeps the dtype
    data_case(3, [5, 3], "float16", noise=1.0),
    data_case(4, [4, 2, 3], "bfloat16", "sliced", noise=1.0),
    # channels-last images
    data_case(5, [2, 3, 4, 4], "float32", "channels_last", noise=0.3),
    # the default noise
    data_case(6, [40, 3]),
    # noise 0: the item is data[i] itself
    data_case(7, [3, 2], "float64", noise=0.0),
    # expanded data (stride 0), a dataset of one example
    data_case(8, [4, 3], "float32", "expanded", noise=1.0),
    data_case(9, [1, 5], "float32", noise=1.0),
]


@st.composite
def item_cases(draw):
    n = draw(st.integers(1, 6))
    shape = [n, *draw(st.lists(st.integers(1, 4), max_size=3))]
    layouts = ["contiguous", "sliced", "expanded"]
    if len(shape) >= 2:
        layouts.append("transposed")
    if len(shape) == 4:
        layouts.append("channels_last")
    case = data_case(draw(irr.seeds()), shape, draw(irr.float_dtypes()),
                     draw(st.sampled_from(layouts)), data_seed=draw(irr.seeds()))
    noise = draw(st.sampled_from([None, 0.0, 0.3, 1.0, 2.5]))
    if noise is not None:
        case["noise"] = noise
    return case


@observe(examples=ITEM_EXAMPLES, draw=item_cases())
@once
def items(kata, case):
    """len(ds), then every item read `rounds(case)` times in order, and the data afterwards."""
    data = irr.tensor(case["data"])
    try:
        ds = make(kata, data, case)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - returned as data: the judge says on which input
        return {"raised": raised(kata, err, "JitterDataset(data, ...)"), "data": data}
    try:
        n = len(ds)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        return {"raised": raised(kata, err, "len(ds)"), "data": data}
    got, index = [], 0
    try:
        for _ in range(rounds(case)):
            for index in range(data.shape[0]):
                got.append(ds[index])
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        return {"len": n, "raised": raised(kata, err, f"ds[{index}]"), "data": data}
    return {"len": n, "items": packed(got, 2 * data.shape[0]), "data": data}


# --- judging: what came back ------------------------------------------------------------------


def a_tensor(dtype, shape) -> str:
    return t(f"a {dtype} tensor of shape {tuple(shape)}", f"形状为 {tuple(shape)} 的 {dtype} 张量")


def then(a, b) -> str:
    return t(f"{a} then {b}", f"先是 {a},然后是 {b}")


def twins(batches, k) -> str:
    pad = "\n            "
    return (t(f"batch {k}: ", f"批量 {k}:") + show(batches[k]) + pad
            + t(f"batch {k + 1}: ", f"批量 {k + 1}:") + show(batches[k + 1]))


def noise_of(case) -> float:
    return float(case["noise"]) if "noise" in case else 0.1


def item_call(case) -> str:
    en, zh = irr.describe(case["data"])
    noise = f", noise={case['noise']!r}" if "noise" in case else ""
    return t(f"ds = JitterDataset(data{noise}), data {en}; ds[i] for every i, "
             f"{rounds(case)} times",
             f"ds = JitterDataset(data{noise}),data 是{zh};每个 i 读 ds[i],读 {rounds(case)} 遍")


def tensor_of(value):
    """The values of an observed tensor (None for anything else, or values that did not all
    cross)."""
    if isinstance(value, Seen) and value.complete and value.error is None:
        try:
            return value.tensor
        except (ValueError, TypeError, RuntimeError, OverflowError):
            return None
    return None


def field(seen, key):
    return seen.get(key) if isinstance(seen, dict) else None


def malformed(call, what):
    fail(f"the observation of this call came back malformed ({what}).",
         f"这次调用的观测数据格式不对({what})。", call=call, kata=KATA)


def where_words(at) -> tuple[str, str]:
    if not isinstance(at, dict):
        return "", ""
    line, func = at.get("line"), str(at.get("function"))[:60]
    source = str(at.get("source") or "")[:160]
    if not isinstance(line, int):
        return "", ""
    en = f" (worker_seeds.py, line {line}, in {func}: `{source}`)" if source else \
        f" (worker_seeds.py, line {line}, in {func})"
    zh = f"(worker_seeds.py 第 {line} 行,{func} 中:`{source}`)" if source else \
        f"(worker_seeds.py 第 {line} 行,{func} 中)"
    return en, zh


def explain_main_error(case, r, call):
    """Something the learner's code raised in the main process: what, where, on which input,
    and the cause where the error's words and the case show it."""
    if not isinstance(r, dict):
        malformed(call, "raised")
    kind = str(r.get("raised"))[:100]
    text = str(r.get("text") or "")
    first_line = (text.strip().splitlines() or [""])[0][:300].rstrip(".:")
    during = str(r.get("during"))[:60]
    at_en, at_zh = where_words(r.get("at"))
    desc = case.get("data") if isinstance(case.get("data"), dict) else {}
    on_en, on_zh = irr.describe(desc) if desc else ("this data", "这个数据")
    layout = desc.get("layout", "contiguous")
    dims = len(desc.get("shape", [])) - 1
    why_en, why_zh = "", ""
    if "invalid combination of arguments" in text and dims == 0:
        why_en = ("With 1-D data every item is a 0-dim tensor, whose shape is (): a size "
                  "unpacked from it (`torch.randn(*x.shape)`) is no size at all. Pass the shape "
                  "itself: `torch.randn(x.shape, ...)`.")
        why_zh = ("1 维的 data 里每个样本都是 0 维张量,形状是 ():从它解包出来的尺寸"
                  "(`torch.randn(*x.shape)`)什么都没有。请直接传形状:`torch.randn(x.shape, ...)`。")
    elif "view size is not compatible" in text:
        why_en = (f"data[i] of {on_en} is not contiguous, and `.view()` only reinterprets memory "
                  f"that is in order. Leave the item's shape alone (draw the noise with "
                  f"`x.shape`), or use `.reshape(...)`.")
        why_zh = (f"{on_zh}的 data[i] 不是连续的,而 `.view()` 只能重新解读按顺序排列的内存。不要改动样本的"
                  f"形状(按 `x.shape` 抽噪声),或者改用 `.reshape(...)`。")
    elif re.search(r"single memory location|written-to tensor", text):
        why_en = (f"Something was written into data[i] in place (`x += ...` on `x = data[i]`, "
                  f"which is a view of the caller's data){'; here data is expanded: its elements share one memory location' if layout == 'expanded' else ''}. "
                  f"Make a new tensor: `x + noise * e`.")
        why_zh = (f"有东西被原地写进了 data[i](对 `x = data[i]` 做 `x += ...`,而它是调用方数据的视图)"
                  f"{';这里的 data 是 expand 出来的:它的元素共用同一块内存' if layout == 'expanded' else ''}。"
                  f"请生成新张量:`x + noise * e`。")
    elif "BFloat16" in text and desc.get("dtype") == "bfloat16":
        why_en = ("NumPy has no bfloat16: a round trip through NumPy (`x.numpy()`) cannot carry "
                  "this data. Draw the noise as a tensor (or convert only the noise, "
                  "`torch.from_numpy(e).to(x.dtype)`) and add it to `x` in torch.")
        why_zh = ("NumPy 没有 bfloat16:经过 NumPy 转一圈(`x.numpy()`)装不下这个数据。请把噪声抽成张量"
                  "(或只转换噪声,`torch.from_numpy(e).to(x.dtype)`),再在 torch 里加到 `x` 上。")
    else:
        meaning = explain(f"{kind}: {text}")
        if meaning:
            why_en = why_zh = meaning
    fail(f"on {on_en}, `{during}` raised {kind}{at_en}: {first_line}. {why_en}".rstrip(),
         f"在{on_zh}上,`{during}` 抛出了 {kind}{at_zh}:{first_line}。{why_zh}".rstrip(),
         call=call, kata=KATA)


def readable_items(case, seen, call, *, dtype=True):
    """(items as float64 [reads, *item_shape] tensor, the data as the judge builds it), or a
    failure that says what came back: an error, a wrong len, an item that is no tensor of
    data[i]'s shape (and, with `dtype`, dtype)."""
    if not isinstance(seen, dict):
        malformed(call, "items")
    data = irr.tensor(case["data"])
    n, shape, kind = data.shape[0], tuple(data.shape[1:]), case["data"]["dtype"]
    if "raised" in seen:
        explain_main_error(case, seen["raised"], call)
    got_len = seen.get("len")
    if got_len != n:
        numel = data.numel()
        if got_len == numel and numel != n:
            fail(f"len(ds) is {numel}, the number of elements of data (data.numel()), not the "
                 f"number of examples N = {n}: a DataLoader then asks for items past the end. "
                 f"`len(self.data)` (or `data.shape[0]`) counts examples.",
                 f"len(ds) 是 {numel},即 data 的元素个数(data.numel()),而不是样本数 N = {n}:"
                 f"DataLoader 会去取越界的样本。`len(self.data)`(或 `data.shape[0]`)数的才是样本数。",
                 call=call, got=show(got_len), expected=str(n), kata=KATA)
        fail("len(ds) must be the number of examples, len(data).",
             "len(ds) 应当是样本数 len(data)。", call=call, got=show(got_len), expected=str(n),
             kata=KATA)
    stacked = seen.get("items")
    reads = rounds(case) * n
    if not isinstance(stacked, Seen):
        some = field(stacked, "some")
        first = next((x for x in some if not isinstance(x, Seen)), None) if isinstance(
            some, list) else None
        if first is not None or not isinstance(some, list):
            np_en, np_zh = ("", "")
            if "numpy" in str(getattr(first, "type", "")):
                np_en = (": NumPy's result must become a tensor again, "
                         "`torch.from_numpy(...)`, of data[i]'s dtype")
                np_zh = ":NumPy 的结果要再变回张量,`torch.from_numpy(...)`,dtype 与 data[i] 相同"
            what = f"a {first.type[:80]}" if isinstance(first, Other) else show(first)
            fail(f"an item must be a tensor (data[i] + noise * e); one was {what}{np_en}.",
                 f"样本必须是张量(data[i] + noise * e);有一个是 {what}{np_zh}。",
                 call=call, expected=a_tensor(kind, shape), kata=KATA)
        odd = next((x for x in some if isinstance(x, Seen) and (
            tuple(x.shape) != shape or (dtype and x.dtype_name != kind))), some[0] if some else None)
        got_words = a_tensor(odd.dtype_name, odd.shape) if isinstance(odd, Seen) else show(odd)
        fail("every item must be a tensor of data[i]'s shape and dtype: the items differ in "
             "shape or dtype from one another.",
             "每个样本都应当是与 data[i] 同形、同 dtype 的张量:这些样本彼此的形状或 dtype 不一致。",
             call=call, got=got_words, expected=a_tensor(kind, shape), kata=KATA)
    if not stacked.shape or tuple(stacked.shape[1:]) != shape or stacked.shape[0] != reads:
        fail(f"an item must have data[i]'s shape, {shape}"
             f"{' (a 0-dim tensor, for 1-D data)' if not shape else ''}: data[i] + noise * e, "
             f"with e of data[i]'s shape.",
             f"样本的形状应当与 data[i] 相同,即 {shape}{'(1 维 data 的样本是 0 维张量)' if not shape else ''}:"
             f"data[i] + noise * e,e 与 data[i] 同形。",
             call=call, got=t(f"shape {tuple(stacked.shape[1:])}", f"形状 {tuple(stacked.shape[1:])}"),
             expected=t(f"shape {shape}", f"形状 {shape}"),
             kata=KATA)
    if dtype and stacked.dtype_name != kind:
        wrong_dtype(case, stacked, kind, call)
    values = tensor_of(stacked)
    if values is None:
        malformed(call, "items")
    finite_items(values.double(), rows(data, values.shape[0]), call)
    return values.double(), data


FLOAT_RANK = {"bfloat16": 0, "float16": 0, "float32": 1, "float64": 2}


def wrong_dtype(case, stacked, kind, call):
    got = stacked.dtype_name
    shown = dict(call=call, got=t(f"{got} items", f"{got} 的样本"),
                 expected=t(f"{kind} items, like data", f"与 data 相同的 {kind} 样本"), kata=KATA)
    if got not in FLOAT_RANK:
        fail(f"{kind} data gave {got} items: the item is data[i] + noise * e, of data[i]'s dtype.",
             f"{kind} 的 data 给出了 {got} 的样本:样本是 data[i] + noise * e,dtype 与 data[i] 相同。",
             **shown)
    if FLOAT_RANK[got] > FLOAT_RANK[kind]:
        values = tensor_of(stacked)
        as_low = values.to(irr.dtype(kind)).to(values.dtype) if values is not None else None
        if values is not None and torch.equal(as_low, values):
            fail(f"{kind} data gave {got} items whose values are all {kind} values: the item was "
                 f"computed in {kind} and then converted (`.float()`, `.double()`, "
                 f"`.to(torch.{got})`). Keep data[i]'s dtype: return `x + noise * e` as it is.",
                 f"{kind} 的 data 给出了 {got} 的样本,而它们的值全是 {kind} 能表示的值:样本先用 {kind} "
                 f"算好,再被转换了(`.float()`、`.double()`、`.to(torch.{got})`)。请保持 data[i] 的 "
                 f"dtype:直接返回 `x + noise * e`。", **shown)
        source = ("as NumPy's generators give it, or `dtype=torch.float64`" if got == "float64"
                  else "`torch.randn(shape)` without `dtype=` gives float32")
        source_zh = ("NumPy 的生成器给出的就是 float64,或者用了 `dtype=torch.float64`" if got == "float64"
                     else "不带 `dtype=` 的 `torch.randn(shape)` 给出的是 float32")
        fail(f"{kind} data gave {got} items, computed in {got}: the noise was {got} ({source}), "
             f"and {kind} + {got} is {got} by type promotion. Draw the noise in the item's dtype "
             f"(`dtype=x.dtype`), or convert it (`e.to(x.dtype)`) before adding it.",
             f"{kind} 的 data 给出了 {got} 的样本,是用 {got} 算的:噪声是 {got}({source_zh}),"
             f"按类型提升规则 {kind} + {got} 得到 {got}。请按样本的 dtype 抽噪声(`dtype=x.dtype`),"
             f"或者在相加之前先转换它(`e.to(x.dtype)`)。", **shown)
    fail(f"{kind} data gave {got} items: the item was converted to a coarser dtype "
         f"(`.float()`, `.half()`, `.to(...)`), and lost {kind}'s precision. Keep data[i]'s "
         f"dtype: return `x + noise * e` as it is.",
         f"{kind} 的 data 给出了 {got} 的样本:样本被转换成了更粗的 dtype(`.float()`、`.half()`、"
         f"`.to(...)`),丢掉了 {kind} 的精度。请保持 data[i] 的 dtype:直接返回 `x + noise * e`。",
         **shown)


def finite_items(values, want_rows, call, where=""):
    """Fail where an item holds nan or inf and data[i] does not: the noise is standard normal
    times noise, finite. Checked before any "same" or "different" is decided: nan equals
    nothing, itself included, so a nan slipped into identical noise would read as different."""
    if values.shape == want_rows.shape and not bool(
            (values.isfinite() | ~want_rows.isfinite()).all()):
        fail(f"{where}an item holds nan or inf where data[i] is finite: the noise must be finite "
             f"(standard normal, times noise). Whether two draws differ is not decided on nan "
             f"(nan equals nothing, itself included).",
             f"{where}样本在 data[i] 有限的地方出现了 nan 或 inf:噪声必须是有限的(标准正态,乘以 "
             f"noise)。两次抽样是否不同,不能用 nan 来判断(nan 不等于任何数,包括它自己)。",
             call=call, kata=KATA)


def rows(data, reads):
    """data[i] for every read, in the order they were read, in float64."""
    return data.double().repeat(reads // data.shape[0], *([1] * (data.dim() - 1))) \
        if data.dim() > 1 else data.double().repeat(reads // data.shape[0])


def no_noise(values, want_rows, call):
    if diagnose.identical(values, want_rows):
        fail("every item is data[i] itself: no noise was added. An item is data[i] + noise * e, "
             "with e drawn anew at every access.",
             "每个样本都就是 data[i] 本身:没有加任何噪声。样本应当是 data[i] + noise * e,"
             "e 在每次访问时重新抽取。", call=call, kata=KATA)


@settings(max_examples=4)
@claim(items)
def test_an_item_is_data_plus_noise_of_its_shape_and_dtype(case, seen):
    call = item_call(case)
    values, data = readable_items(case, seen, call)
    reads = values.shape[0]
    after = tensor_of(field(seen, "data"))
    if after is None or after.shape != data.shape:
        malformed(call, "data")
    if not irr.exactly(after, data):
        last = values[-data.shape[0]:]
        wrote = torch.equal(after.double(), last.reshape(after.shape)) if last.numel() == \
            after.numel() else False
        fail("JitterDataset changed the caller's data"
             + (": every data[i] now holds the last item read for i, so the noise was added "
                "into data[i] in place (`x += noise * e` on `x = data[i]`, which is a view of "
                "data), and the item returned is data[i] itself. Every access drifts the data "
                "further. Make a new tensor: `return x + noise * e`." if wrote else
                ". Reading an item must leave data as it was: make the item a new tensor, "
                "`x + noise * e`."),
             "JitterDataset 改动了调用方的 data"
             + (":现在每个 data[i] 都等于最后一次读到的第 i 个样本,说明噪声被原地加进了 data[i]"
                "(对 `x = data[i]` 做 `x += noise * e`,而它是 data 的视图),返回的样本就是 data[i] 本身。"
                "每访问一次,数据就漂移一次。请生成新张量:`return x + noise * e`。" if wrote else
                "。读取样本必须让 data 保持原样:请把样本做成新张量,`x + noise * e`。"),
             call=call, got=after, expected=data, kata=KATA)
    want_rows = rows(data, reads)
    if noise_of(case) == 0.0:
        same = (values == want_rows) | (values.isnan() & want_rows.isnan())
        if not bool(same.all()):
            bad = int((~same).reshape(reads, -1).any(dim=1).nonzero()[0, 0]) if values.dim() > 1 \
                else int((~same).nonzero()[0, 0])
            shown = dict(call=call, got=values[bad].to(data.dtype),
                         expected=data[bad % data.shape[0]], kata=KATA)
            diff = (values - want_rows).flatten()
            if diff.numel() >= 100 and bool(diff.isfinite().all()) and abs(
                    float(diff.std()) - 1) < 0.15 and abs(float(diff.mean())) < 0.2:
                fail("with noise=0 an item must be data[i] exactly, and here ds[i] - data[i] is "
                     "standard normal noise (mean 0, standard deviation 1): the noise was not "
                     "scaled by noise. Multiply: `x + noise * e`.",
                     "noise=0 时样本必须恰好是 data[i],而这里 ds[i] - data[i] 是标准正态噪声(均值 0、"
                     "标准差 1):噪声没有乘以 noise。请相乘:`x + noise * e`。", **shown)
            fail("with noise=0 an item must be data[i] exactly: data[i] + 0 * e.",
                 "noise=0 时,样本必须恰好是 data[i]:data[i] + 0 * e。", **shown)
        return
    no_noise(values, want_rows, call)
    finite = values.isfinite() | ~want_rows.isfinite()
    expect(bool(finite.all()), "an item holds inf or nan where data[i] is finite: the noise must be "
           "finite (standard normal, times noise).",
           "样本在 data[i] 有限的地方出现了 inf 或 nan:噪声必须是有限的(标准正态,乘以 noise)。",
           call=call, kata=KATA)


# --- every access, every element --------------------------------------------------------------


def unit_noise(case, values, data):
    """e = (item - data[i]) / noise for every read, [reads, k] in float64, and how far apart two
    equal e may be after rounding in the item's dtype."""
    noise = noise_of(case)
    want = rows(data, values.shape[0]).reshape(values.shape[0], -1)
    got = values.reshape(values.shape[0], -1)
    e = (got - want) / noise
    eps = torch.finfo(irr.dtype(case["data"]["dtype"])).eps
    slack = 4 * eps * (want.abs() + (got - want).abs()) / noise + 1e-12
    return e, slack


@settings(max_examples=4)
@claim(items)
def test_the_noise_is_drawn_anew_at_every_access_for_every_element(case, seen):
    call = item_call(case)
    values, data = readable_items(case, seen, call, dtype=False)
    if noise_of(case) == 0.0:
        return
    n = data.shape[0]
    no_noise(values, rows(data, values.shape[0]), call)
    e, slack = unit_noise(case, values, data)
    reads, k = e.shape
    # the same index, two passes in a row: the same numbers?
    again = torch.tensor([diagnose.identical(values[r], values[r + n])
                          for r in range(reads - n)])
    if float(again.double().mean()) > 0.5:
        one = (e - e[0]).abs() <= slack + slack[0]
        if n > 1 and bool(one.all()):
            fail("every item got the very same noise, whatever its index and at every access: the "
                 "generator is restarted (reseeded with the same seed) before each draw, so it "
                 "draws the same numbers every time. Seed it once per process, then let it run on.",
                 "每个样本,不管下标是什么、第几次访问,得到的噪声都完全一样:生成器在每次抽样之前都被"
                 "重新启动(用同一个种子重设),所以每次抽出的都是同样的数。每个进程只设一次种子,然后让它"
                 "一直往下抽。", call=call,
                 got=t(f"(ds[0] - data[0]) / noise = {show(e[0])}, (ds[1] - data[1]) / noise = "
                       f"{show(e[1])}", f"(ds[0] - data[0]) / noise = {show(e[0])},(ds[1] - "
                       f"data[1]) / noise = {show(e[1])}") if n > 1 else None, kata=KATA)
        fail(f"ds[i] gave the very same numbers at every access ({int(again.sum())} of "
             f"{again.numel()} repeated reads): each index keeps its noise, fixed. The noise must "
             f"be drawn anew at every access: an augmentation fixed per item (drawn once, cached, "
             f"or from a generator reseeded per item, from the seed plus the index) is no "
             f"augmentation.",
             f"ds[i] 每次访问给出的数都完全相同(重复读取 {again.numel()} 次里有 {int(again.sum())} 次"
             f"一样):每个下标的噪声都是固定的。噪声必须在每次访问时重新抽取:每个样本固定不变的增强"
             f"(只抽一次、缓存起来,或者每个样本用种子加下标重设生成器)算不上增强。",
             call=call, got="ds[0]: " + then(show(values[0].to(data.dtype)),
                                             show(values[n].to(data.dtype))), kata=KATA)
    if k > 1:
        spread = e.max(dim=1).values - e.min(dim=1).values
        if bool((spread <= 2 * slack.max(dim=1).values).all()):
            fail("within each item every element moved by the very same amount: one noise number "
                 "per item, broadcast over it (`torch.randn(())`, `torch.randn(1)`). The noise "
                 "has data[i]'s shape: one number per element, `torch.randn(x.shape, ...)`.",
                 "每个样本里所有元素移动的量都完全一样:每个样本只抽了一个噪声数,再广播到整个样本"
                 "(`torch.randn(())`、`torch.randn(1)`)。噪声应当与 data[i] 同形:每个元素一个数,"
                 "`torch.randn(x.shape, ...)`。",
                 call=call, got=f"ds[0] - data[0] = {show(values[0] - rows(data, n)[0])}",
                 kata=KATA)


# --- the distribution -------------------------------------------------------------------------


@settings(max_examples=4)
@claim(items)
def test_the_noise_is_standard_normal_times_noise(case, seen):
    call = item_call(case)
    values, data = readable_items(case, seen, call, dtype=False)
    noise = noise_of(case)
    if noise == 0.0:
        return
    no_noise(values, rows(data, values.shape[0]), call)
    e, slack = unit_noise(case, values, data)
    e = e.flatten()
    if not bool(e.isfinite().all()):
        fail("some items hold inf or nan where data[i] is finite.",
             "有些样本在 data[i] 有限的地方出现了 inf 或 nan。", call=call, kata=KATA)
    count = e.numel()
    mean, std = float(e.mean()), float(e.std())
    within = float((e.abs() <= 1).double().mean())
    spread = std * noise
    stats_zh = (f"{count} 个值里,(ds[i] - data[i]) / noise 的均值是 {mean:.3f},标准差是 {std:.3f},"
                f"{100 * within:.0f}% 落在 ±1 之内")
    stats = (f"over {count} values, (ds[i] - data[i]) / noise has mean {mean:.3f}, standard "
             f"deviation {std:.3f}, {100 * within:.0f}% within ±1")
    expected = t("mean 0, standard deviation 1, 68% within ±1", "均值 0,标准差 1,68% 落在 ±1 之内")
    shown = dict(call=call, got=t(stats, stats_zh), expected=expected, kata=KATA)
    quantum = float(slack.max())
    ulp = float(slack.mean()) / 2  # about one unit of the item's rounding, in units of noise
    if float(e.min()) >= -quantum and float(e.max()) <= 1 + quantum and abs(mean - 0.5) < 0.1:
        fail("the noise is uniform on [0, 1), never negative: `torch.rand` draws that; "
             "`torch.randn` draws standard normal noise (mean 0, standard deviation 1).",
             "噪声是 [0, 1) 上的均匀分布,从不为负:那是 `torch.rand` 抽的;`torch.randn` 抽的才是标准"
             "正态噪声(均值 0,标准差 1)。", **shown)
    off = 6 / math.sqrt(2 * count) + 0.01 + ulp
    if abs(std - 1) > off:
        if "noise" not in case:
            if abs(spread - 1.0) < 0.1:
                fail(f"JitterDataset(data) jittered with a standard deviation of {spread:.2f}: "
                     f"its default noise is 1.0, where the contract's default is 0.1 "
                     f"(`def __init__(self, data, noise=0.1)`).",
                     f"JitterDataset(data) 的抖动标准差是 {spread:.2f}:它的 noise 默认值是 1.0,而约定的"
                     f"默认值是 0.1(`def __init__(self, data, noise=0.1)`)。", **shown)
            fail(f"JitterDataset(data), without noise=, jittered with a standard deviation of "
                 f"{spread:.3g}; the default noise is 0.1.",
                 f"不传 noise= 的 JitterDataset(data) 抖动的标准差是 {spread:.3g};noise 的默认值是 0.1。",
                 **shown)
        for want, en, zh in (
                (1.0, "the noise was not scaled: ds[i] - data[i] has a standard deviation of 1 "
                      "whatever noise is. Multiply: `x + noise * e`.",
                      "噪声没有被缩放:不管 noise 是多少,ds[i] - data[i] 的标准差都是 1。请相乘:"
                      "`x + noise * e`。"),
                (noise * noise, "the noise was scaled twice: ds[i] - data[i] has a standard "
                                "deviation of noise², not noise.",
                 "噪声被缩放了两次:ds[i] - data[i] 的标准差是 noise² 而不是 noise。"),
                (math.sqrt(noise), "ds[i] - data[i] has a standard deviation of √noise: noise "
                                   "was taken for a variance. It is the standard deviation: "
                                   "`x + noise * e`, e standard normal.",
                 "ds[i] - data[i] 的标准差是 √noise:noise 被当成了方差。它是标准差:"
                 "`x + noise * e`,e 为标准正态。")):
            if abs(want - noise) > 0.2 * noise and abs(spread - want) <= off * noise:
                fail(en, zh, **shown)
        fail(f"(ds[i] - data[i]) / noise should have a standard deviation of 1; it has "
             f"{std:.3f}: the noise is {std:.3g} times too {'large' if std > 1 else 'small'}.",
             f"(ds[i] - data[i]) / noise 的标准差应当是 1,实际是 {std:.3f}:噪声是应有大小的 "
             f"{std:.3g} 倍。", **shown)
    if abs(mean) > 5 / math.sqrt(count) + 0.01 + ulp / 2:
        fail(f"(ds[i] - data[i]) / noise should have mean 0; it has mean {mean:.3f}: the noise "
             f"is shifted. Standard normal noise (`torch.randn`) is centred on 0.",
             f"(ds[i] - data[i]) / noise 的均值应当是 0,实际是 {mean:.3f}:噪声整体偏移了。标准正态"
             f"噪声(`torch.randn`)以 0 为中心。", **shown)
    if abs(within - 0.6827) > 0.075 + ulp:
        fail(f"(ds[i] - data[i]) / noise has mean 0 and standard deviation 1, but is not "
             f"normal: {100 * within:.0f}% of it lies within ±1, where a normal distribution has "
             f"68%. Draw standard normal noise: `torch.randn`.",
             f"(ds[i] - data[i]) / noise 的均值是 0、标准差是 1,但它不是正态分布:只有 "
             f"{100 * within:.0f}% 落在 ±1 之内,而正态分布是 68%。请抽标准正态噪声:`torch.randn`。",
             **shown)


# --- the main process: torch's seed decides -----------------------------------------------------

SEED_EXAMPLES = [
    data_case(3, [5, 2]),
    data_case(4, [3, 2, 2], "float64", "transposed"),
]

# the four runs of a case: (torch's seed, Python's and NumPy's seed), as offsets from the case's
RUNS = ((0, 101), (0, 202), (1, 101), (0, 101))


def torch_seed(case, run):
    return int(case["seed"]) + RUNS[run][0]


@observe(examples=SEED_EXAMPLES,
         draw=st.builds(lambda s, shape, dtype: data_case(s, shape, dtype, data_seed=s + 7),
                        irr.seeds(), irr.shapes(min_dims=1, max_dims=3, max_side=4),
                        irr.float_dtypes()))
@once
def seeded(kata, case):
    """Four times: torch.manual_seed(s), Python's and NumPy's seeds set, a draw from torch (the
    caller's own), a dataset made, torch's next draws (the caller's again), every item read twice
    and torch.initial_seed() afterwards. Runs 0, 1 and 3 have the same torch seed; 0 and 3 the
    same Python and NumPy seeds too; run 2 has another torch seed."""
    data = irr.tensor(case["data"])
    n = data.shape[0]
    out = []
    for run, (plus, other) in enumerate(RUNS):
        torch.manual_seed(int(case["seed"]) + plus)
        seed_globals(int(case["seed"]) + other)
        torch.rand(5)  # the caller draws from torch before making the dataset (its data, a model)
        try:
            ds = kata.JitterDataset(data, noise=1.0)
            after = torch.rand(4)  # the caller's next draws: what the dataset left of torch's
            got = [ds[i] for _ in range(2) for i in range(n)]
        except NotImplementedError:
            raise
        except Exception as err:  # noqa: BLE001 - returned as data: the judge says what
            return {"raised": raised(kata, err, f"run {run}")}
        out.append({"after": after, "initial_seed": torch.initial_seed(),
                    "items": packed(got, 2 * n)})
    return {"runs": out}


def seeded_call(case, run=None) -> str:
    s = int(case["seed"])
    en, zh = irr.describe(case["data"])
    return t(f"torch.manual_seed({s}); torch.rand(5); ds = JitterDataset(data, noise=1.0), data "
             f"{en}; torch.rand(4); ds[i] for every i, two passes",
             f"torch.manual_seed({s}); torch.rand(5); ds = JitterDataset(data, noise=1.0),data "
             f"是{zh};torch.rand(4);每个 i 读两遍 ds[i]")


def stream(case, generator):
    """data[i] + 1.0 * e for every read of a run, e drawn in turn from `generator` as the
    reference draws it: what a dataset that draws so from that generator gives."""
    data = irr.tensor(case["data"])
    got = []
    for _ in range(2):
        for i in range(data.shape[0]):
            x = data[i]
            got.append(x + 1.0 * torch.randn(x.shape, generator=generator, dtype=x.dtype))
    return torch.stack(got).double()


def seeded_runs(case, seen, call):
    if not isinstance(seen, dict):
        malformed(call, "runs")
    if "raised" in seen:
        explain_main_error(case, seen["raised"], call)
    runs = seen.get("runs")
    if not isinstance(runs, list) or len(runs) != len(RUNS) or not all(
            isinstance(r, dict) for r in runs):
        malformed(call, "runs")
    data = irr.tensor(case["data"])
    shape, reads = tuple(data.shape[1:]), 2 * data.shape[0]
    out = []
    for r in runs:
        values = tensor_of(r.get("items"))
        if values is None or tuple(values.shape) != (reads, *shape):
            fail("every item must be a tensor of data[i]'s shape (the first test says more).",
                 "每个样本都应当是与 data[i] 同形的张量(第一个测试会说得更详细)。",
                 call=call, got=show(r.get("items")), kata=KATA)
        finite_items(values.double(), rows(data, reads), call)
        out.append(values.double())
    return runs, out


@settings(max_examples=4)
@claim(seeded)
def test_the_main_process_draws_from_torchs_seed(case, seen):
    call = seeded_call(case)
    runs, values = seeded_runs(case, seen, call)
    data = irr.tensor(case["data"])
    for run, r in enumerate(runs):
        s = torch_seed(case, run)
        now = r.get("initial_seed")
        if now != s:
            shown_now = now.value if isinstance(now, Other) and now.type == "int" else show(now)
            others = {x.get("initial_seed") for x in runs}
            random_seed = len(others) == len(runs)
            fail(f"torch.initial_seed() was {s} before the dataset was made and read, and "
                 f"{shown_now} afterwards: your dataset set torch's global seed"
                 + (" anew, at random, each time: `torch.seed()` does that (it is no getter: it "
                    "sets a new random seed and returns it). `torch.initial_seed()` reads the "
                    "seed." if random_seed else " (`torch.manual_seed(...)`).")
                 + " torch's seed belongs to the caller: read it, never set it.",
                 f"数据集创建和读取之前 torch.initial_seed() 是 {s},之后是 {shown_now}:你的数据集设定了 "
                 f"torch 的全局种子"
                 + (",而且每次都随机设定:`torch.seed()` 就是这样(它不是读取函数:它设定一个新的随机种子"
                    "并返回它)。读取种子要用 `torch.initial_seed()`。" if random_seed else
                    "(`torch.manual_seed(...)`)。")
                 + "torch 的种子属于调用方:只读,不设。",
                 call=call, got=str(shown_now), expected=str(s), kata=KATA)
    for run, r in enumerate(runs):
        s = torch_seed(case, run)
        after = tensor_of(r.get("after"))
        g = torch.Generator().manual_seed(s)
        torch.rand(5, generator=g)
        want = torch.rand(4, generator=g)
        if after is None or after.shape != want.shape:
            malformed(call, "after")
        if not torch.equal(after, want):
            restarted = torch.equal(after, torch.rand(4, generator=torch.Generator().manual_seed(s)))
            fail("making a JitterDataset changed torch's global generator: the caller's next "
                 "`torch.rand(4)` gave other numbers than without it"
                 + (". They are the first numbers after torch.manual_seed: the dataset restarted "
                    "the caller's stream (`torch.manual_seed(torch.initial_seed())`), so the "
                    "caller's next draws repeat earlier ones." if restarted else
                    ": the dataset drew from it (or seeded it) while being made.")
                 + " Give the dataset a generator of its own (`torch.Generator().manual_seed("
                   "torch.initial_seed())`) and leave torch's global one alone.",
                 "创建 JitterDataset 改变了 torch 的全局生成器:调用方接下来的 `torch.rand(4)` 给出了和"
                 "没创建它时不同的数"
                 + (("。这些数正是 torch.manual_seed 之后的头几个数:数据集让调用方的随机数序列从头开始了"
                     "(`torch.manual_seed(torch.initial_seed())`),调用方接下来抽到的数会重复之前的。")
                    if restarted else ":数据集在创建时从它那里抽了数(或者设定了它的种子)。")
                 + "请给数据集一个自己的生成器(`torch.Generator().manual_seed(torch.initial_seed())`),"
                   "不要动 torch 的全局生成器。",
                 call=call, got=after, expected=want, kata=KATA)
    rows_ = rows(data, values[0].shape[0])
    if all(diagnose.identical(v, rows_) for v in values):
        no_noise(values[0], rows_, call)
    a, b, c, d = values
    if not diagnose.identical(a, b):
        if diagnose.identical(a, d):
            fail("after the same torch.manual_seed the dataset drew other noise when only "
                 "Python's `random` and NumPy's global state had been seeded differently (and "
                 "the same noise when they were seeded the same): the noise follows Python's or "
                 "NumPy's global generator. torch.manual_seed does not seed those (PyTorch seeds "
                 "them in DataLoader workers only). Draw from torch's seed: a "
                 "`torch.Generator().manual_seed(torch.initial_seed())`, or a NumPy or Python "
                 "generator made from `torch.initial_seed()`.",
                 "在相同的 torch.manual_seed 之后,只要 Python 的 `random` 和 NumPy 的全局状态的种子不同,"
                 "数据集抽到的噪声就不同(种子相同时噪声也相同):噪声跟着 Python 或 NumPy 的全局生成器走。"
                 "torch.manual_seed 不会设定它们的种子(PyTorch 只在 DataLoader 的 worker 里设定)。请从 "
                 "torch 的种子出发:`torch.Generator().manual_seed(torch.initial_seed())`,或者用 "
                 "`torch.initial_seed()` 创建 NumPy 或 Python 的生成器。",
                 call=call + t("; all of it twice, with other seeds for Python's `random` and "
                               "NumPy", ";整个过程做两遍,Python 的 `random` 和 NumPy 用不同的种子"),
                 got=then(show(a[0]), show(b[0])), kata=KATA)
        s = torch_seed(case, 0)
        own = torch.Generator().manual_seed(s)
        first = stream(case, own)
        if diagnose.identical(a, first) and diagnose.identical(b, stream(case, own)):
            fail("after torch.manual_seed(s) again, the second dataset went on where the first "
                 "one stopped: both draw from one generator that torch.manual_seed does not "
                 "restart (made once, from the first seed, and kept: at module level or in the "
                 "class). The dataset's generator starts from torch.initial_seed() when the "
                 "dataset is made: one generator per dataset.",
                 "再次调用 torch.manual_seed(s) 之后,第二个数据集接着第一个停下的地方继续抽:两者都从同一个"
                 "生成器抽数,而 torch.manual_seed 不会让它重新开始(它只用第一次的种子创建一次,然后一直"
                 "保留:在模块级或类里)。数据集的生成器应当在数据集创建时从 torch.initial_seed() 出发:每个"
                 "数据集一个生成器。",
                 call=call + t("; all of it twice", ";整个过程做两遍"),
                 got=then(show(a[0]), show(b[0])), kata=KATA)
        fail("two datasets made after the same torch.manual_seed, with the same steps in "
             "between, drew different noise: the noise does not restart with torch's seed, so no "
             "seed reproduces it. In the main process the generator must start from torch's "
             "seed (torch.initial_seed()), not from the clock, the operating system, or a "
             "generator kept from earlier draws.",
             "在相同的 torch.manual_seed 之后、中间步骤也相同,创建的两个数据集却抽到了不同的噪声:噪声不会"
             "随着 torch 的种子重新开始,所以没有哪个种子能复现它。在主进程里,生成器必须从 torch 的种子"
             "(torch.initial_seed())出发,而不是时钟、操作系统,或者早先抽过数、一直保留的生成器。",
             call=call + t("; all of it twice", ";整个过程做两遍"),
             got=then(show(a[0]), show(b[0])), kata=KATA)
    if diagnose.identical(a, c):
        default = stream(case, torch.Generator())
        if diagnose.identical(a, default):
            fail(f"torch.manual_seed({torch_seed(case, 0)}) and torch.manual_seed("
                 f"{torch_seed(case, 2)}) gave the same noise, the noise of a "
                 f"`torch.Generator()` that was never seeded: its seed is a constant "
                 f"(67280421310721), not torch's seed. Seed it: "
                 f"`torch.Generator().manual_seed(torch.initial_seed())`.",
                 f"torch.manual_seed({torch_seed(case, 0)}) 和 torch.manual_seed("
                 f"{torch_seed(case, 2)}) 给出了相同的噪声,正是从未设定种子的 `torch.Generator()` 抽出的"
                 f"噪声:它的种子是一个常数(67280421310721),而不是 torch 的种子。请设定它:"
                 f"`torch.Generator().manual_seed(torch.initial_seed())`。",
                 call=call, got=show(a[0]), kata=KATA)
        fail(f"torch.manual_seed({torch_seed(case, 0)}) and torch.manual_seed("
             f"{torch_seed(case, 2)}) gave the same noise: torch's seed does not decide it. The "
             f"generator must be seeded from torch.initial_seed().",
             f"torch.manual_seed({torch_seed(case, 0)}) 和 torch.manual_seed({torch_seed(case, 2)}) "
             f"给出了相同的噪声:噪声不由 torch 的种子决定。生成器应当用 torch.initial_seed() 设定种子。",
             call=call, got=show(a[0]), kata=KATA)


# --- pickling, for spawn ------------------------------------------------------------------------


@observe(examples=[data_case(5, [3, 2])])
@once
def pickled(kata, case):
    """seed_worker: is it callable, does it pickle; the dataset, used once, through a pickle
    round trip; every item of the copy, twice."""
    fn = kata.seed_worker
    out = {"callable": callable(fn), "type": f"{type(fn).__module__}.{type(fn).__qualname__}"}
    try:
        pickle.dumps(fn)
        out["pickles"] = None
    except Exception as err:  # noqa: BLE001 - what pickle says is the observation
        out["pickles"] = f"{type(err).__name__}: {err}"[:300]
    data = irr.tensor(case["data"])
    ds = kata.JitterDataset(data, noise=1.0)
    step = "ds[0]"
    try:
        ds[0]
        step = "pickle.loads(pickle.dumps(ds))"
        copy = pickle.loads(pickle.dumps(ds))
        step = "copy[i]"
        got = [copy[i] for _ in range(2) for i in range(data.shape[0])]
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        out["dataset"] = raised(kata, err, step)
        return out
    out["copy"] = packed(got, 2 * data.shape[0])
    return out


PICKLE_CALL = "pickle.dumps(seed_worker); ds = JitterDataset(data, noise=1.0); ds[0]; " \
              "copy = pickle.loads(pickle.dumps(ds)); copy[i]"


@claim(pickled)
def test_seed_worker_and_the_dataset_survive_pickling_for_spawn(case, seen):
    call = PICKLE_CALL
    if not isinstance(seen, dict):
        malformed(call, "pickle")
    kind = str(seen.get("type"))[:100].split(".")[-1]
    if seen.get("callable") is not True:
        what = "None" if kind == "NoneType" else f"a {kind}"
        fail(f"seed_worker is {what}, not a function: `DataLoader(worker_init_fn=None)` is "
             f"accepted, but the contract asks for a function that exists and runs. If your "
             f"dataset seeds itself, write `def seed_worker(worker_id): pass`.",
             f"seed_worker 是 {what},而不是函数:`DataLoader(worker_init_fn=None)` 虽然也能用,"
             f"但约定要求它是一个存在并能运行的函数。如果数据集自己设定种子,就写 "
             f"`def seed_worker(worker_id): pass`。", call=call, kata=KATA)
    why = seen.get("pickles")
    if why is not None:
        why = str(why)[:300]
        lam = "lambda" in why
        fail(f"seed_worker cannot be pickled ({why})"
             + (": it is a lambda. " if lam else ". ")
             + "On macOS and Windows the DataLoader starts its workers by spawn, which pickles "
               "the worker_init_fn: a lambda or a function defined inside another cannot be. "
               "Define seed_worker with def, at the top level of the module.",
             f"seed_worker 无法被 pickle({why})" + (":它是 lambda。" if lam else "。")
             + "在 macOS 和 Windows 上,DataLoader 用 spawn 启动 worker,要 pickle worker_init_fn:"
               "lambda 和定义在别的函数里面的函数都不行。请在模块顶层用 def 定义 seed_worker。",
             call=call, kata=KATA)
    r = seen.get("dataset")
    if r is not None:
        if not isinstance(r, dict):
            malformed(call, "dataset")
        text = str(r.get("text"))[:400]
        during = str(r.get("during"))[:60]
        at_en, at_zh = where_words(r.get("at"))
        if during.startswith("pickle"):
            what_en, what_zh = "", ""
            if "lambda" in text:
                what_en = " It holds a lambda (as an attribute, or inside a partial):"
                what_zh = "它持有一个 lambda(作为属性,或者在 partial 里面):"
            elif "'generator' object" in text:
                what_en = " It holds a Python generator (made with `yield` or `( ... for ...)`):"
                what_zh = "它持有一个 Python 生成器(用 `yield` 或 `( ... for ...)` 做的):"
            fail(f"the dataset cannot be pickled ({str(r.get('raised'))[:60]}: {text}).{what_en} "
                 f"spawn pickles the dataset into every worker: keep in it only what pickles "
                 f"(tensors, numbers, torch.Generator, NumPy's and Python's generators), no "
                 f"lambdas, open files or Python generators.",
                 f"数据集无法被 pickle({str(r.get('raised'))[:60]}:{text})。{what_zh}spawn 会把数据集 "
                 f"pickle 进每个 worker:里面只能放可以 pickle 的东西(张量、数字、torch.Generator、"
                 f"NumPy 和 Python 的随机数生成器),不要放 lambda、打开的文件或 Python 生成器。",
                 call=call, kata=KATA)
        explain_main_error(case, r, call)
    data = irr.tensor(case["data"])
    values = tensor_of(seen.get("copy"))
    reads = 2 * data.shape[0]
    if values is None or tuple(values.shape) != (reads, *data.shape[1:]):
        fail("the unpickled dataset must still work: copy[i] should be an item shaped like "
             "data[i].",
             "反序列化后的数据集必须照常工作:copy[i] 应当是与 data[i] 同形的样本。",
             call=call, got=show(seen.get("copy")), kata=KATA)
    want = rows(data, reads)
    finite_items(values.double(), want, call, t("the unpickled copy: ", "反序列化的副本:"))
    if diagnose.identical(values.double(), want):
        fail("the unpickled dataset gives data[i] itself: no noise. A copy made by pickling "
             "(as spawn makes in each worker) must still jitter.",
             "反序列化得到的数据集给出的就是 data[i] 本身:没有噪声。经 pickle 复制的数据集(spawn 会在每个 "
             "worker 里这样复制)必须照样加抖动。", call=call, kata=KATA)


# --- in DataLoader workers ------------------------------------------------------------------------


def call_of(seed, workers=2, batch_size=2, n=8, data="torch.zeros({n}, 3)"):
    return (f"DataLoader(JitterDataset({data.format(n=n)}, noise=1.0), batch_size={batch_size}, "
            f"num_workers={workers}, worker_init_fn=seed_worker, "
            f"generator=torch.Generator().manual_seed({seed}))")


@observe(examples=[{"seed": 7}])
@once
def workers(kata, case):
    """Through DataLoaders with two fork workers, of one dataset of zeros: an epoch of a loader;
    torch's, Python's and NumPy's global states changed in the main process; its second epoch;
    a look at ds[0] and ds[1] in the main process; an epoch of a new loader seeded the same; one
    of a loader seeded otherwise; one of a Subset of the dataset made by random_split; one of a
    ConcatDataset of two Subsets of it. The observation stops at the first error."""
    s = int(case["seed"])
    ds = kata.JitterDataset(torch.zeros(8, 3), noise=1.0)
    out = {}
    loader = loader_of(kata, ds, s)
    out["first"] = epoch(kata, loader, ds)
    if failed(out["first"]):
        return out
    torch.manual_seed(s + 1000)  # the main process's global state changes: it must not matter
    seed_globals(s + 1000)
    out["second"] = epoch(kata, loader, ds)
    if failed(out["second"]):
        return out
    try:
        out["look"] = [ds[0], ds[1]]  # a look in the main process, before the next workers
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001
        out["look"] = raised(kata, err, "ds[0]")
        return out
    for key, seed in (("again", s), ("other", s + 1)):
        out[key] = epoch(kata, loader_of(kata, ds, seed), ds)
        if failed(out[key]):
            return out
    try:
        part = random_split(ds, [6, 2], generator=torch.Generator().manual_seed(s))[0]
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - random_split asks len(ds)
        out["split"] = raised(kata, err, "random_split(ds, [6, 2])")
        return out
    joined = ConcatDataset([Subset(ds, range(0, 4)), Subset(ds, range(4, 8))])
    for key, dataset in (("split", part), ("joined", joined)):
        out[key] = epoch(kata, loader_of(kata, dataset, s), ds)
        if failed(out[key]):
            return out
    return out


EPOCHS = ("first", "second", "again", "other")


def explain_worker_error(r, call):
    """A worker's error (or the loader's), said in words: a hang, a death, NumPy's 2**32, or
    the learner's error with its line."""
    if not isinstance(r, dict):
        malformed(call, "epoch")
    kind = str(r.get("raised"))[:100]
    last = str(r.get("text") or kind)[:500]
    full = str(r.get("full") or "")
    at_en, at_zh = where_words(r.get("at"))
    if "timed out" in full:
        fail(f"a worker took more than {TIMEOUT} s to deliver one batch: something in the dataset "
             f"or in seed_worker blocks (an endless loop, a lock taken before the fork and never "
             f"released in the copy, a wait for input). With num_workers=0 the same code runs in "
             f"the main process, where it can be interrupted and debugged.",
             f"有个 worker 超过 {TIMEOUT} 秒都没交出一个批量:数据集或 seed_worker 里有东西卡住了"
             f"(死循环、fork 之前拿到而在副本里永远不会释放的锁、等待输入)。设 num_workers=0,同样的"
             f"代码会在主进程里运行,可以中断和调试。", call=call, got=last, kata=KATA)
    if "exited unexpectedly" in full:
        fail("a worker process died without a Python error: a crash in native code, os._exit() or "
             "sys.exit() in the worker, a signal, or a limit of the machine (the number of "
             "processes, the shared memory in /dev/shm that carries the batches back). Try "
             "num_workers=0 to see whether the dataset itself works.",
             "有个 worker 进程没有抛出 Python 错误就死掉了:原生代码崩溃、worker 里调用了 os._exit() "
             "或 sys.exit()、收到信号,或者碰到了机器的限制(进程数、把批量传回来的 /dev/shm 共享内存)。"
             "试试 num_workers=0,看数据集本身是否正常。", call=call, got=last, kata=KATA)
    if "2**32" in full:
        fail(f"your code raised inside a worker{at_en}: {last}. np.random.seed(s) and "
             f"np.random.RandomState(s) take seeds below 2**32, but a worker's seed "
             f"(torch.initial_seed(), get_worker_info().seed) is a 64-bit number. Use "
             f"np.random.default_rng(seed), which takes any integer, or seed % 2**32.",
             f"你的代码在 worker 里抛出了错误{at_zh}:{last}。np.random.seed(s) 和 "
             f"np.random.RandomState(s) 只接受小于 2**32 的种子,而 worker 的种子"
             f"(torch.initial_seed()、get_worker_info().seed)是 64 位整数。请用 "
             f"np.random.default_rng(seed)(任何整数都行),或者 seed % 2**32。",
             call=call, got=last, kata=KATA)
    if r.get("worker") is True:
        fail(f"your code raised {kind} inside a DataLoader worker{at_en}: {last}. The worker runs "
             f"seed_worker, then __getitem__ for its batches; the error came back to the main "
             f"process with the worker's traceback. With num_workers=0 the same code runs in the "
             f"main process, where print() and a debugger work.",
             f"你的代码在 DataLoader 的 worker 里抛出了 {kind}{at_zh}:{last}。worker 先运行 "
             f"seed_worker,再为它的批量调用 __getitem__;错误连同 worker 的调用栈被送回了主进程。"
             f"设 num_workers=0,同样的代码会在主进程里运行,print() 和调试器都能用。",
             call=call, got=last, kata=KATA)
    during = str(r.get("during") or "DataLoader")[:60]
    fail(f"`{during}` raised {kind}{at_en}: {last}.",
         f"`{during}` 抛出了 {kind}{at_zh}:{last}。", call=call, got=last, kata=KATA)


def batches_of(seen, key, call, *, n=8, batch_size=2, k=3):
    """One epoch's batches as tensors, checked: every item once, in batches of `batch_size`,
    each item shaped (k,); or a failure that says what came back."""
    value = field(seen, key)
    if isinstance(value, dict):
        explain_worker_error(value, call)
    if not isinstance(value, list):
        malformed(call, key)
    want = [min(batch_size, n - i) for i in range(0, n, batch_size)]
    got = [tuple(b.shape) if isinstance(b, Seen) else None for b in value]
    ok = [g is not None and len(g) == 2 and g[1] == k for g in got]
    expect(all(ok) and [g[0] for g in got] == want,
           f"one epoch should bring every item once, in batches of {batch_size} (each item a "
           f"tensor shaped like data[i]).",
           f"一轮应当把每个样本各取一次,按 {batch_size} 个一批(每个样本都是与 data[i] 同形的张量)。",
           call=call, got=t(f"batch shapes {got}", f"批量的形状 {got}"),
           expected=t(f"batch shapes {[(w, k) for w in want]}",
                      f"批量的形状 {[(w, k) for w in want]}"), kata=KATA)
    out = [tensor_of(b) for b in value]
    if any(b is None for b in out):
        malformed(call, key)
    out = [b.double() for b in out]
    for b in out:
        finite_items(b, torch.zeros_like(b), call)
    return out


def epochs(seen, keys, call):
    """Every epoch of `keys`, checked, in order; the first error met is explained."""
    if not isinstance(seen, dict):
        malformed(call, "epochs")
    out = {}
    for key in EPOCHS[:1 + max(EPOCHS.index(k) for k in keys)]:
        value = field(seen, key)
        if key == "again":
            look = field(seen, "look")
            if isinstance(look, dict):
                r = look
                fail(f"ds[0] in the main process raised {str(r.get('raised'))[:60]}"
                     f"{where_words(r.get('at'))[0]}: {str(r.get('text'))[:300]}.",
                     f"在主进程里 ds[0] 抛出了 {str(r.get('raised'))[:60]}"
                     f"{where_words(r.get('at'))[1]}:{str(r.get('text'))[:300]}。",
                     call=call, kata=KATA)
        if isinstance(value, dict):
            explain_worker_error(value, call)
        if key in keys:
            out[key] = batches_of(seen, key, call)
    if all(not bool(b.abs().sum()) for batches in out.values() for b in batches):
        fail("every item is data[i] itself (zeros): no noise was added. An item is data[i] + "
             "noise * e.",
             "每个样本都就是 data[i] 本身(全是零):没有加任何噪声。样本应当是 data[i] + noise * e。",
             call=call, kata=KATA)
    return out


def same_epoch(a, b):
    return len(a) == len(b) and all(diagnose.identical(x, y) for x, y in zip(a, b))


def twin_workers(batches, workers=2):
    """The first k with worker 0's and worker 1's k-th batches equal, or None."""
    for k in range(0, len(batches) - 1, workers):
        if batches[k].shape == batches[k + 1].shape and diagnose.identical(batches[k],
                                                                           batches[k + 1]):
            return k
    return None


def same_items(batches):
    """The first two items (batch, row) of one epoch that hold the very same numbers, or None."""
    flat = [(b, r, batch[r]) for b, batch in enumerate(batches) for r in range(batch.shape[0])]
    for i in range(len(flat)):
        for j in range(i + 1, len(flat)):
            if diagnose.identical(flat[i][2], flat[j][2]):
                return flat[i][:2], flat[j][:2]
    return None


def workers_same(batches, call, *, looked=False):
    k = twin_workers(batches)
    if k is None:
        return
    look = ("ds[0] was called in the main process before the loader started; a generator that "
            "exists in the main process when the workers start, whether __init__ or that first "
            "draw made it, is copied into each of them. " if looked else "")
    look_zh = ("在 loader 启动之前,主进程里调用过 ds[0];workers 启动时主进程里已有的生成器,不管是 "
               "__init__ 还是那第一次抽样创建的,都会被复制进每个 worker。" if looked else "")
    fail(f"every worker drew the same noise: batch {k} (worker 0) and batch {k + 1} (worker 1) "
         f"hold the very same numbers. {look}Each worker starts as a copy of the main process, "
         f"the dataset's generator included, state and all, so each draws the same sequence. "
         f"Seed the worker's copy from the worker's own seed (torch.initial_seed() in the worker, "
         f"or get_worker_info().seed): best at the first draw in each process (the dataset notes "
         f"in which process its generator was made, `os.getpid()`), or in seed_worker.",
         f"每个 worker 抽到的噪声都一样:批量 {k}(worker 0)和批量 {k + 1}(worker 1)里的数完全相同。"
         f"{look_zh}每个 worker 一开始都是主进程的副本,数据集的生成器连同其状态也一起被复制,所以它们"
         f"抽出的是同一个序列。请用 worker 自己的种子(worker 里的 torch.initial_seed(),或 "
         f"get_worker_info().seed)给 worker 里的副本设定种子:最好在每个进程第一次抽样时做(数据集记下"
         f"它的生成器是在哪个进程里创建的,`os.getpid()`),或者在 seed_worker 里做。",
         call=call, got=twins(batches, k), kata=KATA)


def copied(batches, call):
    """Where worker 0 and worker 1 drew the same noise, the epochs' other faults come from that
    copy: say so, and not what a seed from worker_id or the clock would explain."""
    k = twin_workers(batches)
    if k is None:
        return
    fail(f"every worker draws from a copy of the main process's generator: in one epoch, batch "
         f"{k} (worker 0) and batch {k + 1} (worker 1) hold the very same numbers, and what the "
         f"workers draw follows what the main process drew before (its generator's state when "
         f"the workers were forked), not the loader's seed. Seed the worker's copy from the "
         f"worker's own seed (torch.initial_seed() in the worker): best at the first draw in each "
         f"process (the dataset notes in which process its generator was made, `os.getpid()`).",
         f"每个 worker 都从主进程生成器的副本里抽数:同一轮里批量 {k}(worker 0)和批量 {k + 1}"
         f"(worker 1)的数完全相同,而 worker 抽到什么取决于主进程之前抽过什么(fork 出 worker 时主进程"
         f"生成器的状态),而不是 loader 的种子。请用 worker 自己的种子(worker 里的 "
         f"torch.initial_seed())给 worker 里的副本设定种子:最好在每个进程第一次抽样时做(数据集记下它的"
         f"生成器是在哪个进程里创建的,`os.getpid()`)。",
         call=call, got=twins(batches, k), kata=KATA)


def items_distinct(batches, call):
    pair = same_items(batches)
    if pair is None:
        return
    (b1, r1), (b2, r2) = pair
    fail(f"two items of one epoch hold the very same noise: row {r1} of batch {b1} and row {r2} "
         f"of batch {b2}. Every item is drawn anew; two equal ones were drawn from the same "
         f"generator state (a generator reseeded per item can give two items one seed: the "
         f"worker's seed plus the index of one item is the next worker's seed plus another's).",
         f"同一轮里有两个样本的噪声完全相同:批量 {b1} 的第 {r1} 行和批量 {b2} 的第 {r2} 行。每个样本都"
         f"应重新抽取;两个相等的样本是从同一个生成器状态抽出来的(每个样本都重设种子的生成器可能让两个"
         f"样本用上同一个种子:一个 worker 的种子加上某个下标,恰好等于下一个 worker 的种子加上另一个"
         f"下标)。", call=call, got=show(batches[b1][r1]), kata=KATA)


@needs_fork
@claim(workers)
def test_two_workers_draw_different_noise(case, seen):
    call = call_of(case["seed"])
    found = epochs(seen, ("first",), call)
    workers_same(found["first"], call)
    items_distinct(found["first"], call)


@needs_fork
@claim(workers)
def test_a_look_in_the_main_process_first_changes_nothing(case, seen):
    s = case["seed"]
    call = t(f"{call_of(s)}: two epochs; ds[0]; ds[1] in the main process; then a new loader "
             f"seeded {s}",
             f"{call_of(s)}:两轮;在主进程里 ds[0]; ds[1];再用种子 {s} 新建一个 loader")
    found = epochs(seen, ("second", "again"), call)
    if twin_workers(found["again"]) is not None and twin_workers(found["second"]) is None:
        workers_same(found["again"], call, looked=True)
    workers_same(found["again"], call)
    items_distinct(found["again"], call)


@needs_fork
@claim(workers)
def test_every_epoch_draws_new_noise(case, seen):
    call = call_of(case["seed"]) + t("; two epochs: list(loader), list(loader)",
                                     ";两轮:list(loader), list(loader)")
    found = epochs(seen, ("first", "second"), call)
    if same_epoch(found["first"], found["second"]):
        copied(found["first"], call)
    expect(
        not same_epoch(found["first"], found["second"]),
        "the second epoch drew exactly the noise of the first: every epoch repeats the same "
        "augmentations. The workers' generators were seeded from something that stays the same "
        "from epoch to epoch (worker_id, a constant). A worker's own seed is base_seed + "
        "worker_id, and base_seed is new every epoch: seed from torch.initial_seed() in the "
        "worker (or get_worker_info().seed).",
        "第二轮抽到的噪声与第一轮完全相同:每一轮都重复同样的增强。worker 的生成器是用一个每轮都不变的"
        "东西设定种子的(worker_id、某个常数)。worker 自己的种子是 base_seed + worker_id,而 "
        "base_seed 每一轮都是新的:请用 worker 里的 torch.initial_seed()(或 get_worker_info().seed)"
        "设定种子。",
        call=call, got=t(f"{show(found['first'][0])} both times",
                         f"两次都是 {show(found['first'][0])}"), kata=KATA)


@needs_fork
@claim(workers)
def test_the_loaders_seed_reproduces_the_epoch(case, seen):
    s = case["seed"]
    t_call = call_of(s)
    found = epochs(seen, ("first", "again", "other"), t_call)
    if not same_epoch(found["first"], found["again"]):
        copied(found["first"], t_call)
    expect(
        same_epoch(found["first"], found["again"]),
        f"two loaders whose generators were seeded the same ({s}) gave different epochs (torch's "
        f"global seed was changed in between, and ds[0] read in the main process, which must not "
        f"matter): the noise is not "
        f"reproducible. Seed the workers' generators from the worker's seed (torch.initial_seed() "
        f"in the worker, or get_worker_info().seed), which the loader's generator decides, not "
        f"from the clock or the operating system (a generator made without a seed).",
        f"两个生成器种子相同({s})的 loader 给出了不同的轮次(中间改过 torch 的全局种子,在主进程里读过 "
        f"ds[0],这些都不应有影响):"
        f"噪声无法复现。请用 worker 的种子(worker 里的 torch.initial_seed() 或 "
        f"get_worker_info().seed)给 worker 的生成器设定种子,它由 loader 的生成器决定;不要用时钟或"
        f"操作系统(不带种子创建的生成器)。",
        call=t_call + t(", twice", ",两次"),
        got=then(show(found['first'][0]), show(found['again'][0])), kata=KATA)
    expect(
        not same_epoch(found["first"], found["other"]),
        f"loaders seeded {s} and {s + 1} gave the very same epoch: the noise does not come from "
        f"the workers' seeds, which the loader's generator decides. A generator seeded from a "
        f"constant, or from worker_id alone, gives every run the same augmentations.",
        f"种子为 {s} 和 {s + 1} 的两个 loader 给出了完全相同的一轮:噪声不是来自由 loader 的生成器决定的 "
        f"worker 种子。用常数或只用 worker_id 设定种子的生成器,每次运行都给出同样的增强。",
        call=t_call + t(f" and seeded {s + 1}", f",以及种子 {s + 1}"),
        got=show(found["first"][0]), kata=KATA)


# --- wrapped: random_split, ConcatDataset -------------------------------------------------------

WRAPS = {
    "split": ("random_split(ds, [6, 2])[0], a Subset of it", "random_split(ds, [6, 2])[0],它的一个 "
              "Subset", "Subset", 6),
    "joined": ("ConcatDataset([Subset(ds, range(4)), Subset(ds, range(4, 8))])",
               "ConcatDataset([Subset(ds, range(4)), Subset(ds, range(4, 8))])", "ConcatDataset", 8),
}


@needs_fork
@claim(workers)
def test_a_wrapped_dataset_draws_different_noise_in_every_worker(case, seen):
    s = case["seed"]
    call = call_of(s)
    plain = epochs(seen, EPOCHS, call)["first"]
    workers_same(plain, call)
    for key, (en, zh, kind, n) in WRAPS.items():
        wcall = t(f"ds = JitterDataset(torch.zeros(8, 3), noise=1.0); DataLoader({en}, "
                  f"batch_size=2, num_workers=2, worker_init_fn=seed_worker, "
                  f"generator=torch.Generator().manual_seed({s}))",
                  f"ds = JitterDataset(torch.zeros(8, 3), noise=1.0);DataLoader({zh}, "
                  f"batch_size=2, num_workers=2, worker_init_fn=seed_worker, "
                  f"generator=torch.Generator().manual_seed({s}))")
        value = field(seen, key)
        if isinstance(value, dict):
            text = str(value.get("full") or value.get("text"))
            if value.get("raised") == "AttributeError" and kind in text:
                at_en, at_zh = where_words(value.get("at"))
                fail(f"unwrapped, the dataset works in the workers; wrapped, a worker raised "
                     f"AttributeError{at_en}: {str(value.get('text'))[:200]}. In a worker, "
                     f"get_worker_info().dataset is what the DataLoader was given: here the "
                     f"{kind}, not your JitterDataset, and it has no such attribute. Let the "
                     f"dataset seed itself at its first draw in each process (note "
                     f"`os.getpid()` with its generator, and make a new one from "
                     f"torch.initial_seed() where the pid differs); seed_worker then has "
                     f"nothing to find.",
                     f"不包装时数据集在 worker 里一切正常;包装之后,有个 worker 抛出了 AttributeError"
                     f"{at_zh}:{str(value.get('text'))[:200]}。在 worker 里,get_worker_info().dataset "
                     f"是交给 DataLoader 的那个对象:这里是 {kind},而不是你的 JitterDataset,它没有这个"
                     f"属性。请让数据集在每个进程第一次抽样时自己设定种子(和生成器一起记下 `os.getpid()`,"
                     f"pid 不同时用 torch.initial_seed() 新建一个);这样 seed_worker 就什么都不用找了。",
                     call=wcall, kata=KATA)
            explain_worker_error(value, wcall)
        batches = batches_of(seen, key, wcall, n=n)
        k = twin_workers(batches)
        if k is not None:
            fail(f"unwrapped, the workers draw different noise; wrapped in a {kind}, every worker "
                 f"drew the same: batch {k} (worker 0) and batch {k + 1} (worker 1) hold the very "
                 f"same numbers. In a worker, get_worker_info().dataset is what the DataLoader "
                 f"was given: the {kind}, not your JitterDataset. A generator that seed_worker "
                 f"sets on it (`info.dataset.generator = ...`) lands on the wrapper and reaches "
                 f"nothing; your dataset's copy keeps the generator fork copied. Let the dataset "
                 f"seed itself at its first draw in each process (note `os.getpid()` with its "
                 f"generator, and make a new one from torch.initial_seed() where the pid "
                 f"differs).",
                 f"不包装时各 worker 抽到的噪声不同;包在 {kind} 里之后,每个 worker 抽到的都一样:批量 {k}"
                 f"(worker 0)和批量 {k + 1}(worker 1)里的数完全相同。在 worker 里,"
                 f"get_worker_info().dataset 是交给 DataLoader 的那个对象:{kind},而不是你的 "
                 f"JitterDataset。seed_worker 设到它上面的生成器(`info.dataset.generator = ...`)落在"
                 f"包装对象上,什么也没影响到;你的数据集副本仍然用着 fork 复制来的生成器。请让数据集在每个"
                 f"进程第一次抽样时自己设定种子(和生成器一起记下 `os.getpid()`,pid 不同时用 "
                 f"torch.initial_seed() 新建一个)。",
                 call=wcall, got=twins(batches, k), kata=KATA)
        items_distinct(batches, wcall)


# --- any number of workers, any batch size (slow) -----------------------------------------------


@observe(examples=[{"seed": 5, "n": 7, "batch_size": 3, "workers": 3}],
         draw=st.fixed_dictionaries({"seed": st.integers(0, 2**16), "n": st.integers(1, 10),
                                     "batch_size": st.integers(1, 3),
                                     "workers": st.integers(1, 3)}), draws=1)
@once
def layouts(kata, case):
    """One epoch, then one of a new loader seeded the same: `workers` fork workers, batches of
    `batch_size`, n items of zeros."""
    ds = kata.JitterDataset(torch.zeros(case["n"], 3), noise=1.0)
    out = {}
    with warnings.catch_warnings():  # "This DataLoader will create 3 worker processes" (2 cores)
        warnings.filterwarnings("ignore", "This DataLoader will create")
        for key in ("first", "again"):
            out[key] = epoch(kata, loader_of(kata, ds, case["seed"], workers=case["workers"],
                                             batch_size=case["batch_size"]), ds)
            if failed(out[key]):
                return out
    return out


@pytest.mark.slow
@needs_fork
@settings(max_examples=2)
@claim(layouts)
def test_any_number_of_workers_and_any_batch_size(case, seen):
    n, size, w = case["n"], case["batch_size"], case["workers"]
    call = call_of(case["seed"], w, size, n)
    batches = batches_of(seen, "first", call, n=n, batch_size=size)
    # worker j loads batches j, j + w, ...: compare the workers' k-th batches
    for k in range(0, len(batches) - w + 1, w):
        group = batches[k:k + w]
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                expect(
                    group[i].shape != group[j].shape or not diagnose.identical(group[i],
                                                                               group[j]),
                    f"workers {i} and {j} drew the same noise for their batch {k // w}: each "
                    f"worker's generator must start from that worker's own seed.",
                    f"worker {i} 和 worker {j} 的第 {k // w} 个批量抽到了相同的噪声:每个 worker 的"
                    f"生成器都必须从它自己的种子出发。",
                    call=call, got=show(group[i]), kata=KATA)
    items_distinct(batches, call)
    again = batches_of(seen, "again", call, n=n, batch_size=size)
    expect(same_epoch(batches, again),
           "the same loader seed gave two different epochs: seed from the worker's seed.",
           "同样的 loader 种子给出了两个不同的轮次:请用 worker 的种子设定种子。",
           call=call + t(", twice", ",两次"), kata=KATA)
