"""The two passes over the ordered steps: rows in, upserted (or failed) rows and binds out.

Pass 1 upserts every row not yet in the journal, without the binds the order deferred, and
fails (without sending) a row whose lookup points at a row that failed earlier in the run.
Pass 2, once every row exists, sets the deferred binds with ``If-Match: *`` (an update only:
it never creates a row). Chunks are built here, on the main thread, sent on a pool of
workers, and their outcomes journaled here, so the journal has one writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from generator import messages
from generator.load.addresses import BIND, BadAddress, parse_address
from generator.load.folders import BadFolder, PayloadRow, payload_chunks
from generator.load.journal import Journal
from generator.load.order import Step
from generator.load.progress import Progress
from generator.load.requests import Failure, Item, LookupFailed, Outcome, Sender
from generator.load.transport import LIMIT, GaveUp

DEPENDENCY = 424  # the status a failed.jsonl record gets when its row was not sent


@dataclass
class StepState:
    step: Step
    journal: Journal
    failures: list[Failure] = field(default_factory=list)
    deferred: list[Item] = field(default_factory=list)  # pass-2 binds of upserted rows
    checked: list[tuple[str, str]] = field(default_factory=list)  # binds into failed rows

    @property
    def failed_rows(self) -> set[int]:
        return {failure.row for failure in self.failures}


@dataclass
class Run:
    sender: Sender
    states: list[StepState]
    primary_keys: dict[str, str]  # entity set -> primary key column, for GUID look-ups
    key_targets: frozenset[str]  # tables whose rows' GUIDs other rows' keys hold
    batch_size: int
    progress: Progress
    # Per table: identity of a row that failed in this run -> where (for the message).
    failed: dict[str, dict[str, str]] = field(default_factory=dict)
    guids: dict[str, str] = field(default_factory=dict)  # identity -> GUID, rows of this run
    looked_up: dict[str, str | None] = field(default_factory=dict)

    def execute(self) -> None:
        for state in self.states:
            self._pass_one(state)
        for state in self.states:
            self._pass_two(state)

    # --- pass 1 -------------------------------------------------------------------------
    def _pass_one(self, state: StepState) -> None:
        step = state.step
        self.failed.setdefault(step.table, {})

        def send(items: list[Item]) -> Outcome:
            return self.sender.upsert(step.table, step.logical_name, items)

        # Binds into rows of tables loaded before this one: a failed target fails its row here.
        state.checked = [
            (bind, target)
            for bind, target in step.binds.items()
            if bind not in step.deferred and self.failed.get(target)
        ]
        remember = step.table in self.key_targets

        def handle(outcome: Outcome) -> None:
            state.journal.upserted([(item.row, guid) for item, guid in outcome.done])
            for item, guid in outcome.done:
                if guid is not None and remember:
                    self.guids[self._identity(state, item.address)] = guid
            self._fail(state, outcome.failed)
            self.progress.advance(len(outcome.done) + len(outcome.failed))

        self._dispatch(self._chunks(state), send, handle)

    def _chunks(self, state: StepState) -> Iterator[list[Item]]:
        upserted = state.journal.state.upserted
        chunk: list[Item] = []
        for rows in payload_chunks(state.step.folder):
            for payload_row in rows:
                item = self._prepare(state, payload_row, payload_row.row in upserted)
                if item is None:
                    continue
                chunk.append(item)
                if len(chunk) == self.batch_size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk

    def _prepare(self, state: StepState, payload_row: PayloadRow, done: bool) -> Item | None:
        """The row's upsert, or None when it is done already or failed here."""
        step, row = state.step, payload_row.row
        body = payload_row.payload
        # F&O's empty string is no reference either: nothing to bind later.
        deferred = {bind: body[bind] for bind in step.deferred if body.get(bind) not in (None, "")}
        if deferred:
            body = {name: value for name, value in body.items() if name not in deferred}
        if done:
            self.progress.skip()
            guid = state.journal.state.upserted[row]
            if guid is not None and step.table in self.key_targets:
                self.guids[self._identity(state, payload_row.address)] = guid
            if not deferred or row in state.journal.state.bound:
                return None
        else:
            for bind, target_set in state.checked:
                target = body.get(bind)
                where = self._failed_target(target_set, target) if isinstance(target, str) else None
                if where is not None:
                    self._dependency(state, payload_row, bind, str(target), where)
                    return None
        resolved = self._resolve(state, payload_row, body)
        if resolved is None:
            return None
        if deferred:
            state.deferred.append(Item(row, resolved, deferred))
        return None if done else Item(row, resolved, body)

    def _identity(self, state: StepState, text: str) -> str:
        try:
            return parse_address(text).identity
        except BadAddress as problem:
            raise BadFolder(state.step.folder.path, str(problem)) from None

    def _failed_target(self, target_set: str, target: str) -> str | None:
        failed = self.failed.get(target_set)
        if not failed:
            return None
        try:
            return failed.get(parse_address(target).identity)
        except BadAddress:
            return None

    def _dependency(
        self, state: StepState, payload_row: PayloadRow, bind: str, target: str, where: str
    ) -> None:
        message = messages.LOAD_TARGET_FAILED.format(
            lookup=bind.removesuffix(BIND), target=target, where=where
        )
        failure = Failure(
            payload_row.row,
            payload_row.address,
            DEPENDENCY,
            messages.LOAD_TARGET_FAILED.code,
            message,
        )
        self._fail(state, [failure])
        self.progress.advance(1)

    def _resolve(
        self, state: StepState, payload_row: PayloadRow, body: dict[str, object]
    ) -> str | None:
        """The address with each ``@<navigation>`` key part replaced by its target's GUID."""
        if "=@" not in payload_row.address:
            return payload_row.address
        try:
            address = parse_address(payload_row.address)
        except BadAddress as problem:
            raise BadFolder(state.step.folder.path, f"row {payload_row.row}: {problem}") from None
        guids: dict[str, str] = {}
        for navigation in address.deferred:
            target = body.get(navigation + BIND)
            guid = self._guid(target) if isinstance(target, str) else None
            if guid is None:
                message = messages.LOAD_KEY_UNRESOLVED.format(
                    lookup=navigation, target=target if isinstance(target, str) else "nothing"
                )
                failure = Failure(
                    payload_row.row,
                    payload_row.address,
                    DEPENDENCY,
                    messages.LOAD_KEY_UNRESOLVED.code,
                    message,
                )
                self._fail(state, [failure])
                self.progress.advance(1)
                return None
            guids[navigation] = guid
        return address.with_guids(guids)

    def _guid(self, target: str) -> str | None:
        try:
            address = parse_address(target)
        except BadAddress:
            return None
        if address.parts[0][0] == "":
            return address.parts[0][1]
        known = self.guids.get(address.identity)
        if known is not None:
            return known
        if address.identity not in self.looked_up:
            primary_key = self.primary_keys.get(address.entity_set)
            try:
                self.looked_up[address.identity] = (
                    self.sender.lookup(target.removeprefix("/"), primary_key)
                    if primary_key
                    else None
                )
            except LookupFailed:
                self.looked_up[address.identity] = None
        return self.looked_up[address.identity]

    # --- pass 2 -------------------------------------------------------------------------
    def _pass_two(self, state: StepState) -> None:
        journal = state.journal
        failed_rows = state.failed_rows
        todo: list[Item] = []
        for item in state.deferred:
            if item.row in journal.state.bound or item.row in failed_rows:
                continue
            problem = next(
                (
                    (bind, target, where)
                    for bind, target in item.body.items()
                    if isinstance(target, str)
                    and (where := self._failed_target(state.step.binds[bind], target)) is not None
                ),
                None,
            )
            if problem is None:
                todo.append(item)
                continue
            bind, target, where = problem
            unbound = messages.LOAD_BIND_TARGET_FAILED
            message = unbound.format(lookup=bind.removesuffix(BIND), target=target, where=where)
            failure = Failure(item.row, item.address, DEPENDENCY, unbound.code, message)
            self._fail(state, [failure], record_target=False)
        if not todo:
            return
        self.progress.second_pass(len(todo))

        def send(items: list[Item]) -> Outcome:
            return self.sender.bind(items)

        def handle(outcome: Outcome) -> None:
            journal.bound([item.row for item, _ in outcome.done])
            self._fail(state, outcome.failed, record_target=False)
            self.progress.advance(len(outcome.done) + len(outcome.failed))

        chunks = (
            todo[start : start + self.batch_size] for start in range(0, len(todo), self.batch_size)
        )
        self._dispatch(chunks, send, handle)

    # --- both ---------------------------------------------------------------------------
    def _fail(self, state: StepState, failures: list[Failure], record_target: bool = True) -> None:
        state.failures += failures
        if not record_target:
            return
        failed = self.failed.setdefault(state.step.table, {})
        for failure in failures:
            try:
                identity = parse_address(failure.address).identity
            except BadAddress:
                continue
            failed[identity] = f"row {failure.row} of {state.step.folder.path}"

    def _dispatch(
        self,
        chunks: Iterable[list[Item]],
        send: Callable[[list[Item]], Outcome],
        handle: Callable[[Outcome], None],
    ) -> None:
        """Send chunks on the pool, at most ``transport.parallel`` in flight."""
        transport = self.sender.transport
        with ThreadPoolExecutor(max_workers=LIMIT, thread_name_prefix="tablemap-load") as pool:
            pending: dict[Future[Outcome], list[Item]] = {}
            try:
                for chunk in chunks:
                    while len(pending) >= transport.parallel:
                        self._collect(pending, handle)
                    pending[pool.submit(send, chunk)] = chunk
                while pending:
                    self._collect(pending, handle)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise

    def _collect(
        self, pending: dict[Future[Outcome], list[Item]], handle: Callable[[Outcome], None]
    ) -> None:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            chunk = pending.pop(future)
            try:
                outcome = future.result()
            except GaveUp as problem:
                message = messages.LOAD_GAVE_UP.format(problem=problem.detail)
                outcome = Outcome(
                    failed=[
                        Failure(item.row, item.address, None, messages.LOAD_GAVE_UP.code, message)
                        for item in chunk
                    ]
                )
            handle(outcome)
