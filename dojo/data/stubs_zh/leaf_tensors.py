"""Kata:leaf_tensors — 创建 `backward()` 能够填上梯度的参数。

`backward()` 只把梯度存进 *叶子* 张量的 `.grad`:也就是你自己创建的张量,而不是对一个需要梯度的
张量做运算得到的结果。所以 `torch.randn(3, 1, requires_grad=True) * 0.01` 根本不是参数:乘法被
记录进计算图,结果是非叶子张量,它的 `.grad` 一直是 None(梯度流向了 `* 0.01` 之前那个没人持有的
张量)。类型或设备转换也一样:在 `requires_grad=True` 之后再 `.to(device)` 或 `.to(torch.float64)`,
同样是一次运算。所有塑造张量的操作放在前面;`requires_grad_()` 放在最后。

为什么重要:`.grad` 一直是 None 的参数永远不会被更新,或者更新时在 None 上崩溃。在 CPU 上用
float32 能跑的代码(这时 `.to(...)` 什么也不改变,返回同一个张量),一换到 GPU 或 float64
就出问题。

检查:  dojo check leaf_tensors      (或者:pytest --kata leaf_tensors)
逐条提示:  dojo hint leaf_tensors
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    """线性模型 `X @ w + b` 的参数,准备好用于训练。

    返回 `(w, b)`:
    - `w` 的形状为 (n_features, 1),从均值为 0、标准差为 `std` 的正态分布中抽取(`std` 是一个
      >= 0 的数;`std=0` 给出全零)。给了 `generator`(一个 CPU 上的 `torch.Generator`)时,
      随机数从它抽取:两个种子相同的生成器给出相同的 `w`,而用同一个生成器再调用一次,
      会抽取接下来的随机数,于是得到另一个 `w`。没有给时,随机数来自 torch 的全局生成器(所以
      `torch.manual_seed` 能让它们重现)。用哪种方式抽取正态分布(`torch.randn(...) * std`、
      `torch.normal`、先用 float64 抽取再转换 ……)由你决定。
    - `b` 的形状为 (1,),全为零;
    - 两者都是 `dtype` 类型(float32、float64、float16 或 bfloat16;没有指定时为 float32,不管
      `torch.get_default_dtype()` 是什么),位于 `device` 上(一个字符串或一个 `torch.device`),
      并且都是 *需要梯度的叶子张量*:一次 `backward()` 之后,它们的 `.grad` 中就是梯度
      (`nn.Parameter` 也是这样的张量),调用方在 `torch.no_grad()` 里面时也是如此;
    - 每次调用都创建新的张量:并排创建的两个模型不共享任何东西。
    torch 的全局状态保持原样:它的默认 dtype、它的梯度模式,以及给了 `generator`
    时它的全局生成器。
    (`device="meta"` 创建只有形状、没有数据的张量:没有 GPU 也能试试不同设备。)
    """
    # TODO: 先抽取、缩放并转换 w;最后才让它需要梯度。然后是 b。
    raise NotImplementedError("init_params")
