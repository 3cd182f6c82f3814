"""Kata:worker_seeds — DataLoader worker 中的随机数据增强:每个 worker 不同,每一轮更新,同一个
种子则再次相同。

一个做数据增强的 Dataset 在 `__getitem__` 中抽取随机数。用 `DataLoader(...,
num_workers=2)` 时,两个 worker 进程轮流加载批量。在 Linux 上它们由 fork 启动:每个 worker 一开始
都是主进程的副本,数据集对象也在其中。数据集在 `__init__` 中创建过一次的随机数生成器
(`np.random.default_rng(...)`、`torch.Generator()`、`random.Random(...)`)会连同状态一起被复制。
于是每个 worker 抽到的都是完全相同的“随机”数:worker 1 的批量得到的正是 worker 0 的那些数据增强。
什么都不会失败;数据只是远没有看起来那么多样。(Tanel Pärnamaa 分析了超过 100,000 个 PyTorch
仓库:在那些把 NumPy 的随机数和 worker 混用的仓库中,超过 95% 有这个错误。)

PyTorch 确实给每个 worker 一个它自己的种子:`base_seed + worker_id`,其中 `base_seed` 每一轮都从
DataLoader 的 `generator`(或者 torch 的全局生成器)中重新抽取。在 worker 中,
`torch.initial_seed()` 返回它(`get_worker_info().seed` 也一样)。
PyTorch 用它为自己的全局生成器、Python 的 `random` 和 NumPy 的全局状态设定种子;
你的数据集持有的生成器 *对象*,它无从知晓。那个生成器要你自己在 worker 中用 worker 的种子来设定:
延迟到每个进程第一次抽取时,或者在一个 `worker_init_fn` 中。(`worker_init_fn` 看到的是交给
DataLoader 的那个数据集:经过 `random_split` 之后,它是包在你的数据集外面的一个 `Subset`,
在它上面设定的生成器什么也影响不到。)

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
    """`JitterDataset(data, noise=0.1)`:`data` 是一个含 N 个样本的浮点张量(float32、float64、
    float16 或 bfloat16,在 CPU 上,布局任意:转置的或 channels-last 的 `data` 的各项不连续;
    它不需要梯度)。第 `i` 项是 `data[i] + noise * e`,其中 `e` 是形状与 `data[i]`
    相同的标准正态噪声(`data` 是一维时各项是 0 维的),每个元素一个数,每次访问都重新抽取。
    这一项是一个形状和 dtype 都与 `data[i]` 相同的张量;`data` 本身永远不会被改变。`noise`
    是一个 >= 0 的数;`noise=0` 时,一项恰好等于 `data[i]`。`len(ds)` 是 N。
    (测试根据大约一千次抽取的均值、离散程度和形状来判断 `e`,按这一项的精度。)

    用哪个生成器抽取 `e` 由你选择(`torch.Generator`、`np.random.default_rng`、`random.Random`,
    或者 torch 的全局生成器:不带生成器的 `torch.randn`)。
    无论是哪个,噪声都跟随抽取它的那个进程的 torch 种子:
    - 在主进程中,是 `torch.manual_seed` 的种子:在 `torch.manual_seed(s)` 之后,同样的步骤(从
      torch 做同样的抽取、创建同样的数据集、读取同样的项)给出同样的噪声,换一个 `s`
      就给出别的噪声。Python 的 `random` 和 NumPy 的全局状态不算数:`torch.manual_seed`
      不为它们设定种子。并排读取的两个数据集可以共用一个随机数流(torch 的全局生成器),
      也可以各有一个。
    - 在 DataLoader 的 worker 中,是 worker 自己的种子(在那里是 `torch.initial_seed()`,或者
      `get_worker_info().seed`):每个 worker 不同,每一轮更新,DataLoader 的 `generator`
      设定同样的种子时再次相同。
    即使数据集在 DataLoader 的 worker 启动之前已经在主进程中用过(比如 `ds[0]`,看一眼),以及
    DataLoader 拿到的是包装过的数据集时,这些也必须成立:`random_split` 和 `Subset`
    会为它创建一个 `Subset`,`ConcatDataset` 会把几个数据集连在一起;这时在 worker 中,
    `get_worker_info().dataset` 是那个包装,而不是你的 JitterDataset。
    一个能自己察觉到它在新进程中抽取(`os.getpid()` 与创建它的生成器时的不同)、并在那里用
    `torch.initial_seed()` 为自己设定种子的数据集,在哪里都能用。
    创建 JitterDataset 时,torch 的全局生成器保持原样:永远不要自己为它设定种子
    (`torch.manual_seed`,或者设定一个新的随机种子的 `torch.seed()`;`torch.initial_seed()`
    只是读取它):它的种子属于调用方。而且数据集必须能被 pickle:在 macOS 和 Windows 上 worker 由
    spawn 启动,spawn 会 pickle 它。
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
    中运行一次,在 worker 加载任何东西之前,而且只在那里运行(从不在主进程中运行)。

    如果你的 JitterDataset 在每个进程中自己设定种子,这里就没什么要做的了:写 `pass`,
    但要保留这个函数:它必须存在,必须是一个函数,并且能运行。
    否则,让 worker 中你的数据集副本从一个用这个 worker 的种子(`get_worker_info().seed`,
    在这里也就是 `torch.initial_seed()`)设定的生成器中抽取,并且即使 `get_worker_info().dataset`
    是包在它外面的包装(`Subset`、`ConcatDataset`),也要找到这个副本。让它保持为模块顶层的函数:
    spawn 会 pickle 它,而 lambda 或嵌套函数无法被 pickle。
    """
    # TODO: 如果数据集在每个进程中自己设定种子,就什么也不用做;否则用 worker 的种子
    # 为 worker 中的数据集副本重新设定种子。
    raise NotImplementedError("seed_worker")
