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

    `params` 是任意可迭代对象:列表、元组,或者像 `model.parameters()` 这样的生成器
    (只能遍历一次)。每个 `param`(最多出现一次)都是需要梯度的叶子张量(普通张量、`nn.Parameter`
    或 `torch.Tensor` 的其他子类),dtype 可以是任意浮点类型
    (float64、float16 和 bfloat16 也在内),布局任意(转置的、切片的、channels-last 的),
    `param.grad` 已由一次 backward 填好(可能含有 inf 和 nan):
    - *原地* 从它减去 `lr * param.grad`(调用方的张量必须改变:同一个对象、同一块存储、同样的
      dtype),并且不把这次更新记录进 autograd 的计算图。舍入与 `param - lr * param.grad`
      最多相差 param 的 dtype 的两个单位(相对于 |param| + |lr * grad|),不能更多:用更粗的 dtype
      算出的一步是错的;
    - 然后清空它的梯度:设为 None,或者变成精确的零(不管它原来是什么),即一个下一次 backward
      可以往里累加的张量。
    之后每个 param 仍然是需要梯度的叶子张量,autograd 是开是关和调用方设置的一样(在
    `torch.no_grad()` 里的调用仍留在它里面)。每次调用只使用传给它的 `params` 和 `lr`。
    返回 None。
    """
    # TODO: 在计算图之外原地更新每个 param,然后清空它的梯度。
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    """从列表 `values` 的每个元素中减去 `amount`(一个 int 或 float),让调用方的列表看到变化。

    张量元素(每个最多出现一次;普通张量、`nn.Parameter` 或 `torch.Tensor` 的其他子类;dtype
    是任意浮点类型,`amount` 为 int 时也可以是整数类型;可以是 0 维的、不连续的、一个视图(比如
    矩阵的一行)、需要梯度的叶子张量)要原地修改,每个都按它自己的 dtype 所能表示的 `amount`
    减少(从 float64 张量减去的 0.1 是 float64 的 0.1,不是 float32 的):还是原来的对象、原来的存储,所以任何指向它们的其他引用,以及它们所查看的那个张量,
    都会看到变化;叶子张量仍然是叶子张量。其他每个元素都是 Python 的数(int、float、Fraction、
    Decimal、complex ……),不可变,所以要在列表里把它替换为 `v - amount`,
    类型就是这个减法给出的类型。返回 None。
    """
    # TODO: 张量原地修改;数字按下标替换。
    raise NotImplementedError("decrement_all")
