"""Entities every mention gets cheaply: hashtags, @handles, links and their domains. Pure.

People, organisations and places (spaCy) are added by :mod:`enrich.ner`, only where worth the cost.
"""

from __future__ import annotations

import re

from schemas.mention import Entity
from schemas.urls import site_host

_LINK = re.compile(r"https?://[^\s<>\"'\])}]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&])#(\w*[^\W\d_]\w*)", re.UNICODE)
_HANDLE = re.compile(r"(?<![\w@/])@(\w[\w.]*\w|\w)(@[a-z0-9.-]+\.[a-z]{2,})?", re.UNICODE | re.IGNORECASE)
_TRAILING = ".,;:!?…"
MAX_PER_KIND = 50


def _domain(url: str) -> str | None:
    host = site_host(url)
    return host if host and "." in host else None


def extract_entities(text: str, url: str | None = None) -> list[Entity]:
    """Hashtags (``#word``), handles (``@user`` or ``@user@instance``), links and domains (from the
    links and from the mention's own URL), deduplicated case-insensitively, in order of appearance."""
    found: list[Entity] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str) -> None:
        key = (kind, value.casefold())
        if key not in seen and sum(1 for e in found if e.kind == kind) < MAX_PER_KIND:
            seen.add(key)
            found.append(Entity.model_validate({"kind": kind, "text": value}))

    links = [m.group(0).rstrip(_TRAILING) for m in _LINK.finditer(text)]
    stripped = _LINK.sub(" ", text)
    for m in _HASHTAG.finditer(stripped):
        add("hashtag", "#" + m.group(1))
    for m in _HANDLE.finditer(stripped):
        add("handle", "@" + m.group(1) + (m.group(2) or ""))
    for link in links:
        add("link", link)
    for candidate in [*links, *([url] if url else [])]:
        domain = _domain(candidate)
        if domain:
            add("domain", domain)
    return found
