"""Command line: ``python -m generator generate|diff|import``.

Exit status: 0 success, 1 spec errors (or stale output under --check), 2 bad
command-line use, 3 an internal error of the compiler.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.diagnostics import Diagnostics, render
from generator.output import Output, pending_changes, unified_diff, write_output
from generator.pipeline import PACKAGE, SPEC_SCHEMA, Layout, compile_project
from generator.reference.importer import run_import
from generator.review.semantic_diff import run_diff

ISSUES_URL = "the tablemap issue tracker (see README.md, 'Reporting bugs')"


def _parser() -> argparse.ArgumentParser:
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


def generate(arguments: argparse.Namespace) -> int:
    root = Path.cwd()
    layout = Layout(root, arguments.specs)
    result = compile_project(layout)
    _report(result.diagnostics, root, arguments.strict)
    failed = bool(result.diagnostics.errors) or (
        arguments.strict and bool(result.diagnostics.warnings)
    )
    if failed:
        print("generated/ was left unchanged", file=sys.stderr)
        return 1
    outputs = [
        Output(arguments.output / PACKAGE, result.files),
        Output(arguments.docs, result.docs),
        Output(arguments.specs, {SPEC_SCHEMA: result.spec_schema}, owned=False),
    ]
    if arguments.check:
        stale = [output for output in outputs if pending_changes(root, output).any]
        for output in stale:
            sys.stdout.write(unified_diff(root, output))
            print(
                f"{output.folder.as_posix()} is stale: run `make generate` "
                "(python -m generator generate)",
                file=sys.stderr,
            )
        if stale:
            return 1
        print(
            f"generated code, docs and spec schema are up to date ({len(result.plans)} templates)"
        )
        return 0
    for output in outputs:
        changes = write_output(root, output)
        print(
            f"{output.folder.as_posix()}: {len(changes.written)} written, "
            f"{len(changes.removed)} removed"
        )
    return 0


def diff(arguments: argparse.Namespace) -> int:
    status, report = run_diff(
        Path.cwd(),
        arguments.revision,
        output_format=arguments.format,
        fail_on_breaking=arguments.fail_on_breaking,
        specs=arguments.specs,
    )
    print(report, file=sys.stderr if status == 2 else sys.stdout)
    return status


def import_reference(arguments: argparse.Namespace) -> int:
    status, report = run_import(arguments.path, arguments.into)
    sys.stderr.write(report)
    return status


COMMANDS = {"generate": generate, "diff": diff, "import": import_reference}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return COMMANDS[arguments.command](arguments)
    except KeyboardInterrupt:
        print("interrupted; generated/ holds only complete files", file=sys.stderr)
        return 130
    except Exception:
        print(
            "internal error in the tablemap compiler (a bug, not a problem in your specs);\n"
            f"please report it, with this trace, to {ISSUES_URL}:",
            file=sys.stderr,
        )
        traceback.print_exc()
        return 3
