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

    `f` 把一个张量逐元素地映射成形状相同的张量(`torch.sin`、`lambda t: t ** 3`、`torch.relu`,
    甚至是 `lambda t: torch.full_like(t, 3.0)` 这样的常数,它的导数为 0)。返回一个形状与 `x`
    相同的张量,它的第 i 个元素是 d f(x)_i / d x_i:
    - dtype 和设备都与 x 相同,是一个只有数值的普通张量(不需要梯度);
    - 就是 autograd 算出的导数(在 relu 于 0 处这样的折点,取 autograd 的值,即 0),精度达到 x 的
      dtype 的精度:用 float64 计算再舍入回来可以,有限差分不行;
    - 适用于任何浮点类型的 x(float32、float64、float16、bfloat16),任意形状(包括 0 维和空张量)
      和布局(转置的、切片的、expand 出来的),x 可能需要梯度(一个有自己的 `.grad` 的参数,
      或者一个非叶子张量),不管调用方的梯度模式如何(在 `torch.no_grad()` 里面也一样),也不管
      torch 的默认设备是什么。
    不要改动 `x`:调用前后,它的值、它的 `requires_grad` 和它的 `.grad`(以及它背后那些叶子张量的
    这三样)都保持不变,调用方的梯度模式也不变。调用两次得到两次相同的答案,每次都是一个新张量:
    调用方保留的结果不会因为之后的调用而改变。(整数或复数的 x,以及在 `torch.inference_mode()`
    里面的调用,不在要求之内。)
    """
    # TODO: 一个你自己的叶子张量,对它求 f,再从非标量开始做一次 backward。
    raise NotImplementedError("elementwise_grad")
