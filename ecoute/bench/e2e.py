"""``ecoute bench e2e``: the whole pipeline on the real local Kafka and Elasticsearch.

Fresh topics/indices (a unique prefix) per run; the enrich worker and the index sink run as real
processes (plus the alerting worker and webhook deliverer when available). Mentions are generated ahead
of time and produced at ``rate``/s for ``duration`` s. Measured:

* published → searchable: for a sample of mentions, the first time an ``ids`` search finds them
  (searches respect the 1 s refresh interval, like a user's; poll resolution 100 ms);
* sustained throughput: mentions searchable per second over the run (and the time to drain);
* consumer lag of each stage over time; RSS memory of every ecoute process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer, TopicPartition

from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.report import percentiles, rss_mb
from ecoute.children import Child, settings_env, spawn, stop_all
from ecoute.settings import Settings


@dataclass
class E2EResult:
    produced: int = 0
    searchable_latencies: list[float] = field(default_factory=list)
    lag_samples: list[dict[str, Any]] = field(default_factory=list)
    rss_samples: list[dict[str, float]] = field(default_factory=list)


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


def run_e2e(
    base: Settings,
    *,
    rate: float,
    duration: float,
    queries: int,
    sample_every: int = 50,
    drain_timeout: float = 180.0,
    extra_workers: Callable[[dict[str, str], Path], list[Child]] | None = None,
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
        }
    )
    es = Elasticsearch(s.effective_es_url, request_timeout=60)
    ensure_topics(s)
    ensure_mention_templates(es, s.index_prefix)
    names = random_brands(max(2, queries // 2), seed=11)
    if queries:
        publish_queries(s, query_definitions(names, tenants=max(1, queries // 100), per_brand=2)[:queries])
    total = int(rate * duration)
    gen = MentionGenerator(names, seed=21, rate_per_s=rate)
    mentions = gen.take(total)
    payloads = [(m.id.encode(), m.model_dump_json().encode()) for m in mentions]
    env = settings_env(
        {
            "kafka_bootstrap": s.kafka_bootstrap,
            "es_url": s.es_url,
            "home": s.home,
            "topic_prefix": s.topic_prefix,
            "index_prefix": s.index_prefix,
            "consumer_group_prefix": s.consumer_group_prefix,
            "log_level": "WARNING",
        }
    )
    log_dir = s.state_dir / f"bench-{token}"
    children = [
        spawn("enrich", ["worker", "enrich"], env, log_dir),
        spawn("index", ["worker", "index"], env, log_dir),
    ]
    if extra_workers:
        children += extra_workers(env, log_dir)
    result = E2EResult()
    alias = mentions_index.alias(s.index_prefix, "mentions")
    sent_at: dict[str, float] = {}
    stop = threading.Event()
    probe = Consumer({"bootstrap.servers": s.effective_kafka_bootstrap, "group.id": f"bench-probe-{token}"})

    def poll_searchable() -> None:
        while not stop.is_set() or sent_at:
            pending = list(sent_at)[:500]
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
                    start = sent_at.pop(hit["_id"], None)
                    if start is not None:
                        result.searchable_latencies.append(now - start)
            if stop.is_set() and time.perf_counter() > deadline:
                break
            time.sleep(0.1)

    try:
        on_progress("waiting for workers to start")
        time.sleep(8.0)  # workers load models and join their groups
        producer = Producer(producer_config(s))
        topic = s.topic("mentions.raw")
        deadline = float("inf")
        poller = threading.Thread(target=poll_searchable, daemon=True)
        poller.start()
        on_progress(f"producing {total} mentions at {rate:.0f}/s")
        t0 = time.perf_counter()
        next_sample = time.perf_counter()
        for i, (key, value) in enumerate(payloads):
            target = t0 + i / rate
            delay = target - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            producer.produce(topic, key=key, value=value)
            if i % sample_every == 0:
                producer.flush(5)
                sent_at[key.decode()] = time.perf_counter()
            producer.poll(0)
            if time.perf_counter() >= next_sample:
                next_sample += 1.0
                result.rss_samples.append({c.name: rss_mb(c.proc.pid) for c in children})
        producer.flush(30)
        produce_s = time.perf_counter() - t0
        result.produced = total
        on_progress("draining")
        deadline = time.perf_counter() + drain_timeout
        while time.perf_counter() < deadline:
            lags = {
                st: _lag(s, probe, s.topic(t), s.group(st))
                for st, t in (("enrich", "mentions.raw"), ("index", "mentions.enriched"))
            }
            result.lag_samples.append({"t_s": round(time.perf_counter() - t0, 1), **lags})
            result.rss_samples.append({c.name: rss_mb(c.proc.pid) for c in children})
            if all(v == 0 for v in lags.values()) and not sent_at:
                break
            time.sleep(1.0)
        es.indices.refresh(index=alias)
        searchable = es.count(index=alias)["count"]
        drained_s = time.perf_counter() - t0
    finally:
        stop.set()
        stop_all(children)
        probe.close()
        es.options(ignore_status=404).indices.delete(index=f"{s.index_prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{s.index_prefix}-*")
        es.close()
    peak = {
        name: max((r.get(name, 0.0) for r in result.rss_samples), default=0.0)
        for name in (c.name for c in children)
    }
    return {
        "rate_target_per_s": rate,
        "duration_s": duration,
        "queries": queries,
        "produced": total,
        "produce_s": round(produce_s, 2),
        "searchable": searchable,
        "all_searchable": searchable == total,
        "drained_after_s": round(drained_s, 2),
        "sustained_per_s": round(searchable / drained_s, 1),
        "published_to_searchable": {
            "samples": len(result.searchable_latencies),
            **percentiles(result.searchable_latencies),
        },
        "lag_over_time": result.lag_samples,
        "rss_peak_mb": peak,
    }
