"""Git plumbing: a folder and a revision in, the commit, its file listing and file bytes out.

Only ``rev-parse``, ``ls-tree`` and ``cat-file`` are used. They need nothing but the objects
of the one commit, so they work in a shallow clone once that commit is fetched. Paths are
relative to the folder git runs in, as ``ls-tree`` prints them by default.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# Regular files, executable or not: symbolic links and submodules are not specs.
_FILE_MODES = ("100644", "100755")


class GitFailed(Exception):
    """A git command failed; the text is git's first line of complaint."""


class GitUnavailable(GitFailed):
    """git itself could not be started."""


def _git(
    root: Path, *arguments: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *arguments], input=stdin, capture_output=True
        )
    except OSError as error:
        raise GitUnavailable(str(error)) from error


def _first_line(raw: bytes) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def repository_problem(root: Path) -> str | None:
    """Why ``root`` is not inside a git work tree, or None when it is."""
    found = _git(root, "rev-parse", "--git-dir")
    return None if found.returncode == 0 else _first_line(found.stderr)


def resolve_commit(root: Path, revision: str) -> str | None:
    """The commit id ``revision`` names, or None when there is no such commit here."""
    # A leading dash would be read as an option, not a revision.
    if not revision or revision.startswith("-"):
        return None
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return found.stdout.decode("ascii").strip() if found.returncode == 0 else None


def list_files(root: Path, commit: str, path: str) -> list[tuple[str, str]]:
    """(path, blob id) of the regular files at or under ``path`` in ``commit``, by path."""
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", path)
    if listing.returncode != 0:
        raise GitFailed(f"git ls-tree failed: {_first_line(listing.stderr)}")
    files = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split(" ")
        if kind == "blob" and mode in _FILE_MODES:
            files.append((name.decode("utf-8", "surrogateescape"), blob))
    return sorted(files)


def read_blobs(root: Path, blobs: list[str]) -> list[bytes]:
    """The contents of ``blobs``, in order, read by one ``git cat-file --batch``."""
    if not blobs:
        return []
    shown = _git(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in blobs).encode())
    if shown.returncode != 0:
        raise GitFailed(f"git cat-file failed: {_first_line(shown.stderr)}")
    output = shown.stdout
    contents = []
    position = 0
    for blob in blobs:
        end = output.index(b"\n", position)
        header = output[position:end].decode("ascii").split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise GitFailed(f"git cat-file failed: {blob} is {' '.join(header[1:])}")
        start = end + 1
        size = int(header[2])
        contents.append(output[start : start + size])
        # Each object's bytes are followed by a newline.
        position = start + size + 1
    return contents
