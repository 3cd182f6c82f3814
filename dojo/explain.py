"""PyTorch's own errors, and the learner's, explained in words.

When a kata raises instead of failing an assertion, the test report shows the error, the line of
the learner's file it came from, and the explanation below that matches its message.
"""

from __future__ import annotations

import re

from dojo.i18n import t

# (pattern in the error text, English, 中文). First match wins.
KNOWN = [
    (
        r"a view of a leaf Variable that requires grad is being used in an in-place operation",
        "An in-place operation on a view of an input that requires grad (after a `transpose`, "
        "`permute` or slice of it): autograd cannot record a change to a leaf's memory. Build "
        "a new tensor instead of writing into the input (`x.transpose(...)` is free, "
        "`x.transpose_(...)` writes), or clone first.",
        "对需要梯度的输入的视图(`transpose`、`permute` 或切片之后)做了原地操作:autograd 无法"
        "记录对叶子张量内存的修改。请生成新张量,而不是写进输入(`x.transpose(...)` 不花代价,"
        "`x.transpose_(...)` 会写入),或者先 clone。",
    ),
    (
        r"a leaf Variable that requires grad is being used in an in-place operation",
        "In-place update of a leaf outside `torch.no_grad()`: autograd refuses to change a tensor "
        "it must differentiate with respect to, since the step itself would be recorded in the "
        "graph. Wrap the update in `with torch.no_grad():`.",
        "在 `torch.no_grad()` 之外对叶子张量做原地更新:autograd 拒绝修改它要对其求导的张量,否则更新"
        "这一步本身也会被记进计算图。把更新放进 `with torch.no_grad():`。",
    ),
    (
        r"Trying to backward through the graph a second time",
        "Backward through a freed graph: after `backward()` PyTorch frees the intermediate "
        "results the graph saved. A loss that is kept (or added to) across steps and "
        "backpropagated again reaches a freed graph. Call `backward()` once per graph, keep "
        "`loss.item()` for the history, or pass `retain_graph=True` to the first of two "
        "deliberate backward calls.",
        "对已释放的计算图再次反向传播:`backward()` 之后 PyTorch 会释放计算图保存的中间结果。跨步保留"
        "(或累加)的 loss 再次 backward 时就会碰到已释放的图。每个图只 backward 一次,历史记录用 "
        "`loss.item()`;确需两次反向传播时,第一次传 `retain_graph=True`。",
    ),
    (
        r"grad can be implicitly created only for scalar outputs",
        "`backward()` on a non-scalar: PyTorch can only start backpropagation from a single "
        "number. Reduce it (`y.sum().backward()`) or pass `gradient=torch.ones_like(y)`.",
        "对非标量调用了 `backward()`:反向传播只能从一个数出发。先求和(`y.sum().backward()`),"
        "或传入 `gradient=torch.ones_like(y)`。",
    ),
    (
        r"does not require grad and does not have a grad_fn",
        "`backward()` on a tensor with no graph: it was computed under `torch.no_grad()`, "
        "detached, or from tensors that do not require grad (a parameter made with `* 0.01` after "
        "`requires_grad=True` is no leaf, and a result of `.detach()` has no history).",
        "对没有计算图的张量调用了 `backward()`:它是在 `torch.no_grad()` 下算的、被 detach 了,或者"
        "来自不需要梯度的张量。",
    ),
    (
        r"'NoneType' object has no attribute",
        "Something was None where a tensor was expected, most often `param.grad`: it stays None "
        "until a `backward()` reaches the parameter (and `zero_grad()` sets it back to None). "
        "Check `if p.grad is not None` before using it, and make sure the parameter is a leaf "
        "that requires grad.",
        "某个值是 None 而不是张量,最常见的是 `param.grad`:在 `backward()` 到达该参数之前它一直是 "
        "None(`zero_grad()` 也会把它设回 None)。用之前先判断 `if p.grad is not None`,并确认参数"
        "是需要梯度的叶子张量。",
    ),
    (
        r"unsupported operand type\(s\) for .*NoneType",
        "An arithmetic operation met None, most often `param.grad` before any `backward()` or "
        "after `zero_grad()` set it to None.",
        "算术运算遇到了 None,最常见的是还没 `backward()` 或被 `zero_grad()` 设为 None 的 "
        "`param.grad`。",
    ),
    (
        r"one of the variables needed for gradient computation has been modified by an inplace",
        "A tensor the graph saved for backward was changed in place before `backward()`. Update "
        "parameters only after `backward()` (or compute from a copy).",
        "计算图为反向传播保存的张量在 `backward()` 之前被原地修改了。参数的更新要放在 "
        "`backward()` 之后。",
    ),
    (
        r"Expected all tensors to be on the same device|expected .* device|device type",
        "Tensors on different devices: the model's parameters and the batch must sit on the same "
        "device. Move both with `.to(device)`.",
        "张量在不同的设备上:模型参数和数据必须在同一设备。用 `.to(device)` 把两者都移过去。",
    ),
    (
        r"Can't call numpy\(\) on Tensor that requires grad",
        "`.numpy()` on a tensor in a graph: use `.detach()` first, or `.item()` for one number.",
        "对计算图中的张量调用了 `.numpy()`:先 `.detach()`,单个数用 `.item()`。",
    ),
    (
        r"shapes cannot be multiplied|size of tensor a .* must match|must match the size",
        "Shapes that do not fit: print the shapes of both sides. A `(n,)` label against an "
        "`(n, 1)` prediction is the classic case; `reshape` one of them.",
        "形状对不上:打印两边的形状。`(n,)` 的标签对 `(n, 1)` 的预测是典型情况,`reshape` 其中之一。",
    ),
    (
        r"Expected more than 1 value per channel when training",
        "BatchNorm in train mode on a batch of one: it cannot compute a batch's statistics from "
        "a single value. Evaluate in `model.eval()` mode (running statistics), or use batches "
        "of two or more when training.",
        "训练模式下的 BatchNorm 遇到只有一个样本的批量:无法用一个值计算批量统计量。评估时用 "
        "`model.eval()`(使用滑动统计量),训练时批量至少两个样本。",
    ),
    # issue 14 (view_vs_permute, logits_not_probabilities)
    (
        r"view size is not compatible with input tensor's size and stride",
        "`.view()` on a tensor that is not contiguous (after a `permute`, a transpose or a "
        "slice): view only reinterprets the memory as it is, and these numbers are no longer "
        "laid out in order. Use `.reshape(...)` (it copies when it must) or "
        "`.contiguous().view(...)`. And a reshape is not a permute: it never moves an element.",
        "对不连续的张量(`permute`、转置或切片之后)调用了 `.view()`:view 只是按原样重新解读内存,"
        "而这些数在内存里已经不按顺序排列。请用 `.reshape(...)`(需要时它会复制)或 "
        "`.contiguous().view(...)`。另外,reshape 不等于 permute:它从不移动任何元素。",
    ),
    (
        r"all elements of input should be between 0 and 1",
        "`BCELoss` (`F.binary_cross_entropy`) takes probabilities in [0, 1], and was given raw "
        "scores. Give the logits to `BCEWithLogitsLoss` (`F.binary_cross_entropy_with_logits`), "
        "which applies the sigmoid itself and stays exact for any logit.",
        "`BCELoss`(`F.binary_cross_entropy`)要的是 [0, 1] 之间的概率,却收到了原始分数。请把 logits "
        "交给 `BCEWithLogitsLoss`(`F.binary_cross_entropy_with_logits`),它自己做 sigmoid,对任何 "
        "logit 都算得准确。",
    ),
    (
        r"in DataLoader worker process|DataLoader worker \(pid",
        "An error in a DataLoader worker process: the worker runs the Dataset's `__getitem__` "
        "(and the `worker_init_fn`) in a process of its own; it raised there (the message "
        "carries the worker's traceback) or the process died. Run the same loader with "
        "`num_workers=0` to get the error in the main process, where print() and a debugger "
        "work.",
        "DataLoader 的 worker 进程出错:worker 在自己的进程里运行 Dataset 的 `__getitem__`"
        "(以及 `worker_init_fn`),错误发生在那里(消息里带着 worker 的调用栈),或者进程死掉了。"
        "把同一个 loader 设为 `num_workers=0` 再运行,错误就会出现在主进程里,print() 和调试器都能用。",
    ),
    (
        r"^SystemExit\b",
        "`exit()` or `sys.exit()` ends the whole program: a kata function must return its "
        "result (or raise an exception that says what is wrong), never exit.",
        "`exit()` 或 `sys.exit()` 会结束整个程序:kata 函数应当返回结果(或抛出说明问题的异常),"
        "而不是退出。",
    ),
    (
        r"reading from stdin while output is captured",
        "`input()` (or another read of stdin) in a kata function: the tests call your function "
        "with its arguments and cannot type for it. Take the data from the parameters and "
        "remove the `input()`.",
        "kata 函数里调用了 `input()`(或其他读取标准输入的操作):测试只会带着参数调用你的函数,"
        "没法替你输入。请从参数获取数据,并删掉 `input()`。",
    ),
    (
        r"Got unsupported ScalarType BFloat16",
        "NumPy has no bfloat16: `.numpy()` on a bfloat16 tensor fails. Stay in torch (its "
        "operations take every dtype), or convert with `.float()` first and back after.",
        "NumPy 没有 bfloat16:对 bfloat16 张量调用 `.numpy()` 会失败。请留在 torch 里计算(它的运算"
        "支持所有 dtype),或者先 `.float()` 转换、算完再转回来。",
    ),
    (
        r"result type Float can't be cast to the desired output type (Long|Int|Short|Char|Byte)",
        "An in-place operation on an integer tensor cannot take a float: `v -= 0.5` on an int64 "
        "tensor would need a float result in integer memory. Keep the amount an int for integer "
        "tensors, or build a new float tensor (`v.float() - 0.5`) where the contract allows it.",
        "整数张量的原地运算不能接收浮点数:对 int64 张量做 `v -= 0.5` 需要把浮点结果写进整数内存。"
        "对整数张量请让减去的量保持为整数,或者在约定允许时生成新的浮点张量(`v.float() - 0.5`)。",
    ),
    (
        r"maximum recursion depth",
        "Infinite recursion: a function calls itself without end.",
        "无限递归:某个函数不停地调用自己。",
    ),
]


def describe(err: BaseException) -> str:
    """An exception as a person would say it: `ValueError: bad shape`, and for one without a
    message `ValueError (with no message)`, `SystemExit (exit() with no message)`."""
    kind = type(err).__name__
    if isinstance(err, SystemExit):
        code = err.code
        if code is None or code == "":
            return t("SystemExit (exit() or sys.exit() with no message)",
                     "SystemExit(调用了 exit() 或 sys.exit(),没有附带信息)")
        return f"SystemExit: {code}"
    text = str(err)
    if not text.strip():
        return t(f"{kind} (with no message)", f"{kind}(没有附带信息)")
    return f"{kind}: {text}"


def explain(error_text: str) -> str | None:
    """The explanation for an error message, in the current language, or None."""
    for pattern, en, zh in KNOWN:
        if re.search(pattern, error_text):
            return t(en, zh)
    return None
