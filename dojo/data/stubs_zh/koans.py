"""Kata:koans — 运行一段代码之前,先预测它会做什么。

下面每个函数展示一小段取自文章的代码,并就它问一个问题。不要写代码:把函数体换成你的 *预测*
(一个 bool、一个数、一个列表,或者文档字符串给出的字符串之一)。测试会自己运行每段代码,把真实
发生的情况与你的预测比较;预测错了,会告诉你实际发生了什么,以及为什么。

公案分成三组,每组都放在需要它的那个 kata 之前:
- koans_references:名字、对象与 `id()`:对 int 和对张量用 `-=`、列表、函数。
- koans_autograd:`no_grad`、累加的梯度、非标量的 `backward`、`detach`、叶子张量。
- koans_loops:`torch.cat`、每一轮的更新次数、累计的损失、`zero_grad` 的顺序。

为什么重要:其他 kata 里的每一个坑,都始于对其中某一行的错误猜测。先猜,再让测试(或者一个
REPL)告诉你答案。

怎样作答:文档字符串要哪一种值,就返回恰好那一种。测试既检查值,也检查值的种类;问题出在种类上时,
它们会说出期望的是哪一种。
- True 或 False:一个 Python 的 bool(不是 0 或 1,不是字符串 "True",不是 None,不是张量)。
- 个数:一个 Python 的 int(10,不是 10.0)。
- 数:一个 Python 的 int 或 float(8 和 8.0 算同一个预测),比较时误差在 1e-6 以内;不是张量,
  也不是 numpy 的值。
- 列表:一个 Python 的列表,不是元组。这段代码里的列表装的是 Python 的 int 时,就写 int
  ([1, 2],不是 [1.0, 2.0]),内层的列表也写成列表;装的是从张量里取出来的数时,任何 Python 的数
  都可以([2, 2, 2] 和 [2.0, 2.0, 2.0] 一样)。
- 一对 `(a, b)`:一个两个元素的元组(namedtuple 也算),不是列表。
- 异常:它的类名,写成字符串,拼写与 Python 中完全一致("ValueError":不是这个类本身,不是错误
  信息,也不是像 "Exception" 这样的基类);如果这段代码运行时不出错,返回 None。
- 几个字符串之一:恰好是给出的其中一个。
每个函数都不接受参数,并且会被调用不止一次:每次都必须返回同样的答案。可以把答案算出来(自己运行
这段代码也可以)。

检查:  dojo check koans_references   (或者:pytest --kata koans_references)
逐条提示:  dojo hint koans_references
"""

import torch


# --- koans_references:名字、对象与 id() ------------------------------------------------------


def int_minus_equals_keeps_id():
    """对 int 用 `-=`,还是同一个对象吗(同一个 `id`)?

        params = [1, 2]
        for p in params:
            before = id(p)
            p -= 4
            print(id(p) == before)

    对两个元素它打印的都一样:返回那一个 bool,True 或 False。
    """
    # TODO: 你的预测。
    raise NotImplementedError("int_minus_equals_keeps_id")


def tensor_minus_equals_keeps_id():
    """对张量用 `-=`,还是同一个对象吗(同一个 `id`)?

        params = [torch.tensor([1.0]), torch.tensor([2.0])]
        for p in params:
            before = id(p)
            p -= 4
            print(id(p) == before)

    对两个元素它打印的都一样:返回那一个 bool,True 或 False。
    """
    # TODO: 你的预测。
    raise NotImplementedError("tensor_minus_equals_keeps_id")


def int_list_after_loop():
    """对列表中的 int 循环做 `-=` 之后,列表里是什么?

        params = [1, 2]
        for p in params:
            p -= 4
        print(params)

    返回你预计它会打印的列表,写成 int 的列表,例如 [10, 20]。
    """
    # TODO: 你的预测。
    raise NotImplementedError("int_list_after_loop")


def tensor_list_after_rebinding():
    """循环做 `p = p - 4` 之后,列表里的张量是什么?

        params = [torch.tensor([1.0]), torch.tensor([2.0])]
        for p in params:
            p = p - 4
        print([t.item() for t in params])

    返回你预计它会打印的数字列表,例如 [10.0, 20.0](一个列表,每个张量一个数)。
    """
    # TODO: 你的预测。
    raise NotImplementedError("tensor_list_after_rebinding")


def list_after_call():
    """一个函数修改了调用方列表的元素之后,这个列表里是什么?

        def f(a):
            a[0] -= 1
            a[2][0] -= 1

        a = [1, 2, [3, 4]]
        f(a)
        print(a)

    返回你预计它会打印的列表,例如 [1, 2, [3, 4]]:元素是 int,内层的列表也是列表。
    """
    # TODO: 你的预测。
    raise NotImplementedError("list_after_call")


# --- koans_autograd:计算图记录了什么 -------------------------------------------------------------


def no_grad_result():
    """在 `torch.no_grad()` 下算出的结果是什么样的?

        x = torch.randn(10, 5, requires_grad=True)
        y = torch.randn(10, 5, requires_grad=True)
        z = torch.randn(10, 5, requires_grad=True)
        with torch.no_grad():
            w = x + y + z
        print(w.requires_grad, w.grad_fn)

    返回一个元组 `(requires_grad, grad_fn)`:一个 bool;如果你认为 `w` 没有 grad_fn 就是 None
    (None 本身,不是字符串 "None"),否则是它的类名,写成字符串(例如 "MulBackward0")。
    """
    # TODO: 你的预测。
    raise NotImplementedError("no_grad_result")


def grad_after_two_backward_calls():
    """两次 backward 调用之后,叶子张量的 `.grad` 里是什么?

        x = torch.tensor(2.0, requires_grad=True)
        y = x * x
        y.backward()
        y = x * x
        y.backward()
        print(x.grad)

    返回你预计 `x.grad` 中的数:一个 Python 的 int 或 float(不是 `print` 显示的那个张量)。
    """
    # TODO: 你的预测。
    raise NotImplementedError("grad_after_two_backward_calls")


def nonscalar_backward():
    """对一个有多个元素的张量调用 `backward()` 会怎样?

        x = torch.ones(2, 3, requires_grad=True)
        y = x + 2
        y.backward()

    返回你预计它会抛出的异常的类名,写成字符串(例如 "ValueError");如果你预计它运行时不会出错,
    返回 None。
    """
    # TODO: 你的预测。
    raise NotImplementedError("nonscalar_backward")


def w_after_detached_add():
    """修改一个 detach 出来的张量,会改变原来的张量吗?

        w = torch.ones(3, requires_grad=True)
        d = w.detach()
        d += 1
        print(w)

    返回你预计 `w` 中的数字列表,例如 [5.0, 5.0, 5.0](一个列表,不是张量)。
    """
    # TODO: 你的预测。
    raise NotImplementedError("w_after_detached_add")


def scaled_randn_grad_is_none():
    """backward 会填上由 `randn(...) * 0.01` 得到的张量的梯度吗?

        w = torch.randn(3, requires_grad=True) * 0.01
        w.sum().backward()
        print(w.grad is None)

    返回 True 或 False。
    """
    # TODO: 你的预测。
    raise NotImplementedError("scaled_randn_grad_is_none")


# --- koans_loops:训练循环实际上做了什么 ----------------------------------------------------------


def losses_after_cat_loop():
    """这个循环之后 `l` 中有多少个损失(每轮只更新一次的那个实验)?

        # 1000 个样本,batch_size = 10:data_iter 产出 100 个批量
        l = None
        for X, y in data_iter(batch_size, features, labels):
            if l is None:
                l = loss(net(X, w, b), y)          # 形状 (10, 1)
            else:
                torch.cat((l, loss(net(X, w, b), y)), dim=0)
        print(l.numel())

    返回你预计它会打印的数:一个 int。
    """
    # TODO: 你的预测。
    raise NotImplementedError("losses_after_cat_loop")


def updates_in_the_experiment():
    """每个循环的一轮把参数更新了多少次?

        # 1000 个样本,batch_size = 10
        # A:d2l 的循环,3 轮
        for epoch in range(3):
            for X, y in data_iter(batch_size, features, labels):
                loss(net(X, w, b), y).sum().backward()
                sgd([w, b], lr, batch_size)
        # B:那个实验,300 轮,先收集一轮中的损失
        for epoch in range(300):
            ...                                    # 每个批量的损失,同上
            l.sum().backward()
            sgd([w, b], lr, batch_size * count)

    数一数每个循环的 *一轮* 调用了多少次 `sgd`(不是它所有轮加起来的总数),把它们作为两个 int
    组成的元组 `(updates_per_epoch_in_A, updates_per_epoch_in_B)` 返回。
    """
    # TODO: 你的预测。
    raise NotImplementedError("updates_in_the_experiment")


def running_loss_kind():
    """把损失张量加起来的累计损失是什么?

        running = 0.0
        for X, y in batches:
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss
        print(type(running), running)

    返回这三个字符串之一,一字不差:"float"(一个 Python 数字)、"tensor"(一个没有计算图的
    张量),或者 "tensor with a graph"(一个有 grad_fn 的张量)。
    """
    # TODO: 你的预测。
    raise NotImplementedError("running_loss_kind")


def step_after_late_zero_grad_moves():
    """`zero_grad()` 放在 `backward()` 和 `step()` 之间时,参数会移动吗?

        w = torch.tensor([1.0, 2.0], requires_grad=True)
        optimizer = torch.optim.SGD([w], lr=0.1)
        loss = (w ** 2).sum()
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        print(w)

    如果你预计 `w` 会改变,返回 True;如果它保持 [1.0, 2.0],返回 False。
    """
    # TODO: 你的预测。
    raise NotImplementedError("step_after_late_zero_grad_moves")


def second_backward():
    """同一个损失反向传播两次会怎样?

        w = torch.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward()
        loss.backward()

    返回你预计它会抛出的异常的类名,写成字符串(例如 "ValueError");如果你预计它运行时不会出错,
    返回 None。
    """
    # TODO: 你的预测。
    raise NotImplementedError("second_backward")
