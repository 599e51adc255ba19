"""The performance targets of issue 8, checked against a benchmark's result: every ``ecoute bench``
JSON carries them under ``targets`` and the terminal shows them, so a run says at once which targets
it meets, which it misses, and which it could not judge.

A target is judged only under the conditions it is stated for: the end-to-end latency targets at
1,000 mentions/s offered (±5 %), sustained throughput only when at least that much was offered,
matching and memory with 10,000 queries loaded. Outside them — or when the result lacks the figure
(a failed run, NaN percentiles of an empty sample) — ``met`` is ``None`` and ``note`` says why. An
end-to-end run on JVMs still compiling is judged with a note saying so (:data:`JIT_WARMING_SHARE`). Pure
functions over the result dicts the benchmarks return; never raise on missing or malformed keys.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

LATENCY_RATE_PER_S = 1_000.0
RATE_TOLERANCE = 0.05
QUERIES = 10_000
MEMORY_BYTES = 1.5e9  # "< 1.5 GB RSS": decimal gigabytes, the stricter reading of the two
MIB = 1024 * 1024
JIT_WARMING_SHARE = 0.2
"""An end-to-end run during which a server's JIT compilers took at least this share of its JVM's CPU
(``jit_share_of_jvm_cpu``) measured a stack still warming up: its targets are judged all the same, with
a note saying so (right after ``ecoute stack up`` Elasticsearch's compilers take a third of its CPU for
minutes; on a warm stack a few percent)."""


class TargetCheck(BaseModel):
    """One target against one run: ``met`` True/False, or None when this run cannot judge it."""

    model_config = ConfigDict(frozen=True)

    target: str
    value: float | None
    unit: str
    met: bool | None
    note: str = ""


Result = Mapping[str, Any]


def _number(result: Result, *path: str) -> float | None:
    """The finite number at ``path`` in nested dicts, or None (missing, not a number, NaN)."""
    node: Any = result
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    if isinstance(node, bool) or not isinstance(node, int | float) or not math.isfinite(node):
        return None
    return float(node)


def _check(
    target: str,
    value: float | None,
    unit: str,
    ok: Callable[[float], bool],
    *,
    unless: str = "",
    caveat: str = "",
) -> TargetCheck:
    """``unless``: why this run cannot judge the target (then ``met`` is None whatever the value);
    ``caveat``: what the reader of a judged target should know about the run."""
    if unless:
        return TargetCheck(target=target, value=value, unit=unit, met=None, note=unless)
    if value is None:
        return TargetCheck(target=target, value=None, unit=unit, met=None, note="not in the result")
    return TargetCheck(target=target, value=value, unit=unit, met=ok(value), note=caveat)


def _at_least(floor: float) -> Callable[[float], bool]:
    return lambda value: value >= floor


def _below(limit: float) -> Callable[[float], bool]:
    return lambda value: value < limit


def _queries_short(result: Result) -> str:
    queries = _number(result, "queries")
    if queries is None or queries < QUERIES:
        return f"stated with {QUERIES:,} queries loaded; this run had {queries or 0:,.0f}"
    return ""


def _not_at_latency_rate(rate: float | None) -> str:
    if rate is None or abs(rate - LATENCY_RATE_PER_S) > RATE_TOLERANCE * LATENCY_RATE_PER_S:
        shown = "an unknown rate" if rate is None else f"{rate:,.0f}/s"
        return f"stated at {LATENCY_RATE_PER_S:,.0f} mentions/s offered; this run offered {shown}"
    return ""


def _jvms_warming(result: Result) -> str:
    """A note when a server's JIT compilers took at least :data:`JIT_WARMING_SHARE` of its CPU during
    the run (a stack still warming up), else ''."""
    shares = result.get("jit_share_of_jvm_cpu")
    if not isinstance(shares, Mapping):
        return ""
    hot = {
        name: share
        for name in shares
        if (share := _number(shares, name)) is not None and share >= JIT_WARMING_SHARE
    }
    if not hot:
        return ""
    which = ", ".join(f"{name} {share:.0%}" for name, share in sorted(hot.items()))
    return (
        f"JVMs still warming up: their JIT compilers took {which} of their CPU"
        " (a cold stack; run again, or with a longer --warmup)"
    )


def check_match(result: Result) -> list[TargetCheck]:
    """Matching with 10,000 queries: ≥ 5,000 mentions/s per core (the benchmark's loop is one thread)
    and ≥ 5× the naive loop over all queries."""
    short = _queries_short(result)
    per_s, speedup = _number(result, "ours", "per_s"), _number(result, "speedup")
    return [
        _check("matching ≥ 5,000 mentions/s per core", per_s, "mentions/s", _at_least(5_000), unless=short),
        _check("matching ≥ 5× the naive loop", speedup, "×", _at_least(5), unless=short),
    ]


def check_enrich(result: Result) -> list[TargetCheck]:
    """The enrichment step (one thread): ≥ 5,000 mentions/s per core."""
    value = _number(result, "ours", "per_s")
    return [_check("enrichment ≥ 5,000 mentions/s per core", value, "mentions/s", _at_least(5_000))]


def check_index(result: Result) -> list[TargetCheck]:
    """Elasticsearch indexing the way the sink writes new documents: ≥ 5,000 docs/s."""
    value = _number(result, "ours", "per_s")
    return [_check("Elasticsearch indexing ≥ 5,000 docs/s", value, "docs/s", _at_least(5_000))]


def check_e2e(result: Result) -> list[TargetCheck]:
    """The whole pipeline: sustained ≥ 3,000/s (floor 1,500/s) when that much was offered; searchable
    p99 < 3 s and webhook p99 < 1 s at 1,000/s offered; ecoute's processes < 1.5 GB RSS together with
    10,000 queries. Throughput and latency carry a note when the run measured JVMs still warming up.
    """
    rate = _number(result, "rate_target_per_s")
    sustained = _number(result, "sustained_per_s")
    warming = _jvms_warming(result)
    checks = []
    for wanted, label in (
        (3_000.0, "sustained end to end ≥ 3,000 mentions/s"),
        (1_500.0, "floor: ≥ 1,500/s"),
    ):
        low = rate is None or rate < wanted
        unless = f"this run offered {rate or 0:,.0f}/s: run with --rate {wanted:,.0f} or more" if low else ""
        checks.append(
            _check(label, sustained, "mentions/s", _at_least(wanted), unless=unless, caveat=warming)
        )
    at_rate = _not_at_latency_rate(rate)
    for key, limit_ms, label in (
        ("published_to_searchable", 3_000.0, "published → searchable p99 < 3 s at 1,000/s"),
        ("published_to_webhook", 1_000.0, "published → webhook p99 < 1 s at 1,000/s"),
    ):
        value = _number(result, key, "p99_ms")
        checks.append(_check(label, value, "ms", _below(limit_ms), unless=at_rate, caveat=warming))
    memory = _number(result, "rss_peak_ecoute_total_mb")
    label = "ecoute processes < 1.5 GB RSS with 10,000 queries"
    fits = _check(label, memory, "MiB", lambda v: v * MIB < MEMORY_BYTES, unless=_queries_short(result))
    checks.append(fits)
    return checks


def check_alerts(result: Result) -> list[TargetCheck]:
    """Alerting alone: published → webhook p99 < 1 s at 1,000 mentions/s offered."""
    unless = _not_at_latency_rate(_number(result, "rate_target_per_s"))
    label = "published → webhook p99 < 1 s at 1,000/s"
    return [_check(label, _number(result, "p99_ms"), "ms", _below(1_000), unless=unless)]


def check_api(result: Result) -> list[TargetCheck]:
    """Search through the API: p99 < 100 ms."""
    return [_check("API search p99 < 100 ms", _number(result, "api", "p99_ms"), "ms", _below(100))]


CHECKS: dict[str, Callable[[Result], list[TargetCheck]]] = {
    "match": check_match,
    "enrich": check_enrich,
    "index": check_index,
    "e2e": check_e2e,
    "alerts": check_alerts,
    "api": check_api,
}


def targets_for(bench: str, result: Result) -> list[TargetCheck]:
    """The targets of benchmark ``bench`` judged on ``result`` (none for a benchmark without one)."""
    check = CHECKS.get(bench)
    return check(result) if check else []
