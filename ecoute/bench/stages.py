"""Single-stage benchmarks, each with its naive alternative in the same run.

* ``match``: the Aho-Corasick-prefiltered :class:`QueryIndex` vs a loop over every query;
* ``enrich``: the batched pipeline (``enrich_batch`` over batches) vs one mention at a time;
* ``index``: bulk requests into the real Elasticsearch vs one request per document;
* ``ner``: spaCy NER with numpy's OpenBLAS vs thinc's default blis.
Throughput in items/s and per-item latency percentiles (per batch / per item as each processes them).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.report import percentiles, rss_mb
from ecoute.query import QueryIndex, compile_query, naive_match, parse
from ecoute.query.bench import brands as random_brands

T = TypeVar("T")


def _timed_loop(items: Sequence[T], batch: int, fn: Callable[[Sequence[T]], object]) -> dict[str, Any]:
    """Run ``fn`` over ``items`` in chunks of ``batch``; an item's latency is its chunk's time."""
    latencies: list[float] = []
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        chunk = items[i : i + batch]
        t0 = time.perf_counter()
        fn(chunk)
        latencies.extend([time.perf_counter() - t0] * len(chunk))
    elapsed = time.perf_counter() - start
    return {
        "items": len(items),
        "seconds": round(elapsed, 3),
        "per_s": round(len(items) / elapsed, 1),
        **percentiles(latencies),
    }


def build_query_index(
    n_queries: int, tenants: int = 100, seed: int = 7
) -> tuple[QueryIndex, list[str], float]:
    """A QueryIndex of ``n_queries`` realistic queries over ``n_queries // 2`` brands; (index, brands, s)."""
    names = random_brands(max(1, n_queries // 2), seed=seed)
    defs = query_definitions(names, tenants=tenants, per_brand=2, seed=seed)[:n_queries]
    start = time.perf_counter()
    index = QueryIndex(compile_query(d.id, d.tenant, parse(d.query)) for d in defs)
    return index, names, time.perf_counter() - start


def bench_match(n_queries: int = 10_000, n_docs: int = 5_000, naive_docs: int = 300) -> dict[str, Any]:
    """Matching throughput with ``n_queries`` loaded: prefiltered index vs naive loop (same docs)."""
    from enrich.matching import matchable

    index, names, build_s = build_query_index(n_queries)
    rss_after_build = rss_mb()
    mentions = MentionGenerator(names, seed=1).take(n_docs)
    docs = [matchable(m, "fr") for m in mentions]
    ours = _timed_loop(docs, 1, lambda chunk: [index.match(d) for d in chunk])
    queries = list(index)
    subset = docs[:naive_docs]
    naive = _timed_loop(subset, 1, lambda chunk: [naive_match(queries, d) for d in chunk])
    agree = all(
        {(r.tenant, r.query_id) for r in index.match(d)}
        == {(r.tenant, r.query_id) for r in naive_match(queries, d)}
        for d in subset[:100]
    )
    matched = sum(1 for d in docs[:1000] if index.match(d))
    return {
        "queries": len(index),
        "index_build_s": round(build_s, 2),
        "rss_mb_with_index": rss_after_build,
        "docs_matching_any_query_pct": round(100 * matched / min(1000, len(docs)), 1),
        "ours": ours,
        "naive": naive,
        "speedup": round(ours["per_s"] / naive["per_s"], 1),
        "same_results_on_100_docs": agree,
    }


def bench_enrich(
    n_docs: int = 5_000, n_queries: int = 10_000, batch: int = 500, naive_docs: int = 1_000
) -> dict[str, Any]:
    """Whole enrichment (langid, sentiment, matching, regex entities): batches vs one by one."""
    from enrich.langid import warm_up
    from enrich.matching import match_mention
    from enrich.pipeline import enrich_batch

    warm_up()
    index, names, _ = build_query_index(n_queries)
    mentions = MentionGenerator(names, seed=3).take(n_docs)
    now = datetime.now(UTC)

    def run(chunk: Sequence[Any]) -> object:
        return enrich_batch(chunk, now=now, matcher=lambda m, lang: match_mention(index, m, lang))

    run(mentions[:200])  # warm caches (lexicons, detectors)
    ours = _timed_loop(mentions, batch, run)
    naive = _timed_loop(mentions[:naive_docs], 1, run)
    return {
        "queries": len(index),
        "batch": batch,
        "ours": ours,
        "naive_one_by_one": naive,
        "speedup": round(ours["per_s"] / naive["per_s"], 2),
        "rss_mb": rss_mb(),
    }


def bench_index(
    es_url: str, n_docs: int = 20_000, bulk_size: int = 1_000, naive_docs: int = 1_000
) -> dict[str, Any]:
    """Elasticsearch indexing into throw-away indices, the same mentions three ways: what the sink does
    for new documents (bulk ``create``), bulk upserts (``update`` + ``doc_as_upsert``, what it does for
    documents that may exist), and one upsert request per document (``naive_docs`` of them)."""
    from elasticsearch import Elasticsearch

    from ecoute import mentions_index
    from ecoute.es import ensure_mention_templates
    from enrich.indexing.documents import mention_actions
    from enrich.indexing.placement import create_new_documents
    from enrich.indexing.query_fields import mention_query_fields
    from schemas.mention import EnrichedMention, QueryMatch

    es = Elasticsearch(es_url, request_timeout=120)
    token = uuid.uuid4().hex[:8]
    prefix, upsert_prefix = f"bench-{token}", f"bench-{token}-upsert"
    for p in (prefix, upsert_prefix):
        ensure_mention_templates(es, p)
    gen = MentionGenerator(random_brands(500, seed=9), seed=5)
    now = datetime.now(UTC)
    enriched = [
        EnrichedMention.from_raw(
            m,
            lang="fr",
            enriched_at=now,
            matches=(QueryMatch(tenant="bench", query_id="q"),) if i % 5 == 0 else (),
        )
        for i, m in enumerate(gen.take(n_docs + naive_docs))
    ]

    def actions_for(mentions: list[EnrichedMention], into: str) -> list[dict[str, Any]]:
        return [
            a
            for m in mentions
            for a in mention_actions(m, prefix=into, indexed_at=now, query_fields=mention_query_fields)
        ]

    creates = actions_for(enriched[:n_docs], prefix)
    create_new_documents(prefix, creates, known=set())
    upserts = actions_for(enriched[:n_docs], upsert_prefix)
    naive_actions = actions_for(enriched[n_docs:], upsert_prefix)
    try:
        ours = _timed_loop(creates, bulk_size, lambda chunk: _must_write(es, list(chunk)))
        upsert = _timed_loop(upserts, bulk_size, lambda chunk: _must_write(es, list(chunk)))
        naive = _timed_loop(naive_actions, 1, lambda chunk: _must_write(es, list(chunk)))
        es.indices.refresh(index=f"bench-{token}-*")
        stored = es.count(index=mentions_index.alias(prefix, "mentions"))["count"]
        stored_upsert = es.count(index=mentions_index.alias(upsert_prefix, "mentions"))["count"]
    finally:
        es.options(ignore_status=404).indices.delete(index=f"bench-{token}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"bench-{token}-*")
        es.close()
    return {
        "documents": len(creates),
        "bulk_size": bulk_size,
        "ours": ours,
        "bulk_upserts": upsert,
        "naive_one_request_per_doc": naive,
        "speedup": round(ours["per_s"] / naive["per_s"], 1),
        "speedup_vs_bulk_upserts": round(ours["per_s"] / upsert["per_s"], 2),
        "global_docs_stored": stored,
        "global_docs_stored_by_upserts": stored_upsert,
    }


def _must_write(es: Any, actions: list[dict[str, Any]]) -> None:
    from enrich.indexing.bulk import write_bulk

    outcome = write_bulk(es, actions)
    if outcome.rejected or outcome.retry:
        raise RuntimeError(
            f"bench documents not written: {outcome.rejected[:1]} {len(outcome.retry)} to retry"
        )


def _total(by_thread: dict[str, float | None]) -> float | None:
    """Sum of the thread groups' CPU per mention; None if one was not measured."""
    values = list(by_thread.values())
    return None if any(v is None for v in values) else round(sum(v for v in values if v is not None), 3)


def bench_enrich_worker(
    base: Any, n_docs: int = 20_000, n_queries: int = 10_000, batch_sizes: Sequence[int] = (500, 200, 1)
) -> dict[str, Any]:
    """The real enrich worker (Faust, Kafka in and out) draining ``n_docs`` pre-produced mentions, once
    per batch size: ``take`` batches of 500 and of 200 (the default) vs a per-event agent (batch size
    1). ``speedup`` compares the first with the last. Each run also gives the worker's CPU per mention
    from its first output to the last, in all and by thread group (the main thread is Faust's event
    loop: fetching, delivering records to the stream, acknowledging; the others run the step and the
    delivery to Kafka); None where /proc could not be read."""
    from confluent_kafka import Producer

    from ecoute.bench.report import per_mention_by_thread, thread_cpu_seconds
    from ecoute.children import spawn, stage_env
    from ecoute.config_topics import publish_queries
    from ecoute.demo import topic_end_offsets
    from ecoute.kafka import delete_topics_with_prefix, ensure_topics, producer_config

    names = random_brands(max(2, n_queries // 2), seed=11)
    runs: dict[str, Any] = {}
    for batch in batch_sizes:
        token = uuid.uuid4().hex[:8]
        s = base.model_copy(
            update={
                "kafka_bootstrap": base.effective_kafka_bootstrap,
                "es_url": base.effective_es_url,
                "topic_prefix": f"benchw{token}.",
                "consumer_group_prefix": f"benchw{token}",
                "enrich_batch_size": batch,
            }
        )
        ensure_topics(s)
        if n_queries:
            publish_queries(s, query_definitions(names, tenants=100, per_brand=2)[:n_queries])
        producer = Producer(producer_config(s))
        for m in MentionGenerator(names, seed=3).take(n_docs):
            producer.produce(s.topic("mentions.raw"), key=m.id.encode(), value=m.model_dump_json().encode())
            producer.poll(0)
        producer.flush(60)
        child = spawn(
            "enrich", ["worker", "enrich"], stage_env(s, log_level="WARNING"), s.state_dir / "bench"
        )
        out = s.topic("mentions.enriched")
        try:
            while topic_end_offsets(s, out) < 1:
                if not child.alive():
                    raise RuntimeError(f"enrich worker died: {child.log_path}")
                time.sleep(0.1)
            start = time.perf_counter()
            first_output = topic_end_offsets(s, out)
            cpu_start = thread_cpu_seconds(child.proc.pid)
            while (done := topic_end_offsets(s, out)) < n_docs:
                if not child.alive():
                    raise RuntimeError(f"enrich worker died: {child.log_path}")
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
            cpu = per_mention_by_thread(
                {"enrich": cpu_start}, {"enrich": thread_cpu_seconds(child.proc.pid)}, done - first_output
            )["enrich"]
            peak = rss_mb(child.proc.pid)
        finally:
            child.stop(60)
            delete_topics_with_prefix(s, s.consumer_group_prefix)
        runs[f"batch_{batch}"] = {
            "items": done,
            "seconds": round(elapsed, 2),
            "per_s": round(done / elapsed, 1),
            "rss_mb": peak,
            "cpu_ms_per_mention": _total(cpu),
            "cpu_ms_per_mention_by_thread": cpu,
        }
    first, last = (runs[f"batch_{b}"] for b in (batch_sizes[0], batch_sizes[-1]))
    return {"queries": n_queries, "runs": runs, "speedup": round(first["per_s"] / last["per_s"], 2)}


def _tag_timed(ner: Any, items: Sequence[Any], batch: int) -> tuple[dict[str, Any], list[Any]]:
    """``_timed_loop`` of ``ner`` over ``items`` (after a warm-up loading both models), with CPU time
    per mention; returns the timings and the entities found."""
    ner(list(items[:50]) + list(items[-50:]))
    found: list[Any] = []
    cpu0 = time.process_time()
    timings = _timed_loop(items, batch, lambda chunk: found.extend(ner(chunk)))
    timings["cpu_ms_per_mention"] = round((time.process_time() - cpu0) * 1000 / len(items), 3)
    return timings, found


def bench_ner(n_docs: int = 2_000, batch: int = 256) -> dict[str, Any]:
    """spaCy NER (the NER worker's step) with numpy's OpenBLAS vs thinc's default blis, same mentions
    (half French, half English, each through its language's model), plus CPU per mention: BLAS
    threads show up as CPU above wall time. Also checks that both find the same entities."""
    import os

    from enrich.ner import SpacyNer

    names = random_brands(200, seed=11)
    half = n_docs // 2
    items = [(m, "fr") for m in MentionGenerator(names, seed=11, fr_share=1.0).take(half)]
    items += [(m, "en") for m in MentionGenerator(names, seed=12, fr_share=0.0).take(n_docs - half)]
    results: dict[str, dict[str, Any]] = {}
    found: dict[str, list[Any]] = {}
    for variant, use_blis in (("numpy", False), ("blis", True)):
        results[variant], found[variant] = _tag_timed(
            SpacyNer(batch_size=batch, use_blis=use_blis), items, batch
        )
    return {
        "batch": batch,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset (OpenBLAS default)"),
        "ours": results["numpy"],
        "naive_blis": results["blis"],
        "speedup": round(results["numpy"]["per_s"] / results["blis"]["per_s"], 2),
        "cpu_ratio": round(results["blis"]["cpu_ms_per_mention"] / results["numpy"]["cpu_ms_per_mention"], 2),
        "same_entities": found["numpy"] == found["blis"],
        "entities_found": sum(map(len, found["numpy"])),
    }
