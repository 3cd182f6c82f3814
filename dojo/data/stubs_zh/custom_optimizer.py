"""Kata:custom_optimizer — 手写的优化器,写对它。

优化器是一个小小的类:它保存参数,`zero_grad()` 清空它们的梯度,`step()` 让每个参数逆着梯度
移动。文章中手写的那个在它自己的玩具模型上能用,换到真正的模型上就会坏,而且坏得悄无声息,
共有四种:

- 在第一次 `backward()` 之前,所有 `.grad` 都是 None,`param.grad.data.zero_()` 会崩溃(损失没有
  用到的参数也一样);
- `param.data -= lr * param.grad` 在 autograd 背后改动数字:`.data` 是一个单独的视图,它的修改不会
  增加张量的版本计数,于是保存了旧值的计算图会悄无声息地算出错误的梯度。请在
  `torch.no_grad()` 下原地更新张量本身;
- `model.parameters()` 返回的是一个 *生成器*:原样保存的话,第一次遍历就把它用完了,之后每次
  `zero_grad()` 和 `step()` 都在空集上循环;
- 动量为每个参数保存一个累积缓冲区。它必须是一个独立的张量,不能就是 `p.grad` 本身
  (`zero_grad()` 会清空它,`backward()` 会覆盖它),并且和 torch.optim.SGD 一样,从第一个梯度的
  副本开始。

为什么重要:这四种写法都能训练出 *某种东西*,而且不报错。只有和 torch.optim.SGD 逐步比较,才能
看出差别。

检查:  dojo check custom_optimizer      (或者:pytest --kata custom_optimizer)
逐条提示:  dojo hint custom_optimizer
"""

import torch


class SGD:
    """带可选动量的随机梯度下降,每一步都与 torch.optim.SGD 相同。

    `SGD(params, lr, momentum=0.0)`:`params` 是任意张量的可迭代对象(一个列表,或者生成器
    `model.parameters()`)。对梯度为 g 的参数(动量 m,dampening 为 0,不用 Nesterov,没有
    权重衰减):

        第一步:       buf = g 的一个副本
        之后各步:     buf = m * buf + g
        更新:         param -= lr * buf        (m == 0 时为 param -= lr * g)
    """

    def __init__(self, params, lr, momentum=0.0):
        """保存 step() 和 zero_grad() 需要的东西(参数、lr、动量、缓冲区)。"""
        # TODO: 保存参数,让它们可以被一遍又一遍地遍历。
        raise NotImplementedError("SGD.__init__")

    def zero_grad(self):
        """清空每个参数的梯度(置零,或设为 None)。在第一次 backward 之前、梯度还是 None 时
        也必须能用。"""
        # TODO: 清空每个存在的梯度。
        raise NotImplementedError("SGD.zero_grad")

    def step(self):
        """原地移动每个有梯度的参数,并且让 autograd 看得到(它的 `_version` 会增加),跳过
        `.grad` 为 None 的参数。"""
        # TODO: 在 torch.no_grad() 下:先是动量缓冲区,然后原地更新。
        raise NotImplementedError("SGD.step")
