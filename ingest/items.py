"""Small pure helpers shared by the JSON connectors' parsers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ingest.page import Reject
from ingest.text import html_to_text, truncate
from schemas.mention import RawMention


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 string or Unix seconds → aware UTC datetime; ``None`` if absent or unreadable."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), UTC)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def count(value: Any) -> int | None:
    """A non-negative count, or ``None`` when absent/invalid."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def body_text(markup: str | None, limit: int) -> tuple[str, bool]:
    """HTML (or plain text) → clean text cut to ``limit``; returns (text, truncated)."""
    return truncate(html_to_text(markup), limit)


def dump(item: Any) -> bytes:
    """The raw bytes of a JSON item, for a dead letter."""
    return json.dumps(item, ensure_ascii=False, default=str).encode()


def clip(value: Any, limit: int) -> str | None:
    """``value`` as a stripped string of at most ``limit`` chars, ``None`` if empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] or None


class Deleted(Exception):
    """The item was deleted or removed at the source: skipped and counted, not dead-lettered."""


def convert_all(
    items: list[Any], convert: Callable[[Any], RawMention], where: Callable[[Any, int], str]
) -> tuple[list[RawMention], list[Reject], int]:
    """Apply ``convert(item) -> RawMention`` to each item; returns (mentions, rejects, deleted count).
    A failing item becomes a :class:`Reject` and never stops the others."""
    mentions: list[RawMention] = []
    rejects: list[Reject] = []
    deleted = 0
    for position, item in enumerate(items):
        try:
            mentions.append(convert(item))
        except Deleted:
            deleted += 1
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = f"{type(exc).__name__}: {exc}"[:1000]
            rejects.append(Reject(reason, dump(item), where(item, position)))
    return mentions, rejects, deleted
