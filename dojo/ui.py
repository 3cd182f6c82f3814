"""What `dojo` prints: one console (rich: colours on a terminal, plain text when piped), the
names of the states in both languages, and the verdict of a check."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from dojo.i18n import STATE_LABELS, t
from dojo.i18n import state_label as i18n_state_label

_console: Console | None = None
_errors: Console | None = None


def _make(stream) -> Console:
    tty = stream.isatty() if hasattr(stream, "isatty") else False
    width = None
    if not tty:  # piped: wide enough that a table's rows stay on one line
        try:
            width = max(120, int(os.environ.get("COLUMNS", "0")))
        except ValueError:
            width = 120
    return Console(
        file=stream,
        width=width,
        highlight=False,
        soft_wrap=not tty,  # piped output: one line per line, so that it can be searched
        force_terminal=True if os.environ.get("DOJO_COLOR") == "1" else None,
        no_color=bool(os.environ.get("NO_COLOR")),
    )


def console() -> Console:
    global _console
    if _console is None or _console.file is not sys.stdout:
        _console = _make(sys.stdout)
    return _console


def err_console() -> Console:
    global _errors
    if _errors is None or _errors.file is not sys.stderr:
        _errors = _make(sys.stderr)
    return _errors


def say(*parts, style: str | None = None, end: str = "\n") -> None:
    """Print plain text (never parsed as rich markup) or rich renderables."""
    con = console()
    items = [Text(p, style=style or "") if isinstance(p, str) else p for p in parts]
    con.print(*items, end=end)
    con.file.flush()


def error(line: str) -> None:
    err_console().print(Text(line, style="bold red"))


def note(line: str) -> None:
    err_console().print(Text(line, style="yellow"))


# --- states ----------------------------------------------------------------------------------

_LOOKS = {
    "solved": ("✓", "green"),
    "failing": ("✗", "red"),
    "not started": ("○", "yellow"),
    "broken": ("!", "magenta"),
    "no tests": ("·", "dim"),
    "skipped": ("-", "dim"),
    "error": ("!", "magenta"),
    "crashed": ("!", "magenta"),
    "timeout": ("!", "magenta"),
    "environment": ("!", "magenta"),
    "unknown": ("?", "dim"),
}
# state: (symbol, style, English, 中文); the names are dojo.i18n's
STATES = {state: (*look, *STATE_LABELS[state]) for state, look in _LOOKS.items()}


def state_label(state: str) -> str:
    return i18n_state_label(state)


def state_text(state: str) -> Text:
    symbol, style, _, _ = STATES.get(state, ("?", "", state, state))
    return Text(f"{symbol} {state_label(state)}", style=style)


# --- verdicts --------------------------------------------------------------------------------


@dataclass
class Verdict:
    """The outcome of checking one catalog step."""

    step: str
    state: str
    passed: int = 0
    total: int = 0
    message: str | None = None
    test: str | None = None
    output: str | None = None  # what the learner's code printed during that test

    @property
    def solved(self) -> bool:
        return self.state == "solved"


def clean_message(message: str | None) -> str | None:
    if not message:
        return message
    for prefix in ("Failed: ", "Failed:"):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message.rstrip()


def verdicts_from(outcome: dict, steps: list[str]) -> list[Verdict]:
    """One verdict per step from a run's report (`tests`, `steps`, `exitcode`, `output`)."""
    tests = outcome.get("tests", [])
    states = outcome.get("steps", {})
    out = []
    for step in steps:
        mine = [r for r in tests if r.get("step") == step]
        ran = [r for r in mine if r["state"] != "skipped"]
        calls = [r for r in ran if r["when"] == "call" or r["state"] != "passed"]
        names = {r["nodeid"] for r in ran}
        failed_names = {r["nodeid"] for r in ran if r["state"] != "passed"}
        total = len(names)
        passed = total - len(failed_names)
        state = states.get(step)
        if state is None:
            if mine:
                state = "skipped"
            elif outcome.get("exitcode") not in (0, 1, 5, None):
                state = "error"
            else:
                state = "no tests"
        first = None
        for wanted in (("environment",), ("broken",), ("crashed",), ("timeout",), ("failing",),
                       ("not started",)):
            first = next((r for r in calls if r["state"] in wanted), None)
            if first is not None:
                break
        message = clean_message(first.get("message")) if first else None
        if state == "error":
            tail = "\n".join(outcome.get("output", "").strip().splitlines()[-12:])
            message = tail or None
        out.append(
            Verdict(
                step=step,
                state=state,
                passed=passed,
                total=total,
                message=message,
                test=first["nodeid"].split("::")[-1] if first else None,
                output=first.get("output") if first else None,
            )
        )
    return out


def indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.splitlines())
