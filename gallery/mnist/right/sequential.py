"""Right: one `nn.Sequential` of module layers (no attribute names of the articles);
Right: train backpropagates the summed loss divided by the batch size (the same gradient as the
Right: mean); test accumulates float64 tensors and converts them once at the end.
Source: examiner set (issue 19): right_sequential.py.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1), nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(p=0.25), nn.Flatten(),
            nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(p=0.5),
            nn.Linear(128, 10), nn.LogSoftmax(dim=1),
        )

    def forward(self, x):
        return self.layers(x)


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    summed, seen = 0.0, 0
    for data, target in train_loader:
        data = data.to(device)
        target = target.to(device)
        optimizer.zero_grad()
        batch_sum = F.nll_loss(model(data), target, reduction="sum")
        (batch_sum / target.shape[0]).backward()
        optimizer.step()
        summed += batch_sum.item()
        seen += target.shape[0]
    return summed / seen


def test(model, device, test_loader):
    model.eval()
    loss = torch.zeros((), dtype=torch.float64)
    correct = torch.zeros((), dtype=torch.int64)
    seen = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            loss += F.nll_loss(output, target, reduction="sum").double().cpu()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().cpu()
            seen += target.numel()
    return loss.item() / seen, correct.item() / seen
