"""`dojo grade` and what it is handed (issue 20): uploads it cannot read, names that are not text,
what a job may keep or reach between jobs (keyrings), imports of the project's own code, and
copies padded or renamed.

- Reading submissions never stops the run: every error of one upload (its archive, its files,
  its name) costs that upload, with the reason in grades.csv and report.html. Fuzzed with
  hypothesis over zip bytes and folder names.
- Keyrings: a job gets a fresh session keyring, the key system calls are refused in it
  (seccomp), and its user's keyrings are emptied before and after every job.
- Imports of the project's own package (dojo, tests, solutions, katas, _dojo*): found in the
  file by the grading process, refused in the job; the kata is flagged.
- Copies: a file that holds another whole (padding, renaming) is listed; so is one whose code
  cannot be compared (imported or built with exec).

One class is graded for real, on inplace_update, one job at a time (about a minute: the tests
marked slow); its keyring attacks, and the tests that switch users, need root (skipped with the
reason otherwise). The hostile files are tests/maintainers/hostile/keyring_*.py and import_*.py;
archives, names and copies are made here.
"""

from __future__ import annotations

import csv
import ctypes
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dojo import stubs
from dojo.grade import core, observe_job, sandbox, scan, server, similarity, submissions
from dojo.grade.submissions import Submission, discover, load

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"
KATA = "inplace_update"
MODULES = [KATA, "leaf_tensors"]


def reference() -> bytes:
    return (ROOT / "solutions" / f"{KATA}.py").read_bytes()


def stub() -> bytes:
    return stubs.pristine()[KATA].encode()


def zip_bytes(members: dict[str, bytes], symlinks: dict[str, bytes] | None = None,
              level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            zf.writestr(info, target)
    return buffer.getvalue()


def utf8_flagged_but_not(members: dict[str, bytes], bad: str, raw: bytes) -> bytes:
    """A zip with a member named `raw` in both headers, flagged UTF-8 (bit 11), which `raw` is
    not: what some archivers write for a Latin-1 name. `bad` is a name of as many bytes that
    is not ASCII (so that zipfile sets the flag), replaced by `raw` afterwards."""
    assert len(bad.encode()) == len(raw) and not bad.isascii()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr(bad, b"notes\n")
    return buffer.getvalue().replace(bad.encode(), raw)


def one_bit_flipped(data: bytes, member: str) -> bytes:
    """An honest zip with one bit of the member's deflate data flipped, chosen so that inflating
    fails (zlib.error): what a bad disk or a broken upload leaves."""
    start = data.index(member.encode()) + len(member)
    for index in range(start + 8, start + 400):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[index] ^= 1 << bit
            try:
                with zipfile.ZipFile(io.BytesIO(bytes(flipped))) as zf:
                    zf.read(member)
            except zlib.error:
                return bytes(flipped)
            except Exception:  # noqa: BLE001 - another kind of damage: try the next bit
                continue
    raise AssertionError("no flip gives a zlib.error")


def loaded(path: Path) -> Submission:
    sub = Submission(path.stem, path)
    return load(sub, MODULES)


def text_ok(value: str | None) -> bool:
    """What goes into grades.csv, grade.json and report.html must be text that UTF-8 encodes."""
    if value is None:
        return True
    value.encode("utf-8")
    return True


# --- reading one upload ------------------------------------------------------------------------


def test_a_member_name_flagged_utf8_that_is_not_refuses_that_upload_with_the_name_escaped(tmp_path):
    path = tmp_path / "latin1 zip.zip"
    path.write_bytes(utf8_flagged_but_not({f"katas/{KATA}.py": reference()},
                                          "katas/Zé.txt", b"katas/Zo\xeb.txt"))
    sub = loaded(path)
    assert sub.refused and "UTF-8" in sub.refused and "Zo\\xeb" in sub.refused, sub.refused
    assert text_ok(sub.refused) and sub.files == {}


def test_corrupt_deflate_data_refuses_that_upload(tmp_path):
    path = tmp_path / "one bit.zip"
    path.write_bytes(one_bit_flipped(zip_bytes({f"{KATA}.py": reference()}), f"{KATA}.py"))
    sub = loaded(path)
    assert sub.refused and f"{KATA}.py cannot be read" in sub.refused, sub.refused
    assert text_ok(sub.refused)


def _symlink_bomb(path: Path, size: int) -> None:
    """A zip whose only member is a "symlink" of `size` zero bytes (deflated: a few hundred KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        info = zipfile.ZipInfo(f"katas/{KATA}.py")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(size // 2**20):
                member.write(chunk)


@pytest.mark.slow
def test_a_symlink_member_is_never_read_whole(tmp_path):
    """A 600 KB zip whose "symlink" member inflates to 128 MB: read whole, it ended in a
    MemoryError under a memory limit. Read in a child process with 64 MB of address space to
    spare: refused, with the reason, and nothing raised."""
    path = tmp_path / "symlink bomb.zip"
    _symlink_bomb(path, 128 * 2**20)
    assert path.stat().st_size < 2**20
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            from dojo.grade.sandbox import vm_kb

            room = vm_kb("VmSize") * 1024 + 64 * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (room, room))
            try:
                sub = loaded(path)
                answer = {"refused": sub.refused, "files": sorted(sub.files)}
            except BaseException as err:  # noqa: BLE001
                answer = {"raised": type(err).__name__}
            os.write(w, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    answer = json.loads(data)
    assert "raised" not in answer, answer
    assert answer["refused"] and "symlink" in answer["refused"], answer


def test_names_that_are_not_utf8_are_kept_as_bytes_and_shown_escaped(tmp_path):
    """Latin-1 "Zoë" (as a legacy unzip or an LMS export leaves it), with and without a kata
    file, and a zip of such a name: names shown with the bytes escaped, the bytes kept."""
    cls = os.fsencode(tmp_path)
    for raw, kata in ((b"Zo\xeb", True), (b"Zo\xeb \xff\xfe", False)):
        os.mkdir(cls + b"/" + raw)
        if kata:
            Path(os.fsdecode(cls + b"/" + raw + b"/" + KATA.encode() + b".py")).write_bytes(
                reference())
    Path(os.fsdecode(cls + b"/Andr\xe9.zip")).write_bytes(zip_bytes({f"{KATA}.py": reference()}))
    found = {s.name: s for s in discover(tmp_path)}
    assert set(found) == {"Zo\\xeb", "Zo\\xeb \\xff\\xfe", "Andr\\xe9"}, sorted(found)
    assert found["Zo\\xeb"].raw_name == b"Zo\xeb"
    assert found["Andr\\xe9"].raw_name == b"Andr\xe9"
    for sub in found.values():
        load(sub, MODULES)
        assert not sub.refused, sub.refused
        assert text_ok(sub.name) and text_ok(sub.dir_name) and "/" not in sub.dir_name
        assert any("not UTF-8" in note for note in sub.notes), sub.notes
    assert found["Zo\\xeb"].files == {KATA: reference()}
    assert found["Andr\\xe9"].files == {KATA: reference()}
    assert found["Zo\\xeb \\xff\\xfe"].files == {}
    # a name that is text stays as it is
    os.mkdir(tmp_path / "Zoë")
    again = {s.name: s for s in discover(tmp_path)}
    assert "Zoë" in again and again["Zoë"].raw_name is None


def test_an_error_of_the_file_system_costs_that_upload(tmp_path, monkeypatch):
    """Whatever the zip and file-system layers raise (here: a symlink loop inside an upload,
    and an OSError, a MemoryError and a ValueError from inside zipfile) refuses that upload with
    a reason; nothing escapes."""
    folder = tmp_path / "loop"
    (folder / "katas").mkdir(parents=True)
    (folder / "katas" / f"{KATA}.py").symlink_to(folder / "katas" / "again.py")
    (folder / "katas" / "again.py").symlink_to(folder / "katas" / f"{KATA}.py")
    sub = load(Submission("loop", folder), MODULES)
    assert sub.refused, sub.files
    path = tmp_path / "ok.zip"
    path.write_bytes(zip_bytes({f"{KATA}.py": reference()}))
    for error in (OSError(5, "Input/output error"), MemoryError(), ValueError("negative seek")):
        def broken(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr(zipfile.ZipFile, "open", broken)
        sub = loaded(path)
        assert sub.refused and type(error).__name__ in sub.refused or "memory" in sub.refused, \
            (error, sub.refused)
        monkeypatch.undo()
    assert loaded(path).files == {KATA: reference()}


def test_an_archive_larger_than_anything_it_may_hold_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "big.zip"
    path.write_bytes(zip_bytes({f"{KATA}.py": reference(), "data.bin": os.urandom(4096)}))
    monkeypatch.setattr(submissions, "MAX_ZIP", 4096)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # never opened
    sub = loaded(path)
    assert sub.refused and sub.refused.startswith("the archive is 0 MiB (at most 0 MiB)"), \
        sub.refused


# --- fuzzing the reader ------------------------------------------------------------------------

HONEST = zip_bytes({f"wrapping/katas/{KATA}.py": reference(), "wrapping/notes.txt": b"hi\n",
                    "wrapping/katas/leaf_tensors.py": b"x = 1\n"},
                   symlinks={"wrapping/link.py": b"katas/notes.txt"})


@st.composite
def damaged_zips(draw) -> bytes:
    """Zip files as uploads arrive: an honest one with bits flipped, bytes cut or overwritten,
    member names of any bytes flagged UTF-8 or not, members marked as symlinks; or any bytes."""
    kind = draw(st.sampled_from(["flip", "cut", "splice", "names", "random"]))
    if kind == "random":
        return draw(st.binary(max_size=2000))
    data = bytearray(HONEST)
    if kind == "flip":
        for index in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=4)):
            data[index] ^= 1 << draw(st.integers(0, 7))
    elif kind == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    elif kind == "splice":
        at = draw(st.integers(0, len(data) - 1))
        data[at:at + 8] = draw(st.binary(min_size=1, max_size=8))
    else:
        name = draw(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b))
        symlink = draw(st.booleans())
        placeholder = "é" * (len(name) // 2) + "N" * (len(name) % 2)  # same length in UTF-8
        if draw(st.booleans()):
            placeholder = "N" * len(name)  # ASCII: no UTF-8 flag
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"katas/{KATA}.py", reference())
            info = zipfile.ZipInfo(placeholder)
            if symlink:
                info.create_system = 3
                info.external_attr = 0o120777 << 16
            zf.writestr(info, draw(st.binary(max_size=64)))
        data = bytearray(buffer.getvalue().replace(placeholder.encode(), name))
    return bytes(data)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(damaged_zips())
def test_fuzz_no_zip_stops_the_reader(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.zip"
        path.write_bytes(data)
        sub = loaded(path)  # never raises
        assert (sub.refused is None) or (isinstance(sub.refused, str) and sub.refused)
        assert text_ok(sub.refused)
        assert not (sub.refused and sub.files)
        assert set(sub.files) <= set(MODULES)
        assert all(isinstance(v, bytes) and len(v) <= submissions.MAX_FILE
                   for v in sub.files.values())


names = st.binary(min_size=1, max_size=60).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b".."))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(names, st.booleans()), min_size=1, max_size=6,
                unique_by=lambda item: item[0]))
def test_fuzz_no_folder_name_stops_the_reader(entries):
    with tempfile.TemporaryDirectory() as folder:
        top = os.fsencode(folder)
        for raw, kata in entries:
            os.mkdir(top + b"/" + raw)
            if kata:
                with open(top + b"/" + raw + b"/" + KATA.encode() + b".py", "wb") as handle:
                    handle.write(reference())
        found = discover(Path(folder))  # never raises
        for sub in found:
            load(sub, MODULES)
            assert text_ok(sub.name) and text_ok(sub.dir_name) and text_ok(sub.refused)
            assert sub.dir_name and "/" not in sub.dir_name and "\0" not in sub.dir_name
            assert len(sub.dir_name.encode()) <= 200
        dirs = [submissions._key(s.dir_name) for s in found]
        assert len(dirs) == len(set(dirs))
        shown = {raw for raw, _ in entries if not raw.startswith(b".") and raw != b"__MACOSX"}
        assert len(found) == len(shown)
        for sub in found:
            raw = sub.raw_name if sub.raw_name is not None else sub.name.encode()
            assert raw in shown


# --- a class of such uploads, graded to the end --------------------------------------------------


def read_csv(path: Path) -> dict[str, dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return {row["student"]: row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}


def unreadable_uploads(cls: Path) -> dict[str, str]:
    """The uploads of issue 20 that stopped the run: {name as shown: what its status says}."""
    cls.mkdir(parents=True, exist_ok=True)
    (cls / "latin1 member.zip").write_bytes(utf8_flagged_but_not(
        {f"katas/{KATA}.py": reference()}, "katas/Zé.txt", b"katas/Zo\xeb.txt"))
    (cls / "one bit.zip").write_bytes(
        one_bit_flipped(zip_bytes({f"{KATA}.py": reference()}), f"{KATA}.py"))
    _symlink_bomb(cls / "symlink bomb.zip", 128 * 2**20)
    os.mkdir(os.fsencode(cls) + b"/Zo\xeb \xff")  # no kata file: the run died
    (Path(os.fsdecode(os.fsencode(cls) + b"/Zo\xeb \xff")) / "notes.txt").write_text("hi\n")
    return {"latin1 member": "refused: a member's name is flagged UTF-8 but is not",
            "one bit": f"refused: {KATA}.py cannot be read",
            "symlink bomb": "refused: member 'katas/inplace_update.py' is a symlink of",
            "Zo\\xeb \\xff": "ok"}


@pytest.mark.slow
def test_a_class_of_unreadable_uploads_is_graded_to_the_end(tmp_path):
    """No kata file is read from any of them, so no job runs (this is the grading process
    alone, in this process): every upload has its row and its reason, report.html is written,
    the name that is not UTF-8 is shown escaped everywhere, and a re-run skips them all."""
    from dojo.grade import run
    from dojo.grade.core import Settings

    expect = unreadable_uploads(tmp_path / "class")
    out = tmp_path / "out"
    settings = Settings(submissions=tmp_path / "class", out=out, project=ROOT, katas=[KATA],
                        quiet=True)
    meta = run.grade(settings)
    rows = read_csv(out / "grades.csv")
    assert set(rows) == set(expect), sorted(rows)
    for name, status in expect.items():
        assert rows[name]["status"].startswith(status), (name, rows[name]["status"])
        assert float(rows[name]["total"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Zo\\xeb \\xff" in page and "flagged UTF-8 but is not" in page, page[-3000:]
    assert "cannot be read" in page and "is a symlink of" in page
    assert meta["students"]["Zo\\xeb \\xff"] == "Zo_xeb _xff"
    rec = json.loads((out / "Zo_xeb _xff" / "grade.json").read_text(encoding="utf-8"))
    assert rec["steps"][KATA]["state"] == "missing" and rec["student"] == "Zo\\xeb \\xff"
    feedback = (out / meta["students"]["one bit"] / "feedback.md").read_text(encoding="utf-8")
    assert f"{KATA}.py cannot be read" in feedback
    again = run.grade(settings)
    assert again["figures"]["skipped_already_graded"] == len(expect)
    only = run.grade(Settings(submissions=tmp_path / "class", out=out, project=ROOT,
                              katas=[KATA], quiet=True, only=os.fsdecode(b"Zo\xeb \xff")))
    assert only["figures"]["graded"] == 1
    only = run.grade(Settings(submissions=tmp_path / "class", out=out, project=ROOT,
                              katas=[KATA], quiet=True, only="Zo\\xeb \\xff"))
    assert only["figures"]["graded"] == 1


# --- keyrings: nothing of the grader's session, nothing kept between jobs -----------------------


needs_root = pytest.mark.skipif(
    not sandbox.is_root(),
    reason="needs root: a user id per job (as the grader gives every job) needs root, and so "
    "does running the hostile class (without a user of its own, a hostile submission runs as "
    "you)")
needs_keys = pytest.mark.skipif(
    sandbox.keyctl(sandbox.KEYCTL_GET_KEYRING_ID, sandbox.KEY_SPEC_SESSION_KEYRING, 0) == -38,
    reason="this kernel or architecture has no key system calls (ENOSYS)")
SECRET = b"dojo-instructor-secret"
TEST_UID = sandbox.UID_BASE + 2**20 * sandbox.SLOTS_PER_RUN + 77  # beyond every run's range


def in_child(fn) -> dict:
    """fn() in a forked child (its keyrings, uid and seccomp filter die with it): its dict."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            try:
                answer = fn()
            except BaseException as err:  # noqa: BLE001
                answer = {"raised": f"{type(err).__name__}: {err}"}
            os.write(w, json.dumps(answer).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    answer = json.loads(data or b"{}")
    assert "raised" not in answer, answer
    return answer


def read_key(serial: int) -> bytes | int:
    buffer = ctypes.create_string_buffer(4096)
    size = sandbox.keyctl(sandbox.KEYCTL_READ, serial, ctypes.addressof(buffer), 4096)
    return buffer.raw[:size] if size >= 0 else size


def as_user(uid: int) -> None:
    sandbox.drop_privileges(uid)


@needs_keys
def test_a_job_cannot_reach_the_keys_of_the_graders_session():
    """The grader started from a login session whose keyring holds a secret. A process forked
    from it keeps that session keyring through setuid, and so possesses (reads) the secret: the
    attack. A job joins a fresh session keyring first: the secret is out of its reach, and
    what it adds there is not in the login session's."""

    def login_session():
        sandbox.keyctl(sandbox.KEYCTL_JOIN_SESSION_KEYRING, b"dojo-test-login")
        secret = sandbox.add_key(b"user", SECRET, b"the instructor's token",
                                 sandbox.KEY_SPEC_SESSION_KEYRING)
        assert secret > 0, secret

        def job(fresh: bool):
            def run():
                if fresh:
                    assert sandbox.fresh_session_keyring() is None
                if sandbox.is_root():
                    as_user(TEST_UID)
                found = sandbox.keyctl(sandbox.KEYCTL_SEARCH, sandbox.KEY_SPEC_SESSION_KEYRING,
                                       b"user", SECRET, 0)
                read = read_key(secret)
                added = sandbox.add_key(b"user", b"left by a job", b"x",
                                        sandbox.KEY_SPEC_SESSION_KEYRING)
                return {"found": found, "read": read.decode() if isinstance(read, bytes)
                        else read, "added": added}
            return in_child(run)

        plain, fresh = job(False), job(True)
        members = read_key(sandbox.KEY_SPEC_SESSION_KEYRING)
        return {"secret": secret, "plain": plain, "fresh": fresh,
                "members": len(members) // 4 if isinstance(members, bytes) else members}

    seen = in_child(login_session)
    assert seen["plain"]["read"] == "the instructor's token", seen  # the attack, without it
    assert seen["fresh"]["found"] < 0 and seen["fresh"]["read"] < 0, seen
    assert seen["fresh"]["added"] > 0  # into its own session keyring, which dies with it
    assert seen["members"] == 2, seen  # the secret, and what the plain job added: not fresh's


@needs_keys
def test_the_key_system_calls_are_refused_in_a_job():
    rules, why = sandbox.key_filter()
    if rules is None:
        pytest.skip(f"no seccomp here ({why}): .ci/system-deps installs libseccomp2")

    def job():
        assert sandbox.refuse_key_calls(rules) is None
        calls = {"keyctl": sandbox.keyctl(sandbox.KEYCTL_GET_KEYRING_ID,
                                          sandbox.KEY_SPEC_USER_KEYRING, 1),
                 "add_key": sandbox.add_key(b"user", b"x", b"y", sandbox.KEY_SPEC_USER_KEYRING),
                 "request_key": sandbox._key_syscall("request_key", b"user", b"x", None, 0)}
        child = in_child(lambda: {"keyctl": sandbox.keyctl(
            sandbox.KEYCTL_GET_KEYRING_ID, sandbox.KEY_SPEC_SESSION_KEYRING, 0)})
        status = Path("/proc/self/status").read_text()
        return {**calls, "in a child": child["keyctl"], "pid": os.getpid() > 0,
                "no_new_privs": "NoNewPrivs:\t1" in status}

    import errno

    seen = in_child(job)
    assert seen == {"keyctl": -errno.EPERM, "add_key": -errno.EPERM,
                    "request_key": -errno.EPERM, "in a child": -errno.EPERM, "pid": True,
                    "no_new_privs": True}, seen


def test_without_libseccomp_the_grader_runs_and_says_why(monkeypatch):
    """Where pyseccomp or the system's libseccomp is missing, there is no filter, and the reason
    is what the server reports (grading.json, sandbox: key_filter) and what each job records
    instead of the calls it refuses (sandbox: seccomp)."""
    monkeypatch.setitem(sys.modules, "pyseccomp", None)  # as if it were not installed
    rules, why = sandbox.key_filter()
    assert rules is None and why.startswith("no seccomp filter: ModuleNotFoundError"), why
    try:
        import pyseccomp  # noqa: F401
    except Exception:  # noqa: BLE001 - not here: the case above is this machine's
        return
    import ctypes.util

    find = ctypes.util.find_library
    monkeypatch.delitem(sys.modules, "pyseccomp")  # imported again, without the library
    monkeypatch.setattr(ctypes.util, "find_library", lambda n: None if n == "seccomp" else find(n))
    rules, why = sandbox.key_filter()
    assert rules is None and why == "no seccomp filter: RuntimeError: Unable to find libseccomp"
    monkeypatch.undo()
    assert sandbox.key_filter()[0] is not None


def test_without_key_system_calls_the_job_says_why(monkeypatch):
    """On an architecture whose key system calls are not known here (or a kernel without
    them), a job has no session keyring of its own and grading.json's sandbox.keyring says so."""
    monkeypatch.setattr(sandbox, "KEY_SYSCALLS", {})
    assert sandbox.fresh_session_keyring() == \
        "keyctl(JOIN_SESSION_KEYRING): Function not implemented"


def user_keys(uid: int) -> dict:
    """How many keys each of the user's keyrings holds, seen as that user (looking a user
    keyring up creates it: forget them afterwards)."""
    def look():
        sandbox.keyctl(sandbox.KEYCTL_JOIN_SESSION_KEYRING, None)
        as_user(uid)
        found = {}
        for name, serial in (
                ("user", sandbox.keyctl(sandbox.KEYCTL_GET_KEYRING_ID,
                                        sandbox.KEY_SPEC_USER_KEYRING, 1)),
                ("user session", sandbox.keyctl(sandbox.KEYCTL_GET_KEYRING_ID,
                                                sandbox.KEY_SPEC_USER_SESSION_KEYRING, 1)),
                ("persistent", sandbox.keyctl(sandbox.KEYCTL_GET_PERSISTENT, -1,
                                              sandbox.KEY_SPEC_SESSION_KEYRING))):
            members = read_key(serial) if serial > 0 else serial
            found[name] = len(members) // 4 if isinstance(members, bytes) else members
        return found

    return in_child(look)


@needs_root
@needs_keys
def test_a_slots_user_keyrings_are_emptied_between_jobs():
    """What a job stores under its uid (its user keyring, user session keyring, persistent
    keyring) the next job of its slot would find: `kill_uid(uid, forget=True)` (before and
    after every job, and in the run's sweep) invalidates them all."""

    def store():
        sandbox.keyctl(sandbox.KEYCTL_JOIN_SESSION_KEYRING, None)
        as_user(TEST_UID)
        persistent = sandbox.keyctl(sandbox.KEYCTL_GET_PERSISTENT, -1,
                                    sandbox.KEY_SPEC_SESSION_KEYRING)
        return {"added": [sandbox.add_key(b"user", b"answers", b"x", where) for where in
                          (sandbox.KEY_SPEC_USER_KEYRING, sandbox.KEY_SPEC_USER_SESSION_KEYRING,
                           persistent)]}

    assert min(in_child(store)["added"]) > 0
    assert user_keys(TEST_UID) == {"user": 1, "user session": 2, "persistent": 1}  # @us: @u too
    sandbox.kill_uid(TEST_UID, forget=True)
    assert user_keys(TEST_UID) == {"user": 0, "user session": 1, "persistent": 0}
    sandbox.kill_uid(TEST_UID, forget=True)  # nothing left of the test either


# --- imports of the project's own code ---------------------------------------------------------


PROJECT_IMPORTS = [
    "from dojo.mnist_net import Net\n",  # issue 20's: full marks on mnist, not listed
    "from dojo.grade.probes import sgd_step_right\n",
    "import dojo\n",
    "import tests.test_inplace_update as t\n",
    "def f():\n    from solutions.inplace_update import sgd_step\n",
    "x = __import__('dojo.spec')\n",
    "import importlib\nm = importlib.import_module('solutions.mnist')\n",
    "from importlib import import_module\nm = import_module('_dojo_grading_spec_mnist')\n",
    "import sys\nspec = sys.modules['_dojo_spec_under_test']\n",
    "import sys\nspec = sys.modules.get('dojo.spec')\n",
    "import builtins\nm = builtins.__import__('_dojo_spec_under_test')\n",
]
NOT_PROJECT = (
    "import torch\nimport torch.nn as nn\nfrom typing import TYPE_CHECKING\n"
    "import importlib\nm = importlib.import_module('torch.nn')\n"
    "def f(model, dojo):\n    '''dojo: import dojo is not allowed'''\n    # from dojo import x\n"
    "    model.eval()\n    return torch.compile(model), dojo.spec, 'import dojo'\n"
    # the learner's own kata modules: their folder, and the name a kata file is loaded under
    # (which pickle imports again to save the file's own classes and functions)
    "from importlib import import_module\nm = import_module('katas.inplace_update')\n"
    "import builtins\nm = builtins.__import__('_dojo_target_mnist')\n"
    "import sys\nme = sys.modules['_dojo_target_inplace_update']\n"
)


@pytest.mark.parametrize("source", PROJECT_IMPORTS)
def test_the_static_scan_finds_imports_of_the_project(source):
    found = scan.project_imports(source.encode())
    assert found and all("(line " in f for f in found), found


def test_the_static_scan_leaves_honest_code_alone():
    assert scan.scan(NOT_PROJECT) == {"imports": [], "built": []}
    for path in sorted((ROOT / "solutions").glob("*.py")):
        assert scan.scan(path.read_bytes()) == {"imports": [], "built": []}, path.name
    for module, source in stubs.pristine().items():
        assert scan.scan(source) == {"imports": [], "built": []}, module
    for broken in (b"def (:\n", b"x = 1\0\n", b"(" * 10000 + b")" * 10000, b"\xff\xfe"):
        assert scan.scan(broken) == {"imports": [], "built": []}  # never raises


def test_the_static_scan_finds_code_built_at_run_time():
    source = ("import builtins\nexec(open('x').read())\ny = eval('1')\n"
              "c = compile('1', 'x', 'eval')\nbuiltins.exec('2')\n"
              "name = 'do' + 'jo'\nm = __import__(name)\n")
    built = scan.built_code(source)
    assert [b.split(" (")[0] for b in built] == [
        "exec()", "eval()", "compile()", "exec()", "__import__() of a name it computes"], built


def observe_in_process(source: str, tmp_path: Path, grader: core.Grader) -> list:
    """What a job sends for `source` (the job's runner, in this process, without the sandbox):
    the records, as the server checks them."""
    import threading

    job = tmp_path / "job"
    (job / "tests").mkdir(parents=True)
    (job / "katas").mkdir()
    (job / "tests" / f"test_{KATA}.py").write_bytes((ROOT / "tests" / f"test_{KATA}.py")
                                                   .read_bytes())
    (job / "katas" / f"{KATA}.py").write_text(source, encoding="utf-8")
    r, w = os.pipe()
    plan = {"module": KATA, "observations": grader.plans[KATA], "budget": 30.0}
    sys.modules.pop(f"_dojo_target_{KATA}", None)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(r, 65536), b"")))
    reader.start()
    try:
        observe_job.run(plan, w, job)
    finally:
        os.close(w)
        reader.join()
        os.close(r)
        sys.modules.pop(observe_job.TEST_MODULE, None)
        sys.modules.pop(f"_dojo_target_{KATA}", None)
    return [server.check_record(json.loads(line)) for line in b"".join(chunks).splitlines()]


def judged(grader: core.Grader, source: str, tmp_path: Path) -> dict:
    import builtins

    before = builtins.__import__
    records = observe_in_process(source, tmp_path, grader)
    assert builtins.__import__ is before, "the guard was left in place"
    job = core.Job("j1", KATA, Submission("s", Path("."), files={KATA: source.encode()}),
                   Path("."))
    job.event = {"status": "exited", "code": 0, "signal": None, "wall": 1.0, "cpu": 1.0,
                 "leftovers": 0, "sandbox": {"k": "sandbox"}, "channel": {}, "log": "",
                 "records": records}
    return grader.judge(job)


HIDDEN_IMPORT = '''
def _helpers():
    try:
        return __import__("".join(["do", "jo"]) + ".spec", fromlist=["encode"])
    except ImportError:
        return None


_found = _helpers()
'''


def test_the_job_refuses_the_kata_files_imports_of_the_project(tmp_path):
    """In the job: an import of the project's packages from the kata file raises ImportError
    (here caught by the file, which goes on with the reference's code) and is recorded; the
    grading process flags the kata with the reason, where the static scan saw nothing (the name
    is computed). The reference alone is not flagged, nor the reference that imports its own
    module again (pickle does, for its own functions); a file that puts `__import__` back is."""
    grader = core.Grader(core.Settings(submissions=tmp_path, out=tmp_path, project=ROOT,
                                       katas=[KATA], seed=3))
    honest = reference().decode()
    res = judged(grader, honest, tmp_path / "honest")
    assert res["status"] == "ok" and {v[0] for v in res["tests"].values()} == {"passed"}, res
    hidden = honest + HIDDEN_IMPORT
    assert scan.project_imports(hidden) == []
    res = judged(grader, hidden, tmp_path / "hidden")
    assert res["status"] == "flagged" and res["flag"] == "imports", res
    assert "refused" in res["reason"] and "dojo.spec" in res["reason"], res["reason"]
    literal = "from dojo.mnist_net import Net\n" + honest
    res = judged(grader, literal, tmp_path / "literal")
    assert res["status"] == "flagged" and "from dojo.mnist_net import Net (line 1)" in \
        res["reason"] and "the job refused" in res["reason"], res["reason"]
    other_ways = honest + (
        "\nimport importlib\n"
        "try:\n    importlib.__import__('do' + 'jo.testing')\nexcept ImportError:\n    pass\n"
        "try:\n    exec(compile('import dojo.irregular', '<mine>', 'exec'))\n"
        "except ImportError:\n    pass\n")
    res = judged(grader, other_ways, tmp_path / "other ways")
    assert res["status"] == "flagged" and "dojo.testing (katas/inplace_update.py, line" in \
        res["reason"] and "dojo.irregular (code it built, <mine>)" in res["reason"], res["reason"]
    own = honest + (
        "\nimport importlib, pickle, sys\n"
        "def _mine():\n"
        "    assert pickle.loads(pickle.dumps(sgd_step)) is sgd_step\n"
        "    me = importlib.import_module(__name__)\n"
        "    assert me is sys.modules[__name__] and __import__(__name__) is me\n"
        "    try:\n        importlib.import_module('_dojo_target_mnist')\n"
        "    except ImportError:\n        pass\n"
        "_mine()\n")
    res = judged(grader, own, tmp_path / "own")  # its own module, again (pickle does): honest
    assert res["status"] == "ok" and {v[0] for v in res["tests"].values()} == {"passed"}, res
    unguarded = ("import builtins, importlib\nbuiltins.__import__ = importlib._bootstrap"
                 ".__import__\n" + honest)
    res = judged(grader, unguarded, tmp_path / "unguarded")
    assert res["status"] == "flagged" and "builtins.__import__" in res["reason"], res


# --- copies padded or renamed, and code that cannot be compared ---------------------------------

OWN_STYLE = '''"""inplace_update, written my own way."""

import torch


def sgd_step(params, lr):
    """Walk the tensors and move each against its gradient, in place."""
    for tensor in params:
        if tensor.grad is None:
            continue
        tensor.data.add_(tensor.grad, alpha=-lr)
        tensor.grad.detach_()
        tensor.grad.zero_()


def decrement_all(values, amount):
    """Lower every item: tensors in place, numbers by replacing the list's slot."""
    index = 0
    with torch.no_grad():  # a leaf that requires grad is lowered too, unrecorded
        while index < len(values):
            item = values[index]
            if torch.is_tensor(item):
                item.sub_(amount)
            else:
                values[index] = item - amount
            index += 1
'''
UNUSED_HELPER = '''

def _norm_of(items):
    total = 0.0
    for element in items:
        total += float(element) ** 2
    if total < 0:
        raise ValueError("a negative sum of squares")
    return total ** 0.5
'''


def renamed(text: str) -> str:
    import re

    for old, new in (("tensor", "w"), ("index", "k"), ("item", "v"), ("values", "xs"),
                     ("amount", "delta")):
        text = re.sub(rf"\b{old}\b", new, text)
    return text


def copies_of(files: dict[str, str]) -> list[dict]:
    subs = [Submission(name, Path("."), files={KATA: text.encode()})
            for name, text in files.items()]
    return similarity.find(subs, [KATA], core.References(ROOT), {KATA: stub().decode()})["pairs"]


def test_a_copy_padded_with_an_unused_helper_or_renamed_is_listed():
    """Containment of the smaller file in the larger: a classmate's answer with its names
    changed and a 7-line unused helper added, and the reference with such padding, are
    listed (the smaller of the two coverages left both out); two different answers are not."""
    pairs = copies_of({"Bea": OWN_STYLE, "Cal": renamed(OWN_STYLE) + UNUSED_HELPER,
                       "Dan": reference().decode() + UNUSED_HELPER})
    listed = {(tuple(p["students"]), p["like"]): p for p in pairs}
    assert (("Bea", "Cal"), "each other") in listed, pairs
    assert (("Dan",), "the reference") in listed, pairs
    assert listed[("Dan",), "the reference"]["kind"] == "near"
    assert "more normalised characters" in listed[("Bea", "Cal"), "each other"]["why"]
    assert not [p for p in pairs if "Bea" in p["students"] and p["like"] == "the reference"]
    assert not [p for p in pairs if set(p["students"]) == {"Bea", "Dan"}]


def test_code_imported_or_built_at_run_time_is_listed_as_not_comparable():
    built = stub().decode() + "\nexec(open(__file__ + '.txt').read())\n"
    pairs = copies_of({"Eve": built, "Fay": "from dojo.mnist_net import Net\n" + OWN_STYLE,
                       "Gus": OWN_STYLE.replace("tensor", "t")})
    why = {p["students"][0]: p["why"] for p in pairs if p["kind"] == "not comparable"}
    assert set(why) == {"Eve", "Fay"}, pairs
    assert "builds code at run time: exec() (line" in why["Eve"]
    assert "imports the project's own code: from dojo.mnist_net import Net (line 1)" in why["Fay"]
    page = __import__("dojo.grade.outputs", fromlist=["copies_html"]).copies_html(
        {"pairs": pairs, "note": ""})
    assert "not comparable" in page and "–" in page and "exec()" in page


# --- the class, graded for real ------------------------------------------------------------------

PY = sys.executable
IMPORTS = {"import_project_code": "from dojo.mnist_net import Net (line 7)",
           "import_hidden": "refused imports of the project's own code: dojo.spec "
                            "(katas/inplace_update.py, line 14)",
           "import_unguarded": "builtins.__import__"}
KEYRINGS = ("keyring_leave_answers", "keyring_read_the_graders", "keyring_run_the_answers")

# The grader started from a login session whose keyring holds the instructor's secret, as an
# instructor's shell has; afterwards, what that session keyring holds (a job must add nothing).
LAUNCH = """
import json, subprocess, sys, ctypes
from dojo.grade import sandbox
sandbox.keyctl(sandbox.KEYCTL_JOIN_SESSION_KEYRING, b"dojo-test-login")
secret = sandbox.add_key(b"user", b"dojo-instructor-secret", b"the instructor's token", -3)
rc = subprocess.call(sys.argv[1:])
buffer = ctypes.create_string_buffer(4096)
size = sandbox.keyctl(sandbox.KEYCTL_READ, -3, ctypes.addressof(buffer), 4096)
keys = []
for i in range(0, max(size, 0), 4):
    serial = int.from_bytes(buffer.raw[i:i + 4], sys.byteorder, signed=True)
    text = ctypes.create_string_buffer(512)
    sandbox.keyctl(sandbox.KEYCTL_DESCRIBE, serial, ctypes.addressof(text), 512)
    keys.append(text.value.decode(errors="replace").rsplit(";", 1)[-1])
print("DOJO-LOGIN-SESSION " + json.dumps({"rc": rc, "secret": secret, "keys": keys}))
"""


def class_test(fn):
    """A test of the graded class: slow (it grades for real) and on one pytest-xdist worker with
    the others (they share the one grading run of the `graded` fixture)."""
    return pytest.mark.slow(pytest.mark.xdist_group("grade-inputs-class")(fn))


def hostile_source(name: str) -> bytes:
    return (HOSTILE / f"{name}.py").read_bytes()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One class, graded once with one job at a time (every job in the same slot, as one uid:
    the keyring writer's job runs before the reader's): honest answers, the uploads that
    stopped the run, a Latin-1 name with a kata file, copies padded or renamed, the import
    attacks; as root, the keyring attacks, from a login session holding a secret."""
    root = tmp_path_factory.mktemp("inputs")
    cls = root / "class"
    expect = unreadable_uploads(cls)
    for name, source in (("Ada", reference()), ("Bea", OWN_STYLE.encode()),
                         ("Cal", (renamed(OWN_STYLE) + UNUSED_HELPER).encode()),
                         ("Dan", reference() + UNUSED_HELPER.encode())):
        (cls / name).mkdir()
        (cls / name / f"{KATA}.py").write_bytes(source)
    latin = Path(os.fsdecode(os.fsencode(cls) + b"/Zo\xeb"))  # with a kata file
    latin.mkdir()
    (latin / f"{KATA}.py").write_bytes(reference())
    hostile = list(IMPORTS) + (list(KEYRINGS) if sandbox.is_root() else [])
    for name in hostile:
        (cls / f"hostile {name}").mkdir()
        (cls / f"hostile {name}" / f"{KATA}.py").write_bytes(hostile_source(name))
    return {**grade_class(cls, root / "out"), "expect": expect, "hostile": hostile}


def grade_class(cls: Path, out: Path, env: dict | None = None) -> dict:
    """`dojo grade` over the class, one job at a time; as root, from a login session holding
    the instructor's secret (LAUNCH)."""
    import time

    command = [PY, "-m", "dojo.grade", str(cls), "--out", str(out), "--katas", KATA,
               "--jobs", "1", "--timeout", "30"]
    if sandbox.is_root():
        command = [PY, "-c", LAUNCH, *command]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT,
                         env={**os.environ, **(env or {})})
    wall = time.monotonic() - started
    login = next((json.loads(line.split(" ", 1)[1]) for line in run.stdout.splitlines()
                  if line.startswith("DOJO-LOGIN-SESSION ")), None)
    meta = json.loads((out / "grading.json").read_text()) if (out / "grading.json").is_file() \
        else {}
    return {"run": run, "out": out, "login": login, "meta": meta, "wall": wall}


def record(graded, name: str) -> dict:
    folder = graded["meta"]["students"][name]
    return json.loads((graded["out"] / folder / "grade.json").read_text(encoding="utf-8"))


def log_of(graded, name: str) -> str:
    folder = graded["meta"]["students"][name]
    path = graded["out"] / folder / "logs" / f"{KATA}.log"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def hostile_keys(graded, name: str) -> dict:
    line = next(ln for ln in log_of(graded, name).splitlines()
                if ln.startswith("DOJO-HOSTILE-KEYS "))
    return json.loads(line.split(" ", 1)[1])


@class_test
def test_the_class_is_graded_to_the_end(graded):
    run = graded["run"]
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-4000:]
    rows = read_csv(graded["out"] / "grades.csv")
    names = {"Ada", "Bea", "Cal", "Dan", "Zo\\xeb", *graded["expect"],
             *[f"hostile {n}" for n in graded["hostile"]]}
    assert set(rows) == names, sorted(rows)
    for name, status in graded["expect"].items():
        assert rows[name]["status"].startswith(status), (name, rows[name])
    for name in ("Ada", "Bea", "Cal", "Dan"):  # the copies score: the section is not a score
        assert rows[name]["total"] == "10" and rows[name]["status"] == "ok", rows[name]
    assert rows["Zo\\xeb"]["total"] == "10" and rows["Zo\\xeb"]["status"] == "ok", rows["Zo\\xeb"]
    assert graded["meta"]["students"]["Zo\\xeb"] == "Zo_xeb"
    page = (graded["out"] / "report.html").read_text(encoding="utf-8")
    assert "Zo\\xeb" in page and "flagged UTF-8 but is not" in page
    print(f"graded {len(rows)} submissions in {graded['wall']:.1f} s "
          f"({graded['meta']['figures']['jobs_run']} jobs, one at a time)")


@class_test
def test_imports_of_the_project_are_flagged_with_their_reason(graded):
    rows = read_csv(graded["out"] / "grades.csv")
    for name, why in IMPORTS.items():
        student = f"hostile {name}"
        step = record(graded, student)["steps"][KATA]
        assert rows[student]["total"] == "0" and step["state"] == "flagged", (student, step)
        assert why in step["reason"], (student, step["reason"])
        assert step["flag"] == ("integrity" if name == "import_unguarded" else "imports")
        feedback = (graded["out"] / graded["meta"]["students"][student] / "feedback.md")
        if step["flag"] == "imports":
            assert "imports the course's own code" in feedback.read_text(encoding="utf-8")


@class_test
def test_the_copying_section_lists_padded_renamed_and_built_code(graded):
    page = (graded["out"] / "report.html").read_text(encoding="utf-8")
    copies = page[page.index('id="copies"'):]
    rows = [row for row in copies.split("<tr>")[1:]]

    def listed(*names: str) -> list[str]:
        return [row for row in rows if all(n in row for n in names)]

    assert listed("Bea · Cal", "each other", "near"), copies
    assert listed("Dan", "the reference", "near"), copies
    assert listed("Ada", "the reference", "verbatim")
    assert listed("hostile import_hidden", "not comparable", "of a name it computes")
    assert listed("hostile import_project_code", "not comparable", "dojo.mnist_net")
    if sandbox.is_root():
        assert listed("hostile keyring_run_the_answers", "not comparable", "exec()")
    assert not listed("Bea", "the reference")


@class_test
@needs_root
@needs_keys
def test_a_job_reads_no_key_of_the_graders_session_and_adds_none(graded):
    login = graded["login"]
    assert login and login["rc"] == 0 and login["secret"] > 0, graded["run"].stdout[-2000:]
    assert login["keys"] == ["dojo-instructor-secret"], login  # nothing a job added
    saw = hostile_keys(graded, "hostile keyring_read_the_graders")
    assert saw["secret"] < 0 and "read" not in saw, saw
    assert all(v < 0 for v in saw["added"].values()), saw
    sandbox_used = graded["meta"]["sandbox"]
    assert sandbox_used["keyring"] == "a fresh session keyring", sandbox_used
    if sandbox_used["key_filter"] == "ok":
        assert sandbox_used["seccomp"] == ["add_key", "keyctl", "request_key"], sandbox_used
        assert saw["secret"] == -1 and saw["session keyring"] == -1  # EPERM
    assert read_csv(graded["out"] / "grades.csv")["hostile keyring_read_the_graders"][
        "total"] == "10"


@class_test
@needs_root
@needs_keys
def test_no_answer_left_in_a_slots_keyrings_reaches_the_next_student(graded):
    rows = read_csv(graded["out"] / "grades.csv")
    assert rows["hostile keyring_leave_answers"]["total"] == "10"  # its own answer
    left = hostile_keys(graded, "hostile keyring_leave_answers")
    assert all(v < 0 for v in left["stored"].values()), left
    ran = hostile_keys(graded, "hostile keyring_run_the_answers")
    assert ran["ran"] is False, ran
    step = record(graded, "hostile keyring_run_the_answers")["steps"][KATA]
    assert rows["hostile keyring_run_the_answers"]["total"] == "0"
    assert step["state"] == "not started", step
    # after the run, no uid of the run holds a key (looking creates the keyrings: forgotten)
    token = graded["meta"]["runs"][-1]["run"]
    for slot in range(2):
        uid = sandbox.uid_base(token) + slot
        held = user_keys(uid)
        sandbox.kill_uid(uid, forget=True)
        assert held == {"user": 0, "user session": 1, "persistent": 0}, (slot, held)


@pytest.fixture(scope="module")
def graded_without_the_filter(tmp_path_factory):
    """The keyring attacks again, with the seccomp filter off (DOJO_GRADE_NO_SECCOMP=1, as on
    a machine without libseccomp): the fresh session keyring and the slot's invalidated
    keyrings must hold on their own."""
    if not sandbox.is_root():
        pytest.skip("needs root (see needs_root)")
    cls = tmp_path_factory.mktemp("no-filter") / "class"
    for name in KEYRINGS:
        (cls / f"hostile {name}").mkdir(parents=True)
        (cls / f"hostile {name}" / f"{KATA}.py").write_bytes(hostile_source(name))
    return grade_class(cls, cls.parent / "out", {"DOJO_GRADE_NO_SECCOMP": "1"})


@class_test
@needs_root
@needs_keys
def test_without_the_filter_no_key_crosses_either(graded_without_the_filter):
    graded = graded_without_the_filter
    assert graded["run"].returncode == 0, graded["run"].stderr[-3000:]
    used = graded["meta"]["sandbox"]
    assert used["key_filter"] == used["seccomp"] == "no seccomp filter: DOJO_GRADE_NO_SECCOMP=1"
    assert used["keyring"] == "a fresh session keyring"
    saw = hostile_keys(graded, "hostile keyring_read_the_graders")
    assert saw["secret"] < 0 and "read" not in saw, saw  # not in its session keyring
    assert all(v > 0 for v in saw["added"].values()), saw  # the calls work here...
    assert graded["login"]["keys"] == ["dojo-instructor-secret"], graded["login"]  # ...elsewhere
    left = hostile_keys(graded, "hostile keyring_leave_answers")
    assert all(v > 0 for v in left["stored"].values()), left  # stored under its uid...
    ran = hostile_keys(graded, "hostile keyring_run_the_answers")
    assert ran["ran"] is False, ran  # ...and gone before the next job of the slot
    assert read_csv(graded["out"] / "grades.csv")["hostile keyring_run_the_answers"]["total"] \
        == "0"
    token = graded["meta"]["runs"][-1]["run"]
    held = user_keys(sandbox.uid_base(token))
    sandbox.kill_uid(sandbox.uid_base(token), forget=True)
    assert held == {"user": 0, "user session": 1, "persistent": 0}, held
