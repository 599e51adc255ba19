"""Buffered writes of delivery records to the outbox (attempt results), off the request path.

Saves are coalesced per delivery id (the newest version wins) and flushed every ``interval_s``. If
Elasticsearch refuses, the batch stays buffered and is retried with backoff. A record lost in a crash
before its flush only means the delivery is still ``pending`` in Elasticsearch: it is attempted again
after the restart, with the same ``webhook-id`` — at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from alerting.webhooks.outbox import DeliveryOutbox
from ecoute.backoff import backoff_delay
from schemas.webhooks import WebhookDelivery

log = logging.getLogger(__name__)

FLUSH_AT = 500


class DeliveryWriter:
    def __init__(self, outbox: DeliveryOutbox, interval_s: float) -> None:
        self.outbox = outbox
        self.interval_s = interval_s
        self._pending: dict[str, WebhookDelivery] = {}
        self._wake = asyncio.Event()
        self._failures = 0
        self.written = 0

    def save(self, delivery: WebhookDelivery) -> None:
        self._pending[delivery.id] = delivery
        if len(self._pending) >= FLUSH_AT:
            self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    async def flush(self) -> bool:
        """Write what is buffered; False (and kept buffered) if Elasticsearch refused."""
        if not self._pending:
            return True
        batch, self._pending = self._pending, {}
        try:
            self.written += await asyncio.to_thread(self.outbox.save_many, list(batch.values()))
        except Exception as exc:  # ES down or refusing: keep the records, newer saves win
            log.warning("delivery records not saved, will retry: %s", exc, extra={"records": len(batch)})
            for key, value in batch.items():
                self._pending.setdefault(key, value)
            self._failures += 1
            return False
        self._failures = 0
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            delay = self.interval_s if not self._failures else backoff_delay(self._failures, cap_s=30.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            await self.flush()
