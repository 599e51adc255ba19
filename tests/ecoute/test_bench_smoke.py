"""Seconds-long smoke runs of the benchmarks, so they keep working (no timing is asserted)."""

from __future__ import annotations

import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ecoute.bench.e2e import _publish_paced
from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.report import (
    JVM_THREAD_GROUPS,
    THREAD_GROUPS,
    jit_share,
    jvm_thread_cpu_seconds,
    per_mention_by_thread,
    percentiles,
    thread_cpu_seconds,
    write_result,
)
from ecoute.bench.stages import bench_enrich, bench_enrich_worker, bench_index, bench_match, bench_ner
from ecoute.query import parse
from ecoute.settings import Settings
from tests.conftest import StackEndpoints


def test_generator_is_deterministic_and_queries_parse() -> None:
    a = MentionGenerator(["Bonval", "Ferralis"], seed=3).take(50)
    b = MentionGenerator(["Bonval", "Ferralis"], seed=3).take(50)
    assert [m.text for m in a] == [m.text for m in b]
    assert len({m.id for m in a}) == 50
    burst = MentionGenerator(["Bonval"], seed=1).burst("Ferralis", 10)
    assert all("Ferralis" in m.text for m in burst)
    defs = query_definitions(["Bonval", "Doux Pâturages"], tenants=2, per_brand=3)
    assert len(defs) == 6 and {d.tenant for d in defs} == {"tenant-0000", "tenant-0001"}
    for d in defs:
        parse(d.query)


def test_percentiles() -> None:
    samples = [i / 1000 for i in range(1, 101)]
    assert percentiles(samples) == {"p50_ms": 50.0, "p90_ms": 90.0, "p99_ms": 99.0}


def test_match_and_enrich_benches_run_and_agree(tmp_path: Path) -> None:
    match = bench_match(n_queries=300, n_docs=200, naive_docs=30)
    assert match["queries"] == 300 and match["same_results_on_100_docs"] is True
    assert match["ours"]["items"] == 200 and match["naive"]["items"] == 30
    enrich = bench_enrich(n_docs=200, n_queries=100, batch=50, naive_docs=20)
    assert enrich["ours"]["items"] == 200 and enrich["speedup"] > 0
    path = write_result("smoke", enrich, results_dir=tmp_path)
    saved = json.loads(path.read_text())
    assert saved["machine"]["cores"] >= 1 and saved["ours"]["items"] == 200


def test_ner_bench_runs_both_matrix_backends_and_they_agree() -> None:
    result = bench_ner(n_docs=40, batch=16)
    assert result["ours"]["items"] == result["naive_blis"]["items"] == 40
    assert result["same_entities"] is True and result["entities_found"] > 10
    assert result["ours"]["cpu_ms_per_mention"] > 0 and result["speedup"] > 0


@pytest.mark.integration
def test_index_bench_runs_on_the_real_elasticsearch(es_url: str) -> None:
    result = bench_index(es_url, n_docs=300, bulk_size=100, naive_docs=20)
    assert result["global_docs_stored"] == 300 and result["global_docs_stored_by_upserts"] == 320
    assert result["ours"]["items"] == result["bulk_upserts"]["items"] == result["documents"]


@pytest.mark.integration
def test_enrich_worker_bench_drains_through_the_real_worker_and_splits_its_cpu(
    pipeline_settings: Settings,
) -> None:
    result = bench_enrich_worker(pipeline_settings, n_docs=2_000, n_queries=20, batch_sizes=(200, 1))
    assert set(result["runs"]) == {"batch_200", "batch_1"}
    for run in result["runs"].values():
        assert run["items"] >= 2_000 and run["per_s"] > 0
        by_thread = run["cpu_ms_per_mention_by_thread"]
        assert set(by_thread) == set(THREAD_GROUPS)
        assert by_thread["main thread"] > 0 and by_thread["other threads"] > 0  # Faust's loop, the step
        assert run["cpu_ms_per_mention"] == pytest.approx(sum(by_thread.values()), abs=0.002)
    assert result["speedup"] > 0


def test_latency_breakdown_splits_each_sampled_mention_into_hops() -> None:
    from ecoute.bench.e2e import latency_breakdown

    published = {"a": 1000.0, "b": 1000.0, "lost": 1000.0}
    docs = {
        "a": {"enriched_at": "1970-01-01T00:16:40.5+00:00", "indexed_at": "1970-01-01T00:16:41Z"},
        "b": {"enriched_at": "1970-01-01T00:16:40.2Z", "indexed_at": "1970-01-01T00:16:40.4Z"},
    }
    hops = latency_breakdown(published, docs, {"a": 2.0}, {"a": 1000.75, "b": 1000.3}, {"a": 1000.8})
    assert hops["published → enriched"]["p99_ms"] == 500.0
    assert hops["enriched → indexed (bulk sent)"]["p50_ms"] == 200.0
    assert hops["indexed → searchable (refresh, poll)"]["p50_ms"] == 1000.0
    assert hops["enriched → alert emitted"]["p50_ms"] == 250.0  # b was never received: left out
    assert round(hops["alert emitted → webhook received"]["p50_ms"], 3) == 50.0


def test_steady_rate_is_the_growth_inside_the_window() -> None:
    from ecoute.bench.e2e import steady_rate

    timeline: list[dict[str, Any]] = [
        {"t_s": 0.0, "searchable": 0},
        {"t_s": 2.0, "searchable": 100},
        {"t_s": 3.0, "error": "missed sample"},
        {"t_s": 4.0, "searchable": 2100},
        {"t_s": 6.0, "searchable": 4100},
        {"t_s": 9.0, "searchable": 4500},
    ]
    assert steady_rate(timeline, "searchable", 2.0, 6.0) == 1000.0
    assert steady_rate(timeline, "searchable", 1.0, 8.0) == 1000.0
    assert steady_rate(timeline, "searchable", 7.0, 8.0) is None


def test_lag_growth_is_the_slope_of_each_stage_lag_inside_the_window() -> None:
    from ecoute.bench.e2e import lag_growth

    timeline: list[dict[str, Any]] = [
        {"t_s": 0.0, "lag": {"index": 900, "ner": 0}},  # before the window (warm-up spike): ignored
        {"t_s": 1.0, "lag": {"index": 10, "ner": 100}},
        {"t_s": 2.0, "error": "missed sample"},
        {"t_s": 3.0, "lag": {"index": 30, "ner": 700}},
        {"t_s": 5.0, "lag": {"index": 10, "ner": 1300, "index-entities": 5}},
        {"t_s": 9.0, "lag": {"index": 0, "ner": 0}},  # after it (drain): ignored
    ]
    growth = lag_growth(timeline, 1.0, 5.0)
    assert growth["ner"] == 300.0  # falls 300 messages behind per second
    assert growth["index"] == 0.0  # keeps up: its lag only jitters
    assert "index-entities" not in growth  # a single sample gives no slope
    assert lag_growth(timeline, 6.0, 8.0) == {}


def test_e2e_chart_is_written(tmp_path: Path) -> None:
    from ecoute.bench.plot import plot_e2e

    def sample(t: float, published: int, searchable: int, lag: int) -> dict[str, object]:
        return {
            "t_s": t,
            "published": published,
            "searchable": searchable,
            "lag": {"enrich": lag, "index": lag // 2},
            "rss_mb": {"enrich": 250.0 + t, "index": 100.0},
            "cpu_s": {"enrich": t / 2},
        }

    result = {
        "rate_target_per_s": 100.0,
        "timeline": [sample(0.0, 0, 0, 0), sample(1.0, 100, 40, 60), {"t_s": 2.0, "error": "x"}],
        "searchable_latency_over_time": [(0.1, 900.0), (0.9, 1200.0)],
        "webhook_latency_over_time": [(0.1, 300.0)],
    }
    png = plot_e2e(result, tmp_path / "e2e.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.integration
def test_sampled_documents_are_fetched_in_chunks_whatever_their_number(
    pipeline_settings: Settings, es_client: Any
) -> None:
    from ecoute.bench.e2e import sources_by_id

    index = f"{pipeline_settings.index_prefix}-sampled"
    ids = [f"m{i:03d}" for i in range(25)]
    try:
        for i, doc_id in enumerate(ids):
            es_client.index(index=index, id=doc_id, document={"indexed_at": i, "text": "x"})
        es_client.indices.refresh(index=index)
        found = sources_by_id(es_client, index, [*ids, "absent"], ["indexed_at"], chunk=10)
    finally:
        es_client.options(ignore_status=404).indices.delete(index=index)
    assert found == {doc_id: {"indexed_at": i} for i, doc_id in enumerate(ids)}  # 3 chunks, one miss


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_e2e_bench_runs_every_stage_on_the_real_stack(
    pipeline_settings: Settings, stack: StackEndpoints, tmp_path: Path
) -> None:
    """A seconds-long run of ``ecoute bench e2e``: every published mention becomes searchable, every
    sampled one is delivered as a signed webhook, the timeline covers every stage's lag, py-spy
    profiled every stage (``--profile``) and Elasticsearch's own time counters were read."""
    from ecoute.bench.e2e import ENTITY_UPDATES_LAG, STAGES, run_e2e
    from ecoute.bench.plot import plot_e2e

    result = run_e2e(
        pipeline_settings,
        rate=100,
        duration=3,
        queries=40,
        sample_every=10,
        warmup_s=0.0,
        warmup_load_s=1.0,  # 100 unmeasured mentions first, twice (below): not counted below
        warm_until_jit_below=0.0,  # any JIT share "still warming": warm up again, up to warmup_max_s
        warmup_max_s=2.0,
        drain_timeout=300.0,
        profile_dir=tmp_path / "profiles",
        server_pids=stack.pids,
    )
    assert result["produced"] == 300 and result["searchable"] == 300 and result["all_searchable"]
    assert result["steady_published_per_s"] is None or result["steady_published_per_s"] > 0
    assert result["published_to_searchable"]["samples"] == 30
    assert result["published_to_webhook"]["samples"] == result["published_to_webhook"]["expected"] == 30
    assert result["published_to_webhook"]["p99_ms"] > 0
    timeline = [row for row in result["timeline"] if "lag" in row]
    assert timeline and set(timeline[-1]["lag"]) == {*STAGES, ENTITY_UPDATES_LAG}
    assert timeline[-1]["lag"]["enrich"] == 0 and timeline[-1]["searchable"] >= timeline[0]["searchable"]
    assert result["lag_at_start"] == timeline[0]["lag"] and result["lag_at_drain"] == timeline[-1]["lag"]
    assert set(result["lag_growth_per_s"]) <= {*STAGES, ENTITY_UPDATES_LAG}
    assert set(STAGES) <= set(result["cpu_s"]) and result["cpu_s"]["enrich"] > 0
    by_thread = result["cpu_ms_per_mention_by_thread"]
    assert set(by_thread) == set(STAGES) and all(set(g) == set(THREAD_GROUPS) for g in by_thread.values())
    assert by_thread["enrich"]["main thread"] > 0 and by_thread["enrich"]["other threads"] > 0
    assert sum(by_thread["enrich"].values()) <= result["cpu_ms_per_mention"]["enrich"] + 0.05
    rounds = result["warmup_rounds"]
    assert all(r["mentions"] == 100 for r in rounds)
    assert len(rounds) == (2 if stack.pids else 1)  # repeated only on JIT shares it could measure
    if stack.pids:  # the local servers: their JVMs' CPU by thread group, and the JIT's share of it
        assert all(set(r["jit_share_of_jvm_cpu"]) == {"kafka", "elasticsearch"} for r in rounds)
        by_jvm_thread = result["cpu_ms_per_mention_by_jvm_thread"]
        assert set(by_jvm_thread) == {"kafka", "elasticsearch"}
        assert all(set(g) == set(JVM_THREAD_GROUPS) for g in by_jvm_thread.values())
        assert by_jvm_thread["elasticsearch"]["other threads"] > 0  # it indexed the mentions
        es_total = sum(v for v in by_jvm_thread["elasticsearch"].values() if v is not None)
        # read a moment apart from the process's CPU (hundreds of threads to read) while Elasticsearch
        # keeps working: over 300 mentions, 50 ms of skew is 0.17 ms per mention (CI saw 5.17 vs 5.33)
        assert es_total == pytest.approx(result["cpu_ms_per_mention"]["elasticsearch"], rel=0.1, abs=0.1)
        assert all(0 <= share <= 1 for share in result["jit_share_of_jvm_cpu"].values())
    handover = result["named_entity_records"]  # counted while measuring
    assert set(handover) == {"handed_to_ner_worker", "entity_updates"} and min(handover.values()) >= 0
    assert all(result["rss_peak_mb"][stage] > 0 for stage in STAGES)
    es_time = result["elasticsearch_time"]  # the server's own counters, while measuring only
    assert es_time["counts"]["documents_indexed"] >= 300 and es_time["ms_per_mention"]["indexing"] > 0
    assert {"mentions", "tenant-mentions"} <= {name.rsplit("-v", 1)[0] for name in es_time["by_index"]}
    assert plot_e2e(result, tmp_path / "e2e.png").stat().st_size > 10_000
    profiles = result["profile"]
    assert set(profiles) == set(STAGES) and not [p for p in profiles.values() if "error" in p], profiles
    assert profiles["enrich"]["samples"] > 0 and Path(profiles["enrich"]["file"]).is_relative_to(tmp_path)
    enrich_own = {entry["function"].split(" (")[0] for entry in profiles["enrich"]["top_own_inclusive"]}
    assert "run_enrich_worker" in enrich_own  # samples are attributed to the stage's own code
    hops = result["latency_breakdown"]
    assert (
        hops["published → enriched"]["p50_ms"] > 0 and hops["alert emitted → webhook received"]["p50_ms"] > 0
    )


class _RecordingProducer:
    """Records when each record is handed over and how often the harness polls (what pacing decides)."""

    def __init__(self) -> None:
        self.produced: list[tuple[float, bytes]] = []
        self.polls = 0
        self.flushed = False

    def produce(self, topic: str, *, key: bytes, value: bytes) -> None:
        self.produced.append((time.perf_counter(), key))

    def poll(self, timeout: float) -> int:
        self.polls += 1
        return 0

    def flush(self, timeout: float) -> int:
        self.flushed = True
        return 0


def test_paced_publishing_is_never_early_and_wakes_up_per_tick_not_per_record() -> None:
    payloads = [(f"k{i}".encode(), b"v") for i in range(300)]
    producer = _RecordingProducer()
    seen: list[int] = []
    t0 = time.perf_counter()
    _publish_paced(producer, "t", payloads, 1_000.0, t0=t0, on_sent=lambda i, _: seen.append(i))  # type: ignore[arg-type]
    assert [key for _, key in producer.produced] == [key for key, _ in payloads] and producer.flushed
    assert seen == list(range(300))
    assert all(at >= t0 + i / 1_000.0 for i, (at, _) in enumerate(producer.produced))
    assert producer.polls <= 300 / 5 + 5  # one wake-up per 5 ms tick (5 records), not one per record


def test_thread_cpu_is_split_between_the_main_thread_and_the_others() -> None:
    def spin(seconds: float) -> None:
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass

    before = thread_cpu_seconds(os.getpid())
    worker = threading.Thread(target=spin, args=(0.3,))  # exits before the second reading
    worker.start()
    worker.join()
    spin(0.1)
    after = thread_cpu_seconds(os.getpid())
    assert set(before) == set(after) == set(THREAD_GROUPS)
    assert after["other threads"] - before["other threads"] >= 0.25  # an exited thread's time included
    assert 0.08 <= after["main thread"] - before["main thread"] < 0.3
    # the spinning threads' 0.4 s is not counted as librdkafka's; clients other tests left open in this
    # process may still run their librdkafka threads a little (10 ms seen in CI)
    assert after["librdkafka threads"] - before["librdkafka threads"] < 0.05
    gone = thread_cpu_seconds(2**22 + 12345)  # above the kernel's pid limit: never a process
    assert set(gone) == set(THREAD_GROUPS) and all(math.isnan(v) for v in gone.values())


def _spin_as(name: bytes, seconds: float, spun: threading.Event, release: threading.Event) -> None:
    """Burn ``seconds`` of CPU in a thread the kernel knows as ``name`` (as HotSpot names its threads),
    then stay alive until ``release`` (a thread's time counts under its name while it lives)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(15, ctypes.c_char_p(name), 0, 0, 0) == 0  # PR_SET_NAME, this thread only
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass
    spun.set()
    release.wait(30)


def test_jvm_thread_cpu_goes_to_the_jit_the_collector_or_the_rest_by_thread_name() -> None:
    release = threading.Event()
    spinners = [
        (threading.Thread(target=_spin_as, args=(name, seconds, spun, release)), spun)
        for name, seconds, spun in (
            (b"C2 CompilerThread0", 0.3, threading.Event()),
            (b"GC Thread#0", 0.2, threading.Event()),
        )
    ]
    before = jvm_thread_cpu_seconds([os.getpid()])
    for thread, _ in spinners:
        thread.start()
    assert all(spun.wait(30) for _, spun in spinners)
    after = jvm_thread_cpu_seconds([os.getpid()])
    release.set()
    for thread, _ in spinners:
        thread.join()
    assert set(before) == set(after) == set(JVM_THREAD_GROUPS)
    spent = {group: after[group] - before[group] for group in JVM_THREAD_GROUPS}
    assert 0.25 <= spent["JIT compiler threads"] < 0.45
    assert 0.15 <= spent["garbage collector threads"] < 0.35
    share = jit_share(before, after)
    assert share is not None and share == round(spent["JIT compiler threads"] / sum(spent.values()), 3)
    gone = jvm_thread_cpu_seconds([2**22 + 12345])  # above the kernel's pid limit: never a process
    assert all(math.isnan(v) for v in gone.values())
    assert jit_share(before, gone) is None and jit_share(before, before) is None  # nothing measured


def test_a_warm_up_round_is_repeated_only_while_a_jit_took_the_threshold_share() -> None:
    from ecoute.bench.e2e import still_warming

    assert still_warming({"kafka": 0.04, "elasticsearch": 0.38}, 0.2)
    assert still_warming({"elasticsearch": 0.2}, 0.2)  # at the threshold: still warming
    assert not still_warming({"kafka": 0.04, "elasticsearch": 0.19}, 0.2)
    assert not still_warming({"kafka": None, "elasticsearch": None}, 0.2)  # not measured: no repeat
    assert not still_warming({}, 0.2)  # no local server
    assert not still_warming({"elasticsearch": 0.9}, None)  # no check asked for


def test_per_mention_by_thread_divides_the_differences_and_marks_what_was_not_measured() -> None:
    start = {"enrich": {"main thread": 1.0, "other threads": 2.0}, "ner": {"main thread": float("nan")}}
    end = {"enrich": {"main thread": 1.5, "other threads": 2.1}}
    assert per_mention_by_thread(start, end, 1_000) == {
        "enrich": {"main thread": 0.5, "other threads": 0.1},
        "ner": {"main thread": None},
    }
