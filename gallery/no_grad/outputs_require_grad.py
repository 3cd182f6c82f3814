"""Pitfall: evaluation outputs that require grad (eval mode, but no `torch.no_grad()`).
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): test() runs the model under `with torch.no_grad():`.
Expect: the outputs require grad
"""

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def evaluate(model, X):
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        return model(X)  # model.eval() does not switch autograd off
    finally:
        for module, was_training in modes:
            module.training = was_training
