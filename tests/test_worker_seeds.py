"""worker_seeds: random augmentation in DataLoader workers: different in every worker, new in
every epoch, the same again for the same seed.

The worker tests run a real DataLoader with two worker processes, started by fork (as on
Linux), on a dataset of zeros: every item is then pure noise, and two batches that hold the
same numbers were drawn from the same generator state.
"""

import errno
import multiprocessing
import pickle
import random
import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DataLoader

from dojo.i18n import t
from dojo.testing import expect, fail, show

KATA = "worker_seeds"
TIMEOUT = 10  # seconds a worker may take to deliver one batch before the test calls it a hang

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason=t("the worker tests start DataLoader workers by fork, which this system lacks "
             "(Windows: use WSL)",
             "worker 测试用 fork 启动 DataLoader 的 worker,而这个系统没有 fork(Windows 请用 WSL)"),
)


def noise_dataset(kata, n=8, shape=(3,), noise=1.0):
    return kata.JitterDataset(torch.zeros(n, *shape), noise=noise)


def loader_of(kata, dataset, seed, *, workers=2, batch_size=2):
    return DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=workers,
                      worker_init_fn=kata.seed_worker,
                      generator=torch.Generator().manual_seed(seed),
                      multiprocessing_context="fork", timeout=TIMEOUT)


def call_of(seed, workers=2, batch_size=2, n=8):
    return (f"DataLoader(JitterDataset(torch.zeros({n}, 3), noise=1.0), batch_size={batch_size}, "
            f"num_workers={workers}, worker_init_fn=seed_worker, "
            f"generator=torch.Generator().manual_seed({seed}))")


# --- errors raised in a worker, explained -----------------------------------------------------


def origin(text, path):
    """(line, function) of the deepest frame of the learner's file in a worker's traceback."""
    found = None
    for file, line, func in re.findall(r'File "([^"]+)", line (\d+), in (\S+)', text):
        if file == str(path):
            found = (int(line), func)
    return found


def epoch(kata, loader, call):
    """Every batch of one epoch; a worker's error becomes a message that says what happened."""
    batches, iterator = [], None
    try:
        iterator = iter(loader)
        for batch in iterator:
            batches.append(batch)
        return batches
    except Exception as err:  # noqa: BLE001 - explained below, outside this block
        error = err
    # Drop the traceback (it holds the iterator): the workers are shut down now, not at some
    # later garbage collection, where each would make it wait 5 s.
    error.__traceback__ = None
    del iterator
    text = str(error)
    where = origin(text, kata.path)
    if isinstance(error, NotImplementedError) and where:
        # the stub's function, called here in the main process: "not started"
        if where[1] == "seed_worker":
            kata.seed_worker(0)
        loader.dataset[0]
    explain_worker_error(error, text, where, call)
    raise error


def explain_worker_error(err, text, where, call):
    last = text.strip().splitlines()[-1] if text.strip() else type(err).__name__
    at = t(f" (worker_seeds.py, line {where[0]}, in {where[1]})",
           f"(worker_seeds.py 第 {where[0]} 行,{where[1]} 中)") if where else ""
    if isinstance(err, OSError) and err.errno in (errno.EAGAIN, errno.ENOMEM):
        fail(
            f"no worker process could be started ({err}): the machine refused a new process "
            f"(a limit on processes or memory). This is the machine, not your code; run the "
            f"tests again, or with fewer programs running.",
            f"无法启动 worker 进程({err}):机器拒绝创建新进程(进程数或内存受限)。这是机器的问题,"
            f"不是你的代码;请重新运行测试,或者少开一些程序。",
            call=call, kata=KATA)
    if "timed out" in text:
        fail(
            f"a worker took more than {TIMEOUT} s to deliver one batch: something in the dataset "
            f"or in seed_worker blocks (an endless loop, a lock taken before the fork and never "
            f"released in the copy, a wait for input). With num_workers=0 the same code runs in "
            f"the main process, where it can be interrupted and debugged.",
            f"有个 worker 超过 {TIMEOUT} 秒都没交出一个批量:数据集或 seed_worker 里有东西卡住了"
            f"(死循环、fork 之前拿到而在副本里永远不会释放的锁、等待输入)。设 num_workers=0,同样的"
            f"代码会在主进程里运行,可以中断和调试。",
            call=call, got=last, kata=KATA)
    if "exited unexpectedly" in text:
        fail(
            "a worker process died without a Python error: a crash in native code, os._exit() or "
            "sys.exit() in the worker, a signal, or a limit of the machine (the number of "
            "processes, the shared memory in /dev/shm that carries the batches back). Try "
            "num_workers=0 to see whether the dataset itself works.",
            "有个 worker 进程没有抛出 Python 错误就死掉了:原生代码崩溃、worker 里调用了 os._exit() "
            "或 sys.exit()、收到信号,或者碰到了机器的限制(进程数、把批量传回来的 /dev/shm 共享内存)。"
            "试试 num_workers=0,看数据集本身是否正常。",
            call=call, got=last, kata=KATA)
    if "2**32" in text:
        fail(
            f"your code raised inside a worker{at}: {last}. np.random.seed(s) and "
            f"np.random.RandomState(s) take seeds below 2**32, but a worker's seed "
            f"(torch.initial_seed(), get_worker_info().seed) is a 64-bit number. Use "
            f"np.random.default_rng(seed), which takes any integer, or seed % 2**32.",
            f"你的代码在 worker 里抛出了错误{at}:{last}。np.random.seed(s) 和 "
            f"np.random.RandomState(s) 只接受小于 2**32 的种子,而 worker 的种子"
            f"(torch.initial_seed()、get_worker_info().seed)是 64 位整数。请用 "
            f"np.random.default_rng(seed)(任何整数都行),或者 seed % 2**32。",
            call=call, got=last, kata=KATA)
    if "DataLoader worker process" in text:
        fail(
            f"your code raised {type(err).__name__} inside a DataLoader worker{at}: {last}. "
            f"The worker runs seed_worker, then __getitem__ for its batches; the error came back "
            f"to the main process with the worker's traceback. With num_workers=0 the same code "
            f"runs in the main process, where print() and a debugger work.",
            f"你的代码在 DataLoader 的 worker 里抛出了 {type(err).__name__}{at}:{last}。"
            f"worker 先运行 seed_worker,再为它的批量调用 __getitem__;错误连同 worker 的调用栈被送回了"
            f"主进程。设 num_workers=0,同样的代码会在主进程里运行,print() 和调试器都能用。",
            call=call, got=last, kata=KATA)


# --- what the batches say ---------------------------------------------------------------------


def same_epoch(a, b):
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def check_batches(batches, call, *, n=8, batch_size=2):
    want = [min(batch_size, n - i) for i in range(0, n, batch_size)]
    got = [len(b) if isinstance(b, torch.Tensor) else None for b in batches]
    expect(
        got == want,
        f"one epoch should bring every item once, in batches of {batch_size} (each item a "
        f"tensor shaped like data[i]).",
        f"一轮应当把每个样本各取一次,按 {batch_size} 个一批(每个样本都是与 data[i] 同形的张量)。",
        call=call, got=f"batch sizes {got}", expected=f"batch sizes {want}", kata=KATA)


def check_workers_differ(batches, call, *, looked=False):
    """With two workers and batches in order, worker 0 loads batches 0, 2, ... and worker 1
    loads 1, 3, ...: batch 2k and batch 2k + 1 are the k-th batch of each worker."""
    twins = [k for k in range(0, len(batches) - 1, 2) if torch.equal(batches[k], batches[k + 1])]
    if not twins:
        return
    k = twins[0]
    look = ("ds[0] was called in the main process before the loader started; a generator that "
            "exists in the main process when the workers start, whether __init__ or that first "
            "draw made it, is copied into each of them. " if looked else "")
    look_zh = ("在 loader 启动之前,主进程里调用过 ds[0];workers 启动时主进程里已有的生成器,不管是 "
               "__init__ 还是那第一次抽样创建的,都会被复制进每个 worker。" if looked else "")
    fail(
        f"every worker drew the same noise: batch {k} (worker 0) and batch {k + 1} (worker 1) "
        f"hold the very same numbers. {look}Each worker starts as a copy of the main process, "
        f"the dataset's generator included, state and all, so each draws the same sequence. "
        f"Reseed the worker's copy from the worker's own seed (get_worker_info().seed, or "
        f"torch.initial_seed() in the worker): in seed_worker, or at the first draw in each "
        f"process.",
        f"每个 worker 抽到的噪声都一样:批量 {k}(worker 0)和批量 {k + 1}(worker 1)里的数完全相同。"
        f"{look_zh}每个 worker 一开始都是主进程的副本,数据集的生成器连同其状态也一起被复制,所以它们"
        f"抽出的是同一个序列。请用 worker 自己的种子(get_worker_info().seed,或 worker 里的 "
        f"torch.initial_seed())给 worker 里的副本重新设定种子:在 seed_worker 里做,或者在每个"
        f"进程第一次抽样时做。",
        call=call, got=f"batch {k}: {show(batches[k])}\n            batch {k + 1}: "
                       f"{show(batches[k + 1])}", kata=KATA)


# --- in the main process ----------------------------------------------------------------------


def test_an_item_is_the_data_plus_scaled_standard_normal_noise(kata):
    data = torch.arange(12.0).reshape(4, 3)
    call = "ds = JitterDataset(data of shape (4, 3), noise=0.5); ds[i]"
    ds = kata.JitterDataset(data, noise=0.5)
    expect(len(ds) == 4, "len(ds) must be the number of examples, len(data).",
           "len(ds) 应当是样本数 len(data)。", call=call, got=show(len(ds)), expected="4",
           kata=KATA)
    item = ds[1]
    expect(
        isinstance(item, torch.Tensor) and item.shape == data[1].shape
        and item.dtype == data.dtype,
        "an item must be a tensor shaped like data[i], of its dtype: data[i] + noise * e.",
        "每个样本都应当是与 data[i] 同形、同 dtype 的张量:data[i] + noise * e。",
        call=call, got=show(item), expected=f"a {data.dtype} tensor of shape (3,)", kata=KATA)
    e = torch.stack([(ds[i % 4] - data[i % 4]) / 0.5 for i in range(1500)])
    mean, std = e.mean().item(), e.std().item()
    expect(
        abs(mean) < 0.1 and 0.9 < std < 1.1,
        "(ds[i] - data[i]) / noise should be standard normal noise (mean 0, standard deviation "
        "1): draw e with randn (or standard_normal, gauss), then scale it by noise.",
        "(ds[i] - data[i]) / noise 应当是标准正态噪声(均值 0,标准差 1):用 randn(或 "
        "standard_normal、gauss)抽出 e,再乘以 noise。",
        call=call, got=f"mean {mean:.3f}, std {std:.3f} over 4500 values",
        expected="mean about 0, std about 1", kata=KATA)
    expect(
        not torch.equal(ds[2], ds[2]),
        "ds[2] gave the same numbers twice: the noise must be drawn anew at every access (an "
        "augmentation that is fixed per item is no augmentation).",
        "ds[2] 两次给出了相同的数:每次访问都要重新抽取噪声(每个样本固定不变的增强算不上增强)。",
        call=call, kata=KATA)
    quiet = kata.JitterDataset(data, noise=0.0)
    expect(
        torch.equal(quiet[2], data[2]),
        "with noise=0 an item must be data[i] itself.",
        "noise=0 时,样本应当就是 data[i] 本身。",
        call="JitterDataset(data, noise=0.0)[2]", got=quiet[2], expected=data[2], kata=KATA)


@settings(max_examples=15)
@given(n=st.integers(1, 5), shape=st.lists(st.integers(1, 4), max_size=3),
       noise=st.sampled_from([0.0, 0.1, 2.5]), double=st.booleans(), seed=st.integers(0, 99))
def test_items_for_any_shape_and_dtype(kata, n, shape, noise, double, seed):
    dtype = torch.float64 if double else torch.float32
    data = torch.randn(n, *shape, dtype=dtype, generator=torch.Generator().manual_seed(seed))
    call = f"JitterDataset(data of shape {tuple(data.shape)}, {dtype}, noise={noise})[i]"
    ds = kata.JitterDataset(data, noise=noise)
    for i in range(n):
        item = ds[i]
        ok = (isinstance(item, torch.Tensor) and item.shape == data[i].shape
              and item.dtype == dtype and bool(torch.isfinite(item).all()))
        if ok and noise == 0.0:
            ok = torch.equal(item, data[i])
        elif ok:
            ok = not torch.equal(item, data[i])
        expect(
            ok,
            "item i must be data[i] + noise * e: a finite tensor of data[i]'s shape and dtype, "
            "equal to data[i] when noise is 0 and different from it otherwise.",
            "第 i 个样本应当是 data[i] + noise * e:与 data[i] 同形、同 dtype 的有限张量;noise 为 "
            "0 时等于 data[i],否则不等于。",
            call=f"{call}, i={i}", got=show(item), expected=f"near {show(data[i])}", kata=KATA)


def test_the_main_process_draws_from_torchs_seed(kata):
    data = torch.zeros(5, 2)

    def draws(torch_seed, other_seed):
        torch.manual_seed(torch_seed)
        random.seed(other_seed)  # Python's global state must not matter, nor NumPy's
        try:
            import numpy

            numpy.random.seed(other_seed)
        except ImportError:  # pragma: no cover
            pass
        ds = kata.JitterDataset(data, noise=1.0)
        return [ds[i] for i in range(5)]

    call = "torch.manual_seed(3); ds = JitterDataset(torch.zeros(5, 2), noise=1.0); ds[0..4]"
    a, b, c = draws(3, 1), draws(3, 2), draws(4, 1)
    expect(
        same_epoch(a, b),
        "two datasets made after the same torch.manual_seed(3) drew different noise: in the "
        "main process the generator must start from torch's seed (torch.initial_seed()), not "
        "from the clock, the operating system, or NumPy's or Python's global state.",
        "在相同的 torch.manual_seed(3) 之后创建的两个数据集抽出了不同的噪声:在主进程里,生成器必须从 "
        "torch 的种子(torch.initial_seed())出发,而不是时钟、操作系统,或 NumPy、Python 的全局状态。",
        call=call + ", twice", got=f"{show(a[0])} then {show(b[0])}", kata=KATA)
    expect(
        not same_epoch(a, c),
        "torch.manual_seed(3) and torch.manual_seed(4) gave the same noise: the generator must "
        "be seeded from torch.initial_seed(), so that torch's seed decides.",
        "torch.manual_seed(3) 和 torch.manual_seed(4) 给出了相同的噪声:生成器应当用 "
        "torch.initial_seed() 设定种子,由 torch 的种子决定。",
        call=call + ", then with torch.manual_seed(4)", got=show(a[0]), kata=KATA)


def test_seed_worker_and_the_dataset_can_be_pickled_for_spawn(kata):
    call = "pickle.dumps(seed_worker); pickle.loads(pickle.dumps(JitterDataset(...)))"
    try:
        pickle.dumps(kata.seed_worker)
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        fail(
            f"seed_worker cannot be pickled ({err}). On macOS and Windows the DataLoader starts "
            f"its workers by spawn, which pickles the worker_init_fn: a lambda or a function "
            f"defined inside another cannot be. Define seed_worker with def, at the top level "
            f"of the module.",
            f"seed_worker 无法被 pickle({err})。在 macOS 和 Windows 上,DataLoader 用 spawn 启动 "
            f"worker,要 pickle worker_init_fn:lambda 和定义在别的函数里面的函数都不行。请在模块顶层"
            f"用 def 定义 seed_worker。",
            call=call, kata=KATA)
    ds = kata.JitterDataset(torch.zeros(3, 2), noise=1.0)
    try:
        copy = pickle.loads(pickle.dumps(ds))
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        fail(
            f"the dataset cannot be pickled ({err}). Spawn pickles the dataset into every "
            f"worker: keep in it only what pickles (tensors, numbers, torch.Generator, NumPy's "
            f"and Python's generators), no lambdas, open files or Python generators.",
            f"数据集无法被 pickle({err})。spawn 会把数据集 pickle 进每个 worker:里面只能放可以 "
            f"pickle 的东西(张量、数字、torch.Generator、NumPy 和 Python 的随机数生成器),不要放 "
            f"lambda、打开的文件或 Python 生成器。",
            call=call, kata=KATA)
    item = copy[1]
    expect(
        isinstance(item, torch.Tensor) and item.shape == (2,),
        "the unpickled dataset must still work: copy[1] should be an item shaped like data[1].",
        "反序列化后的数据集必须照常工作:copy[1] 应当是与 data[1] 同形的样本。",
        call=call + "[1]", got=show(item), kata=KATA)


# --- in DataLoader workers --------------------------------------------------------------------


@needs_fork
def test_two_workers_draw_different_noise(kata):
    call = call_of(7)
    batches = epoch(kata, loader_of(kata, noise_dataset(kata), 7), call)
    check_batches(batches, call)
    check_workers_differ(batches, call)


@needs_fork
def test_a_look_in_the_main_process_first_changes_nothing(kata):
    ds = noise_dataset(kata)
    ds[0], ds[1]  # a look at two items, in the main process, before any worker starts
    call = "ds[0]; ds[1]; then " + call_of(7)
    batches = epoch(kata, loader_of(kata, ds, 7), call)
    check_batches(batches, call)
    check_workers_differ(batches, call, looked=True)


@needs_fork
def test_the_loaders_seed_reproduces_the_epoch(kata):
    ds = noise_dataset(kata)
    first = epoch(kata, loader_of(kata, ds, 7), call_of(7))
    check_batches(first, call_of(7))
    torch.manual_seed(123)  # the global state changes in between: the loader's seed decides
    random.seed(123)
    again = epoch(kata, loader_of(kata, ds, 7), call_of(7))
    expect(
        same_epoch(first, again),
        "two loaders whose generators were seeded the same (7) gave different epochs: the "
        "noise is not reproducible. Seed the workers' generators from the worker's seed "
        "(get_worker_info().seed or torch.initial_seed() in the worker), which the loader's "
        "generator decides, not from the clock or the operating system (a generator made "
        "without a seed).",
        "两个生成器种子相同(7)的 loader 给出了不同的轮次:噪声无法复现。请用 worker 的种子"
        "(worker 里的 get_worker_info().seed 或 torch.initial_seed())给 worker 的生成器设定种子,"
        "它由 loader 的生成器决定;不要用时钟或操作系统(不带种子创建的生成器)。",
        call=call_of(7) + ", twice", got=f"{show(first[0])} then {show(again[0])}", kata=KATA)
    other = epoch(kata, loader_of(kata, ds, 8), call_of(8))
    expect(
        not same_epoch(first, other),
        "loaders seeded 7 and 8 gave the very same epoch: the noise does not come from the "
        "workers' seeds, which the loader's generator decides. A generator seeded from a "
        "constant, or from worker_id alone, gives every run the same augmentations.",
        "种子为 7 和 8 的两个 loader 给出了完全相同的一轮:噪声不是来自由 loader 的生成器决定的 "
        "worker 种子。用常数或只用 worker_id 设定种子的生成器,每次运行都给出同样的增强。",
        call=call_of(7) + " and " + call_of(8), got=show(first[0]), kata=KATA)


@needs_fork
def test_every_epoch_draws_new_noise(kata):
    loader = loader_of(kata, noise_dataset(kata), 7)
    call = call_of(7) + "; two epochs: list(loader), list(loader)"
    one = epoch(kata, loader, call)
    two = epoch(kata, loader, call)
    expect(
        not same_epoch(one, two),
        "the second epoch drew exactly the noise of the first: every epoch repeats the same "
        "augmentations. The workers' generators were seeded from something that stays the same "
        "from epoch to epoch (worker_id, a constant). A worker's own seed is base_seed + "
        "worker_id, and base_seed is new every epoch: seed from get_worker_info().seed (or "
        "torch.initial_seed() in the worker).",
        "第二轮抽到的噪声与第一轮完全相同:每一轮都重复同样的增强。worker 的生成器是用一个每轮都不变的"
        "东西设定种子的(worker_id、某个常数)。worker 自己的种子是 base_seed + worker_id,而 "
        "base_seed 每一轮都是新的:请用 get_worker_info().seed(或 worker 里的 torch.initial_seed())"
        "设定种子。",
        call=call, got=f"{show(one[0])} both times", kata=KATA)


@pytest.mark.slow
@needs_fork
@pytest.mark.filterwarnings("ignore:This DataLoader will create")
@settings(max_examples=4)
@given(n=st.integers(1, 10), batch_size=st.integers(1, 3), workers=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_any_layout_of_workers_and_batches(kata, n, batch_size, workers, seed):
    ds = noise_dataset(kata, n=n)
    call = call_of(seed, workers, batch_size, n)
    batches = epoch(kata, loader_of(kata, ds, seed, workers=workers, batch_size=batch_size), call)
    check_batches(batches, call, n=n, batch_size=batch_size)
    # worker w loads batches w, w + workers, ...: compare the workers' k-th batches
    for k in range(0, len(batches) - workers + 1, workers):
        group = batches[k:k + workers]
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                expect(
                    group[i].shape != group[j].shape or not torch.equal(group[i], group[j]),
                    f"workers {i} and {j} drew the same noise for their batch {k // workers}: "
                    f"each worker's generator must start from that worker's own seed.",
                    f"worker {i} 和 worker {j} 的第 {k // workers} 个批量抽到了相同的噪声:每个 "
                    f"worker 的生成器都必须从它自己的种子出发。",
                    call=call, got=show(group[i]), kata=KATA)
    again = epoch(kata, loader_of(kata, ds, seed, workers=workers, batch_size=batch_size), call)
    expect(same_epoch(batches, again),
           "the same loader seed gave two different epochs: seed from the worker's seed.",
           "同样的 loader 种子给出了两个不同的轮次:请用 worker 的种子设定种子。",
           call=call + ", twice", kata=KATA)
