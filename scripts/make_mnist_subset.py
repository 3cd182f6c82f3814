"""Make the small MNIST subset that the `mnist` kata's tests use (dojo/data/mnist-subset/).

    python scripts/make_mnist_subset.py [--source ../shared/data/mnist] [--train 5000] [--test 1000]

It reads the four gzipped IDX files of the full MNIST (Y. LeCun, C. Cortes, C. J. C. Burges),
picks a class-stratified subset of each split, and writes it in the same format: the same IDX
headers and bytes per digit, each file gzipped like `gzip -9 -n` (no name, no time stamp), so
that the loader reads the subset by the same code path as the full set. Then it writes the
README.md of the folder, with the sha256 of every file.

Deterministic and independent of any random generator's implementation: within each class the
digits are ranked by sha256("<seed>:<split>:<index>") and the first ones taken; the chosen
digits keep their order in the original file. How many of each class: the class's share of the
split (largest remainder), so the subset has MNIST's class proportions.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "mnist"
DEFAULT_OUT = ROOT / "dojo" / "data" / "mnist-subset"
SEED = "pytorch-pitfall-katas"
SPLITS = {"train": "train", "test": "t10k"}


def read_idx(path: Path) -> tuple[bytes, list[bytes]]:
    """(header, records) of a gzipped IDX file: one record per image or label."""
    raw = gzip.decompress(path.read_bytes())
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    header_len = 4 + 4 * ndim
    size = 1
    for d in dims[1:]:
        size *= d
    body = raw[header_len:]
    if len(body) != dims[0] * size:
        raise SystemExit(f"{path}: truncated ({len(body)} bytes for {dims})")
    records = [body[i * size : (i + 1) * size] for i in range(dims[0])]
    return raw[:header_len], records


def write_idx(path: Path, header: bytes, records: list[bytes]) -> bytes:
    """Write a gzipped IDX file whose first dimension is len(records); return the IDX bytes."""
    ndim = header[3]
    dims = list(struct.unpack(f">{ndim}I", header[4:]))
    dims[0] = len(records)
    raw = header[:4] + struct.pack(f">{ndim}I", *dims) + b"".join(records)
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return raw


def quotas(counts: dict[int, int], total: int) -> dict[int, int]:
    """How many digits of each class: proportional to `counts`, largest remainder."""
    n = sum(counts.values())
    exact = {c: total * k / n for c, k in counts.items()}
    share = {c: int(x) for c, x in exact.items()}
    left = total - sum(share.values())
    for c in sorted(counts, key=lambda c: (-(exact[c] - share[c]), c))[:left]:
        share[c] += 1
    return share


def choose(labels: list[int], total: int, split: str) -> list[int]:
    """Indices of a class-stratified subset, in their original order."""
    by_class: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    share = quotas({c: len(v) for c, v in by_class.items()}, total)

    def rank(i: int) -> bytes:
        return hashlib.sha256(f"{SEED}:{split}:{i}".encode()).digest()

    chosen = []
    for c, indices in by_class.items():
        chosen += sorted(indices, key=rank)[: share[c]]
    return sorted(chosen)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


README = """\
# MNIST subset (for the tests of the `mnist` kata)

A class-stratified subset of the MNIST database of handwritten digits, by Yann LeCun, Corinna
Cortes and Christopher J. C. Burges (http://yann.lecun.com/exdb/mnist/): {n_train:,} digits of
the training set and {n_test:,} of the test set, in the original format (IDX files, gzipped
without name or time stamp, as `gzip -9 -n` does). `dojo.mnist_data` reads this folder exactly
as it reads the full set (decompressing into torchvision's `<root>/MNIST/raw/` layout).

How it was made: `python scripts/make_mnist_subset.py` from the full MNIST in
`../shared/data/mnist/`. Within each class the digits are ranked by
`sha256("{seed}:<split>:<index>")` (split: train or test; index: the digit's
position in the original file) and the first ones taken, as many per class as the class's share
of its split (largest remainder), so the subset keeps MNIST's class proportions; the chosen
digits keep their original order. Running the script again gives the same bytes.

Class counts (0 to 9):
- train: {train_counts}
- test: {test_counts}

| file | digits | sha256 of the file (.gz) | sha256 of the uncompressed IDX |
| --- | --- | --- | --- |
{rows}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--train", type=int, default=5000, help="training digits (default 5000)")
    parser.add_argument("--test", type=int, default=1000, help="test digits (default 1000)")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    sizes = {"train": args.train, "test": args.test}
    rows, counts = [], {}
    for split, prefix in SPLITS.items():
        label_header, label_records = read_idx(args.source / f"{prefix}-labels-idx1-ubyte.gz")
        image_header, image_records = read_idx(args.source / f"{prefix}-images-idx3-ubyte.gz")
        labels = [r[0] for r in label_records]
        chosen = choose(labels, sizes[split], split)
        counts[split] = [sum(1 for i in chosen if labels[i] == c) for c in range(10)]
        for kind, header, records in (
            ("images-idx3", image_header, image_records),
            ("labels-idx1", label_header, label_records),
        ):
            name = f"{prefix}-{kind}-ubyte.gz"
            raw = write_idx(args.out / name, header, [records[i] for i in chosen])
            packed = (args.out / name).read_bytes()
            rows.append(f"| {name} | {len(chosen):,} | {sha256(packed)} | {sha256(raw)} |")
            print(f"{name}: {len(chosen)} digits, {len(packed):,} bytes")
    (args.out / "README.md").write_text(
        README.format(
            n_train=sizes["train"],
            n_test=sizes["test"],
            seed=SEED,
            train_counts=" ".join(map(str, counts["train"])),
            test_counts=" ".join(map(str, counts["test"])),
            rows="\n".join(rows),
        ),
        encoding="utf-8",
    )
    total = sum(p.stat().st_size for p in args.out.glob("*.gz"))
    print(f"total {total:,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
