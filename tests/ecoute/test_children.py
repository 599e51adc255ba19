"""A child stage process reads back the processing settings of the process that started it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecoute.children import stage_env
from ecoute.settings import Settings


def test_stage_env_carries_processing_settings_set_in_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("ECOUTE_"):
            monkeypatch.delenv(name)
    parent = Settings(
        home=tmp_path,
        kafka_bootstrap="127.0.0.1:1",
        es_url="http://127.0.0.1:2",
        index_refresh_interval_s=0.25,
        index_batch_within_s=0.4,
        faust_fetch_max_wait_ms=70,
    )
    env = stage_env(parent)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    child = Settings()
    assert child.index_refresh_interval_s == 0.25 != Settings.model_fields["index_refresh_interval_s"].default
    assert (child.index_batch_within_s, child.faust_fetch_max_wait_ms) == (0.4, 70)
    assert child.home == tmp_path
    # an override wins over the parent's value
    overridden = stage_env(parent, index_refresh_interval_s=2.0)
    monkeypatch.setenv("ECOUTE_INDEX_REFRESH_INTERVAL_S", overridden["ECOUTE_INDEX_REFRESH_INTERVAL_S"])
    assert Settings().index_refresh_interval_s == 2.0
