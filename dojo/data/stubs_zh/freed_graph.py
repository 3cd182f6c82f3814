"""Kata:freed_graph — 每一步一个计算图,反向传播一次,然后放手。

每次涉及需要梯度的张量的前向传播都会记录一个计算图,图中保存着 backward 需要的东西(这个批量的
激活值)。`loss.backward()` 用完它们就把图释放掉,所以一个图只能反向传播一次:再走一遍,PyTorch
会报错 "Trying to backward through the graph a second time"。而且只要一个损失 *张量* 还活着(在
一个列表里,在一个累计和里),它的整个计算图就一直留在内存里。

所以:记录 `loss.item()`,一个 Python float,而不是张量。当两个损失共享图的一部分,而你确实需要
两个梯度时,为第二次反向传播保留计算图(`retain_graph=True`,或者 `torch.autograd.grad`),并且
分别求每个梯度:`.grad` 会累加。

为什么重要:记录损失张量的历史会让内存一步步增长,直到程序崩溃;而一个梯度叠加到另一个梯度上,
会悄无声息地朝错误的方向训练。

检查:  dojo check freed_graph      (或者:pytest --kata freed_graph)
逐条提示:  dojo hint freed_graph
"""

import torch


def train_logging_losses(model, optimizer, loss_fn, batches):
    """训练 `model`,每个批量走一步优化器,并记录每个批量的损失。

    对 `batches` 中的每个 `(X, y)`:清空梯度,计算 `loss_fn(model(X), y)`,反向传播,step。返回
    损失的列表,每个批量一个,都是 Python float(该批在它这一步之前的损失)。任何计算图都不能比它
    自己那一步活得更久:你保存的任何东西都不能抓着一个损失张量不放。
    """
    # TODO: 常规的循环;历史中保存 `loss.item()`,而不是 `loss`。
    raise NotImplementedError("train_logging_losses")


def grads_of_two_losses(x, w, a, b):
    """两个损失对 `w` 的梯度,分别求出,只做一次前向传播。

    令 `h = torch.tanh(x @ w)`、`loss_a = (h @ a).pow(2).mean()`、
    `loss_b = (h @ b).abs().mean()`,返回 `(grad_a, grad_b)`:d loss_a / d w 和
    d loss_b / d w。`h` 只算一次,两个损失都用它。调用前 `w.grad` 里的东西不能混进任何一个结果
    (调用之后它里面是什么由你决定)。
    """
    # TODO: 一次前向传播;两个梯度,既不过早释放共享的计算图,也不在 w.grad 中
    # TODO: 累加到一起。
    raise NotImplementedError("grads_of_two_losses")
