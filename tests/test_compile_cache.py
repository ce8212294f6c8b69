"""The compile cache: a cached run's outputs and problems are an uncached run's, always.

Each stage is cached by what it reads (a file's bytes; a spec with the value maps and every
schema it could bind against; a plan), so these tests change each kind of input a spec
depends on and compare a cached run with one that starts from nothing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import black
import pytest

from generator import cli, parallel
from generator.backends.python.record_types import (
    _typed_dicts,
    model_schema,
    render_models,
)
from generator.backends.python.render import (
    _STAND_IN,
    _module_source,
    format_python,
    render_module,
    render_runtime,
)
from generator.bind.resolve import resolve
from generator.cache import CACHE_VARIABLE, ContentCache
from generator.diagnostics import Diagnostics
from generator.pipeline import _RUN, Compilation, compile_cached, compile_project, specs_digest
from generator.plan.planner import plan_module
from generator.source.project import Layout, WorkingTree, load_project
from projects import CURRENCY_SCHEMA, DATAVERSE_SCHEMA, FINANCE_SCHEMA, spec, write_project

ROWS = """\
- [CustomerAccount, "=", accountnumber]
- [Name, "=", name]
- [CurrencyCode, "=", transactioncurrencyid.isocurrencycode]
- [OnHold, "><", msdyn_onhold, {values: noyes_boolean}]
"""
VALUE_MAPS = 'noyes_boolean: [["No", false], ["Yes", true]]\n'
SPEC_FILE = "specs/maps/customers_to_accounts.yaml"
ROOT = Path(__file__).resolve().parent.parent
# The cache kinds that hold objects (as JSON), each read back only as its own shape.
OBJECT_KINDS = ("spec", "schema", "value maps", "bound", "sql", "docs page", "run", "models")


def project(root: Path) -> Path:
    return write_project(
        root,
        spec(ROWS)
        | spec('- [Name, "=", name]\n', name="names_only")
        | {"specs/value_maps.yaml": VALUE_MAPS},
    )


def outcome(result: Compilation) -> tuple[object, ...]:
    problems = [(d.location, d.severity, d.message) for d in result.diagnostics.sorted()]
    return (problems, result.files, result.sql, result.docs, result.spec_schema, result.templates)


_FROM_NOTHING: dict[str, Compilation] = {}
# Outputs of black and datamodel-code-generator: functions of their input text alone.
FORMATTER_KINDS = ("black", "models")


@pytest.fixture(scope="module")
def formatted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    warm = tmp_path_factory.mktemp("formatted")
    compile_project(Layout(project(warm / "project")), ContentCache(warm / "cache"))
    return warm / "cache"


@pytest.fixture
def cache(tmp_path: Path, formatted: Path) -> ContentCache:
    """A cache at tmp_path/cache holding nothing this file is about (parsing, binding, plans,
    modules, SQL, pages, runs), but black's and datamodel-code-generator's outputs for the test
    project, which cost most of a compile and are keyed by the exact text they format."""
    for kind in FORMATTER_KINDS:
        shutil.copytree(formatted / kind, tmp_path / "cache" / kind)
    return ContentCache(tmp_path / "cache")


def from_nothing(root: Path) -> Compilation:
    """The compilation without a cache. The compiler is a function of the specs folder's bytes,
    so the same bytes (most tests start from the same project) are compiled once per process."""
    key = specs_digest(Layout(root))
    if key not in _FROM_NOTHING:
        _FROM_NOTHING[key] = compile_project(Layout(root))
    return _FROM_NOTHING[key]


def assert_like_uncached(root: Path, cache: ContentCache) -> Compilation:
    """Compile through every cache level; each must agree with a compilation from nothing."""
    fresh = from_nothing(root)
    staged = compile_project(Layout(root), cache)
    assert outcome(staged) == outcome(fresh)
    assert outcome(compile_cached(Layout(root), cache)) == outcome(fresh)
    # Again, now that the whole-run entry exists.
    assert outcome(compile_cached(Layout(root), cache)) == outcome(fresh)
    return fresh


def test_worker_processes_compile_what_one_process_compiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path / "project")
    started: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            started.append(max_workers)
            super().__init__(max_workers)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", CountedPool)
    assert outcome(compile_project(Layout(root), jobs=2)) == outcome(from_nothing(root))
    # black on the modules' blocks; the record types are too few to go to workers.
    assert started == [2]


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


# Each edit changes what one or more specs compile to, through a different input.
EDITS = [
    pytest.param(SPEC_FILE, '[Name, "=", name]', '[Name, ">>", name]', id="the-spec"),
    pytest.param(
        "specs/entities/finance/Customers.yaml",
        "Name: {type: string}",
        "Name: {type: string, maxLength: 5}",
        id="a-schema-it-binds",
    ),
    pytest.param(
        "specs/entities/dataverse/transactioncurrencies.yaml",
        "isocurrencycode: {type: string}",
        "isocurrencycode: {type: string, maxLength: 3}",
        id="a-lookup-target-schema",
    ),
    pytest.param("specs/value_maps.yaml", '["Yes", true]', '["Yes", true], ["x", false]', id="vm"),
    pytest.param(SPEC_FILE, "accountnumber]", "acountnumber]", id="an-error-in-the-spec"),
    pytest.param(
        "specs/entities/dataverse/accounts.yaml",
        "  description: {type: string}\n",
        "  description: {type: string}\n  fax: {type: string}\n",
        id="a-new-unmapped-column",
    ),
]


@pytest.mark.parametrize(("relative", "old", "new"), EDITS)
def test_an_edit_to_any_input_shows_as_an_uncached_run_shows_it(
    tmp_path: Path, cache: ContentCache, relative: str, old: str, new: str
) -> None:
    root = project(tmp_path)
    before = assert_like_uncached(root, cache)
    edit(root, relative, old, new)
    after = assert_like_uncached(root, cache)
    assert outcome(after) != outcome(before)
    # And back: the entries of the first state are reused, and still right.
    edit(root, relative, new, old)
    assert outcome(assert_like_uncached(root, cache)) == outcome(before)


def test_a_removed_schema_and_spec_are_not_remembered(tmp_path: Path, cache: ContentCache) -> None:
    root = project(tmp_path)
    assert_like_uncached(root, cache)
    (root / "specs/entities/dataverse/transactioncurrencies.yaml").unlink()
    assert assert_like_uncached(root, cache).diagnostics.errors
    write_project(root, {"specs/entities/dataverse/transactioncurrencies.yaml": CURRENCY_SCHEMA})
    (root / "specs/maps/names_only.yaml").unlink()
    assert "names_only.py" not in assert_like_uncached(root, cache).files


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="one-bit"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_damaged_entry_is_a_miss(
    tmp_path: Path, cache: ContentCache, damage: Callable[[bytes], bytes]
) -> None:
    root = project(tmp_path)
    expected = assert_like_uncached(root, cache)
    entries = [path for path in (tmp_path / "cache").rglob("*") if path.is_file()]
    assert {path.parent.name for path in entries} >= {*OBJECT_KINDS, "module", "black"}
    for path in entries:
        path.write_bytes(damage(path.read_bytes()))
    assert outcome(compile_cached(Layout(root), cache)) == outcome(expected)
    assert outcome(compile_cached(Layout(root), cache)) == outcome(expected)


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param(b"not JSON", id="not-json"),
        pytest.param(b"\xff\xfe", id="not-utf-8"),
        pytest.param(b"7", id="the-int-7"),
        pytest.param(b"[null,[]]", id="none-and-no-problems"),
        pytest.param(b"[1]", id="a-list"),
        pytest.param(b'{"x.sql":7}', id="an-object-of-numbers"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nested-past-the-stack"),
        pytest.param(pickle.dumps(("spec", [])), id="a-pickle"),
    ],
)
def test_an_object_of_the_wrong_shape_is_a_miss(
    tmp_path: Path, cache: ContentCache, junk: bytes
) -> None:
    """Right digest, wrong content: what a stored object must be is checked when it is read."""
    root = project(tmp_path)
    expected = assert_like_uncached(root, cache)
    replaced = 0
    for kind in OBJECT_KINDS:
        for path in (tmp_path / "cache" / kind).iterdir():
            path.write_bytes(hashlib.sha256(junk).hexdigest().encode() + b"\n" + junk)
            replaced += 1
    assert replaced
    assert outcome(compile_cached(Layout(root), cache)) == outcome(expected)


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param(b"[[],[7]]", id="a-block-not-text"),
        pytest.param(b'[[["typing","Any"]],[]]', id="names-not-a-list"),
        pytest.param(b"[[[]],[]]", id="an-import-not-a-pair"),
        pytest.param(b'[[],["x"],[]]', id="a-field-too-many"),
    ],
)
def test_record_types_of_the_wrong_shape_are_a_miss(
    tmp_path: Path, cache: ContentCache, junk: bytes
) -> None:
    root = project(tmp_path)
    expected = assert_like_uncached(root, cache)
    entries = list((tmp_path / "cache" / "models").iterdir())
    assert entries
    for path in entries:
        path.write_bytes(hashlib.sha256(junk).hexdigest().encode() + b"\n" + junk)
    assert outcome(compile_project(Layout(root), cache)) == outcome(expected)


class _OpensAFile:
    """Unpickled, this creates ``path``: what a crafted entry would do to a reader that trusts
    pickles (any callable can stand in for open: os.system, exec)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.path), "w")


def test_a_crafted_pickle_with_a_right_digest_runs_nothing_and_is_a_miss(
    tmp_path: Path, cache: ContentCache
) -> None:
    """An entry written by hand (a cache restored from another branch, a shared runner) whose
    first line is the digest of its bytes, as a genuine entry's is."""
    root = project(tmp_path / "project")
    expected = assert_like_uncached(root, cache)
    created = tmp_path / "created-by-the-entry"
    payload = pickle.dumps(_OpensAFile(created))
    entries = [path for kind in OBJECT_KINDS for path in (tmp_path / "cache" / kind).iterdir()]
    assert entries
    for path in entries:
        path.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    assert outcome(compile_cached(Layout(root), cache)) == outcome(expected)
    assert outcome(compile_project(Layout(root), cache)) == outcome(expected)
    assert not created.exists()


def test_every_object_a_run_stores_is_read_back_by_the_next(
    tmp_path: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the codec cannot read back (a float field holding an int, a type it does not
    know) would be a miss on every run: correct, and slow without a sign."""
    root = project(tmp_path)
    assert_like_uncached(root, cache)
    read: list[tuple[str, bool]] = []
    get_value = ContentCache.get_value

    def counted(self: ContentCache, kind: str, key: str, shape: Any) -> object:
        value = get_value(self, kind, key, shape)
        read.append((kind, value is not None))
        return value

    monkeypatch.setattr(ContentCache, "get_value", counted)
    compile_project(Layout(root), cache)
    assert {kind for kind, _ in read} == set(OBJECT_KINDS) - {"run"}
    assert [kind for kind, hit in read if not hit] == []


def test_check_writes_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    assert cli.main(["generate", "--check"]) == 1
    assert not (root / ".tablemap").exists()
    assert cli.main(["generate"]) == 0
    assert cli.main(["generate", "--check"]) == 0
    cached = sorted(path for path in (root / ".tablemap").rglob("*") if path.is_file())
    edit(root, SPEC_FILE, '[Name, "=", name]', '[Name, ">>", name]')
    assert cli.main(["generate", "--check"]) == 1
    assert sorted(path for path in (root / ".tablemap").rglob("*") if path.is_file()) == cached


def _rewrite_entry(path: Path, change: Callable[[bytes], bytes]) -> None:
    """The entry's value changed, its digest line made to match: a well-formed entry."""
    value = change(path.read_bytes().partition(b"\n")[2])
    path.write_bytes(hashlib.sha256(value).hexdigest().encode() + b"\n" + value)


@pytest.mark.parametrize("poisoned", ["run", "module"])
def test_check_trusts_no_entry_it_did_not_write(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    poisoned: str,
) -> None:
    """A cache someone else wrote says a tampered module is what the specs produce: the whole
    run's entry, or the module's own. --check must still find the module stale."""
    root = project(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    # Twice: the first writes specs/spec.schema.json, so the second run's inputs are the next's.
    assert cli.main(["generate"]) == 0
    assert cli.main(["generate"]) == 0
    module = root / "generated/dualwrite_maps/customers_to_accounts.py"
    good = module.read_text(encoding="utf-8")
    tampered = good.replace('"accountnumber"', '"accountnumbr"')
    assert tampered != good
    module.write_text(tampered, encoding="utf-8")
    if poisoned == "run":
        (entry,) = (tmp_path / "cache" / "run").iterdir()

        def change(value: bytes) -> bytes:
            stored = _RUN.decode(value)
            stored.files["customers_to_accounts.py"] = tampered
            return _RUN.encode(stored)

        _rewrite_entry(entry, change)
    else:
        shutil.rmtree(tmp_path / "cache" / "run")
        for entry in (tmp_path / "cache" / "module").iterdir():
            _rewrite_entry(
                entry, lambda value: value.replace(b'"accountnumber"', b'"accountnumbr"')
            )
    # The poisoned cache is well formed: a plain run takes the tampered text as current.
    assert cli.main(["generate"]) == 0
    assert module.read_text(encoding="utf-8") == tampered
    capsys.readouterr()
    assert cli.main(["generate", "--check"]) == 1
    out, err = capsys.readouterr()
    assert '-        payload["accountnumbr"] = value' in out.splitlines()
    assert '+        payload["accountnumber"] = value' in out.splitlines()
    assert "generated/dualwrite_maps is stale" in err


def test_schemas_shared_by_two_projects_do_not_mix_their_specs(
    tmp_path: Path, cache: ContentCache
) -> None:
    """One cache, two projects whose spec files are byte-identical but whose schemas differ."""
    first = project(tmp_path / "first")
    second = project(tmp_path / "second")
    write_project(
        second,
        {
            "specs/entities/dataverse/accounts.yaml": DATAVERSE_SCHEMA.replace(
                "name: {type: string}", "name: {type: string, maxLength: 10}"
            ),
            "specs/entities/finance/Customers.yaml": FINANCE_SCHEMA,
        },
    )
    one = assert_like_uncached(first, cache)
    two = assert_like_uncached(second, cache)
    assert one.files != two.files


def test_modules_formatted_by_blocks_with_the_digest_stood_in_are_as_black_formats_them(
    shipped_cache: Path,
) -> None:
    """black formats a stand-in for the spec's sha256, one top-level block at a time; the
    module must be as black formats the whole of it. The smallest and the largest module.
    The blocks come from the from-nothing compilation's cache: black formatted them there."""
    blocks = ContentCache(shipped_cache, read_only=True)
    diagnostics = Diagnostics()
    project = load_project(WorkingTree(ROOT), Layout(ROOT), diagnostics)
    by_module = {spec.module: spec for spec in project.specs}
    for module in ("customer_groups_to_msdyn_customergroups", "customers_v3_to_accounts"):
        shipped = by_module[module]
        table_map = resolve(
            shipped, project.finance_schemas, project.dataverse_schemas, diagnostics
        )
        assert table_map is not None
        plan = plan_module(table_map)
        assert render_module(plan, blocks) == format_python(_module_source(plan), plan.module)


def test_models_made_a_schema_at_a_time_are_what_one_run_over_all_schemas_makes(
    shipped_cache: Path,
) -> None:
    """Each schema's record types are generated and formatted on their own; models.py must be
    what datamodel-code-generator makes of all the shipped schemas at once, formatted whole.
    The types come from the from-nothing compilation's cache, which made them."""
    project = load_project(WorkingTree(ROOT), Layout(ROOT), Diagnostics())
    finance = sorted(project.finance_schemas.values(), key=lambda schema: schema.entity_set)
    dataverse = sorted(project.dataverse_schemas.values(), key=lambda schema: schema.entity_set)
    models = render_models(finance, dataverse, ContentCache(shipped_cache, read_only=True))
    docstring = '"""Record types of the F&O entities and Dataverse tables the maps use."""\n'
    header = models[: models.index(docstring)]
    assert header.count("(sha256 ") == len(finance) + len(dataverse)
    whole = _typed_dicts(json.dumps(model_schema(finance, dataverse)))
    assert models == format_python(f"{header}{docstring}\n{whole}", "models.py")


def test_the_runtime_is_copied_as_black_would_format_it() -> None:
    """The runtime is copied, not formatted: black must have nothing to change in it."""
    runtime = render_runtime()
    assert runtime.startswith("# Generated by tablemap: a copy of ")
    assert format_python(runtime, "_runtime.py") == runtime


def test_a_renamed_template_formats_its_module_header_alone(
    tmp_path: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    compile_project(Layout(root), cache)
    edit(root, SPEC_FILE, "template: Customers to accounts", "template: Customers to firms")
    expected = outcome(from_nothing(root))
    formatted: list[str] = []
    format_str = black.format_str

    def counted(source: str, **options: Any) -> str:
        formatted.append(source)
        return format_str(source, **options)

    monkeypatch.setattr(black, "format_str", counted)
    assert outcome(compile_project(Layout(root), cache)) == expected
    # The functions below the header are as before: black's work on them is reused.
    assert [source.splitlines()[0] for source in formatted] == [
        "# Generated by tablemap from specs/maps/customers_to_accounts.yaml"
    ]


def test_a_spec_that_quotes_the_stand_in_keeps_it(tmp_path: Path, cache: ContentCache) -> None:
    header = (
        f"template: Customers to accounts\ndescription: quoting {_STAND_IN}\n"
        "finance:\n  entity: Customers\ndataverse:\n  table: accounts\n"
    )
    root = write_project(tmp_path, spec('- [Name, "=", name]\n', header=header))
    result = assert_like_uncached(root, cache)
    (plan,) = result.plans
    assert _STAND_IN in result.files["customers_to_accounts.py"]
    assert result.files["customers_to_accounts.py"] == format_python(
        _module_source(plan), plan.module
    )


def test_only_the_last_runs_entry_is_kept(tmp_path: Path, cache: ContentCache) -> None:
    root = project(tmp_path)
    for comment in ("one", "two", "one"):
        (root / SPEC_FILE).write_text(spec(ROWS)[SPEC_FILE] + f"# {comment}\n", encoding="utf-8")
        compile_cached(Layout(root), cache)
        assert len(list((tmp_path / "cache" / "run").iterdir())) == 1
