"""PreparedDoc: one analysis per document, shared by all queries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ecoute.query import MatchableDoc, prepare
from ecoute.query.doc import FIELD_SEPARATOR, POSITION_GAP
from tests.ecoute.query.query_strategies import texts


def test_views_offsets_and_haystack() -> None:
    d = prepare(MatchableDoc(title="SNCF: grève", text="Trains #annulés, merci @SNCF"))
    title, text = d.views
    assert (title.name, title.offset, title.norms) == ("title", 0, ["sncf", "greve"])
    assert (text.name, text.offset) == ("text", 2 + POSITION_GAP)
    assert text.norms == ["trains", "annules", "merci", "sncf"]
    assert d.norm_set == {"sncf", "greve", "trains", "annules", "merci"}
    assert d.tag_set == {"annules"}
    assert d.handle_set == {"sncf"}
    assert d.haystack == " sncf greve " + FIELD_SEPARATOR + " trains annules merci sncf "
    assert d.locate(1) is title
    assert d.locate(text.offset + 3) is text
    assert text.pos == {"trains": [0], "annules": [1], "merci": [2], "sncf": [3]}
    assert text.exacts == ["Trains", "annulés", "merci", "SNCF"]
    assert text.char_span(1, 2) == (7, 15)
    assert d.has_prefix("ann") and not d.has_prefix("xyz")
    assert d.exact_present("SNCF") and not d.exact_present("Sncf")


def test_empty_title_is_ignored_and_metadata_keys_are_lazy() -> None:
    d = prepare(
        MatchableDoc(
            title="",
            text="x",
            author="@LeMonde",
            url="https://www.lemonde.fr",
            lang="fr-CA",
            source="rss:lemonde",
        )
    )
    assert [v.name for v in d.views] == ["text"]
    assert d.views[0].offset == 0
    assert d.author_keys == ("lemonde",)
    assert d.site_keys == ("www.lemonde.fr", "lemonde.fr", "fr")
    assert d.lang_keys == ("fr-ca", "fr")
    assert d.source_keys == ("rss:lemonde", "rss")


@settings(max_examples=200)
@given(title=st.one_of(st.none(), texts()), text=texts())
def test_a_tokenized_preparation_is_the_same_document(title: str | None, text: str) -> None:
    """The index sink prepares with the full tokens first; queries must see the same document."""
    doc = MatchableDoc(title=title, text=text)
    plain, tokenized = prepare(doc), prepare(doc, tokenized=True)
    assert [(v.name, v.offset, v.norms, v.tags, v.handles) for v in tokenized.views] == [
        (v.name, v.offset, v.norms, v.tags, v.handles) for v in plain.views
    ]
    assert (tokenized.norm_set, tokenized.tag_set, tokenized.handle_set, tokenized.haystack) == (
        plain.norm_set,
        plain.tag_set,
        plain.handle_set,
        plain.haystack,
    )
    assert [v.tokens for v in tokenized.views] == [v.tokens for v in plain.views]
