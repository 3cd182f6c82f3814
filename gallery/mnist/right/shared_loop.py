"""Right: train and test share one loop helper with per-batch closures; free layer
Right: names, `nn.Flatten`, and `torch.set_grad_enabled(False)` as a `with` block.
Source: examiner set (issue 19): right_shared_loop.py.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, (3, 3))
        self.c2 = nn.Conv2d(32, 64, (3, 3), stride=(1, 1))
        self.drop_conv = nn.Dropout(0.25)
        self.h = nn.Linear(64 * 12 * 12, 128)
        self.drop_fc = nn.Dropout(0.5)
        self.out = nn.Linear(128, 10)
        self.flat = nn.Flatten(start_dim=1)

    def forward(self, x):
        x = self.c2(self.c1(x).relu()).relu()
        x = self.flat(self.drop_conv(F.max_pool2d(x, kernel_size=2)))
        x = self.drop_fc(self.h(x).relu())
        return self.out(x).log_softmax(dim=-1)


def _each_batch(loader, device, on_batch):
    n = 0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        on_batch(data, target)
        n += target.shape[0]
    return n


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    total = [0.0]

    def step(data, target):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total[0] += loss.item() * target.shape[0]

    n = _each_batch(train_loader, device, step)
    return total[0] / n


def test(model, device, test_loader):
    model.eval()
    sums = {"loss": 0.0, "correct": 0}

    def measure(data, target):
        output = model(data)
        sums["loss"] += F.nll_loss(output, target, reduction="sum").item()
        sums["correct"] += output.argmax(dim=1).eq(target).sum().item()

    with torch.set_grad_enabled(False):
        n = _each_batch(test_loader, device, measure)
    return sums["loss"] / n, sums["correct"] / n
