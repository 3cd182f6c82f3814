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

为什么重要:泄漏会让模型看起来比实际更好;按批量的统计量会让它的答案取决于同一批里还有什么。两者
都要等到模型遇到真实数据时才会被发现。

检查:  dojo check normalize_with_train_stats   (或者:pytest --kata normalize_with_train_stats)
逐条提示:  dojo hint normalize_with_train_stats
"""

import torch


def channel_stats(images):
    """一批图片 (N, C, H, W) 每个通道的均值和标准差:`(mean, std)`。

    两者都是形状为 (C,) 的张量:对通道 c,是该通道所有 N * H * W 个值(每张图片的每个像素放在
    一起)的均值和标准差。对随包附带的 5,000 张训练数字(以 [0, 1] 中的 (N, 1, 28, 28) 浮点数
    表示),它们与 MNIST 示例的 0.1307 和 0.3081 相差不超过 0.002。
    """
    # TODO: 在除通道轴以外的所有轴上归约。
    raise NotImplementedError("channel_stats")


def fit_normalizer(train_images):
    """一个用 `train_images` 的统计量归一化图片的函数。

    `train_images` 是 (N, C, H, W)。返回一个函数 `normalize(images)`,它接收任意批量
    (M, C, H, W),M >= 1,按通道返回 `(images - mean) / std`,其中 mean 和 std 是
    `channel_stats(train_images)`。同一张图片无论在哪个批量里,结果都一样,只有一张图片的批量
    也不例外。`normalize` 不改变它的输入。
    """
    # TODO: 训练集的统计量只算一次;返回一个应用它们的函数。
    raise NotImplementedError("fit_normalizer")


def normalize_splits(train, val, test):
    """一个数据集的三个划分,为训练和评估做好归一化。

    每个划分是 (N_i, C, H, W)。返回 `(train_n, val_n, test_n)`:三者都只用 `train` 的统计量归一化,
    就像 `fit_normalizer(train)` 那样。验证集和测试集的图片不参与统计量的计算。输入保持不变。
    """
    # TODO: 在训练划分上拟合,应用到全部三个划分。
    raise NotImplementedError("normalize_splits")
