"""Recursive-descent parser: query text → normalised AST (:mod:`ecoute.query.nodes`).

Grammar (lowest to highest precedence)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*          # juxtaposition = AND; "a NOT b" = a AND (NOT b)
    unary  := "NOT" unary | near
    near   := atom (NEAR/n[f] atom)*          # left-associative: a NEAR/2 b NEAR/3 c = (a NEAR/2 b) NEAR/3 c
    atom   := "(" or ")" | phrase | {Case} | field:value | word | word* | #tag | @handle

A bare word that tokenises to several tokens (``l'Oréal``, ``Saint-Gobain``) becomes a phrase; a phrase
of one token becomes a word. NEAR operands must be words, phrases, prefix wildcards, NEARs or
parenthesised OR-groups of those.

Failure modes: :class:`QuerySyntaxError` with a message and the 0-based offset of the offending
character: empty query, unbalanced parentheses, empty parentheses, operators missing an operand,
malformed NEAR, invalid NEAR operand, wildcard misuse or prefix shorter than 3 characters, unterminated
phrase/brace, empty phrase/hashtag/handle, terms without letters or digits, unknown or invalid fields,
nesting deeper than ``MAX_DEPTH``, queries longer than ``MAX_QUERY_CHARS``.
"""

from __future__ import annotations

from typing import Final

from ecoute.query.errors import QuerySyntaxError
from ecoute.query.fields import canonical_value
from ecoute.query.lexer import Lexeme, lex
from ecoute.query.nodes import (
    And,
    CaseSensitive,
    Field,
    Handle,
    Hashtag,
    Near,
    NearOperand,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryNode,
    Word,
    is_near_operand,
)
from ecoute.query.normalize import tokenize

MAX_DEPTH: Final = 64
MAX_QUERY_CHARS: Final = 20_000
MIN_PREFIX_CHARS: Final = 3
_ATOM_KINDS: Final = frozenset({"lparen", "phrase", "case", "word", "field"})
_TAG_SIGILS: Final = "#＃"
_HANDLE_SIGILS: Final = "@＠"


def parse(text: str) -> QueryNode:
    """Parse a query text into its AST; raises QuerySyntaxError (see module docstring)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query too long (at most {MAX_QUERY_CHARS} characters)", MAX_QUERY_CHARS)
    lexemes = lex(text)
    if not lexemes:
        raise QuerySyntaxError("empty query", 0)
    return _Parser(text, lexemes).parse()


class _Parser:
    """One parse: a cursor over the lexemes."""

    def __init__(self, text: str, lexemes: list[Lexeme]) -> None:
        self.text = text
        self.lexemes = lexemes
        self.i = 0

    def peek(self) -> Lexeme | None:
        return self.lexemes[self.i] if self.i < len(self.lexemes) else None

    def take(self) -> Lexeme:
        lexeme = self.lexemes[self.i]
        self.i += 1
        return lexeme

    def parse(self) -> QueryNode:
        node = self.parse_or(0)
        leftover = self.peek()
        if leftover is not None:  # only a ')' can stop the top-level OR early
            raise QuerySyntaxError("unbalanced parenthesis", leftover.pos)
        return node

    def _need_operand(self, op: Lexeme, where: str) -> None:
        nxt = self.peek()
        if nxt is None or (nxt.kind not in _ATOM_KINDS and nxt.kind != "not"):
            raise QuerySyntaxError(f"{op.text} needs a term {where}", op.pos)

    def parse_or(self, depth: int) -> QueryNode:
        children = [self.parse_and(depth)]
        while (lx := self.peek()) is not None and lx.kind == "or":
            self.take()
            self._need_operand(lx, "on its right")
            children.append(self.parse_and(depth))
        return _flatten(Or, children)

    def parse_and(self, depth: int) -> QueryNode:
        children = [self.parse_unary(depth)]
        while (lx := self.peek()) is not None and lx.kind not in ("or", "rparen"):
            if lx.kind == "and":
                self.take()
                self._need_operand(lx, "on its right")
            children.append(self.parse_unary(depth))
        return _flatten(And, children)

    def parse_unary(self, depth: int) -> QueryNode:
        lx = self.peek()
        if lx is not None and lx.kind == "not":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError("query nested too deeply", lx.pos)
            self.take()
            self._need_operand(lx, "after it")
            return Not(self.parse_unary(depth + 1))
        return self.parse_near(depth)

    def parse_near(self, depth: int) -> QueryNode:
        start = self.peek()
        left = self.parse_atom(depth)
        while (lx := self.peek()) is not None and lx.kind == "near":
            self.take()
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError("query nested too deeply", lx.pos)
            depth += 1
            assert start is not None  # parse_atom succeeded, so there was a lexeme
            left_op = _near_operand(left, start.pos)
            right_lx = self.peek()
            if right_lx is not None and right_lx.kind == "not":
                raise QuerySyntaxError("NOT cannot be used inside NEAR", right_lx.pos)
            if right_lx is None or right_lx.kind not in _ATOM_KINDS:
                raise QuerySyntaxError(
                    f"{lx.text} needs a word, phrase, wildcard or group on its right", lx.pos
                )
            right_op = _near_operand(self.parse_atom(depth), right_lx.pos)
            left = Near(left_op, right_op, lx.distance, lx.ordered)
        return left

    def parse_atom(self, depth: int) -> QueryNode:
        lx = self.peek()
        if lx is None:
            raise QuerySyntaxError("unexpected end of query", len(self.text))
        kind = lx.kind
        if kind == "lparen":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError("query nested too deeply", lx.pos)
            self.take()
            nxt = self.peek()
            if nxt is not None and nxt.kind == "rparen":
                raise QuerySyntaxError("empty parentheses", lx.pos)
            if nxt is None:
                raise QuerySyntaxError("unbalanced parenthesis", lx.pos)
            inner = self.parse_or(depth + 1)
            close = self.peek()
            if close is None:
                raise QuerySyntaxError("unbalanced parenthesis", lx.pos)
            self.take()
            return inner
        if kind == "rparen":
            raise QuerySyntaxError("unbalanced parenthesis", lx.pos)
        if kind in ("and", "or"):
            raise QuerySyntaxError(f"{lx.text} needs a term on its left", lx.pos)
        if kind == "near":
            raise QuerySyntaxError(f"{lx.text} needs a word, phrase, wildcard or group on its left", lx.pos)
        if kind == "not":  # parse_unary and parse_near handle NOT before calling parse_atom
            raise QuerySyntaxError("NOT cannot be used here", lx.pos)
        self.take()
        return _leaf(lx)


def _flatten(kind: type[And] | type[Or], children: list[QueryNode]) -> QueryNode:
    """Build an And/Or, splicing children of the same type; a single child is returned as is."""
    if len(children) == 1:
        return children[0]
    flat: list[QueryNode] = []
    for child in children:
        if isinstance(child, kind):
            flat.extend(child.children)
        else:
            flat.append(child)
    return kind(tuple(flat))


def _near_operand(node: QueryNode, pos: int) -> NearOperand:
    """Return ``node`` as a NEAR operand or raise a QuerySyntaxError at ``pos``."""
    if isinstance(node, Word | Phrase | Prefix | Near):
        return node
    if isinstance(node, Or) and is_near_operand(node):
        return node
    if isinstance(node, Hashtag | Handle | CaseSensitive | Field):
        raise QuerySyntaxError("NEAR operands cannot be hashtags, handles, {Case} terms or fields", pos)
    raise QuerySyntaxError("NEAR operands must be words, phrases, wildcards or (… OR …) groups of those", pos)


def _leaf(lx: Lexeme) -> QueryNode:
    """Build the leaf node of a phrase, {case}, field or bare-word lexeme."""
    if lx.kind == "phrase":
        norms = tuple(t.norm for t in tokenize(lx.text))
        if not norms:
            raise QuerySyntaxError("empty phrase", lx.pos)
        return Word(norms[0]) if len(norms) == 1 else Phrase(norms)
    if lx.kind == "case":
        exacts = tuple(t.exact for t in tokenize(lx.text))
        if not exacts:
            raise QuerySyntaxError("empty case-sensitive term {}", lx.pos)
        return CaseSensitive(exacts)
    if lx.kind == "field":
        assert lx.field is not None
        try:
            return Field(lx.field, canonical_value(lx.field, lx.text))
        except ValueError as exc:
            raise QuerySyntaxError(str(exc), lx.pos) from None
    return _word(lx.text, lx.pos)


def _word(text: str, pos: int) -> QueryNode:
    """Build a Word/Phrase/Prefix/Hashtag/Handle from a bare lexeme."""
    sigil = text[0]
    if "*" in text:
        if sigil in _TAG_SIGILS or sigil in _HANDLE_SIGILS:
            raise QuerySyntaxError("wildcards only apply to plain words, not hashtags or handles", pos)
        if text.count("*") > 1 or not text.endswith("*"):
            raise QuerySyntaxError("wildcard '*' is only allowed at the end of a word", pos + text.index("*"))
        tokens = tokenize(text[:-1])
        if not tokens:
            raise QuerySyntaxError("wildcard needs a word before '*'", pos)
        if len(tokens) > 1:
            raise QuerySyntaxError(
                "wildcard must follow a single word (hyphens and apostrophes split words)", pos
            )
        prefix = tokens[0].norm
        if len(prefix) < MIN_PREFIX_CHARS:
            raise QuerySyntaxError(
                f"wildcard prefix too short (at least {MIN_PREFIX_CHARS} letters or digits before '*')", pos
            )
        return Prefix(prefix)
    if sigil in _TAG_SIGILS or sigil in _HANDLE_SIGILS:
        what = "hashtag" if sigil in _TAG_SIGILS else "handle"
        tokens = tokenize(text)
        if not tokens:
            raise QuerySyntaxError(f"empty {what}", pos)
        first = tokens[0]
        if len(tokens) > 1 or first.start != 0 or first.kind == "word":
            raise QuerySyntaxError(f"a {what} must be a single word like {sigil}name", pos)
        return Hashtag(first.norm) if first.kind == "hashtag" else Handle(first.norm)
    tokens = tokenize(text)
    if not tokens:
        raise QuerySyntaxError(f"'{text}' has no letters or digits to search", pos)
    if len(tokens) == 1:
        return Word(tokens[0].norm)
    return Phrase(tuple(t.norm for t in tokens))
