"""Alerts, deliveries and SSE reading for the API's alert tests: alerts are written straight into the
alerts index with the deliverer's own helpers (``alerting.alert_index``), deliveries into the outbox
(``alerting.webhooks.outbox``), and alert records into the ``alerts`` topic."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from confluent_kafka import Producer
from elasticsearch import Elasticsearch

from alerting.alert_index import create_operations, ensure_alerts_index
from alerting.webhooks.outbox import DeliveryOutbox, ensure_deliveries_index
from alerting.webhooks.planning import plan_deliveries
from ecoute.settings import Settings
from schemas.alert import Alert, AlertExplanation, AlertSample
from schemas.mention import stable_mention_id
from schemas.rules import RuleKind
from schemas.topics import ALERTS
from schemas.webhooks import DeliveryAttempt, WebhookDelivery, WebhookSubscription

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def alert_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def make_alert(
    name: str,
    *,
    tenant: str = "acme",
    rule_id: str = "bonval-crise-alerte",
    kind: RuleKind = "match",
    query_id: str = "bonval",
    fired_at: datetime = T0,
    count: int = 1,
) -> Alert:
    return Alert(
        id=alert_id(f"{tenant}:{name}"),
        tenant=tenant,
        rule_id=rule_id,
        rule_name=rule_id.replace("-", " "),
        kind=kind,
        query_id=query_id,
        fired_at=fired_at,
        emitted_at=fired_at + timedelta(seconds=1),
        count=count,
        lang="fr",
        title=f"Alerte {name}",
        text=f"{count} mention(s) de {query_id}",
        explanation=AlertExplanation(statistic="match", observed=float(count), threshold=1.0),
        samples=(
            AlertSample(
                mention_id=stable_mention_id("feed", f"alert-{tenant}-{name}"),
                url=f"https://news.example/{tenant}/{name}",
                title=f"mention {name}",
                excerpt="Bonval rappel",
                site="news.example",
                source_id="src",
                lang="fr",
                sentiment="negative",
                published_at=fired_at,
            ),
        ),
    )


def index_alerts(es: Elasticsearch, settings: Settings, alerts: Sequence[Alert]) -> None:
    """As the deliverer does: ``create`` with an open lifecycle, then refresh."""
    index = ensure_alerts_index(es, settings.index_prefix)
    resp = es.bulk(operations=create_operations(index, alerts), refresh=True)
    assert not resp["errors"], resp["items"][:2]


def store_deliveries(
    es: Elasticsearch,
    settings: Settings,
    alert: Alert,
    subscription: WebhookSubscription,
    *,
    state: str = "pending",
    at: datetime = T0,
) -> WebhookDelivery:
    """The delivery the deliverer plans for ``alert`` × ``subscription``, in ``state``."""
    ensure_deliveries_index(es, settings.index_prefix)
    (planned,) = plan_deliveries(alert, [subscription], partition=0, now=at)
    delivery = planned
    if state == "dead":
        attempt = DeliveryAttempt(
            number=1, at=at + timedelta(seconds=5), status_code=500, duration_ms=12.0, outcome="failed"
        )
        delivery = planned.model_copy(
            update={
                "state": "dead",
                "attempt_count": 1,
                "attempts": (attempt,),
                "next_attempt_at": None,
                "dead_reason": "HTTP 500 after 1 attempt",
                "updated_at": attempt.at,
            }
        )
    elif state == "delivered":
        attempt = DeliveryAttempt(
            number=1, at=at + timedelta(seconds=1), status_code=204, duration_ms=8.0, outcome="delivered"
        )
        delivery = planned.model_copy(
            update={
                "state": "delivered",
                "attempt_count": 1,
                "attempts": (attempt,),
                "next_attempt_at": None,
                "delivered_at": attempt.at,
                "updated_at": attempt.at,
            }
        )
    outbox = DeliveryOutbox(es, settings.index_prefix)
    outbox.save_many([delivery])
    outbox.refresh()
    return delivery


def produce_alerts(settings: Settings, alerts: Iterable[Alert], partition: int | None = None) -> None:
    """Alert records as the alerting worker writes them (key ``tenant:rule``)."""
    producer = Producer(
        {"bootstrap.servers": settings.effective_kafka_bootstrap, "enable.idempotence": True, "acks": "all"}
    )
    topic = settings.topic(ALERTS.name)
    for alert in alerts:
        kwargs: dict[str, Any] = {"partition": partition} if partition is not None else {}
        producer.produce(topic, key=alert.key.encode(), value=alert.model_dump_json().encode(), **kwargs)
    assert producer.flush(30) == 0


@dataclass
class SseEvent:
    event: str | None
    id: str | None
    data: str


def parse_sse(lines: Iterable[str]) -> Iterator[SseEvent | None]:
    """Events of an SSE line stream; ``None`` for each comment (keep-alive)."""
    event: str | None = None
    event_id: str | None = None
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield SseEvent(event, event_id, "\n".join(data))
            event, event_id, data = None, None, []
        elif line.startswith(":"):
            yield None
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "id":
                event_id = value
            elif field == "data":
                data.append(value)


def read_events(
    lines: Iterable[str], until: Callable[[list[SseEvent]], bool], timeout_s: float = 30.0
) -> list[SseEvent]:
    """Events until ``until(events)`` holds; AssertionError after ``timeout_s`` (checked at each line,
    and the stream sends a keep-alive at least every 15 s)."""
    deadline = time.monotonic() + timeout_s
    events: list[SseEvent] = []
    for item in parse_sse(lines):
        if item is not None:
            events.append(item)
            if until(events):
                return events
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"stream ended or timed out with {[(e.event, e.id) for e in events]}")
