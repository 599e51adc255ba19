"""Parser: precedence, leaves, fields, errors with positions, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from ecoute.query import (
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
    QuerySyntaxError,
    Word,
    describe,
    parse,
)
from tests.ecoute.query.query_strategies import query_texts

a, b, c, d = Word("a"), Word("b"), Word("c"), Word("d")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a", a),
        ("a b", And((a, b))),
        ("a AND b", And((a, b))),
        ("a OR b c", Or((a, And((b, c))))),
        ("a b OR c", Or((And((a, b)), c))),
        ("a OR b AND c OR d", Or((a, And((b, c)), d))),
        ("a NOT b", And((a, Not(b)))),
        ("a AND NOT b", And((a, Not(b)))),
        ("NOT a b", And((Not(a), b))),
        ("NOT a", Not(a)),
        ("NOT NOT a", Not(Not(a))),
        ("a NOT b OR c", Or((And((a, Not(b))), c))),
        ("NOT (a OR b)", Not(Or((a, b)))),
        ("(a AND b) AND (c d)", And((a, b, c, d))),  # flattened
        ("(a OR b) OR (c OR d)", Or((a, b, c, d))),
        ("((a))", a),
        ("a and b", And((a, Word("and"), b))),  # lower-case operators are words
        ("a or NOT b", And((a, Word("or"), Not(b)))),
        ("a NEAR/3 b", Near(a, b, 3, False)),
        ("a NEAR/0f b", Near(a, b, 0, True)),
        ("NOT a NEAR/2 b", Not(Near(a, b, 2, False))),  # NEAR binds tighter than NOT
        ("a NEAR/2 b c", And((Near(a, b, 2, False), c))),
        ("a NEAR/2 b NEAR/3f c", Near(Near(a, b, 2, False), c, 3, True)),  # left-associative
        ("a NEAR/2 (b NEAR/1 c)", Near(a, Near(b, c, 1, False), 2, False)),
        ("(a OR b) NEAR/2 c", Near(Or((a, b)), c, 2, False)),
        ('(a OR "b c" OR gre*) NEAR/5 d', Near(Or((a, Phrase(("b", "c")), Prefix("gre"))), d, 5, False)),
        ("near/3", Phrase(("near", "3"))),
        ("NEARBY", Word("nearby")),
    ],
)
def test_structure_and_precedence(query: str, expected: QueryNode) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Grève", Word("greve")),
        ("l'Oréal", Phrase(("l", "oreal"))),
        ("L’ORÉAL", Phrase(("l", "oreal"))),
        ("Saint-Gobain", Phrase(("saint", "gobain"))),
        ('"Saint Gobain"', Phrase(("saint", "gobain"))),
        ('"SNCF"', Word("sncf")),
        ('"grève, SNCF!"', Phrase(("greve", "sncf"))),
        ("“grève SNCF”", Phrase(("greve", "sncf"))),
        ("«grève SNCF»", Phrase(("greve", "sncf"))),
        ('"#sncf @x"', Phrase(("sncf", "x"))),  # sigils are ignored inside phrases
        ("sncf!", Word("sncf")),
        ("gre*", Prefix("gre")),
        ("Grév*", Prefix("grev")),
        ("#BlackFriday", Hashtag("blackfriday")),
        ("#black_friday", Hashtag("black_friday")),
        ("@SNCF", Handle("sncf")),
        ("@le_monde", Handle("le_monde")),
        ("{Orange}", CaseSensitive(("Orange",))),
        ("{L'Oréal}", CaseSensitive(("L", "Oréal"))),
        ("{ Le  Monde }", CaseSensitive(("Le", "Monde"))),
        ("12", Word("12")),
    ],
)
def test_leaves(query: str, expected: QueryNode) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author:LeMonde", Field("author", "lemonde")),
        ('author:"Le Monde"', Field("author", "lemonde")),
        ("author:@le_monde", Field("author", "lemonde")),
        ("AUTHOR:x", Field("author", "x")),
        ("site:lemonde.fr", Field("site", "lemonde.fr")),
        ("site:LeMonde.FR.", Field("site", "lemonde.fr")),
        ("site:*.lemonde.fr", Field("site", "lemonde.fr")),
        ("site:https://www.lemonde.fr/economie/", Field("site", "www.lemonde.fr")),
        ("site:lemonde.fr/economie", Field("site", "lemonde.fr")),
        ("site:café.fr", Field("site", "xn--caf-dma.fr")),
        ("lang:FR", Field("lang", "fr")),
        ("lang:fr_CA", Field("lang", "fr-ca")),
        ("source:RSS", Field("source", "rss")),
        ("source:rss:lemonde-une", Field("source", "rss:lemonde-une")),
        ('source:"mastodon:mastodon.social"', Field("source", "mastodon:mastodon.social")),
        (
            "sncf lang:fr NOT site:twitter.com",
            And((Word("sncf"), Field("lang", "fr"), Not(Field("site", "twitter.com")))),
        ),
    ],
)
def test_fields(query: str, expected: QueryNode) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "empty query", 0),
        ("   ", "empty query", 0),
        ("sncf (grève OR retard", "unbalanced parenthesis", 5),
        ("sncf grève) retard", "unbalanced parenthesis", 10),
        ("a ()", "empty parentheses", 2),
        ("sncf NEAR grève", "NEAR needs a distance like NEAR/3", 5),
        ("sncf NEAR/x grève", "NEAR needs a distance like NEAR/3", 5),
        ("sncf NEAR/3g grève", "NEAR needs a distance like NEAR/3", 5),
        ("a NEAR/101 b", "NEAR distance must be at most 100", 2),
        ("NEAR/3 b", "NEAR/3 needs a word, phrase, wildcard or group on its left", 0),
        ("a NEAR/3", "NEAR/3 needs a word, phrase, wildcard or group on its right", 2),
        ("a NEAR/3 NOT b", "NOT cannot be used inside NEAR", 9),
        ("a NEAR/3 #b", "NEAR operands cannot be hashtags, handles, {Case} terms or fields", 9),
        ("@x NEAR/3 b", "NEAR operands cannot be hashtags", 0),
        ("{X} NEAR/3 b", "NEAR operands cannot be hashtags", 0),
        ("a NEAR/3 lang:fr", "NEAR operands cannot be hashtags", 9),
        ("a NEAR/2 (b AND c)", "NEAR operands must be words, phrases, wildcards or (… OR …) groups", 9),
        ("a NEAR/2 (b OR NOT c)", "NEAR operands must be", 9),
        ("gr*", "wildcard prefix too short", 0),
        ("x l'*", "wildcard prefix too short", 2),
        ("g*r", "wildcard '*' is only allowed at the end of a word", 1),
        ("gre**", "wildcard '*' is only allowed at the end of a word", 3),
        ("*", "wildcard needs a word before '*'", 0),
        ("l'oré*", "wildcard must follow a single word", 0),
        ("#sncf*", "wildcards only apply to plain words", 0),
        ('sncf "grève', "unterminated phrase", 5),
        ('author:"Le Monde', "unterminated phrase", 7),
        ('""', "empty phrase", 0),
        ('" !! "', "empty phrase", 0),
        ("{Orange", "unterminated case-sensitive term", 0),
        ("{}", "empty case-sensitive term", 0),
        ("a}", "unbalanced '}'", 1),
        ("a AND", "AND needs a term on its right", 2),
        ("a AND OR b", "AND needs a term on its right", 2),
        ("OR b", "OR needs a term on its left", 0),
        ("a OR", "OR needs a term on its right", 2),
        ("(OR b)", "OR needs a term on its left", 1),
        ("NOT", "NOT needs a term after it", 0),
        ("a NOT", "NOT needs a term after it", 2),
        ("#", "empty hashtag", 0),
        ("@", "empty handle", 0),
        ("#black-friday", "a hashtag must be a single word", 0),
        ("@user@instance.social", "a handle must be a single word", 0),
        ("😀", "has no letters or digits", 0),
        ("a -- b", "has no letters or digits", 2),
        ("titre:sncf", "unknown field 'titre:'", 0),
        ("https://x.fr", "unknown field 'https:'", 0),
        ("site:", "missing value after site:", 0),
        ("author: sncf", "missing value after author:", 0),
        ("x site:exa!mple.fr", "site: expects a domain", 2),
        ("lang:french", "lang: expects a language code", 0),
        ("author:!!", "author: needs a name with letters or digits", 0),
        ("x source:rss{", "unterminated case-sensitive term", 12),
        ("(" * 70 + "a" + ")" * 70, "query nested too deeply", 64),
    ],
)
def test_errors(query: str, message: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert message in info.value.message
    assert info.value.position == position
    assert str(info.value) == f"{info.value.message} at {position}"


def test_error_is_a_value_error_and_pickles() -> None:
    import pickle

    with pytest.raises(ValueError, match="unbalanced parenthesis at 0"):
        parse("(a")
    error = QuerySyntaxError("empty query", 0)
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.message, clone.position) == ("empty query", 0)


def test_query_length_limit() -> None:
    with pytest.raises(QuerySyntaxError, match="query too long"):
        parse("a " * 10_001)


def test_deep_not_chain_is_rejected_cleanly() -> None:
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse("NOT " * 200 + "a")


@settings(max_examples=500)
@given(query_texts())
def test_parser_never_crashes_and_round_trips(text: str) -> None:
    position = -1
    try:
        node: QueryNode | None = parse(text)
    except QuerySyntaxError as error:
        node, position = None, error.position
    if node is None:
        assert 0 <= position <= len(text)
        return
    assert parse(describe(node)) == node
