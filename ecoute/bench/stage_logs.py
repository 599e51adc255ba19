"""Figures the stages log for themselves, read back by the benchmark: the index sink's step timings
(``enrich/indexing/timings.py``, logged at INFO every 10 s), averaged over the reports logged while
the benchmark measured. Lines of another shape are skipped; no report → ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from enrich.indexing.timings import REPORT_MESSAGE as MARKER

_PAIR = re.compile(r"(\w+)=([0-9.]+)")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}")  # logging's asctime, text or JSON lines


def _line_time(line: str) -> float | None:
    """Epoch seconds of a log line's first timestamp (local time, as logging writes it)."""
    match = _TIME.search(line)
    return None if match is None else datetime.strptime(match.group(0), "%Y-%m-%d %H:%M:%S,%f").timestamp()


def sink_timings(lines: Iterable[str], start: float, end: float) -> dict[str, Any] | None:
    """The index sink's timing reports logged between ``start`` and ``end`` (epoch seconds): per-batch
    means weighted by each report's batches, batches per second over the reports, and ``reports``
    counted; None if none."""
    reports: list[dict[str, float]] = []
    for line in lines:
        if MARKER not in line:
            continue
        when = _line_time(line)
        if when is None or not start <= when <= end:
            continue
        figures = line.split(MARKER, 1)[1]
        pairs = {key: float(value) for key, value in _PAIR.findall(figures.split('"', 1)[0])}
        if pairs.get("batches", 0) > 0:
            reports.append(pairs)
    if not reports:
        return None
    batches = sum(r["batches"] for r in reports)
    out: dict[str, Any] = {"reports": len(reports), "batches": int(batches)}
    for key in reports[0]:
        if key == "batches_per_s":  # the reports' time: batches ÷ rate
            seconds = sum(r["batches"] / r[key] for r in reports if r.get(key))
            if seconds > 0:
                out[key] = round(batches / seconds, 2)
        elif key != "batches":
            out[key] = round(sum(r.get(key, 0.0) * r["batches"] for r in reports) / batches, 1)
    return out


def sink_timings_from(path: Path, start: float, end: float) -> dict[str, Any] | None:
    """:func:`sink_timings` of the log file at ``path`` (None when it is missing)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            return sink_timings(lines, start, end)
    except FileNotFoundError:
        return None
