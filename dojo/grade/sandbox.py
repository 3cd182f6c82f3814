"""What the grader does to keep a submission in its box: limits, a private /tmp, no network,
a user of its own, and the sweep that kills everything a job left behind.

Everything here runs in the fork server (`dojo.grade.server`) or in the job process it forks;
the grading process itself never runs a submission's code. Each step is best effort: where the
machine does not allow it (not root, no namespaces), the job runs with what is left and the
grader records what it used (`grading.json`, "sandbox").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# A user id per parallel slot: processes of one job can neither signal the grader (root) nor
# another job, RLIMIT_NPROC is enforced (it is not for root), and "kill every process of this
# uid" finds everything a job started, whatever setsid, double forks or exec did.
UID_BASE = 2_000_000_000

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


@dataclass(frozen=True)
class Limits:
    """The limits of one job (one submission x one kata module)."""

    timeout: float = 60.0  # wall clock, seconds, whole job (SIGKILL; no signal can dodge it)
    memory_mb: int = 3072  # resident memory of all the job's processes together (watchdog)
    address_space_mb: int = 4096  # RLIMIT_AS headroom above what the forked server already maps
    cpu_s: int = 0  # RLIMIT_CPU per process; 0: timeout + 10
    file_mb: int = 64  # RLIMIT_FSIZE: the largest file a job may write
    disk_mb: int = 256  # all files of the job's scratch space together (tmpfs size / watchdog)
    nproc: int = 128  # RLIMIT_NPROC for the job's own user (threads count)
    nofile: int = 512  # RLIMIT_NOFILE
    output_kb: int = 64  # captured output kept for feedback (head and tail)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def is_root() -> bool:
    """Whether the full sandbox is available (DOJO_GRADE_AS_USER=1 tries the fallback that an
    ordinary user gets: no user per job, no namespaces)."""
    return os.geteuid() == 0 and os.environ.get("DOJO_GRADE_AS_USER") != "1"


# --- in the job process, right after fork ---------------------------------------------------


def vm_kb(field: str, pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def set_limits(limits: Limits) -> list[str]:
    """rlimits for this process and everything it starts. Returns what could not be set."""
    missed = []
    mb = 1024 * 1024
    cpu = limits.cpu_s or int(limits.timeout) + 10
    base_as = vm_kb("VmSize") * 1024
    base_data = vm_kb("VmData") * 1024
    wanted = [
        ("RLIMIT_CPU", (cpu, cpu + 5)),
        ("RLIMIT_FSIZE", (limits.file_mb * mb, limits.file_mb * mb)),
        ("RLIMIT_AS", (base_as + limits.address_space_mb * mb,) * 2),
        ("RLIMIT_DATA", (base_data + limits.memory_mb * mb,) * 2),
        ("RLIMIT_NOFILE", (limits.nofile, limits.nofile)),
        ("RLIMIT_CORE", (0, 0)),
        ("RLIMIT_NPROC", (limits.nproc, limits.nproc)),
        ("RLIMIT_MEMLOCK", (0, 0)),
    ]
    for name, value in wanted:
        try:
            resource.setrlimit(getattr(resource, name), value)
        except (ValueError, OSError, AttributeError):
            missed.append(name)
    return missed


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    rc = libc().mount(
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _blocker(path: str) -> str | None:
    """The topmost folder on the way to `path` that other users cannot pass (o-x), if any."""
    parts = Path(path).parts
    for i in range(2, len(parts) + 1):
        folder = os.path.join(*parts[:i])
        try:
            if not os.stat(folder).st_mode & 0o001:
                return folder
        except OSError:
            return None
    return None


def runtime_paths() -> list[str]:
    """What a job's Python needs to read: the interpreter, its standard library and
    site-packages, the dojo package."""
    import site
    import sysconfig

    import dojo

    paths = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(dojo.__file__).resolve().parent)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            paths.add(sysconfig.get_paths()[key])
        except KeyError:
            pass
    paths.update(getattr(site, "getsitepackages", lambda: [])())
    return sorted(p for p in paths if p and os.path.isdir(p))


def readable_by_others(paths: list[str]) -> bool:
    return all(_blocker(p) is None for p in paths)


def enter_namespaces(job_dir: Path, limits: Limits, hide: list[str] = (),
                     expose: list[str] = ()) -> Path:
    """A private mount and network namespace: /tmp, /var/tmp and /dev/shm become small private
    tmpfs (size-limited, gone with the job), the folders in `hide` (the project's solutions,
    gallery, tests and history, the class's submissions, OUT) are covered by empty read-only
    tmpfs, the job's folder is bound at /tmp/job, and there is no network. Returns the folder to
    run in. Raises OSError where namespaces are not allowed."""
    if libc().unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")
    _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    fd = os.open(str(job_dir), os.O_PATH | os.O_DIRECTORY)
    # folders that other users cannot pass (a Python under /root): a tmpfs over the blocking
    # folder, with only what the job needs bound back in; the rest of it stays out of sight
    blocked: dict[str, list[tuple[str, int]]] = {}
    for path in expose:
        block = _blocker(path)
        if block is not None:
            blocked.setdefault(block, []).append(
                (path, os.open(path, os.O_PATH | os.O_DIRECTORY)))
    # the runtime may itself live under a folder that becomes private below (a clone and its
    # venv in /tmp, as CI has it): keep a handle on it to bind it back at the same path
    private = ("/tmp", "/var/tmp", "/dev/shm")
    rebind: list[tuple[str, int]] = []
    for path in sorted({os.path.realpath(p) for p in expose}, key=len):
        inside_private = any(path == r or path.startswith(r + "/") for r in private)
        covered = any(path.startswith(done + "/") for done, _ in rebind)
        if inside_private and not covered and os.path.isdir(path):
            rebind.append((path, os.open(path, os.O_PATH | os.O_DIRECTORY)))
    for path in hide:
        if os.path.isdir(path) and not os.path.islink(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=555")
    for block, inside in blocked.items():
        _mount("tmpfs", block, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        for path, pfd in sorted(inside, key=lambda x: len(x[0])):
            os.makedirs(path, 0o755, exist_ok=True)
            _mount(f"/proc/self/fd/{pfd}", path, None, MS_BIND | MS_REC, None)
            os.close(pfd)
    size = f"size={limits.disk_mb}m,nr_inodes=20000"
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"{size},mode=1777")
    os.mkdir("/tmp/job", 0o755)
    _mount(f"/proc/self/fd/{fd}", "/tmp/job", None, MS_BIND, None)
    os.close(fd)
    for extra in ("/var/tmp", "/dev/shm", "/run/lock", "/var/lock"):
        if os.path.isdir(extra) and not os.path.islink(extra):
            try:
                _mount("tmpfs", extra, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
            except OSError:
                pass
    for path, pfd in rebind:  # only the runtime comes back; its neighbours stay out of sight
        os.makedirs(path, 0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{pfd}", path, None, MS_BIND | MS_REC, None)
        os.close(pfd)
    return Path("/tmp/job")


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def set_subreaper() -> bool:
    """Orphans of a job (double fork, setsid) are re-parented to the server, not to init, so
    that the server still sees them as its descendants."""
    return libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


# --- in the server: finding and killing what a job left behind --------------------------------


@dataclass
class Proc:
    pid: int
    ppid: int
    uid: int
    rss_kb: int


def processes() -> dict[int, Proc]:
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        ppid = uid = rss = 0
        for line in text.splitlines():
            if line.startswith("PPid:"):
                ppid = int(line.split()[1])
            elif line.startswith("Uid:"):
                uid = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        found[pid] = Proc(pid, ppid, uid, rss)
    return found


def descendants(root: int, table: dict[int, Proc]) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in table.values():
        children.setdefault(proc.ppid, []).append(proc.pid)
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def has_marker(pid: int, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def job_processes(pid: int, uid: int | None, marker: bytes, table: dict[int, Proc]) -> set[int]:
    """Every process that belongs to a job: its uid (root mode), its descendants, and any
    process whose environment carries the job's marker."""
    found = descendants(pid, table)
    if pid in table:
        found.add(pid)
    for proc in table.values():
        if uid is not None and proc.uid == uid:
            found.add(proc.pid)
    if uid is None:
        me = os.getuid()
        for proc in table.values():
            if proc.uid == me and proc.pid not in found and proc.pid != os.getpid():
                if has_marker(proc.pid, marker):
                    found.add(proc.pid)
    found.discard(os.getpid())
    return found


_KILLER: tuple[int, int] | None = None  # (write fd, read fd) of the small killer process
KILLER_PID = 0


def start_killer() -> None:
    """Fork a small helper, before the server imports torch, that kills a uid's processes on
    request: forking it is cheap, forking the torch-laden server for every kill is not."""
    global _KILLER, KILLER_PID
    if not is_root():
        return
    req_r, req_w = os.pipe()
    ans_r, ans_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(req_w)
        os.close(ans_r)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        buffer = b""
        while True:
            chunk = os.read(req_r, 4096)
            if not chunk:
                os._exit(0)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    _kill_uid_here(int(line))
                finally:
                    os.write(ans_w, b"k")
    os.close(req_r)
    os.close(ans_w)
    _KILLER = (req_w, ans_r)
    KILLER_PID = pid


def _kill_uid_here(uid: int) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:  # noqa: BLE001
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def kill_uid(uid: int) -> None:
    """kill(-1, SIGKILL) as that user: the kernel signals every process of the uid at once,
    including ones that fork while we look."""
    if _KILLER is not None:
        try:
            os.write(_KILLER[0], f"{uid}\n".encode())
            if os.read(_KILLER[1], 1):
                return
        except OSError:
            pass
    _kill_uid_here(uid)


def kill_job(pid: int, uid: int | None, marker: bytes, rounds: int = 20) -> int:
    """SIGKILL a job and everything it started; returns how many processes were left over
    besides the job process itself (leftovers that the sweep killed)."""
    leftovers: set[int] = set()
    for attempt in range(rounds):
        if uid is not None:
            kill_uid(uid)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        table = processes()
        alive = {
            p for p in job_processes(pid, uid, marker, table) if _state(p) not in ("Z", "X", "")
        }
        leftovers |= alive - {pid}
        if not alive:
            break
        for p in alive:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01 * (attempt + 1))
    return len(leftovers)


def holds_pipe(pid: int, inode: int) -> bool:
    """Whether a process holds the job's marker pipe (inherited by every fork of the job)."""
    want = f"pipe:[{inode}]"
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == want:
                    return True
            except OSError:
                continue
    except OSError:
        pass
    return False


def start_time(pid: int) -> int:
    """When a process started (clock ticks since boot): with the pid, it names one process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        return int(text.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return -1


def _state(pid: int) -> str:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        return text.rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def pss_kb(pid: int) -> int | None:
    """Proportional set size: pages shared by forked processes counted once in all."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def memory_kb(pids: set[int], table: dict[int, Proc], limit_kb: int | None = None) -> int:
    """The memory of a job's processes together (PSS where the kernel gives it, else RSS).
    RSS is cheap and never below PSS: PSS is read only when RSS passes `limit_kb`."""
    rss = sum(table[p].rss_kb for p in pids if p in table)
    if limit_kb is not None and rss <= limit_kb:
        return rss
    total = 0
    for pid in pids:
        pss = pss_kb(pid)
        total += pss if pss is not None else (table[pid].rss_kb if pid in table else 0)
    return total


def dir_usage(path: Path, cap_entries: int = 20000) -> tuple[int, int]:
    """(bytes, entries) under path, counting at most cap_entries entries."""
    total = entries = 0
    stack = [str(path)]
    while stack and entries < cap_entries:
        top = stack.pop()
        try:
            with os.scandir(top) as it:
                for entry in it:
                    entries += 1
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += st.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return total, entries
