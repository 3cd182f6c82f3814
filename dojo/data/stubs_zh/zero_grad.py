"""Kata:zero_grad — 梯度会一直累加,直到你清空它。

`loss.backward()` 不是 *设置* `param.grad`,而是 *加到* 它上面。这是有意设计的:它让你可以把几次
反向传播的梯度加起来,比如把一个大批量拆成能放进内存的几个小批量。但在普通的训练循环里,这意味着
每一轮都必须从干净的梯度开始:在 `loss.backward()` 之前 `optimizer.zero_grad()`,之后
`step()`。忘了清空,每一步用的都是之前所有梯度之和;在错误的时机清空(在 `backward()` 和
`step()` 之间),这一步就什么也用不上了。

为什么重要:这两种错误都不会报错。损失只是爆炸,或者一动不动。

检查:  dojo check zero_grad      (或者:pytest --kata zero_grad)
逐条提示:  dojo hint zero_grad
"""

import torch


def training_loop(n_epochs, optimizer, params, t_u, t_c):
    """用 `optimizer` 拟合温度计模型 `t_p = w * t_u + b`,每轮一步。

    `params` 是创建 `optimizer` 时给它的张量 `[w, b]`(需要梯度的叶子张量);`t_u` 是未知温度计
    的读数,`t_c` 是摄氏度读数。
    每一轮:预测,求均方误差 `((t_p - t_c) ** 2).mean()`,然后让优化器只用 *这一轮* 的梯度
    走一步。
    返回 `params`(已被优化器原地修改)。

    用 params [1.0, 0.0]、SGD lr 1e-2,在 `t_u * 0.1` 上训练 5000 轮,结果应当接近
    [5.3671, -17.3012]。
    """
    # TODO: 每一轮:前向传播、损失、清空梯度、backward、step。
    raise NotImplementedError("training_loop")


def accumulated_gradients(model, loss_fn, micro_batches):
    """有意地从几个小批量累加出一个大批量的梯度。

    `micro_batches` 是 `(X, y)` 的列表,各批大小可能不同;`loss_fn(model(X), y)` 返回一个批量的
    *平均* 损失。调用之后,每个参数的 `.grad` 必须等于所有样本放在一起时平均损失的梯度,与在整个
    批量上做一次 backward 得到的完全一样,不管调用前 `.grad` 里是什么。返回 None(不走 step)。
    """
    # TODO: 从干净的梯度开始,然后每个小批量一次 backward,每批的平均损失按它在所有样本中
    # TODO: 所占的比例加权。
    raise NotImplementedError("accumulated_gradients")
