"""Elasticsearch's time by kind of work between two ``_stats`` snapshots (pure; the real server's
stats are read in the e2e smoke run, tests/ecoute/test_bench_smoke.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ecoute.bench.es_time import COUNTS, THROTTLED_MS, TIMES_MS, es_time


def _index(**values: float) -> dict[str, Any]:
    """One index's stats in the server's shape: ``values`` by reported name (TIMES_MS, THROTTLED_MS,
    COUNTS)."""
    primaries: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        section, field = {**TIMES_MS, **THROTTLED_MS, **COUNTS}[key]
        primaries.setdefault(section, {})[field] = value
    return {"primaries": primaries, "total": primaries}


def _snapshot(**indices: dict[str, Any]) -> dict[str, Any]:
    return {"_shards": {"total": len(indices)}, "indices": indices}


def test_differences_are_summed_over_the_prefixed_indices_and_divided_by_mentions() -> None:
    before = _snapshot(
        **{
            "b1-mentions": _index(indexing=100, refresh=40, documents_indexed=1000, refreshes=5),
            "b1-tenant-mentions": _index(indexing=50, merge=0, documents_indexed=600),
            "other-mentions": _index(indexing=0),
        }
    )
    after = _snapshot(
        **{
            "b1-mentions": _index(indexing=700, refresh=340, search=20, documents_indexed=3000, refreshes=35),
            "b1-tenant-mentions": _index(
                indexing=450, merge=200, merge_throttled=120, documents_indexed=1800, merges=1
            ),
            "other-mentions": _index(indexing=99_999, documents_indexed=99_999),  # not ours: ignored
            "b10-mentions": _index(indexing=99_999, documents_indexed=99_999),  # another prefix
        }
    )
    figures = es_time(before, after, prefix="b1", mentions=2000)
    per = figures["ms_per_mention"]
    assert per["indexing"] == pytest.approx((600 + 400) / 2000)
    assert per["refresh"] == pytest.approx(300 / 2000)
    assert per["merge"] == pytest.approx(200 / 2000)
    assert per["merge_throttled"] == pytest.approx(120 / 2000)  # paused, not working: not in the total
    assert per["search"] == pytest.approx(20 / 2000)
    assert per["total"] == pytest.approx((600 + 400 + 300 + 200 - 120 + 20) / 2000)
    assert figures["counts"] == {"documents_indexed": 3200, "refreshes": 30, "merges": 1, "searches": 0}
    assert figures["by_index"]["mentions"]["indexing"] == 600
    assert figures["by_index"]["tenant-mentions"]["merge"] == 200
    assert set(figures["by_index"]) == {"mentions", "tenant-mentions"}


def test_an_index_created_while_measuring_counts_from_zero_and_one_gone_is_left_out() -> None:
    before = _snapshot(**{"b1-gone": _index(indexing=500)})
    after = _snapshot(**{"b1-new": _index(indexing=80, refresh=20, documents_indexed=40)})
    figures = es_time(before, after, prefix="b1", mentions=40)
    assert figures["ms_per_mention"]["total"] == pytest.approx(100 / 40)
    assert set(figures["by_index"]) == {"new"}


def test_a_recreated_index_never_gives_negative_time() -> None:
    before = _snapshot(**{"b1-mentions": _index(indexing=900, documents_indexed=900)})
    after = _snapshot(**{"b1-mentions": _index(indexing=30, documents_indexed=10)})
    figures = es_time(before, after, prefix="b1", mentions=10)
    assert figures["ms_per_mention"]["indexing"] == 0 and figures["counts"]["documents_indexed"] == 0


def test_empty_or_malformed_snapshots_give_zeros_not_errors() -> None:
    odd = {"indices": {"b1-x": {"primaries": {"indexing": "n/a", "refresh": {"total_time_in_millis": "?"}}}}}
    odder = {"indices": {"b1-x": {"primaries": None}, "b1-y": "n/a"}}
    for before, after in (({}, {}), ({}, odd), (odd, {"indices": []}), ({}, odder)):
        figures = es_time(before, after, prefix="b1", mentions=0)
        assert figures["ms_per_mention"]["total"] == 0
        assert set(figures["ms_per_mention"]) == {*TIMES_MS, *THROTTLED_MS, "total"}
