"""A broken Python environment, told apart from the learner's code.

When importing one of the katas' dependencies fails (torchvision built for another torch:
"operator torchvision::nms does not exist"; a dependency not installed; a binary that does not
load), no kata file is at fault, and no hint helps: the fix is an installation. `problem(exc)`
finds such a failure in an exception (or the exceptions it was raised from) and says what it is
and how to fix it; the plugin reports the test as "environment", a state that `dojo` never
records as the learner's (so a fixed install is checked again).

The learner's own import mistakes stay theirs: a submodule that does not exist
(`import torch.nn.functionall`) or a name that a module lacks.
"""

from __future__ import annotations

from dojo.i18n import t

# the import names of the katas' dependencies (pyproject.toml) and what they load
DEPENDENCIES = ("torch", "torchvision", "numpy", "hypothesis", "pytest", "matplotlib", "PIL",
                "tqdm", "rich", "watchfiles", "pytest_benchmark", "pytest_timeout")
# where a dependency's import name and its package's name differ
DISTRIBUTIONS = {"PIL": "pillow", "pytest_benchmark": "pytest-benchmark",
                 "pytest_timeout": "pytest-timeout"}


def _imports_under_way(tb) -> list[str]:
    """The modules being imported where this traceback passed (importlib's frames), outermost
    first."""
    names = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith("<frozen importlib") and code.co_name == "_find_and_load":
            name = tb.tb_frame.f_locals.get("name")
            if isinstance(name, str):
                names.append(name)
        tb = tb.tb_next
    return names


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def failed_import(exc: BaseException) -> tuple[str, BaseException] | None:
    """(the dependency whose import failed, the error) when `exc` comes from one; else None."""
    for err in _chain(exc):
        if not isinstance(err, Exception):  # a budget's OutOfTime during an import: the time
            return None
        if isinstance(err, ModuleNotFoundError):
            missing = (err.name or "").split(".")[0]
            # a dependency that is not installed at all; a missing submodule of an installed
            # one is a typo in the importing file
            if missing in DEPENDENCIES and err.name == missing:
                return missing, err
            continue
        for name in _imports_under_way(err.__traceback__):
            top = name.split(".")[0]
            if top in DEPENDENCIES:
                return top, err
    return None


def version(distribution: str) -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as _version

        return _version(DISTRIBUTIONS.get(distribution, distribution))
    except (PackageNotFoundError, ValueError, ImportError):
        return None


def _describe(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def problem(exc: BaseException) -> str | None:
    """What is wrong with the environment and how to fix it, in the learner's language; None
    when `exc` is not an environment's failure."""
    found = failed_import(exc)
    if found is None:
        return None
    name, err = found
    what = _describe(err)
    head = t(f"the Python environment is broken, not your code: importing `{name}` failed "
             f"({what}).",
             f"Python 运行环境有问题,不是你的代码的问题:导入 `{name}` 失败({what})。")
    torch, vision = version("torch"), version("torchvision")
    matching = t(
        "Install a matching pair: in a clone of the project `pip install -c constraints.txt "
        "-e .`; elsewhere `pip install --upgrade torch torchvision` together (without a GPU: "
        "`pip install --upgrade torch torchvision --index-url "
        "https://download.pytorch.org/whl/cpu`).",
        "请安装互相匹配的一对:在项目的克隆中运行 `pip install -c constraints.txt -e .`;其他情况下"
        "一起升级 `pip install --upgrade torch torchvision`(没有 GPU 时:`pip install --upgrade "
        "torch torchvision --index-url https://download.pytorch.org/whl/cpu`)。")
    if isinstance(err, ModuleNotFoundError):
        fix = t(f"`{name}` is not installed: run `pip install -e .` in the project's folder (or "
                f"`pip install pytorch-pitfall-katas`).",
                f"`{name}` 没有安装:请在项目文件夹中运行 `pip install -e .`(或 "
                f"`pip install pytorch-pitfall-katas`)。")
    elif name == "torchvision" or "torchvision::" in str(err):
        pair = f"torch {torch or '?'}, torchvision {vision or '?'}"
        fix = t(f"torch and torchvision do not match ({pair}): each torchvision is built for "
                f"one torch version. " + matching,
                f"torch 与 torchvision 的版本不匹配({pair}):每个 torchvision 只适用于一个 torch "
                f"版本。" + matching)
    else:
        dist = DISTRIBUTIONS.get(name, name)
        fix = t(f"Reinstall it: `pip install --force-reinstall {dist}` (or, in a clone of the "
                f"project, `pip install -c constraints.txt -e .`).",
                f"请重新安装:`pip install --force-reinstall {dist}`(或在项目的克隆中运行 "
                f"`pip install -c constraints.txt -e .`)。")
    after = t("Then check again; nothing was recorded as your kata's state.",
              "修好之后再检查一次;这次结果没有记为你的 kata 的状态。")
    return "\n".join([head, "  " + fix, "  " + after])
