"""Kata:normalize_with_train_stats — 归一化的统计量只能来自训练集。

训练之前通常要对输入做归一化:减去一个均值,除以一个标准差,每个通道一对。PyTorch 的 MNIST 示例用
`transforms.Normalize((0.1307,), (0.3081,))` 来做:这是 60,000 张 *训练* 图片所有像素的均值和
标准差。这两个数和权重一样,是模型的一部分:它们在训练集上计算一次,然后原封不动地用于模型见到的
一切数据,包括验证集、测试集以及生产中的单张图片。

有三种出错的方式,都不会报错:

- 用整个数据集或测试集的统计量:测试集泄漏进了预处理,评估的就不再是模型从未见过的数据;
- 评估时用每个批量的统计量:一张图片归一化后的值就取决于同一批的其他图片,只有一张图片的批量
  根本没有离散程度,而一个更亮的测试集会被悄悄地变得像训练集一样;
- 在 (N, C, H, W) 张量的错误轴上求标准差:每张图片自己的标准差的平均,或者每个像素在各图片间的
  标准差的平均,都不是像素的离散程度,而且更小。

还有一种会报错(更糟的是,有时不会):把形状为 (C,) 的均值从 (N, C, H, W) 的批量中减去,它对齐的
是 *最后* 一个轴,也就是宽度,而不是通道。

任何正确答案都要做到:下面这些数字,按通道计算,对任意大小都成立。标准差可以带也可以不带 Bessel
校正(测试两种都接受)。怎么计算由你决定。

图片:浮点类型(float32、float64、float16 或 bfloat16;整数图片不在范围之内:先把它们转换过来),
内存布局任意(裁剪出来的、转置的、channels-last 的、一张图片 expand 成的一个批量)。传给
`channel_stats` 的图片和传给 `normalize` 的批量可能需要梯度;传给 `fit_normalizer` 和
`normalize_splits` 的训练图片不需要。它们的值都是有限的,每个通道至少有两个值,
并且有一定的离散程度(std > 0);在 float32 和 float64 中,离散程度可以是 1e-12 到 1e12
之间的任何值,均值离零可以远达离散程度的 1000 倍(float32)或 1e6 倍(float64):E[x^2] - E[x]^2
会丢掉这些精度,先减去均值则不会。float16 和 bfloat16 中是普通的值(离散程度在 0.1 到 10 之间),
而且数量多到一个 float16 的和装不下(65504)。

精度:在图片的 dtype 下正确计算,与精确数字(用 float64 对同样的值计算)的差距在下面的范围之内,其中
`r` 和 `c` 对 float32 为 (1e-3, 1e-6),对 float64 为 (1e-9, 1e-12),对 float16 为 (5e-3, 2e-3),对
bfloat16 为 (4e-2, 1.6e-2):
- 均值和标准差各自相差不超过 `r * std + c * |mean|`(离零很远时,把均值舍入到该 dtype 就要付出
  `c * |mean|`);
- 归一化后的值 z 相差不超过 `r * (1 + |z|) + c * |mean| / std`,其中 `r` 和 `c`
  取训练图片和批量中精度较低的那一个的值。
(对 MNIST 的几百万个像素做 float32 求和,可能差上几个 1e-4:所以 float32 给的是 1e-3。)

为什么重要:泄漏会让模型看起来比实际更好;按批量的统计量会让它的答案取决于同一批里还有什么。两者
都要等到模型遇到真实数据时才会被发现。

检查:  dojo check normalize_with_train_stats   (或者:pytest --kata normalize_with_train_stats)
逐条提示:  dojo hint normalize_with_train_stats
"""

import torch


def channel_stats(images):
    """一批图片 (N, C, H, W) 每个通道的均值和标准差:`(mean, std)`。

    两者都是形状为 (C,) 的张量:对通道 c,是该通道所有 N * H * W 个值(每张图片的每个像素放在一起)
    的均值和标准差。对随包附带的 5,000 张训练数字(以 [0, 1] 中的 (N, 1, 28, 28) 浮点数表示),
    它们与 MNIST 示例的 0.1307 和 0.3081 相差不超过 0.002。

    返回一个元组(两个元素的列表也可以)。这些数字的 dtype 是图片的 dtype 或者更宽的
    dtype(float64 总是可以的;float64 图片的 float32 数字已经丢失了精度)。`images` 保持不变。
    """
    # TODO: 在除通道轴以外的所有轴上归约。
    raise NotImplementedError("channel_stats")


def fit_normalizer(train_images):
    """一个用 `train_images` 的统计量归一化图片的函数。

    `train_images` 是 (N, C, H, W)。返回一个函数 `normalize(images)`(任何可调用对象都行),
    它接收 C、H、W 与训练图片相同的任意批量 (M, C, H, W),M >= 1,按通道返回
    `(images - mean) / std`,其中 mean 和 std 是 `channel_stats(train_images)`:
    一个形状与批量相同的新张量,dtype 是批量的 dtype 或者更宽的 dtype(批量的 dtype
    可能与训练图片的不同)。同一张图片无论在哪个批量里,结果都一样,只有一张图片的批量也不例外。
    `normalize` 不改变它的输入;输入需要梯度时,
    结果会把梯度传回给它(d normalize(x) / dx = 它所在通道的 1 / std),就像 torch 中的
    `(images - mean) / std` 那样。

    这些数字在这里一次性固定下来:之后原地修改 `train_images`,或者再拟合另一个归一化函数,
    都不会改变这一个。`train_images` 保持不变。
    """
    # TODO: 训练集的统计量只算一次;返回一个应用它们的函数。
    raise NotImplementedError("fit_normalizer")


def normalize_splits(train, val, test):
    """一个数据集的三个划分,为训练和评估做好归一化。

    每个划分是 (N_i, C, H, W)。返回元组 `(train_n, val_n, test_n)`(列表也可以):三者都只用
    `train` 的统计量归一化,就像 `fit_normalizer(train)` 那样。验证集和测试集的图片不参与统计量
    的计算,两次调用之间也不保留任何东西。输入保持不变。
    """
    # TODO: 在训练划分上拟合,应用到全部三个划分。
    raise NotImplementedError("normalize_splits")
