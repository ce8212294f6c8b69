"""``python -m generator diff REV``: what the specs' changes since a git revision mean.

The specs at ``REV`` (read with git plumbing that works in a shallow clone: ``rev-parse``,
``ls-tree``, ``cat-file``) are compared with the specs in the working tree, template by
template and row by row, and each change is classified as breaking or not for the services
that use the generated mappers. The report is Markdown, for a pull-request comment, or JSON.

Rows are identified by their fields, not by their position: ``(finance field, dataverse
field)``, casefolded (names resolve case-insensitively), with ``none`` as a side of its own.
Named value maps are expanded with the ``value_maps.yaml`` of the same revision, so a changed
named map shows up in every row that uses it.
"""

from __future__ import annotations

import bisect
import json
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostics, Location, Severity, suggestion
from generator.source.located_yaml import ScalarValue
from generator.source.spec import (
    MapSpec,
    MapType,
    Pair,
    RowSpec,
    ValueMapSpec,
    parse_spec,
    parse_value_maps,
    scalar_text,
)

OUTPUT_FORMATS = ("markdown", "json")
MISSING_REVISION = (
    "revision {revision!r} does not exist "
    "(in a shallow CI clone, fetch it first: git fetch --depth=1 origin <branch>)"
)
_SPEC_SUFFIXES = (".yaml", ".yml")
_ARROW = "→"


@dataclass(frozen=True)
class Change:
    """One semantic change of one template.

    ``row`` names the row as ``FINANCE <map type> DATAVERSE`` (as the newer spec writes it;
    a removed row as the older one did), or is None for a change of the whole template.
    ``old`` and ``new`` are the values before and after, as YAML users write them, or None
    where there was none.
    """

    module: str
    template: str
    kind: str
    breaking: bool
    row: str | None
    old: str | None
    new: str | None
    reason: str


class DiffError(Exception):
    """A problem that stops the diff: the message becomes ``error: <message>``, exit 2."""


# ---------------------------------------------------------------------------------------------
# Comparison


RowKey = tuple[str | None, str | None]
ValueKey = tuple[str, str]


def _field_key(name: str | None) -> str | None:
    return None if name is None else name.casefold()


def _row_key(row: RowSpec) -> RowKey:
    return (
        _field_key(row.finance.text if row.finance else None),
        _field_key(row.dataverse.text if row.dataverse else None),
    )


def _value_key(value: ScalarValue) -> ValueKey:
    """Equality as YAML means it: ``3``, ``3.0``, ``'3'`` and ``true`` are four values."""
    return (type(value).__name__, repr(value))


def _side(name: str | None) -> str:
    return "none" if name is None else name


def _row_label(row: RowSpec) -> str:
    finance = row.finance.text if row.finance else None
    dataverse = row.dataverse.text if row.dataverse else None
    return f"{_side(finance)} {row.map_type.value} {_side(dataverse)}"


def _pair_text(pair: Pair) -> str:
    return f"{scalar_text(pair.finance.value)} {_ARROW} {scalar_text(pair.dataverse.value)}"


@dataclass(frozen=True)
class _Values:
    """A row's value map with named references expanded."""

    name: str | None
    pairs: tuple[Pair, ...]

    def text(self) -> str:
        pairs = "; ".join(_pair_text(pair) for pair in self.pairs)
        return f"{self.name}: {pairs}" if self.name else pairs


def _values(row: RowSpec, value_maps: dict[str, ValueMapSpec], module: str) -> _Values | None:
    if row.values_reference is not None:
        name = row.values_reference.text
        named = value_maps.get(name)
        if named is None:
            raise ValueError(
                f"{module}: row {_row_label(row)} refers to the unknown value map {name!r}"
            )
        return _Values(name, named.pairs)
    if row.values is not None:
        return _Values(None, row.values.pairs)
    return None


def _row_text(row: RowSpec, values: _Values | None) -> str:
    parts = [_row_label(row)]
    if row.default is not None:
        parts.append(f"default {scalar_text(row.default.value)}")
    if values is not None:
        parts.append(f"values {values.text()}")
    if row.keep_unmapped:
        parts.append("unmapped: keep")
    return ", ".join(parts)


def _directions(map_type: MapType) -> set[str]:
    return {
        name
        for name, present in (
            ("F&O to Dataverse", map_type.to_dataverse),
            ("Dataverse to F&O", map_type.to_finance),
        )
        if present
    }


@dataclass
class _TemplateDiff:
    """Collects one template's changes with their sort keys (template level first)."""

    module: str
    template: str
    changes: list[tuple[tuple[int, int, int, int], Change]] = field(default_factory=list)

    def add(
        self,
        order: tuple[int, int, int, int],
        kind: str,
        breaking: bool,
        row: str | None,
        old: str | None,
        new: str | None,
        reason: str,
    ) -> None:
        change = Change(self.module, self.template, kind, breaking, row, old, new, reason)
        self.changes.append((order, change))

    def sorted(self) -> list[Change]:
        # A stable sort: changes of one row keep the order they were found in.
        return [change for _, change in sorted(self.changes, key=lambda item: item[0])]


def _template_level(diff: _TemplateDiff, old: MapSpec, new: MapSpec) -> None:
    position = iter(range(100))

    def add(kind: str, breaking: bool, before: str | None, after: str | None, why: str) -> None:
        diff.add((0, next(position), 0, 0), kind, breaking, None, before, after, why)

    for kind, before_name, after_name, system in (
        ("finance entity changed", old.finance.name, new.finance.name, "F&O entity"),
        ("dataverse table changed", old.dataverse.name, new.dataverse.name, "Dataverse table"),
    ):
        if before_name.text != after_name.text:
            add(
                kind,
                True,
                before_name.text,
                after_name.text,
                f"the template reads and writes another {system}",
            )
    for label, before, after, synced in (
        ("source filter", old.finance.filter, new.finance.filter, "F&O"),
        ("reversed source filter", old.dataverse.filter, new.dataverse.filter, "Dataverse"),
    ):
        old_text = None if before is None else str(before.value)
        new_text = None if after is None else str(after.value)
        if old_text == new_text:
            continue
        verb = "added" if old_text is None else "removed" if new_text is None else "changed"
        add(
            f"{label} {verb}",
            True,
            old_text,
            new_text,
            f"a different set of {synced} records is synchronized",
        )
    if old.template != new.template:
        add("title changed", False, old.template, new.template, "only the template's title")
    if old.description != new.description:
        add(
            "description changed",
            False,
            old.description or None,
            new.description or None,
            "only the template's description",
        )


def _match_rows(
    old_rows: tuple[RowSpec, ...], new_rows: tuple[RowSpec, ...]
) -> tuple[dict[int, int], set[int]]:
    """Old position -> new position for rows that are the same row; and which were renamed.

    Rows match first by identity (the n-th old row with some identity matches the n-th new
    row with it). Among the rest, an old and a new row that name the same field on one side
    and different fields (neither ``none``) on the other are one renamed row; a pair at the
    same position in the row list is preferred, then the nearest position.
    """
    by_key: dict[RowKey, list[int]] = {}
    for position, row in enumerate(new_rows):
        by_key.setdefault(_row_key(row), []).append(position)
    matched: dict[int, int] = {}
    for position, row in enumerate(old_rows):
        candidates = by_key.get(_row_key(row))
        if candidates:
            matched[position] = candidates.pop(0)
    unmatched_new = set(range(len(new_rows))) - set(matched.values())
    unmatched_old = [position for position in range(len(old_rows)) if position not in matched]

    def renames(old_position: int, new_position: int) -> bool:
        old_key, new_key = _row_key(old_rows[old_position]), _row_key(new_rows[new_position])
        if None in old_key or None in new_key:
            return False
        return (old_key[0] == new_key[0]) != (old_key[1] == new_key[1])

    renamed: set[int] = set()
    for same_position_only in (True, False):
        for old_position in unmatched_old:
            if old_position in matched:
                continue
            nearest = sorted(
                (abs(new_position - old_position), new_position)
                for new_position in unmatched_new
                if renames(old_position, new_position)
                and (new_position == old_position or not same_position_only)
            )
            if nearest:
                new_position = nearest[0][1]
                matched[old_position] = new_position
                unmatched_new.discard(new_position)
                renamed.add(old_position)
    return matched, renamed


def _rows_moved(matched: dict[int, int]) -> int:
    """How many matched rows changed place: those outside a longest run kept in order."""
    tails: list[int] = []
    for old_position in sorted(matched):
        new_position = matched[old_position]
        index = bisect.bisect_left(tails, new_position)
        if index == len(tails):
            tails.append(new_position)
        else:
            tails[index] = new_position
    return len(matched) - len(tails)


def _compare_values(
    add: Callable[[str, bool, str | None, str | None, str], None],
    old: _Values | None,
    new: _Values | None,
) -> None:
    if old is None and new is None:
        return
    if old is None:
        assert new is not None
        add(
            "value map added",
            True,
            None,
            new.text(),
            "values that were copied unchanged are now translated, and unlisted ones rejected",
        )
        return
    if new is None:
        add("value map removed", True, old.text(), None, "values are no longer translated")
        return
    if old.name != new.name:
        add(
            "value map reference changed",
            False,
            old.name or "(inline pairs)",
            new.name or "(inline pairs)",
            "where the pairs are written; the pairs themselves are compared one by one",
        )

    def keys(pair: Pair) -> tuple[ValueKey, ValueKey]:
        return _value_key(pair.finance.value), _value_key(pair.dataverse.value)

    remaining = list(new.pairs)
    leftover: list[Pair] = []
    for pair in old.pairs:
        same = next((other for other in remaining if keys(other) == keys(pair)), None)
        if same is None:
            leftover.append(pair)
        else:
            remaining.remove(same)
    for pair in leftover:
        finance, dataverse = keys(pair)
        changed = next((other for other in remaining if keys(other)[0] == finance), None)
        if changed is None:
            changed = next((other for other in remaining if keys(other)[1] == dataverse), None)
        if changed is None:
            add(
                "value pair removed",
                True,
                _pair_text(pair),
                None,
                "the value is no longer translated (it is rejected unless unmapped: keep)",
            )
        else:
            remaining.remove(changed)
            add(
                "value pair changed",
                True,
                _pair_text(pair),
                _pair_text(changed),
                "the value is translated differently",
            )
    for pair in remaining:
        add("value pair added", False, None, _pair_text(pair), "a value that was rejected maps")


def _compare_rows(
    diff: _TemplateDiff,
    old_row: RowSpec,
    new_row: RowSpec,
    renamed: bool,
    order: tuple[int, int, int, int],
    old_values: _Values | None,
    new_values: _Values | None,
) -> None:
    label = _row_label(new_row)

    def add(kind: str, breaking: bool, before: str | None, after: str | None, why: str) -> None:
        diff.add(order, kind, breaking, label, before, after, why)

    if renamed:
        side = "finance" if _row_key(old_row)[1] == _row_key(new_row)[1] else "dataverse"
        old_name = old_row.finance if side == "finance" else old_row.dataverse
        new_name = new_row.finance if side == "finance" else new_row.dataverse
        assert old_name is not None and new_name is not None
        add(
            "renamed",
            True,
            old_name.text,
            new_name.text,
            f"the {side} field {old_name.text} is no longer mapped; {new_name.text} is",
        )
    if old_row.map_type is not new_row.map_type:
        old_directions = _directions(old_row.map_type)
        new_directions = _directions(new_row.map_type)
        dropped = sorted(old_directions - new_directions)
        gained = sorted(new_directions - old_directions)
        if dropped and gained:
            kind, why = "direction changed", f"no longer maps {dropped[0]}; maps {gained[0]}"
        elif dropped:
            kind, why = "direction narrowed", f"no longer maps {dropped[0]}"
        elif gained:
            kind, why = "direction widened", f"now also maps {gained[0]}"
        else:
            kind, why = "map type changed", "the same directions; value-map changes are listed"
        add(kind, bool(dropped), old_row.map_type.value, new_row.map_type.value, why)
    old_default = None if old_row.default is None else old_row.default.value
    new_default = None if new_row.default is None else new_row.default.value
    if old_row.default is None and new_row.default is not None:
        add("default added", True, None, scalar_text(new_default), "a new value is written")
    elif old_row.default is not None and new_row.default is None:
        add("default removed", True, scalar_text(old_default), None, "a value is no longer written")
    elif _value_key(old_default) != _value_key(new_default):
        add(
            "default changed",
            True,
            scalar_text(old_default),
            scalar_text(new_default),
            "a different value is written",
        )
    if old_row.keep_unmapped != new_row.keep_unmapped:
        policies = {False: "error", True: "keep"}
        add(
            "unmapped policy changed",
            True,
            policies[old_row.keep_unmapped],
            policies[new_row.keep_unmapped],
            "values the map does not list are "
            + ("now passed through" if new_row.keep_unmapped else "now rejected"),
        )
    _compare_values(add, old_values, new_values)


def _compare_template(
    old: MapSpec,
    new: MapSpec,
    old_value_maps: dict[str, ValueMapSpec],
    new_value_maps: dict[str, ValueMapSpec],
) -> list[Change]:
    diff = _TemplateDiff(new.module, new.template)
    _template_level(diff, old, new)
    matched, renamed = _match_rows(old.rows, new.rows)
    moved = _rows_moved(matched)
    if moved:
        diff.add(
            (0, 100, 0, 0),
            "rows reordered",
            False,
            None,
            None,
            f"{moved} row{'s' * (moved != 1)} moved",
            "rows are independent: their order does not change what is written",
        )
    new_positions = set(matched.values())
    for position, row in enumerate(new.rows):
        if position not in new_positions:
            values = _values(row, new_value_maps, new.module)
            diff.add(
                (1, position, 0, 0),
                "row added",
                False,
                _row_label(row),
                None,
                _row_text(row, values),
                "a field is newly mapped",
            )
    anchor = -1
    for position, row in enumerate(old.rows):
        old_values = _values(row, old_value_maps, old.module)
        if position in matched:
            anchor = matched[position]
            new_row = new.rows[anchor]
            _compare_rows(
                diff,
                row,
                new_row,
                position in renamed,
                (1, anchor, 0, 0),
                old_values,
                _values(new_row, new_value_maps, new.module),
            )
        else:
            # A removed row is listed where it stood: after the row that preceded it.
            diff.add(
                (1, anchor, 1, position),
                "row removed",
                True,
                _row_label(row),
                _row_text(row, old_values),
                None,
                "a field is no longer mapped",
            )
    return diff.sorted()


def _template_summary(spec: MapSpec) -> str:
    rows = len(spec.rows)
    return f"{spec.finance.name.text} ↔ {spec.dataverse.name.text}, {rows} row{'s' * (rows != 1)}"


def compare(
    old: dict[str, MapSpec],
    new: dict[str, MapSpec],
    old_value_maps: dict[str, ValueMapSpec],
    new_value_maps: dict[str, ValueMapSpec],
) -> list[Change]:
    """The changes from ``old`` to ``new`` (module -> spec), by module, then in spec order.

    Each side's named value maps expand that side's ``{values: name}`` references; an unknown
    name raises ValueError (``run_diff`` reports it first, with its location).
    """
    changes: list[Change] = []
    for module in sorted(old.keys() | new.keys()):
        before, after = old.get(module), new.get(module)
        if after is None:
            assert before is not None
            changes.append(
                Change(
                    module,
                    before.template,
                    "template removed",
                    True,
                    None,
                    _template_summary(before),
                    None,
                    f"the generated module {module} is gone",
                )
            )
        elif before is None:
            changes.append(
                Change(
                    module,
                    after.template,
                    "template added",
                    False,
                    None,
                    None,
                    _template_summary(after),
                    "a new generated module",
                )
            )
        else:
            changes.extend(_compare_template(before, after, old_value_maps, new_value_maps))
    return changes


# ---------------------------------------------------------------------------------------------
# Reports


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


def render_json(revision: str, changes: list[Change]) -> str:
    document = {
        "revision": revision,
        "breaking": sum(change.breaking for change in changes),
        "changes": [asdict(change) for change in changes],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Reading specs from git and from the working tree


@dataclass(frozen=True)
class _Source:
    """Where specs come from: a revision's tree or the working tree."""

    description: str
    # Spec files as (path relative to the root, display name, bytes).
    files: list[tuple[str, str, bytes]]
    value_maps: tuple[str, bytes] | None


def _git(root: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *arguments], capture_output=True)
    except OSError as error:
        raise DiffError(f"cannot run git: {error}") from error


def _first_line(raw: bytes) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def _resolve(root: Path, revision: str) -> str:
    check = _git(root, "rev-parse", "--git-dir")
    if check.returncode != 0:
        raise DiffError(f"{root} is not in a git repository ({_first_line(check.stderr)})")
    if not revision or revision.startswith("-"):
        raise DiffError(MISSING_REVISION.format(revision=revision))
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise DiffError(MISSING_REVISION.format(revision=revision))
    return found.stdout.decode("ascii").strip()


def _tree_blobs(root: Path, commit: str, path: str, recursive: bool) -> list[tuple[str, str]]:
    """(path relative to root, blob id) of the regular files at ``path`` in ``commit``."""
    listing = _git(root, "ls-tree", *(["-r"] if recursive else []), "-z", commit, "--", path)
    if listing.returncode != 0:
        raise DiffError(f"git ls-tree failed: {_first_line(listing.stderr)}")
    blobs = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split(" ")
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((name.decode("utf-8", "surrogateescape"), blob))
    return blobs


def _blob(root: Path, blob: str) -> bytes:
    shown = _git(root, "cat-file", "blob", blob)
    if shown.returncode != 0:
        raise DiffError(f"git cat-file failed: {_first_line(shown.stderr)}")
    return shown.stdout


def _revision_source(root: Path, revision: str, commit: str, specs: str) -> _Source:
    prefix = "" if specs == "." else f"{specs}/"
    files = [
        (path, f"{revision}:{path}", _blob(root, blob))
        for path, blob in _tree_blobs(root, commit, f"{prefix}maps", recursive=True)
        if path.startswith(f"{prefix}maps/") and path.endswith(_SPEC_SUFFIXES)
    ]
    value_maps_path = f"{prefix}value_maps.yaml"
    value_maps = None
    for path, blob in _tree_blobs(root, commit, value_maps_path, recursive=False):
        if path == value_maps_path:
            value_maps = (f"{revision}:{path}", _blob(root, blob))
    return _Source(f"at {revision}", sorted(files), value_maps)


def _tree_source(root: Path, specs: str) -> _Source:
    folder = root / specs / "maps"
    try:
        paths = (
            sorted(
                path
                for path in folder.rglob("*")
                if path.suffix in _SPEC_SUFFIXES and path.is_file()
            )
            if folder.is_dir()
            else []
        )
        files = []
        for path in paths:
            relative = path.relative_to(root).as_posix()
            files.append((relative, relative, path.read_bytes()))
        value_maps_file = root / specs / "value_maps.yaml"
        value_maps = None
        if value_maps_file.is_file():
            display = (root / specs / "value_maps.yaml").relative_to(root).as_posix()
            value_maps = (display, value_maps_file.read_bytes())
    except OSError as error:
        raise DiffError(f"cannot read the specs in the working tree: {error}") from error
    return _Source("in the working tree", files, value_maps)


def _check_references(
    specs: Iterable[MapSpec], value_maps: dict[str, ValueMapSpec], diagnostics: Diagnostics
) -> None:
    for spec in specs:
        for row in spec.rows:
            reference = row.values_reference
            if reference is not None and reference.text not in value_maps:
                diagnostics.error(
                    reference.location,
                    f"unknown value map {reference.text!r}{suggestion(reference.text, value_maps)}",
                )


def _parse(source: _Source) -> tuple[dict[str, MapSpec], dict[str, ValueMapSpec]]:
    diagnostics = Diagnostics()
    value_maps: dict[str, ValueMapSpec] = {}
    if source.value_maps is not None:
        display, raw = source.value_maps
        try:
            value_maps = parse_value_maps(raw.decode("utf-8"), display, diagnostics)
        except UnicodeDecodeError as error:
            diagnostics.error(Location(display, 1, 1), f"not UTF-8: {error}")
    specs: dict[str, MapSpec] = {}
    for path, display, raw in source.files:
        spec = parse_spec(raw, display, Path(path).stem, diagnostics)
        if spec is None:
            continue
        earlier = specs.get(spec.module)
        if earlier is not None:
            diagnostics.error(
                Location(display, 1, 1),
                f"produces module {spec.module!r}, as {earlier.path} does: rename one of them",
            )
            continue
        specs[spec.module] = spec
    _check_references(specs.values(), value_maps, diagnostics)
    errors = [item for item in diagnostics.sorted() if item.severity is Severity.ERROR]
    if errors:
        more = f" (and {_plural(len(errors) - 1, 'more error')})" if len(errors) > 1 else ""
        raise DiffError(f"the specs {source.description} have errors: {errors[0].headline()}{more}")
    return specs, value_maps


def _specs_folder(root: Path, specs: Path) -> str:
    if specs.is_absolute():
        try:
            specs = specs.relative_to(root)
        except ValueError as error:
            raise DiffError(f"the specs folder {specs} is not inside {root}") from error
    folder = specs.as_posix().rstrip("/")
    return "." if folder in ("", ".") else folder


def run_diff(
    root: Path,
    revision: str,
    *,
    output_format: str = "markdown",
    fail_on_breaking: bool = False,
    specs: Path = Path("specs"),
) -> tuple[int, str]:
    """Returns (exit status, text to print on stdout).

    Exit 0: no breaking change (or not asked to fail); 1: breaking changes found and
    fail_on_breaking; 2: REV does not exist / not a git repository / specs at REV or in the
    tree don't parse (the text then is a clear one-line error message starting with 'error: ').
    The text has no trailing newline: print it with print().
    """
    try:
        if output_format not in OUTPUT_FORMATS:
            raise DiffError(
                f"unknown output format {output_format!r}: use {' or '.join(OUTPUT_FORMATS)}"
            )
        folder = _specs_folder(root, specs)
        commit = _resolve(root, revision)
        old_specs, old_value_maps = _parse(_revision_source(root, revision, commit, folder))
        new_specs, new_value_maps = _parse(_tree_source(root, folder))
    except DiffError as error:
        return 2, f"error: {error}"
    changes = compare(old_specs, new_specs, old_value_maps, new_value_maps)
    render = render_json if output_format == "json" else render_markdown
    breaking = any(change.breaking for change in changes)
    return (1 if breaking and fail_on_breaking else 0), render(revision, changes)
