"""Kata:worker_seeds — DataLoader worker 中的随机数据增强:每个 worker 不同,每一轮更新,同一个
种子则再次相同。

一个做数据增强的 Dataset 在 `__getitem__` 中抽取随机数。用 `DataLoader(...,
num_workers=2)` 时,两个 worker 进程轮流加载批量。在 Linux 上它们由 fork 启动:每个 worker 一开始
都是主进程的副本,数据集对象也在其中。数据集在 `__init__` 中创建过一次的随机数生成器
(`np.random.default_rng(...)`、`torch.Generator()`、`random.Random(...)`)会连同状态一起被复制。
于是每个 worker 抽到的都是完全相同的“随机”数:worker 1 的批量得到的正是 worker 0 的那些数据增强。
什么都不会失败;数据只是远没有看起来那么多样。(Tanel Pärnamaa 分析了超过 100,000 个 PyTorch
仓库:在那些把 NumPy 的随机数和 worker 混用的仓库中,超过 95% 有这个错误。)

PyTorch 确实给每个 worker 一个它自己的种子:`base_seed + worker_id`,其中 `base_seed` 每一轮都
从 DataLoader 的 `generator`(或者 torch 的全局生成器)中重新抽取。在 worker 中,
`torch.initial_seed()` 返回它(`get_worker_info().seed` 也一样)。PyTorch 用它为自己的全局
生成器、Python 的 `random` 和 NumPy 的全局状态设定种子;你的数据集持有的生成器 *对象*,它无从
知晓。那个生成器要你自己在 worker 中用 worker 的种子来设定:在一个 `worker_init_fn` 中,或者
延迟到每个进程第一次抽取时。

只从这个种子出发,别无他处:
- 只用 `worker_id`,各个 worker 不同,但每一轮都重复同样的数据增强(DataLoader 的生成器也不起
  作用);
- 用时钟或操作系统(不给种子就创建的生成器),各个 worker 不同,但没有任何种子能复现一轮;
- `np.random.seed(s)` 和 `np.random.RandomState(s)` 要求 `s < 2**32`,而 worker 的种子是一个
  64 位的数:"Seed must be between 0 and 2**32 - 1"。`np.random.default_rng(s)` 什么数都接受。

为什么重要:数据增强就是为了让模型看到更多样的数据;被复制的生成器悄悄地把多样性除以 worker 的
个数,而一轮没人能复现的训练也就无法调试。

检查:  dojo check worker_seeds      (或者:pytest --kata worker_seeds)
逐条提示:  dojo hint worker_seeds
"""

import torch
from torch.utils.data import Dataset


class JitterDataset(Dataset):
    """`JitterDataset(data, noise=0.1)`:`data` 是一个含 N 个样本的浮点张量。第 `i` 项是
    `data[i] + noise * e`,其中 `e` 是形状和 dtype 与 `data[i]` 相同的标准正态噪声,每次访问都
    重新抽取。`len(ds)` 是 N。

    用哪个生成器抽取 `e` 由你选择(`torch.Generator`、`np.random.default_rng`、
    `random.Random`,或者 torch 的全局生成器)。无论是哪个,在每个进程中它都从该进程的 torch
    种子 `torch.initial_seed()` 开始:
    - 在 DataLoader 的 worker 中,是 worker 自己的种子:每个 worker 不同,每一轮更新,DataLoader
      的 `generator` 设定同样的种子时再次相同;
    - 在主进程中,是 `torch.manual_seed` 的种子:在 `torch.manual_seed(s)` 之后创建的两个
      JitterDataset 抽到同样的噪声。
    即使数据集在 DataLoader 的 worker 启动之前已经在主进程中用过(比如 `ds[0]`,看一眼),这些
    也必须成立。而且数据集必须能被 pickle:在 macOS 和 Windows 上 worker 由 spawn 启动,
    spawn 会 pickle 它。
    """

    def __init__(self, data, noise=0.1):
        # TODO: 保存数据和噪声的尺度,以及你的生成器需要的东西。
        raise NotImplementedError("JitterDataset.__init__")

    def __len__(self):
        # TODO: 样本个数。
        raise NotImplementedError("JitterDataset.__len__")

    def __getitem__(self, index):
        # TODO: data[index] 加上 noise 乘以新抽取的、形状和 dtype 与它相同的标准正态噪声。
        raise NotImplementedError("JitterDataset.__getitem__")


def seed_worker(worker_id):
    """用于 `DataLoader(..., worker_init_fn=seed_worker)` 的 `worker_init_fn`:它在每个 worker
    中运行一次,在 worker 加载任何东西之前。

    让 worker 中的数据集副本(`torch.utils.data.get_worker_info().dataset`)从一个用这个 worker
    的种子(`get_worker_info().seed`,在这里也就是 `torch.initial_seed()`)设定的生成器中抽取。
    如果你的 JitterDataset 已经在每个进程中自己设定种子,这里就没什么要做的了,但这个函数仍然必须
    存在并且能运行。让它保持为模块顶层的函数:spawn 会 pickle 它,而 lambda 或嵌套函数无法被
    pickle。
    """
    # TODO: 用 worker 的种子为 worker 中的数据集副本重新设定种子(如果数据集自己会做,就什么也
    # 不用做)。
    raise NotImplementedError("seed_worker")
