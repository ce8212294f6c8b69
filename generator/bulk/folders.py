"""A run's folders: the output folder it replaces whole, and its scratch folder in TMPDIR.

A run holds an exclusive lock beside the output folder ``DIR`` (``.DIR.lock``, holding its pid)
from start to finish: a second run into ``DIR`` is refused, not interleaved. The outputs are
written into a staging folder beside ``DIR`` (``.DIR.<12 hex digits>``) that takes DIR's place
in one exchange of names at the end, so a reader sees the old folder or the new one, whole;
the old one is then deleted. The lock's holder is the only run writing beside ``DIR``, so the
staging folders it finds there are a killed run's, and it deletes them.

The scratch folder (DuckDB's database and spill files, the staged input, Spark's result) is a
``tablemap-bulk-*`` folder in TMPDIR that holds a locked file while its run lives: each run
deletes the scratch folders whose lock nobody holds, which only a dead run leaves.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

# What a run writes in its output folder, and the load journal a loader adds (load/).
OUTPUTS = frozenset({"payloads.jsonl", "payloads.parquet", "rejects.jsonl", "summary.json", "load"})
SCRATCH_PREFIX = "tablemap-bulk-"
# renameat2's flag and "the current directory" as its folder argument (linux/fcntl.h, fs.h).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Busy(Exception):
    """Another live run holds the output folder's lock."""

    def __init__(self, lock: Path, pid: str) -> None:
        super().__init__(pid)
        self.lock = lock
        self.pid = pid


class ScratchFailure(Exception):
    """The scratch folder could not be made or written: TMPDIR is full, missing or read-only."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotAnOutput(Exception):
    """The output path is something a run must not replace: a file, or a folder of other files."""


class OutputFolder:
    """``destination`` held for this run, with a staging folder that replaces it on commit."""

    def __init__(self, destination: Path, outputs: frozenset[str] = OUTPUTS) -> None:
        # Through a symbolic link to the folder it names: that folder is what gets replaced,
        # and runs given the link and the folder share one lock.
        self.destination = Path(os.path.realpath(destination))
        parent, name = self.destination.parent, self.destination.name
        parent.mkdir(parents=True, exist_ok=True)
        self.lock = _hold(_lock_path(self.destination))
        try:
            _check_replaceable(self.destination, outputs)
            leftover = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}")
            for path in parent.iterdir():
                if leftover.fullmatch(path.name) and not path.is_symlink() and path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
            self.staged = _new_folder(parent, f".{name}.")
        except BaseException:
            self.lock.release()
            raise

    def commit(self) -> None:
        if not self.destination.exists():
            os.rename(self.staged, self.destination)
        elif _exchange(self.staged, self.destination):
            shutil.rmtree(self.staged, ignore_errors=True)
        else:
            # No exchange here (not Linux, or a filesystem without it): the old folder moves
            # aside first, and is deleted only once the new one is in place.
            aside = _new_folder(self.destination.parent, f".{self.destination.name}.")
            os.rename(self.destination, aside)
            os.rename(self.staged, self.destination)
            shutil.rmtree(aside, ignore_errors=True)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        problem: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            # After a commit the staging name is gone, or holds the old folder until deleted.
            shutil.rmtree(self.staged, ignore_errors=True)
        finally:
            self.lock.release()


class Scratch:
    """A new scratch folder in TMPDIR, deleted at the end; the dead runs' are deleted first."""

    def __init__(self) -> None:
        parent = Path(tempfile.gettempdir())
        for path in parent.glob(f"{SCRATCH_PREFIX}*"):
            _delete_if_dead(path)
        try:
            self.path = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=parent))
        except OSError as problem:
            raise ScratchFailure(str(problem)) from None
        try:
            # Locked before it takes its name, so no run finds it unlocked while this one lives.
            fd, name = tempfile.mkstemp(dir=self.path)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(name, self.path / "lock")
        except OSError as problem:
            shutil.rmtree(self.path, ignore_errors=True)
            raise ScratchFailure(str(problem)) from None
        self.fd = fd

    def __enter__(self) -> Scratch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        problem: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            shutil.rmtree(self.path, ignore_errors=True)
        finally:
            os.close(self.fd)


def hold_folder(folder: Path) -> FolderLock:
    """The lock a bulk run holds on its output folder, for a command that reads the folder
    (``load``): while it is held no bulk run replaces the folder, or Busy when one is."""
    return _hold(_lock_path(Path(os.path.realpath(folder))))


def _lock_path(destination: Path) -> Path:
    return destination.parent / f".{destination.name}.lock"


class FolderLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        problem: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        # Unlinked while still held: a run that opened it meanwhile sees it is gone (see _hold).
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        finally:
            os.close(self.fd)


def _hold(path: Path) -> FolderLock:
    """The lock at ``path``, taken now or Busy; a dead holder's lock is free, so it is taken."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise Busy(path, pid or "unknown") from None
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            lock = FolderLock(path, fd)
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            except BaseException:
                lock.release()
                raise
            return lock
        # The holder released it between our open and our lock: lock the file there now.
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (held.st_dev, held.st_ino)


def _delete_if_dead(folder: Path) -> None:
    """Delete a scratch folder whose lock no process holds; one without a lock is left alone
    (it is being created, or it is another program's)."""
    lock = folder / "lock"
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _same_file(fd, lock):
            shutil.rmtree(folder, ignore_errors=True)
    except OSError:
        pass  # held: its run is alive
    finally:
        os.close(fd)


def _check_replaceable(destination: Path, outputs: frozenset[str]) -> None:
    """Refuse to replace anything but an empty folder or one of a run's outputs: the whole
    folder is replaced, so any other file in it would be lost."""
    if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
        raise NotAnOutput(f"{destination} is not a folder")
    if not destination.exists():
        return
    others = sorted(path.name for path in destination.iterdir() if path.name not in outputs)
    if others:
        raise NotAnOutput(f"{destination} holds {others[0]!r}, which no bulk run writes")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (Linux's renameat2); False where the system can't."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    names = (os.fsencode(first), os.fsencode(second))
    if renameat2(_AT_FDCWD, names[0], _AT_FDCWD, names[1], _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(number, os.strerror(number), str(second))


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder of a name no one else has, with the mode ``mkdir`` gives (0o777 less the
    umask): mkdtemp's 0o700 would leave the output private to its writer after the rename."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(6)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
