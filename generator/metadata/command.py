"""``python -m generator schema import``: $metadata and option-set files in, entity schemas out.

One run reads one document, finance and operations or Dataverse (told apart by its
namespace), and writes or updates one schema per entity set under
specs/entities/finance/ or specs/entities/dataverse/: the ones named on the command line,
or by default every entity or table the specs use and every schema already there. It is
all or nothing: any error and no file changes; otherwise every new file is staged next to
its target and renamed into place.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator import messages
from generator.diagnostics import Diagnostics, Location, Message, suggestion
from generator.metadata.csdl import read_metadata
from generator.metadata.existing import read_existing
from generator.metadata.facts import build_entity
from generator.metadata.merge import Changes, merge
from generator.metadata.model import Dialect, Metadata, MetadataError
from generator.metadata.options import OptionSet, read_options
from generator.metadata.usage import SpecUsage, spec_usage
from generator.metadata.writer import render

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DIALECT_NAMES = {Dialect.FINANCE: "finance and operations", Dialect.DATAVERSE: "Dataverse"}
_METADATA_MESSAGES = {
    "truncated": messages.METADATA_TRUNCATED,
    "not_xml": messages.METADATA_NOT_XML,
    "not_csdl": messages.METADATA_NOT_CSDL,
    "unsafe": messages.METADATA_UNSAFE,
    "unknown_dialect": messages.METADATA_UNKNOWN_DIALECT,
    "malformed": messages.METADATA_MALFORMED,
    "undefined_type": messages.METADATA_UNDEFINED_TYPE,
    "empty": messages.METADATA_EMPTY,
    "zip": messages.METADATA_ZIP,
    "html": messages.METADATA_HTML,
    "json_error": messages.METADATA_JSON_ERROR,
    "json": messages.METADATA_JSON,
    "binary": messages.METADATA_BINARY,
    "bad_gzip": messages.METADATA_BAD_GZIP,
}


@dataclass
class ImportResult:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    summary: str = ""

    @property
    def status(self) -> int:
        return 1 if self.diagnostics.errors else 0


@dataclass(frozen=True)
class _Planned:
    display: str
    path: Path
    text: str
    old: bytes | None
    changes: Changes


def add_schema_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = commands.add_parser("schema", help="entity schemas from an environment's $metadata")
    actions = schema.add_subparsers(dest="schema_command", required=True, metavar="ACTION")
    command = actions.add_parser(
        "import",
        help="write or update specs/entities/*/<name>.yaml from a $metadata document",
        description=(
            "Write or update one entity schema per entity set, from a finance and operations or "
            "Dataverse $metadata document: the named ones, or every one the specs use or that "
            "has a schema. Any error and nothing is written."
        ),
    )
    command.add_argument(
        "metadata", metavar="METADATA.xml", type=Path, help="a $metadata document, read streaming"
    )
    command.add_argument(
        "names",
        metavar="ENTITY",
        nargs="*",
        help="entity sets to import (default: those the specs use and those with a schema)",
    )
    command.add_argument(
        "--options",
        metavar="[TABLE=]FILE.json",
        nargs="+",
        action="extend",
        default=[],
        help="Dataverse attribute-metadata JSON with option-set values (after the names)",
    )
    command.add_argument(
        "--all-columns",
        action="store_true",
        help="write every column, not only the ones the specs use, the keys and those already there",
    )
    command.add_argument(
        "--specs", type=Path, default=Path("specs"), help="the specs folder (default: specs)"
    )


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _existing_stems(root: Path, specs: Path, dialect: Dialect) -> dict[str, Path]:
    folder = root / specs / "entities" / dialect.value
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml")) if path.is_file()}


class _Run:
    def __init__(self, arguments: argparse.Namespace, root: Path) -> None:
        self.arguments = arguments
        self.root = root
        self.result = ImportResult()
        self.diagnostics = self.result.diagnostics
        self.display = _display(arguments.metadata, root)
        # (entity set, column) -> the option-set file that gave its options, for warnings.
        self.option_files: dict[tuple[str, str], str] = {}

    def report(self, message: Message, where: Location | None = None, **fields: object) -> None:
        self.diagnostics.report(message, where or Location(self.display), **fields)

    def wanted(self, usage: SpecUsage) -> dict[Dialect, dict[str, Location]]:
        """Entity set -> where it was asked for, for each dialect the document might be."""
        if self.arguments.names:
            named = {name: Location(self.display) for name in self.arguments.names}
            return {dialect: named for dialect in Dialect}
        wanted: dict[Dialect, dict[str, Location]] = {}
        for dialect in Dialect:
            stems = _existing_stems(self.root, self.arguments.specs, dialect)
            found = dict(usage.names[dialect]) | {
                stem: Location(_display(path, self.root))
                for stem, path in stems.items()
                if stem not in usage.names[dialect]
            }
            wanted[dialect] = dict(sorted(found.items()))
        return wanted

    def metadata(self, wanted: dict[Dialect, dict[str, Location]]) -> Metadata | None:
        path: Path = self.arguments.metadata
        try:
            empty = path.stat().st_size == 0
        except OSError as problem:
            self.report(messages.METADATA_UNREADABLE, problem=problem.strerror or problem)
            return None
        if empty:
            self.report(messages.METADATA_EMPTY)
            return None
        try:
            return read_metadata(path, self.display, wanted)
        except MetadataError as problem:
            message = _METADATA_MESSAGES[problem.kind]
            self.diagnostics.report(message, Location(self.display), **problem.fields)
        except OSError as problem:
            self.report(messages.METADATA_UNREADABLE, problem=problem.strerror or problem)
        return None

    def check_names(self, metadata: Metadata, wanted: dict[str, Location]) -> None:
        by_type = {
            type_name.rpartition(".")[2]: name for name, type_name in metadata.entity_sets.items()
        }
        for name, location in wanted.items():
            if name in metadata.entity_sets:
                if not _NAME.match(name):
                    self.report(messages.METADATA_BAD_NAME, location, name=name)
                continue
            hint = (
                f" (did you mean {by_type[name]!r}, the entity set of entity type {name!r}?)"
                if name in by_type
                else suggestion(name, metadata.entity_sets)
            )
            self.report(
                messages.METADATA_MISSING_ENTITY,
                location,
                what=metadata.dialect.what,
                name=name,
                document=self.display,
                dialect=_DIALECT_NAMES[metadata.dialect],
                hint=hint,
            )

    def options(self, metadata: Metadata, names: list[str]) -> dict[str, dict[str, OptionSet]]:
        """Option sets by entity set and column."""
        if not self.arguments.options:
            return {}
        if metadata.dialect is not Dialect.DATAVERSE:
            self.report(messages.OPTIONS_NOT_DATAVERSE, dialect=_DIALECT_NAMES[metadata.dialect])
            return {}
        by_table = {
            type_name.rpartition(".")[2]: name for name, type_name in metadata.entity_sets.items()
        }
        found: dict[str, dict[str, OptionSet]] = {}
        for argument in self.arguments.options:
            table = read_options(argument, self.diagnostics)
            if table is None:
                continue
            entity_set = by_table.get(table.table, table.table)
            if entity_set not in names:
                self.report(
                    messages.OPTIONS_TABLE_NOT_IMPORTED, Location(table.display), table=table.table
                )
                continue
            found.setdefault(entity_set, {}).update(table.columns)
            self.option_files.update(
                ((entity_set, column), table.display) for column in table.columns
            )
        return found

    def plan(
        self,
        metadata: Metadata,
        name: str,
        usage: SpecUsage,
        options: dict[str, dict[str, OptionSet]],
    ) -> _Planned | None:
        imported, problems = build_entity(metadata, name, options.get(name, {}))
        for problem in problems:
            where = Location(self.option_files[(name, problem.column)])
            if problem.kind == "unknown":
                self.report(
                    messages.OPTIONS_UNKNOWN_COLUMN,
                    where,
                    column=problem.column,
                    table=name,
                    hint=suggestion(problem.column, problem.candidates),
                )
            else:
                self.report(
                    messages.OPTIONS_WRONG_TYPE,
                    where,
                    column=problem.column,
                    table=name,
                    odata_type=problem.odata_type,
                    expected="an option set's Edm.Int32 or Edm.Boolean",
                )
        path = (
            self.root / self.arguments.specs / "entities" / metadata.dialect.value / f"{name}.yaml"
        )
        display = _display(path, self.root)
        old: bytes | None = None
        existing = None
        if path.exists():
            try:
                old = path.read_bytes()
            except OSError as problem:
                self.report(
                    messages.SCHEMA_IMPORT_EXISTING,
                    Location(display),
                    problem=problem.strerror or problem,
                )
                return None
            existing = read_existing(old, display, self.diagnostics)
            if existing is None:
                return None
        document, changes = merge(
            imported,
            existing,
            usage.uses.get((metadata.dialect, name), []),
            all_columns=self.arguments.all_columns,
            document_name=self.display,
            diagnostics=self.diagnostics,
        )
        return _Planned(display, path, render(document), old, changes)

    def run(self) -> ImportResult:
        usage = spec_usage(self.root, self.arguments.specs, self.diagnostics)
        if self.diagnostics.errors:
            return self.result
        wanted = self.wanted(usage)
        metadata = self.metadata(wanted)
        if metadata is None:
            return self.result
        names = wanted[metadata.dialect]
        if not names:
            self.report(
                messages.METADATA_NOTHING_TO_IMPORT,
                dialect=_DIALECT_NAMES[metadata.dialect],
                document=self.display,
            )
            return self.result
        self.check_names(metadata, names)
        if self.diagnostics.errors:
            return self.result
        options = self.options(metadata, list(names))
        planned = [self.plan(metadata, name, usage, options) for name in names]
        if self.diagnostics.errors:
            return self.result
        plans = [item for item in planned if item is not None]
        changed = [item for item in plans if item.old != item.text.encode("utf-8")]
        problem = _write_all(changed)
        if problem is not None:
            self.report(messages.SCHEMA_IMPORT_WRITE, Location(changed[0].display), problem=problem)
            return self.result
        self.result.summary = _summary(plans, self.display, metadata.dialect)
        return self.result


def _write_all(plans: list[_Planned]) -> str | None:
    """Stage every file, then rename each into place; on any failure put the old bytes back."""
    staged: list[tuple[Path, _Planned]] = []
    replaced: list[_Planned] = []
    try:
        for plan in plans:
            plan.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, name = tempfile.mkstemp(
                dir=plan.path.parent, prefix=f".{plan.path.name}.", suffix=".tmp"
            )
            staged.append((Path(name), plan))
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(plan.text.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, plan in staged:
            os.replace(temporary, plan.path)
            replaced.append(plan)
    except OSError as problem:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for plan in replaced:
            if plan.old is None:
                plan.path.unlink(missing_ok=True)
            else:
                plan.path.write_bytes(plan.old)
        return str(problem.strerror or problem)
    return None


def _summary(plans: list[_Planned], document: str, dialect: Dialect) -> str:
    lines: list[str] = []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for plan in plans:
        changes = plan.changes
        if changes.created:
            counts["created"] += 1
            count = len(changes.added)
            lines.append(f"{plan.display}: created, {count} column{'s' * (count != 1)}")
            continue
        if not changes.any and plan.old == plan.text.encode("utf-8"):
            counts["unchanged"] += 1
            lines.append(f"{plan.display}: unchanged")
            continue
        counts["updated"] += 1
        if not changes.any:
            lines.append(f"{plan.display}: rewritten in the house style, no column changed")
            continue
        lines.append(
            f"{plan.display}: updated, {len(changes.added)} added, {len(changes.removed)} removed, "
            f"{len(changes.retyped)} retyped, {len(changes.changed)} changed"
        )
        lines.extend(f"  + {name}: {label}" for name, label in changes.added)
        lines.extend(f"  - {name}" for name in changes.removed)
        lines.extend(f"  ~ {name}: {before} -> {after}" for name, before, after in changes.retyped)
        lines.extend(f"  * {name}: {', '.join(keys)}" for name, keys in changes.changed)
    lines.append(
        f"{len(plans)} schema{'s' * (len(plans) != 1)} from {document} ({_DIALECT_NAMES[dialect]}): "
        f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
    )
    return "\n".join(lines) + "\n"


def run_schema_import(arguments: argparse.Namespace) -> ImportResult:
    """Run ``schema import`` from the project root (the current directory)."""
    return _Run(arguments, Path.cwd()).run()
