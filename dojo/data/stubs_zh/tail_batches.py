"""Kata:tail_batches — 每一轮每个样本恰好用一次,末尾的小批量按它的实际大小算。

1000 个样本按每批 10 个正好分完;1003 个就分不完,最后一批只有 3 个。这里会出三种错,而且都悄无
声息。循环 `range(0, n - batch_size + 1, batch_size)`(或者只取 `n // batch_size` 个批量)会在
末尾那批之前停下,那些样本永远训练不到。一个把每个求和梯度都除以名义上的 `batch_size` 的 `sgd`,
让末尾那一批的步长太小:它只有 3 个样本,不是 10 个。而把数据集的损失算成各批平均值的平均,会让
末尾那 3 个样本拿到 10 个样本的权重。

为什么重要:打乱数据之后,*哪些* 样本落在末尾每一轮都不一样,所以这些错误既不会崩溃,在一次运行中
也看不出来;它们只是让训练和你报告的数字产生偏差。

检查:  dojo check tail_batches      (或者:pytest --kata tail_batches)
逐条提示:  dojo hint tail_batches
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    """逐个产出打乱的 `(X, y)` 小批量,恰好覆盖每个样本一次。

    打乱下标(给了 `generator` 时用它,这样种子相同的生成器给出相同的顺序),再切成大小为
    `batch_size` 的批量;`batch_size` 不能整除样本数时,最后一批小一些。X 和 y 是 `features` 与
    `labels` 中相互对应的行。
    """
    # TODO: 下标的一个排列,一直切到最末尾。
    raise NotImplementedError("data_iter")


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    """在 `w` (d, 1) 和 `b` (1,) 上原地做一轮小批量 SGD。返回 None。

    遍历 `data_iter(batch_size, features, labels, generator=generator)`。对每个批量:求和损失
    `((X @ w + b - y) ** 2 / 2).sum()`,backward,然后在 `torch.no_grad()` 下让每个参数原地沿
    这一批中实际样本的 *平均* 梯度走 `lr` 倍的一步(末尾那一批也一样),并清空梯度。
    """
    # TODO: 文章中的循环,每一步除以它自己那一批的大小。
    raise NotImplementedError("train_epoch")


def dataset_mean_loss(net, loss_fn, batches):
    """`batches` 中所有 `(X, y)` 上每个样本的平均损失,以 Python float 返回。

    `loss_fn(net(X), y)` 返回一个批量上的 *平均值*。各批大小不同时结果也必须精确:与把所有样本
    放在一起算出的损失是同一个数。这里不需要计算图。
    """
    # TODO: 每批的平均值按该批的大小加权;再除以样本总数。
    raise NotImplementedError("dataset_mean_loss")
