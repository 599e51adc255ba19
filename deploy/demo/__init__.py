"""Bundled, offline demo data for ecoute and the tiny loopback server that serves it.

The demo corpus is a set of fictional feeds (French and English) about three fictional brands
(Ferralis, Laiterie Bonval with its competitor Doux Pâturages, Nuvia Télécom) plus off-topic
noise. Publication times are stored relative to the serving time (``minutes_ago``), so the alert
scenario (a Laiterie Bonval crisis and a Ferralis volume spike) is always "live".

Public API::

    from deploy.demo import serve_demo_feeds, load_demo_items, load_feeds, demo_authors

    with serve_demo_feeds() as server:
        urls = server.feed_urls()  # {slug: "http://127.0.0.1:PORT/feeds/<slug>.xml"}
"""

from __future__ import annotations

from deploy.demo.data import (
    BRAND_SLUGS,
    DemoBrand,
    DemoFeed,
    DemoItem,
    demo_authors,
    demo_brands,
    demo_queries,
    items_by_feed,
    load_demo_items,
    load_feeds,
)
from deploy.demo.render import render_atom, render_empty, render_feed, render_malformed, render_rss
from deploy.demo.server import DemoServer, serve_demo_feeds

__all__ = [
    "BRAND_SLUGS",
    "DemoBrand",
    "DemoFeed",
    "DemoItem",
    "DemoServer",
    "demo_authors",
    "demo_brands",
    "demo_queries",
    "items_by_feed",
    "load_demo_items",
    "load_feeds",
    "render_atom",
    "render_empty",
    "render_feed",
    "render_malformed",
    "render_rss",
    "serve_demo_feeds",
]
