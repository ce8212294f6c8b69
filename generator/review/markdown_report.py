"""The review diff's Markdown report: a revision's name and the changes in, a PR comment out."""

from __future__ import annotations

from generator.review.comparison import Change


def _cell(text: str | None) -> str:
    """A table cell: the text as a code span (so Markdown leaves it alone), pipes escaped."""
    if not text:
        return ""
    text = " ".join(text.splitlines())
    longest = run = 0
    for character in text:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    padding = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{padding}{text}{padding}{fence}".replace("|", "\\|")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def render_markdown(revision: str, changes: list[Change]) -> str:
    """The report for a pull-request comment (no trailing newline)."""
    lines = [f"## Table-map changes since {revision}", ""]
    if not changes:
        lines.append("No table-map changes.")
        return "\n".join(lines)
    breaking = sum(change.breaking for change in changes)
    by_module: dict[str, list[Change]] = {}
    for change in changes:
        by_module.setdefault(change.module, []).append(change)
    lines.append(
        f"{breaking} breaking, {_plural(len(changes) - breaking, 'non-breaking change')} "
        f"in {_plural(len(by_module), 'template')}"
    )
    for module, module_changes in by_module.items():
        title = " ".join(module_changes[0].template.splitlines())
        lines += [
            "",
            f"### {title} (`{module}`)",
            "",
            "| | Change | Row | Before | After |",
            "| --- | --- | --- | --- | --- |",
        ]
        for change in module_changes:
            flag = "**breaking**" if change.breaking else ""
            lines.append(
                f"| {flag} | {change.kind} | {_cell(change.row)} | {_cell(change.old)} "
                f"| {_cell(change.new)} |"
            )
    return "\n".join(lines)
