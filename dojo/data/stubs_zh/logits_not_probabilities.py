"""Kata:logits_not_probabilities — 分类器的损失从原始分数算起。

分类器最后一个 Linear 层为每个类别给出一个原始分数:也就是 *logits*。softmax 把它们变成概率,但
PyTorch 的损失函数会自己以数值上安全的方式完成这一步,而且每个函数都期望一种特定的输入:

- `nn.CrossEntropyLoss` / `F.cross_entropy` 接收 logits:它们先做 `log_softmax`,再求负对数似然。
  (它就是一次调用完成的 `F.nll_loss(F.log_softmax(z, dim=1), y)`。)
- `nn.NLLLoss` / `F.nll_loss` 接收 *对数概率*,就像 PyTorch MNIST 示例的网络给出的那样(它的
  `forward` 以 `log_softmax` 结尾)。对原始 logits,它只是取目标类分数的相反数:一个没有下界的
  “损失”,分数越大就越负。
- `nn.BCEWithLogitsLoss` / `F.binary_cross_entropy_with_logits` 为一个是非问题的每个样本接收一个
  logit;`nn.BCELoss` 接收 [0, 1] 之间的概率。先 sigmoid 再 `BCELoss`,一旦 logit 超过约 ±17
  (float32)就会被舍入成 0 或 1:损失被截断,梯度消失,一个错得很自信的预测就不再学习。

在 `CrossEntropyLoss` 之前做 softmax 不会报错:损失只是在被压缩过的数上计算,梯度变小,训练慢得
像在爬。(反过来,在它之前做 `log_softmax` 是无害的:对对数概率再做 log_softmax 什么也不改变。)

任何正确答案都要做到:下面每个函数的损失,对任意大小的分数都精确,没有 inf 或 nan;它的梯度能传到
分数上。怎么计算由你选择。

为什么重要:Karpathy 列出的最常见神经网络错误中有一条:把 softmax 之后的输出交给了期望原始
logits 的损失函数。什么都不会失败;模型只是学得很慢,或者根本学不会。

检查:  dojo check logits_not_probabilities   (或者:pytest --kata logits_not_probabilities)
逐条提示:  dojo hint logits_not_probabilities
"""

import torch
import torch.nn.functional as F


def classification_loss(scores, targets, *, log_probs=False):
    """N 个样本、C 个类别的一个批量的平均交叉熵,以 0 维张量返回。

    `scores` 的形状为 (N, C)。`log_probs=False`(默认)时,它们是直接来自最后一个 Linear
    层的原始分数(logits);`log_probs=True` 时,它们已经是对数概率(`forward` 以 `log_softmax`
    结尾的网络,就像 MNIST 示例那样)。`targets` 的形状为 (N,),存放 [0, C) 之内的类别下标
    (int64)。

    结果是批量上 `-log p[target]` 的平均值,其中 p 是 logits 的 softmax(或者对数概率的 `exp`)。
    它永远不为负,对任意大小的分数都精确且有限(一个错得很自信、值为 1000 的 logit 代价约为 1000,
    而不是 inf),并且 `backward()` 能传到 `scores`:对 logits,
    d loss / d scores = (softmax - one_hot) / N。

    你可能遇到的输入(N >= 1,C >= 2):
    - dtype 为 float32、float64、float16 或 bfloat16 的分数,布局任意(转置或切片得到的视图,用
      `expand` 把一行广播到整个批量),可能需要梯度,也可能不需要(在评估时计算的损失);targets
      也可能是不连续的视图。
    - 任意大小的有限分数,以及被屏蔽的类别上的 -inf(概率为 0),它永远不会是目标类别:
      损失仍然有限。
    - 对数概率是真正的对数概率:每一行都是一个 `log_softmax` 的结果。它们的梯度在它传到那个
      `log_softmax` 之前的 logits 处检查,所以 `F.nll_loss` 和 `F.cross_entropy` 都能通过(在那里
      log_softmax 不改变任何东西)。
    结果的 dtype 与分数相同(你也可以换一种 dtype 计算,再转换回来),与精确损失的差距不超过在该
    dtype 下正确计算所能达到的程度(float32 中相对误差约 1e-5,float64 中约 1e-9,float16 中约
    2e-3,再加上最大分数最后一位上的几个单位),并且 `scores` 和 `targets` 保持原样。
    两次调用之间不保留任何东西。批量多大都是如此,float16 和 bfloat16 也一样:平均值是一个 float16
    数(40000),而各样本的损失加起来超过 float16 的最大值 65504 时,损失仍然是那个平均值;几千个样本
    的批量和一个样本的批量一样精确。(`F.cross_entropy` 和 `F.nll_loss` 的 'mean' 是在分数的 dtype
    中把损失相加的:半精度类型请在 float32 中计算。)
    """
    # TODO: 原始分数的损失;`log_probs` 为 True 时则是对数概率的损失。
    raise NotImplementedError("classification_loss")


def binary_loss(logits, targets):
    """是非预测的平均二元交叉熵,以 0 维张量返回。

    `logits` 中每个预测一个原始分数(任意形状);`targets` 形状相同,存放 [0, 1] 之间的浮点数
    (通常是 0. 或 1.)。“是”的概率为 `sigmoid(logit)`,一个预测的损失是
    `-(t * log(p) + (1 - t) * log(1 - p))`;返回所有元素上的平均值。

    对任意大小的 logits 都精确且有限:目标为 0 时,值为 40 的 logit 代价约为 40,它的梯度仍然是
    (sigmoid(logit) - target) / numel,约为 1 / numel,而不是零。

    你可能遇到的输入:任意形状的 logits(0 维、(N,),同时预测多个标签时为 (N, K)),dtype 为
    float32、float64、float16 或 bfloat16,布局任意(转置的、切片的、expand 出来的),可能需要梯度,
    也可能不需要,有限且大小任意(float32 中可达 1e30);targets 的 dtype 和形状与 logits 相同,
    也可以是软标签(0.3),布局任意。结果的 dtype 与 logits 相同,与精确损失的吻合程度和
    `classification_loss` 的一样(元素多少都是如此,float16 和 bfloat16 也一样:请在更宽的 dtype
    中相加),并且 `logits` 和 `targets` 保持原样。
    """
    # TODO: 平均二元交叉熵,直接从 logits 计算。
    raise NotImplementedError("binary_loss")
