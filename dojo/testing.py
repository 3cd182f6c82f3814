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


def show(value: Any, digits: int = 4, *, like: Any = None) -> str:
    """A short, readable rendering of a value, as a person would write it: tensors on one line
    and rounded (`tensor(1.402)` for one number, `tensor([1.0, 2.5]) (shape (2,))` otherwise),
    floats with their decimal point, lists of them likewise.

    Only what a test compares is shown: values and shape. `like`: the value this one is shown
    beside (`got` beside `expected`); where the two agree in values and shape, a dtype or a
    `requires_grad` that differs is the difference, and is shown on both. Beside different
    values it is not (the tests' comparisons cast, and accept a float32 answer): shown there,
    it sent learners casting to "match"."""
    value, like = _plain(value), _plain(like)
    torch = _torch()
    if torch is not None and isinstance(value, torch.Tensor):
        flat = value.detach().flatten()
        shown = ", ".join(_num(x, digits) for x in flat[:6].tolist())
        if value.dim() == 0:
            text = f"tensor({shown})"
        else:
            more = ", ..." if flat.numel() > 6 else ""
            text = f"tensor([{shown}{more}])"
        extras = [] if value.dim() == 0 else [t("shape ", "形状 ") + str(tuple(value.shape))]
        other = like if isinstance(like, torch.Tensor) else None
        if other is not None and _alike(value, other):
            if other.dtype != value.dtype:
                extras.append(str(value.dtype).replace("torch.", ""))
            if other.requires_grad != value.requires_grad:
                extras.append(f"requires_grad={value.requires_grad}")
        return f"{text} ({', '.join(extras)})" if extras else text
    if isinstance(value, float):
        return _num(value, digits)
    if isinstance(value, (list, tuple)):
        items = [show(v, digits, like=_item(like, i)) for i, v in enumerate(value[:8])]
        if len(value) > 8:
            items.append(f"... ({len(value)} items)")
        inner = ", ".join(items)
        if isinstance(value, tuple) and len(value) == 1:
            inner += ","
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def show_pair(got: Any, expected: Any, digits: int = 4) -> tuple[str, str]:
    """`got` and `expected` rendered alike, with enough digits to tell them apart (up to 8)."""
    for more in range(digits, 9):
        a, b = show(got, more, like=expected), show(expected, more, like=got)
        if a != b or not _differ(got, expected):
            return a, b
    return a, b


def _plain(value: Any) -> Any:
    """A tensor the grader observed (`dojo.spec.Seen`) shown as the tensor it was."""
    from dojo.spec import Seen

    if isinstance(value, Seen):
        if value.complete and value.error is None:
            return value.tensor
        if value.error is not None:
            return f"a tensor that could not be read ({value.error})"
        return f"a {value.dtype_name} tensor of shape {tuple(value.shape)}"
    return value


def _alike(a: Any, b: Any) -> bool:
    """Two tensors of the same shape and values, compared at the coarser of their precisions
    (a float32 result beside a float64 one agrees where float32 rounds it the same)."""
    torch = _torch()
    try:
        if a.shape != b.shape:
            return False
        a, b = a.detach().cpu(), b.detach().cpu()
        if a.dtype != b.dtype:
            if a.is_floating_point() and b.is_floating_point():
                low = a.dtype if torch.finfo(a.dtype).eps >= torch.finfo(b.dtype).eps else b.dtype
            else:
                low = torch.float64
            a, b = a.to(low), b.to(low)
        return bool(torch.equal(a, b))
    except Exception:  # noqa: BLE001 - values that do not compare: not alike
        return False


def _differ(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    torch = _torch()
    try:
        if torch is not None and isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
            return not _alike(a, b)
        return bool(a != b)
    except Exception:  # noqa: BLE001 - values that do not compare: say they differ
        return True


def _item(value: Any, i: int) -> Any:
    if isinstance(value, (list, tuple)) and i < len(value):
        return value[i]
    return None


def _torch():
    try:
        import torch
    except ImportError:  # pragma: no cover
        return None
    return torch


def _num(x: Any, digits: int) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return repr(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return repr(x)
    text = f"{x:.{digits}g}"
    if isinstance(x, float) and not any(c in text for c in ".e"):
        text += ".0"  # a float looks like one: 1.0, not 1
    return text


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
    rendered as text, or any value that `show` renders; two values are rendered alike)."""
    lines = []
    if call:
        lines.append(call)
    lines.append(("  " if call else "") + t(en, zh or en))
    if got is not None and expected is not None and not isinstance(got, str) \
            and not isinstance(expected, str):
        got, expected = show_pair(got, expected)
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

    from dojo.spec import unwrap

    a = torch.as_tensor(unwrap(a)).detach()
    b = unwrap(b)
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


def undecided(why: tuple[str, str], what: tuple[str, str], *, see: str | None = None,
              call: str | None = None, got: Any = None, kata: str | None = None) -> NoReturn:
    """Fail a claim that cannot be decided on this observation.

    A claim passes only when it has verified what it says on what the learner's code did. Where
    the call raised, or gave back data the claim cannot be checked on (the wrong shape, no
    values, another claim's mistake in the way), the judge fails here instead of returning
    early: an early return would award the claim to an answer that does nothing, or raises.
    `why` says, in words, what was seen (`("squared_loss raised RuntimeError: ...", "...")`),
    `what` what this claim would have checked (`("whether the loss keeps the graph", "...")`),
    `see` the test that names the underlying mistake. Returning early stays right only where
    the *case* makes the claim vacuous for every answer (no grad to keep on a case without one).
    """
    why_en, why_zh = why
    what_en, what_zh = what
    en = (f"{why_en.rstrip('.')}, so {what_en} cannot be checked on this call (a claim is passed "
          f"only where it was checked)")
    zh = f"{why_zh.rstrip('。')},因此无法在这次调用上检查{what_zh}(只有检查过的才算通过)"
    if see:
        en += f": see `{see}` for what is wrong."
        zh += f":出了什么问题见 `{see}`。"
    else:
        en += "."
        zh += "。"
    fail(en, zh, call=call, got=got, kata=kata)


def expect_different(a: Any, b: Any, en: str, zh: str | None = None, **details: Any) -> None:
    """`fail(en, zh, ...)` unless `a` and `b` really differ (`dojo.diagnose.differ`): the same
    number of values, all finite, one pair at least not equal. Where either holds nan or inf
    (or they differ in size) it fails too, saying so: `torch.equal` and `!=` read nan as
    different from everything, itself included, so nan would fake "different"."""
    from dojo.diagnose import differ

    verdict = differ(a, b)
    if verdict is None:
        fail("the values compared hold nan or inf (or differ in size), and whether two results "
             "differ is not decided on such values (nan equals nothing, itself included): here "
             "they must be finite numbers.",
             "参与比较的值里有 nan 或 inf(或大小不同),而两个结果是否不同不能用这样的值来判断(nan 不等于"
             "任何数,包括它自己):这里它们必须是有限的数。", **details)
    if not verdict:
        fail(en, zh, **details)
