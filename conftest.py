"""The kata tests' plugin: `--target`, `--kata`, `--lang`, the `kata` fixture, teaching reports.
It lives in the package (dojo/pytest_plugin.py) so that notebooks and the grader use the same."""

pytest_plugins = ["dojo.pytest_plugin"]
