"""The scratch folder's transaction: files to write and remove in, the outputs changed together out.

Everything lives in the project's scratch folder, ``.tablemap/`` (git-ignored):

- ``lock``: ``flock``-ed by every run that writes (exclusive) or checks (shared), so runs take
  turns instead of trampling each other's files;
- ``run-*/``: one run's private staging folder, holding every new file before anything moves;
- ``journal.json``: the commit record, naming each staged file's destination and each file to
  remove. It is renamed into place only once every file is staged and flushed, and deleted once
  every move is done. A run that dies before the rename changed nothing the outputs show; one
  that dies after it is finished by the next run (``recover``), which replays the record.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCRATCH = Path(".tablemap")
LOCK = "lock"
JOURNAL = "journal.json"
RUN_PREFIX = "run-"
# The scratch folder ignores itself, so a project without our .gitignore never commits it.
SELF_IGNORE = ".gitignore"


class Fault(Exception):
    """An operating-system error while touching ``path``: the environment's fault, not ours."""

    def __init__(self, path: Path, error: OSError, *, reading: bool = False) -> None:
        super().__init__(f"{path}: {error}")
        self.path = path
        self.error = error
        self.reading = reading

    @property
    def problem(self) -> str:
        return self.error.strerror or str(self.error)


@contextmanager
def blame(path: Path, *, reading: bool = False) -> Iterator[None]:
    """Turn an OSError inside the block into a ``Fault`` that names ``path``."""
    try:
        yield
    except OSError as error:
        raise Fault(path, error, reading=reading) from error


class UnreadableJournal(Exception):
    """The commit record of an interrupted run cannot be parsed."""


@dataclass(frozen=True)
class Journal:
    """What one run commits to: (staged file, destination) moves and removals, root-relative."""

    run: str
    moves: tuple[tuple[str, str], ...]
    removals: tuple[str, ...]

    def dump(self) -> bytes:
        record = {"run": self.run, "moves": self.moves, "removals": self.removals}
        return json.dumps(record, indent=1).encode("utf-8")

    @staticmethod
    def load(data: bytes) -> Journal:
        try:
            record = json.loads(data)
            moves = tuple((str(staged), str(target)) for staged, target in record["moves"])
            return Journal(str(record["run"]), moves, tuple(map(str, record["removals"])))
        except (ValueError, KeyError, TypeError) as error:
            raise UnreadableJournal(str(error)) from error


def write_file(path: Path, data: bytes) -> None:
    """Create ``path`` with the mode a new file normally gets (0o666 less the umask), flushed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Make renames and removals in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Scratch:
    """The scratch folder of the project at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / SCRATCH

    @property
    def journal(self) -> Path:
        return self.folder / JOURNAL

    def relative(self, path: Path) -> str:
        return os.path.relpath(path, self.root)

    @contextmanager
    def locked(self, *, exclusive: bool, on_wait: Callable[[], None]) -> Iterator[None]:
        """Hold the project's lock; a check without a lock file has no writer to wait for."""
        lock = self.folder / LOCK
        if exclusive:
            with blame(self.folder):
                self.folder.mkdir(exist_ok=True)
            with blame(lock):
                descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        else:
            with blame(lock, reading=True):
                descriptor = os.open(lock, os.O_RDONLY) if lock.exists() else -1
        if descriptor < 0:
            yield
            return
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                on_wait()
                fcntl.flock(descriptor, mode)
            if exclusive and not (self.folder / SELF_IGNORE).exists():
                with blame(self.folder):
                    write_file(self.folder / SELF_IGNORE, b"*\n")
            yield
        finally:
            # Closing releases the lock, as the kernel does when a run is killed.
            os.close(descriptor)

    def unfinished(self) -> bool:
        with blame(self.journal, reading=True):
            return self.journal.exists()

    def recover(self) -> None:
        """Finish an interrupted run's committed changes, then drop abandoned staging folders.

        Call with the exclusive lock held. Raises ``UnreadableJournal`` (after deleting the
        record) when the record is damaged: the caller then rewrites every output that differs.
        """
        if self.journal.exists():
            with blame(self.journal, reading=True):
                data = self.journal.read_bytes()
            try:
                journal = Journal.load(data)
            except UnreadableJournal:
                with blame(self.journal):
                    self.journal.unlink()
                    self._drop_runs()
                raise
            self.apply(journal)
        with blame(self.folder):
            self._drop_runs()

    def _drop_runs(self) -> None:
        # Only the lock holder stages, so any staging folder found under the lock is abandoned.
        for entry in self.folder.iterdir():
            if entry.name.startswith(RUN_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)

    def new_run(self) -> Path:
        """A private staging folder for this run."""
        with blame(self.folder):
            return Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=self.folder))

    def discard(self, run: Path) -> None:
        shutil.rmtree(run, ignore_errors=True)

    def stage(self, run: Path, writes: list[tuple[Path, str]], removals: list[Path]) -> Journal:
        """Write every new file into the staging folder; nothing the outputs show changes yet."""
        moves: list[tuple[str, str]] = []
        for number, (target, text) in enumerate(writes):
            staged = run / str(number)
            with blame(target):
                write_file(staged, text.encode("utf-8"))
            moves.append((self.relative(staged), self.relative(target)))
        return Journal(self.relative(run), tuple(moves), tuple(map(self.relative, removals)))

    def commit(self, run: Path, journal: Journal) -> None:
        """The commit point: once the record is renamed into place, the next run finishes it."""
        record = run / JOURNAL
        with blame(self.journal):
            write_file(record, journal.dump())
            os.replace(record, self.journal)

    def apply(self, journal: Journal) -> None:
        """Replay a committed record; each step can run twice, so a crash in here is harmless."""
        with blame(self.journal):
            # The record must outlive a power cut before the first file moves.
            sync_folder(self.folder)
        folders: set[Path] = set()
        for staged, target in journal.moves:
            destination = self.root / target
            with blame(destination):
                destination.parent.mkdir(parents=True, exist_ok=True)
                if os.path.lexists(self.root / staged):
                    os.replace(self.root / staged, destination)
            folders.add(destination.parent)
        for target in journal.removals:
            removed = self.root / target
            with blame(removed):
                removed.unlink(missing_ok=True)
            folders.add(removed.parent)
        for folder in sorted(folders):
            with blame(folder):
                sync_folder(folder)
        with blame(self.journal):
            self.journal.unlink()
        self.discard(self.root / journal.run)

    def check_target_folder(self, folder: Path) -> None:
        """Refuse before the commit what would make a move fail after it."""
        if not os.access(folder, os.W_OK | os.X_OK):
            raise Fault(folder, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
        if os.stat(folder).st_dev != os.stat(self.folder).st_dev:
            problem = (
                f"it is on another file system than the scratch folder {SCRATCH}, "
                "so files cannot be renamed into it atomically"
            )
            raise Fault(folder, OSError(errno.EXDEV, problem))
