"""train_eval_mode: evaluate in eval mode, without a graph, and give the model back as it was
(reference solution)."""

import torch


def accuracy(model, batches):
    """The fraction of examples whose highest-scoring class is the target, over all batches."""
    # Every submodule has its own mode (a frozen BatchNorm may sit in eval inside a model in
    # train): remember each one, not just the model's.
    modes = [(module, module.training) for module in model.modules()]
    model.eval()  # dropout off, BatchNorm uses (and keeps) its running statistics
    correct, total = 0, 0
    try:
        with torch.no_grad():  # no graph: nothing here will be backpropagated
            for X, y in batches:
                predicted = model(X).argmax(dim=1)
                correct += (predicted == y).sum().item()
                total += len(y)
    finally:
        for module, was_training in modes:
            module.training = was_training  # this module only, not its children
    return correct / total
