"""The Python backend's renderer: module plans in, black-formatted module text out.

The output is the exact text of each generated file; nothing here depends on the clock,
the machine or the working directory.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.backends.python import imports, keys, names, predicates
from generator.backends.python.layout import LINE_LENGTH, laid_out
from generator.cache import ContentCache
from generator.parallel import mapped
from generator.plan.model import DataverseQuery, DirectionPlan, ModulePlan

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"
RUNTIME_SOURCE = Path(__file__).parent / "runtime.py"
REGENERATE = "python -m generator generate"


class InternalError(Exception):
    """A bug in the compiler itself, not in the user's specs."""


def docstring(text: str, indent: int = 0) -> str:
    """A docstring literal for ``text`` that no spec content can break out of."""
    wrapped = "\n\n".join(
        textwrap.fill(paragraph.strip(), width=92 - indent) for paragraph in text.split("\n\n")
    )
    unsafe = '"""' in wrapped or "\\" in wrapped or wrapped.endswith('"')
    unsafe = unsafe or any(not (c.isprintable() or c == "\n") for c in wrapped)
    if unsafe:
        return repr(wrapped)
    body = wrapped.replace("\n", "\n" + " " * indent)
    if "\n" in wrapped:
        return f'"""{body}\n{" " * indent}"""'
    return f'"""{body}"""'


def make_environment(folder: Path = TEMPLATES) -> jinja2.Environment:
    """The Jinja2 set-up every output shares: strict, unescaped, whitespace-controlled."""
    # Imported here, like black: a run whose outputs are all cached never needs them.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = make_environment()
    environment.filters.update(_FILTERS)
    # Where the template lays a line out as black would, it measures against black's limit.
    environment.globals["line_length"] = LINE_LENGTH
    return environment


_FILTERS = dict(
    literal=names.py_literal,
    docstring=docstring,
    kind=lambda value: type(value).__name__,
    converter_function=names.converter_function,
    converter_table=names.converter_table,
    table_annotation=names.table_annotation,
    binder=names.binder,
    reader=names.reader,
    value_type=names.value_type,
    key_test=names.key_test,
    table_key=names.table_key,
    invalid_condition=names.invalid_condition,
    admits_every_string=names.admits_every_string,
    checker=names.checker,
    table_entry=names.table_entry,
)


def format_python(source: str, name: str, cache: ContentCache | None = None) -> str:
    """black-format ``source``; a syntax error here is a compiler bug, reported as such."""
    cached = cache.get("black", source) if cache else None
    if cached is not None:
        return cached
    from black import format_str
    from black.mode import Mode, TargetVersion
    from black.parsing import InvalidInput

    try:
        formatted = format_str(
            source, mode=Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY311})
        )
    except InvalidInput as problem:
        raise InternalError(f"generated {name} is not valid Python: {problem}") from problem
    if cache:
        cache.put("black", source, formatted)
    return formatted


@dataclass(frozen=True)
class _Function:
    name: str
    docstring: str
    input_type: str
    output_type: str
    plan: DirectionPlan
    takes_companies: bool

    @property
    def checks(self) -> bool:
        return any(getattr(a, "check", None) is not None for a in self.plan.assignments)


# Characters that would end or split a query option if the query is appended after "?".
_QUERY_SPECIAL = re.compile(r"[%&#+]")


def query_lines(query: DataverseQuery) -> list[str]:
    """DATAVERSE_QUERY as string pieces, one column per line so a review diff shows which."""
    lines: list[str] = []
    expand = [f"{navigation}($select={','.join(keys)})" for navigation, keys in query.expand]
    for option, items in (("$select=", list(query.select)), ("$expand=", expand)):
        if items:
            lead = "&" if lines else ""
            lines.append(f"{lead}{option}{items[0]}")
            lines.extend(f",{item}" for item in items[1:])
    if query.filter is not None:
        encoded = _QUERY_SPECIAL.sub(lambda match: f"%{ord(match.group()):02X}", query.filter)
        lines.append(f"{'&' if lines else ''}$filter={encoded}")
    return lines


def render_module(plan: ModulePlan, cache: ContentCache | None = None) -> str:
    return render_modules([plan], cache)[plan.module]


def render_modules(
    plans: list[ModulePlan],
    cache: ContentCache | None,
    keys: Sequence[str] | None = None,
    *,
    jobs: int = 1,
) -> dict[str, str]:
    """Module name -> text. A plan's repr is all that decides its module's text (the templates
    are in the cache's fingerprint), so an unchanged spec skips Jinja and black alike; the
    rest are formatted a top-level block at a time (see _blocks), in parallel on a cold run.
    ``keys``, one per plan, may stand for the reprs: each must be a digest of its plan's repr."""
    texts: dict[str, str] = {}
    missing: list[tuple[ModulePlan, str]] = []
    for plan, key in zip(plans, keys or [repr(plan) for plan in plans], strict=True):
        cached = cache.get("module", key) if cache else None
        if cached is not None:
            texts[plan.module] = cached
        else:
            missing.append((plan, key))
    sources = [_stand_in(laid_out(_module_source(plan)), plan.sha256) for plan, _ in missing]
    files = [f"{plan.module}.py" for plan, _ in missing]
    blocks = [_blocks(source) for source, _ in sources]
    formatted = format_blocks(
        {block: name for each, name in zip(blocks, files, strict=True) for block in each},
        cache,
        jobs=jobs,
    )
    for (plan, key), (source, stood_in), name, each in zip(
        missing, sources, files, blocks, strict=True
    ):
        # black puts two blank lines before a top-level def, as the template does.
        module = "\n\n".join(formatted[block] for block in each)
        if stood_in:
            module = _restored(source, module, plan.sha256, name)
        if cache:
            cache.put("module", key, module)
        texts[plan.module] = module
    return texts


def format_blocks(
    blocks: dict[str, str], cache: ContentCache | None, *, jobs: int = 1
) -> dict[str, str]:
    """Each top-level block (mapped to the file it is in, for the message of a syntax error)
    formatted by black: from the cache, or in worker processes when there are enough of them.
    A file's blocks, formatted and joined by "\n\n" (the two blank lines black puts before a
    top-level def or class), are the file as black formats it whole."""
    formatted: dict[str, str] = {}
    for block in blocks:
        found = cache.get("black", block) if cache else None
        if found is not None:
            formatted[block] = found
    to_format = [block for block in blocks if block not in formatted]
    # Workers format without the cache (it is not shared with them); the results go in here.
    results = mapped(format_python, to_format, [blocks[block] for block in to_format], jobs=jobs)
    for block, result in zip(to_format, results, strict=True):
        formatted[block] = result
        if cache:
            cache.put("black", block, result)
    return formatted


# black lays out each top-level def on its own: nothing in one changes another, and between
# them it puts two blank lines whatever came before. So a module is formatted a block at a
# time: an edit that changes one function (or, as a rename does, only the constants at the
# top) reuses black's work on the rest, and a cold run spreads finer work over the cores.
_TOP_LEVEL_DEF = "\n\n\ndef "


def _blocks(source: str) -> list[str]:
    """The module's text cut before each top-level def: the header, then one def a block.

    The templates put two blank lines before each def, and no spec text can put three newlines
    in a row into a literal (docstrings are refilled; other strings are repr()s)."""
    head, *defs = source.split(_TOP_LEVEL_DEF)
    blocks = [head, *(f"def {block}" for block in defs)]
    return [block + "\n" for block in blocks[:-1]] + blocks[-1:]


# The spec's sha256 is in its module's header, so any edit to the spec (a comment, a blank
# line) changes the module's text. black lays out 64 hex digits the same whichever they
# are, so modules are formatted with this stand-in for the digest, which goes in after:
# an edit that leaves the rest of the plan alone reuses black's earlier work.
_STAND_IN = hashlib.sha256(b"tablemap: a spec's sha256 stands here while black formats").hexdigest()
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _stand_in(source: str, sha256: str) -> tuple[str, bool]:
    """``source`` with the stand-in for ``sha256``, and whether it was put in: it is not when
    that could be ambiguous (a spec could, in principle, quote the stand-in itself)."""
    if _STAND_IN in source or sha256 not in source or not _DIGEST.fullmatch(sha256):
        return source, False
    return source.replace(sha256, _STAND_IN), True


def _restored(source: str, formatted: str, sha256: str, name: str) -> str:
    """The formatted module with its digest in place of the stand-in."""
    if formatted.count(_STAND_IN) == source.count(_STAND_IN):
        return formatted.replace(_STAND_IN, sha256)
    # black dropped or repeated a stand-in, which it never should: format the real text.
    return format_python(source.replace(_STAND_IN, sha256), name)


def _module_source(plan: ModulePlan) -> str:
    """The module's text as the templates lay it out, before black."""
    finance_record = names.finance_record(plan)
    dataverse_record = names.dataverse_record(plan)
    payload = names.dataverse_payload(plan)
    functions = [
        _Function(
            "finance_to_dataverse",
            f"Map a {plan.finance_entity} record to a Web API payload for {plan.dataverse_table}.",
            finance_record,
            payload,
            plan.to_dataverse,
            takes_companies=True,
        ),
        _Function(
            "dataverse_to_finance",
            f"Map a record of {plan.dataverse_table}, read with DATAVERSE_QUERY, to a "
            f"{plan.finance_entity} OData payload.",
            dataverse_record,
            finance_record,
            plan.to_finance,
            takes_companies=False,
        ),
    ]
    source = (
        _environment()
        .get_template("module.py.jinja")
        .render(
            plan=plan,
            imports=imports.collect(plan),
            docstring=(
                f"{plan.template}.\n\n{plan.description}" if plan.description else plan.template
            ),
            query_lines=query_lines(plan.dataverse_query),
            finance_record=finance_record,
            dataverse_record=dataverse_record,
            source_predicate=(
                predicates.expression(plan.source_filter.predicate)
                if plan.source_filter
                else "True"
            ),
            reverse_predicate=(
                predicates.expression(plan.reverse_filter.predicate)
                if plan.reverse_filter
                else "True"
            ),
            functions=functions,
            finance_key=keys.finance_key(plan) if plan.key else [],
            dataverse_key=keys.dataverse_key(plan) if plan.key else [],
            key_example=keys.examples(plan) if plan.key else {},
        )
    )
    return source


_PACKAGE_NAMES = (
    "TEMPLATES",
    "MappingError",
    "company_directory",
    "dataverse_templates",
    "finance_templates",
)


def render_init(modules: list[str], specs_dir: str, cache: ContentCache | None = None) -> str:
    # Sorted as isort (and ruff's RUF022) sorts: constants, classes, then the rest.
    exports = sorted(
        [*_PACKAGE_NAMES, *modules],
        key=lambda name: (not name.isupper(), not name[:1].isupper(), name),
    )
    source = (
        _environment()
        .get_template("init.py.jinja")
        .render(modules=modules, specs_dir=specs_dir, exports=exports)
    )
    return format_python(laid_out(source), "__init__.py", cache)


def render_runtime() -> str:
    """runtime.py under a comment header. Not run through black: the file is black-formatted
    already (``make lint`` checks it), and black leaves comment lines above it as they are."""
    header = (
        "# Generated by tablemap: a copy of generator/backends/python/runtime.py.\n"
        f"# Do not edit: change the generator and run `{REGENERATE}`.\n"
    )
    return header + RUNTIME_SOURCE.read_text(encoding="utf-8")
