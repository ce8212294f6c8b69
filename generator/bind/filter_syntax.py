"""Filter syntax: the text of a source filter or reversed source filter in, a syntax tree out.

A source filter is an F&O query range such as ``((PartyType == "Organization"))``; a
reversed source filter is an OData ``$filter`` such as ``customertypecode eq 3``. Names
in the tree are not resolved yet: ``generator.bind.filters`` binds them to columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Deep enough for any filter a person writes; shallow enough that the recursive descent
# parser stays far from Python's recursion limit on hostile input.
MAX_NESTING = 50

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
        self.depth = 0
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

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FilterSyntaxError(
                self.current.offset, f"the filter nests deeper than {MAX_NESTING} levels"
            )

    def unary(self) -> Expression:
        if self.is_word("not"):
            self.advance()
            self.nested()
            operand = self.unary()
            self.depth -= 1
            return Not(operand)
        if self.current.kind == "op" and self.current.text == "(":
            self.advance()
            self.nested()
            inner = self.disjunction()
            self.depth -= 1
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
