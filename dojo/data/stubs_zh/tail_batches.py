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

    `features` 和 `labels` 的行数相同,都是 n >= 1(dtype 任意:也可以是整数的类别标签;
    标签的形状为 (n,) 或 (n, 1);内存布局任意);
    `batch_size` 是一个 >= 1 的 int(大于 n 时得到一个 n 个样本的批量)。打乱下标,再切成大小为
    `batch_size` 的批量;`batch_size` 不能整除 n 时,最后一批小一些(而且没有空的批量)。每个
    `(X, y)` 都是同一组下标对应的 `(features[idx], labels[idx])`:这些行保持原样,dtype
    和形状都不变。返回由这些对组成的可迭代对象,只遍历一次(生成器是最自然的做法)。
    给了 `generator` 时,打乱用的是从它抽取的一个排列:两个种子相同的生成器给出相同的批量,与
    torch 的全局状态无关,而且生成器会往前走,所以用同一个生成器的第二轮会重新打乱(不是复制它,
    也不是重新设定种子)。没有给时,排列从 torch 的全局生成器抽取(`torch.manual_seed` 能让它重现;
    连续调用两次得到两种顺序)。
    """
    # TODO: 下标的一个排列,一直切到最末尾。
    raise NotImplementedError("data_iter")


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    """在 `w` (d, 1) 和 `b` (1,) 上原地做一轮小批量 SGD。返回 None。

    `w` 和 `b` 是需要梯度的叶子张量,dtype 与 features 相同(float32 或 float64,内存布局任意);
    `features` 是 (n, d),`labels` 是 (n, 1);`lr` > 0;autograd 是开着的。
    遍历 `data_iter(batch_size, features, labels, generator=generator)` 一次:对种子相同的生成器
    (或者没有生成器时,对同样的全局状态),用的正是这个模块的 `data_iter` 给出的那些批量。
    对每个批量:求和损失 `((X @ w + b - y) ** 2 / 2).sum()`,backward,然后在 `torch.no_grad()`
    下让每个参数原地沿这一批中实际样本的 *平均* 梯度走 `lr` 倍的一步(末尾那一批也一样:除以
    `len(X)`),并清空梯度。这一轮开始时 `w` 或 `b` 中已有的梯度不属于任何批量:它不能混进第一步。
    之后它们的 `.grad` 已被清空(置零或为 None)。
    """
    # TODO: 文章中的循环,每一步除以它自己那一批的大小。
    raise NotImplementedError("train_epoch")


def dataset_mean_loss(net, loss_fn, batches):
    """`batches` 中所有 `(X, y)` 上每个样本的平均损失,以 Python float 返回。

    `batches`:由数据对组成的任意可迭代对象(列表、生成器、DataLoader、这个模块的 `data_iter`),
    只遍历一次;每一批至少有一个样本,各批大小可能不同。`net(X)` 给出预测(一个参数可能需要梯度的
    `nn.Module`,或者一个普通函数),`loss_fn(net(X), y)` 以 0 维张量(float32 或 float64)
    返回一个批量上的 *平均值*。各批大小不同时结果也必须精确:与把所有样本放在一起算出的损失相等,
    精确到损失的 dtype 的精度(float32 相对误差 1e-5,float64 为 1e-12)。
    这里不需要计算图(计算图也不能让它出错:`.numpy()` 会拒绝需要梯度的张量)。
    """
    # TODO: 每批的平均值按该批的大小加权;再除以样本总数。
    raise NotImplementedError("dataset_mean_loss")
