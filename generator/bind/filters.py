"""Source filters and reversed source filters, compiled to Python predicates.

A source filter is an F&O query range such as ``((PartyType == "Organization"))``;
a reversed source filter is an OData ``$filter`` such as ``customertypecode eq 3``.
Both are parsed here at generate time into a small expression tree, their fields
are resolved against the entity schemas, and the tree is rendered as one Python
expression over the record, so no filter text is interpreted at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.diagnostics import Diagnostics, Location, suggestion
from generator.source.entity_schema import Column, EntitySchema, Kind, untyped_column
from generator.source.located_yaml import Scalar

Literal = str | int | float | bool | None


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "string", "number", "op", "enum", "end"
    text: str
    value: Literal
    offset: int


class FilterSyntaxError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


@dataclass(frozen=True)
class Field:
    name: str
    offset: int


@dataclass(frozen=True)
class Constant:
    value: Literal
    offset: int
    enum: tuple[str, str] | None = None  # (enum type, member) of an F&O Enum::Member literal


@dataclass(frozen=True)
class Comparison:
    left: Field | Constant
    operator: str
    right: Field | Constant


@dataclass(frozen=True)
class Not:
    operand: Expression


@dataclass(frozen=True)
class Junction:
    operator: str  # "and" or "or"
    operands: tuple[Expression, ...]


Expression = Comparison | Not | Junction

# --- tokenizers -------------------------------------------------------------------------

_FINANCE_TOKEN = re.compile(
    r"""\s*(?:
      (?P<enum>[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>-?[0-9]+)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>==|!=|&&|\|\||=|!|\(|\))
    )""",
    re.VERBOSE | re.DOTALL,
)

_ODATA_TOKEN = re.compile(
    r"""\s*(?:
      (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
    | (?P<string>'(?:[^']|'')*')
    | (?P<op>\(|\))
    )""",
    re.VERBOSE,
)

_ODATA_WORDS = {"eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not"}
_ODATA_CONSTANTS: dict[str, Literal] = {"true": True, "false": False, "null": None}


def _scan(
    text: str, pattern: re.Pattern[str], token: Callable[[str, str, int], Token]
) -> list[Token]:
    tokens = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        match = pattern.match(text, position)
        if match is None or match.lastgroup is None:
            raise FilterSyntaxError(position, f"unexpected character {text[position]!r}")
        start = match.start(match.lastgroup)
        tokens.append(token(match.lastgroup, match.group(match.lastgroup), start))
        position = match.end()
    tokens.append(Token("end", "", None, len(text)))
    return tokens


def _finance_token(kind: str, text: str, offset: int) -> Token:
    if kind == "number":
        return Token(kind, text, int(text), offset)
    if kind == "string":
        return Token(kind, text, re.sub(r"\\(.)", r"\1", text[1:-1], flags=re.DOTALL), offset)
    return Token(kind, text, None, offset)


def _odata_token(kind: str, text: str, offset: int) -> Token:
    if kind == "number":
        is_float = any(c in text for c in ".eE")
        return Token(kind, text, float(text) if is_float else int(text), offset)
    if kind == "string":
        return Token(kind, text, text[1:-1].replace("''", "'"), offset)
    if kind == "name" and text in _ODATA_WORDS:
        return Token("op", text, None, offset)
    if kind == "name" and text in _ODATA_CONSTANTS:
        return Token("constant", text, _ODATA_CONSTANTS[text], offset)
    return Token(kind, text, None, offset)


# --- parsers ----------------------------------------------------------------------------


class _Parser:
    """Recursive descent over: or := and (OR and)*; and := unary (AND unary)*;
    unary := NOT unary | '(' or ')' | operand COMPARE operand."""

    def __init__(
        self,
        tokens: list[Token],
        words: dict[str, str],
        comparisons: dict[str, str],
    ) -> None:
        self.tokens = tokens
        self.position = 0
        self.words = words  # token text -> "and" / "or" / "not"
        self.comparisons = comparisons  # token text -> canonical operator

    @property
    def current(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def is_word(self, word: str) -> bool:
        return self.current.kind == "op" and self.words.get(self.current.text) == word

    def parse(self) -> Expression:
        expression = self.disjunction()
        if self.current.kind != "end":
            raise FilterSyntaxError(
                self.current.offset, f"unexpected {self.describe(self.current)}"
            )
        return expression

    def disjunction(self) -> Expression:
        operands = [self.conjunction()]
        while self.is_word("or"):
            self.advance()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Junction("or", tuple(operands))

    def conjunction(self) -> Expression:
        operands = [self.unary()]
        while self.is_word("and"):
            self.advance()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else Junction("and", tuple(operands))

    def unary(self) -> Expression:
        if self.is_word("not"):
            self.advance()
            return Not(self.unary())
        if self.current.kind == "op" and self.current.text == "(":
            self.advance()
            inner = self.disjunction()
            if not (self.current.kind == "op" and self.current.text == ")"):
                raise FilterSyntaxError(
                    self.current.offset, f"expected ')' but found {self.describe(self.current)}"
                )
            self.advance()
            return inner
        left = self.operand()
        token = self.current
        operator = self.comparisons.get(token.text) if token.kind == "op" else None
        if operator is None:
            expected = " or ".join(sorted(set(self.comparisons)))
            raise FilterSyntaxError(
                token.offset, f"expected a comparison ({expected}) but found {self.describe(token)}"
            )
        self.advance()
        return Comparison(left, operator, self.operand())

    def operand(self) -> Field | Constant:
        token = self.advance()
        if token.kind == "name":
            return Field(token.text, token.offset)
        if token.kind in ("string", "number", "constant"):
            return Constant(token.value, token.offset)
        if token.kind == "enum":
            enum_type, member = token.text.split("::")
            return Constant(member, token.offset, (enum_type, member))
        raise FilterSyntaxError(
            token.offset, f"expected a field or a value but found {self.describe(token)}"
        )

    @staticmethod
    def describe(token: Token) -> str:
        return "the end of the filter" if token.kind == "end" else repr(token.text)


def parse_source_filter(text: str) -> Expression:
    """Parse an F&O source filter: == = != && || ! ( ), strings, integers, Enum::Member."""
    return _Parser(
        _scan(text, _FINANCE_TOKEN, _finance_token),
        {"&&": "and", "||": "or", "!": "not"},
        {"==": "eq", "=": "eq", "!=": "ne"},
    ).parse()


def parse_reverse_filter(text: str) -> Expression:
    """Parse an OData $filter: eq ne gt ge lt le and or not ( ), strings, numbers, true false null."""
    return _Parser(
        _scan(text, _ODATA_TOKEN, _odata_token),
        {"and": "and", "or": "or", "not": "not"},
        {word: word for word in ("eq", "ne", "gt", "ge", "lt", "le")},
    ).parse()


# --- rendering ----------------------------------------------------------------------------


class _Renderer:
    """Resolves fields and renders one Python boolean expression over ``record``."""

    def __init__(
        self,
        schema: EntitySchema | None,
        location: Location,
        diagnostics: Diagnostics,
        finance: bool,
    ) -> None:
        self.schema = schema
        self.location = location
        self.diagnostics = diagnostics
        self.finance = finance
        self.ok = True
        # What the rendered expression reads and calls, in order of first use.
        self.columns: list[str] = []
        self.helpers: list[str] = []

    def use(self, names: list[str], name: str) -> None:
        if name not in names:
            names.append(name)

    def error(self, offset: int, message: str) -> None:
        self.ok = False
        self.diagnostics.error(self.location.shifted(offset), message)

    def column(self, field: Field) -> Column | None:
        if self.schema is None:
            return untyped_column(field.name)
        matches = (
            self.schema.find(field.name)
            if self.finance
            else [c for c in self.schema.columns if c.name == field.name]
        )
        if len(matches) == 1:
            return matches[0]
        where = f"{'entity' if self.finance else 'table'} {self.schema.entity_set}"
        if matches:
            self.error(field.offset, f"filter field {field.name!r} is ambiguous in {where}")
        else:
            known = self.schema.column_names()
            self.error(
                field.offset,
                f"unknown filter field {field.name!r} in {where}{suggestion(field.name, known)}",
            )
        return None

    def render(self, expression: Expression) -> str:
        if isinstance(expression, Junction):
            parts = [
                self.render_operand(operand, expression.operator) for operand in expression.operands
            ]
            return f" {expression.operator} ".join(parts)
        if isinstance(expression, Not):
            return f"not {self.render_operand(expression.operand, 'not')}"
        return self.comparison(expression)

    def render_operand(self, expression: Expression, parent: str) -> str:
        text = self.render(expression)
        needs_parentheses = isinstance(expression, Junction) and (
            parent == "not" or expression.operator != parent
        )
        return f"({text})" if needs_parentheses else text

    def comparison(self, comparison: Comparison) -> str:
        left, right = comparison.left, comparison.right
        if isinstance(left, Constant) and isinstance(right, Field):
            left, right = right, left
        if not isinstance(left, Field) or not isinstance(right, Constant):
            self.error(comparison.left.offset, "a comparison must compare one field with one value")
            return "False"
        column = self.column(left)
        if column is None:
            return "False"
        self.use(self.columns, column.name)
        if self.finance:
            return self.finance_comparison(column, comparison.operator, right)
        return self.odata_comparison(column, comparison.operator, right)

    def finance_comparison(self, column: Column, operator: str, constant: Constant) -> str:
        value = constant.value
        if column.is_enum:
            member = self.enum_member(column, constant)
            if member is None:
                return "False"
            value = member
        if isinstance(value, str):
            # F&O query ranges compare strings without regard to case.
            self.use(self.helpers, "fold")
            rendered = f"fold(record.get({column.name!r})) == {value.casefold()!r}"
        else:
            rendered = f"record.get({column.name!r}) == {value!r}"
        return rendered if operator == "eq" else f"not {rendered}"

    def enum_member(self, column: Column, constant: Constant) -> str | None:
        members = [member for member, _ in column.enum_values]
        if constant.enum is not None:
            enum_type, name = constant.enum
            if column.enum_type and enum_type != column.enum_type:
                self.error(
                    constant.offset,
                    f"{enum_type}::{name} compares field {column.name!r} of enum "
                    f"{column.enum_type} with a member of enum {enum_type}",
                )
                return None
        if isinstance(constant.value, int) and not isinstance(constant.value, bool):
            member = column.enum_member_by_value(constant.value)
            if member is None:
                values = ", ".join(f"{m}={v}" for m, v in column.enum_values)
                self.error(
                    constant.offset,
                    f"{constant.value} is not a value of enum {column.enum_type} ({values})",
                )
            return member
        if isinstance(constant.value, str):
            member = column.enum_member(constant.value)
            if member is None:
                self.error(
                    constant.offset,
                    f"{constant.value!r} is not a member of enum {column.enum_type}"
                    f"{suggestion(constant.value, members)}",
                )
            return member
        self.error(constant.offset, f"enum field {column.name!r} can't be compared with this value")
        return None

    def odata_comparison(self, column: Column, operator: str, constant: Constant) -> str:
        if column.kind is Kind.LOOKUP:
            self.error(constant.offset, f"lookup column {column.name!r} can't be filtered here")
            return "False"
        self.use(self.helpers, f"odata_{operator}")
        return f"odata_{operator}(record.get({column.name!r}), {constant.value!r})"


@dataclass(frozen=True)
class CompiledFilter:
    text: str
    expression: str  # a Python boolean expression over ``record``
    columns: tuple[str, ...]  # the columns it reads
    helpers: tuple[str, ...]  # the run-time helpers it calls


def compile_filter(
    source: Scalar,
    schema: EntitySchema | None,
    diagnostics: Diagnostics,
    finance: bool,
) -> CompiledFilter | None:
    """The filter as a Python expression over ``record``.

    Problems are reported at their column inside the filter string; None if any.
    """
    assert isinstance(source.value, str)
    text = source.value
    # A quoted YAML scalar starts one column before its text.
    location = source.location.shifted(1 if source.quoted else 0)
    try:
        expression = parse_source_filter(text) if finance else parse_reverse_filter(text)
    except FilterSyntaxError as problem:
        kind = "source filter" if finance else "reversed source filter"
        diagnostics.error(
            location.shifted(problem.offset), f"{kind} does not parse: {problem.message}"
        )
        return None
    renderer = _Renderer(schema, location, diagnostics, finance)
    rendered = renderer.render(expression)
    if not renderer.ok:
        return None
    return CompiledFilter(text, rendered, tuple(renderer.columns), tuple(renderer.helpers))
