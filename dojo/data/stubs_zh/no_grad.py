"""Kata:no_grad — 验证和评估时不要构建计算图。

对需要梯度的张量做的每个操作都会被记录:autograd 构建一个计算图,并为每一步保存它的 backward 需要
的张量。训练需要这些。验证和评估不需要:没有人会对它们调用 `backward()`,所以计算图纯粹是开销
(MNIST 网络在一个 1000 张图片的评估批量上要保存约 348 MB)。更糟的是,如果你 *真的* 调用了
`val_loss.backward()`,验证集的梯度会加到同一个 `.grad` 里的训练梯度上,优化器的这一步就依赖于
验证集了。

`torch.no_grad()` 在一个 `with` 块中关闭记录;`torch.set_grad_enabled(flag)` 按一个标志打开或
关闭记录。`model.eval()` 是另一个开关:它改变 dropout 和 batch norm 这类层的行为,与梯度无关。

为什么重要:泄漏进训练的验证集就不再是验证集了;而记录计算图的评估,浪费了本可以用来跑更大批量
的内存。

检查:  dojo check no_grad      (或者:pytest --kata no_grad)
逐条提示:  dojo hint no_grad
"""

import torch


def model(t_u, w, b):
    """温度计模型:从未知单位到摄氏度的一条直线。"""
    return w * t_u + b


def loss_fn(t_p, t_c):
    """均方误差。"""
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


def calc_forward(t_u, t_c, params, is_train):
    """`model(t_u, *params)` 相对于 `t_c` 的损失(用 `loss_fn`),以张量返回。

    只有 `is_train` 为真时才记录计算图:这时损失需要梯度,`backward()` 可以用,
    即使调用方关掉了记录(在它自己的 `torch.no_grad()` 里面)也一样。`is_train`
    为假时根本不要构建计算图(不是构建之后再扔掉:不为 backward 保存任何东西),这样损失不需要梯度,
    即使 `t_u` 或 `t_c` 需要梯度也一样。无论哪种情况,autograd 的开关都要保持调用之前的状态。

    输入:`t_u` 和 `t_c` 是长度相同的一维浮点张量(float32、float64、float16 或 bfloat16,
    内存布局任意;两者都可能需要梯度);`params` 存放 `w` 和 `b`,都是需要梯度的叶子张量:
    可以是一个有两个元素的张量(文章里的做法),也可以是由两个 0 维张量组成的列表或元组;`is_train`
    是一个 bool。损失是一个 0 维张量,dtype 就是 `loss_fn(model(t_u, *params), t_c)` 给出的
    dtype,与正确值相差不超过该 dtype 的几次舍入。
    """
    # TODO: 按 is_train 打开或关闭记录,运行模型和损失。
    raise NotImplementedError("calc_forward")


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    """用 `optimizer` 在训练集上训练 `params` `n_epochs` 轮,同时观察验证集。返回
    `(params, history)`。

    每一轮:训练损失(有计算图),验证损失(没有计算图),两者都在这一轮开始时的参数上计算,
    然后只用训练损失的梯度调用一次 `optimizer.step()`:不用验证损失的梯度,也不用 `.grad`
    里原有的东西(调用之前的,或者上一轮的:在 `backward()` 之前清空它)。`history`
    中按顺序每一轮一对 Python float `(train_loss, val_loss)`(`.item()`)。验证这一遍不记录计算图
    (不为 backward 保存任何东西),也永远碰不到梯度。

    `n_epochs` >= 0(为 0 时:不走任何一步,历史为空)。`params` 就是 `calc_forward` 接收的东西
    (一个有两个元素的张量,或者由两个 0 维张量组成的列表或元组);返回的必须正是这个对象。
    `optimizer` 是针对它的任意 `torch.optim` 优化器(带或不带动量的 SGD、Adam;一个参数组,
    或者每个张量一个参数组):用它走每一步,而且只用它。数据是 dtype 与 params 相同(float32 或
    float64)的一维张量;调用这个循环时 autograd 是开着的。
    """
    # TODO: 只在训练集上训练;验证时不记录计算图。
    raise NotImplementedError("training_loop")


def evaluate(model, X):
    """`model` 在 `X` 上的输出,在 eval 模式下计算,不记录计算图。

    之后模型和每个子模块都回到调用之前各自所处的模式(一个模型可能混合多种模式:处于 train
    模式的模型中有一个冻结在 eval 模式的 batch norm),每次调用都要重新读取这些模式;
    模型的其他一切都没有改变(参数、缓冲区、哪些参数需要梯度),autograd 的开关也和之前一样。

    `model` 是任意 `nn.Module`(嵌套的容器、自定义类的模块、dropout、batch norm、冻结的参数;
    float32 或 float64),`X` 是它接受的一个批量,内存布局任意,可能需要梯度。“不记录计算图”:不为
    backward 保存任何东西,即使 `X` 需要梯度,输出也不需要梯度(`torch.no_grad()`;用
    `torch.inference_mode()` 也可以)。输出就是模型自己在 eval 模式下的输出,dtype 与模型相同,
    只差舍入误差。
    """
    # TODO: 记下各模块的模式,切换到 eval,不记录计算图地运行,再恢复这些模式。
    raise NotImplementedError("evaluate")
