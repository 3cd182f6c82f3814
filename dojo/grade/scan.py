"""What the grading process reads in a kata file without running it (issue 20): imports of the
project's own code, and code the file builds at run time. Parsed with `ast`, never imported.

- `project_imports`: the file reaches the project's own package (`dojo`, `tests`, `solutions`,
  or a `_dojo*` module: the grader's, the kata's tests, the reference answers, the spec under
  test in a job): an `import`, `from ... import`, `__import__("dojo...")`,
  `importlib.import_module("dojo...")` with a literal name, or `sys.modules["dojo..."]`
  (`.get`, `.pop`, ...). Its answers would not be its own: the grader flags the kata. The job
  refuses such imports at run time too (`dojo.grade.observe_job`), which catches a name the
  file computes. The learner's own kata modules are not the project's: `katas.<kata>` (their
  folder in a learner's checkout) and `_dojo_target_<kata>` (the name the tests and the job load
  a kata file under, which `pickle` imports again to save or load the file's own classes and
  functions) are never refused.
- `built_code`: `exec`, `eval`, `compile` (the built-ins, not `model.eval()` or `re.compile`),
  and `__import__`/`import_module` of a name it computes. Not a flag (a learner may have a
  reason), but such code cannot be compared: the copying section lists the file with why.

A file that does not parse gives nothing here (the job reports it broken).
"""

from __future__ import annotations

import ast

PROJECT = ("dojo", "tests", "solutions")
KATA_MODULES = "_dojo_target_"  # dojo.pytest_plugin._import_file: a learner's own kata file
BUILDERS = ("exec", "eval", "compile")
IMPORTERS = ("__import__", "import_module")
BUILTINS = ("builtins", "__builtins__")
MAX_FOUND = 20


def project_module(name: str) -> bool:
    """Whether a module name is of the project's own packages (or a `_dojo*` module that is
    not a learner's own kata file: `_dojo_target_<kata>` is the learner's code)."""
    top = name.lstrip(".").partition(".")[0]
    return top in PROJECT or (top.startswith("_dojo") and not top.startswith(KATA_MODULES))


def _parse(source: bytes | str) -> ast.AST | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, TypeError):
        return None


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _of_modules(node: ast.AST) -> bool:
    """`sys.modules` (or `anything.modules`)."""
    return isinstance(node, ast.Attribute) and node.attr == "modules"


def _walk(tree: ast.AST):
    try:
        yield from ast.walk(tree)
    except RecursionError:
        return


def scan(source: bytes | str) -> dict[str, list[str]]:
    """{"imports": [...], "built": [...]}: what `project_imports` and `built_code` find, each
    `what (line N)`, at most MAX_FOUND of each."""
    found: dict[str, list[str]] = {"imports": [], "built": []}
    tree = _parse(source)
    if tree is None:
        return found

    def add(kind: str, text: str, node: ast.AST) -> None:
        entry = f"{text} (line {getattr(node, 'lineno', '?')})"
        if len(found[kind]) < MAX_FOUND and entry not in found[kind]:
            found[kind].append(entry)

    for node in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if project_module(alias.name):
                    add("imports", f"import {alias.name}", node)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and project_module(module):
                names = ", ".join(a.name for a in node.names[:3])
                add("imports", f"from {module} import {names}", node)
        elif isinstance(node, ast.Call):
            func = _name(node.func)
            first = _literal(node.args[0]) if node.args else None
            if func in IMPORTERS:
                if first is None:
                    add("built", f"{func}() of a name it computes", node)
                elif project_module(first):
                    add("imports", f"{func}({first!r})", node)
            elif func in BUILDERS and (isinstance(node.func, ast.Name) or (
                    isinstance(node.func, ast.Attribute) and _name(node.func.value) in BUILTINS)):
                add("built", f"{func}()", node)
            elif isinstance(node.func, ast.Attribute) and _of_modules(node.func.value) and \
                    first is not None and project_module(first):
                add("imports", f"sys.modules.{node.func.attr}({first!r})", node)
        elif isinstance(node, ast.Subscript) and _of_modules(node.value):
            key = _literal(node.slice)
            if key is not None and project_module(key):
                add("imports", f"sys.modules[{key!r}]", node)
    return found


def project_imports(source: bytes | str) -> list[str]:
    return scan(source)["imports"]


def built_code(source: bytes | str) -> list[str]:
    return scan(source)["built"]
