"""Pitfall: evaluating without `torch.no_grad()`: each forward records a graph no backward uses.
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼):
Source: its test() runs the model inside `with torch.no_grad():`, the line this answer leaves out.
Expect: the forward passes built a graph
"""

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    correct, total = 0, 0
    for X, y in batches:  # no torch.no_grad(): a graph per batch
        correct += (model(X).argmax(dim=1) == y).sum().item()
        total += len(y)
    for module, was_training in modes:
        module.training = was_training
    return correct / total
