"""Rows of ``ecoute sources status`` (pure): configured sources × their cursors × live metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from schemas.cursor import SourceCursor
from schemas.source import SourceConfig


def position_summary(cursor: SourceCursor | None) -> str:
    """A short human description of where a source stands."""
    if cursor is None or cursor.position is None:
        return "-"
    p = cursor.position.model_dump(exclude={"kind"}, exclude_none=True)
    parts = []
    for key, value in p.items():
        if isinstance(value, dict):
            parts += [f"{k}={v}" for k, v in value.items()]
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts)[:120] or "-"


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def status_rows(
    sources: Sequence[SourceConfig],
    cursors: Mapping[str, SourceCursor],
    live: Mapping[str, Mapping[str, float]] | None = None,
) -> list[dict[str, Any]]:
    """One row per configured source and per cursor of an unconfigured one (``configured`` False).
    ``live`` (source → metric → value, from a /metrics scrape) adds this process's counters."""
    rows: list[dict[str, Any]] = []
    configured = {s.id: s for s in sources}
    for source_id in [*configured, *sorted(set(cursors) - set(configured))]:
        cursor = cursors.get(source_id)
        source = configured.get(source_id)
        totals = cursor.totals.model_dump() if cursor else {}
        rows.append(
            {
                "source": source_id,
                "kind": source.kind if source else (cursor.kind if cursor else "?"),
                "configured": source is not None,
                "last_success": _when(cursor.last_success_at) if cursor else None,
                "last_error": cursor.last_error if cursor else None,
                "last_error_at": _when(cursor.last_error_at) if cursor else None,
                "position": position_summary(cursor),
                "seen": len(cursor.seen) if cursor else 0,
                **{
                    k: totals.get(k, 0)
                    for k in (
                        "polls",
                        "fetched",
                        "new",
                        "edited",
                        "duplicates",
                        "deleted",
                        "rejected",
                        "errors",
                    )
                },
                "live": dict((live or {}).get(source_id, {})),
            }
        )
    return rows


def parse_metrics_text(text: str) -> dict[str, dict[str, float]]:
    """source → {metric name: value} of the ``ecoute_ingest_*`` samples of a Prometheus text page."""
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[str, dict[str, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("ecoute_ingest_") and "source" in sample.labels:
                out.setdefault(sample.labels["source"], {})[sample.name] = float(sample.value)
    return out
