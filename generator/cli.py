"""Command line: ``python -m generator generate|diff|import|schema|bulk|load``.

Exit status: 0 success; 1 spec errors, a stale output under --check, or an output the
environment would not let us write (read-only, full disk, a file in the way); 2 bad
command-line use (or, from ``__main__``, a Python without the packages); 3 an internal error of the compiler; 130 interrupted; 141 the reader of
our output went away (``| head``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import messages
from generator.cache import CACHE_VARIABLE, ContentCache
from generator.diagnostics import Diagnostics, render
from generator.output import Outcome, Output, check_outputs, write_outputs
from generator.output_journal import SCRATCH
from generator.parallel import JOBS_VARIABLE, default_jobs, parse_jobs
from generator.pipeline import PACKAGE, SPEC_SCHEMA, SQL, compile_cached
from generator.source.project import Layout

ISSUES_URL = "the tablemap issue tracker (see README.md, 'Reporting bugs')"


def _parser(*, schema: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without ``schema``, one that has no ``schema`` command."""
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Compile dual-write table-map specs into typed Python mapper modules.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    generate = commands.add_parser(
        "generate", help="compile specs/ into generated/ (all or nothing)"
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail with a diff if generated/ differs from what the specs produce",
    )
    generate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    generate.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        help=f"worker processes for a cold run (default: ${JOBS_VARIABLE}, else every CPU)",
    )
    generate.add_argument(
        "--specs", type=Path, default=Path("specs"), help="the specs folder (default: specs)"
    )
    generate.add_argument(
        "--output",
        type=Path,
        default=Path("generated"),
        help=f"where the {PACKAGE} package goes (default: generated)",
    )
    generate.add_argument(
        "--docs",
        type=Path,
        default=Path("docs/maps"),
        help="where the reference pages go (default: docs/maps)",
    )
    diff = commands.add_parser(
        "diff",
        help="what the specs' changes since a git revision mean, breaking changes flagged",
    )
    diff.add_argument("revision", metavar="REV", help="the git revision to compare with")
    diff.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="report format"
    )
    diff.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 when any change is breaking"
    )
    diff.add_argument(
        "--specs", type=Path, default=Path("specs"), help="the specs folder (default: specs)"
    )
    reference = commands.add_parser(
        "import", help="write specs from Microsoft's mapping-reference Markdown"
    )
    reference.add_argument("path", metavar="PATH", type=Path, help="the Markdown document")
    reference.add_argument(
        "--into",
        type=Path,
        default=Path("specs/maps"),
        help="where the specs go (default: specs/maps); existing different files are kept",
    )
    if schema:
        # Its parser is in the metadata package, which no other command needs (50 ms to import).
        from generator.metadata.command import add_schema_parser

        add_schema_parser(commands)
    bulk = commands.add_parser(
        "bulk",
        help="run one spec's map over a whole export on DuckDB or Spark (initial load)",
    )
    # `main` hands everything after "bulk" to its own parser: it pulls in DuckDB and pyarrow,
    # which no other command needs.
    bulk.add_argument("arguments", nargs=argparse.REMAINDER, help="see `bulk --help`")
    load = commands.add_parser(
        "load", help="upsert bulk output folders into Dataverse, resumably (initial load)"
    )
    load.add_argument("arguments", nargs=argparse.REMAINDER, help="see `load --help`")
    reconcile = commands.add_parser(
        "reconcile",
        help="what differs between an F&O and a Dataverse export of one map, and the repairs",
    )
    reconcile.add_argument("arguments", nargs=argparse.REMAINDER, help="see `reconcile --help`")
    return parser


def _report(diagnostics: Diagnostics, root: Path, strict: bool) -> None:
    for diagnostic in diagnostics.sorted():
        print(render(diagnostic, root), file=sys.stderr)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    if errors or warnings:
        verdict = " (--strict: warnings are errors)" if strict and warnings else ""
        print(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            f"{verdict}",
            file=sys.stderr,
        )


def _waiting() -> None:
    print("waiting for another tablemap run to finish (it holds .tablemap/lock)", file=sys.stderr)


def cache_folder(root: Path) -> Path:
    """Where generate keeps its content cache: TABLEMAP_CACHE_DIR lets a CI job keep it between
    runs and several checkouts share one (entries are keyed by content, never by path)."""
    configured = os.environ.get(CACHE_VARIABLE)
    return Path(configured) if configured else root / SCRATCH / "cache"


def _jobs(text: str) -> int:
    try:
        return parse_jobs(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def generate(arguments: argparse.Namespace) -> int:
    try:
        jobs = arguments.jobs or default_jobs()
    except ValueError as problem:
        print(f"python -m generator generate: error: {problem}", file=sys.stderr)
        return 2
    root = Path.cwd()
    layout = Layout(root, arguments.specs)
    # Content-addressed: a run whose specs did not change reuses the last result, byte for byte.
    # The gate trusts no entry it did not compute: a shared or restored cache could hold a wrong
    # text in a well-formed entry. It writes none either, as it promises to write nothing.
    cache = ContentCache(None if arguments.check else cache_folder(root))
    result = compile_cached(layout, cache, jobs=jobs)
    diagnostics = result.diagnostics
    failed = bool(diagnostics.errors) or (arguments.strict and bool(diagnostics.warnings))
    if failed:
        _report(diagnostics, root, arguments.strict)
        print("generated/ was left unchanged", file=sys.stderr)
        return 1
    outputs = [
        Output(arguments.output / PACKAGE, result.files),
        Output(arguments.output / SQL, result.sql),
        Output(arguments.docs, result.docs),
        Output(arguments.specs, {SPEC_SCHEMA: result.spec_schema}, owned=False),
    ]
    if arguments.check:
        return _check(root, outputs, diagnostics, result.templates)
    # Diagnostics are printed after the write, so a closed stderr cannot stop it half-way.
    written = write_outputs(root, outputs, diagnostics, _waiting)
    _report(diagnostics, root, strict=False)
    if written.outcome is Outcome.UNCHANGED:
        print("generated/, docs and the spec schema were left unchanged", file=sys.stderr)
        return 1
    if written.outcome is Outcome.UNFINISHED:
        return 1
    for output, changes in zip(outputs, written.changes, strict=True):
        print(
            f"{output.folder.as_posix()}: {len(changes.written)} written, "
            f"{len(changes.removed)} removed"
        )
    return 0


def _check(root: Path, outputs: list[Output], diagnostics: Diagnostics, templates: int) -> int:
    stale = check_outputs(root, outputs, diagnostics, _waiting)
    for output, diff_text in stale:
        sys.stdout.write(diff_text)
        print(
            f"{output.folder.as_posix()} is stale: run `make generate` "
            "(python -m generator generate)",
            file=sys.stderr,
        )
    _report(diagnostics, root, strict=False)
    if stale or diagnostics.errors:
        return 1
    print(f"generated code, docs and spec schema are up to date ({templates} templates)")
    return 0


def diff(arguments: argparse.Namespace) -> int:
    """Exit 0, or 1 for a breaking change under --fail-on-breaking; 2 when there is no report."""
    # Imported here, as bulk is: `generate`, the command run most, never needs it.
    from generator.review.revision_diff import run_diff

    root = Path.cwd()
    run = run_diff(root, arguments.revision, output_format=arguments.format, specs=arguments.specs)
    _report(run.diagnostics, root, strict=False)
    if run.diagnostics.errors:
        return 2
    print(run.report)
    return 1 if arguments.fail_on_breaking and run.breaking else 0


def import_reference(arguments: argparse.Namespace) -> int:
    """Exit 0, 1 when nothing could be imported or written, 2 when PATH can't be read."""
    from generator.reference.importer import run_import

    run = run_import(arguments.path, arguments.into)
    sys.stderr.write(run.report)
    _report(run.diagnostics, Path.cwd(), strict=False)
    if any(item.code == messages.IMPORT_UNREADABLE.code for item in run.diagnostics.errors):
        return 2
    return 1 if run.diagnostics.errors else 0


def schema(arguments: argparse.Namespace) -> int:
    """``schema import``: exit 0, or 1 when anything was wrong (and nothing was written)."""
    from generator.metadata.command import run_schema_import

    run = run_schema_import(arguments)
    _report(run.diagnostics, Path.cwd(), strict=False)
    sys.stdout.write(run.summary)
    return run.status


def bulk(arguments: argparse.Namespace) -> int:
    """``bulk``: exit 0, or 1 when the input or the run had a problem (no output left behind)."""
    from generator.bulk.command import add_arguments, run

    parser = argparse.ArgumentParser(
        prog="python -m generator bulk",
        description="Run one spec's map over a whole export, on DuckDB (default) or Spark.",
    )
    add_arguments(parser)
    return run(parser.parse_args(arguments.arguments))


def load(arguments: argparse.Namespace) -> int:
    """``load``: exit 0, 1 when some rows failed, 2 for bad use or an unreachable service."""
    from generator.load.command import add_arguments, run

    parser = argparse.ArgumentParser(
        prog="python -m generator load",
        description="Upsert the payloads of bulk output folders into Dataverse.",
    )
    add_arguments(parser)
    return run(parser.parse_args(arguments.arguments))


def reconcile(arguments: argparse.Namespace) -> int:
    """``reconcile``: exit 0, or 1 when the map, an input or the run had a problem."""
    from generator.reconcile.command import add_arguments, run

    parser = argparse.ArgumentParser(
        prog="python -m generator reconcile",
        description="Compare an F&O export with a Dataverse export through one spec's map.",
    )
    add_arguments(parser)
    return run(parser.parse_args(arguments.arguments))


COMMANDS = {
    "generate": generate,
    "diff": diff,
    "import": import_reference,
    "schema": schema,
    "bulk": bulk,
    "load": load,
    "reconcile": reconcile,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # bulk, load and reconcile parse their own arguments (argparse's REMAINDER would not
    # take a leading --help).
    if argv[:1] in (["bulk"], ["load"], ["reconcile"]):
        arguments = argparse.Namespace(command=argv[0], arguments=argv[1:])
    else:
        # A line that names another command parses the same without the schema command.
        schema = argv[:1] not in (["generate"], ["diff"], ["import"])
        arguments = _parser(schema=schema).parse_args(argv)
    try:
        return COMMANDS[arguments.command](arguments)
    except KeyboardInterrupt:
        print(
            "interrupted: the outputs are as they were, or the next `python -m generator "
            "generate` finishes updating them",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head -1`): stop quietly, as a tool killed by SIGPIPE does.
        _discard_standard_streams()
        return 128 + signal.SIGPIPE
    except Exception:
        print(
            "internal error in the tablemap compiler (a bug, not a problem in your specs);\n"
            f"please report it, with this trace, to {ISSUES_URL}:",
            file=sys.stderr,
        )
        traceback.print_exc()
        return 3


def _discard_standard_streams() -> None:
    """Point stdout and stderr at /dev/null, so the interpreter's final flush cannot fail too."""
    sink = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        os.dup2(sink, stream.fileno())
    os.close(sink)
