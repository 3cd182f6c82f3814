"""Kata:nonscalar_backward — 从一个不是单个数的张量开始反向传播。

当 `y` 是标量(比如损失)时,`y.backward()` 可以直接用。当 `y` 有很多元素时,PyTorch 会报错
"grad can be implicitly created only for scalar outputs":反向传播求的是 *一个数* 的导数,所以你
必须说明是哪个数:把 `y` 归约(`y.sum()`),或者传入 `gradient=torch.ones_like(y)`,它求的是
`(y * ones).sum()` 的导数。对逐元素的 `f` 来说,这恰好就是每个 `y_i` 对它自己的 `x_i` 的导数。

梯度会 *累加*:每次 `backward()` 都会加到 `.grad` 上。一个对调用方的张量调用 `backward()` 的
辅助函数,第二次调用时会返回两倍的答案,除非它在自己新建的叶子张量上计算(或者使用
`torch.autograd.grad`,它直接返回梯度而不是存起来)。

为什么重要:画出 sin、tanh 或 ReLU 的导数是很多人用 autograd 做的第一件事,而这两个错误(先是
异常,然后是悄无声息地翻倍的梯度)都会在这里出现。

检查:  dojo check nonscalar_backward      (或者:pytest --kata nonscalar_backward)
逐条提示:  dojo hint nonscalar_backward
"""

import torch


def elementwise_grad(f, x):
    """逐元素函数 `f` 在 `x` 的每个元素处的导数。

    `f` 把一个张量逐元素地映射成形状相同的张量(`torch.sin`、`lambda t: t ** 3` 等)。返回一个
    形状与 `x` 相同的张量,它的第 i 个元素是 d f(x)_i / d x_i。不要改动 `x`:调用前后,它的值、
    它的 `requires_grad` 和它的 `.grad` 都保持不变,而且调用两次得到两次相同的答案。
    """
    # TODO: 一个你自己的叶子张量,对它求 f,再从非标量开始做一次 backward。
    raise NotImplementedError("elementwise_grad")
