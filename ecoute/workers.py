"""Entry points of the long-running processes (one per stage), used by the CLI and the demo.

Each installs SIGTERM/SIGINT handling: stop fetching, finish the in-flight batch, commit, exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from pathlib import Path

from ecoute.settings import Settings

log = logging.getLogger(__name__)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        log.info(
            "signal received, finishing the current batch", extra={"signal": signal.Signals(signum).name}
        )
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_index_worker(settings: Settings) -> None:
    """Consume ``mentions.enriched`` into Elasticsearch until SIGTERM."""
    from ecoute.es import ensure_mention_templates, es_client
    from enrich.indexing.query_fields import mention_query_fields
    from enrich.indexing.sink import IndexSink

    es = es_client(settings)
    ensure_mention_templates(es, settings.index_prefix)
    stop = threading.Event()
    _stop_on_signals(stop)
    IndexSink(settings, es, query_fields=mention_query_fields).run(stop)


def run_enrich_worker(settings: Settings) -> None:
    """Run the Faust enrichment app until SIGTERM (Faust handles the signal and commits)."""
    import faust

    from enrich.app import create_app
    from enrich.langid import warm_up
    from enrich.query_source import live_matcher

    warm_up()
    matcher = live_matcher(settings)
    app = create_app(settings, matcher=matcher.current)
    worker = faust.Worker(
        app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False, override_logging=False
    )
    worker.execute_from_commandline()


def run_ingest(settings: Settings, sources_file: Path, once: bool) -> int:
    """Poll the sources of ``sources_file`` (once, or forever until SIGTERM). Returns the exit code."""
    from ingest.runner import FeedIngestor
    from ingest.sources import load_sources

    sources = load_sources(sources_file)
    ingestor = FeedIngestor(settings, sources)
    if once:
        reports = asyncio.run(ingestor.run_once())
        failed = [r for r in reports if r.error]
        log.info(
            "ingest done",
            extra={
                "sources": len(reports),
                "produced": sum(r.produced for r in reports),
                "failed_sources": len(failed),
            },
        )
        return 0

    async def forever() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await ingestor.run_forever(stop)

    asyncio.run(forever())
    return 0


def run_ner_worker(settings: Settings) -> None:
    """Run the Faust NER worker (spaCy, off the hot path) until SIGTERM."""
    import faust

    from enrich.ner import SpacyNer
    from enrich.ner_app import create_ner_app

    ner = SpacyNer()
    ner.model("fr")  # load the models before joining the consumer group
    ner.model("en")
    worker = faust.Worker(
        create_ner_app(settings, ner),
        loglevel=settings.log_level,
        quiet=True,
        redirect_stdouts=False,
        override_logging=False,
    )
    worker.execute_from_commandline()
