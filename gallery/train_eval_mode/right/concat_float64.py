"""Right: it collects every prediction and target with `torch.cat` and takes the mean in float64
Right: (exactly correct / total), restoring each module's flag from a dict
Source: examiner set (issue 19): handles a generator of batches, unequal batch sizes (a last batch
Source: of 1), tied scores, a model of mixed modes, an outer `no_grad`
"""

import torch


def accuracy(model, batches):
    was = {m: m.training for m in model.modules()}
    model.eval()
    preds, targets = [], []
    with torch.no_grad():
        for X, y in batches:
            preds.append(model(X).argmax(dim=-1))
            targets.append(y.reshape(-1))
    for m, flag in was.items():
        m.training = flag
    hits = torch.cat(preds) == torch.cat(targets)
    return hits.to(torch.float64).mean().item()
