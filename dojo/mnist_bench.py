"""What the GPU does with the articles' MNIST network: the measurements behind
tests/benchmarks/test_mnist_gpu.py and scripts/gpu_report.py.

- `dataloader_epoch` and `resident_epoch`: one epoch of the articles' training (the project's
  copy of the network, `dojo.mnist_net.Net`; SGD lr 0.025, momentum 0.9, batches of 64), fed
  once by torchvision's DataLoader (a PIL image and two transforms per digit, on the CPU) and
  once from the whole training set held on the GPU as one normalized tensor, batched by
  shuffled indices (`dojo.mnist_data.DeviceLoader`). Same digits, same values, same steps.
- `time_to_accuracy`: how long the GPU-resident path takes to reach 99% test accuracy with the
  same network and a faster schedule (bigger batches, Adam with a one-cycle learning rate,
  bfloat16 autocast, channels-last), the test set evaluated after every epoch.

The network is the project's copy, not the learner's kata, so these run whatever the learner has
solved. They need CUDA and the full MNIST, from the folder their caller names (`full_mnist(root)`;
else `dojo.mnist_data`'s defaults: DOJO_MNIST_ROOT, data/ of the project).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F

from dojo import mnist_data
from dojo.mnist_net import Net

RECIPE = {"lr": 0.025, "momentum": 0.9, "batch_size": 64}


def sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def full_mnist(root=None):
    """(train set, test set) of torchvision's MNIST (raises MnistNotFound with where to put it)."""
    return mnist_data.datasets(root)


def train_steps(model, batches, optimizer, device, *, limit=None, non_blocking=False):
    """The articles' step for each batch (at most `limit` batches); no host sync per step."""
    model.train()
    for i, (data, target) in enumerate(batches):
        if limit is not None and i >= limit:
            break
        data = data.to(device, non_blocking=non_blocking)
        target = target.to(device, non_blocking=non_blocking)
        optimizer.zero_grad()
        F.nll_loss(model(data), target).backward()
        optimizer.step()


def _recipe(device, seed=0):
    torch.manual_seed(seed)
    model = Net().to(device)
    return model, torch.optim.SGD(model.parameters(), lr=RECIPE["lr"], momentum=RECIPE["momentum"])


def dataloader(train_set, *, num_workers=0, pin_memory=False, seed=0):
    from torch.utils.data import DataLoader

    return DataLoader(
        train_set,
        batch_size=RECIPE["batch_size"],
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
        num_workers=num_workers,
        pin_memory=pin_memory,
        persistent_workers=num_workers > 0,
    )


def dataloader_epoch(train_set, device, *, num_workers=0, pin_memory=False, warmup=20):
    """Seconds of one epoch fed by torchvision's DataLoader (after `warmup` steps not counted).
    Returns a function that runs one more timed epoch each call (the model keeps training)."""
    model, optimizer = _recipe(device)
    loader = dataloader(train_set, num_workers=num_workers, pin_memory=pin_memory)
    train_steps(model, loader, optimizer, device, limit=warmup)
    sync(device)

    def epoch() -> float:
        start = time.perf_counter()
        train_steps(model, loader, optimizer, device, non_blocking=pin_memory)
        sync(device)
        return time.perf_counter() - start

    return epoch


def resident_epoch(train_set, device, *, warmup=20):
    """Like `dataloader_epoch`, fed from the training set held on the device."""
    model, optimizer = _recipe(device)
    loader = mnist_data.DeviceLoader.from_dataset(train_set, device, RECIPE["batch_size"])
    train_steps(model, loader, optimizer, device, limit=warmup)
    sync(device)

    def epoch() -> float:
        start = time.perf_counter()
        train_steps(model, loader, optimizer, device)
        sync(device)
        return time.perf_counter() - start

    return epoch


@dataclass
class Schedule:
    """The fast schedule: Adam, one-cycle learning rate, bfloat16 autocast, channels-last."""

    epochs: int = (
        10  # planned: the run stops at the first epoch that reaches `target` (4 or 5 on an H100)
    )
    batch_size: int = 512
    max_lr: float = 6e-3
    weight_decay: float = 0.0
    bf16: bool = True
    channels_last: bool = True
    eval_batch_size: int = 2500
    target: float = 0.99


@dataclass
class Run:
    seconds: float
    epochs: int
    accuracy: float
    reached: bool
    history: list = field(default_factory=list)  # (epoch, seconds so far, test accuracy)
    schedule: dict = field(default_factory=dict)


def _warm_up(device, schedule: Schedule) -> None:
    """Start CUDA, cuDNN and cuBLAS on the shapes the run uses, so that the timed run does
    not pay their one-off start (a second or so on a fresh process)."""
    model = Net().to(device)
    if schedule.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(schedule.batch_size, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (schedule.batch_size,), device=device)
    for _ in range(3):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=schedule.bf16):
            loss = F.nll_loss(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=schedule.bf16):
        model(torch.randn(schedule.eval_batch_size, 1, 28, 28, device=device))
    sync(device)


def evaluate(model, x, y, schedule: Schedule) -> float:
    model.eval()
    correct = torch.zeros((), dtype=torch.long, device=x.device)
    with (
        torch.no_grad(),
        torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=schedule.bf16),
    ):
        for i in range(0, len(y), schedule.eval_batch_size):
            out = model(x[i : i + schedule.eval_batch_size])
            correct += (out.argmax(1) == y[i : i + schedule.eval_batch_size]).sum()
    return correct.item() / len(y)


def time_to_accuracy(
    train_set, test_set, device, schedule: Schedule | None = None, *, seed=0
) -> Run:
    """Train from scratch on the device-resident data until the test accuracy reaches
    `schedule.target` (checked after each epoch) or the schedule ends. The clock runs from the
    uint8 images on the host to the epoch whose evaluation reaches the target, evaluations
    included; the warm-up of CUDA libraries before it is not counted."""
    schedule = schedule or Schedule()
    device = torch.device(device)
    torch.backends.cudnn.benchmark = True
    _warm_up(device, schedule)
    torch.manual_seed(seed)
    gen = torch.Generator(device=device).manual_seed(seed)
    sync(device)
    start = time.perf_counter()

    x, y = mnist_data.tensors(train_set, device)
    test_x, test_y = mnist_data.tensors(test_set, device)
    model = Net().to(device)
    if schedule.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        test_x = test_x.contiguous(memory_format=torch.channels_last)
    batches = mnist_data.DeviceLoader(x, y, schedule.batch_size, drop_last=True, generator=gen)
    optimizer = torch.optim.Adam(
        model.parameters(),
        lr=schedule.max_lr,
        weight_decay=schedule.weight_decay,
        fused=device.type == "cuda",
    )
    lr_schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=schedule.max_lr, total_steps=schedule.epochs * len(batches)
    )
    history, accuracy = [], 0.0
    for epoch in range(1, schedule.epochs + 1):
        model.train()
        for data, target in batches:
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=schedule.bf16):
                loss = F.nll_loss(model(data), target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            lr_schedule.step()
        accuracy = evaluate(model, test_x, test_y, schedule)  # .item(): waits for the GPU
        history.append((epoch, round(time.perf_counter() - start, 3), accuracy))
        if accuracy >= schedule.target:
            break
    seconds = time.perf_counter() - start
    return Run(
        seconds, len(history), accuracy, accuracy >= schedule.target, history, asdict(schedule)
    )


def recipe_accuracy(
    train_set, test_set, device, *, epochs=2, seed=0, num_workers=4
) -> tuple[float, float]:
    """(test accuracy, seconds) of the articles' recipe with torchvision's DataLoader, as the
    GPU test of the kata runs it, with the reference network."""
    from torch.utils.data import DataLoader

    device = torch.device(device)
    model, optimizer = _recipe(device, seed)
    loader = dataloader(train_set, num_workers=num_workers, pin_memory=True, seed=seed)
    start = time.perf_counter()
    for _ in range(epochs):
        train_steps(model, loader, optimizer, device, non_blocking=True)
    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in DataLoader(test_set, batch_size=1000, num_workers=num_workers):
            data, target = data.to(device), target.to(device)
            correct += (model(data).argmax(1) == target).sum().item()
    return correct / len(test_set), time.perf_counter() - start
