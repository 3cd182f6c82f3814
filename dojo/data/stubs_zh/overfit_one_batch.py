"""Kata:overfit_one_batch — 正式训练之前,先检查流水线能否记住一个批量。

Karpathy 的训练秘诀:在长时间训练之前,先在一个小批量上反复训练。容量足够的模型加上正常工作的
流水线,会把这个批量上的损失压到(接近)零:它把这个批量记住了。如果做不到,就说明有东西坏了,
现在花一分钟,就省下了一整夜注定白费的训练。下面这些错误在训练时都不会报错;损失只是不肯去它该去
的地方。

你的任务就是这个检查本身。好的检查不但要说出 *有* 问题,还要说出 *是什么* 问题,而且只依据从流水线
外部能看到的东西:

- 一个需要梯度的参数不在任何一个 `optimizer.param_groups` 中:优化器是为另一个模型创建的(模型在
  它之后被重建了),或者只为这个模型的一部分创建;
- 没有梯度到达参数:前向传播在 `torch.no_grad()` 下运行,或者损失被 detach 了,于是 `backward()`
  报错 "element 0 of tensors does not require grad"(或者有人用 `loss.requires_grad_()` “修好”了
  它之后,能运行,却什么也传不到);
- 不断堆积的梯度:没有 `optimizer.zero_grad()`,`backward()` 把每一步的梯度加到上一步的梯度上,
  于是每一步都沿着到目前为止所有梯度之和走;
- 梯度到了,却什么也没移动:学习率为 0,或者从没调用 `step()`;
- 爆炸的损失(nan 或 inf);
- 到不了目标的输出:回归的目标有负数,而最后一层之后接了 ReLU,每个预测都被截在零,损失停在
  负目标那一部分上;
- 否则,损失下降了,但降得不够:需要更多步、更大的学习率、更大的模型。

这个检查抓不到的:与输入错位打乱的标签。一个小批量无论标签是什么都能被记住(这正是“记住”的
意思),所以一条健康的流水线在随机标签的批量上也能把损失降到零。错误的标签要到后面才会显现:
验证损失永远不见改善。

为什么重要:这些错误中的每一个都能一声不吭地训练好几个小时。在一个批量上,它们几秒钟就会显现,
而且每一个都有指向要修的那一行的特征。

检查:  dojo check overfit_one_batch      (或者:pytest --kata overfit_one_batch)
逐条提示:  dojo hint overfit_one_batch
"""

from typing import NamedTuple

import torch

# 各种结论,按检查寻找它们的顺序排列(见 overfit_one_batch)。
REASONS = ("not_in_optimizer", "no_gradient", "grad_accumulates", "no_update", "diverged",
           "ok", "output_range", "stalled")


class OverfitReport(NamedTuple):
    """检查发现了什么(已给出:返回它的一个实例)。"""

    ok: bool  # 恰好在 reason == "ok" 时为 True
    reason: str  # REASONS 之一
    first_loss: float  # 任何一步之前这个批量的损失
    final_loss: float  # 最后一个完整结束的步骤之后这个批量的损失
    message: str  # 一句让人能据此行动的话


def overfit_one_batch(model, optimizer, loss_fn, batch, *, train_step=None, steps=200, tol=1e-2):
    """在这一个 `batch` 上训练 `model`,报告它的损失是否降到了(接近)零,如果没有,原因是什么。
    返回一个 `OverfitReport`。

    - `batch` 是 `(X, y)`(元组或列表);`loss_fn(model(X), y)` 是这个批量的损失,一个
      一开始大于 0 的标量张量(流水线健康时它 >= 0)。loss_fn 可以使用模型自己的参数,
      比如一个惩罚项(写进损失里的权重衰减)。任何浮点 dtype(float64、bfloat16 ……)、处于 train 或 eval
      模式的模型(dropout、BatchNorm)、不连续或需要梯度的 `X`:都在范围之内。(`step()`
      需要闭包的优化器,比如 LBFGS,不在范围之内。)
    - `train_step(model, optimizer, loss_fn, batch)` 走一步训练:它就是被检查的流水线
      (忽略它的返回值)。只有 `None` 表示常规的一步:在这次调用的模型、优化器和批量上做
      `optimizer.zero_grad()`、`loss_fn(model(X), y).backward()`、`optimizer.step()`;
      其他任何可调用对象都要被调用,即使它的真值为假。
    - 检查自己在这个批量上测量损失,不构建计算图(`torch.no_grad()`),
      模型处于什么模式就用什么模式:`first_loss` 在做任何其他事之前测量,`final_loss`
      在最后一个完整结束的步骤之后测量(一步也没有完成时就是 `first_loss`)。两者都是 Python
      float,保持损失本身的精度(`.item()`:float64 的损失不会经过 float32 舍入)。
    - 对下面的每一个问题,它都只看 *可训练* 的参数,也就是需要梯度的参数;一个冻结的参数
      (`requires_grad=False`)可以不交给优化器,它身上残留的旧 `.grad` 也没有任何意义。
    - 它原地训练给它的模型和优化器:每一步都是用这些对象本身调用
      `train_step(model, optimizer, loss_fn, batch)`,按调用方的设置在 autograd 开启时运行。
      它不改变其他任何东西:返回之后,模式、dtype、梯度模式都不变;它不重置参数,也不清空
      `.grad`(第一步之前和两步之间都不清空)。两次调用之间它不保留任何东西。

    它最多运行 `steps` 步(0:一步也不运行),并在知道结论的第一步停下;在那之前一直没有结论时,
    它恰好运行 `steps` 步。原因是下面按顺序第一个成立的:

      "not_in_optimizer"  任何一步之前(steps=0 时也一样):一个可训练的参数不在任何一个
                          `optimizer.param_groups` 中(按对象身份在每个参数组中查找:数值相等、
                          或者共用同一块存储的张量并不是这个参数;同时在两个组里的参数算在里面)。
      "no_gradient"       某一步抛出 RuntimeError,并且没有可训练的参数持有非零的 `.grad`;
                          或者某一步之后,没有可训练的参数持有非零的 `.grad`(None 或全零),
                          也没有参数移动。这要根据这一步留下的东西来判断:
                          在一步结束之前就被这一步清空、也没有移动任何东西的梯度(lr 为 0,或者在
                          backward() 和 step() 之间调用了 zero_grad()),算作没有梯度。
      "grad_accumulates"  某一步之后,一个可训练参数的 `.grad` 等于这一步之前它的
                          `.grad`(第 1 步时:检查被调用时它里面的东西)加上这一步自己的梯度,
                          而不只是这一步自己的梯度(缺了 zero_grad)。
                          自己的梯度是指这一步的损失在这一步之前的参数处的梯度,
                          和这一步计算它的方式相同:用同一个 dropout 掩码(把随机状态 fork 一份,
                          或者用钩子在途中截获它),在这个模型上。在参数的 dtype 下、
                          在它的精度之内比较(float32 中相对误差约 1e-4,bfloat16 中约 2e-2);
                          之前为 None 或全零的 `.grad` 什么也显示不出来。有一个参数就够了。
      "no_update"         梯度到达了参数(有一个参数持有非零的 `.grad`),
                          但这一步没有移动任何参数:精确比较(`torch.equal`),任何参数组中的
                          任何可训练参数,变化再小也算移动。
      "diverged"          某一步之后损失不是有限数(nan、inf 或 -inf);或者最后一步之后,它严格大于
                          `first_loss`(更早的时候大于它不构成结论)。
      "ok"                某一步之后损失不超过 `tol * first_loss`:就在那里停下。
      "output_range"      最后一步之后:`y` 是形状与 `model(X)` 相同的浮点张量,有些目标是负数,
                          而模型在 `X` 上的每个输出(在最后一步之后测量)都 >= 0
                          (最后一层之后接了 ReLU)。
      "stalled"           最后一步之后,以上都不成立:损失下降了,但降得不够。

    在一个可训练参数持有非零梯度时出现的 RuntimeError,以及这一步抛出的任何其他异常,
    都不归这个检查评判:让它们原样传播出去。检查自己的计算在上面任何一种流水线上都不能出错
    (没有计算图的损失、前向传播从不使用的参数)。
    `ok` 恰好在原因为 "ok" 时是 bool 值 True;`message` 用文字说明发现了什么、该修什么。
    """
    # TODO: 测量,查看优化器,然后一步一步来:调用这一步,查看梯度和参数,再测量。
    raise NotImplementedError("overfit_one_batch")
