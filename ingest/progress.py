"""Pure cursor bookkeeping: what a durable page, a failed poll or a success does to a cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ingest.page import Page
from ingest.seen import Dedup, remember
from schemas.cursor import PendingWrite, SourceCursor, SourceTotals
from schemas.source import SourceConfig


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """Counts of one committed page."""

    fetched: int
    new: int
    edited: int
    duplicates: int
    deleted: int
    rejected: int
    mention_ids: tuple[str, ...]  # every mention of the page (fresh or duplicate)
    produced_ids: tuple[str, ...]  # the ones produced now


def new_cursor(source: SourceConfig, now: datetime) -> SourceCursor:
    """The cursor of a source never polled."""
    return SourceCursor(source_id=source.id, kind=source.kind, updated_at=now)


def with_pending(
    cursor: SourceCursor, ids: list[str], offsets: dict[int, int], now: datetime
) -> SourceCursor:
    """Record the intent to produce ``ids`` (written before producing them)."""
    pending = PendingWrite(mention_ids=tuple(ids), offsets=offsets, started_at=now)
    return cursor.model_copy(update={"pending": pending, "updated_at": now})


def _add(totals: SourceTotals, **counts: int) -> SourceTotals:
    return totals.model_copy(update={k: getattr(totals, k) + v for k, v in counts.items()})


def outcome_of(page: Page, dedup: Dedup) -> PageOutcome:
    return PageOutcome(
        fetched=page.fetched or (len(page.mentions) + len(page.rejects) + page.deleted),
        new=dedup.new,
        edited=dedup.edited,
        duplicates=dedup.duplicates,
        deleted=page.deleted,
        rejected=len(page.rejects),
        mention_ids=tuple(dict.fromkeys(m.id for m in page.mentions)),
        produced_ids=tuple(m.id for m in dedup.fresh),
    )


def after_page(
    cursor: SourceCursor, page: Page, outcome: PageOutcome, capacity: int, now: datetime
) -> SourceCursor:
    """The cursor once ``page`` is durable: new position, ids remembered, intent cleared, totals."""
    return cursor.model_copy(
        update={
            "position": page.position if page.position is not None else cursor.position,
            "seen": remember(cursor.seen, page.mentions, capacity),
            "pending": None,
            "totals": _add(
                cursor.totals,
                fetched=outcome.fetched,
                new=outcome.new,
                edited=outcome.edited,
                duplicates=outcome.duplicates,
                deleted=outcome.deleted,
                rejected=outcome.rejected,
            ),
            "updated_at": now,
        }
    )


def after_poll(cursor: SourceCursor, error: str | None, now: datetime) -> SourceCursor:
    """The cursor at the end of a poll (or of a stream session): success time or error, poll count."""
    update: dict[str, object] = {"totals": _add(cursor.totals, polls=1), "updated_at": now}
    if error is None:
        update["last_success_at"] = now
    else:
        update["last_error"] = error[:2000]
        update["last_error_at"] = now
        update["totals"] = _add(cursor.totals, polls=1, errors=1)
    return cursor.model_copy(update=update)
