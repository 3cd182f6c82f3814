"""Right: in the style of the articles' train() and test(): `nn.Dropout2d` layers, a hand-drawn
Right: progress bar of 50 characters that reads `len(train_loader)` and `len(train_loader.dataset)`,
Right: `pred.eq(target.view_as(pred))`, and the summed test loss divided by
Right: `len(test_loader.dataset)`; the ReLU that the article's forward leaves out after conv2 is
Right: back, train returns its mean loss per example and test its figures (issue 20).
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼): its Net, train() and test(),
Source: done right.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        # in_channels, out_channels, kernel_size, stride
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)  # the article goes straight to the pool here
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer, epoch):
    model.train()
    done = 0  # digits trained on so far
    loss_sum = 0.0
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()  # clear the gradients of the batch before
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        done += len(data)
        loss_sum += loss.item() * len(data)
        bar = math.ceil((batch_idx + 1) / len(train_loader) * 50)
        print("\rTrain epoch %d: %d/%d, [%-51s] %d%%" % (
            epoch, done, len(train_loader.dataset), "-" * bar + ">", bar * 2), end="")
    print()
    return loss_sum / len(train_loader.dataset)


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    accuracy = correct / len(test_loader.dataset)
    print("\nTest: average loss: {:.4f}, accuracy: {}/{} ({:.0f}%)".format(
        test_loss, correct, len(test_loader.dataset), 100. * accuracy))
    return test_loss, accuracy
