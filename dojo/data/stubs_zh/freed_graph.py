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

    `batches` 是由 `(X, y)` 对组成的任意可迭代对象:列表、元组、生成器、DataLoader(没有 `len()`,
    也不能用下标访问)。按顺序遍历它一次。对每个 `(X, y)`:清空梯度(你被调用时 `.grad`
    里的东西不能影响第一步),计算 `loss_fn(model(X), y)`(每个批量只做一次前向传播:
    每个批量只抽取一次 dropout 掩码,BatchNorm 的统计量也只更新一次),反向传播,step。模型可能是
    float32 或 float64,可能带有 dropout、BatchNorm、冻结的参数或前向从不使用的参数:损失到达不了的
    参数的 `.grad` 保持为 None(它原来留着的梯度可以变成 None 或零,或者保持原样;不能出现新的值)。

    返回一个新的列表,按顺序每个批量一项(没有批量时为 `[]`):被反向传播的那个损失
    (它那一步之前的值),以 Python `float` 的形式(`loss.item()`;不是张量,也不是 NumPy 的数),
    不做舍入,保持损失本身的精度。inf 或 nan 的损失照原样记录,它那一步也和其他步一样照走。
    每次调用都从一个新的列表开始。

    任何计算图都不能比它自己那一步活得更久:一步结束之后,任何东西都不能再抓着
    它的损失张量或计算图为反向传播保存的东西(不在历史中保存损失张量,不放进累计和
    `total = total + loss`,不放进全局变量;也不用 `retain_graph=True`,它会把保存的张量
    一直留到损失被丢掉为止),调用结束之后也不能留下它们的任何东西。
    """
    # TODO: 常规的循环;历史中保存 `loss.item()`,而不是 `loss`。
    raise NotImplementedError("train_logging_losses")


def grads_of_two_losses(x, w, a, b):
    """两个损失对 `w` 的梯度,分别求出,只做一次前向传播。

    令 `h = torch.tanh(x @ w)`、`loss_a = (h @ a).pow(2).mean()`、
    `loss_b = (h @ b).abs().mean()`(`.mean()` 是对 `h @ a` 的所有元素取平均),返回
    `(grad_a, grad_b)`:d loss_a / d w 和 d loss_b / d w。`h` 只算一次,两个损失都用它:
    测试会统计通过各种 API(`torch.tanh`、`Tensor.tanh`、`F.tanh`、`nn.Tanh`)调用 tanh 的次数,
    每次调用恰好一次。

    输入:`x` 的形状为 (n, d),只有一个样本时为 (d,);`w` 的形状为 (d, k),是需要梯度的叶子张量
    (一个参数);`a` 和 `b` 的形状为 (k,),有 m 个输出时为 (k, m);四个全是 float32,或者全是
    float64,布局任意(转置的、切片的、expand 出来的)。`x`、`a` 和 `b` 自己也可能需要梯度(`x`
    是前面几层的输出,`a` 和 `b` 是一个输出头的权重)。调用你时 autograd 是开着的。

    每个梯度都是形状和 dtype 都与 `w` 相同的张量,是不需要梯度的普通数值(背后没有计算图),和
    autograd 算出的一样准确:相差不超过该 dtype 对所涉及求和的几个舍入单位(`h @ b`
    恰好为 0 的地方,`abs` 的导数为 0,和 autograd 的 `sign` 一样)。用 float32 计算
    float64 的输入,或者把一个梯度当作另外两个梯度之差来求,都达不到这个精度。

    调用前 `w.grad` 里的东西不能混进任何一个结果;调用之后它里面是什么由你决定。
    其他一切保持原样:`x`、`w`、`a` 和 `b` 的数值,以及除 `w` 之外每个张量的 `.grad`(`x`、`a`、
    `b` 的,以及 `x` 背后那些叶子张量的:None 仍是 None,零仍是零):只对 `w` 求梯度。
    """
    # TODO: 一次前向传播;两个梯度,既不过早释放共享的计算图,也不在 w.grad 中
    # TODO: 累加到一起。
    raise NotImplementedError("grads_of_two_losses")
