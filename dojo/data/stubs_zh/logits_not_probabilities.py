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

    `scores` 的形状为 (N, C)。`log_probs=False`(默认)时,它们是直接来自最后一个 Linear 层的
    原始分数(logits);`log_probs=True` 时,它们已经是对数概率(`forward` 以 `log_softmax`
    结尾的网络,就像 MNIST 示例那样)。`targets` 的形状为 (N,),存放类别下标(int64)。

    结果是批量上 `-log p[target]` 的平均值,其中 p 是 logits 的 softmax(或者对数概率的
    `exp`)。它永远不为负,对任意大小的分数都精确且有限(一个错得很自信、值为 1000 的 logit
    代价约为 1000,而不是 inf),并且 `backward()` 能传到 `scores`:对 logits,
    d loss / d scores = (softmax - one_hot) / N。
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
    """
    # TODO: 平均二元交叉熵,直接从 logits 计算。
    raise NotImplementedError("binary_loss")
