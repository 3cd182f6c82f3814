"""Finding the class's submissions and reading their kata files, safely.

A submission is a subfolder or a `.zip` file of SUBMISSIONS, named by the student. Its kata
files sit at its top level or in a `katas/` folder (possibly inside one wrapping folder, as a
zipped folder has). Only the allow-listed kata files (`<module>.py` for the catalog's modules)
are ever read, as bytes: nothing of a submission is executed, extracted or imported here.

Archives are checked before anything is read: a member that climbs out (`..`, an absolute path,
a drive letter), a symlink that points out, too many members, too much data or a suspicious
compression ratio (a zip bomb) refuse the whole submission with a reason.

Reading can never stop the run: every error of one submission (whatever the zip and
file-system layers raise, memory, a name that does not decode) refuses that submission, with
its reason. A name that is not UTF-8 (a Latin-1 "Zoë" left by a legacy unzip or an LMS export)
is kept as bytes (`raw_name`) and shown with those bytes escaped (`Zo\\xeb`).
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
MAX_ZIP = MAX_TOTAL + 8 * 1024 * 1024  # the archive itself (it cannot hold more than MAX_TOTAL)
MAX_LINK = 4096  # the target of a symlink member (a path)
MAX_REASON = 600
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
    raw_name: bytes | None = None  # the name's bytes, where they are not UTF-8 (name: escaped)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for module in sorted(self.files):
            digest.update(module.encode() + b"\0" + self.files[module] + b"\0")
        digest.update(f"refused:{self.refused}".encode())
        return digest.hexdigest()


def text_name(raw: bytes) -> tuple[str, bytes | None]:
    """(the name as text, its bytes where they are not UTF-8): `b"Zo\\xeb"` gives
    `("Zo\\\\xeb", b"Zo\\xeb")`, the bytes that do not decode shown escaped."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw


def safe_text(text: str, cap: int = MAX_REASON) -> str:
    """Any string as text that UTF-8 encodes, capped: the bytes of a file name that is not
    UTF-8 (surrogate escapes) shown as `\\xeb`, any other lone surrogate as `\\udc00`."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= cap else text[:cap] + "..."


def _entry(entry: os.DirEntry) -> Submission | None:
    raw = os.fsencode(entry.name)
    if raw.startswith(b".") or raw == b"__MACOSX":
        return None
    path = Path(entry.path)
    if entry.is_symlink():
        name, raw_name = text_name(raw)
        return Submission(name, path, refused="the submission is a symlink", raw_name=raw_name)
    if entry.is_dir(follow_symlinks=False):
        name, raw_name = text_name(raw)
    elif entry.is_file(follow_symlinks=False) and raw.lower().endswith(b".zip"):
        name, raw_name = text_name(raw[:-4])
    else:
        return None
    sub = Submission(name, path, raw_name=raw_name)
    if raw_name is not None:
        sub.notes.append("the name is not UTF-8: shown with its bytes escaped")
    return sub


def discover(folder: Path) -> list[Submission]:
    """Every submission of the class, in a stable order (by the names' bytes). An entry that
    cannot be looked at is a refused submission, never an error of the run."""
    found = []
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: os.fsencode(e.name))
    for entry in entries:
        try:
            sub = _entry(entry)
        except Exception as err:  # noqa: BLE001 - one upload, never the run
            name, raw_name = text_name(os.fsencode(entry.name))
            sub = Submission(name, Path(entry.path), raw_name=raw_name,
                             refused=f"could not be read ({describe(err)})")
        if sub is not None:
            found.append(sub)
    assign_dirs(found)
    return found


def describe(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return safe_text(text, 300)


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
    """Fill `sub.files` with the kata files of the submission, or set `sub.refused`. Never
    raises: whatever goes wrong reading one submission refuses that submission, with why."""
    if sub.refused:
        sub.refused = safe_text(sub.refused)
        return sub
    try:
        if sub.path.is_dir():
            sub.files = _from_folder(sub.path, modules)
        else:
            sub.files = _from_zip(sub.path, modules)
    except Refused as err:
        sub.refused = safe_text(str(err))
    except MemoryError:
        sub.refused = "could not be read: it needs more memory than the grader has"
    except Exception as err:  # noqa: BLE001 - one upload, never the run
        sub.refused = f"could not be read ({describe(err)})"
    if sub.refused:
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
        rel = f"{prefix}{module}.py"
        try:
            files[module] = _read_file(listing[rel], rel)
        except OSError as err:
            raise Refused(f"{rel} cannot be read ({err.strerror or describe(err)})") from None
    return files


def _read_file(path: Path, rel: str) -> bytes:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        path = Path(os.path.realpath(path))  # inside the submission (checked above)
        info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{rel} is not a regular file")
    if info.st_size > MAX_FILE:
        raise Refused(f"{rel} is larger than {MAX_FILE // 1024} KiB")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise Refused(f"{rel} is not a regular file")
        data = handle.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise Refused(f"{rel} is larger than {MAX_FILE // 1024} KiB")
    return data


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
    size = os.stat(path).st_size
    if size > MAX_ZIP:
        raise Refused(f"the archive is {size // 2**20} MiB (at most {MAX_ZIP // 2**20} MiB)")
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError as err:
        raise Refused(f"a member's name is flagged UTF-8 but is not: {err.object!r}") from None
    except Exception as err:  # noqa: BLE001 - BadZipFile, OSError, EOFError, ValueError, ...
        raise Refused(f"not a readable zip file ({describe(err)})") from None
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
                _check_link(archive, info, name)
                continue  # a symlink inside: never followed, never read beyond its target
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
            data = _read_member(archive, info, MAX_FILE + 1)
            if len(data) > MAX_FILE:
                raise Refused(f"{info.filename} is larger than {MAX_FILE // 1024} KiB "
                              f"once decompressed (its header says otherwise)")
            files[module] = data
        return files


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """At most `cap` bytes of a member; corrupt data (zlib.error, a bad CRC, a truncated
    stream, an unknown method or encryption) refuses the submission."""
    try:
        with archive.open(info) as handle:
            return handle.read(cap)
    except MemoryError:
        raise
    except Exception as err:  # noqa: BLE001
        raise Refused(f"{info.filename} cannot be read ({describe(err)})") from None


def _check_link(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """A symlink member: its target (a path, at most MAX_LINK bytes, never read further) must
    stay inside the archive."""
    if info.file_size > MAX_LINK:
        raise Refused(f"member {info.filename!r} is a symlink of {info.file_size} bytes "
                      f"(a link's target is a path of at most {MAX_LINK} bytes)")
    raw = _read_member(archive, info, MAX_LINK + 1)
    if len(raw) > MAX_LINK:
        raise Refused(f"member {info.filename!r} is a symlink longer than {MAX_LINK} bytes")
    target = raw.decode("utf-8", "backslashreplace")
    joined = os.path.normpath(str(PurePosixPath(name).parent / target))
    if target.startswith("/") or joined.split("/")[0] == "..":
        raise Refused(f"member {info.filename!r} is a symlink that points outside "
                      f"the archive ({target})")
