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

    `params` 是创建 `optimizer` 时给它的张量 `[w, b]`(需要梯度的叶子张量);`t_u`
    是未知温度计的读数,`t_c` 是摄氏度读数(一维,dtype 与 params 相同:float32、float64、float16
    或 bfloat16;它们可能不连续)。优化器是 `step()` 不需要闭包的任意 torch.optim 优化器
    (带或不带动量的 SGD、Adam、RMSprop ……),可能带着之前一次调用留下的状态。
    每一轮:预测,求均方误差 `((t_p - t_c) ** 2).mean()`,然后让优化器只用 *这一轮* 的梯度走一步:
    函数被调用时 `params.grad` 里可能已经有梯度(调用方的,或者之前一次调用的),它不能算进去。
    用给定的优化器恰好走 `n_epochs` 步(0 就是一步也不走),即使损失爆炸成 inf 或 nan 也一样:
    调用方会在 `params` 中看到这一点。
    用 params 的 dtype 计算(或者更精细的 dtype:float64 的损失也可以);终点必须与在普通循环中运行
    同一个优化器得到的结果一致,只差该 dtype 的舍入(float32 中约为 params 大小的 2e-5,float64
    中约 1e-10)。调用它时 autograd 是开着的。
    返回 `params` 本身(同一个张量,已被优化器原地修改);`t_u` 和 `t_c` 保持原样。之后
    `params.grad` 里是什么由你决定。

    用 params [1.0, 0.0]、SGD lr 1e-2,在 `t_u * 0.1` 上训练 5000 轮,结果应当接近
    [5.3671, -17.3012]。
    """
    # TODO: 每一轮:前向传播、损失、清空梯度、backward、step。
    raise NotImplementedError("training_loop")


def accumulated_gradients(model, loss_fn, micro_batches):
    """有意地从几个小批量累加出一个大批量的梯度。

    `micro_batches` 是由 `(X, y)` 组成的非空列表,各批大小可能不同(每批至少有一个样本;
    一批的大小是 `len(X)`,不管特征有多少个;X 可能不连续;y 可能是类别下标)。
    `loss_fn(model(X), y)` 返回一个批量的 *平均* 损失:可以是 nn 的损失模块,也可以是普通函数。
    `model` 为每个样本给出它自己的输出(train 模式下没有 BatchNorm 或 dropout:在 eval
    模式下它们没问题),dtype 为 float32、float64、float16 或 bfloat16,可能有冻结的参数
    (requires_grad=False)和前向传播从不使用的参数。
    之后,每个需要梯度的参数的 `.grad` 都等于所有样本放在一起时平均损失的梯度,
    与在整个批量上做一次 backward 得到的完全一样,不管调用前 `.grad` 里是什么(旧的梯度、零、
    巨大的值、inf 或 nan)。对损失到达不了的参数,这个梯度为零:None 或全零都行。冻结参数的
    `.grad` 不会被检查。“相等”是指相差只在模型 dtype 的舍入之内,相对于一层的逐样本梯度的大小:
    float32 中约 3e-5,float64 中约 6e-14(为 float64 模型用 float32 创建的权重太粗了),float16
    中约 2%,bfloat16 中约 12%。
    小批量可能很多,样本可能有几百个,梯度可能上千:在 float16 中对样本求和会溢出(它的最大值是
    65504),所以请在每个小批量 backward *之前*就按它所占的样本比例给其平均损失加权,而不是求和后
    在最后再除。
    它不走 step,也不改变任何其他东西:参数、它们的模式(模型在它所处的模式下使用)、
    BatchNorm 的滑动统计量、`loss_fn`(它的 `reduction`)以及各个小批量都保持原样。只检查得到的
    `.grad`,不管你是怎么得到的。
    返回 None(不走 step)。
    """
    # TODO: 从干净的梯度开始,然后每个小批量一次 backward,每批的平均损失按它在所有样本中
    # TODO: 所占的比例加权。
    raise NotImplementedError("accumulated_gradients")
