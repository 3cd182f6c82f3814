"""What the kata tests use to teach: failures that say what went wrong and why.

A failing test prints a message, never a raw traceback or tensor diff:

    sgd_step([w, b], lr=0.1)
      the caller's tensor did not change: ...
      got:      w = tensor([...])
      expected: w = tensor([...])
      more: dojo explain inplace_update
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

import pytest

from dojo.i18n import t


def show(value: Any, digits: int = 4) -> str:
    """A short, readable rendering of a value (tensors on one line, rounded)."""
    try:
        import torch
    except ImportError:  # pragma: no cover
        torch = None
    if torch is not None and isinstance(value, torch.Tensor):
        flat = value.detach().flatten()
        shown = ", ".join(_num(x, digits) for x in flat[:6].tolist())
        more = ", ..." if flat.numel() > 6 else ""
        extras = [f"shape {tuple(value.shape)}"]
        if value.requires_grad:
            extras.append("requires_grad")
        return f"tensor([{shown}{more}]) ({', '.join(extras)})"
    if isinstance(value, float):
        return _num(value, digits)
    if isinstance(value, (list, tuple)) and len(value) <= 8:
        inner = ", ".join(show(v, digits) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _num(x: Any, digits: int) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return repr(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return repr(x)
    return f"{x:.{digits}g}"


def fail(
    en: str,
    zh: str | None = None,
    *,
    call: str | None = None,
    got: Any = None,
    expected: Any = None,
    kata: str | None = None,
) -> NoReturn:
    """Fail the test with a teaching message (English and 中文; the learner's language is shown).

    `call` restates what the test called, `got` and `expected` show the values (already
    rendered as text, or any value that `show` renders)."""
    lines = []
    if call:
        lines.append(call)
    lines.append(("  " if call else "") + t(en, zh or en))
    if got is not None:
        lines.append(t("  got:      ", "  得到:    ") + (got if isinstance(got, str) else show(got)))
    if expected is not None:
        text = expected if isinstance(expected, str) else show(expected)
        lines.append(t("  expected: ", "  应为:    ") + text)
    if kata:
        lines.append(t(f"  more: dojo explain {kata}", f"  更多:dojo explain {kata}"))
    pytest.fail("\n".join(lines), pytrace=False)


def expect(condition: Any, en: str, zh: str | None = None, **details: Any) -> None:
    """`fail(en, zh, ...)` unless the condition holds."""
    if not condition:
        fail(en, zh, **details)


def close(a, b, *, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Whether two tensors (or numbers) agree, shapes included."""
    import torch

    a = torch.as_tensor(a).detach()
    b = torch.as_tensor(b).detach()
    if a.shape != b.shape:
        return False
    return bool(torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol))


def expect_changed_in_place(named, ids, storages, *, call: str, kata: str) -> None:
    """The caller's parameters were updated in place: the same objects (`ids`), the same storage
    (`storages`), each still a leaf that requires grad. `named` is [(name, tensor), ...]."""
    tensors = [p for _, p in named]
    expect(
        [id(p) for p in tensors] == list(ids) and [p.data_ptr() for p in tensors] == list(storages),
        "the parameters were replaced (new objects or new storage): the caller's tensors must "
        "change in place, `param -= ...` under `torch.no_grad()`.",
        "参数被替换了(新对象或新存储):调用方的张量必须原地修改,在 `torch.no_grad()` 下 "
        "`param -= ...`。",
        call=call,
        kata=kata,
    )
    for name, p in named:
        expect(
            p.is_leaf and p.requires_grad,
            f"`{name}` is no longer a leaf that requires grad: do the update under "
            f"`torch.no_grad()`.",
            f"`{name}` 不再是需要梯度的叶子张量:请在 `torch.no_grad()` 下更新。",
            call=call,
            got=p,
            kata=kata,
        )
