"""tail_batches: every example once per epoch, the tail batch counted as what it is."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dojo import diagnose
from dojo.datasets import synthetic_data
from dojo.testing import close, expect, expect_changed_in_place, fail, show

KATA = "tail_batches"


def numbered(n):
    """Features whose first column is the example's number, and labels that match them."""
    ids = torch.arange(n, dtype=torch.float32)
    features = torch.stack([ids, -ids / 2], dim=1)
    labels = (3 * ids + 1).reshape(-1, 1)
    return features, labels


def epoch_of(kata, batch_size, features, labels, seed):
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    return list(kata.data_iter(batch_size, features, labels, generator=gen))


def check_cover(batches, n, batch_size, call):
    """Fail, naming the pitfall, unless the batches hold every example once, full but the last."""
    seen = []
    for i, batch in enumerate(batches):
        expect(
            isinstance(batch, (tuple, list)) and len(batch) == 2,
            "data_iter must yield `(X, y)` pairs.",
            "data_iter 应当产出 `(X, y)` 对。",
            call=call,
            got=show(batch),
            kata=KATA,
        )
        X, y = batch
        expect(
            X.ndim == 2 and X.shape[1] == 2 and y.shape == (len(X), 1),
            f"batch {i}: X must be rows of `features` and y the matching rows of `labels`.",
            f"第 {i} 个批量:X 应是 `features` 的若干行,y 是 `labels` 中对应的行。",
            call=call,
            got=f"X {tuple(X.shape)}, y {tuple(y.shape)}",
            expected="X (k, 2), y (k, 1)",
            kata=KATA,
        )
        expect(
            close(y, 3 * X[:, :1] + 1),
            f"batch {i}: the labels do not belong to the features next to them. Index features "
            f"and labels with the same indices.",
            f"第 {i} 个批量:标签和旁边的特征对不上。特征和标签要用同一组下标取。",
            call=call,
            got=f"X[:, 0] = {show(X[:, 0])}, y = {show(y.flatten())}",
            kata=KATA,
        )
        seen += [int(v) for v in X[:, 0].tolist()]
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        fail(
            f"{len(missing)} example(s) never came out of the epoch: {show(missing)}. A range that "
            f"drops the tail (`range(0, n - batch_size + 1, batch_size)`, or `n // batch_size` "
            f"batches) never reaches the last n % batch_size examples when the size does not "
            f"divide evenly, so they are never trained on. Slice up to the end: the last batch "
            f"is `indices[i : i + batch_size]`, which is simply shorter.",
            f"有 {len(missing)} 个样本在这一轮里从未出现:{show(missing)}。丢掉尾部的 range"
            f"(`range(0, n - batch_size + 1, batch_size)` 或只取 `n // batch_size` 个批量)在样本数"
            f"不能整除时永远取不到最后 n % batch_size 个样本,它们从来不参与训练。切片要一直到末尾:"
            f"最后一个批量 `indices[i : i + batch_size]` 只是短一些。",
            call=call,
            got=f"{len(seen)} examples yielded",
            expected=f"all {n}",
            kata=KATA,
        )
    twice = sorted({v for v in seen if seen.count(v) > 1})
    expect(
        not twice,
        f"example(s) {show(twice)} came out more than once in one epoch: each example must be "
        f"yielded exactly once (a permutation of the indices, cut into batches; not a sample "
        f"with replacement, nor a padded tail).",
        f"样本 {show(twice)} 在同一轮里出现了不止一次:每个样本应当恰好出现一次(把下标的一个排列"
        f"切成批量;不是有放回抽样,也不要补齐尾部)。",
        call=call,
        kata=KATA,
    )
    sizes = [len(X) for X, _ in batches]
    tail = n - batch_size * (len(sizes) - 1) if sizes else 0
    want = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    expect(
        sizes == want,
        f"the batch sizes are {sizes[:8]}{'...' if len(sizes) > 8 else ''}: every batch but the "
        f"last must hold batch_size examples, and the last one the {n % batch_size or batch_size} "
        f"left over (smaller when {batch_size} does not divide {n}).",
        f"批量大小是 {sizes[:8]}{'...' if len(sizes) > 8 else ''}:除最后一个外每个批量都应有 "
        f"batch_size 个样本,最后一个装剩下的 {n % batch_size or batch_size} 个(不能整除时更小)。",
        call=call,
        got=f"{len(sizes)} batches, last of {tail}",
        expected=f"{len(want)} batches, last of {want[-1] if want else 0}",
        kata=KATA,
    )


# --- data_iter ---------------------------------------------------------------------------------


def test_data_iter_yields_the_tail(kata):
    features, labels = numbered(23)
    call = "data_iter(5, features (23, 2), labels (23, 1), generator=...)"
    check_cover(epoch_of(kata, 5, features, labels, seed=0), 23, 5, call)


@settings(max_examples=25)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_data_iter_covers_every_example_once_for_any_size(kata, n, batch_size, seed):
    features, labels = numbered(n)
    call = f"data_iter({batch_size}, features ({n}, 2), labels ({n}, 1), generator=...)"
    check_cover(epoch_of(kata, batch_size, features, labels, seed=seed), n, batch_size, call)


def test_data_iter_works_without_a_generator(kata):
    features, labels = numbered(17)
    call = "data_iter(4, features (17, 2), labels (17, 1))"
    check_cover(list(kata.data_iter(4, features, labels)), 17, 4, call)


def test_data_iter_shuffles_with_the_generator(kata):
    features, labels = numbered(50)
    call = "data_iter(10, features (50, 2), labels (50, 1), generator=g)"

    def order(batches):
        return [int(v) for X, _ in batches for v in X[:, 0].tolist()]

    first = order(epoch_of(kata, 10, features, labels, seed=3))
    torch.manual_seed(99)  # the global state must not matter when a generator is given
    again = order(epoch_of(kata, 10, features, labels, seed=3))
    expect(
        first == again,
        "two equally seeded generators gave different orders: shuffle with the `generator` "
        "you are given (`torch.randperm(n, generator=generator)`), not with the global random "
        "state.",
        "两个种子相同的生成器给出了不同的顺序:请用传入的 `generator` 打乱"
        "(`torch.randperm(n, generator=generator)`),而不是全局随机状态。",
        call=call + ", twice with torch.Generator().manual_seed(3)",
        got=f"{first[:8]}... then {again[:8]}...",
        kata=KATA,
    )
    expect(
        first != list(range(50)),
        "the examples came out in their stored order: shuffle the indices every epoch, so each "
        "batch is a random sample.",
        "样本是按存储顺序出来的:每一轮都要打乱下标,让每个批量成为随机样本。",
        call=call,
        got=f"{first[:10]}...",
        kata=KATA,
    )
    gen = torch.Generator().manual_seed(3)
    one = order(list(kata.data_iter(10, features, labels, generator=gen)))
    two = order(list(kata.data_iter(10, features, labels, generator=gen)))
    expect(
        one != two,
        "two epochs drawn from the same generator came in the same order: draw a new "
        "permutation every time data_iter is called.",
        "用同一个生成器连续取两轮,顺序却相同:每次调用 data_iter 都要重新生成一个排列。",
        call=call + ", called twice with the same g",
        got=f"{one[:8]}... both times",
        kata=KATA,
    )


# --- train_epoch -------------------------------------------------------------------------------


def replay(batches, w0, b0, lr, *, divide_by=None, skip_tail_of=None):
    """The epoch written out: each step lr times the mean gradient of the batch.

    `divide_by` replaces the batch's own size (a number, or a function of it: the pitfalls);
    `skip_tail_of` drops short batches."""
    w, b = w0.detach().clone(), b0.detach().clone()
    for X, y in batches:
        if skip_tail_of is not None and len(X) < skip_tail_of:
            continue
        residual = X @ w + b - y
        size = len(X) if divide_by is None else (
            divide_by(len(X)) if callable(divide_by) else divide_by)
        w = w - lr * X.T @ residual / size
        b = b - lr * residual.sum(0) / size
    return w, b


def start(seed, d=2):
    gen = torch.Generator().manual_seed(seed)
    w = torch.normal(0.0, 0.5, (d, 1), generator=gen).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return w, b


def check_epoch(kata, n, batch_size, lr, seed):
    features, labels = synthetic_data(n, seed=seed)
    w, b = start(seed)
    w0, b0 = w.detach().clone(), b.detach().clone()
    batches = epoch_of(kata, batch_size, features, labels, seed=seed)
    call = (
        f"train_epoch(w, b, features ({n}, 2), labels, batch_size={batch_size}, lr={lr}, "
        f"generator=torch.Generator().manual_seed({seed}))"
    )
    kata.train_epoch(w, b, features, labels, batch_size=batch_size, lr=lr,
                     generator=torch.Generator().manual_seed(seed))
    want = replay(batches, w0, b0, lr)
    tol = dict(rtol=1e-4, atol=1e-5)

    def near(pair):
        return close(w, pair[0], **tol) and close(b, pair[1], **tol)

    if near(want):
        return
    shown = dict(got=f"w = {show(w)}, b = {show(b)}",
                 expected=f"w = {show(want[0])}, b = {show(want[1])}")
    if n % batch_size and near(replay(batches, w0, b0, lr, divide_by=batch_size)):
        fail(
            f"the tail's gradient was divided by the nominal batch size: the last batch holds "
            f"{n % batch_size} example(s), not {batch_size}, so dividing its summed gradient by "
            f"{batch_size} makes that step {batch_size}/{n % batch_size} times too small. "
            f"Divide by the number of examples actually in the batch (`len(X)`).",
            f"尾部批量的梯度除以了名义上的批量大小:最后一个批量只有 {n % batch_size} 个样本,"
            f"不是 {batch_size} 个,用 {batch_size} 去除它的求和梯度,这一步就小了 "
            f"{batch_size}/{n % batch_size} 倍。请除以批量中实际的样本数(`len(X)`)。",
            call=call,
            kata=KATA,
            **shown,
        )
    if n % batch_size and near(replay(batches, w0, b0, lr, skip_tail_of=batch_size)):
        fail(
            "the tail batch was skipped: its examples get no step this epoch. Train on every "
            "batch that data_iter yields, the shorter last one too.",
            "尾部批量被跳过了:这一轮它的样本没有参与更新。data_iter 产出的每个批量都要训练,"
            "包括较短的最后一个。",
            call=call,
            kata=KATA,
            **shown,
        )
    others = [
        (lambda k: 1, (
            "no division by the batch size: every step is lr times the *summed* gradient of its "
            "batch, len(X) times the mean one. Divide by the number of examples in the batch "
            "(`len(X)`).",
            "没有除以批量大小:每一步都是 lr 乘以批量的*求和*梯度,是平均梯度的 len(X) 倍。请除以批量中的"
            "样本数(`len(X)`)。",
        )),
        (lambda k: n, (
            f"divided by the dataset size: every step is lr times its batch's summed gradient "
            f"divided by n = {n}, all the examples, not by the {batch_size} (or fewer) in the "
            f"batch. Divide by `len(X)`.",
            f"除以了整个数据集的大小:每一步是 lr 乘以批量的求和梯度再除以 n = {n}(全部样本),而不是"
            f"批量里的 {batch_size} 个(或更少)。请除以 `len(X)`。",
        )),
        (lambda k: k * k, (
            "averaged twice: each batch's gradient was divided by its size twice (a mean loss "
            "and a division by `len(X)` as well), so every step is len(X) times too small. "
            "Sum the loss and divide once.",
            "平均了两次:每个批量的梯度被除了两次批量大小(既取了平均损失,又除以 `len(X)`),每一步都"
            "小了 len(X) 倍。请对损失求和,只除一次。",
        )),
    ]
    for divide_by, cause in others:
        if near(replay(batches, w0, b0, lr, divide_by=divide_by)):
            fail(*cause, call=call, kata=KATA, **shown)
    fail(
        "after one epoch the parameters differ from the epoch replayed over the batches of your "
        "own data_iter (with an equally seeded generator), each step lr times the mean gradient "
        "of the examples in the batch. Use `data_iter(batch_size, features, labels, "
        "generator=generator)`, the summed loss, and divide by `len(X)`.",
        "一轮之后的参数,与在你自己的 data_iter(用同样种子的生成器)给出的批量上逐步重放的结果"
        "不同;每一步应是 lr 乘以该批量样本的平均梯度。请使用 `data_iter(batch_size, features, "
        "labels, generator=generator)`、求和的损失,并除以 `len(X)`。",
        call=call,
        kata=KATA,
        **shown,
    )


def test_train_epoch_steps_the_tail_by_its_own_size(kata):
    check_epoch(kata, n=23, batch_size=5, lr=0.1, seed=1)


def test_train_epoch_with_batches_that_divide_evenly(kata):
    check_epoch(kata, n=20, batch_size=5, lr=0.1, seed=2)


@settings(max_examples=15)
@given(n=st.integers(1, 30), batch_size=st.integers(1, 10), seed=st.integers(0, 2**16))
def test_train_epoch_matches_the_replay_for_any_size(kata, n, batch_size, seed):
    check_epoch(kata, n=n, batch_size=batch_size, lr=0.05, seed=seed)


def test_train_epoch_changes_the_callers_leaves_in_place(kata):
    features, labels = synthetic_data(12, seed=4)
    w, b = start(4)
    ids, storages = [id(w), id(b)], [w.data_ptr(), b.data_ptr()]
    before = w.detach().clone()
    call = "train_epoch(w, b, features (12, 2), labels, batch_size=5, lr=0.1)"
    result = kata.train_epoch(w, b, features, labels, batch_size=5, lr=0.1)
    expect(
        result is None and not close(w, before, rtol=0, atol=0),
        "train_epoch returns None and trains the caller's `w` and `b` themselves: update them in "
        "place (`param -= ...` under `torch.no_grad()`).",
        "train_epoch 返回 None,训练的就是调用方的 `w` 和 `b` 本身:请原地更新它们"
        "(在 `torch.no_grad()` 下 `param -= ...`)。",
        call=call,
        got=f"returned {show(result)}, w = {show(w)}",
        kata=KATA,
    )
    expect_changed_in_place([("w", w), ("b", b)], ids, storages, call=call, kata=KATA)


# --- dataset_mean_loss -------------------------------------------------------------------------


def uneven_batches(sizes, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return [(torch.randn(k, 3, generator=gen), torch.randn(k, 1, generator=gen) * (1 + i))
            for i, k in enumerate(sizes)]


def linear_net(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 1)


def check_mean_loss(kata, net, batches, call):
    loss_fn = nn.MSELoss()
    sizes = [len(X) for X, _ in batches]
    got = kata.dataset_mean_loss(net, loss_fn, batches)
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        expect(
            not got.requires_grad,
            "dataset_mean_loss returned a tensor that requires grad: it keeps every batch's "
            "graph alive. Take each batch loss as a number (`loss.item()`) or compute under "
            "`torch.no_grad()`, and return a float.",
            "dataset_mean_loss 返回了需要梯度的张量:它让每个批量的计算图都活着。请把每个批量的损失"
            "取成数字(`loss.item()`)或在 `torch.no_grad()` 下计算,并返回 float。",
            call=call,
            got=got,
            kata=KATA,
        )
    expect(
        isinstance(got, float),
        "dataset_mean_loss must return a Python float.",
        "dataset_mean_loss 应当返回 Python float。",
        call=call,
        got=show(got),
        kata=KATA,
    )
    with torch.no_grad():
        X = torch.cat([X for X, _ in batches])
        y = torch.cat([y for _, y in batches])
        want = loss_fn(net(X), y).item()
        means = [loss_fn(net(X), y).item() for X, y in batches]
    if abs(got - want) <= 1e-5 * max(1.0, abs(want)):
        return
    mean_of_means = sum(means) / len(means)
    if abs(got - mean_of_means) <= 1e-5 * max(1.0, abs(mean_of_means)):
        fail(
            f"this is the mean of batch means: with batches of {sizes} examples, averaging the "
            f"batch means gives a batch of {min(sizes)} as much weight as a batch of "
            f"{max(sizes)}, so the examples of a short tail count more than the others. Weight "
            f"each batch mean by its size (`loss.item() * len(X)`) and divide by the number of "
            f"examples.",
            f"这是批量平均值的平均:批量大小为 {sizes} 时,对各批量均值再取平均会让 {min(sizes)} 个"
            f"样本的批量与 {max(sizes)} 个样本的批量权重相同,较短的尾部批量里的样本就被多算了。"
            f"请按批量大小加权(`loss.item() * len(X)`),再除以样本总数。",
            call=call,
            got=got,
            expected=want,
            kata=KATA,
        )
    n = sum(sizes)
    cause = diagnose.matching(diagnose.implied_divisor(want * n, got),
                              diagnose.divisor_causes(n, sizes), rtol=1e-4)
    if cause is not None:
        fail(f"dataset_mean_loss {cause[0]}", f"dataset_mean_loss {cause[1]}", call=call,
             got=got, expected=want, kata=KATA)
    fail(
        "dataset_mean_loss is not the mean loss per example over all the batches: it must equal "
        "the loss of all the examples taken together, every example counted once with the same "
        "weight.",
        "dataset_mean_loss 不等于所有批量上每个样本的平均损失:它应当等于把所有样本放在一起算出的"
        "损失,每个样本计一次、权重相同。",
        call=call,
        got=got,
        expected=want,
        kata=KATA,
    )


def test_dataset_mean_loss_weights_a_short_tail_by_its_size(kata):
    sizes = [10, 10, 1]
    check_mean_loss(kata, linear_net(0), uneven_batches(sizes, 0),
                    f"dataset_mean_loss(net, nn.MSELoss(), batches of sizes {sizes})")


@settings(max_examples=15)
@given(sizes=st.lists(st.integers(1, 9), min_size=1, max_size=5), seed=st.integers(0, 2**16))
def test_dataset_mean_loss_is_exact_for_any_batch_sizes(kata, sizes, seed):
    check_mean_loss(kata, linear_net(seed), uneven_batches(sizes, seed),
                    f"dataset_mean_loss(net, nn.MSELoss(), batches of sizes {sizes})")


def test_dataset_mean_loss_over_data_iter_equals_the_whole_dataset(kata):
    features, labels = synthetic_data(23, seed=6)
    batches = epoch_of(kata, 5, features, labels, seed=6)
    check_mean_loss(
        kata,
        nn.Linear(2, 1),
        batches,
        "dataset_mean_loss(net, nn.MSELoss(), list(data_iter(5, features (23, 2), labels, ...)))",
    )
