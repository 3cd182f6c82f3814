"""Right: the hits of every batch concatenated and averaged in float32 (`.float().mean()`): a few
Right: units of float32's rounding off `correct / total`, well within the contract's 1e-6; the
Right: batches first made a list (walked once), eval mode set with `model.apply`, the modes put
Right: back by name.
Source: the maintainer's own right answers (issue 19): a generator of batches, a last batch of
Source: one, nested models in mixed modes, float64 models, a model of two inputs.
"""

import torch


def accuracy(model, batches):
    batches = list(batches)
    modes = {name: m.training for name, m in model.named_modules()}
    model.apply(lambda m: setattr(m, "training", False))
    try:
        with torch.no_grad():
            hits = torch.cat([model(X).argmax(dim=1) == y for X, y in batches])
    finally:
        for name, m in model.named_modules():
            m.training = modes[name]
    return hits.float().mean().item()
