"""The query AST: immutable, hashable frozen dataclasses, all values already normalised.

Every node produced by :func:`ecoute.query.parse` is in normal form: ``And``/``Or`` have at least two
children and never a child of their own type (nested groups are flattened), ``Phrase`` has at least two
tokens, ``Near`` operands are :data:`NearOperand` nodes. Nodes built by hand should respect the same
invariants; :func:`ecoute.query.compile_query` and :func:`ecoute.query.to_elasticsearch` check the
``Near`` operand rule and raise :class:`~ecoute.query.QuerySyntaxError` (position 0) otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

FieldName = Literal["author", "site", "lang", "source"]
FIELD_NAMES: tuple[FieldName, ...] = ("author", "site", "lang", "source")

MAX_NEAR_DISTANCE = 100
"""Largest n accepted in ``NEAR/n`` (well below the title/text position gap of the index)."""


@dataclass(frozen=True, slots=True)
class Word:
    """A single normalised token; matches that token in title or text, whatever its kind (word, #, @)."""

    token: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive normalised tokens (at least two) in the same field (title or text)."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    """Any token whose normalised form starts with ``prefix`` (at least 3 characters)."""

    prefix: str


@dataclass(frozen=True, slots=True)
class Hashtag:
    """A hashtag token with this normalised body (``#BlackFriday`` → ``blackfriday``); exact, no prefix."""

    tag: str


@dataclass(frozen=True, slots=True)
class Handle:
    """An @mention token with this normalised body (``@SNCF`` → ``sncf``)."""

    handle: str


@dataclass(frozen=True, slots=True)
class CaseSensitive:
    """``{Word}``: tokens compared on their exact (NFKC, case and accents kept) form; >1 token = phrase."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """``name:value`` on document metadata; ``value`` is already in the field's canonical form."""

    name: FieldName
    value: str


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/distance right`` (``ordered``: ``NEAR/nf``, left before right), Lucene span semantics."""

    left: NearOperand
    right: NearOperand
    distance: int
    ordered: bool


@dataclass(frozen=True, slots=True)
class And:
    """All children match."""

    children: tuple[QueryNode, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child matches."""

    children: tuple[QueryNode, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not match (alone: every document without it)."""

    child: QueryNode


QueryNode: TypeAlias = (
    Word | Phrase | Prefix | Hashtag | Handle | CaseSensitive | Field | Near | And | Or | Not
)
NearOperand: TypeAlias = Word | Phrase | Prefix | Near | Or
"""An ``Or`` used as a NEAR operand must itself contain only NearOperand nodes."""


def is_near_operand(node: QueryNode) -> bool:
    """True if ``node`` may be used as a NEAR operand (words, phrases, prefixes, NEARs, ORs of those)."""
    if isinstance(node, Word | Phrase | Prefix | Near):
        return True
    if isinstance(node, Or):
        return all(is_near_operand(c) for c in node.children)
    return False
