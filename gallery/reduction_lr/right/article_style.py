"""Right: the article's d2l code (load_array, nn.Sequential, `.data` init, `nn.MSELoss(reduction='sum')`
Right: with `lr / batch_size`), seeded with one generator, its reported 'sum' loss divided by n.
Source: 003, notes on 《动手学深度学习》 linear regression, done right
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    return lr_mean / batch_size


def load_array(data_arrays, batch_size, generator, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train, generator=generator)


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    generator = torch.Generator().manual_seed(seed)
    labels = labels.reshape(-1, 1)
    data_iter = load_array((features, labels), batch_size, generator)
    net = nn.Sequential(nn.Linear(features.shape[1], 1)).to(features.dtype)
    net[0].weight.data.normal_(0, 0.01, generator=generator)
    net[0].bias.data.fill_(0)
    loss = nn.MSELoss(reduction=reduction)
    if reduction == "sum":
        trainer = torch.optim.SGD(net.parameters(), lr=lr_for_sum_reduction(lr, batch_size))
    else:
        trainer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        with torch.no_grad():
            l = loss(net(features), labels)
        losses.append(l.item() / len(features) if reduction == "sum" else l.item())
    return net, losses
