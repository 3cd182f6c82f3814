"""Right: article 004's test(), done right for any batches: `model.eval()`, the forward passes
Right: under `torch.no_grad()`, `pred = output.argmax(dim=1, keepdim=True)` and
Right: `pred.eq(target.view_as(pred)).sum().item()`; the examples counted as they come
Right: (`len(target)`, there being no `test_loader.dataset` to ask), and each module's mode
Right: put back afterwards, where the article leaves the model in eval for the next train().
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼), done right
"""

import torch


def accuracy(model, batches):
    was = [(m, m.training) for m in model.modules()]
    model.eval()
    correct = 0
    seen = 0
    with torch.no_grad():
        for data, target in batches:
            output = model(data)
            pred = output.argmax(dim=1, keepdim=True)  # the index of the max score
            correct += pred.eq(target.view_as(pred)).sum().item()
            seen += len(target)
    for m, training in was:
        m.training = training
    return correct / seen
