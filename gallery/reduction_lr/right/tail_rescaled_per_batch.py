"""Right: in a 'sum' run the lr of every batch is set to lr / len(X), so the short last batch takes the
Right: full 'mean' step (the stub allows it); randperm splits; the report computed by hand.
Source: the maintainer's own set (issue 19)
"""

import torch
from torch import nn


def lr_for_sum_reduction(lr_mean, batch_size):
    return float(lr_mean) / int(batch_size)


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    g = torch.Generator().manual_seed(seed)
    n = features.shape[0]
    y_all = labels.reshape(n, 1)
    net = nn.Linear(features.shape[1], 1, dtype=features.dtype)
    nn.init.normal_(net.weight, std=0.01, generator=g)
    nn.init.zeros_(net.bias)
    criterion = nn.MSELoss(reduction=reduction)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for _ in range(num_epochs):
        order = torch.randperm(n, generator=g)
        for idx in order.split(batch_size):
            for group in trainer.param_groups:  # 'sum': the lr of this batch's own size
                group["lr"] = lr_for_sum_reduction(lr, len(idx)) if reduction == "sum" else lr
            trainer.zero_grad(set_to_none=True)
            criterion(net(features[idx]), y_all[idx]).backward()
            trainer.step()
        with torch.no_grad():
            residual = net(features) - y_all
            losses.append(float((residual * residual).mean()))
    return net, losses
