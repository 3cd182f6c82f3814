"""Right: `lr_mean * (1.0 / batch_size)`, an ulp away from `lr_mean / batch_size` for some sizes;
Right: `nn.init` with a generator; randperm slices instead of a DataLoader;
Right: `zero_grad(set_to_none=False)`.
Source: examiner set (issue 19)
"""

import torch
from torch import nn
from torch.utils import data  # noqa: F401  (kept as in the stub)


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean * (1.0 / batch_size)


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    gen = torch.Generator()
    gen.manual_seed(seed)
    n, d = features.shape
    labels = labels.view(n, 1)
    net = nn.Linear(d, 1, dtype=features.dtype)
    nn.init.normal_(net.weight, mean=0.0, std=0.01, generator=gen)
    nn.init.zeros_(net.bias)
    criterion = nn.MSELoss(reduction=reduction)
    rate = lr_for_sum_reduction(lr, batch_size) if reduction == "sum" else lr
    opt = torch.optim.SGD(net.parameters(), lr=rate)
    losses = []
    for _ in range(num_epochs):
        perm = torch.randperm(n, generator=gen)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad(set_to_none=False)
            criterion(net(features[idx]), labels[idx]).backward()
            opt.step()
        with torch.no_grad():
            losses.append(float(nn.functional.mse_loss(net(features), labels)))
    return net, losses
