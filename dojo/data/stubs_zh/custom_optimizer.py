"""Kata:custom_optimizer — 手写的优化器,写对它。

优化器是一个小小的类:它保存参数,`zero_grad()` 清空它们的梯度,`step()` 让每个参数逆着梯度
移动。文章中手写的那个在它自己的玩具模型上能用,换到真正的模型上就会坏,而且坏得悄无声息,
共有四种:

- 在第一次 `backward()` 之前,所有 `.grad` 都是 None,`param.grad.data.zero_()` 会崩溃(损失没有
  用到的参数也一样);
- `param.data -= lr * param.grad` 在 autograd 背后改动数字:`.data` 是一个单独的视图,它的修改不会
  增加张量的版本计数,于是保存了旧值的计算图会悄无声息地算出错误的梯度。请在
  `torch.no_grad()` 下原地更新张量本身;
- `model.parameters()` 返回的是一个 *生成器*:原样保存的话,第一次遍历就把它用完了,之后每次
  `zero_grad()` 和 `step()` 都在空集上循环;
- 动量为每个参数保存一个累积缓冲区。它必须是一个独立的张量,不能就是 `p.grad` 本身
  (`zero_grad()` 会清空它,`backward()` 会覆盖它),并且和 torch.optim.SGD 一样,从第一个梯度的
  副本开始。

为什么重要:这四种写法都能训练出 *某种东西*,而且不报错。只有和 torch.optim.SGD 逐步比较,才能
看出差别。

检查:  dojo check custom_optimizer      (或者:pytest --kata custom_optimizer)
逐条提示:  dojo hint custom_optimizer
"""

import torch


class SGD:
    """带可选动量的随机梯度下降,每一步都与 torch.optim.SGD 相同。

    `SGD(params, lr, momentum=0.0)`:`params` 是任意张量的可迭代对象,在这里只遍历一次(列表、
    元组、生成器 `model.parameters()`、其他一次性迭代器如 `itertools.chain(...)`、`filter(...)`、
    `map(...)` 或 `iter(list)`、字典的 `.values()`):至少有一个张量,每个张量最多出现一次,绝不会是
    单个张量,也没有参数组的字典。SGD 保存一个自己的列表,就像 torch.optim 把它们复制进自己的
    param groups 一样:调用方之后对自己的列表(或字典)做什么(`params.clear()`、重新填充),都影响
    不到优化器。它们都是叶子张量,dtype 可以是任意浮点类型(float32、float64、float16、
    bfloat16),形状任意(0 维的也可以),内存布局任意(转置的、切片的、channels-last 的)。SGD
    保留传给它的每一个张量,不管它的 `requires_grad` 是什么(冻结的参数之后可能会被解冻)。
    `lr > 0`,`0 <= momentum < 1`。

    对梯度为 g 的参数(动量 m,dampening 为 0,不用 Nesterov,没有权重衰减):

        它的第一步:   buf = g 的一个副本
        之后各步:     buf = m * buf + g
        更新:         param -= lr * buf        (m == 0 时为 param -= lr * g)

    “第一步”是按参数、按优化器算的:一个参数如果在优化器的第五步才第一次得到梯度,
    它的缓冲区就从那时开始;在同样的张量上新建的 SGD 从没有缓冲区开始(状态保存在对象里;
    并排的两个 SGD 不共享任何东西)。每一步都与 torch.optim.SGD 的结果比较,允许相差参数
    dtype 的几个舍入单位(相对于 |param| + lr * |buf|):`param -= lr * buf` 和 torch 的
    `param.add_(buf, alpha=-lr)` 都能通过;dtype 更粗的缓冲区(`torch.zeros(shape)` 是 float32,
    而参数是 float64)则通不过。
    """

    def __init__(self, params, lr, momentum=0.0):
        """保存 step() 和 zero_grad() 需要的东西(参数、lr、动量、缓冲区)。
        参数本身的任何东西都不要改动。"""
        # TODO: 保存参数,让它们可以被一遍又一遍地遍历。
        raise NotImplementedError("SGD.__init__")

    def zero_grad(self):
        """清空每个参数的梯度:设为 None,或者原地置零,不管它里面原来是什么(inf 和 nan 也一样),
        冻结的参数也要清空。在第一次 backward 之前、梯度还是 None 时也必须能用。不移动任何参数;
        梯度模式保持原样(打开的,或者在调用方的 `torch.no_grad()` 里调用时是关闭的)。

        有动量时,这两种做法是有区别的,和 torch 中一样(`zero_grad(set_to_none=...)`):
        全零的梯度仍然是梯度(它的参数会按 lr * momentum * buf 继续往前滑),
        None 的梯度则会被跳过。两种都对;测试会跟随你的做法。"""
        # TODO: 清空每个存在的梯度。
        raise NotImplementedError("SGD.zero_grad")

    def step(self):
        """移动每个 `.grad` 不为 None 的参数,只跳过 `.grad` 为 None 的参数:全零的梯度仍然会更新
        缓冲区,梯度中的 nan 或 inf 照原样应用。在张量本身上原地更新,并且让 autograd 看得到:
        还是同一个张量对象、同一块存储,它的 `_version` 会增加(`.data` 做不到这一点),
        仍然是叶子张量,`requires_grad` 不变;梯度模式保持原样(打开的,或者在调用方的
        `torch.no_grad()` 里调用时是关闭的:要恢复原样,而不是设成一个固定值),默认 dtype 也保持
        原样(调用方的默认 dtype 可能是 float64)。step() 读取 `p.grad`,但从不写它。
        (像 torch 的 `closure=None` 这样的可选参数也可以有;测试调用的是 `step()`。)"""
        # TODO: 在 torch.no_grad() 下:先是动量缓冲区,然后原地更新。
        raise NotImplementedError("SGD.step")
