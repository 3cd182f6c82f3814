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
    的步的学习率。

    `lr_mean` 是一个正数(int 或 float),`batch_size` 是一个 >= 1 的 int。返回一个 Python float,
    即 `lr_mean / batch_size`,精确到 float64 的精度(最后一位上相差一两个单位:
    `lr_mean * (1 / batch_size)` 可以;对它做舍入,或者用 float32 计算,都不行)。
    """
    # TODO: 求和损失的梯度比平均损失的梯度大多少?
    raise NotImplementedError("lr_for_sum_reduction")


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    """d2l 的线性回归简洁实现;返回 `(net, losses)`。

    输入:`features` 是一个 float32 或 float64 的张量 (n, d),内存布局任意;`labels` 的
    dtype 与它相同,形状为 (n, 1) 或 (n,):
    (n,) 的标签在训练和报告上都必须与 (n, 1) 的标签完全一样(要 reshape 它们:(B, 1) 的预测与
    (B,) 的标签相减会广播成 (B, B))。两者都不需要梯度;都要保持原样。`reduction` 是 'mean' 或
    'sum',按值比较(一个等于 'sum' 的字符串就是 'sum',不管它是在哪里创建的)。

    - 只有 `seed` 决定这次运行:这一层的初始权重(随机抽取,分布不限:d2l 的 N(0, 0.01)
      加上为零的偏置,或者 nn.Linear 自己的初始化)和打乱的顺序。设定种子的方式不限:用 `seed`
      设定种子的生成器(`torch.Generator().manual_seed(seed)`)同时负责两者,或者在调用内部给
      torch 的全局生成器设定种子。调用之前调用方的全局随机状态不能产生任何影响,
      两个不同的种子给出两组不同的初始权重。
    - dtype 与 features 相同的 `nn.Linear(d, 1)`、`nn.MSELoss(reduction=reduction)` 和普通的
      `torch.optim.SGD`(没有动量,没有权重衰减);在每个批量上调用网络(`net(X)`)。
    - `lr` 是 'mean' 的学习率:用 'sum' 时,给 SGD 的是 `lr_for_sum_reduction(lr, batch_size)`;
    - 每一轮都重新打乱,小批量恰好覆盖每个样本一次:每批 `batch_size` 个,batch_size
      不能整除 n 时最后一批小一些(一个样本也不丢掉;在 `TensorDataset` 上用带
      `shuffle=True, generator=...` 的 `DataLoader` 就能做到);对每个小批量:zero_grad、损失、
      backward、step。'mean' 的一步是 lr 乘以这一批的平均梯度。对完整的批量,'sum' 的一步与
      'mean' 的一步完全相同;对较小的最后一批,它是 'mean' 那一步的(这一批的大小 / batch_size)倍
      (把 lr 按这一批的大小重新缩放,使它成为 'mean' 的那一步,也可以);
    - 每一轮之后,向 `losses` 追加整个数据集上 *每个样本* 的均方误差,用的是当时的模型,以 Python
      float 表示,按 `nn.MSELoss()` 的算法计算(不乘 1/2),不管 `reduction` 是什么。`losses`
      是一个新的列表,有 `num_epochs` 个数(`num_epochs=0`:不走任何一步,返回 `[]`);
      两次调用之间不保留任何东西。

    batch_size 能整除数据集大小时,'mean' 和 'sum' 在每一步之后给出相同的参数。数值在该
    dtype 的舍入范围内比较:用 float32 计算的一步或一个损失,可能相差构成它的那些数的几个
    float32 精度单位(约 1e-7);float64 的运行则按 float64 的精度要求。
    """
    # TODO: 文章中的训练循环,只在 'sum' 时重新缩放 lr。
    raise NotImplementedError("train_concise")
