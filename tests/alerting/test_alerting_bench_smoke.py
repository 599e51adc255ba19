"""A seconds-long smoke run of ``ecoute bench alerts`` (no timing is asserted)."""

from __future__ import annotations

import pytest

from alerting.bench import run_alert_bench
from ecoute.bench.targets import targets_for
from ecoute.settings import Settings


@pytest.mark.integration
def test_alert_bench_runs_end_to_end(pipeline_settings: Settings) -> None:
    result = run_alert_bench(pipeline_settings, rate=100.0, seconds=2.0, alert_share=0.1)
    assert result["mentions"] == 200
    assert result["alerts_expected"] == 20 and result["alerts_received"] == 20
    assert result["p50_ms"] is not None and result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert {"rate_achieved_per_s", "p90_ms"} <= result.keys()
    (target,) = targets_for("alerts", result)  # judged only at 1,000/s offered: not at 100/s
    assert target.value == result["p99_ms"] and target.met is None and "100/s" in target.note
