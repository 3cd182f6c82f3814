"""Kata:mnist — 文章中的数字分类器,训练和评估时不犯那些经典的小错误。

最后一篇文章用两个函数 `train` 和 `test` 在 MNIST 上训练一个小型卷积网络,就像 pytorch/examples 的
mnist/main.py 那样。这些循环中的每一行都有它的道理:`optimizer.zero_grad()`(否则梯度会累加)、
`model.eval()`(测量时必须关闭 dropout)、`torch.no_grad()`(评估不需要计算图)、
`x = x.to(device)`(`.to` 返回一个新张量;批量和模型必须在同一个设备上),以及对样本求和的损失
再除以样本数(最后一批可能更小)。

为什么重要:这些小错误中的每一个都照样能运行。损失照样下降,准确率照样打印出来;只是有点不对、
或者更慢、或者不可复现,而且没有任何提示。

检查:  dojo check mnist      (或者:pytest --kata mnist)
训练:         python -m dojo.train_mnist     (--subset:小数据集,不需要 GPU)
逐条提示: dojo hint mnist
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """文章中的网络,用于形状为 (N, 1, 28, 28) 的批量中的 1x28x28 数字:

    卷积 1->32(3x3,步长 1),ReLU,卷积 32->64(3x3),ReLU,最大池化 2,dropout 0.25,
    展平(保留批量维度),全连接 9216->128,ReLU,dropout 0.5,全连接 128->10,在十个类别上做
    log_softmax。`forward` 返回 (N, 10) 的对数概率。
    (这里用 `nn.Dropout`;文章中的 `nn.Dropout2d` 也可以。)
    """

    def __init__(self):
        super().__init__()
        # TODO: 各层(两个 Conv2d、两个 Linear、两个 dropout),然后写 forward()。
        raise NotImplementedError("Net")

    def forward(self, x):
        # TODO: 按顺序经过各层;返回 F.log_softmax(..., dim=1)。
        raise NotImplementedError("Net.forward")


def train(model, device, train_loader, optimizer, epoch):
    """训练一轮;返回每个样本的平均训练损失(一个 float)。

    对 `train_loader` 的每个 `(data, target)` 批量:把两者移到 `device` 上,清空梯度,对模型的
    输出计算 `F.nll_loss`,反向传播,让优化器走一步。模型必须处于 train 模式(dropout 打开)。返回
    的数字是这一轮中计算出的每个样本的损失,按样本取平均(最后一批可能比其他批小)。`epoch` 是这一轮
    的编号,用于进度信息。
    """
    # TODO: 文章中的循环,以及每个样本的平均损失。
    raise NotImplementedError("train")


def test(model, device, test_loader):
    """评估模型;返回 `(loss, accuracy)`,两个 float。

    `loss`:整个测试集上每个样本的平均 `F.nll_loss`;`accuracy`:最可能的类别就是目标的样本所占
    比例(在 0 和 1 之间,不是百分数)。在 eval 模式下(关闭 dropout)评估,并且不记录计算图。
    """
    # TODO: eval 模式,不构建计算图,对样本求和再除以样本数。
    raise NotImplementedError("test")
