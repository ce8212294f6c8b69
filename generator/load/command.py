"""The ``load`` command: bulk folders and an environment URL in, rows upserted out.

Exit status: 0 when every row is upserted (and every deferred lookup bound), 1 when some rows
failed (listed in ``FOLDER/load/failed.jsonl``), 2 for bad use, bad folders, a refused token
or an environment that can't be reached, 130 when interrupted (the journal keeps what was
confirmed: run the command again to resume).
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

from generator import messages
from generator.bulk.folders import Busy, hold_folder
from generator.diagnostics import Diagnostics, Location
from generator.load.batch import BadBatchResponse
from generator.load.folders import BadFolder, BulkFolder, read_folder
from generator.load.journal import Journal, JournalMismatch
from generator.load.order import plan_steps
from generator.load.passes import Run, StepState
from generator.load.progress import Progress
from generator.load.records import write_records
from generator.load.requests import Sender
from generator.load.tokens import NoToken, TokenSource
from generator.load.transport import LIMIT, Transport, Unauthorized, Unreachable

MAX_BATCH = 1000  # the Web API's limit of requests in one $batch
SYSTEMS = {"to_dataverse": "Dataverse", "to_finance": "finance and operations"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders", nargs="+", type=Path, metavar="FOLDER", help="output folders of `bulk`"
    )
    parser.add_argument(
        "--url",
        required=True,
        help="the environment URL: https://contoso.crm.dynamics.com (Dataverse, for to-dataverse "
        "folders) or https://contoso.operations.dynamics.com (F&O, for to-finance folders)",
    )
    parser.add_argument(
        "--max-parallel",
        type=_bounded(1, LIMIT),
        default=LIMIT,
        help=f"requests in flight (default and most: {LIMIT}; lowered to x-ms-dop-hint)",
    )
    parser.add_argument(
        "--batch-size",
        type=_bounded(1, MAX_BATCH),
        default=MAX_BATCH,
        help=f"rows per $batch or UpsertMultiple request (default and most: {MAX_BATCH})",
    )
    parser.add_argument(
        "--bypass-business-logic",
        action="store_true",
        help="send MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync",
    )
    parser.add_argument(
        "--duplicate-detection",
        action="store_true",
        help="send MSCRM.SuppressDuplicateDetection: false (the Web API skips it by default)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line or summary")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the project root (default: .)"
    )


def _bounded(low: int, high: int) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low} to {high}, got {value}")
        return value

    return parse  # type: ignore[return-value]


def run(arguments: argparse.Namespace) -> int:
    diagnostics = Diagnostics()
    try:
        status = _run(arguments, diagnostics)
    except KeyboardInterrupt:
        print(
            "interrupted: every confirmed row is in the journal; run the same command again "
            "to resume",
            file=sys.stderr,
        )
        return 130
    for diagnostic in diagnostics.sorted():
        print(diagnostic.headline(), file=sys.stderr)
    return status


def _run(arguments: argparse.Namespace, diagnostics: Diagnostics) -> int:
    url = arguments.url.rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
        diagnostics.report(messages.LOAD_BAD_URL, Location("--url"), url=arguments.url)
        return 2
    folders = _folders(arguments.folders, diagnostics)
    if folders is None:
        return 2
    # Held to the end, so that no bulk run replaces a folder (and its journal) mid-load.
    with ExitStack() as held:
        for folder in folders:
            try:
                held.enter_context(hold_folder(folder.path))
            except Busy as busy:
                diagnostics.report(
                    messages.BULK_BUSY, Location(str(folder.path)), pid=busy.pid, lock=busy.lock
                )
                return 2
        return _load(arguments, diagnostics, url, folders)


def _load(
    arguments: argparse.Namespace, diagnostics: Diagnostics, url: str, folders: list[BulkFolder]
) -> int:
    plan = plan_steps(arguments.root, folders, diagnostics)
    if plan is None:
        return 2
    steps = plan.steps
    tokens = TokenSource(url)
    try:
        tokens.authorization()
    except NoToken as problem:
        diagnostics.report(messages.LOAD_NO_TOKEN, Location(url), problem=problem)
        return 2
    states: list[StepState] = []
    try:
        for step in steps:
            states.append(StepState(step, Journal(step.folder.journal, url)))
    except JournalMismatch as mismatch:
        diagnostics.report(
            messages.LOAD_OTHER_ENVIRONMENT,
            Location(str(step.folder.path)),
            journal_url=mismatch.url,
            url=url,
            path=step.folder.journal,
        )
        return 2
    except (ValueError, KeyError, TypeError) as problem:
        path = step.folder.journal / "journal.jsonl"
        diagnostics.report(
            messages.LOAD_BAD_JOURNAL, Location(str(path)), problem=problem, path=path
        )
        return 2
    except OSError as problem:
        diagnostics.report(
            messages.LOAD_CANT_WRITE, Location(str(step.folder.journal)), problem=problem
        )
        return 2
    transport = Transport(url, tokens, arguments.max_parallel)
    finance = steps[0].folder.direction == "to_finance"
    headers = {}
    if arguments.bypass_business_logic and not finance:
        headers["MSCRM.BypassBusinessLogicExecution"] = "CustomSync,CustomAsync"
    if arguments.duplicate_detection and not finance:
        headers["MSCRM.SuppressDuplicateDetection"] = "false"
    total = sum(step.folder.written for step in steps)
    progress = Progress(total, transport.counters, arguments.quiet)
    load = Run(
        Sender(transport, headers, finance=finance),
        states,
        plan.primary_keys,
        plan.key_targets,
        arguments.batch_size,
        progress,
    )
    started = time.monotonic()
    status = 2
    try:
        load.execute()
        status = 0
    except Unauthorized as refused:
        detail = f": {refused.detail}" if refused.detail else ""
        diagnostics.report(messages.LOAD_TOKEN_REFUSED, Location(url), detail=detail, url=url)
    except Unreachable as problem:
        diagnostics.report(
            messages.LOAD_UNREACHABLE, Location(url), url=url, problem=problem.detail
        )
    except BadFolder as problem:
        diagnostics.report(
            messages.LOAD_BAD_PAYLOADS, Location(str(problem.path)), problem=problem.problem
        )
    except BadBatchResponse as problem:
        diagnostics.report(messages.LOAD_BAD_RESPONSE, Location(url), problem=problem)
    except OSError as problem:
        diagnostics.report(
            messages.LOAD_CANT_WRITE, Location(str(steps[0].folder.journal)), problem=problem
        )
    finally:
        progress.finish()
        transport.close()
        for state in states:
            state.journal.close()
    return _finish(
        states, transport, time.monotonic() - started, arguments.quiet, diagnostics, status
    )


def _finish(
    states: list[StepState],
    transport: Transport,
    seconds: float,
    quiet: bool,
    diagnostics: Diagnostics,
    status: int,
) -> int:
    failed = False
    for state in states:
        try:
            summary = write_records(state, transport.counters, seconds)
        except OSError as problem:
            diagnostics.report(
                messages.LOAD_CANT_WRITE, Location(str(state.step.folder.journal)), problem=problem
            )
            return 2
        failed = failed or bool(summary["failed"])
        if not quiet and not status:
            where = (
                f" (see {state.step.folder.journal / 'failed.jsonl'})" if summary["failed"] else ""
            )
            bound = f", {summary['bound']} bound in the second pass" if summary["deferred"] else ""
            print(
                f"{state.step.folder.path}: {summary['rows']} rows, {summary['upserted']} upserted, "
                f"{summary['failed']} failed{where}{bound}",
                file=sys.stderr,
            )
    if status == 0 and not quiet:
        counters = transport.counters
        print(
            f"{counters.requests} requests, {counters.retries} retries, {counters.throttled} "
            f"throttled ({counters.throttle_seconds:.1f} s waited), {seconds:.1f} s",
            file=sys.stderr,
        )
    if status:
        return status
    return 1 if failed else 0


def _folders(paths: list[Path], diagnostics: Diagnostics) -> list[BulkFolder] | None:
    folders: list[BulkFolder] = []
    seen: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            diagnostics.report(messages.LOAD_TWICE, Location(str(path)))
            continue
        seen.add(resolved)
        try:
            folder = read_folder(path)
        except BadFolder as problem:
            diagnostics.report(
                messages.LOAD_NOT_BULK_OUTPUT, Location(str(path)), problem=problem.problem
            )
            continue
        if folders and folder.direction != folders[0].direction:
            diagnostics.report(
                messages.LOAD_WRONG_DIRECTION,
                Location(str(path)),
                direction=folder.direction.replace("_", "-"),
                system=SYSTEMS[folders[0].direction],
            )
            continue
        folders.append(folder)
    return None if diagnostics.errors else folders
