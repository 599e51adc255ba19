"""Per-source ingest metrics, and their Prometheus exposition.

:class:`IngestMetrics` holds plain counters per source (updated by the runner); :class:`IngestCollector`
renders them for prometheus-client on every scrape; :func:`serve_metrics` starts the ``/metrics`` HTTP
endpoint in a daemon thread. Metric names: ``ecoute_ingest_items_{fetched,new,edited,duplicates,deleted,
rejected}_total``, ``ecoute_ingest_poll_errors_total``, ``ecoute_ingest_polls_total``,
``ecoute_ingest_last_success_timestamp_seconds``, labelled by ``source`` and ``kind``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from prometheus_client import start_http_server
from prometheus_client.core import CollectorRegistry, CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ingest.progress import PageOutcome

COUNTERS = ("fetched", "new", "edited", "duplicates", "deleted", "rejected")


@dataclass(slots=True)
class SourceMetrics:
    kind: str
    fetched: int = 0
    new: int = 0
    edited: int = 0
    duplicates: int = 0
    deleted: int = 0
    rejected: int = 0
    errors: int = 0
    polls: int = 0
    last_success_ts: float | None = None
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class IngestMetrics:
    """Counters of every source run by this process."""

    def __init__(self) -> None:
        self.sources: dict[str, SourceMetrics] = {}

    def source(self, source_id: str, kind: str) -> SourceMetrics:
        return self.sources.setdefault(source_id, SourceMetrics(kind=kind))

    def page(self, source_id: str, kind: str, outcome: PageOutcome) -> None:
        m = self.source(source_id, kind)
        for name in COUNTERS:
            setattr(m, name, getattr(m, name) + getattr(outcome, name))

    def poll(self, source_id: str, kind: str, error: str | None, now_ts: float) -> None:
        m = self.source(source_id, kind)
        m.polls += 1
        if error is None:
            m.last_success_ts = now_ts
        else:
            m.errors += 1
            m.last_error = error


class IngestCollector(Collector):
    """prometheus-client collector reading :class:`IngestMetrics` at scrape time."""

    def __init__(self, metrics: IngestMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        labels = ["source", "kind"]
        families: dict[str, CounterMetricFamily] = {
            name: CounterMetricFamily(
                f"ecoute_ingest_items_{name}", f"items {name}, per source", labels=labels
            )
            for name in COUNTERS
        }
        errors = CounterMetricFamily("ecoute_ingest_poll_errors", "failed polls, per source", labels=labels)
        polls = CounterMetricFamily(
            "ecoute_ingest_polls", "polls (or stream sessions), per source", labels=labels
        )
        last = GaugeMetricFamily(
            "ecoute_ingest_last_success_timestamp_seconds", "end of the last successful poll", labels=labels
        )
        for source_id, m in sorted(self.metrics.sources.items()):
            for name, family in families.items():
                family.add_metric([source_id, m.kind], getattr(m, name))
            errors.add_metric([source_id, m.kind], m.errors)
            polls.add_metric([source_id, m.kind], m.polls)
            if m.last_success_ts is not None:
                last.add_metric([source_id, m.kind], m.last_success_ts)
        yield from families.values()
        yield errors
        yield polls
        yield last


def metrics_registry(metrics: IngestMetrics) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(IngestCollector(metrics))
    return registry


def serve_metrics(metrics: IngestMetrics, port: int, addr: str = "127.0.0.1") -> tuple[Any, int]:
    """Start ``/metrics`` on ``addr:port`` (0 = any free port). Returns (server, bound port); call
    ``server.shutdown()`` to stop it. Raises ``OSError`` if the port is taken."""
    server, _thread = start_http_server(port, addr=addr, registry=metrics_registry(metrics))
    return server, int(server.server_port)
