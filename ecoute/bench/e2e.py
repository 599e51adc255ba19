"""``ecoute bench e2e``: the whole pipeline on the real local Kafka and Elasticsearch.

Fresh topics/indices (a unique prefix) per run; every stage runs as a real process (enrich, ner, index,
alerting, webhooks). Mentions are generated ahead of time and produced at ``rate``/s for ``duration``
s. Measured:

* published → searchable: for a sample of mentions, the first time an ``ids`` search finds them
  (searches respect the indices' refresh interval, like a user's; poll resolution 100 ms);
* published → webhook received: the sampled mentions also contain a word watched by a tenant's match
  rule without cooldown, so each fires one alert, delivered (signed) to a local receiver;
* sustained throughput: mentions searchable per second over the run (until drained);
* a timeline, one sample per second from the first publication until drained: mentions published and
  searchable so far, consumer lag of every stage, RSS and CPU time of every process (the ecoute
  stages, the Kafka and Elasticsearch servers when their pids are known, this benchmark);
* CPU time per mention of each process over the run: where the two cores went;
* Elasticsearch's own thread time per mention by kind of work (indexing, refresh, merge, flush,
  search) over the measured run, from the indices' ``_stats`` (:mod:`ecoute.bench.es_time`);
* with ``profile_dir``, a py-spy sampling profile of every stage over the measured run
  (:mod:`ecoute.bench.profile`): which functions the CPU went to.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Producer, TopicPartition

from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.profile import Profiler
from ecoute.bench.report import (
    cpu_seconds,
    jit_share,
    jvm_thread_cpu_seconds,
    per_mention_by_thread,
    percentiles,
    rss_mb,
    thread_cpu_seconds,
    with_descendants,
)
from ecoute.bench.stage_logs import sink_timings_from
from ecoute.children import Child, spawn, stage_env, stop_all
from ecoute.kafka import watermark_offsets
from ecoute.settings import Settings

HOT_WORD = "zorglub"
HOT_TENANT = "bench-hot"
STAGES = ("enrich", "ner", "index", "alerting", "webhooks")
STAGE_SOURCE = {
    "enrich": "mentions.raw",
    "ner": "mentions.ner",
    "index": "mentions.enriched",
    "alerting": "mentions.matches",
    "webhooks": "alerts",
}
BENCH_PROCESS = "bench"
ENTITY_UPDATES_LAG = "index-entities"  # NER's entity updates not yet applied by the index sink


def _lag(consumer: Consumer, group_probe: Consumer, topic: str) -> int:
    """Messages of ``topic`` not yet committed by the group ``group_probe`` was created for."""
    meta = consumer.list_topics(topic, timeout=10)
    parts = [TopicPartition(topic, p) for p in meta.topics[topic].partitions]
    lag = 0
    for tp in group_probe.committed(parts, timeout=10):
        _, high = watermark_offsets(consumer, topic, tp.partition)
        lag += high - (tp.offset if tp.offset >= 0 else 0)
    return lag


def _named_entity_records(s: Settings) -> dict[str, int]:
    """Records in the topics of named entities so far: mentions handed to the NER worker, entity updates."""
    from ecoute.demo import topic_end_offsets

    return {
        "handed_to_ner_worker": topic_end_offsets(s, s.topic("mentions.ner")),
        "entity_updates": topic_end_offsets(s, s.topic("mentions.entities")),
    }


def _start_alert_watch(s: Settings, es: Any) -> tuple[Any, dict[str, float], dict[str, float]]:
    """A match rule (no cooldown) on ``HOT_WORD`` for one tenant, delivered to a local receiver.
    Returns the receiver, ``{mention id: receipt time}`` and ``{mention id: alert emitted_at}`` (epoch
    seconds), filled as webhooks arrive."""
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
    emitted: dict[str, float] = {}

    def on_receive(r: Received) -> None:
        alert = r.alert
        if r.verified and alert and alert.get("samples"):
            mention_id = alert["samples"][0]["mention_id"]
            received.setdefault(mention_id, r.at)
            emitted.setdefault(mention_id, _epoch(alert.get("emitted_at")))

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
    return receiver, received, emitted


def _epoch(iso: Any) -> float:
    """Epoch seconds of an ISO-8601 timestamp from a document or an alert (NaN if absent)."""
    if not isinstance(iso, str):
        return float("nan")
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def steady_rate(timeline: list[dict[str, Any]], key: str, start_s: float, end_s: float) -> float | None:
    """Growth per second of the cumulative ``key`` (``published``, ``searchable``) between the first
    sample at or after ``start_s`` and the last at or before ``end_s``; None without two such samples.
    Over the publishing window minus its warm-up, this is the throughput the pipeline sustained while
    load was offered — unlike searchable ÷ drain time, it does not count the last mentions' latency."""
    rows = [row for row in timeline if key in row and start_s <= row["t_s"] <= end_s]
    if len(rows) < 2 or rows[-1]["t_s"] <= rows[0]["t_s"]:
        return None
    grown = float(rows[-1][key] - rows[0][key])
    seconds = float(rows[-1]["t_s"] - rows[0]["t_s"])
    return round(grown / seconds, 1)


def lag_growth(timeline: list[dict[str, Any]], start_s: float, end_s: float) -> dict[str, float]:
    """Per stage, how fast its consumer lag grew (messages per second, least-squares slope) over the
    samples between ``start_s`` and ``end_s``: about 0 for a stage that keeps up with the offered rate,
    the shortfall per second for one that does not. Stages with fewer than two samples are left out."""
    rows = [row for row in timeline if "lag" in row and start_s <= row["t_s"] <= end_s]
    out: dict[str, float] = {}
    for stage in dict.fromkeys(name for row in rows for name in row["lag"]):
        points = [(float(row["t_s"]), float(row["lag"][stage])) for row in rows if stage in row["lag"]]
        if len(points) < 2:
            continue
        mean_t = sum(t for t, _ in points) / len(points)
        mean_lag = sum(lag for _, lag in points) / len(points)
        spread = sum((t - mean_t) ** 2 for t, _ in points)
        if spread > 0:
            out[stage] = round(sum((t - mean_t) * (lag - mean_lag) for t, lag in points) / spread, 1)
    return out


def latency_breakdown(
    published: Mapping[str, float],
    documents: Mapping[str, Mapping[str, Any]],
    searchable: Mapping[str, float],
    emitted: Mapping[str, float],
    received: Mapping[str, float],
) -> dict[str, dict[str, float]]:
    """Where the time goes, hop by hop, for the sampled mentions (all epoch seconds; ``documents``
    holds each mention's ``enriched_at`` and ``indexed_at`` as stored in Elasticsearch; clocks are
    the same machine's)."""
    hops: dict[str, list[float]] = {
        "published → enriched": [],
        "enriched → indexed (bulk sent)": [],
        "indexed → searchable (refresh, poll)": [],
        "enriched → alert emitted": [],
        "alert emitted → webhook received": [],
    }
    for mention_id, sent in published.items():
        doc = documents.get(mention_id)
        if doc is None:
            continue
        enriched, indexed = _epoch(doc.get("enriched_at")), _epoch(doc.get("indexed_at"))
        hops["published → enriched"].append(enriched - sent)
        hops["enriched → indexed (bulk sent)"].append(indexed - enriched)
        if mention_id in searchable:
            hops["indexed → searchable (refresh, poll)"].append(sent + searchable[mention_id] - indexed)
        if mention_id in emitted and mention_id in received:
            hops["enriched → alert emitted"].append(emitted[mention_id] - enriched)
            hops["alert emitted → webhook received"].append(received[mention_id] - emitted[mention_id])
    return {hop: percentiles([v for v in values if v == v]) for hop, values in hops.items()}


class Timeline:
    """One sample per second (lag, searchable count, memory, CPU) in a background thread."""

    def __init__(
        self,
        settings: Settings,
        es: Any,
        alias: str,
        pids: Mapping[str, int],
        published: Callable[[], int],
    ) -> None:
        self.settings = settings
        self.es = es
        self.alias = alias
        self.pids = dict(pids)
        self.trees = {name: [pid] for name, pid in pids.items()}
        self.published = published
        self.baseline = 0  # documents indexed before the measured run (the warm-up load)
        self.samples: list[dict[str, Any]] = []
        self.t0 = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-timeline", daemon=True)
        self._probe = Consumer(
            {"bootstrap.servers": settings.effective_kafka_bootstrap, "group.id": f"{alias}-probe"}
        )
        # one client per stage's group, created once: it only reads the group's committed offsets
        # (it never subscribes, so it never joins the group)
        self._group_probes = {
            stage: Consumer(
                {"bootstrap.servers": settings.effective_kafka_bootstrap, "group.id": settings.group(stage)}
            )
            for stage in STAGE_SOURCE
        }

    def cpu_now(self) -> dict[str, float]:
        cpu = {name: sum(cpu_seconds(pid) for pid in tree) for name, tree in self.trees.items()}
        cpu[BENCH_PROCESS] = time.process_time()
        return cpu

    def threads_cpu_now(self) -> dict[str, dict[str, float]]:
        """CPU seconds so far of each ecoute stage process, split by thread group (see
        :func:`~ecoute.bench.report.thread_cpu_seconds`)."""
        return {name: thread_cpu_seconds(self.pids[name]) for name in STAGES if name in self.pids}

    def jvm_threads_now(self) -> dict[str, dict[str, float]]:
        """CPU seconds so far of each local server (Kafka, Elasticsearch: the JVM and its launcher),
        split by :data:`~ecoute.bench.report.JVM_THREAD_GROUPS` (JIT compilers, collector, the rest)."""
        servers = [name for name in self.trees if name not in STAGES and name != BENCH_PROCESS]
        return {name: jvm_thread_cpu_seconds(self.trees[name]) for name in servers}

    def rss_now(self) -> dict[str, float]:
        return {name: round(sum(rss_mb(pid) for pid in tree), 1) for name, tree in self.trees.items()}

    def start(self) -> Timeline:
        self.trees = {
            name: [pid] if name == BENCH_PROCESS else with_descendants(pid) for name, pid in self.pids.items()
        }
        self.t0 = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._probe.close()
        for probe in self._group_probes.values():
            probe.close()

    def latest_lags(self) -> dict[str, int]:
        for row in reversed(self.samples):
            if "lag" in row:
                return dict(row["lag"])
        return {}

    def lags(self) -> dict[str, int]:
        """Consumer lag of every stage now."""
        s = self.settings
        return {
            stage: _lag(self._probe, self._group_probes[stage], s.topic(topic))
            for stage, topic in STAGE_SOURCE.items()
        } | {ENTITY_UPDATES_LAG: _lag(self._probe, self._group_probes["index"], s.topic("mentions.entities"))}

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                lag = self.lags()
                count = self.es.count(index=self.alias, ignore_unavailable=True, allow_no_indices=True)
                self.samples.append(
                    {
                        "t_s": round(started - self.t0, 2),
                        "published": self.published(),
                        "searchable": int(count["count"]) - self.baseline,
                        "lag": lag,
                        "rss_mb": self.rss_now(),
                        "cpu_s": self.cpu_now(),
                    }
                )
            except Exception as exc:  # a missed sample must not end the benchmark
                self.samples.append({"t_s": round(started - self.t0, 2), "error": repr(exc)})
            self._stop.wait(max(0.0, 1.0 - (time.perf_counter() - started)))


def _publish_paced(
    producer: Producer,
    topic: str,
    payloads: list[tuple[bytes, bytes]],
    rate: float,
    *,
    t0: float | None = None,
    on_sent: Callable[[int, bytes], None] | None = None,
    tick_s: float = 0.005,
) -> None:
    """Produce ``payloads`` at ``rate`` per second from ``t0`` (now by default), then flush.

    Record ``i`` is produced no earlier than ``t0 + i / rate``; the records due are produced together
    every ``tick_s`` (at most that late), so the harness wakes up 200 times a second instead of once per
    record and takes little of the CPU it measures (one wake-up per record cost ~0.1 ms at 1,000/s).
    """
    start = time.perf_counter() if t0 is None else t0
    sent = 0
    while sent < len(payloads):
        now = time.perf_counter()
        due = min(len(payloads), int((now - start) * rate) + 1)
        for i in range(sent, due):
            key, value = payloads[i]
            producer.produce(topic, key=key, value=value)
            if on_sent is not None:
                on_sent(i, key)
        sent = max(sent, due)
        producer.poll(0)
        if sent < len(payloads):
            wake = max(start + sent / rate, now + tick_s)
            time.sleep(max(0.0, wake - time.perf_counter()))
    producer.flush(30)


def still_warming(jit_shares: Mapping[str, float | None], below: float | None) -> bool:
    """Whether a warm-up round left a server still compiling: its JIT took at least ``below`` of its
    CPU (``None``: no such check; a share not measured counts as warm)."""
    return below is not None and any(share is not None and share >= below for share in jit_shares.values())


def sources_by_id(
    es: Any, index: str, ids: list[str], fields: list[str], chunk: int = 1_000
) -> dict[str, Any]:
    """``fields`` of the documents ``ids`` of ``index`` that exist, by id; searched ``chunk`` ids at a
    time (a single search returns at most 10,000 hits: a 10-minute run samples 12,000 mentions)."""
    found: dict[str, Any] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        hits = es.search(index=index, query={"ids": {"values": part}}, size=len(part), source_includes=fields)
        found.update((hit["_id"], hit["_source"]) for hit in hits["hits"]["hits"])
    return found


def _wait_until(done: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.perf_counter() + timeout_s
    while not done() and time.perf_counter() < deadline:
        time.sleep(0.2)


def _wait_drained(timeline: Timeline, timeout_s: float) -> None:
    """Until the enrich and index stages have committed everything (or ``timeout_s``)."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        lags = timeline.lags()
        if lags["enrich"] == 0 and lags["index"] == 0:
            return
        time.sleep(1.0)


def stage_process_env(settings: Settings, overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The environment of a stage process: the run's settings (:func:`~ecoute.children.stage_env`),
    then ``overrides`` (``ECOUTE_…`` variables, e.g. ``ecoute bench e2e-ab``'s variant B), which win."""
    return {**stage_env(settings), **(overrides or {})}


def run_e2e(
    base: Settings,
    *,
    rate: float,
    duration: float,
    queries: int,
    sample_every: int = 50,
    drain_timeout: float = 180.0,
    server_pids: Mapping[str, int | None] | None = None,
    warmup_s: float = 10.0,
    warmup_load_s: float = 0.0,
    warm_until_jit_below: float | None = None,
    warmup_max_s: float = 300.0,
    on_progress: Callable[[str], None] = lambda _: None,
    profile_dir: Path | None = None,
    stage_log_level: str = "WARNING",
    stage_env_overrides: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run the end-to-end benchmark; returns the figures (see module doc). ``server_pids`` (name →
    pid of the Kafka and Elasticsearch servers, when local) adds their CPU and memory to the figures.
    ``warmup_load_s``: first publish that many seconds of other mentions at ``rate`` and wait until
    they are indexed, unmeasured — the JVMs' JIT compilers and the workers' caches then start warm,
    as in a long-running deployment (right after a restart Elasticsearch costs up to 2.5× the CPU
    per document). ``warm_until_jit_below`` (with ``server_pids``): repeat that warm-up, with new
    mentions, while a server's JIT compilers took at least this share of its CPU during the last round,
    until ``warmup_max_s`` of warm-up in all; every round is reported under ``warmup_rounds``.
    ``profile_dir``: also profile each stage with py-spy from the first measured
    publication until drained; collapsed stacks are written there and summarised under ``profile``.
    ``stage_log_level``: the stages' log level; at ``INFO`` the index sink logs where its time goes,
    and the reports logged while measuring are averaged under ``index_sink_timings``.
    ``stage_env_overrides``: ``ECOUTE_…`` environment variables given to the stage processes on top of
    the run's settings (what ``ecoute bench e2e-ab`` changes for its variant B); echoed in the result."""
    from elasticsearch import Elasticsearch

    from ecoute import mentions_index
    from ecoute.bench.es_time import es_time, stats_snapshot
    from ecoute.config_topics import publish_queries
    from ecoute.es import ensure_mention_templates
    from ecoute.kafka import delete_topics_with_prefix, ensure_topics, producer_config
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
            "log_level": stage_log_level,
        }
    )
    es = Elasticsearch(s.effective_es_url, request_timeout=60)
    ensure_topics(s)
    ensure_mention_templates(es, s.index_prefix, s.index_refresh_interval_s)
    names = random_brands(max(2, queries // 2), seed=11)
    if queries:
        publish_queries(s, query_definitions(names, tenants=max(1, queries // 100), per_brand=2)[:queries])
    receiver, webhook_received, alert_emitted = _start_alert_watch(s, es)
    total = int(rate * duration)

    def generate(seed: int, count: int) -> list[tuple[bytes, bytes]]:
        """``count`` mentions as (key, value), every ``sample_every``-th one with the hot word. Encoded
        one by one, so only the payloads are kept (~760 B a mention in memory); building every model
        first took the harness to 9 GB for a 40-minute run."""
        generator = MentionGenerator(names, seed=seed, rate_per_s=rate)
        payloads: list[tuple[bytes, bytes]] = []
        for i in range(count):
            m = generator.one()
            if i % sample_every == 0:
                m = m.model_copy(update={"text": f"{m.text} {HOT_WORD}"})
            payloads.append((m.id.encode(), m.model_dump_json().encode()))
        return payloads

    payloads = generate(21, total)

    log_dir = s.state_dir / f"bench-{token}"
    children: list[Child] = [
        spawn(name, ["worker", name], stage_process_env(s, stage_env_overrides), log_dir) for name in STAGES
    ]
    pids = {c.name: c.proc.pid for c in children}
    pids.update({name: pid for name, pid in (server_pids or {}).items() if pid})
    pids[BENCH_PROCESS] = os.getpid()
    alias = mentions_index.alias(s.index_prefix, "mentions")
    pending_search: set[str] = set()  # sampled mentions not found by a search yet
    searchable_by_id: dict[str, float] = {}  # sampled mention id → seconds from published to found
    sent: dict[str, float] = {}  # sampled mention id → perf_counter when published
    sent_wall: dict[str, float] = {}
    produced = 0
    stop = threading.Event()

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
                    if hit["_id"] in pending_search:
                        pending_search.discard(hit["_id"])
                        searchable_by_id[hit["_id"]] = now - sent[hit["_id"]]
            time.sleep(0.1)

    timeline = Timeline(s, es, alias, pids, lambda: produced)
    produce_s = drained_s = 0.0
    searchable = 0
    sampled_docs: dict[str, Any] = {}
    cpu_start: dict[str, float] = {}
    cpu_end: dict[str, float] = {}
    threads_start: dict[str, dict[str, float]] = {}
    threads_end: dict[str, dict[str, float]] = {}
    jvm_start: dict[str, dict[str, float]] = {}
    jvm_end: dict[str, dict[str, float]] = {}
    es_before: dict[str, Any] = {}
    es_after: dict[str, Any] = {}
    profiler = Profiler(profile_dir, f"e2e-{token}") if profile_dir is not None else None
    profiles: dict[str, dict[str, Any]] = {}
    warmup_rounds: list[dict[str, Any]] = []
    jvms = {name: with_descendants(pid) for name, pid in (server_pids or {}).items() if pid}
    measured_from = measured_until = 0.0
    t0 = time.perf_counter()
    try:
        on_progress("waiting for workers to start")
        time.sleep(warmup_s)  # workers load models and join their groups
        producer = Producer(producer_config(s))
        topic = s.topic("mentions.raw")

        def sampler(measured: bool) -> Callable[[int, bytes], None]:
            """What happens as mention ``i`` is produced: every ``sample_every``-th one is searched for
            until found; ``measured``, it also counts, and its webhook is waited for."""

            def on_sent(i: int, key: bytes) -> None:
                nonlocal produced
                if measured:
                    produced = i + 1
                if i % sample_every == 0:
                    producer.flush(5)
                    sent[key.decode()] = time.perf_counter()
                    if measured:
                        sent_wall[key.decode()] = time.time()
                    pending_search.add(key.decode())

            return on_sent

        # the warm-up goes through the same paths as the measured run: alerts for the hot word, and
        # the searches for sampled mentions (found ones are forgotten before measuring)
        poller = threading.Thread(target=poll_searchable, daemon=True)
        poller.start()
        while warmup_load_s > 0:
            batch = generate(22 + len(warmup_rounds), int(rate * warmup_load_s))
            on_progress(f"warm-up: {len(batch)} mentions at {rate:.0f}/s, not measured")
            jvm_before = {name: jvm_thread_cpu_seconds(tree) for name, tree in jvms.items()}
            _publish_paced(producer, topic, batch, rate, on_sent=sampler(measured=False))
            _wait_drained(timeline, drain_timeout)
            _wait_until(lambda: not pending_search, drain_timeout)
            shares = {
                name: jit_share(jvm_before[name], jvm_thread_cpu_seconds(tree)) for name, tree in jvms.items()
            }
            warmup_rounds.append({"mentions": len(batch), "jit_share_of_jvm_cpu": shares})
            warmed_s = len(warmup_rounds) * warmup_load_s
            if not still_warming(shares, warm_until_jit_below) or warmed_s + warmup_load_s > warmup_max_s:
                break
            jit = ", ".join(f"{name} {share:.0%}" for name, share in shares.items() if share is not None)
            on_progress(f"the JIT compilers took {jit} of the servers' CPU: warming up again")
        if warmup_rounds:
            es.indices.refresh(index=alias)
            timeline.baseline = int(es.count(index=alias)["count"])
            searchable_by_id.clear()  # the warm-up's; nothing pending, so the poller adds no more
            pending_search.clear()
        on_progress(f"producing {total} mentions at {rate:.0f}/s")
        timeline.start()
        if profiler is not None:
            profiler.start({c.name: c.proc.pid for c in children})
        cpu_start = timeline.cpu_now()
        threads_start = timeline.threads_cpu_now()
        jvm_start = timeline.jvm_threads_now()
        es_before = stats_snapshot(es, s.index_prefix)
        measured_from = time.time()
        handover_start = _named_entity_records(s)
        t0 = timeline.t0
        _publish_paced(producer, topic, payloads, rate, t0=t0, on_sent=sampler(measured=True))
        produce_s = time.perf_counter() - t0
        on_progress("draining")
        deadline = time.perf_counter() + drain_timeout
        while time.perf_counter() < deadline:
            lags = timeline.latest_lags()
            if (
                lags
                and lags["enrich"] == 0
                and lags["index"] == 0
                and not pending_search
                and sent_wall.keys() <= webhook_received.keys()
            ):
                break
            time.sleep(0.5)
        es.indices.refresh(index=alias)
        searchable = int(es.count(index=alias)["count"]) - timeline.baseline
        sampled_docs = sources_by_id(es, alias, list(sent_wall), ["enriched_at", "indexed_at"])
        drained_s = time.perf_counter() - t0
        cpu_end = timeline.cpu_now()
        threads_end = timeline.threads_cpu_now()
        jvm_end = timeline.jvm_threads_now()
        es_after = stats_snapshot(es, s.index_prefix)
        measured_until = time.time()
        handover_end = _named_entity_records(s)
    finally:
        if profiler is not None:
            profiles = profiler.stop()
        stop.set()
        timeline.stop()
        stop_all(children)
        receiver.stop()
        es.options(ignore_status=404).indices.delete(index=f"{s.index_prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{s.index_prefix}-*")
        es.close()
        delete_topics_with_prefix(s, s.topic_prefix, s.consumer_group_prefix)
    webhook_latencies = [
        (sent[k], webhook_received[k] - t) for k, t in sent_wall.items() if k in webhook_received
    ]
    samples = [row for row in timeline.samples if "error" not in row]
    peak = {name: max((row["rss_mb"].get(name, 0.0) for row in samples), default=0.0) for name in pids}
    cpu = {name: round(cpu_end.get(name, 0.0) - cpu_start.get(name, 0.0), 2) for name in cpu_start}
    ecoute_names = [*STAGES]
    sink_times = sink_timings_from(log_dir / "index.log", measured_from, measured_until)
    return {
        "rate_target_per_s": rate,
        "duration_s": duration,
        "warmup_load_s": warmup_load_s,
        "warmup_rounds": warmup_rounds,
        "stage_env_overrides": dict(stage_env_overrides or {}),
        "queries": queries,
        "produced": total,
        "produce_s": round(produce_s, 2),
        "searchable": searchable,
        "all_searchable": searchable == total,
        "drained_after_s": round(drained_s, 2),
        "sustained_per_s": round(searchable / max(drained_s, 1e-9), 1),
        # a stage whose lag grows from start to drain did not keep up (NER may, by design)
        "lag_at_start": next((row["lag"] for row in samples if "lag" in row), {}),
        "lag_at_drain": timeline.latest_lags(),
        "lag_growth_per_s": lag_growth(samples, produce_s * 0.25, produce_s),
        "steady_published_per_s": steady_rate(samples, "published", produce_s * 0.25, produce_s),
        "steady_searchable_per_s": steady_rate(samples, "searchable", produce_s * 0.25, produce_s),
        "published_to_searchable": {
            "samples": len(searchable_by_id),
            **percentiles(list(searchable_by_id.values())),
        },
        "published_to_webhook": {
            "samples": len(webhook_latencies),
            "expected": len(sent_wall),
            **percentiles([lat for _, lat in webhook_latencies]),
        },
        "latency_breakdown": latency_breakdown(
            sent_wall, sampled_docs, searchable_by_id, alert_emitted, webhook_received
        ),
        # mentions the index sink handed to the NER worker (the rest in scope it tagged itself) and the
        # entity updates that came back (requeued early ones included), while measuring
        "named_entity_records": {k: handover_end[k] - handover_start[k] for k in handover_end},
        "rss_peak_mb": peak,
        "rss_peak_ecoute_total_mb": round(sum(peak.get(n, 0.0) for n in ecoute_names), 1),
        "cpu_s": cpu,
        "cpu_ms_per_mention": {name: round(1000 * v / max(total, 1), 3) for name, v in cpu.items()},
        # the same for each stage by thread: a Faust stage's event loop (Faust's own per-record work and
        # the agent's glue) against its step, delivery and consumer threads
        "cpu_ms_per_mention_by_thread": per_mention_by_thread(threads_start, threads_end, total),
        # the same for the Kafka and Elasticsearch JVMs (JIT compilers, garbage collector, the rest),
        # and the share of each JVM's CPU its JIT compilers took: high on a stack still warming up
        "cpu_ms_per_mention_by_jvm_thread": per_mention_by_thread(jvm_start, jvm_end, total),
        "jit_share_of_jvm_cpu": {
            name: jit_share(before, jvm_end.get(name, {})) for name, before in jvm_start.items()
        },
        # Elasticsearch's thread time by kind of work (indexing, refresh, merge, …) while measuring
        "elasticsearch_time": es_time(es_before, es_after, prefix=s.index_prefix, mentions=total),
        "cpu_busy_of_cores": round(sum(cpu.values()) / max(drained_s * (os.cpu_count() or 1), 1e-9), 3),
        **({"profile": profiles} if profiler is not None else {}),
        **({"index_sink_timings": sink_times} if sink_times is not None else {}),
        "timeline": samples,
        "searchable_latency_over_time": [
            (round(sent[mention_id] - t0, 2), round(lat * 1000, 1))
            for mention_id, lat in searchable_by_id.items()
        ],
        "webhook_latency_over_time": [
            (round(at - t0, 2), round(lat * 1000, 1)) for at, lat in webhook_latencies
        ],
    }
