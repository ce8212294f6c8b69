"""Table extraction: a mapping-reference document in, the table maps it holds out, rows in order.

A table map is a heading, an optional description paragraph, optional entity, table and
filter lines, and a field table whose header has a Map type column. Headings are Markdown
headings, or bare lines in a plain-text rendering of the reference. A generated page's
``## Value maps`` section gives the value map of each row it names.
"""

from __future__ import annotations

from generator import messages
from generator.reference.import_model import FoundMap, ValuePair, failure, guess
from generator.reference.markdown_lexing import MarkdownLines, is_noise, is_separator
from generator.reference.page_format import (
    COMPANY_LABEL,
    ENTITY_LABEL,
    KEY_LABEL,
    REVERSE_FILTER_LABEL,
    SOURCE_FILTER_LABEL,
    TABLE_LABEL,
    VALUE_MAPS_HEADING,
    MapTableHeader,
    Unreadable,
    has_pipe,
    is_keep_sentence,
    read_code_span,
    read_company_cell,
    read_key_cell,
    read_label_line,
    read_map_table_header,
    read_value_cell,
    table_cells,
    unescape,
    value_map_title,
)
from generator.reference.table_rows import read_row

_DESCRIPTION_STARTS = ("this template", "syncs", "synchronizes")


def find_table_maps(markdown: str) -> list[FoundMap]:
    """Every table map of the document, in document order."""
    return _Extraction(MarkdownLines(markdown)).table_maps()


def _label(text: str) -> tuple[str, str] | None:
    """A labelled line, also when the whole line is one code span."""
    code = read_code_span(text)
    return read_label_line(code if code is not None else text)


def _is_metadata(text: str) -> bool:
    code = read_code_span(text)
    if code is not None and code != text:
        return _is_metadata(code)
    return bool(read_label_line(text) or is_noise(text) or is_separator(text))


def _heading_like(text: str) -> bool:
    return (
        len(text) <= 150
        and not text.endswith((".", ":", ";", ",", "!", "?"))
        and not has_pipe(text)
        and not _is_metadata(text)
    )


def _description_like(text: str) -> bool:
    return text.lower().startswith(_DESCRIPTION_STARTS) or text.endswith(".")


def _filter_value(raw: str) -> str | None:
    text = raw.strip()
    code = read_code_span(text)
    value = code if code is not None else unescape(text)
    return value.strip() or None


class _Extraction:
    def __init__(self, document: MarkdownLines) -> None:
        self.document = document
        self.lines = document.lines

    def table_maps(self) -> list[FoundMap]:
        maps: list[FoundMap] = []
        previous_end = 0
        index = 0
        previous: FoundMap | None = None
        while index < len(self.lines):
            header = read_map_table_header(self.lines[index])
            if header is None:
                index += 1
                continue
            start = previous_end
            if previous is not None:
                start = self.value_maps(previous, previous_end, index)
            table_map = self.context(start, index, len(maps) + 1)
            for line, module in self.document.generated_by:
                if previous_end <= line < table_map.heading_line:
                    table_map.module_hint = module
            previous_end = index = self.rows(table_map, header, index + 1)
            maps.append(table_map)
            previous = table_map
        if previous is not None:
            self.value_maps(previous, previous_end, len(self.lines))
        return maps

    # --- The heading, description, names and filters above a table ---------------------------

    def context(self, start: int, header: int, number: int) -> FoundMap:
        found = None
        for index in range(header - 1, start - 1, -1):
            heading = self.document.heading(index)
            if heading is not None:
                found = (index, heading[1])
                break
        if found is not None:
            table_map = FoundMap(found[0] + 1, found[1] or None)
            self.metadata(table_map, found[0] + 1, header, markdown=True)
        else:
            table_map = self.plain_text_context(start, header)
        if table_map.heading is None:
            table_map.notes.append(
                guess(table_map.heading_line, messages.IMPORT_GUESS_HEADING, number=number)
            )
            table_map.heading = f"Table map {number}"
        return table_map

    def plain_text_context(self, start: int, header: int) -> FoundMap:
        """Headings as bare lines: the line above "This template ..." text or above the table."""
        content = [
            index
            for index in range(start, header)
            if not self.document.blank(index) and not _is_metadata(self.lines[index].strip())
        ]
        heading_index: int | None = None
        if content:
            last = self.lines[content[-1]].strip()
            if _heading_like(last) and not _description_like(last):
                heading_index = content[-1]
            elif len(content) > 1 and _heading_like(self.lines[content[-2]].strip()):
                heading_index = content[-2]
        if heading_index is None:
            table_map = FoundMap(header + 1, None)
            self.metadata(table_map, content[-1] if content else start, header, markdown=False)
            return table_map
        table_map = FoundMap(heading_index + 1, unescape(self.lines[heading_index].strip()))
        self.metadata(table_map, heading_index + 1, header, markdown=False)
        return table_map

    def metadata(self, table_map: FoundMap, start: int, end: int, markdown: bool) -> None:
        """Filters, entity and table lines, and the first paragraph (one line in plain text)."""
        paragraph: list[str] = []
        state = "before"
        for index in range(start, end):
            text = self.lines[index].strip()
            labelled = _label(text)
            if labelled is not None:
                label, value = labelled
                if label == SOURCE_FILTER_LABEL:
                    table_map.source_filter = _filter_value(value)
                elif label == REVERSE_FILTER_LABEL:
                    table_map.reverse_filter = _filter_value(value)
                elif label == ENTITY_LABEL:
                    table_map.entity = unescape(value).strip() or None
                elif label == TABLE_LABEL:
                    table_map.table = unescape(value).strip() or None
                elif label == COMPANY_LABEL:
                    table_map.company = read_company_cell(value) or None
                elif label == KEY_LABEL:
                    table_map.key = read_key_cell(value) or None
            elif text and not is_noise(text) and self.document.heading(index) is None:
                if state == "before":
                    paragraph.append(text)
                    state = "in" if markdown else "after"
                elif state == "in":
                    paragraph.append(text)
                continue
            if state == "in":
                state = "after"
        table_map.description = unescape(" ".join(paragraph))

    # --- The field table ---------------------------------------------------------------------

    def rows(self, table_map: FoundMap, header: MapTableHeader, start: int) -> int:
        """Read the rows from ``start``; the index of the first line after the table."""
        if header.ignored:
            table_map.notes.append(
                failure(start, messages.IMPORT_COLUMNS_IGNORED, columns=", ".join(header.ignored))
            )
        index = start
        if index < len(self.lines) and is_separator(self.lines[index]):
            index += 1
        while index < len(self.lines) and self.in_table(index):
            table_map.items.append(read_row(index + 1, self.lines[index], header))
            index += 1
        return index

    def in_table(self, index: int) -> bool:
        """Whether line ``index`` is a row of the table that the line above belongs to.

        A line without a pipe ends the table, unless more rows follow it before a blank
        line, a heading or another table's header: then it is a row that can't be read,
        rather than a line that silently drops the rows after it.
        """
        if self.document.blank(index):
            return False
        if has_pipe(self.lines[index]):
            return True
        for later in range(index, len(self.lines)):
            if self.document.blank(later) or self.document.heading(later) is not None:
                return False
            if has_pipe(self.lines[later]):
                return read_map_table_header(self.lines[later]) is None
        return False

    # --- The "## Value maps" section of a generated reference page -----------------------------

    def value_maps(self, table_map: FoundMap, start: int, end: int) -> int:
        section: tuple[int, int] | None = None
        for index in range(start, end):
            heading = self.document.heading(index)
            if heading is not None and heading[1].lower() == VALUE_MAPS_HEADING.lower():
                section = (index, heading[0])
                break
            if heading is not None:
                return start
        if section is None:
            return start
        index = section[0] + 1
        while index < end:
            heading = self.document.heading(index)
            if heading is None:
                index += 1
                continue
            if heading[0] <= section[1]:
                return index
            index = self.value_map(table_map, index, heading[1], end)
        return end

    def value_map(self, table_map: FoundMap, start: int, title: str, end: int) -> int:
        """One ``### FIELD >< field`` subsection: an optional keep sentence and a pair table."""
        keep = False
        pairs: list[ValuePair] = []
        problems: list[str] = []
        header_seen = False
        index = start + 1
        while index < end and self.document.heading(index) is None:
            text = self.lines[index].strip()
            index += 1
            if not text:
                continue
            if is_keep_sentence(text):
                keep = True
            elif not has_pipe(text):
                problems.append(text)
            elif not header_seen:
                header_seen = True
            elif not is_separator(text):
                pair = self.pair(text)
                if isinstance(pair, str):
                    problems.append(pair)
                else:
                    pairs.append(pair)
        row = next(
            (
                item
                for item in table_map.rows
                if item.pairs is None
                and value_map_title(item.finance, item.map_type, item.dataverse) == title
            ),
            None,
        )
        if row is None:
            table_map.notes.append(
                failure(start + 1, messages.IMPORT_VALUE_MAP_UNMATCHED, title=title)
            )
            return index
        for problem in problems or ([] if pairs else ["no pairs"]):
            table_map.notes.append(
                failure(start + 1, messages.IMPORT_VALUE_MAP_PROBLEM, title=title, problem=problem)
            )
        row.pairs = pairs or None
        row.keep_unmapped = keep
        return index

    @staticmethod
    def pair(text: str) -> ValuePair | str:
        """A value-map table row, or the text to report when it can't be read."""
        values = [read_value_cell(cell) for cell in table_cells(text)]
        if len(values) != 2:
            return f"{text} (not 2 cells)"
        finance, dataverse = values
        if isinstance(finance, Unreadable) or isinstance(dataverse, Unreadable):
            return text
        return finance, dataverse
