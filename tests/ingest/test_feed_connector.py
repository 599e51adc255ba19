"""The RSS/Atom connector against a local HTTP server: conditional GET, dedup by guid, edits, gzip,
encodings, empty feeds, 429/5xx with Retry-After, robots.txt, SSRF guard, dead letters."""

from __future__ import annotations

import gzip

from aiohttp import web

from ingest.sources import FeedSourceConfig
from tests.ingest.helpers import harness, serve


def rss(*items: tuple[str, str], encoding: str = "utf-8") -> bytes:
    body = "".join(
        f"<item><title>{title}</title><guid>{guid}</guid><link>/p/{guid}</link>"
        f"<description>&lt;p&gt;{title} : détails&lt;/p&gt;</description></item>"
        for guid, title in items
    )
    doc = f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'
    return doc.encode(encoding)


class Feed:
    """A feed whose content and ETag the test changes; honours If-None-Match."""

    def __init__(self, body: bytes, etag: str = '"v1"') -> None:
        self.body, self.etag = body, etag

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == self.etag:
            return web.Response(status=304, headers={"ETag": self.etag})
        return web.Response(body=self.body, content_type="application/rss+xml", headers={"ETag": self.etag})


async def test_conditional_get_dedup_by_guid_and_edits() -> None:
    feed = Feed(rss(("g1", "Premier"), ("g2", "Deuxième")))
    async with serve({"/feed.xml": feed.handle}) as server:
        h = harness([FeedSourceConfig(id="f", url=f"{server.base_url}/feed.xml")])
        (first,) = await h.ingestor.run_once()
        assert (first.produced, first.new, first.error) == (2, 2, None)
        cursor = h.store.cursors["f"]
        assert cursor.position is not None and cursor.position.etag == '"v1"'  # type: ignore[union-attr]

        (second,) = await h.ingestor.run_once()
        assert second.not_modified and second.produced == 0
        assert server.requests[-1].headers["If-None-Match"] == '"v1"'

        feed.body, feed.etag = rss(("g3", "Troisième"), ("g1", "Premier corrigé"), ("g2", "Deuxième")), '"v2"'
        (third,) = await h.ingestor.run_once()
        assert (third.new, third.edited, third.duplicates, third.produced) == (1, 1, 1, 2)
    titles = [m.title for m in h.mentions()]
    assert titles == ["Premier", "Deuxième", "Troisième", "Premier corrigé"]
    ids = [m.id for m in h.mentions()]
    assert ids[0] == ids[3]  # the edit replaces the same mention downstream
    assert h.mentions()[0].url == f"{server.base_url}/p/g1"
    totals = h.store.cursors["f"].totals
    assert (totals.new, totals.edited, totals.duplicates, totals.polls) == (3, 1, 1, 3)


async def test_gzip_content_encoding_and_gzip_file_bodies() -> None:
    body = rss(("z1", "Compressé"))

    async def encoded(_r: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(body), headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"}
        )

    async def gz_file(_r: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(rss(("z2", "Fichier gz"))), content_type="application/gzip")

    async with serve({"/a.xml": encoded, "/b.xml.gz": gz_file}) as server:
        h = harness(
            [
                FeedSourceConfig(id="a", url=f"{server.base_url}/a.xml"),
                FeedSourceConfig(id="b", url=f"{server.base_url}/b.xml.gz"),
            ]
        )
        reports = await h.ingestor.run_once()
    assert [r.error for r in reports] == [None, None]
    assert sorted(m.title or "" for m in h.mentions()) == ["Compressé", "Fichier gz"]


async def test_gzip_bomb_is_refused_by_the_size_limit() -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000 + b"</rss>")

    async def handler(_r: web.Request) -> web.Response:
        return web.Response(body=bomb, content_type="application/gzip")

    async with serve({"/bomb.gz": handler}) as server:
        h = harness([FeedSourceConfig(id="bomb", url=f"{server.base_url}/bomb.gz")], max_feed_bytes=1_000_000)
        (report,) = await h.ingestor.run_once()
    assert report.error is not None and "too large" in report.error


async def test_non_utf8_feeds_by_header_and_by_declaration() -> None:
    latin1 = rss(("l1", "Café crème à Noël"), encoding="iso-8859-1")
    cp1252 = rss(("w1", "L’œuvre “citée”"), encoding="windows-1252")

    async def by_header(_r: web.Request) -> web.Response:
        return web.Response(
            body=latin1.replace(b' encoding="iso-8859-1"', b""),
            headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"},
        )

    async def by_declaration(_r: web.Request) -> web.Response:
        return web.Response(body=cp1252, headers={"Content-Type": "application/xml"})

    async with serve({"/l.xml": by_header, "/w.xml": by_declaration}) as server:
        h = harness(
            [
                FeedSourceConfig(id="l", url=f"{server.base_url}/l.xml"),
                FeedSourceConfig(id="w", url=f"{server.base_url}/w.xml"),
            ]
        )
        await h.ingestor.run_once()
    by_source = {m.source_id: m for m in h.mentions()}
    assert by_source["l"].title == "Café crème à Noël"
    assert by_source["w"].title == "L’œuvre “citée”"
    assert by_source["w"].text == "L’œuvre “citée” : détails"


async def test_empty_feed_and_empty_entry_go_to_the_dead_letter_topic() -> None:
    async def empty(_r: web.Request) -> web.Response:
        return web.Response(body=rss(), content_type="application/rss+xml")

    async def with_empty_item(_r: web.Request) -> web.Response:
        doc = b"<rss version='2.0'><channel><item></item><item><guid>ok</guid><title>Bon</title></item></channel></rss>"
        return web.Response(body=doc, content_type="application/rss+xml")

    async with serve({"/empty.xml": empty, "/holes.xml": with_empty_item}) as server:
        h = harness(
            [
                FeedSourceConfig(id="empty", url=f"{server.base_url}/empty.xml"),
                FeedSourceConfig(id="holes", url=f"{server.base_url}/holes.xml"),
            ]
        )
        empty_report, holes = await h.ingestor.run_once()
    assert (empty_report.items, empty_report.error) == (0, None)
    assert (holes.produced, holes.rejected) == (1, 1)
    (letter,) = h.dead_letters()
    assert letter.stage == "ingest" and "empty entry" in letter.reason and letter.source is not None
    assert letter.source.startswith("holes ")


async def test_429_and_503_are_retried_honouring_retry_after() -> None:
    calls = {"n": 0}

    async def flaky(_r: web.Request) -> web.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return web.Response(status=429, headers={"Retry-After": "0"})
        if calls["n"] == 2:
            return web.Response(status=503)
        return web.Response(body=rss(("r1", "Enfin")), content_type="application/rss+xml")

    async with serve({"/flaky.xml": flaky}) as server:
        h = harness([FeedSourceConfig(id="flaky", url=f"{server.base_url}/flaky.xml")])
        (report,) = await h.ingestor.run_once()
    assert report.produced == 1 and calls["n"] == 3


async def test_a_long_retry_after_postpones_the_poll_instead_of_sleeping_in_it() -> None:
    async def down(_r: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "120"})

    async with serve({"/down.xml": down}) as server:
        h = harness([FeedSourceConfig(id="down", url=f"{server.base_url}/down.xml", respect_robots=False)])
        (report,) = await h.ingestor.run_once()
        assert server.paths() == ["/down.xml"]  # not hammered
    assert report.error is not None and "wait" in report.error
    assert report.retry_after_s is not None and 100 < report.retry_after_s <= 120
    assert h.ingestor.next_delay(h.ingestor.sources[0], report) >= report.retry_after_s
    cursor = h.store.cursors["down"]
    assert cursor.last_error == report.error and cursor.totals.errors == 1 and cursor.last_success_at is None


async def test_robots_txt_is_obeyed() -> None:
    async def robots(_r: web.Request) -> web.Response:
        return web.Response(text="User-agent: ecoute\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n")

    async def feed(_r: web.Request) -> web.Response:
        return web.Response(body=rss(("p", "Public")), content_type="application/rss+xml")

    async with serve({"/robots.txt": robots, "/private/feed.xml": feed, "/public/feed.xml": feed}) as server:
        h = harness(
            [
                FeedSourceConfig(id="priv", url=f"{server.base_url}/private/feed.xml"),
                FeedSourceConfig(id="pub", url=f"{server.base_url}/public/feed.xml"),
            ]
        )
        priv, pub = await h.ingestor.run_once()
        assert priv.error is not None and "robots.txt" in priv.error
        assert pub.produced == 1
        assert "/private/feed.xml" not in server.paths()
        assert server.paths().count("/robots.txt") == 1  # cached per origin


async def test_unreachable_robots_txt_disallows_and_missing_one_allows() -> None:
    async def broken(_r: web.Request) -> web.Response:
        return web.Response(status=500)

    async def feed(_r: web.Request) -> web.Response:
        return web.Response(body=rss(("x", "X")), content_type="application/rss+xml")

    async with serve({"/robots.txt": broken, "/feed.xml": feed}) as server:
        h = harness([FeedSourceConfig(id="f", url=f"{server.base_url}/feed.xml")])
        (report,) = await h.ingestor.run_once()
        assert report.error is not None and "/feed.xml" not in server.paths()
    async with serve({"/feed.xml": feed}) as server:  # no robots.txt: 404, everything allowed
        h = harness([FeedSourceConfig(id="f", url=f"{server.base_url}/feed.xml")])
        (report,) = await h.ingestor.run_once()
        assert report.produced == 1


async def test_private_addresses_are_refused_unless_allowed() -> None:
    h = harness([FeedSourceConfig(id="f", url="http://127.0.0.1:9/feed.xml", respect_robots=False)])
    h.ingestor.settings = h.settings.model_copy(update={"allow_private_urls": False})
    (report,) = await h.ingestor.run_once()
    assert report.error is not None and report.error.startswith("refused URL")
