"""``ecoute bench e2e-ab``: which settings variant B may change, the alternating order, and the
comparison of each pair's figures (pure; the e2e runs themselves are smoke-tested elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from alerting.settings import AlertingSettings
from ecoute.bench.ab import compare, parse_overrides, run_ab, run_metrics, run_order
from ecoute.bench.e2e import stage_process_env
from ecoute.bench.report import write_result
from ecoute.settings import Settings
from tests.conftest import StackEndpoints

MODELS: list[type[BaseModel]] = [Settings, AlertingSettings]


def test_overrides_of_both_settings_classes_become_environment_variables() -> None:
    env = parse_overrides(
        [
            "ECOUTE_FAUST_FETCH_MAX_WAIT_MS=100",
            "ecoute_alerting_fetch_max_wait_ms=50",
            "ECOUTE_NER_SCOPE=none",
        ],
        MODELS,
    )
    assert env == {
        "ECOUTE_FAUST_FETCH_MAX_WAIT_MS": "100",
        "ECOUTE_ALERTING_FETCH_MAX_WAIT_MS": "50",
        "ECOUTE_NER_SCOPE": "none",
    }


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ("ECOUTE_FAUST_FETCH_MAX_WAIT_MS", "expected ECOUTE_NAME=value"),
        ("=3", "expected ECOUTE_NAME=value"),
        ("KAFKA_HEAP_OPTS=-Xmx1g", "only ecoute's settings"),
        ("ECOUTE_FAUST_FETCH_MAX_WAIT=100", "no setting 'faust_fetch_max_wait'"),
        ("ECOUTE_INDEX_PREFIX=other", "sets 'index_prefix' itself"),
        ("ECOUTE_TOPIC_PARTITIONS=6", "sets 'topic_partitions' itself"),
        ("ECOUTE_FAUST_FETCH_MAX_WAIT_MS=soon", "valid integer"),
        ("ECOUTE_FAUST_FETCH_MAX_WAIT_MS=-1", "greater than or equal to 0"),
        ("ECOUTE_NER_SCOPE=some", "'matched', 'all' or 'none'"),
    ],
)
def test_a_wrong_override_is_refused_with_the_reason(item: str, says: str) -> None:
    with pytest.raises(ValueError, match=r"^'") as refused:
        parse_overrides([item], MODELS)
    assert item in str(refused.value) and says in str(refused.value)


def test_a_tuple_setting_is_checked_as_the_json_the_stage_decodes(monkeypatch: pytest.MonkeyPatch) -> None:
    env = parse_overrides(["ECOUTE_WEBHOOK_RETRY_SCHEDULE_S=[1, 2.5, 30]"], MODELS)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert AlertingSettings().webhook_retry_schedule_s == (1.0, 2.5, 30.0)  # what the stage reads
    with pytest.raises(ValueError, match="takes JSON"):
        parse_overrides(["ECOUTE_WEBHOOK_RETRY_SCHEDULE_S=1,2"], MODELS)
    with pytest.raises(ValueError, match="valid number"):
        parse_overrides(['ECOUTE_WEBHOOK_RETRY_SCHEDULE_S=["soon"]'], MODELS)


def test_the_same_setting_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        parse_overrides(["ECOUTE_NER_SCOPE=none", "ecoute_ner_scope=all"], MODELS)


def test_overrides_win_over_the_settings_the_run_gives_its_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """B's value reaches the stage even for a setting the benchmark also passes down (batch size)."""
    base = Settings(enrich_batch_size=200)
    env = stage_process_env(base, {"ECOUTE_ENRICH_BATCH_SIZE": "7"})
    assert stage_process_env(base, None)["ECOUTE_ENRICH_BATCH_SIZE"] == "200"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings().enrich_batch_size == 7


def test_pairs_alternate_their_order_so_a_linear_drift_adds_the_same_to_both() -> None:
    order = list(run_order(4))
    assert order == [(0, "A"), (0, "B"), (1, "B"), (1, "A"), (2, "A"), (2, "B"), (3, "B"), (3, "A")]
    position = {run: i for i, run in enumerate(order)}  # a machine slowing by 1 per run
    a_drift = sum(position[(pair, "A")] for pair in range(4))
    b_drift = sum(position[(pair, "B")] for pair in range(4))
    assert a_drift == b_drift
    with pytest.raises(ValueError, match="at least one pair"):
        list(run_order(0))


def _e2e_result(sustained: float, cpu: Mapping[str, float], webhook_p99: float | None) -> dict[str, Any]:
    return {
        "sustained_per_s": sustained,
        "cpu_ms_per_mention": dict(cpu),
        "published_to_searchable": {"p50_ms": 900.0, "p99_ms": 1800.0},
        "published_to_webhook": {} if webhook_p99 is None else {"p50_ms": 250.0, "p99_ms": webhook_p99},
        "cpu_busy_of_cores": 0.7,
    }


def test_figures_of_a_run_include_each_process_and_leave_out_what_was_not_measured() -> None:
    figures = run_metrics(_e2e_result(990.0, {"enrich": 0.3, "index": 0.5}, None))
    assert figures["mentions/s sustained"] == 990.0
    assert figures["CPU ms/m, all"] == pytest.approx(0.8)
    assert figures["CPU ms/m, enrich"] == 0.3 and figures["CPU ms/m, index"] == 0.5
    assert figures["searchable p99 ms"] == 1800.0 and figures["webhook p99 ms"] is None


def test_comparison_gives_each_pair_its_difference_and_whether_all_agree() -> None:
    pairs = [
        ({"cpu": 1.50, "p99": 2000.0, "only_a": 1.0}, {"cpu": 1.40, "p99": 2100.0}),
        ({"cpu": 1.60, "p99": 1900.0, "only_a": 2.0}, {"cpu": 1.45, "p99": 1850.0}),
        ({"cpu": 1.55, "p99": 2050.0, "only_a": 3.0}, {"cpu": 1.50, "p99": 2000.0}),
    ]
    result = compare(pairs)
    cpu = result["cpu"]
    assert cpu["b_minus_a"] == pytest.approx([-0.10, -0.15, -0.05])
    assert cpu["median_b_minus_a"] == pytest.approx(-0.10)
    assert cpu["median_b_minus_a_pct"] == pytest.approx(round(-100 * 0.10 / 1.55, 1))
    assert cpu["consistent"] is True
    assert result["p99"]["b_minus_a"] == pytest.approx([100.0, -50.0, -50.0])
    assert result["p99"]["consistent"] is False
    assert result["only_a"]["b_minus_a"] == [] and result["only_a"]["median_b_minus_a"] is None
    assert result["only_a"]["b"] == [None, None, None] and result["only_a"]["consistent"] is False
    assert compare([pairs[0]])["cpu"]["consistent"] is False  # one pair agrees with nothing


def test_runs_alternate_and_only_b_gets_the_overrides() -> None:
    """A fake benchmark whose machine slows by 0.05 ms per mention each run and whose B saves 0.1:
    the comparison finds the saving in every pair despite the drift."""
    overrides = {"ECOUTE_FAUST_FETCH_MAX_WAIT_MS": "100"}
    calls: list[Mapping[str, str] | None] = []
    announced: list[tuple[int, str]] = []

    def run(env: Mapping[str, str] | None) -> tuple[Mapping[str, Any], str]:
        calls.append(env)
        cpu = 1.0 + 0.05 * len(calls) - (0.1 if env else 0.0)
        return _e2e_result(1000.0 - 100 * cpu, {"enrich": cpu}, 400.0), f"run-{len(calls)}.json"

    outcome = run_ab(run, overrides, 3, on_run=lambda pair, variant: announced.append((pair, variant)))
    assert announced == list(run_order(3))
    assert calls == [None, overrides, overrides, None, None, overrides]
    assert [r["file"] for r in outcome["runs"]] == [f"run-{i}.json" for i in range(1, 7)]
    assert [(r["pair"], r["variant"]) for r in outcome["runs"]] == announced
    cpu = outcome["comparison"]["CPU ms/m, enrich"]
    assert cpu["b_minus_a"] == pytest.approx([-0.05, -0.15, -0.05])
    assert cpu["median_b_minus_a"] == pytest.approx(-0.05) and cpu["consistent"] is True
    assert outcome["comparison"]["mentions/s sustained"]["consistent"] is True
    assert outcome["overrides"] == overrides and outcome["pairs"] == 3


def test_alternating_e2e_runs_on_the_real_stack_give_b_its_settings(
    pipeline_settings: Settings, stack: StackEndpoints, tmp_path: Path
) -> None:
    """One pair of seconds-long ``run_e2e`` runs. B's ``ECOUTE_NER_SCOPE=none`` must reach the stage
    processes: B's index sink loads no spaCy model (hundreds of MiB less), and everything published is
    searchable in both."""
    from ecoute.bench.e2e import run_e2e

    def run(env: Mapping[str, str] | None) -> tuple[Mapping[str, Any], str]:
        result = run_e2e(
            pipeline_settings,
            rate=50,
            duration=2,
            queries=20,
            sample_every=10,
            warmup_s=0.0,
            server_pids=stack.pids,
            stage_env_overrides=env,
        )
        return result, str(write_result("e2e", result, tmp_path))

    outcome = run_ab(run, {"ECOUTE_NER_SCOPE": "none"}, 1)
    runs = {r["variant"]: json.loads(Path(r["file"]).read_text()) for r in outcome["runs"]}
    assert all(r["produced"] == r["searchable"] == 100 for r in runs.values())
    assert runs["A"]["stage_env_overrides"] == {} and runs["B"]["stage_env_overrides"] == {
        "ECOUTE_NER_SCOPE": "none"
    }
    assert runs["B"]["rss_peak_mb"]["index"] < runs["A"]["rss_peak_mb"]["index"] - 50
    throughput = outcome["comparison"]["mentions/s sustained"]
    assert len(throughput["b_minus_a"]) == 1 and None not in throughput["a"] + throughput["b"]
