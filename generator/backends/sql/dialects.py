"""SQL dialects: what DuckDB and Spark SQL spell differently, as small text-building functions.

Everything else in the SQL backend is written once; a query differs between the two engines
only where these functions put it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Any character Python's ``urllib.parse.quote(value, safe="'")`` encodes.
URL_UNSAFE = "[^A-Za-z0-9_.~'-]"


@dataclass(frozen=True)
class Dialect:
    name: str  # "duckdb" or "spark": also the file-name part
    title: str

    def identifier(self, name: str) -> str:
        if self.name == "spark":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def string(self, text: str) -> str:
        """A string literal that no text can break out of, printable in a reviewed file."""
        if self.name == "spark":
            # Spark SQL reads backslash escapes in literals, so every backslash is doubled.
            escaped = text.replace("\\", "\\\\").replace("'", "\\'")
            escaped = "".join(
                f"\\u{ord(c):04x}" if not c.isprintable() and ord(c) <= 0xFFFF else c
                for c in escaped
            )
            return f"'{escaped}'"
        pieces: list[str] = []
        plain = ""
        for character in text:
            if character.isprintable():
                plain += character
                continue
            # DuckDB literals have no escapes: a control character is spliced in with chr().
            if plain:
                pieces.append("'" + plain.replace("'", "''") + "'")
                plain = ""
            pieces.append(f"chr({ord(character)})")
        if plain or not pieces:
            pieces.append("'" + plain.replace("'", "''") + "'")
        return pieces[0] if len(pieces) == 1 else "(" + " || ".join(pieces) + ")"

    def json_text(self, expression: str) -> str:
        """The JSON text of a scalar SQL value, ``null`` for NULL."""
        if self.name == "spark":
            # Spark's to_json takes no scalar: encode a one-element array and drop the brackets.
            return f"coalesce(trim(BOTH '[]' FROM to_json(array({expression}))), 'null')"
        return f"coalesce(CAST(to_json({expression}) AS VARCHAR), 'null')"

    def absent(self, key: str) -> str:
        # _any_absent first: most rows lack no key, and then the array is never searched.
        return f"(_any_absent AND coalesce(array_contains(_absent, {self.string(key)}), FALSE))"

    def any_absent(self) -> str:
        """Whether the record lacks any key (computed once per row, as ``_any_absent``)."""
        size = "size" if self.name == "spark" else "len"
        return f"coalesce({size}(_absent) > 0, FALSE) AS _any_absent"

    def byte_length(self, expression: str) -> str:
        return f"{'octet_length' if self.name == 'spark' else 'strlen'}({expression})"

    def matches(self, expression: str, pattern: str) -> str:
        """Whether the regular expression finds ``pattern`` anywhere in ``expression``."""
        if self.name == "spark":
            return f"{expression} RLIKE {self.string(pattern)}"
        return f"regexp_matches({expression}, {self.string(pattern)})"

    def key_text(self, expression: str) -> str:
        """An OData key inside its quotes: ``quote(value.replace("'", "''"), safe="'")``."""
        if self.name == "duckdb":
            # url_encode keeps A-Z a-z 0-9 _ . ~ - and writes %XX as quote does. A ' comes out
            # as %27 and nothing else does (every % is encoded), so it becomes '' here.
            return f"replace(url_encode({expression}), '%27', {self.string(chr(39) * 2)})"
        doubled = f"replace({expression}, {self.string(chr(39))}, {self.string(chr(39) * 2)})"
        hexed = "regexp_replace(hex(encode(c, 'UTF-8')), '(..)', '%$1')"
        each = f"CASE WHEN {self.matches('c', URL_UNSAFE)} THEN {hexed} ELSE c END"
        slow = f"array_join(transform(regexp_extract_all({doubled}, '(?s).', 0), c -> {each}), '')"
        # Most keys need no encoding, so they skip the slow pass.
        return f"CASE WHEN {self.matches(doubled, URL_UNSAFE)} THEN {slow} ELSE {doubled} END"

    def float_text(self, expression: str) -> str:
        """A double as Python's ``repr`` writes it (``1.0``, ``1e+16``, ``2.5e-07``)."""
        if self.name == "duckdb":
            return f"CAST({expression} AS VARCHAR)"
        # Java's own text of a double is not always the shortest that reads back, as Python's
        # is (1.5949441019943E17 comes out 1.59494410199430016E17), so the shortest is
        # searched: the first of %.0e to %.16e that reads back, which Java writes as Python
        # does (1e+16, 2.5e-07). Python writes 1e-4 to 1e16 in plain decimals instead.
        formats = (
            f"transform(sequence(0, 16), p -> format_string(concat('%.', p, 'e'), {expression}))"
        )
        shortest = f"filter({formats}, c -> CAST(c AS DOUBLE) = {expression})[0]"
        scientific = self.string("^(-?)([0-9])(?:[.]([0-9]+))?e([-+][0-9]+)$")

        def part(group: int) -> str:
            return f"regexp_extract(c, {scientific}, {group})"

        sign, exponent = part(1), f"CAST({part(4)} AS INT)"
        digits = f"concat({part(2)}, {part(3)})"
        whole = (
            f"CASE WHEN length({digits}) <= {exponent} + 1 "
            f"THEN concat({sign}, rpad({digits}, {exponent} + 1, '0'), '.0') "
            f"ELSE concat({sign}, substr({digits}, 1, {exponent} + 1), '.', "
            f"substr({digits}, {exponent} + 2)) END"
        )
        small = f"concat({sign}, '0.', repeat('0', -{exponent} - 1), {digits})"
        python = (
            f"CASE WHEN {exponent} < -4 OR {exponent} >= 16 THEN c "
            f"WHEN {exponent} >= 0 THEN {whole} ELSE {small} END"
        )
        # transform over a one-element array binds the shortest text to c, once.
        return f"transform(array({shortest}), c -> {python})[0]"

    def finite(self, expression: str) -> str:
        if self.name == "spark":
            return f"NOT (isnan({expression}) OR abs({expression}) = double('Infinity'))"
        return f"isfinite({expression})"

    def field(self, struct: str, name: str) -> str:
        if self.name == "spark":
            return f"{self.identifier(struct)}.{self.identifier(name)}"
        return f"struct_extract({self.identifier(struct)}, {self.string(name)})"


DUCKDB = Dialect("duckdb", "DuckDB")
SPARK = Dialect("spark", "Spark SQL")
DIALECTS = {dialect.name: dialect for dialect in (DUCKDB, SPARK)}
