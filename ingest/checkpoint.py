"""Commits one page, in the only safe order: dedupe against the cursor's recent ids → write the intent
(``pending``) → produce the fresh mentions → flush (broker acks) → dead letters → write the cursor.

A crash before the final cursor write re-fetches at most that page; the intent lets start-up recovery
recognise what of it Kafka already holds (:mod:`ingest.recovery`), so nothing is lost and, in the normal
case, nothing is produced twice. A failed flush raises ``DeliveryError`` and leaves the cursor as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ecoute.kafka import DeadLetterProducer
from ingest.cursor_store import CursorStore
from ingest.page import Page
from ingest.producer import MentionProducer
from ingest.progress import PageOutcome, after_page, outcome_of, with_pending
from ingest.seen import dedupe
from schemas.common import utc_now
from schemas.cursor import SourceCursor
from schemas.source import SourceConfig


class Checkpointer:
    def __init__(
        self,
        producer: MentionProducer,
        dead_letters: DeadLetterProducer,
        store: CursorStore,
        on_written: Callable[[SourceCursor], None] = lambda _c: None,
    ) -> None:
        self.producer = producer
        self.dead_letters = dead_letters
        self.store = store
        self.on_written = on_written  # told of every cursor written, even if a later step fails

    async def commit(
        self, source: SourceConfig, cursor: SourceCursor, page: Page
    ) -> tuple[SourceCursor, PageOutcome]:
        """Make ``page`` durable and return the new cursor (already written) and the page's counts."""
        dedup = dedupe(page.mentions, cursor.seen)
        if dedup.fresh:
            offsets = await self.store.mention_offsets()
            cursor = with_pending(cursor, [m.id for m in dedup.fresh], offsets, utc_now())
            await self.store.write(cursor)
            self.on_written(cursor)
            for mention in dedup.fresh:
                self.producer.send(mention)
            await asyncio.to_thread(self.producer.flush)
        for reject in page.rejects:
            self.dead_letters.send(
                reason=reject.reason,
                error="RejectedItem",
                key=source.id,
                value=reject.payload,
                source=f"{source.id} {reject.where}"[:2000],
            )
        if page.rejects:
            await asyncio.to_thread(self.dead_letters.flush)
        outcome = outcome_of(page, dedup)
        cursor = after_page(cursor, page, outcome, source.seen_capacity, utc_now())
        await self.store.write(cursor)
        self.on_written(cursor)
        return cursor, outcome
