"""Right: it remembers and restores the modes through `model.apply` closures and evaluates under
Right: `torch.inference_mode()` (stricter than `no_grad`; nothing leaves the function but a Python
Right: float), counting with `count_nonzero` and `y.shape[0]`
Source: examiner set (issue 19): handles a model of mixed modes nested deeply, batches whose X
Source: requires grad (no graph: inference mode), a generator of batches, a last batch of 1
"""

import torch


def accuracy(model, batches):
    saved = []
    model.apply(lambda m: saved.append((m, m.training)))
    model.apply(lambda m: m.train(False))
    correct = total = 0
    with torch.inference_mode():
        for X, y in batches:
            correct += int(torch.eq(model(X).argmax(dim=1), y).count_nonzero())
            total += y.shape[0]
    for m, flag in saved:
        m.training = flag
    return float(correct / total)
