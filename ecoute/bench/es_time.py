"""Where Elasticsearch's time goes while a benchmark measures: the difference between two snapshots of
the benchmark indices' ``_stats`` (primaries), per mention.

Elasticsearch counts, per index, the milliseconds its threads spent indexing documents, refreshing
(turning the indexing buffer into searchable segments), merging segments, flushing and serving
searches. These are thread times, not CPU times: a thread waiting for the disk or for a core
counts (on saturated cores they add up to more than the server's CPU time), a merge counts only once
it completes, and its time includes the pauses of Elasticsearch's merge I/O throttle (reported apart,
left out of the total). They show where the server's work goes and which part a change moves.

:func:`es_time` is pure (two snapshots in, figures out); :func:`stats_snapshot` is the thin shell that
asks the server. An index missing from the first snapshot (created while measuring) counts from zero;
one missing from the second is left out. Indices whose names do not start with ``prefix-`` are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

TIMES_MS: Final[dict[str, tuple[str, str]]] = {
    "indexing": ("indexing", "index_time_in_millis"),
    "refresh": ("refresh", "total_time_in_millis"),
    "merge": ("merges", "total_time_in_millis"),
    "flush": ("flush", "total_time_in_millis"),
    "search": ("search", "query_time_in_millis"),
    "fetch": ("search", "fetch_time_in_millis"),
}
"""Reported name → (section, field) of an index's ``primaries`` stats holding milliseconds of work."""

THROTTLED_MS: Final[dict[str, tuple[str, str]]] = {
    "merge_throttled": ("merges", "total_throttled_time_in_millis"),
}
"""Parts of the ``merge`` time spent pausing (Elasticsearch's merge I/O auto-throttle), not working:
reported on their own and left out of ``total``."""

COUNTS: Final[dict[str, tuple[str, str]]] = {
    "documents_indexed": ("indexing", "index_total"),
    "refreshes": ("refresh", "total"),
    "merges": ("merges", "total"),
    "searches": ("search", "query_total"),
}
"""Reported name → (section, field) of an index's ``primaries`` stats holding operation counts."""

METRICS: Final = ("indexing", "refresh", "merge", "flush", "search")
"""The ``metric`` argument of the ``_stats`` request: every section the figures read."""


def _field(index_stats: Mapping[str, Any], path: tuple[str, str]) -> float:
    """The number at ``primaries.<section>.<field>``; 0 where the snapshot has none."""
    value: Any = index_stats.get("primaries")
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return float(value) if isinstance(value, (int, float)) else 0.0


def _indices(snapshot: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    indices = snapshot.get("indices", {})
    return {
        name: stats
        for name, stats in (indices.items() if isinstance(indices, Mapping) else ())
        if name.startswith(f"{prefix}-") and isinstance(stats, Mapping)
    }


def es_time(
    before: Mapping[str, Any], after: Mapping[str, Any], *, prefix: str, mentions: int
) -> dict[str, Any]:
    """Figures between the ``_stats`` responses ``before`` and ``after`` of the indices named
    ``prefix-…``: ``ms_per_mention`` (thread milliseconds of each kind of work ÷ ``mentions``, the
    merges' throttled pauses, and the ``total`` of the work without those pauses), the operation
    ``counts``, and ``by_index`` (each index's milliseconds, its name without the prefix). Negative
    differences (an index deleted and re-created) count as 0."""
    first = _indices(before, prefix)
    times = [*TIMES_MS, *THROTTLED_MS]
    paths = {**TIMES_MS, **THROTTLED_MS, **COUNTS}
    totals = dict.fromkeys(paths, 0.0)
    by_index: dict[str, dict[str, float]] = {}
    for name, stats in sorted(_indices(after, prefix).items()):
        earlier = first.get(name, {})
        own: dict[str, float] = {}
        for key, path in paths.items():
            own[key] = max(0.0, _field(stats, path) - _field(earlier, path))
            totals[key] += own[key]
        by_index[name[len(prefix) + 1 :]] = {key: own[key] for key in times}
    per = max(mentions, 1)
    per_mention = {key: round(totals[key] / per, 4) for key in times}
    working = sum(totals[key] for key in TIMES_MS) - sum(totals[key] for key in THROTTLED_MS)
    per_mention["total"] = round(max(0.0, working) / per, 4)
    return {
        "ms_per_mention": per_mention,
        "counts": {key: int(totals[key]) for key in COUNTS},
        "by_index": by_index,
    }


def stats_snapshot(es: Any, prefix: str) -> dict[str, Any]:
    """The ``_stats`` of every index named ``prefix-…`` (an empty snapshot when there is none yet)."""
    response = es.options(ignore_status=404).indices.stats(
        index=f"{prefix}-*", metric=list(METRICS), level="indices"
    )
    body = getattr(response, "body", response)
    return dict(body) if isinstance(body, Mapping) else {}
