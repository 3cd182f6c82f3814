"""Kata:batch_division — 求和损失的梯度要除以批量大小,而且只除一次。

在 d2l 从零实现的线性回归中,`squared_loss` 为每个样本返回一个损失,循环里调用
`l.sum().backward()`,`sgd` 则按 `lr * param.grad / batch_size` 更新。对一个批量 *求和* 的损失,
它的梯度是平均梯度的 batch_size 倍,除一次就回到了平均值:每一步的步长不再随批量大小增长。
忘了除,每一步都大了 batch_size 倍;既取平均损失 *又* 除,就小了 batch_size 倍。另外,形状为 (n,)
的标签与形状为 (n, 1) 的预测相减,并不是逐个样本相减:广播会得到一个 (n, n) 的损失,而且不报错。

为什么重要:这些错误都不会报错。训练只是跑得太快、太慢,或者拟合出毫无意义的结果。

检查:  dojo check batch_division      (或者:pytest --kata batch_division)
逐条提示:  dojo hint batch_division
"""

import torch


def squared_loss(y_hat, y):
    """每个样本的平方损失 `(y_hat - y)^2 / 2`,形状与 `y_hat` 相同。

    `y_hat` 的形状为 (n, 1)(n >= 1:只有一个样本的批量也是批量),dtype 为浮点类型(float32、
    float64、float16 或 bfloat16);它可能需要梯度(是叶子张量,或者是 `X @ w + b` 的结果)。`y` 的
    dtype 与它相同,形状为 (n, 1) 或 (n,);两者在内存中都可以是任意布局
    (从矩阵中切出的一列不是连续的)。
    返回一个新张量,形状恰好为 (n, 1),dtype 与 `y_hat` 相同,每个值都和在该 dtype
    下计算的结果一致(相差不超过几个舍入单位),并且在计算图中:它的梯度能传回 `y_hat`。不要归约
    (不求和、不取平均):训练循环会求和,`sgd` 会除以批量大小。`y_hat` 和 `y` 保持原样
    (数值和形状都不变)。
    """
    # TODO: 每个样本一个损失,先把 `y` 变成 `y_hat` 的形状。
    raise NotImplementedError("squared_loss")


def sgd(params, lr, batch_size):
    """用于 *求和* 损失的梯度的小批量 SGD。

    `params`:需要梯度的叶子张量组成的任意可迭代对象(列表、元组,或者像 `model.parameters()`
    这样只能遍历一次的生成器),dtype 可以是任意浮点类型,内存布局也任意。
    每个 `param.grad`(不为 None)中是对 `batch_size` 个样本(一个 >= 1 的 int)求和的损失的梯度;
    `lr` 是一个 > 0 的数。
    让每个 param 沿 *平均* 梯度走 `lr` 倍的一步,`param -= lr * param.grad / batch_size`:
    原地更新(就是调用方的那些张量和它们的内存),不进入计算图(每个仍是需要梯度的叶子张量),用
    param 自己的 dtype 计算(相差不超过几个舍入单位)。然后清空它的梯度(置零或设为 None)。
    返回 None。梯度模式保持调用方设置的样子(在 `torch.no_grad()` 里调用时,梯度模式仍然关闭),
    并且不要在两次调用之间保留任何东西。
    """
    # TODO: 在 torch.no_grad() 下 param -= lr 乘以平均梯度;然后清空梯度。
    raise NotImplementedError("sgd")


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    """从零实现的线性回归,和文章中一样;返回训练好的 `(w, b)`。

    `features` (n, d) 为 float32 或 float64;`labels` 的 dtype 与它相同,形状为 (n, 1) 或 (n,)(要
    reshape 它们:绝不能依赖广播)。n、d、batch_size >= 1;lr >= 0;num_epochs >= 0(为 0 时返回初始
    的 w 和 b)。
    - w 的形状为 (d, 1),从 N(0, 0.01)(标准差 0.01)中抽取,b 是形状为 (1,) 的零,两者的 dtype 都与
      features 相同,都是需要梯度的叶子张量,训练之后也照样以这样的叶子张量返回(`.detach()`
      会让调用方无法继续训练它们);
    - 每一轮:把样本重新打乱(每一轮一个新的顺序),切成连续的、大小为 `batch_size` 的小批量;
      batch_size 不能整除 n 时,最后一个小批量装着剩下的样本,也要用来训练(它这一步除以
      batch_size,就像 `sgd([w, b], lr, batch_size)` 那样,或者除以它自己的大小:这里两种都接受)。
      对每个小批量:计算 `features @ w + b` 的 `squared_loss` 之和,backward,然后
      `sgd([w, b], lr, batch_size)`:每一步都是 lr 乘以这个小批量的平均梯度;
    - `seed` 让运行可以复现:同一个种子给出同样的结果,与全局随机状态(torch 的、Python 的
      `random`、NumPy 的)无关,并且不论 lr、batch_size 和 num_epochs 是多少,初始的 w 都相同;
      换一个种子就得到另一个 w。默认的 seed=0 和其他种子一样,只是一个普通的种子。(用一个
      `torch.Generator().manual_seed(seed)` 生成初始的 w 并打乱样本,是一种做法。)
    """
    # TODO: 用种子初始化 w 和 b,然后做 num_epochs 轮打乱的小批量 SGD。
    raise NotImplementedError("train_linreg")
