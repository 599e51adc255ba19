"""The pure feed renderers: validity, escaping, dates, encodings, relative links."""

from __future__ import annotations

import calendar
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import pytest

from deploy.demo import (
    DemoFeed,
    DemoItem,
    items_by_feed,
    load_feeds,
    render_atom,
    render_empty,
    render_feed,
    render_malformed,
    render_rss,
)
from deploy.demo.render import rfc822, rfc3339

NOW = datetime(2025, 11, 22, 18, 30, 15, tzinfo=UTC)

NASTY_TITLE = "Bonval & Cie <script>alert('x')</script> « ça » l’équipe \"quoted\" ]]> 🚨"
NASTY_HTML = (
    '<p>Prix &amp; conditions : <b>d&eacute;j&agrave;</b> ]]> fin <a href="/relatif?a=1&amp;b=2">lien</a></p>'
)


def _feed(kind: str, **overrides: object) -> DemoFeed:
    data: dict[str, object] = {
        "slug": "essai",
        "title": "Flux d’essai & co",
        "kind": kind,
        "source_type": "news",
        "language": "fr",
        "site_url": "https://www.essai.example/",
        "description": "Un flux <pour> les tests",
    }
    data.update(overrides)
    return DemoFeed.model_validate(data)


def _item(**overrides: object) -> DemoItem:
    data: dict[str, object] = {
        "feed": "essai",
        "guid": "essai-1",
        "minutes_ago": 90.5,
        "title": NASTY_TITLE,
        "html": NASTY_HTML,
        "content_html": NASTY_HTML + "<p>suite</p>",
        "author": "Zoë l’Hôte-Dupré",
        "link": "articles/1?x=1&y=2",
        "categories": ["Rappels & alertes"],
        "lang": "fr",
        "brands": ["bonval"],
        "sentiment": "negative",
        "scenario": "background",
    }
    data.update(overrides)
    return DemoItem.model_validate(data)


def _parse(document: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
@pytest.mark.parametrize("cdata", [True, False])
def test_escaping_round_trip(kind: str, encoding: str, cdata: bool) -> None:
    feed = _feed(kind, encoding=encoding, xml_base="https://www.essai.example/base/", cdata_content=cdata)
    item = _item()
    document = render_feed(feed, [item], NOW)
    ET.fromstring(document)  # well-formed XML
    assert document.startswith(f'<?xml version="1.0" encoding="{encoding.upper()}"?>'.encode("ascii"))
    parsed = _parse(document)
    assert parsed.feed.title == feed.title
    (entry,) = parsed.entries
    assert entry.title == NASTY_TITLE
    assert entry.author == item.author
    assert entry.link == "https://www.essai.example/base/articles/1?x=1&y=2"
    assert entry.tags[0].term == "Rappels & alertes"
    # The HTML arrives as the original HTML (feedparser resolves its relative URLs).
    assert entry.summary == NASTY_HTML.replace('"/relatif', '"https://www.essai.example/relatif')
    assert "<script>" not in document.decode(encoding)
    assert entry.content[0].value.endswith(
        ']]> fin <a href="https://www.essai.example/relatif?a=1&amp;b=2">lien</a></p><p>suite</p>'
    )


def test_rss_structure() -> None:
    feed = _feed("rss", cdata_content=True)
    items = [
        _item(guid="https://www.essai.example/a", link="https://www.essai.example/a", minutes_ago=5),
        _item(guid="essai-2", link="https://www.essai.example/b", minutes_ago=1, content_html=None, html=""),
    ]
    document = render_rss(feed, items, NOW)
    text = document.decode("utf-8")
    assert "<![CDATA[" in text
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in text
    assert 'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in text
    root = ET.fromstring(document)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    entries = root.findall("./channel/item")
    assert [entry.findtext("guid") for entry in entries] == ["essai-2", "https://www.essai.example/a"]
    guids = [entry.find("guid") for entry in entries]
    assert [guid.get("isPermaLink") for guid in guids if guid is not None] == ["false", "true"]
    assert entries[0].find("description") is None, "title-only item"
    assert entries[1].findtext("pubDate") == "Sat, 22 Nov 2025 18:25:15 GMT"
    creator = entries[1].findtext("{http://purl.org/dc/elements/1.1/}creator")
    assert creator == "Zoë l’Hôte-Dupré"


def test_atom_structure_and_xml_base() -> None:
    feed = _feed("atom", xml_base="https://blog.essai.example/", utc_offset="+02:00", language="en")
    items = [
        _item(guid="tag:essai,2025:1", link="posts/un", lang="en"),
        _item(
            guid="tag:essai,2025:2",
            link="deux.html",
            xml_base="https://blog.essai.example/archives/",
            lang="en",
        ),
        _item(guid="tag:essai,2025:3", link="https://ailleurs.example/trois", lang="en"),
    ]
    document = render_atom(feed, items, NOW)
    assert b'<feed xmlns="http://www.w3.org/2005/Atom"' in document
    assert b'xml:base="https://blog.essai.example/"' in document
    parsed = _parse(document)
    assert parsed.version == "atom10"
    links = sorted(entry.link for entry in parsed.entries)
    assert links == [
        "https://ailleurs.example/trois",
        "https://blog.essai.example/archives/deux.html",
        "https://blog.essai.example/posts/un",
    ]
    assert parsed.entries[0].published == "2025-11-22T18:59:45+02:00"
    published = parsed.entries[0].published_parsed
    assert datetime.fromtimestamp(calendar.timegm(published), UTC) == NOW - timedelta(minutes=90.5)


def test_date_formats() -> None:
    paris = timezone(timedelta(hours=1))
    assert rfc822(NOW) == "Sat, 22 Nov 2025 18:30:15 GMT"
    assert rfc822(NOW, paris) == "Sat, 22 Nov 2025 19:30:15 +0100"
    assert rfc3339(NOW) == "2025-11-22T18:30:15Z"
    assert rfc3339(NOW, paris) == "2025-11-22T19:30:15+01:00"


def test_iso_8859_1_uses_character_references_outside_latin1() -> None:
    feed = _feed("rss", encoding="iso-8859-1")
    document = render_rss(feed, [_item(title="Déçu de l’équipe 😡 — vraiment")], NOW)
    assert "é".encode("iso-8859-1") in document
    assert b"&#8217;" in document
    assert b"&#128545;" in document
    assert _parse(document).entries[0].title == "Déçu de l’équipe 😡 — vraiment"


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_rss(_feed("rss"), [_item()], datetime(2025, 1, 1))


def test_every_bundled_feed_renders_valid() -> None:
    grouped = items_by_feed()
    for feed in load_feeds():
        document = render_feed(feed, grouped[feed.slug], NOW)
        parsed = _parse(document)
        assert len(parsed.entries) == len(grouped[feed.slug])
        assert parsed.version == ("atom10" if feed.kind == "atom" else "rss20")


def test_rendering_is_deterministic() -> None:
    feed = next(feed for feed in load_feeds() if feed.cdata_content)
    items = items_by_feed()[feed.slug]
    assert render_feed(feed, items, NOW) == render_feed(feed, items, NOW)


def test_empty_and_malformed() -> None:
    empty = _parse(render_empty(NOW))
    assert empty.entries == []
    assert empty.feed.title
    broken = feedparser.parse(render_malformed())
    assert broken.bozo
    with pytest.raises(ET.ParseError):
        ET.fromstring(render_malformed())


def test_invalid_xml_characters_rejected_at_load() -> None:
    with pytest.raises(ValueError, match="XML"):
        _item(title="bell \x07")
    assert re.fullmatch(r"[a-z-]+", _feed("rss").slug)
