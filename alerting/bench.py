"""``ecoute bench alerts``: mention published → webhook received, under load.

Publishes the query matches of enriched mentions to ``mentions.matches`` at ``rate`` mentions per
second for ``seconds`` (Kafka's own producer; one :class:`~schemas.matches.MatchBatch` record per mention
and partition of its queries, as the enrichment worker writes them — it groups a whole batch, so this
is the alerting worker's worst case). Every mention matches a busy query ``load``
(watched by a spike rule and an influencer rule, so counting and evaluation run for every mention);
a share ``alert_share`` also matches ``hot``, watched by a match rule without cooldown, so each of those
fires one alert. The real alerting worker and webhook deliverer run as child processes and deliver to a
real local receiver (signatures verified). The latency of a hot mention is the time from its
``produce()`` call to the receipt of its webhook, on the same clock.

Returns a dict (``p50_ms``/``p90_ms``/``p99_ms``/``max_ms`` of those latencies, how many were sent and
received, the achieved publish rate). Uses its own topic/index/group prefix and removes them afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
import uuid
from datetime import timedelta
from typing import Any

from confluent_kafka import Producer

from alerting.alert_index import ensure_alerts_index
from alerting.config_publish import publish_rules, publish_subscriptions
from alerting.kpis import percentile
from alerting.processes import stage_env
from alerting.settings import AlertingSettings
from alerting.webhooks.outbox import ensure_deliveries_index
from alerting.webhooks.receiver import Received, WebhookReceiver
from alerting.webhooks.signing import new_secret
from ecoute.bench.report import cpu_seconds
from ecoute.children import spawn, stop_all
from ecoute.es import es_client
from ecoute.kafka import delete_topics_with_prefix, ensure_topics, ensured_partitions, producer_config
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.matches import match_batches
from schemas.mention import EnrichedMention, stable_mention_id
from schemas.rules import AlertRule
from schemas.topics import MENTIONS_MATCHES
from schemas.webhooks import WebhookSubscription

log = logging.getLogger(__name__)

TENANT = "bench"
READY_TIMEOUT_S = 120.0
DRAIN_TIMEOUT_S = 60.0


def _key(token: str, i: int | str) -> str:
    return f"bench-{token}-{i}"


def _mention(key: str, i: int, hot: bool) -> EnrichedMention:
    now = utc_now()
    matches = [{"tenant": TENANT, "query_id": "load"}]
    if hot:
        matches.append({"tenant": TENANT, "query_id": "hot"})
    mention = EnrichedMention.model_validate(
        {
            "id": stable_mention_id("feed", key),
            "source_type": "feed",
            "source_id": "bench",
            "url": f"https://bench.example/{key}",
            "title": f"Bonval {i}",
            "text": "La Laiterie Bonval rappelle des yaourts après des soupçons de listeria.",
            "author": {"handle": f"@author{i % 500}", "followers": i % 5000},
            "published_at": now - timedelta(milliseconds=1),
            "fetched_at": now,
            "lang": "fr",
            "sentiment": {
                "label": "negative" if i % 3 == 0 else "neutral",
                "score": -0.5 if i % 3 == 0 else 0.0,
            },
            "matches": matches,
            "enriched_at": now,
        }
    )
    return mention


def _match_records(mention: EnrichedMention, partitions: int) -> list[tuple[int, bytes]]:
    return [(p, batch.model_dump_json().encode()) for p, batch in match_batches([mention], partitions)]


def _rules() -> list[AlertRule]:
    now = utc_now()
    specs: list[tuple[str, str, dict[str, Any], int]] = [
        ("hot-match", "hot", {"kind": "match"}, 0),
        ("load-spike", "load", {"kind": "spike"}, 1800),
        ("load-influence", "load", {"kind": "influencer", "min_followers": 10_000_000}, 0),
    ]
    return [
        AlertRule.model_validate(
            {"tenant": TENANT, "id": i, "query_id": q, "detector": d, "cooldown_s": c, "updated_at": now}
        )
        for i, q, d, c in specs
    ]


def _cleanup(settings: Settings) -> None:
    delete_topics_with_prefix(settings, settings.topic_prefix, settings.group("alerting"))
    with contextlib.suppress(Exception):
        es = es_client(settings)
        es.options(ignore_status=404).indices.delete(index=f"{settings.index_prefix}-*")
        es.close()


def run_alert_bench(
    base: Settings,
    *,
    rate: float = 1000.0,
    seconds: float = 20.0,
    alert_share: float = 0.05,
    alerting: AlertingSettings | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    """Run the benchmark against ``base``'s Kafka and Elasticsearch; see the module docstring."""
    token = uuid.uuid4().hex[:8]
    settings = base.model_copy(
        update={
            "topic_prefix": f"{base.topic_prefix}bench{token}.",
            "index_prefix": f"{base.index_prefix}-bench{token}",
            "consumer_group_prefix": f"{base.consumer_group_prefix}-bench{token}",
            "allow_private_urls": True,
        }
    )
    alerting = alerting or AlertingSettings(alerting_batch_within_s=0.02, webhook_batch_within_s=0.02)
    total = int(rate * seconds)
    every = max(1, round(1 / alert_share)) if alert_share > 0 else 0
    is_hot = [bool(every) and i % every == 0 for i in range(total)]
    ids = [stable_mention_id("feed", _key(token, i)) for i in range(total)]
    ensure_topics(settings)
    partitions = ensured_partitions(settings, MENTIONS_MATCHES)
    payloads = [_match_records(_mention(_key(token, i), i, is_hot[i]), partitions) for i in range(total)]
    hot_ids = {ids[i] for i in range(total) if is_hot[i]}
    received_at: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def on_receive(r: Received) -> None:
        alert = r.alert
        if r.verified and alert and alert.get("samples"):
            received_at.setdefault(alert["samples"][0]["mention_id"], r.at)

    es = es_client(settings)
    ensure_alerts_index(es, settings.index_prefix)
    ensure_deliveries_index(es, settings.index_prefix)
    es.close()
    secret = new_secret()
    children = []
    receiver = WebhookReceiver(secret, on_receive=on_receive).start()
    try:
        publish_rules(settings, _rules())
        publish_subscriptions(
            settings,
            [
                WebhookSubscription(
                    tenant=TENANT, id="bench", url=receiver.url, secret=secret, updated_at=utc_now()
                )
            ],
        )
        env = stage_env(settings, alerting)
        log_dir = settings.state_dir / "bench-logs" / token
        children = [
            spawn("alerting", ["worker", "alerting"], env, log_dir),
            spawn("webhooks", ["worker", "webhooks"], env, log_dir),
        ]
        producer = Producer(producer_config(settings, **{"linger.ms": 5}))
        topic = settings.topic(MENTIONS_MATCHES.name)
        # warm-up: one hot mention end to end (Faust start-up, group joins, first connections)
        warm_id = stable_mention_id("feed", _key(token, "warm"))
        for partition, value in _match_records(_mention(_key(token, "warm"), 0, hot=True), partitions):
            producer.produce(topic, value=value, partition=partition)
        producer.flush(10)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while warm_id not in received_at and time.monotonic() < deadline:
            if not all(c.alive() for c in children):
                raise RuntimeError(f"a worker exited during warm-up; logs in {log_dir}")
            time.sleep(0.1)
        if warm_id not in received_at:
            raise RuntimeError(f"pipeline not ready after {READY_TIMEOUT_S}s; logs in {log_dir}")

        sent_at: dict[str, float] = {}
        elapsed = 0.0
        cpu_before = {c.name: cpu_seconds(c.proc.pid) for c in children}
        start = time.monotonic()
        for n, records in enumerate(payloads):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if is_hot[n]:
                sent_at[ids[n]] = time.time()
            for partition, value in records:
                producer.produce(topic, value=value, partition=partition)
            producer.poll(0)
        producer.flush(30)
        elapsed = time.monotonic() - start
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        while time.monotonic() < deadline and not hot_ids <= received_at.keys():
            time.sleep(0.2)
        latencies = [(received_at[m] - sent_at[m]) * 1000.0 for m in sent_at if m in received_at]
        cpu = {}
        for c in children:
            before, after = cpu_before.get(c.name, math.nan), cpu_seconds(c.proc.pid)
            if not math.isnan(before) and not math.isnan(after):
                cpu[f"cpu_s_{c.name}"] = round(after - before, 2)
    finally:
        stop_all(children)
        receiver.stop()
        if not keep:
            _cleanup(settings)
    elapsed = max(elapsed, 1e-9)
    result: dict[str, Any] = {
        "bench": "alerts",
        "rate_target_per_s": rate,
        "rate_achieved_per_s": round(total / elapsed, 1),
        "seconds": round(elapsed, 2),
        "mentions": total,
        "alerts_expected": len(hot_ids),
        "alerts_received": len(latencies),
        "items": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
    }
    for label, q in (("p50_ms", 0.5), ("p90_ms", 0.9), ("p99_ms", 0.99), ("max_ms", 1.0)):
        quantile = percentile(latencies, q)
        result[label] = round(quantile, 1) if quantile is not None else None
    result.update(cpu)
    result["load_average_1m"] = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    result["cores"] = os.cpu_count()
    return result
