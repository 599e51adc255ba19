"""Normalisation and tokenisation: the single definition shared by parser, matcher and indexer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoute.query import normalize, tokenize
from ecoute.query.normalize import MAX_TOKEN_CHARS, analyze
from tests.ecoute.query.query_strategies import texts


def norms(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Élève", "eleve"),
        ("L’ORÉAL", "l'oreal"),
        ("‘quote’ ʼx", "'quote' 'x"),
        ("Œuvre cœur", "oeuvre coeur"),
        ("Straße", "strasse"),
        ("ﬁnance", "finance"),  # NFKC ligature
        ("ＳＮＣＦ", "sncf"),  # full-width
        ("Cafe\u0301", "cafe"),  # decomposed accent
        ("Noël 2024 😀", "noel 2024 😀"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'Oréal", ["l", "oreal"]),
        ("L’ORÉAL", ["l", "oreal"]),
        ("lʼOréal", ["l", "oreal"]),  # modifier letter apostrophe is a letter in Unicode, split anyway
        ("Saint-Gobain", ["saint", "gobain"]),
        ("black_friday", ["black", "friday"]),
        ("C'est l'été!", ["c", "est", "l", "ete"]),
        ("Grève à la SNCF 😀😀 !!!", ["greve", "a", "la", "sncf"]),
        ("iPhone15 2024 3,5", ["iphone15", "2024", "3", "5"]),
        ("Cafe\u0301 noir", ["cafe", "noir"]),  # combining accent stays inside the token
        ("½", ["1", "2"]),  # NFKC expansion with a fraction slash
        ("Orange™", ["orange"]),  # symbols are separators even if NFKC makes letters of them
        ("", []),
        ("😀 -- '", []),
    ],
)
def test_tokenize_norms(text: str, expected: list[str]) -> None:
    assert norms(text) == expected


def test_token_fields_and_spans() -> None:
    text = "RT @SNCF: grève #BlackFriday à L’Oréal"
    tokens = tokenize(text)
    assert [(t.norm, t.kind) for t in tokens] == [
        ("rt", "word"),
        ("sncf", "handle"),
        ("greve", "word"),
        ("blackfriday", "hashtag"),
        ("a", "word"),
        ("l", "word"),
        ("oreal", "word"),
    ]
    assert [t.position for t in tokens] == list(range(7))
    handle, tag, oreal = tokens[1], tokens[3], tokens[6]
    assert (handle.surface, handle.start, handle.end) == ("@SNCF", 3, 8)
    assert text[tag.start : tag.end] == "#BlackFriday"
    assert tag.exact == "BlackFriday"
    assert (oreal.surface, oreal.exact) == ("Oréal", "Oréal")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("#SNCF", [("sncf", "hashtag")]),
        ("@SNCF", [("sncf", "handle")]),
        ("#black_friday", [("black_friday", "hashtag")]),  # hashtag bodies keep underscores
        ("@le_monde_", [("le_monde_", "handle")]),
        ("a#b", [("a", "word"), ("b", "word")]),  # not after a word character
        ("me@mail.fr", [("me", "word"), ("mail", "word"), ("fr", "word")]),
        ("##x", [("x", "word")]),
        ("(#Grève)", [("greve", "hashtag")]),
        ("＃ＳＮＣＦ", [("sncf", "hashtag")]),  # full-width sigil
        ("#_ #", []),
        ("#12", [("12", "hashtag")]),
    ],
)
def test_hashtags_and_handles(text: str, kinds: list[tuple[str, str]]) -> None:
    assert [(t.norm, t.kind) for t in tokenize(text)] == kinds


def test_long_tokens_are_truncated_identically() -> None:
    long_word = "a" * 300
    (token,) = tokenize(long_word)
    assert token.norm == "a" * MAX_TOKEN_CHARS
    assert analyze(long_word)[0] == ["a" * MAX_TOKEN_CHARS]
    assert analyze("é" + long_word)[0] == ["e" + "a" * (MAX_TOKEN_CHARS - 1)]


MIXED = st.text(alphabet=st.sampled_from(list("aéEZ_#@＃＠-'’ʼ \u0301ŉ½ﷺ😀\U0001d167İßŒ1x.,\n")), max_size=30)


@settings(max_examples=400)
@given(st.one_of(MIXED, texts()))
def test_analyze_is_the_projection_of_tokenize(text: str) -> None:
    tokens = tokenize(text)
    all_norms, tags, handles = analyze(text)
    assert all_norms == [t.norm for t in tokens]
    assert tags == [t.norm for t in tokens if t.kind == "hashtag"]
    assert handles == [t.norm for t in tokens if t.kind == "handle"]


@settings(max_examples=300)
@given(st.one_of(MIXED, texts()))
def test_token_invariants(text: str) -> None:
    tokens = tokenize(text)
    for i, t in enumerate(tokens):
        assert t.position == i
        assert text[t.start : t.end].replace("ʼ", "'") == t.surface
        assert t.norm
        assert " " not in t.norm
        assert " " not in t.exact
        # normal forms are fixed points: re-tokenising a norm gives back the same single token
        assert [x.norm for x in tokenize(t.norm)] == [t.norm] or t.kind != "word"
        assert [x.exact for x in tokenize(t.exact)] == [t.exact] or t.kind != "word"
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)


@settings(max_examples=300)
@given(st.one_of(MIXED, texts()))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_a_stream_of_new_words_keeps_the_tokenizer_memos_bounded() -> None:
    """Handles, numbers and typos make a stream's vocabulary grow forever: tokenising 60,000 distinct
    accented words, handles and hashtags retains at most what three full memos cost (with the former
    limit of 200,000 entries per memo, ~73 MB here), and tokens are the same after a clear."""
    import tracemalloc

    texts = [
        " ".join(f"télé{k}x @usér{k} #promo_{k}" for k in range(s, s + 100)) for s in range(0, 60_000, 100)
    ]
    first = (tokenize(texts[0]), analyze(texts[0]))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for text in texts:
            tokenize(text)
            analyze(text)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 20_000_000  # three memos of 20,000 entries: ~14 MB
    assert (tokenize(texts[0]), analyze(texts[0])) == first
