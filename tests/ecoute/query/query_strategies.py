"""Hypothesis strategies shared by the query-language tests: small vocabularies full of the hard cases
(accents, case, apostrophes, hyphens, underscores, hashtags, handles, emoji, digits)."""

from __future__ import annotations

from hypothesis import strategies as st

from ecoute.query import (
    And,
    CaseSensitive,
    Field,
    Handle,
    Hashtag,
    MatchableDoc,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryNode,
    Word,
    describe,
    parse,
)
from ecoute.query.nodes import FieldName

SURFACES = [
    "SNCF", "sncf", "Sncf", "#SNCF", "@SNCF", "@sncf_fr", "#sncf", "grève", "Grève", "GREVE", "greve",
    "grèves", "gréviste", "L'Oréal", "l’oréal", "Oréal", "OREAL", "Saint-Gobain", "saint", "Gobain",
    "#BlackFriday", "#black_friday", "black", "Black", "friday", "Black-Friday", "Orange", "orange",
    "ORANGE", "#orange", "@Orange", "été", "Été", "ete", "train", "trains", "retard", "retardé", "12",
    "2024", "Œuvre", "oeuvre", "café", "CAFÉ", "cafe", "Cafe\u0301", "😀", "le", "la", "de", "Noël", "noel",
    "naïve", "fr",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", " ", ", ", ". ", " - ", "’", "'", "!", " (", ") ", "\n", "_", "#", "-", "@"]

WORDS = [
    "sncf", "greve", "greves", "greviste", "oreal", "l", "saint", "gobain", "blackfriday", "black",
    "friday", "orange", "ete", "train", "trains", "retard", "retarde", "12", "oeuvre", "cafe", "le",
    "noel", "naive", "fr",
]  # fmt: skip
PREFIXES = ["gre", "grev", "ora", "bla", "tra", "ret", "caf", "saint", "oeu", "nai", "sncf", "202"]
TAGS = ["sncf", "blackfriday", "black_friday", "orange", "greve"]
HANDLES = ["sncf", "sncf_fr", "orange", "lemonde"]
CASES = [
    "SNCF",
    "Sncf",
    "sncf",
    "Orange",
    "orange",
    "Oréal",
    "L",
    "Été",
    "été",
    "Œuvre",
    "CAFÉ",
    "Black",
    "Café",
]
FIELDS: list[tuple[FieldName, str]] = [
    ("author", "lemonde"), ("author", "sncf"), ("author", "jeandupont"), ("site", "lemonde.fr"),
    ("site", "www.lemonde.fr"), ("site", "fr"), ("site", "twitter.com"), ("lang", "fr"), ("lang", "en"),
    ("lang", "fr-ca"), ("source", "rss"), ("source", "rss:lemonde"), ("source", "mastodon"),
]  # fmt: skip

AUTHORS = ["@LeMonde", "Le Monde", "sncf", "Jean Dupont", "@SNCF", "@le_monde", None]
URLS = [
    "https://www.lemonde.fr/a", "http://lemonde.fr/", "https://notlemonde.fr/x",
    "https://twitter.com/sncf/status/1", "https://m.twitter.com", None, "not a url", "lemonde.fr/b",
]  # fmt: skip
LANGS = ["fr", "en", "fr-CA", "FR", "en_US", None]
SOURCES = ["rss", "rss:lemonde", "RSS:LeMonde", "mastodon:mastodon.social", "reddit", None]


def texts(max_fragments: int = 10) -> st.SearchStrategy[str]:
    """Texts glued from the surface vocabulary and separators."""
    pair = st.tuples(st.sampled_from(SURFACES), st.sampled_from(SEPARATORS))
    return st.lists(pair, max_size=max_fragments).map(lambda ps: "".join(a + b for a, b in ps))


def docs() -> st.SearchStrategy[MatchableDoc]:
    """Mentions with optional title and metadata."""
    return st.builds(
        MatchableDoc,
        text=texts(),
        title=st.one_of(st.none(), st.just(""), texts(5)),
        author=st.sampled_from(AUTHORS),
        url=st.sampled_from(URLS),
        lang=st.sampled_from(LANGS),
        source=st.sampled_from(SOURCES),
    )


def _phrases() -> st.SearchStrategy[Phrase]:
    return st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(lambda ws: Phrase(tuple(ws)))


def near_operands() -> st.SearchStrategy[QueryNode]:
    """Valid NEAR operands: words, phrases, prefixes, and OR/NEAR combinations of those."""
    base = st.one_of(
        st.sampled_from(WORDS).map(Word),
        _phrases(),
        st.sampled_from(PREFIXES).map(Prefix),
    )
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs))),
            st.builds(Near, inner, inner, st.integers(0, 4), st.booleans()),
        ),
        max_leaves=4,
    )


def raw_queries() -> st.SearchStrategy[QueryNode]:
    """Query ASTs (not necessarily in parser normal form)."""
    leaf = st.one_of(
        st.sampled_from(WORDS).map(Word),
        _phrases(),
        st.sampled_from(PREFIXES).map(Prefix),
        st.sampled_from(TAGS).map(Hashtag),
        st.sampled_from(HANDLES).map(Handle),
        st.lists(st.sampled_from(CASES), min_size=1, max_size=2).map(lambda cs: CaseSensitive(tuple(cs))),
        st.sampled_from(FIELDS).map(lambda f: Field(f[0], f[1])),
        st.builds(Near, near_operands(), near_operands(), st.integers(0, 4), st.booleans()),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: And(tuple(cs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs))),
            inner.map(Not),
        ),
        max_leaves=6,
    )


def queries() -> st.SearchStrategy[QueryNode]:
    """Query ASTs in parser normal form (``parse(describe(q))``)."""
    return raw_queries().map(lambda node: parse(describe(node)))


QUERY_PIECES = [
    "AND", "OR", "NOT", "NEAR/2", "NEAR/0f", "NEAR", "NEAR/x", "(", ")", '"', "“", "»", "sncf", "Grève",
    "gre*", "g*", "*", "#sncf", "#", "@x", "{Orange}", "{", "}", "author:x", "site:lemonde.fr", "lang:fr",
    "source:rss", "foo:bar", "a", "é", "l'Oréal", "Saint-Gobain", "😀", ":", "and", "or", "not", "12",
]  # fmt: skip


def query_texts() -> st.SearchStrategy[str]:
    """Arbitrary query-ish texts (valid or not) for parser robustness tests."""
    return st.lists(
        st.tuples(st.sampled_from(QUERY_PIECES), st.sampled_from([" ", " ", ""])), max_size=10
    ).map(lambda ps: "".join(a + b for a, b in ps))
