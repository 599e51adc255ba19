"""Canonical one-line form of a query AST, e.g. for ``ecoute query check``.

``describe(node)`` renders normalised terms with explicit operators (``AND`` between conjuncts,
``AND NOT`` for exclusions, parentheses around groups that need them or that mix AND and OR), so two
queries that parse to the same AST have the same description and ``parse(describe(node)) == node`` for
every node produced by :func:`ecoute.query.parse`. Pure; never raises.
"""

from __future__ import annotations

from ecoute.query.nodes import (
    And,
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


def describe(node: QueryNode) -> str:
    """Return the canonical text of ``node``."""
    if isinstance(node, Word):
        return node.token
    if isinstance(node, Phrase):
        return '"' + " ".join(node.tokens) + '"'
    if isinstance(node, Prefix):
        return node.prefix + "*"
    if isinstance(node, Hashtag):
        return "#" + node.tag
    if isinstance(node, Handle):
        return "@" + node.handle
    if isinstance(node, CaseSensitive):
        return "{" + " ".join(node.tokens) + "}"
    if isinstance(node, Field):
        value = node.value
        if not value or any(c.isspace() or c in '()"“”«»{}' for c in value):
            value = '"' + value + '"'
        return f"{node.name}:{value}"
    if isinstance(node, Near):
        op = f"NEAR/{node.distance}{'f' if node.ordered else ''}"
        left = describe(node.left)
        left = f"({left})" if isinstance(node.left, Or) else left
        right = describe(node.right)
        right = f"({right})" if isinstance(node.right, Or | Near) else right
        return f"{left} {op} {right}"
    if isinstance(node, Not):
        inner = describe(node.child)
        return "NOT " + (f"({inner})" if isinstance(node.child, And | Or) else inner)
    if isinstance(node, And):
        return " AND ".join(
            f"({describe(c)})" if isinstance(c, And | Or) else describe(c) for c in node.children
        )
    return " OR ".join(f"({describe(c)})" if isinstance(c, And | Or) else describe(c) for c in node.children)
