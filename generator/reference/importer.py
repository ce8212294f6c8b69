"""``python -m generator import``: a mapping-reference document in, spec files and a report out.

The importer reads the forms the integrated-customer-master reference has been published in:

- Markdown tables ``Source field | Map type | Destination field`` (or with ``Finance and
  operations field``, ``Customer engagement field`` and ``Default value`` columns), leading and
  trailing pipes optional, Markdown backslash escapes (``\\>\\<``, ``msdyn\\_city``);
- a plain-text rendering of those tables, where a template's heading is a bare line;
- the current reference, whose Map type cells carry value maps:
  ``><<br>`no` : `False`<br>`yes` : `True```, with ``blank`` for an empty value;
- the reference pages ``python -m generator generate`` writes (docs/maps/*.md), whose
  ``## Value maps`` section holds each row's value map.

What the document does not say (entity and table names, lookup targets, enum members) is
guessed and marked with a ``# guess:`` comment; a row that can't be read is kept as a
``# could not import:`` comment. Each of these is also a warning. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import messages
from generator.diagnostics import Diagnostics, Location
from generator.reference.guesses import module_name
from generator.reference.import_model import Note, guess
from generator.reference.spec_writer import write_spec
from generator.reference.table_extraction import find_table_maps
from generator.source.spec import module_name_problem

DEFAULT_SOURCE = "a mapping reference"


@dataclass(frozen=True)
class ImportedSpec:
    module: str  # file stem, snake case, e.g. customers_v3_to_accounts
    text: str  # the full YAML spec text
    warnings: tuple[str, ...]  # "line N: ..." for each note, also written as comments in text


@dataclass(frozen=True)
class _Imported:
    spec: ImportedSpec
    notes: tuple[Note, ...]
    rows: int


def _import(markdown: str, source: str) -> list[_Imported]:
    imported: list[_Imported] = []
    taken: set[str] = set()
    for table_map in find_table_maps(markdown):
        assert table_map.heading is not None
        hint = table_map.module_hint
        module = hint if hint and not module_name_problem(hint) else module_name(table_map.heading)
        if module in taken:
            number = 2
            while f"{module}_{number}" in taken:
                number += 1
            table_map.notes.append(
                guess(
                    table_map.heading_line,
                    messages.IMPORT_GUESS_MODULE,
                    module=f"{module}_{number}",
                    earlier=module,
                )
            )
            module = f"{module}_{number}"
        taken.add(module)
        text, notes = write_spec(table_map, source)
        warnings = tuple(f"line {note.line}: {note.text}" for note in notes)
        imported.append(
            _Imported(ImportedSpec(module, text, warnings), tuple(notes), len(table_map.rows))
        )
    return imported


def import_reference(markdown: str) -> list[ImportedSpec]:
    """Every table map found in a mapping-reference document, rows in order."""
    return [item.spec for item in _import(markdown, DEFAULT_SOURCE)]


@dataclass
class ImportRun:
    """What ``run_import`` did: a line per spec and a summary, and its diagnostics."""

    report: str = ""
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _write(target: Path, text: str) -> str:
    """Write ``text`` unless ``target`` exists: written, unchanged or skipped (OSError: failed)."""
    data = text.encode("utf-8")
    try:
        with target.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        return "unchanged" if same else "skipped"
    return "written"


def _read(path: Path, diagnostics: Diagnostics) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        problem = error.strerror or str(error)
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 ({error.reason} at byte {error.start})"
    diagnostics.report(messages.IMPORT_UNREADABLE, Location(str(path)), problem=problem)
    return None


def run_import(path: Path, into: Path) -> ImportRun:
    """Read PATH and write <into>/<module>.yaml for each table map in it.

    An existing file is never overwritten: one with the same content is left as it is, a
    different one is kept and warned about. The report has a line per spec and a summary.
    """
    run = ImportRun()
    markdown = _read(path, run.diagnostics)
    if markdown is None:
        return run
    imported = _import(markdown, path.name)
    if not imported:
        run.diagnostics.report(messages.IMPORT_NO_TABLE_MAP, Location(str(path)))
        return run
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        run.diagnostics.report(
            messages.IMPORT_FOLDER, Location(str(into)), problem=error.strerror or str(error)
        )
        return run
    report: list[str] = []
    counts = {"written": 0, "unchanged": 0, "skipped": 0}
    guesses = 0
    for item in imported:
        target = into / f"{item.spec.module}.yaml"
        try:
            outcome = _write(target, item.spec.text)
        except OSError as error:
            run.diagnostics.report(
                messages.IMPORT_WRITE, Location(str(target)), problem=error.strerror or str(error)
            )
            continue
        if outcome == "skipped":
            run.diagnostics.report(messages.IMPORT_EXISTS, Location(str(target)))
        counts[outcome] += 1
        guessed = sum(note.is_guess for note in item.notes)
        guesses += guessed
        report.append(
            f"{target}: {outcome} ({_count(item.rows, 'row')}, "
            f"{_count(guessed, 'guess', 'guesses')}, {len(item.notes) - guessed} not imported)"
        )
        for note in item.notes:
            run.diagnostics.report(note.message, Location(str(path), note.line, 1), **note.fields)
    report.append(
        f"{_count(len(imported), 'table map')} in {path.name}: "
        f"{counts['written']} written, {counts['unchanged']} unchanged, {counts['skipped']} skipped"
        + ("; review the comments marked 'guess'" if guesses else "")
    )
    run.report = "\n".join(report) + "\n"
    return run
