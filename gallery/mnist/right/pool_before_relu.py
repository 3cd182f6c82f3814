"""Right: max-pool before the second ReLU (they commute: the outputs are bit for bit the
Right: same), functional dropout with `self.training`, `reshape` to flatten, and test under
Right: `torch.inference_mode()`.
Source: examiner set (issue 19): right_pool_before_relu.py.
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))   # = max_pool2d(relu(conv2(x)), 2)
        x = F.dropout(x, 0.25, self.training)
        x = x.reshape(x.shape[0], -1)
        x = F.dropout(F.relu(self.fc1(x)), 0.5, self.training)
        return F.log_softmax(self.fc2(x), dim=1)


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    losses, sizes = [], []
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(target.size(0))
    return sum(l * s for l, s in zip(losses, sizes)) / sum(sizes)


def test(model, device, test_loader):
    model.eval()
    total = correct = n = 0
    with torch.inference_mode():
        for data, target in test_loader:
            output = model(data.to(device))
            target = target.to(device)
            total += F.nll_loss(output, target, reduction="sum").item()
            correct += int((output.argmax(1) == target).count_nonzero())
            n += target.size(0)
    return float(total / n), float(correct / n)
