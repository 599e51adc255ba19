"""The index sink's step timings and its batch window (pure)."""

from __future__ import annotations

import threading
import time

import pytest

from enrich.indexing.sink import consume_window
from enrich.indexing.timings import REPORT_EVERY_S, SinkTimings, summarise


def test_summarise_gives_means_per_batch_in_ms() -> None:
    report = summarise(4, 1000, 2.0, {"consume": 1.0, "prepare": 0.5, "finish": 0.02, "write": 0.8})
    assert report == {
        "batches": 4,
        "messages_per_batch": 250.0,
        "batches_per_s": 2.0,
        "consume_ms": 250.0,
        "prepare_ms": 125.0,
        "finish_ms": 5.0,
        "write_ms": 200.0,
    }


def test_report_waits_for_its_period_then_starts_afresh() -> None:
    timings = SinkTimings(since=100.0)
    timings.add("prepare", 0.3)
    timings.batch(300)
    assert timings.take_report(now=100.0 + REPORT_EVERY_S / 2) is None  # too early
    report = timings.take_report(now=100.0 + REPORT_EVERY_S)
    assert report is not None
    assert report["prepare_ms"] == 300.0 and report["messages_per_batch"] == 300.0
    assert timings.batches == 0 and timings.prepare == 0.0 and timings.since == 100.0 + REPORT_EVERY_S
    assert timings.take_report(now=100.0 + 3 * REPORT_EVERY_S) is None  # no batch since


def test_writer_and_consumer_threads_add_without_losing_time() -> None:
    timings = SinkTimings(since=0.0)

    def add_many() -> None:
        for _ in range(10_000):
            timings.add("write", 0.001)

    threads = [threading.Thread(target=add_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timings.batch(1)
    report = timings.take_report(now=REPORT_EVERY_S)
    assert report is not None and report["write_ms"] == pytest.approx(40_000.0)


@pytest.mark.parametrize(
    ("since_last", "expected"),
    [(0.0, 0.25), (0.1, 0.15), (0.25, 0.0), (0.9, 0.0)],
)
def test_window_counts_from_the_previous_batch_start(since_last: float, expected: float) -> None:
    assert consume_window(0.25, since_last) == pytest.approx(expected)


def test_a_step_is_counted_even_when_it_raises() -> None:
    timings = SinkTimings(since=0.0)

    def failing_step() -> None:
        with timings.step("prepare"):
            time.sleep(0.02)
            raise RuntimeError("tagger failed")

    with pytest.raises(RuntimeError):
        failing_step()
    assert timings.prepare >= 0.02 and timings.consume == 0.0
