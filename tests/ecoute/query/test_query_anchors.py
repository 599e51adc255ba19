"""Prefilter anchors: necessary literal conditions of a query."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ecoute.query import MatchableDoc, QueryNode, compile_query, parse, prepare
from ecoute.query.anchors import MAX_CLAUSES, anchors
from tests.ecoute.query.query_strategies import docs, queries


def clauses(query: str) -> set[frozenset[str]] | None:
    found = anchors(parse(query))
    return None if found is None else set(found)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sncf", {frozenset({" sncf "})}),
        ("#SNCF", {frozenset({" sncf "})}),
        ("@SNCF", {frozenset({" sncf "})}),
        ("l'Oréal", {frozenset({" l oreal "})}),
        ("{L'Oréal}", {frozenset({" l oreal "})}),
        ("grév*", {frozenset({" grev"})}),
        ("sncf OR ratp", {frozenset({" sncf "}), frozenset({" ratp "})}),
        ("sncf grève", {frozenset({" sncf ", " greve "})}),
        ("(sncf OR ouigo) grève", {frozenset({" sncf ", " greve "}), frozenset({" ouigo ", " greve "})}),
        ("sncf NEAR/3 retard", {frozenset({" sncf ", " retard "})}),
        ("sncf NOT ratp", {frozenset({" sncf "})}),
        ("sncf lang:fr", {frozenset({" sncf "})}),
        ("sncf OR sncf grève", {frozenset({" sncf "})}),  # absorbed: the larger clause adds nothing
        ("NOT sncf", None),
        ("lang:fr", None),
        ("sncf OR lang:fr", None),
        ("sncf OR NOT ratp", None),
    ],
)
def test_anchor_clauses(query: str, expected: set[frozenset[str]] | None) -> None:
    assert clauses(query) == expected


def test_large_products_keep_the_most_selective_side() -> None:
    left = " OR ".join(f"a{i}" for i in range(5))
    right = " OR ".join(f"b{i}" for i in range(5))
    found = anchors(parse(f"({left}) (b0 OR b1) ({right})"))
    assert found is not None
    assert len(found) <= MAX_CLAUSES
    assert set(found) == {frozenset({" a0 ", " b0 "}), frozenset({" a0 ", " b1 "})} | {
        frozenset({f" a{i} ", f" b{j} "}) for i in range(1, 5) for j in (0, 1)
    }


@settings(max_examples=400)
@given(queries(), docs())
def test_anchors_are_necessary_conditions(node: QueryNode, doc: MatchableDoc) -> None:
    if compile_query("q", "t", node).match(doc) is None:
        return
    found = anchors(node)
    if found is None:
        return
    haystack = prepare(doc).haystack
    assert any(all(literal in haystack for literal in clause) for clause in found)
