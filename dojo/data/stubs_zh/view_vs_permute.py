"""Kata:view_vs_permute — 移动轴不是改变形状。

一个张量是一块扁平的数字,加上说明如何遍历它的形状和步长(strides)。`view` 和 `reshape` 给
*同样顺序的同样的数字* 一个新形状:它们只是换一种方式切分这条扁平的序列。`permute`(以及
`transpose`、`movedim`)移动的是轴:位于 `[n, c, h, w]` 的元素移到 `[n, h, w, c]`。两者都能得到
形状为 (N, H, W, C) 的张量,但只有 permute 把每个数放在它该在的位置;reshape 成这个形状会打乱
图像,而形状看起来却是对的,也没有任何报错。

permute 之后,数字在内存中不再按顺序排列(张量不再 *连续*,contiguous),所以对它调用 `.view()`
会被拒绝:"view size is not compatible with input tensor's size and stride"。`.reshape()` 在必要时
会复制,在 `.view()` 之前调用 `.contiguous()` 也一样。

展平也有顺序。对 (N, C, H, W) 调用 `torch.flatten(x, 1)`,会把每张图片按通道依次排开;Linear
层为这一行的每个位置学习一个权重。一个在另一种顺序的行上训练出来的层(比如逐像素、通道在最内层,
就像在通道在后的图片上训练的模型所看到的那样)拿到的输入个数是对的,位置却是错的:不报错,输出
错误。

任何正确答案对这两个函数都要做到:
- 输入:任意一个各维大小都至少为 1 的四维张量 (N, C, H, W)(H 和 W 不必相等);dtype 任意:float32、
  float64、float16、bfloat16、整数(直接来自 PIL 的 uint8 图片、int64)、bool 掩码;内存布局任意:
  连续的、channels-last 的、转置的、切片或裁剪出来的(带存储偏移)、expand 出来的(步长为 0)。
  它可能需要梯度(一张特征图)。
- 结果是一个 dtype 与输入相同、位于同一设备上的张量,输入的每个元素都恰好在文档字符串所说的位置:
  只是移动,没有任何算术运算,所以每个值出来时和进去时完全一样(包括 nan、inf 和 -0.0)。
- 输入需要梯度时,结果是它的计算图的一部分:穿过结果的 `backward()` 会把每个元素的梯度送回输入中
  这个元素自己的位置。
- 输入保持不变:它的值、形状、步长和存储都不变(不对它做原地操作,也不写 `images.data = ...`)。
- 一次调用只取决于它自己的输入:第二次调用(别的大小、别的值)不会改变之前的结果。
结果是视图还是副本、连续与否,由你选择。

为什么重要:Karpathy 列出的最常见神经网络错误中有一条:以为 view() 和 permute() 是同一回事
(并且错误地使用了 view)。

检查:  dojo check view_vs_permute      (或者:pytest --kata view_vs_permute)
逐条提示:  dojo hint view_vs_permute
"""

import torch


def to_channels_last(images):
    """把一批图片从 (N, C, H, W) 变成 (N, H, W, C),每个元素被移动,而不是重新切分形状。

    对每个下标,`out[n, h, w, c]` 都是 `images[n, c, h, w]`:这是 matplotlib 的 `imshow`、NumPy
    和 PIL 对彩色图片所期望的布局。`images` 可以是任意 (N, C, H, W) 张量,连续与否都行;它保持
    不变。
    """
    # TODO: 把通道轴移到最后。
    raise NotImplementedError("to_channels_last")


def flatten_channels_last(images):
    """把一批图片 (N, C, H, W) 变成通道在后顺序的行 (N, H * W * C)。

    每一行逐行遍历像素,对每个像素再依次取它的 C 个通道:`out[n, (h * W + w) * C + c]` 是
    `images[n, c, h, w]`。这是在通道在后的图片上训练的 Linear 层的输入顺序(从 Keras 或
    TensorFlow 移植过来的模型,它的 Flatten 按 (H, W, C) 展开)。不是 `torch.flatten(images, 1)`
    给出的顺序。`images` 可以是任意 (N, C, H, W) 张量,连续与否都行;它保持不变。
    """
    # TODO: 先把通道放到最后,再把每张图片变成一行。
    raise NotImplementedError("flatten_channels_last")
