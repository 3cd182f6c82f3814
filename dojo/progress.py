"""The learner's own progress: `.dojo/progress.json` in the project (git ignores `.dojo/`).

    {
      "version": 1,
      "hints": {"inplace_update": 2},          # hints shown so far, per catalog step
      "current": "leaf_tensors",               # the kata the learner is on (list/check/watch)
      "states": {"inplace_update": {"state": "solved", "key": "<fingerprint>"}},
      "solved_at": {"inplace_update": "2025-01-01T12:00:00"},
      "backups": [{"kata": "inplace_update", "path": ".dojo/backups/...", "at": "..."}]
    }

`states` is a cache: a step's state is reused only while the fingerprint of its kata file and
test file is unchanged, so `dojo list` re-runs only what changed since (`--fresh` re-runs all).

A corrupt file never stops a command: it is moved aside (named in one line) and a fresh one
started, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from dojo import __version__
from dojo.i18n import t

VERSION = 1


def _empty() -> dict:
    return {"version": VERSION, "hints": {}, "states": {}, "solved_at": {}, "backups": []}


class Progress:
    def __init__(self, project: Path, *, warn=None):
        self.project = Path(project)
        self.folder = self.project / ".dojo"
        self.path = self.folder / "progress.json"
        self.warnings: list[str] = []
        self._warn = warn
        self.data = self._read()

    # --- file -----------------------------------------------------------------------------

    def _read(self) -> dict:
        if not self.path.exists():
            return _empty()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            for key, kind in (("hints", dict), ("states", dict), ("solved_at", dict),
                              ("backups", list)):
                value = data.setdefault(key, kind())
                if not isinstance(value, kind):
                    raise ValueError(f"'{key}' is not a {kind.__name__}")
            return data
        except (ValueError, UnicodeDecodeError, OSError) as err:
            aside = self.path.with_name(f"progress.json.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, aside)
                where = self._rel(aside)
            except OSError:
                where = None
            rel = self._rel(self.path)
            if where:
                message = t(
                    f"note: {rel} was unreadable ({err}); it was moved to {where} and a fresh "
                    f"progress file started (your katas are untouched; only hint counts reset).",
                    f"提示:{rel} 无法读取({err});已移到 {where} 并新建进度文件"
                    f"(你的 kata 文件没有受影响,只有提示计数归零)。",
                )
            else:
                message = t(
                    f"note: {rel} is unreadable ({err}); delete it to start a fresh one "
                    f"(your katas are untouched).",
                    f"提示:{rel} 无法读取({err});删除它即可重新开始(你的 kata 文件不受影响)。",
                )
            self.warnings.append(message)
            if self._warn:
                self._warn(message)
            return _empty()

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.project))
        except ValueError:
            return str(path)

    def save(self) -> None:
        """Write atomically, merging with what another dojo process wrote meanwhile."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".progress.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as err:
            message = t(
                f"note: could not save {self._rel(self.path)} ({err}); progress is not recorded.",
                f"提示:无法保存 {self._rel(self.path)}({err});进度没有记录。",
            )
            if self._warn:
                self._warn(message)

    # --- hints ----------------------------------------------------------------------------

    def hints_used(self, step: str) -> int:
        value = self.data["hints"].get(step, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    def set_hints_used(self, step: str, count: int) -> None:
        self.data["hints"][step] = count

    # --- the kata the learner is on -------------------------------------------------------

    @property
    def current(self) -> str | None:
        value = self.data.get("current")
        return value if isinstance(value, str) else None

    @current.setter
    def current(self, step: str | None) -> None:
        self.data["current"] = step

    # --- cached states --------------------------------------------------------------------

    def cached_state(self, step: str, key: str) -> str | None:
        entry = self.data["states"].get(step)
        if isinstance(entry, dict) and entry.get("key") == key:
            return entry.get("state")
        return None

    def any_cached_state(self, step: str) -> str | None:
        """The last state seen, whatever changed since (for commands that run no test)."""
        entry = self.data["states"].get(step)
        return entry.get("state") if isinstance(entry, dict) else None

    def record_state(self, step: str, key: str, state: str) -> None:
        self.data["states"][step] = {"state": state, "key": key}
        if state == "solved":
            self.data["solved_at"].setdefault(step, time.strftime("%Y-%m-%dT%H:%M:%S"))

    def record_backup(self, kata: str, path: Path) -> None:
        self.data["backups"].append(
            {"kata": kata, "path": self._rel(path), "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        )


_INSTALLED: list[str] = []


def installed() -> str:
    """The torch and torchvision installed (their metadata, without importing them)."""
    if not _INSTALLED:
        from dojo.environment import version

        _INSTALLED.append(f"torch {version('torch')} torchvision {version('torchvision')}")
    return _INSTALLED[0]


def fingerprint(project: Path, module: str) -> str:
    """Changes whenever the kata file, its tests, the dojo version or the installed torch and
    torchvision change (a state seen under a broken install is not trusted once it is fixed)."""
    digest = hashlib.sha256(__version__.encode() + b"\0" + installed().encode())
    for path in (Path(project) / "katas" / f"{module}.py",
                 Path(project) / "tests" / f"test_{module}.py"):
        digest.update(b"\0" + str(path.name).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()[:20]
