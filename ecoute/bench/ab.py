"""Alternating runs of ``ecoute bench e2e``: the same load with the stages' current settings (A) and
with some of them changed (B), each pair in the opposite order of the previous one (A B, B A, A B, …).

Why: this machine's speed drifts by 10–20 % within minutes (the same code's CPU per mention moves
that much between two runs), more than most changes are worth. Runs of A and B taken at separate
times compare the machine, not the change. Alternated, every pair sees about the same machine, and
with an even number of pairs a drift linear in time adds the same to A as to B (A B B A).

B's settings reach the stage processes only, as ``ECOUTE_…`` environment variables; the benchmark
itself (its producer, its searches) runs the same in both. The result gives each run's figures and,
per figure, the differences B − A of every pair, their median and whether all pairs agree in sign:
a change is worth believing when they do, over several pairs.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ValidationError

Variant = Literal["A", "B"]
PINNED = frozenset(
    {
        "kafka_bootstrap",
        "es_url",
        "home",
        "topic_prefix",
        "index_prefix",
        "consumer_group_prefix",
        "topic_partitions",
        "allow_private_urls",
        "log_level",
    }
)
"""Settings the benchmark sets itself for every run (its servers, fresh topics — created with the run's
partition count, which every stage must share — and indices): not B's."""
ENV_PREFIX = "ECOUTE_"
COMPLEX_ORIGINS = (list, tuple, set, frozenset, dict)
"""Settings of these types are JSON in the environment (pydantic-settings decodes them)."""


def parse_overrides(items: Sequence[str], models: Sequence[type[BaseModel]]) -> dict[str, str]:
    """``ECOUTE_NAME=value`` items → the environment variables of variant B. Each name must be a field
    of one of ``models`` (the stages' settings classes), not one the benchmark pins (:data:`PINNED`),
    given once, and its value must be valid for that field — checked here, so a typo cannot turn an
    hour of alternating runs into A against A. Raises ``ValueError`` saying which item is wrong."""
    fields = {name: model for model in models for name in model.model_fields}
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{item!r}: expected ECOUTE_NAME=value")
        if not name.upper().startswith(ENV_PREFIX):
            raise ValueError(f"{item!r}: only ecoute's settings (ECOUTE_…) can differ between A and B")
        field = name[len(ENV_PREFIX) :].lower()
        model = fields.get(field)
        if model is None:
            raise ValueError(f"{item!r}: no setting {field!r} in {', '.join(m.__name__ for m in models)}")
        if field in PINNED:
            raise ValueError(f"{item!r}: the benchmark sets {field!r} itself for every run")
        key = f"{ENV_PREFIX}{field.upper()}"
        if key in out:
            raise ValueError(f"{item!r}: {key} is given twice")
        _check_value(model, field, value, item)
        out[key] = value
    return out


def _check_value(model: type[BaseModel], field: str, value: str, item: str) -> None:
    """Validate ``value`` for ``model.field`` the way the stage will read it from the environment:
    as text, or — for a list, tuple, set or dict setting — as JSON, as pydantic-settings decodes it."""
    raw: Any = value
    if get_origin(model.model_fields[field].annotation) in COMPLEX_ORIGINS:
        try:
            raw = json.loads(value)
        except ValueError:
            raise ValueError(f"{item!r}: this setting takes JSON (e.g. [1, 2])") from None
    try:
        model.model_validate({field: raw})
    except ValidationError as exc:
        errors = [e for e in exc.errors() if e["loc"][:1] == (field,)]
        if errors:
            raise ValueError(f"{item!r}: {errors[0]['msg']}") from None


def run_order(pairs: int) -> Iterator[tuple[int, Variant]]:
    """(pair, variant) in the order to run them: A B, then B A, then A B, … (``pairs`` ≥ 1)."""
    if pairs < 1:
        raise ValueError("at least one pair of runs")
    for pair in range(pairs):
        order: tuple[Variant, Variant] = ("A", "B") if pair % 2 == 0 else ("B", "A")
        for variant in order:
            yield pair, variant


def _path(*keys: str) -> Callable[[Mapping[str, Any]], float | None]:
    def get(result: Mapping[str, Any]) -> float | None:
        value: Any = result
        for key in keys:
            if not isinstance(value, Mapping) or value.get(key) is None:
                return None
            value = value[key]
        return float(value)

    return get


def _cpu_total(result: Mapping[str, Any]) -> float | None:
    per_stage = result.get("cpu_ms_per_mention") or {}
    values = [v for v in per_stage.values() if v is not None]
    return round(sum(values), 4) if values else None


FIXED_METRICS: dict[str, Callable[[Mapping[str, Any]], float | None]] = {
    "mentions/s sustained": _path("sustained_per_s"),
    "CPU ms/m, all": _cpu_total,
    "searchable p50 ms": _path("published_to_searchable", "p50_ms"),
    "searchable p99 ms": _path("published_to_searchable", "p99_ms"),
    "webhook p50 ms": _path("published_to_webhook", "p50_ms"),
    "webhook p99 ms": _path("published_to_webhook", "p99_ms"),
    "cores busy": _path("cpu_busy_of_cores"),
}


def run_metrics(result: Mapping[str, Any]) -> dict[str, float | None]:
    """The figures compared between A and B, from one ``run_e2e`` result: throughput, CPU per mention
    (all, then each process), the latency percentiles and how busy the cores were (None: not measured)."""
    out = {name: get(result) for name, get in FIXED_METRICS.items()}
    for process, value in (result.get("cpu_ms_per_mention") or {}).items():
        out[f"CPU ms/m, {process}"] = None if value is None else float(value)
    return out


def compare(pairs: Sequence[tuple[Mapping[str, float | None], Mapping[str, float | None]]]) -> dict[str, Any]:
    """Per figure, over ``pairs`` of (A's, B's) figures: both sides' values, each pair's B − A, their
    median (also relative to A's median) and ``consistent``: every pair moved the same way (with two
    pairs or more; a pair with the figure missing on a side does not count)."""
    names: list[str] = []
    for a, b in pairs:
        names += [n for n in (*a, *b) if n not in names]
    out: dict[str, Any] = {}
    for name in names:
        a_values = [a.get(name) for a, _ in pairs]
        b_values = [b.get(name) for _, b in pairs]
        diffs = [
            b_v - a_v
            for a_v, b_v in zip(a_values, b_values, strict=True)
            if a_v is not None and b_v is not None
        ]
        known_a = [v for v in a_values if v is not None]
        median_diff = statistics.median(diffs) if diffs else None
        base = statistics.median(known_a) if known_a else None
        out[name] = {
            "a": a_values,
            "b": b_values,
            "b_minus_a": [round(d, 4) for d in diffs],
            "median_b_minus_a": None if median_diff is None else round(median_diff, 4),
            "median_b_minus_a_pct": (
                None if median_diff is None or not base else round(100 * median_diff / base, 1)
            ),
            "consistent": len(diffs) >= 2 and (all(d > 0 for d in diffs) or all(d < 0 for d in diffs)),
        }
    return out


def run_ab(
    run: Callable[[Mapping[str, str] | None], tuple[Mapping[str, Any], str]],
    overrides: Mapping[str, str],
    pairs: int,
    on_run: Callable[[int, Variant], None] = lambda _pair, _variant: None,
) -> dict[str, Any]:
    """Run A and B ``pairs`` times each in :func:`run_order`. ``run(env)`` runs the benchmark once —
    ``env`` is None for A, ``overrides`` for B — and returns its result and where it was saved.
    Returns the order, every run's figures and file, and :func:`compare`'s comparison. A run that
    raises stops the whole comparison (half a pair compares nothing)."""
    runs: list[dict[str, Any]] = []
    by_pair: dict[int, dict[Variant, dict[str, float | None]]] = {}
    for pair, variant in run_order(pairs):
        on_run(pair, variant)
        result, saved_at = run(dict(overrides) if variant == "B" else None)
        figures = run_metrics(result)
        runs.append({"pair": pair, "variant": variant, "file": saved_at, "figures": figures})
        by_pair.setdefault(pair, {})[variant] = figures
    return {
        "overrides": dict(overrides),
        "pairs": pairs,
        "runs": runs,
        "comparison": compare([(sides["A"], sides["B"]) for _, sides in sorted(by_pair.items())]),
    }
