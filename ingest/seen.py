"""Deduplication against the bounded map of recently produced mentions (pure functions).

The map (``SourceCursor.seen``) associates a mention id with a short fingerprint of its content. An item
whose id is absent is *new*; present with the same fingerprint, a *duplicate* (skipped); present with a
different fingerprint, an *edit* (produced again: same id, so it replaces the earlier version downstream).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schemas.mention import RawMention


def fingerprint(mention: RawMention) -> str:
    """12 hex chars identifying the visible content of a mention (title, text, url)."""
    material = f"{mention.title or ''}\x1f{mention.text}\x1f{mention.url or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:12]


@dataclass(slots=True)
class Dedup:
    """What a page holds relative to what was already produced."""

    fresh: list[RawMention] = field(default_factory=list)  # new + edited, in page order
    new: int = 0
    edited: int = 0
    duplicates: int = 0


def dedupe(mentions: Iterable[RawMention], seen: Mapping[str, str]) -> Dedup:
    """Split ``mentions`` into fresh ones (new or edited) and duplicates; repeats within the page count
    as duplicates of their first occurrence."""
    out = Dedup()
    in_page: dict[str, str] = {}
    for mention in mentions:
        fp = fingerprint(mention)
        before = in_page.get(mention.id, seen.get(mention.id))
        if before == fp:
            out.duplicates += 1
            continue
        if before is None:
            out.new += 1
        else:
            out.edited += 1
        in_page[mention.id] = fp
        out.fresh.append(mention)
    return out


def remember(seen: Mapping[str, str], mentions: Iterable[RawMention], capacity: int) -> dict[str, str]:
    """``seen`` with ``mentions`` recorded as most recent (a re-seen id moves to the end), trimmed from
    the oldest end to ``capacity`` — but never below twice the page, so a source whose pages repeat
    (a feed) never forgets an item that is still on it."""
    page = {m.id: fingerprint(m) for m in mentions}
    merged = {k: v for k, v in seen.items() if k not in page}
    merged.update(page)
    limit = max(capacity, 2 * len(page))
    if len(merged) > limit:
        merged = dict(list(merged.items())[len(merged) - limit :])
    return merged
