"""Reference pages: specs in, one Markdown page per table map (and an index page) out.

The pages have the shape of Microsoft's mapping reference. Every cell and line is written
with ``generator.reference.page_format``, whose readers the importer uses, so
``python -m generator import`` reads a page back into the rows of its spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.backends.python.render import make_environment
from generator.cache import ContentCache, stored_or_computed
from generator.cache_codec import Shape
from generator.reference.page_format import (
    COMPANY_LABEL,
    ENTITY_LABEL,
    GENERATED_BY,
    KEEP_SENTENCE,
    KEY_LABEL,
    MAP_TABLE_HEADER,
    REVERSE_FILTER_LABEL,
    SOURCE_FILTER_LABEL,
    TABLE_LABEL,
    VALUE_MAP_TABLE_HEADER,
    VALUE_MAPS_HEADING,
    code_span,
    company_cell,
    escape,
    field_cell,
    key_cell,
    label_line,
    map_table_header,
    map_type_cell,
    separator_line,
    table_line,
    value_cell,
    value_map_title,
)
from generator.source.located_yaml import Scalar
from generator.source.spec import NONE_FIELD, MapSpec, RowSpec

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class PageValueMap:
    heading: str
    keep_unmapped: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    module: str
    spec_path: str
    sha256: str
    template: str
    description: str
    finance_entity: str
    dataverse_table: str
    labels: tuple[str, ...]
    rows: tuple[str, ...]
    value_maps: tuple[PageValueMap, ...]


def _filter(label: str, scalar: Scalar | None) -> list[str]:
    return [] if scalar is None else [label_line(label, code_span(str(scalar.value)))]


def _company(spec: MapSpec) -> list[str]:
    company = spec.company
    return [] if company is None else [label_line(COMPANY_LABEL, company_cell(company.striped))]


def _key(spec: MapSpec) -> list[str]:
    names = [name.text for name in spec.key]
    return [label_line(KEY_LABEL, key_cell(names))] if names else []


def _value_map(row: RowSpec) -> PageValueMap | None:
    if row.values is None:
        return None
    finance = row.finance.text if row.finance else NONE_FIELD
    dataverse = row.dataverse.text if row.dataverse else NONE_FIELD
    return PageValueMap(
        escape(value_map_title(finance, row.map_type.value, dataverse)),
        row.keep_unmapped,
        tuple(
            table_line([value_cell(pair.finance.value), value_cell(pair.dataverse.value)])
            for pair in row.values.pairs
        ),
    )


def page(spec: MapSpec) -> Page:
    rows = []
    value_maps = []
    for row in spec.rows:
        rows.append(
            table_line(
                [
                    field_cell(row.finance.text if row.finance else None),
                    map_type_cell(row.map_type.value),
                    field_cell(row.dataverse.text if row.dataverse else None),
                    value_cell(row.default.value) if row.default is not None else "",
                ]
            )
        )
        value_map = _value_map(row)
        if value_map is not None:
            value_maps.append(value_map)
    return Page(
        module=spec.module,
        spec_path=spec.path,
        sha256=spec.sha256,
        template=spec.template,
        description=spec.description,
        finance_entity=spec.finance.name.text,
        dataverse_table=spec.dataverse.name.text,
        labels=(
            label_line(ENTITY_LABEL, escape(spec.finance.name.text)),
            label_line(TABLE_LABEL, escape(spec.dataverse.name.text)),
            *_company(spec),
            *_key(spec),
            *_filter(SOURCE_FILTER_LABEL, spec.finance.filter),
            *_filter(REVERSE_FILTER_LABEL, spec.dataverse.filter),
        ),
        rows=tuple(rows),
        value_maps=tuple(value_maps),
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = make_environment(Path(__file__).parent / "templates")
    environment.filters["escape_markdown"] = escape
    environment.globals.update(_GLOBALS)
    return environment


_GLOBALS = dict(
    generated_by=GENERATED_BY,
    map_header=map_table_header(),
    map_separator=separator_line(len(MAP_TABLE_HEADER)),
    value_maps_heading=VALUE_MAPS_HEADING,
    keep_sentence=KEEP_SENTENCE,
    value_map_header=table_line(VALUE_MAP_TABLE_HEADER),
    value_map_separator=separator_line(len(VALUE_MAP_TABLE_HEADER)),
)


def render_docs(
    specs: tuple[MapSpec, ...] | list[MapSpec],
    cache: ContentCache | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """File name inside docs/maps -> text, for every spec and the index page.

    With a cache, ``keys`` names what each spec (by module) was made from, and a page is
    built only when that is new; the index, which shows every page, is rendered each time.
    """
    pages = sorted(
        (_page_and_text(spec, cache, keys[spec.module] if keys else None) for spec in specs),
        key=lambda item: item[0].module,
    )
    files = {f"{item.module}.md": text for item, text in pages}
    files["README.md"] = (
        _environment().get_template("docs_index.md.jinja").render(pages=[item for item, _ in pages])
    )
    return files


def _page_and_text(spec: MapSpec, cache: ContentCache | None, key: str | None) -> tuple[Page, str]:
    def render() -> tuple[Page, str]:
        item = page(spec)
        return item, _environment().get_template("docs_page.md.jinja").render(page=item)

    if key is None:
        return render()
    return stored_or_computed(cache, "docs page", key, render, _PAGE_AND_TEXT)


# A page as the cache stores it: its parts (the index lists them) and its text.
_PAGE_AND_TEXT: Shape[tuple[Page, str]] = Shape(tuple[Page, str])
