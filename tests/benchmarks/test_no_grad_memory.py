"""What `torch.no_grad()` saves when evaluating the MNIST network (KATAS.md, `no_grad`).

The network is the project's own copy (dojo.mnist_net), so these run whatever the learner has
solved. Each benchmark times one evaluation (eval mode, a fresh batch) with or without a graph
and records in `extra_info`:
  autograd_saved_bytes           exactly what autograd saved for backward (dojo.memory)
  autograd_saved_bytes_by_layer  the same, layer by layer (for `dojo show no_grad`)
  cuda_peak_bytes                on CUDA, the peak of allocated memory during the call
  cuda_start_bytes               on CUDA, what was allocated when the call began

By default (`--benchmark-disable`) each runs once, as a test of its byte counts; the evaluation
is then measured and run in one call, since batch 1000 with a graph alone saves 348 MB. Timing:

    pytest --target solutions tests/benchmarks --benchmark-only --benchmark-enable
"""

import pytest
import torch

from dojo.memory import cuda_peak, measure
from dojo.mnist_net import Net

BATCHES = [64, 1000]  # the articles' training and test batch sizes
SAVED_PER_IMAGE = 348_264  # 348,264,000 bytes for 1000 (per layer: tests/maintainers/test_memory.py)
MODES = {"with_grad": True, "no_grad": False}


def evaluation(model, x, grad):
    with torch.set_grad_enabled(grad):
        return model(x)


def cuda_evaluation(model, x, grad):
    out = evaluation(model, x, grad)
    torch.cuda.synchronize()
    return out


def run(benchmark, model, x, grad, fn=evaluation):
    """Time `fn(model, x, grad)` and return what autograd saved during one such call."""
    benchmark.group = f"MNIST Net evaluation, batch {len(x)}"
    if not benchmark.enabled:  # one call only: measured and "timed" at once
        return benchmark(measure, fn, model, x, grad, params=model.parameters(), model=model)
    found = measure(fn, model, x, grad, params=model.parameters(), model=model)
    del found.output  # free the graph before timing
    benchmark(fn, model, x, grad)
    return found


def record(benchmark, found, batch, grad):
    benchmark.extra_info["batch_size"] = batch
    benchmark.extra_info["no_grad"] = not grad
    benchmark.extra_info["autograd_saved_bytes"] = found.total
    benchmark.extra_info["autograd_saved_bytes_by_layer"] = found.by_layer()


def check(found, batch, grad):
    want = SAVED_PER_IMAGE * batch if grad else 0
    assert found.total == want, (
        f"batch {batch}, {'with grad' if grad else 'under no_grad'}: autograd saved "
        f"{found.total:,} bytes, expected {want:,}"
    )


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return Net().eval()


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("batch", BATCHES)
def test_evaluation_memory_cpu(benchmark, model, batch, mode):
    grad = MODES[mode]
    x = torch.randn(batch, 1, 28, 28, generator=torch.Generator().manual_seed(batch))
    found = run(benchmark, model, x, grad)
    record(benchmark, found, batch, grad)
    check(found, batch, grad)


@pytest.fixture(scope="module")
def cuda_model():
    torch.manual_seed(0)
    model = Net().cuda().eval()
    with torch.no_grad():
        model(torch.randn(2, 1, 28, 28, device="cuda"))  # warm up cuDNN and the allocator
    return model


@pytest.mark.gpu
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("batch", BATCHES)
def test_evaluation_memory_cuda(benchmark, cuda_model, batch, mode):
    grad = MODES[mode]
    x = torch.randn(batch, 1, 28, 28, generator=torch.Generator().manual_seed(batch)).cuda()
    peak = cuda_peak(cuda_evaluation, cuda_model, x, grad)
    start, highest, kept = peak.before, peak.peak, peak.after - peak.before
    del peak  # the output, and its graph, go before the next call
    found = run(benchmark, cuda_model, x, grad, fn=cuda_evaluation)
    record(benchmark, found, batch, grad)
    benchmark.extra_info["cuda_peak_bytes"] = highest
    benchmark.extra_info["cuda_start_bytes"] = start
    check(found, batch, grad)
    if grad:  # every saved tensor is still held by the output's graph when the call returns,
        # all but the input, which was allocated before the call began
        assert kept >= found.total - x.untyped_storage().nbytes()
        assert highest - start >= kept
    else:  # nothing is kept but the output (the caching allocator rounds blocks up to 512 bytes)
        assert kept <= batch * 10 * 4 + 512
