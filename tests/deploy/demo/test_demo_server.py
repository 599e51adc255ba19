"""The loopback demo feed server: every feed parses, caching headers, faults, encodings."""

from __future__ import annotations

import calendar
import gzip
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from deploy.demo import DemoServer, items_by_feed, load_demo_items, load_feeds, serve_demo_feeds

NOW = datetime(2025, 11, 22, 18, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with serve_demo_feeds(now=NOW, slow_seconds=5.0) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def test_api_shape(server: DemoServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.port > 0
    assert server.now == NOW
    urls = server.feed_urls()
    assert set(urls) == {feed.slug for feed in load_feeds()}
    assert urls["conso-hebdo"] == f"{server.base_url}/feeds/conso-hebdo.xml"
    faulty = server.feed_urls(include_faulty=True)
    assert set(faulty) - set(urls) == {"malformed", "empty", "slow"}
    assert server.malformed_url.endswith("/feeds/malformed.xml")
    assert server.empty_url.endswith("/feeds/empty.xml")
    assert server.slow_url.endswith("/slow.xml")


def test_every_feed_parses_over_http(server: DemoServer) -> None:
    grouped = items_by_feed()
    feeds = {feed.slug: feed for feed in load_feeds()}
    guids: set[str] = set()
    total = 0
    langs: set[str] = set()
    for slug, url in server.feed_urls().items():
        parsed = feedparser.parse(url)
        assert parsed.get("status") == 200, slug
        assert parsed.bozo == 0, (slug, parsed.get("bozo_exception"))
        expected = grouped[slug]
        assert len(parsed.entries) == len(expected), slug
        assert parsed.version == ("atom10" if feeds[slug].kind == "atom" else "rss20")
        by_id = {entry.id: entry for entry in parsed.entries}
        for item in expected:
            entry = by_id[item.guid]
            assert entry.title == item.title
            assert entry.link == item.resolved_link(feeds[slug])
            assert entry.link.startswith("https://"), "relative links resolve to absolute"
            stamp = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC)
            assert abs(stamp - item.published_at(NOW)) < timedelta(seconds=1)
            if item.author:
                assert entry.author == item.author
        guids.update(by_id)
        total += len(parsed.entries)
        langs.add(feeds[slug].language)
    assert total == len(load_demo_items()) >= 360
    assert len(guids) == total, "guids are unique across feeds"
    assert langs == {"fr", "en"}


def test_brands_present_in_served_feeds(server: DemoServer) -> None:
    text = ""
    for url in server.feed_urls().values():
        for entry in feedparser.parse(url).entries:
            text += f" {entry.title} {entry.get('summary', '')}"
    for name in ("Ferralis", "Laiterie Bonval", "Doux Pâturages", "Nuvia Télécom"):
        assert name in text


def test_relative_links_resolved_by_feedparser(server: DemoServer) -> None:
    relative = [item for item in load_demo_items() if not item.link.startswith("http")]
    assert {item.feed for item in relative} >= {"forum-rouages", "techpulse"}
    forum = feedparser.parse(server.feed_urls()["forum-rouages"])
    assert all(
        entry.link.startswith("https://forum.les-rouages.example/viewtopic.php?") for entry in forum.entries
    )
    blog = feedparser.parse(server.feed_urls()["techpulse"])
    links = {entry.link for entry in blog.entries}
    assert any(link.startswith("https://blog.techpulse.example/posts/") for link in links)
    assert any(link.startswith("https://blog.techpulse.example/archives/") for link in links)
    # Relative URLs inside the HTML are resolved too (phpBB smilies).
    summaries = " ".join(entry.get("summary", "") for entry in forum.entries)
    assert 'src="https://forum.les-rouages.example/images/smilies/' in summaries


def test_iso_8859_1_feed(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["plaintes-express"]
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.headers["content-type"] == "application/rss+xml; charset=ISO-8859-1"
    assert response.content.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert "é".encode("iso-8859-1") in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    parsed = feedparser.parse(url)
    assert parsed.bozo == 0
    assert parsed.encoding.lower() == "iso-8859-1"
    titles = [entry.title for entry in parsed.entries]
    assert parsed.feed.title == "Plaintes Express — vos réclamations en direct"
    assert any("réclamation" in title or "é" in title for title in titles)
    assert any("’" in title for title in titles), "characters outside Latin-1 survive as references"
    expected = {item.title for item in items_by_feed()["plaintes-express"]}
    assert set(titles) == expected


def test_content_types_and_validators(server: DemoServer, client: httpx.Client) -> None:
    for feed in load_feeds():
        response = client.get(server.feed_urls()[feed.slug])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(feed.media_type + "; charset=")
        assert response.headers["etag"].startswith('"')
        last_modified = datetime.strptime(response.headers["last-modified"], "%a, %d %b %Y %H:%M:%S GMT")
        newest = min(item.minutes_ago for item in items_by_feed()[feed.slug])
        assert last_modified.replace(tzinfo=UTC) == (NOW - timedelta(minutes=newest)).replace(microsecond=0)
        ET.fromstring(response.content)


def test_conditional_get_etag(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["conso-hebdo"]
    first = client.get(url)
    etag = first.headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    assert changed.content == first.content


def test_conditional_get_last_modified(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["techpulse"]
    first = client.get(url)
    last_modified = first.headers["last-modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    older = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-Modified-Since": last_modified, "If-None-Match": '"nope"'}
    assert client.get(url, headers=both).status_code == 200


def test_feedparser_conditional_get(server: DemoServer) -> None:
    url = server.feed_urls()["pouet-social"]
    first = feedparser.parse(url)
    second = feedparser.parse(url, etag=first.etag, modified=first.modified)
    assert second.status == 304
    assert second.entries == []


def test_gzip_negotiation(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["railfans-community"]
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["vary"] == "Accept-Encoding"
        gz_etag = response.headers["etag"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content
    assert gz_etag != plain.headers["etag"]
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers
    # Either variant's validator revalidates.
    assert client.get(url, headers={"If-None-Match": gz_etag}).status_code == 304


def test_head(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["courrier-du-val"]
    head = client.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(
        client.get(url, headers={"Accept-Encoding": "identity"}).content
    )


def test_fault_feeds(server: DemoServer, client: httpx.Client) -> None:
    broken = feedparser.parse(server.malformed_url)
    assert broken.status == 200
    assert broken.bozo == 1
    empty = feedparser.parse(server.empty_url)
    assert empty.bozo == 0
    assert empty.entries == []
    missing = client.get(server.url("/feeds/unknown.xml"))
    assert missing.status_code == 404
    assert client.get(server.url("/nothing")).status_code == 404
    assert client.get(server.feed_urls()["techpulse"] + "?utm_source=x").status_code == 200


def test_slow_feed_times_out_and_server_stops_promptly() -> None:
    with serve_demo_feeds(now=NOW, slow_seconds=30.0) as slow_server:
        assert slow_server.slow_seconds == 30.0
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException):
            httpx.get(slow_server.slow_url, timeout=0.5)
        assert time.monotonic() - started < 5
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 5, "leaving the block interrupts the slow handler"


def test_slow_feed_answers_after_delay() -> None:
    with serve_demo_feeds(now=NOW, slow_seconds=0.3) as quick:
        started = time.monotonic()
        response = httpx.get(quick.slow_url, timeout=5)
        assert time.monotonic() - started >= 0.3
        assert response.status_code == 200
        assert feedparser.parse(response.content).bozo == 0


def test_index_and_opml(server: DemoServer, client: httpx.Client) -> None:
    index = client.get(server.url("/")).json()
    assert index["feeds"] == server.feed_urls()
    assert index["faulty"]["slow"] == server.slow_url
    opml = ET.fromstring(client.get(server.opml_url).content)
    outlines = opml.findall("./body/outline")
    assert {outline.get("xmlUrl") for outline in outlines} == set(server.feed_urls().values())


def test_request_log(server: DemoServer, client: httpx.Client) -> None:
    url = server.feed_urls()["trustcrate-reviews"]
    etag = client.get(url).headers["etag"]
    client.get(url, headers={"If-None-Match": etag})
    path = urlsplit(url).path
    records = [record for record in server.requests() if record.path == path]
    assert records[-1].status == 304
    assert records[-1].if_none_match == etag
    assert records[-2].status == 200


def test_items_override_and_default_now() -> None:
    subset = [item for item in load_demo_items() if item.feed == "techpulse"][:3]
    before = datetime.now(UTC).replace(microsecond=0)
    with serve_demo_feeds(items=subset) as small:
        assert before <= small.now <= datetime.now(UTC)
        assert len(feedparser.parse(small.feed_urls()["techpulse"]).entries) == 3
        assert feedparser.parse(small.feed_urls()["conso-hebdo"]).entries == []


def test_arguments_validated() -> None:
    with pytest.raises(ValueError, match="loopback"), serve_demo_feeds(host="0.0.0.0"):
        pass
    with pytest.raises(ValueError, match="timezone-aware"), serve_demo_feeds(now=datetime(2025, 1, 1)):
        pass
    with pytest.raises(ValueError, match="slow_seconds"), serve_demo_feeds(slow_seconds=-1):
        pass
