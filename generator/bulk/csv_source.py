"""CSV input: a file (or a data package's member) with a header in, typed records out.

Both spellings of a header work: OData names (``CustomerAccount``) and the upper-case staging
names finance and operations' Data management writes (``CUSTOMERACCOUNT``, ``DataAreaId``);
see columns.py. The text is UTF-8, or UTF-16 when a byte-order mark says so (Data
management's "CSV-Unicode"); a UTF-8 byte-order mark is not part of the first name. Each cell
is typed by its field (see cells.py).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import IO, cast

from generator.bulk.cells import BadCell, Unparsed, parse_cell
from generator.bulk.records import BadInput, Reading

_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def text_stream(binary: IO[bytes]) -> IO[str]:
    """The binary stream as text, decoded as its byte-order mark says (UTF-8 without one)."""
    # Peeking needs a buffered reader; a zip member and a file opened "rb" both read into one.
    buffered = io.BufferedReader(cast(io.RawIOBase, binary))
    start = buffered.peek(3)[:3]
    encoding = next((name for mark, name in _MARKS if start.startswith(mark)), "utf-8")
    return io.TextIOWrapper(buffered, encoding=encoding, newline="")


def csv_records(reading: Reading, handle: IO[str]) -> Iterator[tuple[int, object]]:
    path = reading.path
    rows = csv.reader(handle, strict=True)
    try:
        header = next(rows, None)
        if header is None:
            return  # an empty file: no rows
        chosen = reading.columns.header(header)
        reading.columns.check()
        typed = [(chosen[item.name], item) for item in reading.fields if item.name in chosen]
        width = len(header)
        row = 0
        for cells in rows:
            if not cells:
                continue  # a blank line holds no record
            if len(cells) != width:
                raise BadInput(
                    path,
                    f"row {row} (line {rows.line_num}): {len(cells)} cells, but the header "
                    f"has {width}",
                )
            record: dict[str, object] = {}
            for index, item in typed:
                text = cells[index]
                try:
                    record[item.name] = parse_cell(
                        text, item.kind, item.format, reading.date_format
                    )
                except BadCell as problem:
                    record[item.name] = Unparsed(text, problem.reason)
            yield row, record
            row += 1
    except csv.Error as problem:
        raise BadInput(path, f"line {rows.line_num}: not CSV: {problem}") from None
