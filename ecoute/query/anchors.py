"""Prefilter anchors: literal patterns that must occur in a document for a query to possibly match.

A literal is a pattern searched in :attr:`PreparedDoc.haystack` (the normalised tokens of each text
field, space-separated and space-padded): ``" w "`` for a whole token, ``" a b "`` for consecutive tokens,
``" pre"`` for a token prefix. ``anchors(node)`` returns either ``None`` ("cannot be prefiltered: always
evaluate", e.g. ``NOT x``, ``lang:fr``) or clauses — a tuple of literal sets — with the guarantee:

    if the query matches a document, every literal of at least one clause occurs in its haystack.

``Word``/``Hashtag``/``Handle`` → their token; ``Phrase``/``CaseSensitive`` → the normalised token
sequence; ``Prefix`` → the prefix; ``Or`` → union of its children's clauses (None if one child is None);
``And`` and ``Near`` → the cross product of their children's clauses (children that are None are
skipped; children are multiplied most selective first and skipped when the product would exceed
``MAX_CLAUSES``). Pure.
"""

from __future__ import annotations

from typing import Final, TypeAlias

from ecoute.query.nodes import (
    CaseSensitive,
    Field,
    Handle,
    Hashtag,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryNode,
    Word,
)
from ecoute.query.normalize import tokenize

Clauses: TypeAlias = tuple[frozenset[str], ...]
MAX_CLAUSES: Final = 16


def token_literal(*tokens: str) -> str:
    """The literal of consecutive whole tokens."""
    return " " + " ".join(tokens) + " "


def prefix_literal(prefix: str) -> str:
    """The literal of a token prefix."""
    return " " + prefix


def anchors(node: QueryNode) -> Clauses | None:
    """Return the anchor clauses of ``node`` (see module docstring)."""
    if isinstance(node, Word):
        return (frozenset({token_literal(node.token)}),)
    if isinstance(node, Hashtag):
        return (frozenset({token_literal(node.tag)}),)
    if isinstance(node, Handle):
        return (frozenset({token_literal(node.handle)}),)
    if isinstance(node, Phrase):
        return (frozenset({token_literal(*node.tokens)}),)
    if isinstance(node, CaseSensitive):
        norms = [t.norm for e in node.tokens for t in tokenize(e)]
        return (frozenset({token_literal(*norms)}),) if norms else None
    if isinstance(node, Prefix):
        return (frozenset({prefix_literal(node.prefix)}),)
    if isinstance(node, Field | Not):
        return None
    if isinstance(node, Or):
        union: list[frozenset[str]] = []
        for child in node.children:
            sub = anchors(child)
            if sub is None:
                return None
            union.extend(sub)
        return _minimise(union)
    children = (node.left, node.right) if isinstance(node, Near) else node.children
    return _conjunction([a for a in (anchors(c) for c in children) if a is not None])


def _conjunction(parts: list[Clauses]) -> Clauses | None:
    """Cross product of clause lists, most selective first, skipping lists that would make the product
    exceed ``MAX_CLAUSES`` (skipping a conjunct only weakens the necessary condition, never breaks it)."""
    if not parts:
        return None
    ordered = sorted(parts, key=_weakness)
    product: list[frozenset[str]] = list(ordered[0])
    for p in ordered[1:]:
        if len(product) * len(p) <= MAX_CLAUSES:
            product = [acc | clause for acc in product for clause in p]
    return _minimise(product)


def _weakness(clauses: Clauses) -> tuple[int, int]:
    """Sort key: fewer clauses first, then longer shortest literal (rarer) first."""
    shortest = min((len(lit) for clause in clauses for lit in clause), default=0)
    return (len(clauses), -shortest)


def _minimise(clauses: list[frozenset[str]]) -> Clauses:
    """Drop duplicate clauses and clauses that contain another one (they add no candidates)."""
    unique = sorted(set(clauses), key=len)
    kept: list[frozenset[str]] = []
    for clause in unique:
        if not any(k <= clause for k in kept):
            kept.append(clause)
    return tuple(kept)
