"""Typed access to the bundled demo data (feeds, items, authors, brands).

The data lives next to this module as plain files so that it can be reviewed and edited without
touching code:

* ``feeds.json`` — one object per feed (:class:`DemoFeed`);
* ``items/<feed_slug>.jsonl`` — one JSON object per line (:class:`DemoItem`, without ``feed``:
  the feed is the file name);
* ``authors.json`` — author name (exactly as in the items' ``author``) → follower count. This is
  not a standard RSS/Atom field, so it is shipped out of band instead of in the feeds;
* ``brands.json`` — the fictional brands, their aliases and a suggested Boolean query
  (:class:`DemoBrand`).

Every item also carries ground-truth labels (``lang``, ``brands``, ``sentiment``, ``scenario``)
that are *not* rendered into the feeds; tests and evaluations can compare the pipeline's
enrichment against them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "BRAND_SLUGS",
    "DemoBrand",
    "DemoFeed",
    "DemoItem",
    "demo_authors",
    "demo_brands",
    "items_by_feed",
    "load_demo_items",
    "load_feeds",
]

BrandSlug = Literal["ferralis", "bonval", "doux-paturages", "nuvia"]
"""Slug of one of the fictional brands of the demo."""

BRAND_SLUGS: tuple[BrandSlug, ...] = ("ferralis", "bonval", "doux-paturages", "nuvia")
"""All brand slugs, in a stable order."""

Scenario = Literal["crisis", "spike", "baseline", "background"]
"""Which part of the alert scenario an item belongs to.

* ``crisis``: the Laiterie Bonval product recall, within the last ~50 minutes;
* ``spike``: the Ferralis strike, ~60 items within the last 15 minutes;
* ``baseline``: the steady ~1 item/hour Ferralis chatter before the spike;
* ``background``: everything else, spread over the past 3 days.
"""

Sentiment = Literal["negative", "neutral", "positive"]

# Characters that XML 1.0 forbids (C0 controls except tab/newline/carriage return, surrogates,
# U+FFFE/U+FFFF). Rejected at load time so that rendering can never produce an invalid document.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_UTC_OFFSET = re.compile(r"^[+-](?:0\d|1[0-4]):[0-5]\d$")


def _check_xml_text(value: str) -> str:
    if _XML_ILLEGAL.search(value):
        raise ValueError("text contains characters that are not allowed in XML 1.0")
    return value


class DemoFeed(BaseModel):
    """One demo feed, as described in ``feeds.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str = Field(description="URL-safe identifier; served at /feeds/<slug>.xml")
    title: str
    kind: Literal["rss", "atom"] = Field(description="rss = RSS 2.0, atom = Atom 1.0")
    source_type: Literal[
        "news", "regional_news", "blog", "forum", "complaints", "reviews", "social", "community"
    ]
    language: Literal["fr", "en"]
    site_url: str = Field(description="Absolute URL of the (fictional) web site")
    description: str
    encoding: Literal["utf-8", "iso-8859-1"] = "utf-8"
    utc_offset: str = Field(default="+00:00", description="Offset used to write dates, e.g. +02:00")
    xml_base: str | None = Field(
        default=None, description="xml:base written on the channel/feed; relative item links use it"
    )
    cdata_content: bool = Field(
        default=False, description="Write RSS content:encoded as a CDATA section (UTF-8 feeds only)"
    )

    @field_validator("slug")
    @classmethod
    def _slug_ok(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"invalid feed slug {value!r}")
        return value

    @field_validator("utc_offset")
    @classmethod
    def _offset_ok(cls, value: str) -> str:
        if not _UTC_OFFSET.match(value):
            raise ValueError(f"invalid UTC offset {value!r}, expected +HH:MM")
        return value

    @field_validator("title", "description")
    @classmethod
    def _xml_ok(cls, value: str) -> str:
        return _check_xml_text(value)

    @property
    def base_url(self) -> str:
        """The URL relative item links are resolved against (``xml_base`` or ``site_url``)."""
        return self.xml_base or self.site_url

    @property
    def media_type(self) -> str:
        """The HTTP media type the feed is served with (without charset)."""
        return "application/atom+xml" if self.kind == "atom" else "application/rss+xml"


class DemoItem(BaseModel):
    """One demo item (an article, forum post, social post, review...).

    ``minutes_ago`` is relative to the serving time ``now``: the item is published at
    ``now - minutes_ago``. ``html`` is the description/summary and may contain HTML (it is
    escaped when rendered, as feeds require); ``content_html`` is an optional full body
    (``content:encoded`` in RSS, ``<content type="html">`` in Atom). ``link`` may be relative;
    see :meth:`resolved_link`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    feed: str = Field(description="Slug of the feed the item belongs to (the JSONL file name)")
    guid: str = Field(min_length=1, description="Stable identifier, unique across all feeds")
    minutes_ago: float = Field(ge=0, le=60 * 24 * 4)
    title: str = Field(min_length=1)
    html: str = ""
    content_html: str | None = None
    author: str | None = None
    link: str = Field(min_length=1)
    xml_base: str | None = Field(default=None, description="Entry-level xml:base (absolute), Atom only")
    categories: tuple[str, ...] = ()
    # Ground-truth labels: never rendered into the feeds.
    lang: Literal["fr", "en"]
    brands: tuple[BrandSlug, ...] = ()
    sentiment: Sentiment
    scenario: Scenario

    @field_validator("guid", "title", "html", "content_html", "author", "link", "xml_base")
    @classmethod
    def _xml_ok(cls, value: str | None) -> str | None:
        return None if value is None else _check_xml_text(value)

    @field_validator("categories")
    @classmethod
    def _categories_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for category in value:
            _check_xml_text(category)
        return value

    def published_at(self, now: datetime) -> datetime:
        """Publication time of the item when the demo is served at ``now``."""
        return now - timedelta(minutes=self.minutes_ago)

    def resolved_link(self, feed: DemoFeed) -> str:
        """The absolute link, as a conforming feed reader resolves it."""
        return urljoin(self.xml_base or feed.base_url, self.link)


class DemoBrand(BaseModel):
    """A fictional brand of the demo, with the terms that identify it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: BrandSlug
    name: str
    sector: str
    aliases: tuple[str, ...] = Field(description="Spellings of the name, as they appear in the items")
    hashtags: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    competitors: tuple[BrandSlug, ...] = ()
    exclude: tuple[str, ...] = Field(default=(), description="Look-alike words that must not match")
    example_query: str = Field(description="A suggested Boolean query (AND/OR/NOT, quoted phrases)")


def _data_dir() -> Traversable:
    return resources.files("deploy.demo")


def _read_json(name: str) -> object:
    return json.loads(_data_dir().joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def _feeds() -> tuple[DemoFeed, ...]:
    raw = _read_json("feeds.json")
    if not isinstance(raw, list):
        raise ValueError("feeds.json must hold a JSON array")
    feeds = tuple(DemoFeed.model_validate(entry) for entry in raw)
    slugs = [feed.slug for feed in feeds]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate feed slug in feeds.json")
    return feeds


def _parse_jsonl(feed_slug: str, lines: Iterable[str]) -> list[DemoItem]:
    items: list[DemoItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"items/{feed_slug}.jsonl:{number}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ValueError(f"items/{feed_slug}.jsonl:{number}: expected a JSON object")
        items.append(DemoItem.model_validate({**raw, "feed": feed_slug}))
    return items


@functools.cache
def _items() -> tuple[DemoItem, ...]:
    items: list[DemoItem] = []
    folder = _data_dir().joinpath("items")
    for feed in _feeds():
        text = folder.joinpath(f"{feed.slug}.jsonl").read_text(encoding="utf-8")
        items.extend(_parse_jsonl(feed.slug, text.splitlines()))
    guids = [item.guid for item in items]
    if len(set(guids)) != len(guids):
        raise ValueError("duplicate guid in the demo items")
    return tuple(items)


def load_feeds() -> list[DemoFeed]:
    """All regular demo feeds, in the order of ``feeds.json``.

    The fault-handling feeds (``malformed``, ``empty``, ``slow``) are not data and are not listed;
    the server provides them.
    """
    return list(_feeds())


def load_demo_items() -> list[DemoItem]:
    """All demo items of all feeds (feeds in ``feeds.json`` order, items in file order)."""
    return list(_items())


def items_by_feed() -> dict[str, list[DemoItem]]:
    """The demo items grouped by feed slug (every feed has an entry)."""
    grouped: dict[str, list[DemoItem]] = {feed.slug: [] for feed in _feeds()}
    for item in _items():
        grouped[item.feed].append(item)
    return grouped


@functools.cache
def _authors() -> tuple[tuple[str, int], ...]:
    raw = _read_json("authors.json")
    if not isinstance(raw, dict):
        raise ValueError("authors.json must hold a JSON object")
    pairs: list[tuple[str, int]] = []
    for name, followers in raw.items():
        if not isinstance(followers, int) or isinstance(followers, bool) or followers < 0:
            raise ValueError(f"authors.json: invalid follower count for {name!r}")
        pairs.append((name, followers))
    return tuple(pairs)


def demo_authors() -> dict[str, int]:
    """Author name → follower count, for the influencer alerts.

    Keys match the items' ``author`` exactly (social handles keep their ``@``). Authors that are
    not listed have no known audience.
    """
    return dict(_authors())


@functools.cache
def _brands() -> tuple[DemoBrand, ...]:
    raw = _read_json("brands.json")
    if not isinstance(raw, list):
        raise ValueError("brands.json must hold a JSON array")
    return tuple(DemoBrand.model_validate(entry) for entry in raw)


def demo_brands() -> list[DemoBrand]:
    """The fictional brands of the demo (with aliases and a suggested Boolean query)."""
    return list(_brands())


def demo_queries() -> list[dict[str, str]]:
    """The demo tenants' Boolean queries (``queries.json``): tenant, id, name, query."""
    raw = _read_json("queries.json")
    if not isinstance(raw, list):
        raise ValueError("queries.json must hold a JSON array")
    return [{str(k): str(v) for k, v in entry.items()} for entry in raw]
