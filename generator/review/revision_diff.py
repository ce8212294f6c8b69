"""``python -m generator diff REV``: a git revision and the working tree in, a report out.

Both sides are read by the project loader, the revision with git plumbing that works in a
shallow clone. The report (Markdown for a pull-request comment, or JSON) lists what the
spec changes mean, each breaking or not. Problems are diagnostics; the command line picks
the exit status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import messages
from generator.diagnostics import Diagnostics, Location
from generator.review.comparison import Change, compare
from generator.review.json_report import render_json
from generator.review.markdown_report import render_markdown
from generator.source.git_plumbing import GitUnavailable, repository_problem, resolve_commit
from generator.source.project import Layout, Revision, WorkingTree, load_spec_set

RENDERERS: dict[str, Callable[[str, list[Change]], str]] = {
    "markdown": render_markdown,
    "json": render_json,
}


@dataclass
class DiffRun:
    """The report (empty when there were errors), whether any change breaks, diagnostics."""

    report: str = ""
    breaking: bool = False
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _relative(root: Path, specs: Path) -> Path | None:
    """The specs folder relative to ``root``, or None if it is outside."""
    if not specs.is_absolute():
        return specs
    try:
        return specs.relative_to(root)
    except ValueError:
        return None


def _commit(root: Path, revision: str, diagnostics: Diagnostics) -> str | None:
    try:
        problem = repository_problem(root)
        if problem is not None:
            diagnostics.report(messages.DIFF_NOT_A_REPOSITORY, Location(str(root)), problem=problem)
            return None
        commit = resolve_commit(root, revision)
    except GitUnavailable as error:
        diagnostics.report(messages.DIFF_NO_GIT, Location(str(root)), problem=str(error))
        return None
    if commit is None:
        diagnostics.report(messages.DIFF_MISSING_REVISION, Location(revision))
    return commit


def run_diff(
    root: Path, revision: str, *, output_format: str = "markdown", specs: Path = Path("specs")
) -> DiffRun:
    """Compare the specs at ``revision`` with those in the working tree under ``root``."""
    run = DiffRun()
    diagnostics = run.diagnostics
    render = RENDERERS.get(output_format)
    if render is None:
        diagnostics.report(
            messages.DIFF_OUTPUT_FORMAT,
            Location(output_format),
            format=output_format,
            expected=" or ".join(RENDERERS),
        )
        return run
    folder = _relative(root, specs)
    if folder is None:
        diagnostics.report(messages.DIFF_SPECS_OUTSIDE, Location(specs.as_posix()), root=root)
        return run
    commit = _commit(root, revision, diagnostics)
    if commit is None:
        return run
    layout = Layout(root, folder)
    old = load_spec_set(Revision(root, revision, commit), layout, diagnostics)
    new = load_spec_set(WorkingTree(root), layout, diagnostics)
    if diagnostics.errors:
        return run
    changes = compare(
        {spec.module: spec for spec in old.specs}, {spec.module: spec for spec in new.specs}
    )
    run.report = render(revision, changes)
    run.breaking = any(change.breaking for change in changes)
    return run
