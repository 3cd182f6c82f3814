"""PyTorch Pitfall Katas: the `dojo` command line, the pytest plugin and the test helpers."""

__version__ = "0.1.0"
