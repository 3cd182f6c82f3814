"""Train your `mnist` kata end to end: your Net, your train(), your test(), on MNIST.

    dojo train mnist                          # katas/mnist.py on the full MNIST
    dojo train mnist --subset --epochs 1      # the small subset of the tests (seconds on a CPU)
    dojo train mnist --target solutions       # the reference (a clone's, else the package's)
    dojo train mnist --target PATH            # PATH/mnist.py, or a .py file
    python -m dojo.train_mnist ...            # the same

The recipe is the articles': SGD with lr 0.025 and momentum 0.9, batches of 64, test batches of
1000. The device is CUDA when there is one (`--device` to choose). Where the full set comes from:
`--data DIR`, else DOJO_MNIST_ROOT, else `data/` of the project; `--download` fetches it there.
Without it, the command says so in one line, in its own terms (`--subset`, `--download`,
`--data DIR`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import traceback
from pathlib import Path

from dojo.i18n import t


class TargetError(Exception):
    """The target's mnist.py is missing, does not import, or lacks Net, train or test."""


_REFERENCE: list = []  # the temporary folder of the reference the package carries


def _packaged_reference() -> Path | None:
    """The reference mnist.py that the package carries, written to a temporary folder (never
    into the learner's workspace, where `dojo solution` shows it only once solved); None in an
    edition that carries none."""
    import atexit
    import tempfile

    from dojo import stubs

    try:
        source = stubs.solutions()["mnist"]
    except (OSError, ValueError, KeyError):
        return None
    if not _REFERENCE:
        folder = tempfile.TemporaryDirectory(prefix="dojo-reference-")
        atexit.register(folder.cleanup)
        _REFERENCE.append(folder)
    path = Path(_REFERENCE[0].name) / "mnist.py"
    path.write_text(source, encoding="utf-8")
    return path


def reference_available() -> bool:
    """Whether `--target solutions` finds a reference here (a clone's solutions/, or the one
    the package carries)."""
    from dojo.paths import find_project

    project = find_project()
    if project is not None and (project / "solutions" / "mnist.py").is_file():
        return True
    from dojo import stubs

    try:
        return "mnist" in stubs.solutions()
    except (OSError, ValueError):
        return False


def find_target(target: str) -> Path:
    """katas, solutions (folders of the project; solutions is the reference the package
    carries where the project has none, as a `dojo init` workspace), a folder holding
    mnist.py, or a .py file."""
    from dojo.paths import find_project

    path = Path(target).expanduser()
    if target in ("katas", "solutions") and not path.exists():
        project = find_project()
        if project is not None:
            path = project / target
    if target == "solutions" and not path.exists():
        packaged = _packaged_reference()
        if packaged is None:
            raise TargetError(t(
                "--target solutions: this edition carries no reference answers (no solutions/ "
                "here, none in the package); train your own katas/mnist.py.",
                "--target solutions:这个版本不含参考答案(这里没有 solutions/,包里也没有);"
                "请训练你自己的 katas/mnist.py。"))
        return packaged
    if path.is_dir():
        path = path / "mnist.py"
    if not path.is_file():
        raise TargetError(
            t(
                f"{path}: no such file. --target takes katas, solutions, a folder laid out like "
                f"katas/ (holding mnist.py) or the path of a .py file.",
                f"{path}:没有这个文件。--target 可以是 katas、solutions、与 katas/ 结构相同的文件夹"
                f"(其中有 mnist.py),或一个 .py 文件的路径。",
            )
        )
    return path.resolve()


def load_target(path: Path):
    """Import the file by its path, with a message that says what went wrong."""
    spec = importlib.util.spec_from_file_location("_dojo_train_mnist_target", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        raise TargetError(
            t(
                f"{path}, line {err.lineno}: SyntaxError: {err.msg}. Fix it, then train again "
                f"(`dojo check mnist` shows the same).",
                f"{path} 第 {err.lineno} 行:SyntaxError:{err.msg}。修正后再训练"
                f"(`dojo check mnist` 也会显示)。",
            )
        ) from None
    except Exception as err:  # noqa: BLE001 - any error at import is the learner's to see
        line = next(
            (
                f.lineno
                for f in reversed(traceback.extract_tb(err.__traceback__))
                if Path(f.filename).resolve() == path
            ),
            None,
        )
        where = f"{path}, line {line}" if line else str(path)
        raise TargetError(
            t(
                f"{where}: importing the file raised {type(err).__name__}: {err}",
                f"{where}:导入文件时抛出 {type(err).__name__}:{err}",
            )
        ) from None
    missing = [name for name in ("Net", "train", "test") if not hasattr(module, name)]
    if missing:
        raise TargetError(
            t(
                f"{path} has no {', '.join(missing)}: the kata asks for Net, train and test.",
                f"{path} 中没有 {', '.join(missing)}:这个 kata 需要 Net、train 和 test。",
            )
        )
    return module


class Progress:
    """A DataLoader seen through a tqdm bar: iterating it advances the bar; everything else
    (`len`, `.dataset`, `.batch_size`) is the loader's, so the learner's train() sees a loader."""

    def __init__(self, loader, desc: str, leave: bool = True):
        self._loader = loader
        self._desc = desc
        self._leave = leave

    def __len__(self):
        return len(self._loader)

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def __iter__(self):
        from tqdm import tqdm

        with tqdm(
            self._loader, desc=self._desc, unit="batch", leave=self._leave, dynamic_ncols=True
        ) as bar:
            yield from bar


PROG = "dojo train mnist"


def parse(argv, prog: str = PROG):
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Train the mnist kata (Net, train, test) on MNIST; print the test accuracy.",
    )
    parser.add_argument(
        "--target",
        default="katas",
        help="katas (yours, the default), solutions (the reference), a folder holding "
        "mnist.py, or a .py file",
    )
    parser.add_argument("--epochs", type=int, default=2, help="epochs (default 2, as the articles)")
    parser.add_argument(
        "--subset",
        action="store_true",
        help="the small MNIST subset that ships with the package (5,000 + 1,000 digits)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="folder holding MNIST (the four .gz files, or torchvision's MNIST/raw/); "
        "default: DOJO_MNIST_ROOT, else data/ of the project",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="let torchvision download MNIST into DIR (needs the internet)",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.025)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--device", default=None, help="cuda, cpu, ... (default: cuda when available)"
    )
    parser.add_argument(
        "--save", metavar="FILE", default=None, help="save the trained weights (state_dict)"
    )
    return parser.parse_args(argv)


def missing_data_line(root: Path, gpu: bool, prog: str = PROG) -> str:
    """What to do without the full set, in one line of command-line terms (those of `prog`, the
    command the learner typed)."""
    line = t(
        f"{prog}: the full MNIST is not in {root}. Train on the small set that ships with the "
        f"package: {prog} --subset; or fetch the full set there: --download (needs the "
        f"internet); or point at a folder holding its four *-ubyte.gz files: --data DIR.",
        f"{prog}:{root} 中没有完整的 MNIST。可以用随包附带的小数据集训练:{prog} --subset;"
        f"或者下载完整数据集到那里:--download(需要联网);或者指向存放四个 *-ubyte.gz 文件的"
        f"文件夹:--data DIR。",
    )
    return line if gpu else line + " " + cpu_note()


def cpu_note() -> str:
    return t(
        "No GPU here: two epochs of the full set take minutes on the CPU, --subset seconds.",
        "这台机器没有 GPU:在 CPU 上完整数据集训练两轮需要几分钟,--subset 只需几秒。",
    )


def main(argv=None, prog: str = PROG) -> int:
    args = parse(sys.argv[1:] if argv is None else argv, prog)
    import torch

    from dojo import mnist_data

    try:
        path = find_target(args.target)
        kata = load_target(path)
    except TargetError as err:
        print(err, file=sys.stderr)
        return 2
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    torch.manual_seed(args.seed)
    try:
        train_loader, test_loader = mnist_data.loaders(
            args.data,
            subset=args.subset,
            batch_size=args.batch_size,
            test_batch_size=args.test_batch_size,
            download=args.download,
            generator=torch.Generator().manual_seed(args.seed),
            **({"num_workers": 2, "pin_memory": True} if device.type == "cuda" else {}),
        )
    except mnist_data.MnistNotFound as err:
        print(missing_data_line(err.root, device.type == "cuda", prog), file=sys.stderr)
        return 2
    if device.type == "cpu" and not args.subset:
        print(t("note: ", "提示:") + cpu_note(), file=sys.stderr)
    n_train, n_test = len(train_loader.dataset), len(test_loader.dataset)
    if _REFERENCE and Path(_REFERENCE[0].name) in path.parents:
        path = t("the reference (the package's)", "参考答案(包中附带的)")
    print(
        t(
            f"{path}: {n_train:,} training and {n_test:,} test digits on {device}, "
            f"{args.epochs} epoch(s), SGD lr {args.lr} momentum {args.momentum}, "
            f"batches of {args.batch_size}",
            f"{path}:{n_train:,} 个训练数字、{n_test:,} 个测试数字,设备 {device},{args.epochs} 轮,"
            f"SGD lr {args.lr} momentum {args.momentum},批大小 {args.batch_size}",
        )
    )
    start = time.perf_counter()
    try:
        model = kata.Net().to(device)
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
        accuracy = None
        for epoch in range(1, args.epochs + 1):
            bar = Progress(
                train_loader, t(f"epoch {epoch}/{args.epochs}", f"第 {epoch}/{args.epochs} 轮")
            )
            train_loss = kata.train(model, device, bar, optimizer, epoch)
            test_loss, accuracy = kata.test(
                model, device, Progress(test_loader, "test", leave=False)
            )
            print(
                t(
                    f"epoch {epoch}: train loss {_num(train_loss)}, test loss {_num(test_loss)}, "
                    f"accuracy {_percent(accuracy)}",
                    f"第 {epoch} 轮:训练损失 {_num(train_loss)},测试损失 {_num(test_loss)},"
                    f"准确率 {_percent(accuracy)}",
                )
            )
    except NotImplementedError as err:
        reference = reference_available()
        print(
            t(
                f"not started: {err} still raises NotImplementedError in {path}. "
                f"Fill in the TODOs (dojo hint mnist)"
                + (", or train the reference: --target solutions." if reference else "."),
                f"尚未开始:{path} 中的 {err} 仍然抛出 NotImplementedError。请完成 TODO"
                f"(dojo hint mnist)" + (",或训练参考答案:--target solutions。" if reference
                                        else "。"),
            ),
            file=sys.stderr,
        )
        return 1
    seconds = time.perf_counter() - start
    print(
        t(
            f"test accuracy: {_percent(accuracy)} after {args.epochs} epoch(s), {seconds:.1f} s",
            f"测试准确率:{_percent(accuracy)}({args.epochs} 轮,{seconds:.1f} 秒)",
        )
    )
    if args.save:
        torch.save(model.state_dict(), args.save)
        print(t(f"saved the weights to {args.save}", f"权重已保存到 {args.save}"))
    return 0


def _num(value) -> str:
    try:
        return f"{float(value):.4f}"
    except (TypeError, ValueError):
        return repr(value)


def _percent(value) -> str:
    try:
        return f"{100 * float(value):.2f}%"
    except (TypeError, ValueError):
        return repr(value)


if __name__ == "__main__":
    raise SystemExit(main(prog="python -m dojo.train_mnist"))
