"""The benchmark reads back the index sink's timing reports from its log, in either log format."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path

import pytest

from ecoute.bench.stage_logs import sink_timings, sink_timings_from
from ecoute.logs import JsonFormatter, KeyValueFormatter
from enrich.indexing.timings import log_report, summarise


def _logged(formatter: logging.Formatter, reports: list[dict[str, float]]) -> list[str]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    logger = logging.getLogger("test.sink.timings")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        logger.info("unrelated line batches=999")
        for report in reports:
            log_report(logger, report, "t.mentions.enriched")
    finally:
        logger.removeHandler(handler)
    return out.getvalue().splitlines()


FORMATTERS = [KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"), JsonFormatter()]


@pytest.mark.parametrize("formatter", FORMATTERS, ids=["key-value", "json"])
def test_reports_average_weighted_by_batches(formatter: logging.Formatter) -> None:
    first = summarise(10, 2000, 5.0, {"consume": 1.0, "prepare": 2.0, "finish": 0.1, "write": 1.5})
    second = summarise(30, 3000, 10.0, {"consume": 6.0, "prepare": 3.0, "finish": 0.3, "write": 3.0})
    now = time.time()
    result = sink_timings(_logged(formatter, [first, second]), now - 60, now + 60)
    assert result is not None
    assert result["reports"] == 2 and result["batches"] == 40
    assert result["messages_per_batch"] == pytest.approx(5000 / 40, abs=0.1)
    assert result["prepare_ms"] == pytest.approx(1000 * 5.0 / 40, abs=0.1)
    assert result["consume_ms"] == pytest.approx(1000 * 7.0 / 40, abs=0.1)
    assert result["batches_per_s"] == pytest.approx(40 / 15, abs=0.01)


def test_reports_outside_the_measured_window_are_left_out() -> None:
    report = summarise(4, 400, 10.0, {"consume": 1.0, "prepare": 1.0, "finish": 0.0, "write": 1.0})
    lines = _logged(FORMATTERS[0], [report])
    now = time.time()
    assert sink_timings(lines, now + 30, now + 90) is None
    assert sink_timings(["garbage", "index sink timings, ms per batch: nothing"], 0, now + 90) is None


def test_missing_log_file_gives_none(tmp_path: Path) -> None:
    assert sink_timings_from(tmp_path / "absent.log", 0.0, time.time()) is None
