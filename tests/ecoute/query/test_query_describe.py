"""describe(): canonical one-line form that parses back to the same AST."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ecoute.query import And, Field, Or, QueryNode, Word, describe, parse
from tests.ecoute.query.query_strategies import queries, raw_queries


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("SNCF", "sncf"),
        ("(SNCF OR Ouigo) Grève NOT RATP", "(sncf OR ouigo) AND greve AND NOT ratp"),
        ("a OR b c", "a OR (b AND c)"),
        ("a NOT b OR c", "(a AND NOT b) OR c"),
        ("NOT (a OR b)", "NOT (a OR b)"),
        ("l'Oréal NEAR/3f grév*", '"l oreal" NEAR/3f grev*'),
        ("(a OR b) NEAR/2 c NEAR/1 d", "(a OR b) NEAR/2 c NEAR/1 d"),
        ("a NEAR/2 (c NEAR/1 d)", "a NEAR/2 (c NEAR/1 d)"),
        ("#BlackFriday @SNCF {L'Oréal}", "#blackfriday AND @sncf AND {L Oréal}"),
        (
            'author:"Le Monde" site:WWW.LeMonde.fr lang:fr_CA source:RSS',
            "author:lemonde AND site:www.lemonde.fr AND lang:fr-ca AND source:rss",
        ),
    ],
)
def test_canonical_form(query: str, canonical: str) -> None:
    assert describe(parse(query)) == canonical


def test_nested_groups_built_by_hand_are_parenthesised() -> None:
    node = Or((Or((Word("a"), Word("b"))), And((Word("c"), And((Word("d"), Word("e")))))))
    assert describe(node) == "(a OR b) OR (c AND (d AND e))"
    assert parse(describe(node)) == Or((Word("a"), Word("b"), And((Word("c"), Word("d"), Word("e")))))


def test_field_values_with_spaces_are_quoted() -> None:
    assert describe(Field("author", "le monde")) == 'author:"le monde"'


@settings(max_examples=300)
@given(queries())
def test_parse_describe_round_trip(node: QueryNode) -> None:
    text = describe(node)
    assert parse(text) == node
    assert describe(parse(text)) == text


@settings(max_examples=200)
@given(raw_queries())
def test_describe_of_any_ast_parses(node: QueryNode) -> None:
    canonical = parse(describe(node))
    assert parse(describe(canonical)) == canonical
