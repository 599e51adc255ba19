"""Pure renderers from demo data to feed documents (RSS 2.0, Atom 1.0) and fault fixtures.

All documents are built with :mod:`xml.etree.ElementTree`, so every piece of item text is escaped
by the serializer (item HTML ends up as escaped text, as RSS ``<description>`` and Atom
``type="html"`` require). The only text written outside the serializer is a ``content:encoded``
CDATA section, whose content is split around any ``]]>`` so that it cannot end the section early.

Dates: RSS uses RFC 822 (``Sat, 22 Nov 2025 18:14:00 +0200``), Atom uses RFC 3339
(``2025-11-22T18:14:00+02:00``), both written in the feed's ``utc_offset``. A feed whose
``encoding`` is ``iso-8859-1`` is encoded as such (characters outside Latin-1, such as ``’`` or
emojis, become numeric character references) and declares it in its XML declaration.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Final

from deploy.demo.data import DemoFeed, DemoItem

__all__ = [
    "ATOM_NS",
    "CONTENT_NS",
    "DC_NS",
    "EMPTY_FEED_TITLE",
    "codec_name",
    "render_atom",
    "render_empty",
    "render_feed",
    "render_malformed",
    "render_opml",
    "render_rss",
    "rfc822",
    "rfc3339",
]

ATOM_NS: Final = "http://www.w3.org/2005/Atom"
DC_NS: Final = "http://purl.org/dc/elements/1.1/"
CONTENT_NS: Final = "http://purl.org/rss/1.0/modules/content/"
_XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
_XML_BASE: Final = f"{{{_XML_NS}}}base"
_XML_LANG: Final = f"{{{_XML_NS}}}lang"
GENERATOR: Final = "ecoute demo feeds"
EMPTY_FEED_TITLE: Final = "Flux vide — aucune publication"

# Standard prefixes (dc is already registered by ElementTree itself).
ET.register_namespace("dc", DC_NS)
ET.register_namespace("content", CONTENT_NS)

_ENCODINGS: Final = {"utf-8": "UTF-8", "iso-8859-1": "ISO-8859-1"}
_LANGUAGES: Final = {"fr": "fr-FR", "en": "en-US"}


def codec_name(feed: DemoFeed) -> str:
    """The IANA name of the feed's encoding, as written in the XML declaration and the charset."""
    return _ENCODINGS[feed.encoding]


def _tz(feed: DemoFeed) -> timezone:
    sign = -1 if feed.utc_offset.startswith("-") else 1
    hours, minutes = feed.utc_offset[1:].split(":")
    offset = timedelta(hours=int(hours), minutes=int(minutes)) * sign
    return UTC if not offset else timezone(offset)


def _check_now(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


def rfc822(moment: datetime, tz: timezone = UTC) -> str:
    """An RFC 822 date-time (as RSS 2.0 wants), ``GMT`` for UTC."""
    local = moment.astimezone(tz).replace(microsecond=0)
    return format_datetime(local, usegmt=tz is UTC)


def rfc3339(moment: datetime, tz: timezone = UTC) -> str:
    """An RFC 3339 date-time (as Atom 1.0 wants), ``Z`` for UTC."""
    text = moment.astimezone(tz).replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + "Z" if tz is UTC else text


def _newest_first(items: Iterable[DemoItem]) -> list[DemoItem]:
    return sorted(items, key=lambda item: (item.minutes_ago, item.guid))


def _serialize(root: ET.Element, feed_encoding: str) -> bytes:
    ET.indent(root, space="  ")
    declaration = f'<?xml version="1.0" encoding="{feed_encoding}"?>\n'.encode("ascii")
    body: bytes = ET.tostring(root, encoding=feed_encoding.lower(), xml_declaration=False)
    return declaration + body + b"\n"


def _cdata(text: str, encoding: str) -> bytes:
    # "]]>" cannot appear inside a CDATA section: close it and reopen it between "]]" and ">".
    return b"<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>").encode(encoding) + b"]]>"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def render_rss(feed: DemoFeed, items: Sequence[DemoItem], now: datetime) -> bytes:
    """An RSS 2.0 document for ``feed`` with ``items`` published relative to ``now``.

    Items are written newest first with ``dc:creator``, ``category``, ``guid`` (``isPermaLink``
    is true exactly when the guid is the item's absolute link), an RFC 822 ``pubDate``, a
    ``description`` when the item has HTML and a ``content:encoded`` when it has a full body (as a
    CDATA section when ``feed.cdata_content`` and the feed is UTF-8). Relative item links are kept
    relative and resolved by readers against the channel's ``xml:base``.
    """
    now = _check_now(now)
    tz = _tz(feed)
    encoding = codec_name(feed)
    ordered = _newest_first(items)

    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    if feed.xml_base:
        channel.set(_XML_BASE, feed.xml_base)
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.site_url)
    _sub(channel, "description", feed.description)
    _sub(channel, "language", _LANGUAGES[feed.language])
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    _sub(channel, "ttl", "15")
    newest = ordered[0].published_at(now) if ordered else now
    _sub(channel, "pubDate", rfc822(newest, tz))
    _sub(channel, "lastBuildDate", rfc822(now, tz))

    use_cdata = feed.cdata_content and encoding == "UTF-8"
    marker = f"ecoute-cdata-{secrets.token_hex(8)}-"
    cdata_blocks: dict[str, str] = {}
    for item in ordered:
        element = _sub(channel, "item")
        _sub(element, "title", item.title)
        _sub(element, "link", item.link)
        permalink = item.guid == item.resolved_link(feed)
        _sub(element, "guid", item.guid, isPermaLink="true" if permalink else "false")
        _sub(element, "pubDate", rfc822(item.published_at(now), tz))
        if item.author:
            _sub(element, f"{{{DC_NS}}}creator", item.author)
        for category in item.categories:
            _sub(element, "category", category)
        if item.html:
            _sub(element, "description", item.html)
        if item.content_html:
            if use_cdata:
                placeholder = f"{marker}{len(cdata_blocks)}"
                cdata_blocks[placeholder] = item.content_html
                _sub(element, f"{{{CONTENT_NS}}}encoded", placeholder)
            else:
                _sub(element, f"{{{CONTENT_NS}}}encoded", item.content_html)

    document = _serialize(rss, encoding)
    for placeholder, text in cdata_blocks.items():
        document = document.replace(placeholder.encode("ascii"), _cdata(text, encoding), 1)
    return document


def render_atom(feed: DemoFeed, items: Sequence[DemoItem], now: datetime) -> bytes:
    """An Atom 1.0 document for ``feed`` with ``items`` published relative to ``now``.

    Entries are written newest first with ``id`` (the guid), an alternate ``link`` (possibly
    relative: the feed's and/or the entry's ``xml:base`` resolve it), RFC 3339 ``published`` and
    ``updated``, ``author``, ``category`` terms, an HTML ``summary`` and, when the item has a full
    body, an HTML ``content``.
    """
    now = _check_now(now)
    tz = _tz(feed)
    encoding = codec_name(feed)
    ordered = _newest_first(items)

    def q(tag: str) -> str:
        # Unqualified names under a literal default-namespace declaration on the root: the output
        # reads <feed xmlns="http://www.w3.org/2005/Atom"> rather than <ns0:feed ...>.
        return tag

    root = ET.Element(q("feed"), {"xmlns": ATOM_NS, _XML_LANG: _LANGUAGES[feed.language]})
    if feed.xml_base:
        root.set(_XML_BASE, feed.xml_base)
    _sub(root, q("id"), feed.site_url)
    _sub(root, q("title"), feed.title, type="text")
    _sub(root, q("subtitle"), feed.description, type="text")
    newest = ordered[0].published_at(now) if ordered else now
    _sub(root, q("updated"), rfc3339(newest, tz))
    _sub(root, q("link"), rel="alternate", type="text/html", href=feed.site_url)
    author = _sub(root, q("author"))
    _sub(author, q("name"), feed.title)
    _sub(root, q("generator"), GENERATOR)

    for item in ordered:
        entry = _sub(root, q("entry"))
        if item.xml_base:
            entry.set(_XML_BASE, item.xml_base)
        _sub(entry, q("id"), item.guid)
        _sub(entry, q("title"), item.title, type="text")
        _sub(entry, q("link"), rel="alternate", type="text/html", href=item.link)
        published = rfc3339(item.published_at(now), tz)
        _sub(entry, q("published"), published)
        _sub(entry, q("updated"), published)
        if item.author:
            entry_author = _sub(entry, q("author"))
            _sub(entry_author, q("name"), item.author)
        for category in item.categories:
            _sub(entry, q("category"), term=category)
        if item.html:
            _sub(entry, q("summary"), item.html, type="html")
        if item.content_html:
            _sub(entry, q("content"), item.content_html, type="html")
    return _serialize(root, encoding)


def render_feed(feed: DemoFeed, items: Sequence[DemoItem], now: datetime) -> bytes:
    """:func:`render_rss` or :func:`render_atom`, depending on ``feed.kind``."""
    if feed.kind == "atom":
        return render_atom(feed, items, now)
    return render_rss(feed, items, now)


def render_empty(now: datetime, *, site_url: str = "https://www.flux-vide.example/") -> bytes:
    """A valid RSS 2.0 document whose channel has no item (fault-handling demo)."""
    feed = DemoFeed(
        slug="empty",
        title=EMPTY_FEED_TITLE,
        kind="rss",
        source_type="news",
        language="fr",
        site_url=site_url,
        description="Ce flux est valide mais ne contient aucun article.",
    )
    return render_rss(feed, [], now)


_MALFORMED: Final = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Le Blog Cassé & associés</title>
<link>https://www.blog-casse.example/</link>
<description>Un flux généré à la main par un CMS capricieux
<item>
<title>Soldes : <b>jusqu'à -70 %</title>
<link>https://www.blog-casse.example/?p=12&cat=3</link>
<description><p>Soupe HTML <br> non fermée, entité inconnue &eacute; et <img src=x></description>
<pubDate>hier soir vers 20h</pubDate>
</item>
<item>
<title>Article tronqu"""


def render_malformed() -> bytes:
    """A deliberately broken feed: HTML soup in XML, bad entities, and truncated mid-element."""
    return _MALFORMED.encode("utf-8")


def render_opml(title: str, feeds: Iterable[tuple[DemoFeed, str]]) -> bytes:
    """An OPML 2.0 subscription list of ``(feed, feed_url)`` pairs."""
    opml = ET.Element("opml", {"version": "2.0"})
    head = _sub(opml, "head")
    _sub(head, "title", title)
    body = _sub(opml, "body")
    for feed, url in feeds:
        _sub(
            body,
            "outline",
            type="rss",
            text=feed.title,
            title=feed.title,
            xmlUrl=url,
            htmlUrl=feed.site_url,
            language=feed.language,
        )
    return _serialize(opml, "UTF-8")
