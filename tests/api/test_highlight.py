"""Highlights computed in Python from the query language's explanation and our own analysis (pure)."""

from __future__ import annotations

from api.services.highlight import Highlighter, fragments, merge, render
from ecoute.query import parse

SRC = {
    "title": "Grève chez Ferralis",
    "text": "Les grèves de Ferralis <b>annulent</b> des trains à Lyon.",
    "lang": "fr",
    "source_type": "feed",
    "source_id": "x",
}


def test_query_highlights_are_the_matchers_spans_and_escape_html() -> None:
    out = Highlighter(parse("ferralis"), None).highlight(SRC)
    assert out["title"] == ["Grève chez <mark>Ferralis</mark>"]
    assert out["text"] == [
        "Les grèves de <mark>Ferralis</mark> &lt;b&gt;annulent&lt;/b&gt; des trains à Lyon."
    ]
    assert Highlighter(parse("NOT spam"), None).highlight(SRC) == {}  # matched through a negation only
    assert Highlighter(parse("sncf"), None).highlight(SRC) == {}


def test_free_text_highlights_follow_the_stemming() -> None:
    out = Highlighter(None, "grève trains").highlight(SRC)
    assert out["title"] == ["<mark>Grève</mark> chez Ferralis"]
    assert "<mark>grèves</mark>" in out["text"][0] and "<mark>trains</mark>" in out["text"][0]
    english = {**SRC, "lang": "en", "title": None, "text": "Bonval recalled yogurts"}
    assert Highlighter(None, "recall").highlight(english) == {
        "text": ["Bonval <mark>recalled</mark> yogurts"]
    }


def test_no_query_no_highlights() -> None:
    h = Highlighter(None, None)
    assert not h.active and h.highlight(SRC) == {}


def test_fragments_are_bounded_and_marked_with_ellipses() -> None:
    text = ("bla " * 100) + "cible" + (" bla" * 100)
    (frag,) = fragments(text, [(400, 405)])
    assert frag.startswith("…") and frag.endswith("…") and "<mark>cible</mark>" in frag and len(frag) < 220
    assert merge([(5, 8), (0, 3), (2, 4)]) == [(0, 4), (5, 8)]
    assert render("a<b", 0, 3, [(1, 2)]) == "a<mark>&lt;</mark>b"
    many = fragments(text, [(0, 3), (400, 405), (790, 793)])
    assert len(many) == 2
