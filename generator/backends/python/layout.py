"""Long lines of a rendered module split as black splits them, before black runs.

black formats a block twice unless its first pass changes nothing. The templates write a
few shapes of long line (a call, a def, an import, a string assigned, a condition), and
datamodel-code-generator two shapes of record type: laid out here as black lays them out,
every block of the shipped specs comes out of black's first pass unchanged, which halves
black's work on a cold run. black still formats every block, so a shape this module gets
wrong costs the second pass. It adds a trailing comma only where black adds one, since a
comma black would not add could change black's result; tests/test_layout.py compares each
shape with black.
"""

from __future__ import annotations

import io
import re
import tokenize

LINE_LENGTH = 100
_INDENT = "    "
_OPENING = {"(": ")", "[": "]", "{": "}"}


def laid_out(source: str) -> str:
    """``source`` with each line longer than black's limit split as black would split it,
    where it is one of the shapes below; every other line as it was."""
    lines: list[str] = []
    for line in source.split("\n"):
        split = _split(line) if len(line) > LINE_LENGTH else None
        lines.extend(split or [line])
    return "\n".join(lines)


def _split(line: str) -> list[str] | None:
    code = line.lstrip(" ")
    indent = line[: len(line) - len(code)]
    tokens = _tokens(code)
    if tokens is None:
        return None
    if code.startswith("from "):
        return _import(indent, code, tokens)
    if _is_call(tokens, 0):
        return _bracketed(indent, code, tokens, 1)
    # An operand of a parenthesized expression split one operator a line: ``+ name(...)``.
    if tokens[0][0] == tokenize.OP and _is_call(tokens, 1):
        return _bracketed(indent, code, tokens, 2)
    for keyword in ("if ", "elif ", "return "):
        if code.startswith(keyword):
            return _condition(indent, code, tokens)
    if code.startswith("def "):
        opening = next((at for at, (_, text, _) in enumerate(tokens) if text == "("), None)
        return None if opening is None else _bracketed(indent, code, tokens, opening)
    equals = [
        at for at, (_, text, _) in enumerate(tokens) if text == "=" and not _depth(tokens, at)
    ]
    if len(equals) != 1:
        return None
    value = tokens[equals[0] + 1 :]
    if len(value) == 1 and value[0][0] == tokenize.STRING:
        return _parenthesized(indent, code[: value[0][2]].rstrip(), code[value[0][2] :], atom=True)
    if _is_call(tokens, equals[0] + 1):
        opening = equals[0] + 2
        head = indent + code[: tokens[opening][2] + 1]
        if len(head) <= LINE_LENGTH:
            return _bracketed(indent, code, tokens, opening)
        # black puts a call whose opening line would be too long in parentheses of its own.
        return _parenthesized(indent, code[: value[0][2]].rstrip(), code[value[0][2] :], atom=False)
    return None


def _parenthesized(indent: str, assignment: str, value: str, *, atom: bool) -> list[str] | None:
    """``assignment (`` / the value, indented / ``)``: where that shortens the line, black
    does so even when the value still does not fit; a call (not an ``atom``, a string) that
    does not is split in turn."""
    inner = indent + _INDENT + value
    # ``assignment`` ends in "=": the value moves from after it and a space to the indent.
    if len(assignment) + 1 <= len(_INDENT):
        return None
    body = [inner] if atom or len(inner) <= LINE_LENGTH else _split(inner)
    if body is None:
        return None
    return [f"{indent}{assignment} (", *body, f"{indent})"]


def _condition(indent: str, code: str, tokens: list[tuple[int, str, int]]) -> list[str] | None:
    """``if``/``elif`` (ending in a colon) or ``return`` with a long expression. black splits
    inside a leading bracket when what follows it fits; otherwise it puts the expression in
    parentheses, on one line when it fits there, else one ``and``/``or`` operand a line."""
    end = ":" if tokens[-1][1] == ":" else ""
    last = len(tokens) - 1 if end else len(tokens)
    logic = [
        at for at in range(1, last) if tokens[at][1] in ("and", "or") and not _depth(tokens, at)
    ]
    if tokens[1][1] == "(":
        closing = _closing(tokens, 1)
        if closing is None or closing == last - 1 or len(logic) > 1:
            return None
        if len(indent + code[tokens[closing][2] :]) > LINE_LENGTH:
            return None
        return _bracketed(indent, code, tokens, 1)
    if not logic:
        return None
    if len(logic) == 1 and tokens[last - 1][1] in _OPENING.values():
        # With one operator, black splits in the last bracket instead.
        return _bracketed(indent, code, tokens, _opening(tokens, last - 1))
    keyword = tokens[0][1]
    expression = code[tokens[1][2] : tokens[last][2] if end else len(code)].strip()
    together = indent + _INDENT + expression
    if len(together) <= LINE_LENGTH:
        return [f"{indent}{keyword} (", together, f"{indent}){end}"]
    starts = [1, *logic]
    stops = [*logic, last]
    operands = [
        code[tokens[a][2] : tokens[b][2] if b < len(tokens) else len(code)].strip()
        for a, b in zip(starts, stops, strict=True)
    ]
    lines = [f"{indent}{_INDENT}{operand}" for operand in operands]
    if any(len(line) > LINE_LENGTH for line in lines):
        return None
    return [f"{indent}{keyword} (", *lines, f"{indent}){end}"]


def _bracketed(
    indent: str, code: str, tokens: list[tuple[int, str, int]], opening: int
) -> list[str] | None:
    """The line split inside the bracket at ``opening``: its contents on one line of their own,
    or, when they do not fit, one item a line with a trailing comma."""
    closing = _closing(tokens, opening)
    if closing is None:
        return None
    head = indent + code[: tokens[opening][2] + 1]
    tail = indent + code[tokens[closing][2] :]
    items = _items(code, tokens, opening, closing)
    if len(head) > LINE_LENGTH or len(tail) > LINE_LENGTH or not items or items[-1] == "":
        return None
    # black adds a trailing comma to the only parameter of a def, which then stands alone.
    lone_parameter = code.startswith("def ") and len(items) == 1
    together = indent + _INDENT + ", ".join(items) + ("," if lone_parameter else "")
    if len(together) <= LINE_LENGTH:
        return [head, together, tail]
    lines = [f"{indent}{_INDENT}{item}," for item in items]
    if len(items) == 1 or any(len(each) > LINE_LENGTH for each in lines):
        return None
    return [head, *lines, tail]


def _import(indent: str, code: str, tokens: list[tuple[int, str, int]]) -> list[str] | None:
    """black puts the names of a long ``from … import`` one a line, in parentheses."""
    keyword = next((at for at, (_, text, _) in enumerate(tokens) if text == "import"), None)
    if keyword is None or keyword + 1 == len(tokens) or any(t in "()" for _, t, _ in tokens):
        return None
    names = code[tokens[keyword + 1][2] :].split(", ")
    head = f"{indent}{code[: tokens[keyword + 1][2]]}("
    return [head, *(f"{indent}{_INDENT}{name}," for name in names), f"{indent})"]


def _items(code: str, tokens: list[tuple[int, str, int]], opening: int, closing: int) -> list[str]:
    """The comma-separated items between two brackets, as written."""
    items: list[str] = []
    start = tokens[opening][2] + 1
    for at in range(opening + 1, closing):
        if tokens[at][1] == "," and _depth(tokens, at) == _depth(tokens, opening) + 1:
            items.append(code[start : tokens[at][2]].strip())
            start = tokens[at][2] + 1
    items.append(code[start : tokens[closing][2]].strip())
    return items


def _tokens(code: str) -> list[tuple[int, str, int]] | None:
    """(type, text, column) of each token of one complete line; None for anything else."""
    found: list[tuple[int, str, int]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                continue
            if token.type in (tokenize.COMMENT, tokenize.NL) or token.start[0] != 1:
                return None
            found.append((token.type, token.string, token.start[1]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return found


def _depth(tokens: list[tuple[int, str, int]], at: int) -> int:
    depth = 0
    for _, text, _ in tokens[:at]:
        if text in _OPENING:
            depth += 1
        elif text in _OPENING.values():
            depth -= 1
    return depth


def _opening(tokens: list[tuple[int, str, int]], closing: int) -> int:
    depth = 0
    for at in range(closing, -1, -1):
        text = tokens[at][1]
        if text in _OPENING.values():
            depth += 1
        elif text in _OPENING:
            depth -= 1
            if depth == 0:
                return at
    raise ValueError("unbalanced brackets")


def _closing(tokens: list[tuple[int, str, int]], opening: int) -> int | None:
    depth = 0
    for at in range(opening, len(tokens)):
        text = tokens[at][1]
        if text in _OPENING:
            depth += 1
        elif text in _OPENING.values():
            depth -= 1
            if depth == 0:
                return at
    return None


def _is_call(tokens: list[tuple[int, str, int]], at: int) -> bool:
    """Whether the tokens from ``at`` on are one call of a name: ``name(...)``, nothing after."""
    return (
        len(tokens) >= at + 3
        and tokens[at][0] == tokenize.NAME
        and tokens[at + 1][1] == "("
        and _closing(tokens, at + 1) == len(tokens) - 1
    )


_FUNCTIONAL = re.compile(r"(\w+) = TypedDict\('(\w+)', \{\n")
_ENTRY = re.compile(r"    '([^'\"\\]*)': (.+),")


def record_type_laid_out(block: str) -> str:
    """A record type from datamodel-code-generator as black lays it out, where it is one of
    the two shapes that generator writes: a class whose docstring black follows with a blank
    line, and a TypedDict called with a dict (for keys that are not identifiers)."""
    lines = block.split("\n")
    if lines[0].startswith("class ") and lines[1:2] == ['    """']:
        closing = lines.index('    """', 2) if '    """' in lines[2:] else None
        if closing is not None and lines[closing + 1 : closing + 2] not in ([""], []):
            return "\n".join([*lines[: closing + 1], "", *lines[closing + 1 :]])
        return block
    functional = _FUNCTIONAL.match(block)
    if not functional or not block.endswith(",})\n"):
        return block
    entries = [
        _ENTRY.fullmatch(line) for line in block[functional.end() : -len("})\n")].split("\n")
    ]
    if not all(entries):
        return block
    name = functional[2]
    return "\n".join(
        [
            f"{functional[1]} = TypedDict(",
            f'    "{name}",',
            "    {",
            *(f'        "{entry[1]}": {entry[2]},' for entry in entries if entry),
            "    },",
            ")\n",
        ]
    )
