"""Kata:mnist — 文章中的数字分类器,训练和评估时不犯那些经典的小错误。

最后一篇文章用两个函数 `train` 和 `test` 在 MNIST 上训练一个小型卷积网络,就像 pytorch/examples 的
mnist/main.py 那样。这些循环中的每一行都有它的道理:`optimizer.zero_grad()`(否则梯度会累加)、
`model.eval()`(测量时必须关闭 dropout)、`torch.no_grad()`(评估不需要计算图)、
`x = x.to(device)`(`.to` 返回一个新张量;批量和模型必须在同一个设备上),以及对样本求和的损失
再除以样本数(最后一批可能更小)。

为什么重要:这些小错误中的每一个都照样能运行。损失照样下降,准确率照样打印出来;只是有点不对、
或者更慢、或者不可复现,而且没有任何提示。

检查:  dojo check mnist      (或者:pytest --kata mnist)
训练:         python -m dojo.train_mnist     (--subset:小数据集,不需要 GPU)
逐条提示: dojo hint mnist
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """文章中的网络,用于形状为 (N, 1, 28, 28) 的批量中的 1x28x28 数字:

    卷积 1->32(3x3,步长 1),ReLU,卷积 32->64(3x3),ReLU,最大池化 2,dropout 0.25,
    展平(保留批量维度),全连接 9216->128,ReLU,dropout 0.5,全连接 128->10,在十个类别上做
    log_softmax。`forward` 返回 (N, 10) 的对数概率。
    (这里用 `nn.Dropout`;文章中的 `nn.Dropout2d` 也可以。)

    - dropout 只在 train 模式下起作用:这时每个 dropout 把它输入中大约相应比例的部分置零
      (池化后特征的 25%,fc1 输出的 50%),并把其余部分乘以 1 / (1 - p);在 eval 模式下,对同样的
      数字前向两次,得到同样的输出。
    - 前向传播适用于各层能接受的任何批量:只有一个数字的批量、channels-last 的批量
      (`x.to(memory_format=torch.channels_last)`:用 `torch.flatten(x, 1)` 展平,它在必要时会
      复制),并且以网络被转换成的 dtype 计算(`Net().double()` 作用于 float64 的数字,得到 float64;
      永远不要转换批量)。
    - 网络很有把握时(分数相差几百),对数概率仍然是有限值:用 `F.log_softmax`,而不是对 softmax
      取对数,后者的小概率会下溢为 0。
    - 初始权重来自全局生成器,就像 PyTorch 的各层抽取它们那样:由调用方的 `torch.manual_seed`
      决定,Net 从不重新设置种子。

    测试会把它们自己的参数加载进你的各层(按形状找到这些层,而不是按名字),并把 eval 模式下的输出
    与契约中的前向传播比较,在 float32 下误差在输出大小的约 2e-5 以内。
    """

    def __init__(self):
        super().__init__()
        # TODO: 各层(两个 Conv2d、两个 Linear、两个 dropout),然后写 forward()。
        raise NotImplementedError("Net")

    def forward(self, x):
        # TODO: 按顺序经过各层;返回 F.log_softmax(..., dim=1)。
        raise NotImplementedError("Net.forward")


def train(model, device, train_loader, optimizer, epoch):
    """训练一轮;返回每个样本的平均训练损失(一个 float)。

    对 `train_loader` 的每个 `(data, target)` 批量:把两者移到 `device` 上,清空梯度,对模型的
    输出计算 `F.nll_loss`,反向传播,让优化器走一步。模型必须处于 train 模式(dropout 打开)。返回
    的数字是这一轮中计算出的每个样本的损失,按样本取平均(最后一批可能比其他批小)。`epoch` 是这一轮
    的编号,用于进度信息。

    - `train_loader` 是覆盖整个训练集的 `torch.utils.data.DataLoader`,和文章中构建的一样:打乱与否
      都有可能,最后一批可能更小,每遍历一次,每个样本出现一次,所以 `len(train_loader.dataset)`
      是样本数,`len(train_loader)` 是批量数。按它给出的样子取它的批量,每个批量走一步。
    - `model` 是把一个批量映射为 (N, 10) 分数的任意模块:`Net`,或者测试中的小模型(其中一个返回
      原始分数)。损失是对原样的输出计算的 `F.nll_loss(output, target)`(不额外加 softmax,也不是
      `F.cross_entropy`),即批量上的平均值,原样反向传播。
    - 传进来的模型可能处于 eval 模式(test() 之后它就是这样):把它以及它里面的每个模块都置于
      train 模式(`model.train()`)。
    - 调用 train 时,参数里可能已经有梯度:在每次反向传播之前清空它们(每一步先调用
      `optimizer.zero_grad()`),这样任何一步都不会用到另一步的梯度。
    - `optimizer` 是作用于模型参数的任意优化器(带或不带动量的 SGD);`device` 是一个 `torch.device`
      或者一个字符串('cpu'、'cuda')。用 `.to(device)` 移动批量,不做别的:float64 的模型得到
      float64 的批量。
    - 返回的数字是一个 Python 的 float,只属于这次调用的这一轮(第二次调用返回第二轮的数字),与被
      反向传播的那些损失的平均值相差约 1e-5 以内。让 autograd 保持打开。
    """
    # TODO: 文章中的循环,以及每个样本的平均损失。
    raise NotImplementedError("train")


def test(model, device, test_loader):
    """评估模型;返回 `(loss, accuracy)`,两个 float。

    `loss`:整个测试集上每个样本的平均 `F.nll_loss`;`accuracy`:最可能的类别就是目标的样本所占
    比例(在 0 和 1 之间,不是百分数)。在 eval 模式下(关闭 dropout)评估,并且不记录计算图。

    - `test_loader` 是覆盖整个测试集的 DataLoader(打乱与否都有可能,和文章中的一样;最后一批可能
      更小):`len(test_loader.dataset)` 是样本数。每个样本评估一次。
    - `model` 是把一个批量映射为 (N, 10) 分数的任意模块(也包括测试自己的小模型,其中一个返回原始
      分数):对原样的输出计算 `F.nll_loss`,在样本上求和(`reduction='sum'`)再除以样本数;最可能
      的类别是 `output.argmax(dim=1)`。
    - 把模型以及它里面的每个模块都置于 eval 模式(`model.eval()`);传进来时模型处于 train 模式,
      正是 train() 结束时的状态。test 之后它处于什么模式,由你决定。
    - 不构建计算图:`with torch.no_grad():`(或者 `torch.inference_mode()`),一个 `with` 块,这样
      test 返回时 autograd 的状态和调用方原来的一样(打开,或者在调用方自己的 `no_grad` 里关闭)。
    - 两个数字都是 Python 的 float;对同一个模型调用第二次,得到同样的数字(损失相差在浮点舍入
      之内:打乱的加载器以另一种顺序相加),误差约在损失大小的 2e-6 以内。
    """
    # TODO: eval 模式,不构建计算图,对样本求和再除以样本数。
    raise NotImplementedError("test")
