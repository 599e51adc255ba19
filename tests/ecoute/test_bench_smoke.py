"""Seconds-long smoke runs of the benchmarks, so they keep working (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoute.bench.generate import MentionGenerator, query_definitions
from ecoute.bench.report import percentiles, write_result
from ecoute.bench.stages import bench_enrich, bench_index, bench_match
from ecoute.query import parse


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


@pytest.mark.integration
def test_index_bench_runs_on_the_real_elasticsearch(es_url: str) -> None:
    result = bench_index(es_url, n_docs=300, bulk_size=100, naive_docs=20)
    assert result["global_docs_stored"] == 320
    assert result["ours"]["items"] == result["documents"]


def test_e2e_chart_is_written(tmp_path: Path) -> None:
    from ecoute.bench.plot import plot_e2e

    result = {
        "rate_target_per_s": 100.0,
        "lag_over_time": [{"t_s": 1.0, "enrich": 50, "index": 3}, {"t_s": 2.0, "enrich": 0, "index": 0}],
        "rss_over_time": [{"enrich": 250.0, "index": 100.0}, {"enrich": 260.0, "index": 101.0}],
    }
    png = plot_e2e(result, tmp_path / "e2e.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
