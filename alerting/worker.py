"""Entry points of the two alerting processes (used by the CLI, the demo and the tests)."""

from __future__ import annotations

import logging
import time

from alerting.settings import AlertingSettings, get_alerting_settings
from ecoute.heap import freeze_startup_heap
from ecoute.settings import Settings

log = logging.getLogger(__name__)

CONFIG_WAIT_S = 30.0


def run_alerting_worker(settings: Settings, alerting: AlertingSettings | None = None) -> None:
    """Run the Faust alerting app until SIGTERM (Faust handles the signal, flushes and commits).

    Creates ``mentions.matches`` if needed (its partition count decides the tables'). Waits (bounded)
    for the rules present in ``config.rules`` before consuming, so a restart never
    processes mentions with an empty rule book.
    """
    import faust

    from alerting.app import create_app
    from alerting.config_reader import RuleBook, follow_rules
    from ecoute.kafka import ensured_partitions
    from schemas.topics import MENTIONS_MATCHES

    alerting = alerting or get_alerting_settings()
    book = RuleBook()
    reader = follow_rules(settings, book)
    started = time.monotonic()
    if not reader.wait_caught_up(CONFIG_WAIT_S):
        log.warning(
            "rules not fully loaded yet; starting with what is there",
            extra={"topic": reader.topic, "waited_s": round(time.monotonic() - started, 1)},
        )
    log.info("alerting worker starting", extra={"rules": len(book)})
    built = create_app(settings, alerting, book, ensured_partitions(settings, MENTIONS_MATCHES))
    worker = faust.Worker(
        built.app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False, override_logging=False
    )
    freeze_startup_heap("alerting")
    try:
        worker.execute_from_commandline()
    finally:
        reader.stop()


def run_webhook_worker(settings: Settings, alerting: AlertingSettings | None = None) -> None:
    """Run the webhook deliverer until SIGTERM/SIGINT (settles in-flight work, commits, exits 0)."""
    import asyncio

    from alerting.webhooks.service import run_deliverer

    freeze_startup_heap("webhooks")
    asyncio.run(run_deliverer(settings, alerting or get_alerting_settings()))
