"""Entry points of the long-running processes (one per stage), used by the CLI and the demo.

Each installs SIGTERM/SIGINT handling: stop fetching, finish the in-flight batch, commit, exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ecoute.heap import freeze_startup_heap
from ecoute.settings import Settings

if TYPE_CHECKING:
    from enrich.ner import SpacyNer
    from schemas.source import SourceConfig

log = logging.getLogger(__name__)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        log.info(
            "signal received, finishing the current batch", extra={"signal": signal.Signals(signum).name}
        )
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _loaded_ner(settings: Settings) -> SpacyNer:
    """spaCy NER with its French and English models loaded (before a worker joins its consumer group)."""
    from enrich.ner import SpacyNer

    ner = SpacyNer(batch_size=settings.ner_batch_size)
    ner.model("fr")
    ner.model("en")
    return ner


def run_index_worker(settings: Settings) -> None:
    """Consume ``mentions.enriched`` into Elasticsearch until SIGTERM. With ``Settings.index_ner`` (and a
    NER scope) the sink loads spaCy's models first and tags mentions itself while it keeps up."""
    from ecoute.es import ensure_mention_templates, es_client
    from enrich.indexing.query_fields import mention_query_fields
    from enrich.indexing.sink import IndexSink

    stop = threading.Event()
    _stop_on_signals(stop)
    ner = _loaded_ner(settings) if settings.index_ner and settings.ner_scope != "none" else None
    es = es_client(settings)
    ensure_mention_templates(es, settings.index_prefix, settings.index_refresh_interval_s)
    if stop.is_set():
        return  # stopped while the models loaded: nothing consumed yet
    sink = IndexSink(settings, es, query_fields=mention_query_fields, ner=ner)
    freeze_startup_heap("index")
    sink.run(stop)


def _exit_on_signals_until_faust_starts() -> None:
    """Models load for seconds before Faust installs its own handlers: a SIGTERM or SIGINT meanwhile
    exits cleanly (nothing has been consumed yet) instead of killing the process by the signal."""

    def handler(signum: int, _frame: object) -> None:
        log.info("signal received during start-up; exiting", extra={"signal": signal.Signals(signum).name})
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_enrich_worker(settings: Settings) -> None:
    """Run the Faust enrichment app until SIGTERM (Faust handles the signal and commits). Creates
    ``mentions.matches`` if needed and places matches by its partition count."""
    _exit_on_signals_until_faust_starts()
    import faust

    from ecoute.kafka import ensured_partitions
    from enrich.app import create_app
    from enrich.langid import warm_up
    from enrich.query_source import live_matcher
    from schemas.topics import MENTIONS_MATCHES

    warm_up()
    matcher = live_matcher(settings)
    partitions = ensured_partitions(settings, MENTIONS_MATCHES)
    app = create_app(settings, matcher=matcher.current, match_partitions=partitions)
    worker = faust.Worker(
        app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False, override_logging=False
    )
    freeze_startup_heap("enrich")  # the queries are loaded: the bulk of this process's objects
    worker.execute_from_commandline()


def run_ingest(
    settings: Settings,
    sources_file: Path | None,
    once: bool,
    *,
    only: Sequence[str] = (),
    metrics_port: int | None = None,
    use_config_topic: bool = True,
) -> int:
    """Run the configured sources (file merged with ``config.sources``; ``only`` = these ids) once, or
    forever until SIGTERM/SIGINT (then: in-flight pages committed, cursors written, flushed, exit 0).
    Cursors live in ``ingest.cursors``; ``metrics_port`` serves Prometheus ``/metrics``. Returns the exit
    code: 2 when there is nothing to run or a named source is unknown."""
    from ecoute.kafka import ensure_topics
    from ingest.config_sources import load_all_sources
    from ingest.cursor_store import KafkaCursorStore
    from ingest.metrics import IngestMetrics, serve_metrics
    from ingest.runner import Ingestor
    from ingest.sources import select_sources
    from schemas.topics import CONFIG_SOURCES, DLQ_INGEST, INGEST_CURSORS, MENTIONS_RAW

    ensure_topics(settings, [MENTIONS_RAW, INGEST_CURSORS, CONFIG_SOURCES, DLQ_INGEST])

    def current() -> tuple[SourceConfig, ...]:
        return select_sources(load_all_sources(settings, sources_file, use_config_topic), only)

    try:
        sources = current()
    except KeyError as exc:
        log.error("%s", exc.args[0])
        return 2
    if not sources:
        log.error("no source to run (give --sources FILE or define sources through the API)")
        return 2
    metrics = IngestMetrics()
    server = None
    if metrics_port is not None:
        server, port = serve_metrics(metrics, metrics_port)
        log.info("metrics served", extra={"url": f"http://127.0.0.1:{port}/metrics"})
    store = KafkaCursorStore(settings)
    ingestor = Ingestor(settings, sources, store=store, metrics=metrics)
    if not once:
        freeze_startup_heap("ingest")
    try:
        if once:
            reports = asyncio.run(ingestor.run_once())
            log.info(
                "ingest done",
                extra={
                    "sources": len(reports),
                    "produced": sum(r.produced for r in reports),
                    "failed_sources": sum(1 for r in reports if r.error),
                },
            )
            return 0

        async def reload() -> tuple[SourceConfig, ...]:
            return await asyncio.to_thread(current)

        async def forever() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await ingestor.run_forever(stop, reload=reload)

        asyncio.run(forever())
        return 0
    finally:
        store.close()
        if server is not None:
            server.shutdown()


def lowest_cpu_priority() -> None:
    """Nice 19, and on Linux ``SCHED_IDLE`` too: the calling thread (and the threads it starts later)
    then runs only when no normal task wants the CPU — nice 19 alone still gets a small share.
    Lowering one's own priority needs no privilege; where ``SCHED_IDLE`` is missing, nice 19 stays."""
    os.nice(19)
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError) as exc:
        log.info("SCHED_IDLE unavailable, nice 19 only: %s", exc)


def run_ner_worker(settings: Settings) -> None:
    """Run the Faust NER worker (spaCy, off the hot path) until SIGTERM.

    It runs at the lowest CPU priority (nice 19 and SCHED_IDLE) and waits before each batch while other
    processes keep the machine's CPUs busy (``Settings.ner_yield_busy_share``, see
    :mod:`enrich.cpu_room`): on a small machine spaCy must never slow down the hot path (searchable
    mentions, alerts); under load its backlog grows instead, entities arrive later, and it catches up
    when the load drops."""
    _exit_on_signals_until_faust_starts()
    lowest_cpu_priority()
    import faust

    from enrich.ner_app import create_ner_app

    worker = faust.Worker(
        create_ner_app(settings, _loaded_ner(settings)),
        loglevel=settings.log_level,
        quiet=True,
        redirect_stdouts=False,
        override_logging=False,
    )
    freeze_startup_heap("ner")
    worker.execute_from_commandline()
