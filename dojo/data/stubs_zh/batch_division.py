"""Kata:batch_division — 求和损失的梯度要除以批量大小,而且只除一次。

在 d2l 从零实现的线性回归中,`squared_loss` 为每个样本返回一个损失,循环里调用
`l.sum().backward()`,`sgd` 则按 `lr * param.grad / batch_size` 更新。对一个批量 *求和* 的损失,
它的梯度是平均梯度的 batch_size 倍,除一次就回到了平均值:每一步的步长不再随批量大小增长。
忘了除,每一步都大了 batch_size 倍;既取平均损失 *又* 除,就小了 batch_size 倍。另外,形状为 (n,)
的标签与形状为 (n, 1) 的预测相减,并不是逐个样本相减:广播会得到一个 (n, n) 的损失,而且不报错。

为什么重要:这些错误都不会报错。训练只是跑得太快、太慢,或者拟合出毫无意义的结果。

检查:  dojo check batch_division      (或者:pytest --kata batch_division)
逐条提示:  dojo hint batch_division
"""

import torch


def squared_loss(y_hat, y):
    """每个样本的平方损失 `(y_hat - y)^2 / 2`,形状与 `y_hat` 相同。

    `y_hat` 的形状为 (n, 1);`y` 可能是 (n, 1),也可能是 (n,)。不要归约(不求和、不取平均):
    训练循环会求和,`sgd` 会除以批量大小。
    """
    # TODO: 每个样本一个损失,先把 `y` 变成 `y_hat` 的形状。
    raise NotImplementedError("squared_loss")


def sgd(params, lr, batch_size):
    """用于 *求和* 损失的梯度的小批量 SGD。

    每个 `param.grad` 中是对 `batch_size` 个样本求和的损失的梯度。让每个 param 沿 *平均* 梯度
    走 `lr` 倍的一步,原地更新且不进入计算图,然后清空它的梯度。返回 None。
    """
    # TODO: 在 torch.no_grad() 下 param -= lr 乘以平均梯度;然后清空梯度。
    raise NotImplementedError("sgd")


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    """从零实现的线性回归,和文章中一样;返回训练好的 `(w, b)`。

    - w 的形状为 (d, 1),从 N(0, 0.01)(标准差 0.01)中抽取,b 是形状为 (1,) 的零,
      两者都是需要梯度的叶子张量;
    - 每一轮:把样本打乱分成大小为 `batch_size` 的小批量;对每个小批量,计算 `features @ w + b`
      的 `squared_loss` 之和,backward,然后 `sgd([w, b], lr, batch_size)`;
    - `seed` 让运行可以复现:同一个种子给出同样的结果,与全局随机状态无关(用一个
      `torch.Generator().manual_seed(seed)` 生成初始的 w 并打乱样本,是一种做法)。
    """
    # TODO: 用种子初始化 w 和 b,然后做 num_epochs 轮打乱的小批量 SGD。
    raise NotImplementedError("train_linreg")
