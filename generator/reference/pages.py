"""Reference pages: one Markdown page per table map, in the shape of Microsoft's mapping reference.

The pages are written so that ``python -m generator import`` reads them back into the
same spec rows: values that Markdown would make ambiguous are quoted as JSON strings,
null is ``blank`` (as the reference prints it), and ``|`` and map-type symbols are escaped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from generator.backends.python.render import make_environment
from generator.bind.resolve import TableMap
from generator.source.located_yaml import ScalarValue, core_schema_value
from generator.source.spec import NONE_FIELD, MapSpec, RowSpec, ValueMapSpec

BLANK = "blank"


def cell_value(value: ScalarValue) -> str:
    """A default or value-map value as a table cell that reads back as the same value."""
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        # YAML's spelling, which the importer types back to the same float.
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, int | float):
        return repr(value)
    ambiguous = (
        value == BLANK
        or value != value.strip()
        or not value
        or core_schema_value(value) != value
        or value.startswith('"')
        or any(not character.isprintable() for character in value)
    )
    text = json.dumps(value, ensure_ascii=False) if ambiguous else value
    return escape(text)


def escape(text: str) -> str:
    """Escape what would end a table cell or be read as Markdown."""
    for character in "\\|<>#":
        text = text.replace(character, "\\" + character)
    return text


def map_type_cell(symbol: str) -> str:
    return "".join(f"\\{character}" if character in "<>" else character for character in symbol)


def code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@dataclass(frozen=True)
class PageRow:
    finance: str
    map_type: str
    dataverse: str
    default: str

    @property
    def line(self) -> str:
        return f"{self.finance} | {self.map_type} | {self.dataverse} | {self.default}".rstrip()


@dataclass(frozen=True)
class PageValueMap:
    heading: str
    keep_unmapped: bool
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Page:
    module: str
    spec_path: str
    sha256: str
    template: str
    description: str
    finance_entity: str
    dataverse_table: str
    source_filter: str | None
    reverse_filter: str | None
    rows: tuple[PageRow, ...]
    value_maps: tuple[PageValueMap, ...]
    row_count: int


def _field(name: str | None) -> str:
    return escape(name) if name is not None else NONE_FIELD


def _value_map(row: RowSpec, named: dict[str, ValueMapSpec]) -> ValueMapSpec | None:
    if row.values_reference is not None:
        return named.get(row.values_reference.text)
    return row.values


def page(spec: MapSpec, named: dict[str, ValueMapSpec]) -> Page:
    rows = []
    value_maps = []
    for row in spec.rows:
        finance = row.finance.text if row.finance else None
        dataverse = row.dataverse.text if row.dataverse else None
        default = cell_value(row.default.value) if row.default is not None else ""
        rows.append(
            PageRow(_field(finance), map_type_cell(row.map_type.value), _field(dataverse), default)
        )
        values = _value_map(row, named)
        if values is not None:
            value_maps.append(
                PageValueMap(
                    f"{_field(finance)} {map_type_cell(row.map_type.value)} {_field(dataverse)}",
                    row.keep_unmapped,
                    tuple(
                        (cell_value(pair.finance.value), cell_value(pair.dataverse.value))
                        for pair in values.pairs
                    ),
                )
            )
    return Page(
        module=spec.module,
        spec_path=spec.path,
        sha256=spec.sha256,
        template=spec.template,
        description=spec.description,
        finance_entity=spec.finance.name.text,
        dataverse_table=spec.dataverse.name.text,
        source_filter=code(str(spec.finance.filter.value)) if spec.finance.filter else None,
        reverse_filter=code(str(spec.dataverse.filter.value)) if spec.dataverse.filter else None,
        rows=tuple(rows),
        value_maps=tuple(value_maps),
        row_count=len(rows),
    )


_ENVIRONMENT = make_environment(Path(__file__).parent / "templates")
_ENVIRONMENT.filters["escape_markdown"] = escape


def render_docs(maps: list[TableMap], named: dict[str, ValueMapSpec]) -> dict[str, str]:
    """File name inside docs/maps -> text, for every map and the index page."""
    pages = sorted((page(table_map.spec, named) for table_map in maps), key=lambda p: p.module)
    files = {
        f"{item.module}.md": _ENVIRONMENT.get_template("docs_page.md.jinja").render(page=item)
        for item in pages
    }
    files["README.md"] = _ENVIRONMENT.get_template("docs_index.md.jinja").render(pages=pages)
    return files
