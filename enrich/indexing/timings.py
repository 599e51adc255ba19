"""Where the index sink's time goes, batch by batch, reported in its log every ``REPORT_EVERY_S``.

The consumer thread's loop is ``consume`` (waiting for messages) → ``prepare`` (decoding, named
entities, documents) → ``finish`` (waiting for the previous batch's write, then follow-ups and the
commit) → send; the writer thread's ``write`` is a batch's placement and bulk request. Each report
gives the mean per batch of each step since the previous report: with them, a slow published →
searchable can be put down to waiting for messages, NER, or Elasticsearch. ``hand_over`` (producing
the mentions left to the NER worker and the requeued entity updates, until acknowledged) and
``commit`` are parts of ``finish``. Pure bookkeeping: no failure mode of its own (the clock is
monotonic).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

REPORT_EVERY_S = 10.0
REPORT_MESSAGE = "index sink timings, ms per batch:"
STEPS = ("consume", "prepare", "finish", "write", "hand_over", "commit")


@dataclass(slots=True)
class SinkTimings:
    """Seconds spent per step since the last report (``write`` is added by the writer thread)."""

    batches: int = 0
    messages: int = 0
    consume: float = 0.0
    prepare: float = 0.0
    finish: float = 0.0
    write: float = 0.0
    hand_over: float = 0.0
    commit: float = 0.0
    since: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, step: str, seconds: float) -> None:
        """Count ``seconds`` for ``step`` (one of ``STEPS``; thread-safe)."""
        with self.lock:
            setattr(self, step, getattr(self, step) + seconds)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Count the time the ``with`` block takes for step ``name`` (also when it raises)."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.add(name, time.monotonic() - started)

    def batch(self, messages: int) -> None:
        with self.lock:
            self.batches += 1
            self.messages += messages

    def take_report(self, now: float | None = None) -> dict[str, Any] | None:
        """The report since the last one, and a fresh start — or None while ``REPORT_EVERY_S`` has not
        passed or no batch was seen."""
        now = time.monotonic() if now is None else now
        with self.lock:
            if now - self.since < REPORT_EVERY_S or self.batches == 0:
                return None
            report = summarise(
                self.batches, self.messages, now - self.since, {s: getattr(self, s) for s in STEPS}
            )
            for step in STEPS:
                setattr(self, step, 0.0)
            self.batches = self.messages = 0
            self.since = now
            return report


def summarise(batches: int, messages: int, elapsed_s: float, step_s: dict[str, float]) -> dict[str, Any]:
    """Per-batch means in milliseconds (``<step>_ms``), batch size and the batch rate over ``elapsed_s``."""
    out: dict[str, Any] = {
        "batches": batches,
        "messages_per_batch": round(messages / batches, 1),
        "batches_per_s": round(batches / elapsed_s, 2),
    }
    out.update({f"{step}_ms": round(1000 * seconds / batches, 1) for step, seconds in step_s.items()})
    return out


def log_report(logger: logging.Logger, report: dict[str, Any], topic: str) -> None:
    """Log ``report`` at INFO as ``REPORT_MESSAGE k=v …`` (read back by ``ecoute bench e2e``)."""
    logger.info(
        "%s %s",
        REPORT_MESSAGE,
        " ".join(f"{k}={v}" for k, v in report.items()),
        extra={"topic": topic, **report},
    )
