"""Per-endpoint queues: each subscription has its own schedule (a heap by due time), its own
in-flight limit and its own HTTP connection pool, so a slow or dead endpoint only ever delays itself.

Only deliveries due within ``horizon_s`` are held in memory; later retries live in the outbox
(Elasticsearch) and come back through the deliverer's periodic scan — memory stays bounded whatever
the backlog of a dead endpoint. ``tracked`` ids (queued or in flight) and recently settled ones are
never enqueued twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from alerting.config_reader import SubscriptionBook
from alerting.webhooks.http import UrlGuard, endpoint_client, post_webhook
from alerting.webhooks.schedule import RetryPolicy, kill, parse_retry_after, settle_attempt
from alerting.webhooks.signing import signed_headers
from alerting.webhooks.writer import DeliveryWriter
from ecoute.net import UnsafeUrlError
from schemas.common import utc_now
from schemas.webhooks import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

RECENT_TTL_S = 30.0

DeadLetterSink = Callable[[WebhookDelivery], Awaitable[None]]
DisableSink = Callable[[WebhookSubscription], Awaitable[None]]
SettledHook = Callable[[WebhookDelivery], None]


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    policy: RetryPolicy
    timeout_s: float = 10.0
    connect_timeout_s: float = 5.0
    max_in_flight: int = 8
    horizon_s: float = 60.0


@dataclass(slots=True)
class DispatchStats:
    attempts: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    gone: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class EndpointQueue:
    """The schedule of one subscription's deliveries."""

    def __init__(self, key: str, dispatcher: Dispatcher) -> None:
        self.key = key
        self.dispatcher = dispatcher
        self._heap: list[tuple[float, int, str]] = []
        self._items: dict[str, WebhookDelivery] = {}
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(dispatcher.config.max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self.client: aiohttp.ClientSession = endpoint_client(
            dispatcher.config.timeout_s, dispatcher.config.connect_timeout_s, dispatcher.config.max_in_flight
        )
        self._task = asyncio.create_task(self._run(), name=f"endpoint:{key}")

    def __len__(self) -> int:
        return len(self._items)

    def push(self, delivery: WebhookDelivery) -> None:
        due = delivery.next_attempt_at.timestamp() if delivery.next_attempt_at else 0.0
        self._items[delivery.id] = delivery
        heapq.heappush(self._heap, (due, next(self._seq), delivery.id))
        self._wake.set()

    def drop(self, predicate: Callable[[WebhookDelivery], bool]) -> list[str]:
        """Forget queued deliveries matching ``predicate`` (they stay in the outbox)."""
        gone = [i for i, d in self._items.items() if predicate(d)]
        for i in gone:
            del self._items[i]
        return gone

    async def _run(self) -> None:
        while True:
            if not self._heap:
                self._wake.clear()
                await self._wake.wait()
                continue
            due, _, delivery_id = self._heap[0]
            wait = due - time.time()
            if wait > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), min(wait, 3600.0))
                continue
            heapq.heappop(self._heap)
            delivery = self._items.pop(delivery_id, None)
            if delivery is None:
                continue  # dropped meanwhile
            await self._slots.acquire()
            task = asyncio.create_task(self._attempt(delivery))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _attempt(self, delivery: WebhookDelivery) -> None:
        try:
            await self.dispatcher.attempt(delivery, self)
        except Exception:  # a bug or ES/Kafka trouble while settling: try again later, keep it tracked
            log.exception("delivery attempt failed unexpectedly", extra={"delivery": delivery.id})
            later = delivery.model_copy(update={"next_attempt_at": utc_now().replace(microsecond=0)})
            await asyncio.sleep(1.0)
            self.push(later)
        finally:
            self._slots.release()

    async def close(self, grace_s: float) -> None:
        self._task.cancel()
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=grace_s)
        await self.client.close()


class Dispatcher:
    """Owns the endpoint queues and runs attempts; settles each one into the writer."""

    def __init__(
        self,
        *,
        subscriptions: SubscriptionBook,
        config: DispatchConfig,
        guard: UrlGuard,
        writer: DeliveryWriter,
        dead_letter: DeadLetterSink,
        disable: DisableSink,
        on_settled: SettledHook | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.subscriptions = subscriptions
        self.config = config
        self.guard = guard
        self.writer = writer
        self.dead_letter = dead_letter
        self.disable = disable
        self.on_settled = on_settled
        self.rng = rng or random.Random()
        self.queues: dict[str, EndpointQueue] = {}
        self.tracked: set[str] = set()
        self._recent: dict[str, float] = {}
        self._recent_pruned = time.monotonic()
        self.disabled: dict[str, WebhookSubscription] = {}  # what we published after a 410
        self.stats = DispatchStats()

    # --- bookkeeping ------------------------------------------------------------------------------
    def queued(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def knows(self, delivery_id: str) -> bool:
        """Queued, in flight, or settled/deferred in the last few seconds."""
        if delivery_id in self.tracked:
            return True
        seen = self._recent.get(delivery_id)
        return seen is not None and time.monotonic() - seen < RECENT_TTL_S

    def _remember(self, delivery_id: str) -> None:
        """Remember a settled delivery for ``RECENT_TTL_S``; older ones are dropped every ``RECENT_TTL_S``
        (so ~1-2 TTLs of deliveries are kept; pruning only past 50,000 entries kept ~7 MiB at 20 alerts/s)."""
        now = time.monotonic()
        self._recent[delivery_id] = now
        if now - self._recent_pruned >= RECENT_TTL_S or len(self._recent) > 50_000:
            self._recent = {k: v for k, v in self._recent.items() if now - v < RECENT_TTL_S}
            self._recent_pruned = now

    def enqueue(self, delivery: WebhookDelivery) -> bool:
        """Schedule a pending delivery; False if it is already known (or not pending)."""
        if delivery.state != "pending" or delivery.id in self.tracked:
            return False
        queue = self.queues.get(delivery.subscription_key)
        if queue is None:
            queue = self.queues[delivery.subscription_key] = EndpointQueue(delivery.subscription_key, self)
        self.tracked.add(delivery.id)
        queue.push(delivery)
        return True

    def drop_partitions(self, partitions: set[int]) -> int:
        """Forget queued deliveries of partitions this process no longer owns."""
        dropped = 0
        for queue in self.queues.values():
            for delivery_id in queue.drop(lambda d: d.partition in partitions):
                self.tracked.discard(delivery_id)
                dropped += 1
        return dropped

    async def close(self, grace_s: float = 10.0) -> None:
        for queue in list(self.queues.values()):
            await queue.close(grace_s)
        self.queues.clear()

    # --- one attempt ------------------------------------------------------------------------------
    async def attempt(self, delivery: WebhookDelivery, queue: EndpointQueue) -> None:
        sub = self.subscriptions.get(delivery.subscription_key)
        now = utc_now()
        settled: WebhookDelivery
        if sub is None:
            settled = kill(delivery, at=now, reason="subscription deleted")
        elif not sub.enabled or self._disabled_here(sub):
            reason = sub.disabled_reason or self.disabled[sub.key].disabled_reason or "disabled"
            settled = kill(delivery, at=now, reason=f"subscription disabled: {reason}")
        else:
            settled = await self._post(delivery.model_copy(update={"url": sub.url}), sub, queue)
        await self._settle(settled, sub)

    async def _post(
        self, delivery: WebhookDelivery, sub: WebhookSubscription, queue: EndpointQueue
    ) -> WebhookDelivery:
        policy, rng = self.config.policy, self.rng
        try:
            await self.guard.check(sub.url)
        except UnsafeUrlError as exc:
            return settle_attempt(
                delivery,
                at=utc_now(),
                status=None,
                error=str(exc),
                duration_ms=0.0,
                retry_after_s=None,
                policy=policy,
                rng=rng,
                permanent=f"unsafe URL refused: {exc}",
            )
        body = delivery.body.encode()
        headers = signed_headers(sub.secret, delivery.id, int(time.time()), body)
        result = await post_webhook(queue.client, sub.url, headers, body)
        at = utc_now()
        self.stats.attempts += 1
        label = str(result.status) if result.status is not None else "error"
        self.stats.by_status[label] = self.stats.by_status.get(label, 0) + 1
        return settle_attempt(
            delivery,
            at=at,
            status=result.status,
            error=result.error,
            duration_ms=result.duration_ms,
            retry_after_s=parse_retry_after(result.retry_after, at),
            policy=policy,
            rng=rng,
        )

    def _disabled_here(self, sub: WebhookSubscription) -> bool:
        """Disabled by us after a 410 and not changed since (re-enabling publishes a newer version)."""
        mine = self.disabled.get(sub.key)
        return mine is not None and sub.updated_at <= mine.updated_at

    async def _settle(self, settled: WebhookDelivery, sub: WebhookSubscription | None) -> None:
        last = settled.attempts[-1] if settled.attempts else None
        if settled.state == "dead":
            if last is not None and last.outcome == "gone" and sub is not None:
                self.stats.gone += 1
                if not self._disabled_here(sub):
                    off = sub.model_copy(
                        update={
                            "enabled": False,
                            "disabled_reason": f"endpoint answered 410 Gone at {last.at.isoformat()}",
                            "updated_at": max(utc_now(), sub.updated_at),
                        }
                    )
                    self.disabled[sub.key] = off
                    await self.disable(off)
            await self.dead_letter(settled)  # acknowledged by Kafka before the record says "dead"
            self.stats.dead += 1
            log.warning(
                "delivery dead: %s",
                settled.dead_reason,
                extra={
                    "tenant": settled.tenant,
                    "subscription": settled.subscription_id,
                    "delivery": settled.id,
                },
            )
        elif settled.state == "delivered":
            self.stats.delivered += 1
        else:
            self.stats.retried += 1
        self.writer.save(settled)
        if self.on_settled is not None:
            self.on_settled(settled)
        due_soon = (
            settled.state == "pending"
            and settled.next_attempt_at is not None
            and settled.next_attempt_at.timestamp() - time.time() <= self.config.horizon_s
        )
        queue = self.queues.get(settled.subscription_key)
        if due_soon and queue is not None:
            queue.push(settled)  # still tracked
            return
        self.tracked.discard(settled.id)
        self._remember(settled.id)
