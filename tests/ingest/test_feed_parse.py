from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest

from ecoute.evaldata import eval_dir
from ingest.feeds.parse import parse_feed
from schemas.common import SourceType

EVAL_FEEDS = eval_dir() / "feeds"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Conso</title>
<language>fr</language>
<item><title>Rappel &amp; retrait</title><link>/articles/1</link><guid>g-1</guid>
<description><![CDATA[<p>La <b>Laiterie Bonval</b> rappelle des yaourts.</p>]]></description>
<dc:creator>Claire</dc:creator><pubDate>Sun, 22 Nov 2026 09:15:00 +0100</pubDate><category>rappel</category></item>
<item><title>Sans date ni guid</title><link>https://conso.example/2</link></item>
</channel></rss>"""


def test_rss_items_become_mentions() -> None:
    parsed = parse_feed(RSS, source_id="conso", url="https://conso.example/feed.xml", fetched_at=NOW)
    assert parsed.problem is None and not parsed.rejected
    first, second = parsed.mentions
    assert first.title == "Rappel & retrait"
    assert first.text == "La Laiterie Bonval rappelle des yaourts."
    assert first.url == "https://conso.example/articles/1"  # relative link resolved
    assert first.author is not None and first.author.name == "Claire"
    assert first.published_at == datetime(2026, 11, 22, 8, 15, tzinfo=UTC)
    assert first.lang_hint == "fr" and first.tags == ("rappel",)
    assert second.published_at_estimated and second.published_at == NOW


def test_same_item_same_id_across_fetches() -> None:
    a = parse_feed(RSS, source_id="conso", url="https://conso.example/feed.xml", fetched_at=NOW)
    b = parse_feed(RSS, source_id="conso", url="https://conso.example/feed.xml", fetched_at=datetime.now(UTC))
    assert [m.id for m in a.mentions] == [m.id for m in b.mentions]
    forum = parse_feed(RSS, source_id="conso", source_type=SourceType.FORUM, fetched_at=NOW)
    assert forum.mentions[0].id != a.mentions[0].id


def test_text_is_capped_and_flagged() -> None:
    big = (
        b"<rss version='2.0'><channel><item><guid>x</guid><description>"
        + b"mot " * 10_000
        + b"</description></item></channel></rss>"
    )
    (m,) = parse_feed(big, source_id="s", max_text_chars=1000, fetched_at=NOW).mentions
    assert m.truncated and len(m.text) <= 1000


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00\xff\xfe",
        b"<html><body>not a feed",
        b"<rss><channel><item>",
        "<rss><channel><item><title>caf\u00e9</title></item></channel></rss>".encode("latin-1"),
    ],
)
def test_garbage_never_raises(garbage: bytes) -> None:
    parsed = parse_feed(garbage, source_id="s", fetched_at=NOW)
    assert isinstance(parsed.mentions, list)


@pytest.mark.skipif(not EVAL_FEEDS.is_dir(), reason="../shared/eval/feeds not present")
def test_eval_feed_corpus_parses_and_wellformed_cases_yield_all_items() -> None:
    files = [p for p in sorted(EVAL_FEEDS.rglob("*")) if p.is_file()]
    assert len(files) > 900
    missing = []
    for path in files:
        parsed = parse_feed(
            path.read_bytes(), source_id="eval", url=f"http://example.org/{path.name}", fetched_at=NOW
        )
        if "wellformed" in path.parts:
            expected = len(feedparser.parse(path.read_bytes()).entries)
            if len(parsed.mentions) != expected:
                missing.append((path.name, expected, len(parsed.mentions)))
    assert missing == []
