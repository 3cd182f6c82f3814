"""Kata:reduction_lr — 用 reduction='sum' 时,学习率要按批量大小缩小。

`nn.MSELoss()` 对批量取平均(reduction='mean');`nn.MSELoss(reduction='sum')` 把损失加起来,所以
损失和它的梯度都大了 batch_size 倍。用同样的 lr,每一步也就大了 batch_size 倍。把 lr 除以批量
大小,两者走的步就完全一样;这正是 'mean' 作为默认值的原因:lr 不依赖于批量大小。你 *报告* 的损失
是另一回事:在整个数据集上的 'sum' 是每个样本的数字的 n 倍,所以两个学到同样东西的运行,打印出的
数字会差上千倍。

为什么重要:什么都不会失败。用 'mean' 的 lr 跑 'sum' 仍然能训练,只是步长大了 batch_size 倍(或者
发散);而一个大了 n 倍的损失,看起来像是更差的模型,其实是同一个。

检查:  dojo check reduction_lr      (或者:pytest --kata reduction_lr)
逐条提示:  dojo hint reduction_lr
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    """在每批 `batch_size` 个样本时,让 reduction='sum' 走出 reduction='mean' 用 `lr_mean` 所走
    的步的学习率。返回一个 float。"""
    # TODO: 求和损失的梯度比平均损失的梯度大多少?
    raise NotImplementedError("lr_for_sum_reduction")


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    """d2l 的线性回归简洁实现;返回 `(net, losses)`。

    - 用 `seed` 设定种子的生成器(`torch.Generator().manual_seed(seed)`)抽取这一层的初始权重
      并打乱批量,这样同一个种子给出同样的运行;
    - `nn.Linear(d, 1)`、`nn.MSELoss(reduction=reduction)` 和 `torch.optim.SGD`;
    - `lr` 是 'mean' 的学习率:用 'sum' 时,给 SGD 的是 `lr_for_sum_reduction(lr, batch_size)`;
    - 每一轮打乱成大小为 `batch_size` 的小批量(在 `TensorDataset` 上用带
      `shuffle=True, generator=...` 的 `DataLoader` 就能做到);对每个小批量:zero_grad、损失、
      backward、step;
    - 每一轮之后,向 `losses` 追加整个数据集上 *每个样本* 的均方误差,以 Python float 表示,
      按 `nn.MSELoss()` 的算法计算,不管 `reduction` 是什么。
    batch_size 能整除数据集大小时,'mean' 和 'sum' 在每一步之后给出相同的参数。
    """
    # TODO: 文章中的训练循环,只在 'sum' 时重新缩放 lr。
    raise NotImplementedError("train_concise")
