"""Stream matcher: every operator, fields, NEAR, wildcards, case-sensitivity and explanations."""

from __future__ import annotations

import pytest

from ecoute.query import (
    CompiledQuery,
    Hashtag,
    Hit,
    MatchableDoc,
    Near,
    QueryMatcher,
    QuerySyntaxError,
    Word,
    compile_query,
    parse,
)


def matches(query: str, text: str, title: str | None = None, **meta: str | None) -> bool:
    doc = MatchableDoc(text=text, title=title, **meta)
    return compile_query("q", "t", parse(query)).match(doc) is not None


def hits(query: str, text: str, title: str | None = None, **meta: str | None) -> list[Hit]:
    doc = MatchableDoc(text=text, title=title, **meta)
    explanation = compile_query("q", "t", parse(query)).match(doc)
    assert explanation is not None
    return list(explanation.hits)


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("sncf", "Grève à la SNCF", True),
        ("sncf", "#SNCF en grève", True),  # a bare word matches hashtags
        ("sncf", "merci @SNCF", True),  # and handles
        ("sncf", "sncfconnect", False),  # whole tokens only
        ("greve", "GRÈVE générale", True),
        ("grève", "greve generale", True),
        ("Élève", "eleve", True),
        ("l'Oréal", "L’ORÉAL Paris", True),
        ("l'Oréal", "l oreal", True),
        ("l'Oréal", "Oréal", False),
        ("Saint-Gobain", "saint gobain", True),
        ("Saint-Gobain", "Saint_Gobain", True),
        ("Saint-Gobain", "gobain saint", False),
        ("oeuvre", "Œuvre d'art", True),
        ("2024", "JO 2024!", True),
        ("blackfriday", "#BlackFriday", True),
        ("black", "#BlackFriday", False),
        ("black friday", "#BlackFriday", False),
        ("le_monde", "le monde", True),  # underscore splits a bare word
        ("le_monde", "@le_monde", False),  # but a handle keeps it as one token
    ],
)
def test_words_and_phrases(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("a AND b", "b x a", True),
        ("a AND b", "a x", False),
        ("a b", "b a", True),
        ("a OR b", "b", True),
        ("a OR b", "c", False),
        ("a NOT b", "a c", True),
        ("a NOT b", "a b", False),
        ("NOT b", "a c", True),
        ("NOT b", "b", False),
        ("NOT b", "", True),
        ("NOT NOT b", "b", True),
        ("a OR b c", "a", True),
        ("a OR b c", "b", False),
        ("(a OR b) c", "b c", True),
        ("(a OR b) c", "a", False),
        ("sncf NOT (ratp OR metro)", "sncf et ratp", False),
        ("sncf NOT (ratp OR metro)", "sncf et rer", True),
        ("a and b", "a b", False),  # lower-case 'and' is a word that must occur
        ("a and b", "a and b", True),
    ],
)
def test_boolean_operators(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("sncf NEAR/2 retard", "SNCF train en retard", True),  # 2 tokens between
        ("sncf NEAR/1 retard", "SNCF train en retard", False),
        ("sncf NEAR/2 retard", "retard du train SNCF", True),  # either order
        ("sncf NEAR/2f retard", "retard du train SNCF", False),  # f: in order only
        ("sncf NEAR/2f retard", "SNCF: du retard", True),
        ("sncf NEAR/0 retard", "sncf retard", True),
        ("sncf NEAR/0 retard", "retard sncf", True),
        ("sncf NEAR/0f retard", "retard sncf", False),
        ('sncf NEAR/1 "en retard"', "SNCF train en retard", True),
        ('sncf NEAR/0 "en retard"', "SNCF train en retard", False),
        ("sncf NEAR/2 retard*", "SNCF très retardée", True),
        ("(sncf OR ouigo) NEAR/1 (retard OR annulé)", "le ouigo annulé", True),
        ("(sncf OR ouigo) NEAR/1 (retard OR annulé)", "le ouigo a été annulé", False),
        ("sncf NEAR/3 retard NEAR/1 train", "SNCF en retard, train", True),
        ("sncf NEAR/3 retard NEAR/0 train", "SNCF en retard, bus, train", False),
        ("sncf NEAR/5 retard", "@SNCF retard", True),  # handle tokens have positions too
        ("sncf NEAR/0 sncf", "sncf", True),  # Lucene: an unordered span may pair with itself
        ("sncf NEAR/0f sncf", "sncf", False),  # ordered needs two occurrences
        ("sncf NEAR/0f sncf", "sncf sncf", True),
    ],
)
def test_near(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_near_and_phrases_never_span_title_and_text() -> None:
    assert not matches("sncf NEAR/5 retard", "retard", title="SNCF")
    assert not matches('"sncf retard"', "retard", title="SNCF")
    assert matches("sncf NEAR/5 retard", "x", title="SNCF retard")
    assert matches("sncf retard", "retard", title="SNCF")  # AND is document-wide


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("grev*", "grève", True),
        ("grev*", "Grévistes", True),
        ("grev*", "#GreveGenerale", True),  # prefixes apply to every token kind
        ("grev*", "la grave", False),
        ("gréviste*", "gréviste", True),  # the prefix may be the whole token
        ("#sncf", "#SNCF", True),
        ("#sncf", "SNCF", False),
        ("#sncf", "@SNCF", False),
        ("#black", "#BlackFriday", False),
        ("#blackfriday", "#BlackFriday", True),
        ("#black_friday", "#Black_Friday", True),
        ("@sncf", "@SNCF", True),
        ("@sncf", "#SNCF sncf", False),
        ("@sncf", "contact@sncf.fr", False),
        ("{Orange}", "Orange lance", True),
        ("{Orange}", "une orange", False),
        ("{Orange}", "ORANGE", False),
        ("{Orange}", "#Orange", True),
        ("{Été}", "Été", True),
        ("{Été}", "Ete", False),  # accents are preserved
        ("{Été}", "E\u0301te\u0301", True),  # but compared after NFKC
        ("{L'Oréal}", "L’Oréal", True),
        ("{L'Oréal}", "l'Oréal", False),
    ],
)
def test_wildcards_tags_handles_case(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "meta", "expected"),
    [
        ("author:lemonde", {"author": "@LeMonde"}, True),
        ('author:"Le Monde"', {"author": "@le_monde"}, True),
        ("author:lemonde", {"author": "Le Monde Diplo"}, False),
        ("author:lemonde", {}, False),
        ("site:lemonde.fr", {"url": "https://www.lemonde.fr/x"}, True),
        ("site:lemonde.fr", {"url": "https://lemonde.fr"}, True),
        ("site:lemonde.fr", {"url": "https://notlemonde.fr"}, False),
        ("site:www.lemonde.fr", {"url": "https://lemonde.fr"}, False),
        ("site:lemonde.fr", {}, False),
        ("lang:fr", {"lang": "fr-CA"}, True),
        ("lang:fr-ca", {"lang": "fr"}, False),
        ("lang:en", {"lang": "fr"}, False),
        ("source:rss", {"source": "rss:lemonde-une"}, True),
        ("source:rss:lemonde-une", {"source": "RSS:LeMonde-Une"}, True),
        ("source:mastodon", {"source": "rss"}, False),
        ("sncf NOT site:twitter.com", {"url": "https://twitter.com/x"}, False),
        ("sncf NOT site:twitter.com", {"url": "https://lemonde.fr/x"}, True),
    ],
)
def test_fields(query: str, meta: dict[str, str], expected: bool) -> None:
    text = "sncf" if query.startswith("sncf") else "peu importe"
    assert matches(query, text, **meta) is expected


def test_explanation_of_words_and_hashtags() -> None:
    result = hits("sncf grève", "La #SNCF en grève, merci @SNCF", title="SNCF")
    assert [(h.term, h.field, h.surface, h.span, h.positions) for h in result] == [
        ("sncf", "title", "SNCF", (0, 4), (0, 1)),
        ("sncf", "text", "#SNCF", (3, 8), (1, 2)),
        ("sncf", "text", "@SNCF", (25, 30), (5, 6)),
        ("greve", "text", "grève", (12, 17), (3, 4)),
    ]


def test_explanation_of_phrases_near_case_and_fields() -> None:
    text = "Chez L’Oréal, les salariés en grève depuis lundi"
    result = hits('{L\'Oréal} AND "l oreal" AND (salariés NEAR/2f grève) AND lang:fr', text, lang="fr-FR")
    by_term = {h.term: h for h in result}
    assert by_term["{L Oréal}"].surface == "L’Oréal"
    assert by_term['"l oreal"'].span == (5, 12)
    near = by_term["salaries NEAR/2f greve"]
    assert (near.field, near.surface, near.positions) == ("text", "salariés en grève", (4, 7))
    assert text[near.span[0] : near.span[1]] == "salariés en grève"  # type: ignore[index]
    lang = by_term["lang:fr"]
    assert (lang.field, lang.surface, lang.span, lang.positions) == ("lang", "fr-FR", None, None)


def test_explanation_lists_only_matching_or_branches_and_no_negations() -> None:
    result = hits("(sncf OR ratp OR gre*) NOT metro", "SNCF: grévistes")
    assert [(h.term, h.surface) for h in result] == [("sncf", "SNCF"), ("gre*", "grévistes")]
    explanation = compile_query("q", "t", parse("NOT metro")).match(MatchableDoc(text="bus"))
    assert explanation is not None
    assert explanation.hits == ()


def test_explanation_is_deduplicated_and_serialisable() -> None:
    doc = MatchableDoc(text="sncf", url="https://www.sncf.com/x")
    explanation = compile_query("q", "t", parse("sncf OR sncf OR site:sncf.com")).match(doc)
    assert explanation is not None
    assert explanation.terms() == ["sncf", "site:sncf.com"]
    assert explanation.to_dict() == {
        "hits": [
            {"term": "sncf", "field": "text", "surface": "sncf", "positions": [0, 1], "span": [0, 4]},
            {
                "term": "site:sncf.com",
                "field": "site",
                "surface": "https://www.sncf.com/x",
                "positions": None,
                "span": None,
            },
        ]
    }


def test_compiled_query_identity_and_protocol() -> None:
    query = compile_query("brand-1", "acme", parse("sncf"))
    assert isinstance(query, CompiledQuery)
    assert query.key == ("acme", "brand-1")
    assert "sncf" in repr(query)
    matcher: QueryMatcher = query
    assert matcher.match(MatchableDoc(text="SNCF")) is not None
    assert matcher.match(MatchableDoc(text="RATP")) is None


def test_invalid_hand_built_near_is_rejected() -> None:
    with pytest.raises(QuerySyntaxError, match="NEAR operands"):
        compile_query("q", "t", Near(Hashtag("x"), Word("y"), 2, False))  # type: ignore[arg-type]
