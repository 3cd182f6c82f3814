"""The MNIST pipeline of the `mnist` kata: the committed subset, the loader, the training command.
Nothing here downloads."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import torch

from dojo import mnist_data, train_mnist

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "dojo" / "data" / "mnist-subset"


@pytest.fixture(autouse=True)
def no_download(monkeypatch, tmp_path):
    """Any download fails the test; gzipped sources are decompressed under tmp_path."""
    from torchvision import datasets

    def refuse(self):
        raise AssertionError("a test tried to download MNIST")

    monkeypatch.setattr(datasets.MNIST, "download", refuse)
    monkeypatch.setenv(mnist_data.ENV_CACHE, str(tmp_path / "cache"))


def test_the_subset_is_small_and_its_readme_gives_every_sha256():
    files = sorted(SUBSET.glob("*.gz"))
    assert [f.name for f in files] == sorted(f"{n}.gz" for n in mnist_data.FILES)
    assert sum(f.stat().st_size for f in files) < 1_000_000
    readme = (SUBSET / "README.md").read_text(encoding="utf-8")
    for f in files:
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        assert re.search(
            rf"\| {re.escape(f.name)} \|[^\n]*{digest}", readme
        ), f"{f.name}: sha256 not in README"
    assert "LeCun" in readme and "Cortes" in readme and "Burges" in readme


def test_the_subset_is_stratified_by_class():
    train, test = mnist_data.datasets(subset=True)
    assert (len(train), len(test)) == (5000, 1000)
    full_train = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    full_test = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    for ds, full in ((train, full_train), (test, full_test)):
        counts = torch.bincount(ds.targets, minlength=10).tolist()
        expected = [len(ds) * k / sum(full) for k in full]
        assert all(abs(c - e) < 1 for c, e in zip(counts, expected)), (counts, expected)


def test_a_folder_of_gzipped_files_is_decompressed_into_torchvisions_layout(tmp_path):
    source = tmp_path / "gz"
    source.mkdir()
    for f in SUBSET.glob("*.gz"):
        shutil.copy(f, source / f.name)
    root = mnist_data.prepare(source)
    assert root.is_relative_to(tmp_path / "cache")
    assert all((root / "MNIST" / "raw" / name).is_file() for name in mnist_data.FILES)
    assert mnist_data.prepare(source) == root  # the second time, nothing to do
    train, _ = mnist_data.datasets(source)
    reference, _ = mnist_data.datasets(subset=True)
    assert torch.equal(train.data, reference.data) and torch.equal(train.targets, reference.targets)
    # torchvision's own layout is used as it is
    assert mnist_data.prepare(root) == root


def test_missing_data_says_where_to_put_it_in_python_terms_and_downloads_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(mnist_data.ENV_ROOT, str(tmp_path / "empty"))
    with pytest.raises(mnist_data.MnistNotFound) as err:
        mnist_data.loaders()
    text = str(err.value)
    for phrase in (str(tmp_path / "empty"), "DOJO_MNIST_ROOT", "download=True", "MNIST/raw",
                   "subset=True", "`root`"):
        assert phrase in text, text
    assert "--" not in text, text  # no command-line flag in a library's message
    assert "\n" not in text  # one paragraph
    assert err.value.root == tmp_path / "empty"


def project(folder: Path) -> Path:
    """A clone or a `dojo init` workspace, as far as finding it goes."""
    for name in ("katas", "tests"):
        (folder / name).mkdir(parents=True)
    return folder


def copy_subset(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in SUBSET.glob("*.gz"):
        shutil.copy(f, folder / f.name)
    return folder


def test_the_full_set_comes_from_data_of_the_project_and_never_from_a_folder_beside_it(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(mnist_data.ENV_ROOT, raising=False)
    clone = project(tmp_path / "clone")
    copy_subset(tmp_path / "shared" / "data" / "mnist")  # the project's machines' layout
    monkeypatch.chdir(clone)
    with pytest.raises(mnist_data.MnistNotFound) as err:
        mnist_data.prepare()
    assert err.value.root == clone / "data"
    copy_subset(clone / "data")
    train, _ = mnist_data.datasets()
    assert len(train) == 5000
    # decompressed files never go into the working folder's project (a grader's job folder
    # looks like one, and may not take them)
    monkeypatch.delenv(mnist_data.ENV_CACHE)
    assert clone not in mnist_data.cache_dir().parents


def test_train_mnist_without_the_full_set_says_what_to_do_in_one_command_line(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(mnist_data.ENV_ROOT, str(tmp_path / "empty"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    (tmp_path / "mnist.py").write_text(TINY_TARGET, encoding="utf-8")
    assert train_mnist.main(["--target", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err, err
    for phrase in ("dojo train mnist --subset", "--download", "--data DIR", str(tmp_path / "empty"),
                   "No GPU here", "minutes", "seconds"):
        assert phrase in err, err
    assert "=True" not in err and "`root`" not in err, err  # no Python argument in a command's line
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert train_mnist.main(["--target", str(tmp_path)]) == 2
    assert "No GPU" not in capsys.readouterr().err
    # run as a module, it names the command that was typed, not `dojo train mnist`
    assert train_mnist.main(["--target", str(tmp_path)], prog="python -m dojo.train_mnist") == 2
    err = capsys.readouterr().err
    assert "python -m dojo.train_mnist --subset" in err and "dojo train mnist" not in err, err


def test_train_mnist_help_names_the_dojo_command(capsys):
    with pytest.raises(SystemExit):
        train_mnist.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: dojo train mnist"), out
    assert "python -m" not in out


def test_the_loader_gives_what_the_articles_transform_gives():
    train, _ = mnist_data.datasets(subset=True)
    x, y = mnist_data.tensors(train)
    for i in (0, 1, 4999):
        image, label = train[i]
        assert torch.equal(x[i], image) and y[i].item() == label
    fast_x, fast_y = mnist_data.split_tensors(subset=True, train=True)  # without torchvision
    assert torch.equal(fast_x, x) and torch.equal(fast_y, y) and fast_y.dtype == torch.long


def test_the_device_loader_covers_every_example_once_with_a_smaller_tail():
    data, target = torch.arange(10.0).reshape(10, 1), torch.arange(10)
    loader = mnist_data.DeviceLoader(data, target, 4, generator=torch.Generator().manual_seed(0))
    batches = list(loader)
    assert len(loader) == 3 and [len(t) for _, t in batches] == [4, 4, 2]
    assert sorted(torch.cat([t for _, t in batches]).tolist()) == list(range(10))
    assert all(torch.equal(d.squeeze(1).long(), t) for d, t in batches)
    assert len(loader.dataset) == 10
    assert len(mnist_data.DeviceLoader(data, target, 4, drop_last=True)) == 2


TINY_TARGET = """
from torch import nn
from solutions.mnist import train, test


class Net(nn.Sequential):
    def __init__(self):
        super().__init__(nn.Flatten(), nn.Linear(784, 10), nn.LogSoftmax(dim=1))
"""


def test_train_mnist_trains_a_target_and_prints_its_accuracy(tmp_path, capsys):
    (tmp_path / "mnist.py").write_text(TINY_TARGET, encoding="utf-8")
    code = train_mnist.main(
        ["--target", str(tmp_path), "--subset", "--epochs", "1", "--device", "cpu"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    accuracy = float(re.search(r"test accuracy: ([\d.]+)%", out).group(1))
    assert accuracy > 80, out


@pytest.mark.parametrize(
    "source, phrase",
    [
        (None, "no such file"),
        ("def Net(:\n", "SyntaxError"),
        ("import torch\nraise RuntimeError('boom')\n", "RuntimeError: boom"),
        ("Net = 1\n", "has no train, test"),
    ],
)
def test_train_mnist_says_why_a_target_does_not_load(tmp_path, capsys, source, phrase):
    if source is not None:
        (tmp_path / "mnist.py").write_text(source, encoding="utf-8")
    assert train_mnist.main(["--target", str(tmp_path), "--subset"]) == 2
    assert phrase in capsys.readouterr().err


def test_train_mnist_says_a_stub_is_not_started(tmp_path, capsys):
    from dojo import stubs

    (tmp_path / "mnist.py").write_text(stubs.pristine()["mnist"], encoding="utf-8")
    assert train_mnist.main(["--target", str(tmp_path), "--subset", "--device", "cpu"]) == 1
    assert "not started" in capsys.readouterr().err


def test_in_a_workspace_the_advice_to_train_the_reference_works(tmp_path, capsys, monkeypatch):
    """Issue 21: on the stub in a `dojo init` workspace, `dojo train mnist --subset` advised
    `--target solutions`, which said "no such file" there: the reference is the one the
    package carries. Where none is carried (the student edition), it is not advised."""
    from dojo import stubs, workspace

    ws, _ = workspace.init(tmp_path / "ws")
    monkeypatch.chdir(ws)
    assert train_mnist.main(["--subset", "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "not started" in err and "--target solutions" in err, err
    path = train_mnist.find_target("solutions")
    kata = train_mnist.load_target(path)
    assert all(hasattr(kata, name) for name in ("Net", "train", "test"))
    assert not (ws / "solutions").exists() and ws not in path.parents  # nothing left to read
    monkeypatch.setattr(stubs, "SOLUTIONS", tmp_path / "none.json")  # a student edition
    assert train_mnist.main(["--subset", "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "not started" in err and "--target solutions" not in err, err
    assert train_mnist.main(["--target", "solutions", "--subset"]) == 2
    err = capsys.readouterr().err
    assert "no reference answers" in err and len(err.strip().splitlines()) == 1, err
