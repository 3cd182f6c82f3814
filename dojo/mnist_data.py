"""MNIST for the `mnist` kata: torchvision's `datasets.MNIST`, its transforms, where the files are.

    from dojo.mnist_data import loaders
    train_loader, test_loader = loaders(subset=True)          # the subset shipped with the package
    train_loader, test_loader = loaders("path/to/mnist")     # the full set, gzipped IDX files

Where the data comes from, in this order:
1. the `root` argument (`--data ROOT` on the command line), else the `DOJO_MNIST_ROOT` variable,
   else `data/` of the project (the clone or `dojo init` workspace around the working folder);
   `subset=True` takes the package's own subset (`dojo/data/mnist-subset/`) instead. No other
   place is looked in: the project's own GPU scripts and tests name their folder themselves.
2. In that folder: torchvision's layout (`ROOT/MNIST/raw/train-images-idx3-ubyte` and the three
   others), or the four files themselves, gzipped (`train-images-idx3-ubyte.gz`, ...) or not,
   in `ROOT`, `ROOT/MNIST` or `ROOT/MNIST/raw`. Gzipped files are decompressed once into
   torchvision's layout in a cache folder (`DOJO_MNIST_CACHE`, else `data/extracted/` of the
   checkout the package runs from, else `~/.cache/pytorch-pitfall-katas/mnist`; never the
   working folder, which may be a grader's job): the source may be read-only, and torchvision's
   own md5 check would not accept re-compressed archives.
3. Nothing is downloaded unless asked for (`download=True`, `--download`): then torchvision
   fetches MNIST into ROOT. Otherwise a missing data set raises `MnistNotFound`, which says
   where to put the files.

`DeviceLoader` holds a whole split on the GPU as one normalized tensor and batches it by
shuffled indices: the same digits and the same normalization, without the per-image work of a
DataLoader (used by the GPU benchmarks).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import torch

from dojo.i18n import t
from dojo.paths import DATA, checkout, find_project

ENV_ROOT = "DOJO_MNIST_ROOT"
ENV_CACHE = "DOJO_MNIST_CACHE"
SUBSET = DATA / "mnist-subset"
MEAN, STD = 0.1307, 0.3081
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


class MnistNotFound(FileNotFoundError):
    """MNIST is not where it was looked for (the message says where to put it; `root` is the
    folder that was looked in)."""

    def __init__(self, message: str, root: Path):
        super().__init__(message)
        self.root = root


# --- where the files are ---------------------------------------------------------------------


def default_root() -> Path:
    """`DOJO_MNIST_ROOT`, else `data/` of the project (a clone or a `dojo init` workspace: where
    a download goes too), else the cache folder."""
    env = os.environ.get(ENV_ROOT, "").strip()
    if env:
        return Path(env).expanduser()
    project = find_project()
    return project / "data" if project else cache_dir()


def cache_dir() -> Path:
    """Where gzipped files are decompressed into torchvision's layout."""
    env = os.environ.get(ENV_CACHE, "").strip()
    if env:
        return Path(env).expanduser()
    found = checkout()  # not the working folder's project: a grader's job folder looks like one
    if found:
        return found / "data" / "extracted"
    return Path.home() / ".cache" / "pytorch-pitfall-katas" / "mnist"


def _torchvision_root(root: Path) -> bool:
    """Whether `root/MNIST/raw/` holds the four uncompressed files (what torchvision reads)."""
    raw = root / "MNIST" / "raw"
    return all((raw / name).is_file() for name in FILES)


def _file_folder(root: Path) -> Path | None:
    """The folder (root, root/MNIST or root/MNIST/raw) holding the four files, gzipped or not."""
    for folder in (root, root / "MNIST", root / "MNIST" / "raw"):
        if all((folder / n).is_file() or (folder / f"{n}.gz").is_file() for n in FILES):
            return folder
    return None


def _extract(source: Path) -> Path:
    """Decompress the files of `source` into torchvision's layout under the cache; return the
    root to give torchvision. Done again only when a source file changes."""
    key = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:10]
    root = cache_dir() / f"{source.name}-{key}"
    raw = root / "MNIST" / "raw"
    stamp = raw / ".source"
    files = [
        (n, source / f"{n}.gz" if (source / f"{n}.gz").is_file() else source / n) for n in FILES
    ]
    signature = "\n".join(f"{p} {p.stat().st_size} {p.stat().st_mtime_ns}" for _, p in files)
    if _torchvision_root(root) and stamp.is_file() and stamp.read_text() == signature:
        return root
    raw.mkdir(parents=True, exist_ok=True)
    for name, path in files:
        tmp = raw / f".{name}.{os.getpid()}.tmp"
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, raw / name)  # atomic: a concurrent reader never sees half a file
    stamp.write_text(signature)
    return root


def not_found_message(root: Path) -> str:
    """What to do, in Python terms (the command line says it in its own: dojo.train_mnist)."""
    names = ", ".join(f"{n}.gz" for n in FILES)
    return t(
        f"MNIST was not found in {root}. Put the four files of MNIST ({names}; gzipped or not) in "
        f"that folder, or in {root / 'MNIST' / 'raw'} as torchvision lays them out; or pass the "
        f"folder that holds them as `root` (or set {ENV_ROOT}); or let torchvision download "
        f"them there with download=True (needs the internet). The small subset that the tests "
        f"use ships with the package: subset=True.",
        f"在 {root} 中没有找到 MNIST。请把 MNIST 的四个文件({names};压缩与否均可)放进这个文件夹,"
        f"或按 torchvision 的布局放进 {root / 'MNIST' / 'raw'};或者把存放它们的文件夹作为 `root` "
        f"传入(或设置 {ENV_ROOT});或者用 download=True 让 torchvision 下载到那里(需要联网)。"
        f"测试所用的小子集随包附带:subset=True。",
    )


def prepare(
    root: str | Path | None = None, *, subset: bool = False, download: bool = False
) -> Path:
    """The root to give `torchvision.datasets.MNIST`: `ROOT/MNIST/raw/` holds the four files."""
    if subset:
        root = SUBSET
    root = Path(root).expanduser() if root is not None else default_root()
    if _torchvision_root(root):
        return root
    folder = _file_folder(root)
    if folder is not None:
        return _extract(folder)
    if download:
        from torchvision import datasets

        root.mkdir(parents=True, exist_ok=True)
        for train in (True, False):
            datasets.MNIST(root, train=train, download=True)
        return root
    raise MnistNotFound(not_found_message(root), root)


# --- data sets and loaders -------------------------------------------------------------------


def transform():
    """The articles' transform: to a tensor in [0, 1], then normalized by MNIST's mean and std."""
    from torchvision import transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])


def datasets(root=None, *, subset: bool = False, download: bool = False):
    """(train, test): `torchvision.datasets.MNIST` with the articles' transform."""
    from torchvision import datasets as tv

    folder = prepare(root, subset=subset, download=download)
    return tuple(tv.MNIST(folder, train=train, transform=transform()) for train in (True, False))


def loaders(
    root=None,
    *,
    subset: bool = False,
    batch_size: int = 64,
    test_batch_size: int = 1000,
    download: bool = False,
    generator: torch.Generator | None = None,
    **kwargs,
):
    """(train_loader, test_loader) as in the articles: shuffled training batches of
    `batch_size`, test batches of `test_batch_size` in order. `kwargs` go to both DataLoaders
    (num_workers, pin_memory, ...)."""
    from torch.utils.data import DataLoader

    train_set, test_set = datasets(root, subset=subset, download=download)
    return (
        DataLoader(train_set, batch_size=batch_size, shuffle=True, generator=generator, **kwargs),
        DataLoader(test_set, batch_size=test_batch_size, shuffle=False, **kwargs),
    )


def normalize(images: torch.Tensor) -> torch.Tensor:
    """uint8 images (N, 28, 28) to what the transform gives: float (N, 1, 28, 28), the same
    arithmetic as ToTensor and Normalize (divide by 255, subtract the mean, divide by the std)."""
    x = images.unsqueeze(1).to(torch.get_default_dtype()).div(255)
    return x.sub_(MEAN).div_(STD)


def read_idx(path: str | Path) -> torch.Tensor:
    """An uncompressed IDX file of unsigned bytes as a uint8 tensor of its shape."""
    raw = bytearray(Path(path).read_bytes())
    if raw[0] or raw[1] or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return torch.frombuffer(raw, dtype=torch.uint8, offset=4 + 4 * ndim).reshape(dims)


def split_tensors(root=None, *, subset: bool = False, train: bool = True, device=None):
    """(images, labels) of one split, normalized as the transform does, read from the very files
    that torchvision's MNIST reads (`prepare`), without importing torchvision (the tests' fast
    path; `tensors(dataset)` gives the same from a torchvision data set)."""
    raw = prepare(root, subset=subset) / "MNIST" / "raw"
    prefix = "train" if train else "t10k"
    images = read_idx(raw / f"{prefix}-images-idx3-ubyte").to(device)
    labels = read_idx(raw / f"{prefix}-labels-idx1-ubyte").to(device=device, dtype=torch.long)
    return normalize(images), labels


def tensors(dataset, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """(images, labels) of a whole MNIST split: normalized images (N, 1, 28, 28), int64 labels,
    on `device` (the uint8 images travel, then are normalized there)."""
    images = dataset.data.to(device)
    return normalize(images), dataset.targets.to(device)


class DeviceLoader:
    """A whole split held on one device, batched by shuffled indices.

    Iterating gives `(data, target)` batches like a DataLoader's (the last one smaller unless
    `drop_last`), and `loader.dataset` has the split's length, so the kata's `train` and `test`
    take it as they take a DataLoader. Shuffling uses `generator` (on the data's device) or
    the device's default one."""

    def __init__(self, data, target, batch_size, *, shuffle=True, drop_last=False, generator=None):
        from torch.utils.data import TensorDataset

        self.dataset = TensorDataset(data, target)
        self.data, self.target = data, target
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator

    @classmethod
    def from_dataset(cls, dataset, device, batch_size, **kwargs) -> DeviceLoader:
        return cls(*tensors(dataset, device), batch_size, **kwargs)

    def __len__(self) -> int:
        n = len(self.target)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.target)
        if self.shuffle:
            order = torch.randperm(n, device=self.target.device, generator=self.generator)
        else:
            order = torch.arange(n, device=self.target.device)
        for i in range(len(self)):
            index = order[i * self.batch_size : (i + 1) * self.batch_size]
            yield self.data[index], self.target[index]
