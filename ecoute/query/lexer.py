"""Query text → lexemes (operators, parentheses, phrases, ``{…}`` terms, fields, bare words).

Rules: operators are the upper-case keywords ``AND``, ``OR``, ``NOT`` and ``NEAR/n`` / ``NEAR/nf``
(lower-case ``and``/``or``/``not``/``near`` are ordinary words). Phrases are delimited by any of
``" “ ” « »`` (opening and closing need not be the same character). ``{…}`` delimits a case-sensitive
term. A bare lexeme runs until whitespace, a parenthesis, a quote or a brace. ``name:value`` with a known
field name (any case) is a field term; its value may be quoted (``author:"Le Monde"``). Any other
``letters:…`` lexeme is rejected as an unknown field so that typos do not silently become phrases.

Raises :class:`QuerySyntaxError` for unterminated phrases/braces, stray ``}``, malformed ``NEAR`` and
unknown or empty fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from ecoute.query.errors import QuerySyntaxError
from ecoute.query.nodes import FIELD_NAMES, MAX_NEAR_DISTANCE, FieldName

LexemeKind = Literal["lparen", "rparen", "and", "or", "not", "near", "phrase", "case", "word", "field"]

QUOTES: Final = '"“”«»'
_STOP: Final = frozenset("()" + QUOTES + "{}")
_NEAR_RE: Final = re.compile(r"^NEAR/(\d+)(f?)$")
_FIELD_RE: Final = re.compile(r"^([A-Za-z]+):(.*)$", re.DOTALL)
_OPERATORS: Final[dict[str, LexemeKind]] = {"AND": "and", "OR": "or", "NOT": "not"}


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One lexeme: ``text`` is the raw content (word, phrase/brace content or field value)."""

    kind: LexemeKind
    text: str
    pos: int
    distance: int = 0
    ordered: bool = False
    field: FieldName | None = None


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    """Read a quoted string whose opening quote is at ``start``; return (content, index after close)."""
    for i in range(start + 1, len(query)):
        if query[i] in QUOTES:
            return query[start + 1 : i], i + 1
    raise QuerySyntaxError("unterminated phrase", start)


def lex(query: str) -> list[Lexeme]:
    """Split ``query`` into lexemes (see module docstring); raises QuerySyntaxError."""
    out: list[Lexeme] = []
    i = 0
    n = len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(Lexeme("lparen", c, i))
            i += 1
        elif c == ")":
            out.append(Lexeme("rparen", c, i))
            i += 1
        elif c in QUOTES:
            content, i_next = _read_quoted(query, i)
            out.append(Lexeme("phrase", content, i))
            i = i_next
        elif c == "{":
            close = query.find("}", i + 1)
            if close < 0:
                raise QuerySyntaxError("unterminated case-sensitive term (missing '}')", i)
            out.append(Lexeme("case", query[i + 1 : close], i))
            i = close + 1
        elif c == "}":
            raise QuerySyntaxError("unbalanced '}'", i)
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _STOP:
                j += 1
            lexeme, i = _classify(query, query[i:j], i, j)
            out.append(lexeme)
    return out


def _classify(query: str, text: str, start: int, end: int) -> tuple[Lexeme, int]:
    """Classify a bare lexeme ``text`` = ``query[start:end]``; return it and the index after it."""
    op = _OPERATORS.get(text)
    if op is not None:
        return Lexeme(op, text, start), end
    if text == "NEAR" or text.startswith("NEAR/"):
        m = _NEAR_RE.match(text)
        if m is None:
            raise QuerySyntaxError("NEAR needs a distance like NEAR/3 (or NEAR/3f for in order)", start)
        distance = int(m.group(1))
        if distance > MAX_NEAR_DISTANCE:
            raise QuerySyntaxError(f"NEAR distance must be at most {MAX_NEAR_DISTANCE}", start)
        return Lexeme("near", text, start, distance=distance, ordered=m.group(2) == "f"), end
    m = _FIELD_RE.match(text)
    if m is None:
        return Lexeme("word", text, start), end
    name = m.group(1).lower()
    value = m.group(2)
    if name not in FIELD_NAMES:
        known = ", ".join(FIELD_NAMES)
        raise QuerySyntaxError(
            f"unknown field '{m.group(1)}:' (fields are {known}; quote it to search text)", start
        )
    if value == "" and end < len(query) and query[end] in QUOTES:
        value, end = _read_quoted(query, end)
    if not value.strip():
        raise QuerySyntaxError(f"missing value after {name}:", start)
    field: FieldName = next(f for f in FIELD_NAMES if f == name)
    return Lexeme("field", value, start, field=field), end
