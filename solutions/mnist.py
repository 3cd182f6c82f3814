"""mnist: the articles' network, an epoch of training, an honest evaluation (reference solution).

Train it end to end:  python -m dojo.train_mnist --target solutions
"""

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    """Two convolutions, a max-pool and two fully connected layers, with dropout between them;
    the output holds log-probabilities of the ten digits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)  # 1x28x28 -> 32x26x26
        self.conv2 = nn.Conv2d(32, 64, 3, 1)  # -> 64x24x24, max-pooled to 64x12x12
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)  # 9216 = 64 * 12 * 12
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)  # keep the batch dimension
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def train(model, device, train_loader, optimizer, epoch):
    """One epoch over `train_loader`; returns the mean training loss per example."""
    model.train()  # dropout on (a test() before may have switched it off)
    total_loss, seen = 0.0, 0
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)  # .to returns a new tensor
        optimizer.zero_grad()  # or the gradients of every batch so far pile up
        output = model(data)
        loss = F.nll_loss(output, target)  # the batch mean
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(data)  # weighted by the batch's size
        seen += len(data)
    return total_loss / seen


def test(model, device, test_loader):
    """(mean loss per example, fraction correct) over the whole of `test_loader`."""
    model.eval()  # dropout off: every digit counts with the whole network, every time
    test_loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():  # no graph: nothing here is backpropagated
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            correct += (output.argmax(dim=1) == target).sum().item()
            seen += len(data)
    return test_loss / seen, correct / seen
