"""Right: the net is an nn.Sequential initialised by `net.apply` with a closure over the generator, a
Right: DataLoader is built every epoch from that one generator, and the reported loss is computed in
Right: float64 from float32 predictions (it differs from a float32 nn.MSELoss in the 7th digit).
Source: examiner set (issue 19)
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return float(lr_mean / batch_size)


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    g = torch.Generator().manual_seed(seed)

    def init(m):
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0, 0.01, generator=g)
            m.bias.data.fill_(0)

    y_all = labels.reshape(-1, 1)
    net = nn.Sequential(nn.Linear(features.shape[1], 1)).to(features.dtype)
    net.apply(init)
    loss = nn.MSELoss(reduction=reduction)
    if reduction == "sum":
        lr = lr_for_sum_reduction(lr, batch_size)
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    ds = data.TensorDataset(features, y_all)
    losses = []
    for _ in range(num_epochs):
        for X, y in data.DataLoader(ds, batch_size=batch_size, shuffle=True, generator=g):
            trainer.zero_grad()
            loss(net(X), y).backward()
            trainer.step()
        with torch.no_grad():
            err = net(features).double() - y_all.double()
            losses.append(err.pow(2).mean().item())
    return net, losses
