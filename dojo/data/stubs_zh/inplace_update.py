"""Kata:inplace_update — 更新调用方的张量,而不是一个局部变量。

在 d2l 的 `sgd` 中,`param -= lr * param.grad` 改变的正是调用方持有的那个张量:对张量使用 `-=` 是
原地操作(`param.sub_(...)`)。如果写成 `param = param - lr * param.grad`,函数外面什么也不会发生:
新张量被绑定到局部变量 `param` 上,然后被丢掉。Python 的数字又不一样:int 不可变,所以 `v -= 4`
总是得到一个新的 int。

为什么重要:更新被重新绑定的训练循环什么也训练不了,而且不会报任何错。

检查:  dojo check inplace_update      (或者:pytest --kata inplace_update)
逐条提示:  dojo hint inplace_update
"""

import torch


def sgd_step(params, lr):
    """对 `params` 中的每个张量做一步梯度下降。

    对每个 `param`(需要梯度的叶子张量,`param.grad` 已由一次 backward 填好):
    - *原地* 从它减去 `lr * param.grad`(调用方的张量必须改变:同一个对象、同一块存储),
      并且不把这次更新记录进 autograd 的计算图;
    - 然后清空它的梯度(置零或设为 None),让下一次 backward 从零开始。
    之后每个 param 仍然是需要梯度的叶子张量。返回 None。
    """
    # TODO: 在计算图之外原地更新每个 param,然后清空它的梯度。
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    """从列表 `values` 的每个元素中减去 `amount`,让调用方的列表看到变化。

    张量元素要原地修改(还是原来的对象:任何指向它们的其他引用也会看到变化)。Python 的数字
    不可变,所以要在列表里替换它们。
    返回 None。
    """
    # TODO: 张量原地修改;数字按下标替换。
    raise NotImplementedError("decrement_all")
