"""``ecoute bench e2e``: the whole pipeline on the real local Kafka and Elasticsearch.

Fresh topics/indices (a unique prefix) per run; every stage runs as a real process (enrich, ner, index,
alerting, webhooks). Mentions are generated ahead of time and produced at ``rate``/s for ``duration``
s. Measured:

* published → searchable: for a sample of mentions, the first time an ``ids`` search finds them
  (searches respect the 1 s refresh interval, like a user's; poll resolution 100 ms);
* published → webhook received: the sampled mentions also contain a word watched by a tenant's match
  rule without cooldown, so each fires one alert, delivered (signed) to a local receiver;
* sustained throughput: mentions searchable per second over the run (until drained);
* consumer lag of each stage over time; peak RSS memory of every ecoute process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from confluent_kafka import Consumer, Producer, TopicPartition

from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.report import percentiles, rss_mb
from ecoute.children import Child, spawn, stage_env, stop_all
from ecoute.settings import Settings

HOT_WORD = "zorglub"
HOT_TENANT = "bench-hot"
STAGES = ("enrich", "ner", "index", "alerting", "webhooks")


def _lag(settings: Settings, consumer: Consumer, topic: str, group: str) -> int:
    meta = consumer.list_topics(topic, timeout=10)
    parts = [TopicPartition(topic, p) for p in meta.topics[topic].partitions]
    probe = Consumer({"bootstrap.servers": settings.effective_kafka_bootstrap, "group.id": group})
    try:
        committed = probe.committed(parts, timeout=10)
    finally:
        probe.close()
    lag = 0
    for tp in committed:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10)
        lag += high - (tp.offset if tp.offset >= 0 else 0)
    return lag


def _start_alert_watch(s: Settings, es: Any) -> tuple[Any, dict[str, float]]:
    """A match rule (no cooldown) on ``HOT_WORD`` for one tenant, delivered to a local receiver.
    Returns the receiver and ``{mention id: receipt time}``, filled as webhooks arrive."""
    from alerting.alert_index import ensure_alerts_index
    from alerting.config_publish import publish_rules, publish_subscriptions
    from alerting.webhooks.outbox import ensure_deliveries_index
    from alerting.webhooks.receiver import Received, WebhookReceiver
    from alerting.webhooks.signing import new_secret
    from ecoute.config_topics import publish_queries
    from schemas.common import utc_now
    from schemas.config import QueryDefinition
    from schemas.rules import AlertRule
    from schemas.webhooks import WebhookSubscription

    ensure_alerts_index(es, s.index_prefix)
    ensure_deliveries_index(es, s.index_prefix)
    received: dict[str, float] = {}

    def on_receive(r: Received) -> None:
        alert = r.alert
        if r.verified and alert and alert.get("samples"):
            received.setdefault(alert["samples"][0]["mention_id"], r.at)

    secret = new_secret()
    receiver = WebhookReceiver(secret, on_receive=on_receive).start()
    now = utc_now()
    publish_queries(s, [QueryDefinition(tenant=HOT_TENANT, id="hot", query=HOT_WORD, updated_at=now)])
    rule = {
        "tenant": HOT_TENANT,
        "id": "hot-match",
        "query_id": "hot",
        "detector": {"kind": "match"},
        "cooldown_s": 0,
        "updated_at": now,
    }
    publish_rules(s, [AlertRule.model_validate(rule)])
    publish_subscriptions(
        s,
        [WebhookSubscription(tenant=HOT_TENANT, id="bench", url=receiver.url, secret=secret, updated_at=now)],
    )
    return receiver, received


def run_e2e(
    base: Settings,
    *,
    rate: float,
    duration: float,
    queries: int,
    sample_every: int = 50,
    drain_timeout: float = 180.0,
    on_progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the end-to-end benchmark; returns the figures (see module doc)."""
    from elasticsearch import Elasticsearch

    from ecoute import mentions_index
    from ecoute.config_topics import publish_queries
    from ecoute.es import ensure_mention_templates
    from ecoute.kafka import ensure_topics, producer_config
    from ecoute.query.bench import brands as random_brands

    token = uuid.uuid4().hex[:8]
    s = base.model_copy(
        update={
            "kafka_bootstrap": base.effective_kafka_bootstrap,
            "es_url": base.effective_es_url,
            "topic_prefix": f"bench{token}.",
            "index_prefix": f"bench{token}",
            "consumer_group_prefix": f"bench{token}",
            "allow_private_urls": True,
            "log_level": "WARNING",
        }
    )
    es = Elasticsearch(s.effective_es_url, request_timeout=60)
    ensure_topics(s)
    ensure_mention_templates(es, s.index_prefix)
    names = random_brands(max(2, queries // 2), seed=11)
    if queries:
        publish_queries(s, query_definitions(names, tenants=max(1, queries // 100), per_brand=2)[:queries])
    receiver, webhook_received = _start_alert_watch(s, es)
    total = int(rate * duration)
    mentions = [
        m.model_copy(update={"text": f"{m.text} {HOT_WORD}"}) if i % sample_every == 0 else m
        for i, m in enumerate(MentionGenerator(names, seed=21, rate_per_s=rate).take(total))
    ]
    payloads = [(m.id.encode(), m.model_dump_json().encode()) for m in mentions]
    log_dir = s.state_dir / f"bench-{token}"
    children: list[Child] = [spawn(name, ["worker", name], stage_env(s), log_dir) for name in STAGES]
    alias = mentions_index.alias(s.index_prefix, "mentions")
    pending_search: dict[str, float] = {}
    searchable_latencies: list[float] = []
    sent_wall: dict[str, float] = {}
    lag_samples: list[dict[str, Any]] = []
    rss_samples: list[dict[str, float]] = []
    stop = threading.Event()
    probe = Consumer({"bootstrap.servers": s.effective_kafka_bootstrap, "group.id": f"bench-probe-{token}"})

    def poll_searchable() -> None:
        while not stop.is_set():
            pending = list(pending_search)[:500]
            if pending:
                hits = es.search(
                    index=alias,
                    query={"ids": {"values": pending}},
                    size=len(pending),
                    source=False,
                    ignore_unavailable=True,
                    allow_no_indices=True,
                )["hits"]["hits"]
                now = time.perf_counter()
                for hit in hits:
                    start = pending_search.pop(hit["_id"], None)
                    if start is not None:
                        searchable_latencies.append(now - start)
            time.sleep(0.1)

    def sample_rss() -> None:
        rss_samples.append({c.name: rss_mb(c.proc.pid) for c in children})

    produce_s = drained_s = 0.0
    searchable = 0
    try:
        on_progress("waiting for workers to start")
        time.sleep(10.0)  # workers load models and join their groups
        producer = Producer(producer_config(s))
        topic = s.topic("mentions.raw")
        poller = threading.Thread(target=poll_searchable, daemon=True)
        poller.start()
        on_progress(f"producing {total} mentions at {rate:.0f}/s")
        t0 = time.perf_counter()
        next_sample = t0
        for i, (key, value) in enumerate(payloads):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            producer.produce(topic, key=key, value=value)
            if i % sample_every == 0:
                producer.flush(5)
                pending_search[key.decode()] = time.perf_counter()
                sent_wall[key.decode()] = time.time()
            producer.poll(0)
            if time.perf_counter() >= next_sample:
                next_sample += 1.0
                sample_rss()
        producer.flush(30)
        produce_s = time.perf_counter() - t0
        on_progress("draining")
        deadline = time.perf_counter() + drain_timeout
        while time.perf_counter() < deadline:
            lags = {
                st: _lag(s, probe, s.topic(t), s.group(st))
                for st, t in (("enrich", "mentions.raw"), ("index", "mentions.enriched"))
            }
            lag_samples.append({"t_s": round(time.perf_counter() - t0, 1), **lags})
            sample_rss()
            if (
                all(v == 0 for v in lags.values())
                and not pending_search
                and sent_wall.keys() <= webhook_received.keys()
            ):
                break
            time.sleep(1.0)
        es.indices.refresh(index=alias)
        searchable = int(es.count(index=alias)["count"])
        drained_s = time.perf_counter() - t0
    finally:
        stop.set()
        stop_all(children)
        receiver.stop()
        probe.close()
        es.options(ignore_status=404).indices.delete(index=f"{s.index_prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{s.index_prefix}-*")
        es.close()
    webhook_latencies = [webhook_received[k] - t for k, t in sent_wall.items() if k in webhook_received]
    peak = {c.name: max((r.get(c.name, 0.0) for r in rss_samples), default=0.0) for c in children}
    return {
        "rate_target_per_s": rate,
        "duration_s": duration,
        "queries": queries,
        "produced": total,
        "produce_s": round(produce_s, 2),
        "searchable": searchable,
        "all_searchable": searchable == total,
        "drained_after_s": round(drained_s, 2),
        "sustained_per_s": round(searchable / max(drained_s, 1e-9), 1),
        "published_to_searchable": {
            "samples": len(searchable_latencies),
            **percentiles(searchable_latencies),
        },
        "published_to_webhook": {
            "samples": len(webhook_latencies),
            "expected": len(sent_wall),
            **percentiles(webhook_latencies),
        },
        "rss_peak_mb": peak,
        "rss_peak_total_mb": round(sum(peak.values()), 1),
        "lag_over_time": lag_samples,
        "rss_over_time": rss_samples,
    }
