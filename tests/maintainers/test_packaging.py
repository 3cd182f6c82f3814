"""What `pip install` of the project ships: every subpackage of dojo and its data (the notebooks,
the grader's bundles and `dojo reset` rely on them without a checkout)."""

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_subpackage_of_dojo_is_shipped():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "dojo").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= set(CONFIG["packages"]), f"add to [tool.setuptools] packages: {found - set(CONFIG['packages'])}"


def test_the_data_the_package_reads_is_shipped():
    data = CONFIG["package-data"]
    assert "catalog.toml" in data["dojo"]
    assert "*.json" in data["dojo.data"] and "mnist-subset/*" in data["dojo.data"]
    assert (ROOT / "dojo/data/stubs.json").is_file()
    assert len(list((ROOT / "dojo/data/mnist-subset").glob("*-ubyte.gz"))) == 4
