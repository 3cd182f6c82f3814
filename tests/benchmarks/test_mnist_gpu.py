"""GPU benchmarks of the articles' MNIST training (pytest-benchmark; needs CUDA and the full MNIST).

    pytest --target solutions -m gpu tests/benchmarks/test_mnist_gpu.py --benchmark-enable

- one epoch fed by torchvision's DataLoader against one epoch from tensors held on the GPU,
  the ratio in `extra_info["speedup"]`;
- the time the GPU-resident path takes to reach 99.0% test accuracy with the same network and
  a faster schedule, in `extra_info["seconds_to_99"]`.

The network is the project's copy (`dojo.mnist_net`), so these run whatever the learner has
solved. The full MNIST comes from DOJO_MNIST_ROOT, else ../shared/data/mnist (this project's
machines keep it beside the clone; the package itself never looks there);
`python scripts/gpu_report.py` prints the same figures as a table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from dojo import mnist_bench, mnist_data

pytestmark = pytest.mark.gpu

MNIST_ROOT = os.environ.get(mnist_data.ENV_ROOT) or str(
    Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
)
EPOCHS = {}  # seconds of one epoch per pipeline, shared by the two parametrized runs


@pytest.fixture(scope="module")
def mnist():
    try:
        return mnist_bench.full_mnist(MNIST_ROOT)
    except mnist_data.MnistNotFound as err:
        pytest.skip(str(err))


@pytest.mark.parametrize("pipeline", ["dataloader", "resident"])
def test_epoch_time(benchmark, mnist, pipeline):
    train_set, _ = mnist
    device = torch.device("cuda")
    make = mnist_bench.dataloader_epoch if pipeline == "dataloader" else mnist_bench.resident_epoch
    epoch = make(train_set, device)
    times = []

    def one_epoch():
        times.append(epoch())

    rounds = 1 if pipeline == "dataloader" else 3
    benchmark.pedantic(one_epoch, rounds=rounds, iterations=1, warmup_rounds=0)
    EPOCHS[pipeline] = min(times)
    benchmark.extra_info["epoch_s"] = round(min(times), 4)
    benchmark.extra_info["pipeline"] = (
        "torchvision DataLoader (PIL + ToTensor + Normalize per digit, num_workers=0)"
        if pipeline == "dataloader"
        else "whole training set on the GPU, shuffled index batches"
    )
    if pipeline == "resident":
        if "dataloader" not in EPOCHS:
            EPOCHS["dataloader"] = mnist_bench.dataloader_epoch(train_set, device)()
        benchmark.extra_info["dataloader_epoch_s"] = round(EPOCHS["dataloader"], 4)
        benchmark.extra_info["speedup"] = round(EPOCHS["dataloader"] / EPOCHS["resident"], 2)


def test_time_to_99_percent(benchmark, mnist):
    train_set, test_set = mnist
    runs = []

    def run():
        runs.append(mnist_bench.time_to_accuracy(train_set, test_set, torch.device("cuda")))

    benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    result = runs[-1]
    benchmark.extra_info["seconds_to_99"] = round(result.seconds, 3)
    benchmark.extra_info["epochs"] = result.epochs
    benchmark.extra_info["accuracy"] = result.accuracy
    benchmark.extra_info["history"] = result.history
    benchmark.extra_info["schedule"] = result.schedule
    benchmark.extra_info["device"] = torch.cuda.get_device_name()
    assert result.reached, (
        f"the fast schedule ended at {result.accuracy:.4f} test accuracy, short of 0.99: "
        f"{result.history}"
    )
