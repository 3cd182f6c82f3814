"""Kata:train_eval_mode — 评估一个模型,但不改变它。

有些层在训练时的行为不一样。Dropout 在 train 模式下把输入的随机一部分置零,在 eval 模式下什么
也不做。BatchNorm 在 train 模式下用当前批量的统计量做归一化,*并且更新它的滑动统计量*;在 eval
模式下它使用这些滑动统计量,什么也不改变。`model.eval()` 把每个子模块切换到 eval 模式,
`model.train()` 把每个子模块切回 train。`torch.no_grad()` 是另一回事:它停止的是计算图,不是
dropout 或 BatchNorm。

所以一次评估有三个部分:eval 模式(答案可重复,也不改变模型),不构建计算图(不为永远不会到来的
backward 花内存),以及结束后把模型按它进来时的模式还给调用你的训练循环。注意:一个模型可能混合
多种模式(在一个正在训练的模型中,有一个冻结在 eval 模式的 BatchNorm),所以最后简单地
`model.train()` 并不是“原样归还”。

为什么重要:在 train 模式下评估,准确率更低,每次运行都不一样,而且每次评估都会悄悄地把 BatchNorm
的统计量往测试集那边挪。

检查:  dojo check train_eval_mode      (或者:pytest --kata train_eval_mode)
逐条提示:  dojo hint train_eval_mode
"""

import torch


def accuracy(model, batches):
    """`model` 分类正确的样本所占的比例,以 Python float 返回。

    `batches` 逐个产出 `(X, y)`:`model(X)` 为每个样本给出一行类别分数,`y` 存放类别下标。
    预测是分数最高的类别(分数相同时,取并列类别中的第一个,就像 `argmax` 给出的那样)。
    在所有样本上计数(各批大小可能不同)。

    评估时:eval 模式,不构建计算图。之后模型和每个子模块都处于调用前各自所处的模式
    (每次调用都重新读取),模型中没有任何东西被改变(BatchNorm 的滑动统计量、参数、
    哪些参数需要梯度)。同样的调用每次都给出同样的答案。

    范围之内:`batches` 是任意可迭代对象(列表、元组、只能遍历一次的生成器:只遍历它一次);`X` 是
    `model` 接收的任何东西(内存布局任意、dtype 与模型相同、可能需要梯度的张量;
    或者多输入模型的一个张量元组),所以要按 `y` 来数样本,`y` 是由类别下标组成的一维张量;
    一个批量可能只有一个样本。`model` 是任意 `nn.Module`(嵌套的容器、自定义类的模块、
    冻结的参数,float32 或 float64)。答案与 `correct / total` 相差不超过 1e-6。
    autograd 的开关要保持原样,全局随机数生成器也要保持原样(eval 模式下的评估不抽取任何随机数)。
    “不构建计算图”:不为 backward 保存任何东西
    (`torch.no_grad()`;用 `torch.inference_mode()` 也可以)。
    """
    # TODO: 记下每个模块的模式,eval(),no_grad,计数,然后恢复每个模式。
    raise NotImplementedError("accuracy")
