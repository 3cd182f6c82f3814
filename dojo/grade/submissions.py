"""Finding the class's submissions and reading their kata files, safely.

A submission is a subfolder or a `.zip` file of SUBMISSIONS, named by the student. Its kata
files sit at its top level or in a `katas/` folder (possibly inside one wrapping folder, as a
zipped folder has). Only the allow-listed kata files (`<module>.py` for the catalog's modules)
are ever read, as bytes: nothing of a submission is executed, extracted or imported here.

Archives are checked before anything is read: a member that climbs out (`..`, an absolute path,
a drive letter), a symlink that points out, too many members, too much data or a suspicious
compression ratio (a zip bomb) refuse the whole submission with a reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE = 1024 * 1024  # one kata file
MAX_MEMBERS = 5000
MAX_TOTAL = 64 * 1024 * 1024  # all members of an archive, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB
RESERVED = {"grades.csv", "report.html", "grading.json", "students.json", "index.html", "logs"}


class Refused(Exception):
    """A submission that the grader will not read, and why."""


@dataclass
class Submission:
    name: str  # the student's name, as given by the folder or zip
    path: Path
    dir_name: str = ""  # the folder in OUT
    files: dict[str, bytes] = field(default_factory=dict)  # module -> source bytes
    refused: str | None = None
    notes: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for module in sorted(self.files):
            digest.update(module.encode() + b"\0" + self.files[module] + b"\0")
        digest.update(f"refused:{self.refused}".encode())
        return digest.hexdigest()


def discover(folder: Path) -> list[Submission]:
    """Every submission of the class, in a stable order."""
    found = []
    for entry in sorted(Path(folder).iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name in ("__MACOSX",):
            continue
        if entry.is_symlink():
            found.append(Submission(entry.name, entry, refused="the submission is a symlink"))
        elif entry.is_dir():
            found.append(Submission(entry.name, entry))
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            found.append(Submission(entry.name[: -len(entry.suffix)], entry))
    assign_dirs(found)
    return found


# --- names ------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def safe_dir_name(name: str) -> str:
    """A folder name for a student: the name itself where it is safe (any script, spaces
    kept), with separators, control characters and leading dots replaced."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        "_" if (ch in '/\\:*?"<>|' or unicodedata.category(ch).startswith("C")) else ch
        for ch in text
    ).strip()
    text = text.lstrip(".").rstrip(". ")
    if not text:
        text = "student"
    encoded = text.encode("utf-8")
    if len(encoded) > 150:
        text = encoded[:150].decode("utf-8", "ignore") + "~" + hashlib.sha1(encoded).hexdigest()[:8]
    return text


def assign_dirs(subs: list[Submission]) -> None:
    """Give every submission its own folder in OUT: names that collide once normalised or
    case-folded, and names of OUT's own files (report.html, grades.csv), get a suffix."""
    taken = {_key(r) for r in RESERVED}
    for sub in sorted(subs, key=lambda s: (_key(s.name), s.name, str(s.path))):
        base = safe_dir_name(sub.name)
        candidate, n = base, 1
        while _key(candidate) in taken:
            n += 1
            candidate = f"{base} ({n})"
        taken.add(_key(candidate))
        sub.dir_name = candidate


# --- reading the kata files -------------------------------------------------------------------


def _candidates(names: set[str]) -> list[str]:
    """Prefixes where kata files may sit, in order of preference."""
    prefixes = ["", "katas/"]
    tops = {n.split("/", 1)[0] for n in names if "/" in n}
    tops.discard("__MACOSX")
    tops.discard("katas")
    if len(tops) == 1:
        top = tops.pop()
        prefixes += [f"{top}/", f"{top}/katas/"]
    return prefixes


def _pick(available: dict[str, object], modules: list[str]) -> tuple[str, list[str]]:
    names = set(available)
    for prefix in _candidates(names):
        hits = [m for m in modules if f"{prefix}{m}.py" in names]
        if hits:
            return prefix, hits
    return "", []


def load(sub: Submission, modules: list[str]) -> Submission:
    """Fill `sub.files` with the kata files of the submission, or set `sub.refused`."""
    if sub.refused:
        return sub
    try:
        if sub.path.is_dir():
            sub.files = _from_folder(sub.path, modules)
        else:
            sub.files = _from_zip(sub.path, modules)
    except Refused as err:
        sub.refused = str(err)
        sub.files = {}
    return sub


def _points_out(link: Path, root: Path) -> bool:
    target = Path(os.path.realpath(link))
    return target != root and root not in target.parents


def _from_folder(root: Path, modules: list[str]) -> dict[str, bytes]:
    root = root.resolve()
    listing: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel = Path(dirpath).relative_to(root)
        for name in filenames + dirnames:
            path = Path(dirpath) / name
            if path.is_symlink() and _points_out(path, root):
                raise Refused(
                    f"{(rel / name).as_posix()} is a symlink that points outside the submission "
                    f"({os.readlink(path)})"
                )
        if len(rel.parts) >= 2:
            dirnames[:] = []
        for name in filenames:
            listing[(rel / name).as_posix()] = Path(dirpath) / name
    prefix, hits = _pick(listing, modules)
    files = {}
    for module in hits:
        path = listing[f"{prefix}{module}.py"]
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            path = Path(os.path.realpath(path))  # inside the submission (checked above)
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{prefix}{module}.py is not a regular file")
        if info.st_size > MAX_FILE:
            raise Refused(f"{prefix}{module}.py is larger than {MAX_FILE // 1024} KiB")
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise Refused(f"{prefix}{module}.py is larger than {MAX_FILE // 1024} KiB")
        files[module] = data
    return files


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    raw = info.filename
    name = raw.replace("\\", "/")
    if "\0" in name:
        return f"member {raw!r} has a NUL in its name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or name.startswith("//"):
        return f"member {raw!r} has an absolute path"
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return f"member {raw!r} climbs out of the archive (..)"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _from_zip(path: Path, modules: list[str]) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise Refused(f"not a readable zip file ({err})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise Refused(f"the archive has {len(members)} members (at most {MAX_MEMBERS})")
        total = 0
        listing: dict[str, zipfile.ZipInfo] = {}
        for info in members:
            problem = _member_problem(info)
            if problem:
                raise Refused(problem)
            name = info.filename.replace("\\", "/")
            if _is_symlink(info):
                target = archive.read(info)[:4096].decode("utf-8", "replace")
                joined = os.path.normpath(str(PurePosixPath(name).parent / target))
                if target.startswith("/") or joined.split("/")[0] == "..":
                    raise Refused(f"member {info.filename!r} is a symlink that points outside "
                                  f"the archive ({target})")
                continue  # a symlink inside: never followed, never read
            total += info.file_size
            if total > MAX_TOTAL:
                raise Refused(f"the archive holds more than {MAX_TOTAL // 2**20} MiB uncompressed")
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise Refused(f"member {info.filename!r} looks like a zip bomb "
                              f"({info.file_size} bytes from {info.compress_size})")
            if not info.is_dir():
                listing[name.lstrip("./") if name.startswith("./") else name] = info
        prefix, hits = _pick(listing, modules)
        files = {}
        for module in hits:
            info = listing[f"{prefix}{module}.py"]
            if info.file_size > MAX_FILE:
                raise Refused(f"{info.filename} is larger than {MAX_FILE // 1024} KiB")
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_FILE + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as err:
                raise Refused(f"{info.filename} cannot be read ({err})") from None
            if len(data) > MAX_FILE:
                raise Refused(f"{info.filename} is larger than {MAX_FILE // 1024} KiB "
                              f"once decompressed (its header says otherwise)")
            files[module] = data
        return files
