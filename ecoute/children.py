"""Child processes of the demo and the tests: ``python -m ecoute …`` with a given environment, stopped
with SIGTERM (graceful) then SIGKILL."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecoute.settings import Settings

log = logging.getLogger(__name__)


def settings_env(values: Mapping[str, object]) -> dict[str, str]:
    """``ECOUTE_*`` environment variables for settings values (bools as 1/0)."""
    env = {}
    for key, value in values.items():
        if value is None:
            continue
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        env[f"ECOUTE_{key.upper()}"] = text
    return env


def stage_env(settings: Settings, **overrides: object) -> dict[str, str]:
    """Environment for a child stage process reproducing ``settings`` (servers pinned, so children
    never start or stop servers themselves), plus ``overrides`` (other settings fields)."""
    values: dict[str, object] = {
        "kafka_bootstrap": settings.effective_kafka_bootstrap,
        "es_url": settings.effective_es_url,
        "home": settings.home,
        "topic_prefix": settings.topic_prefix,
        "index_prefix": settings.index_prefix,
        "consumer_group_prefix": settings.consumer_group_prefix,
        "topic_partitions": settings.topic_partitions,
        "allow_private_urls": settings.allow_private_urls,
        "log_level": settings.log_level,
        "ner_scope": settings.ner_scope,
        "enrich_batch_size": settings.enrich_batch_size,
        "enrich_batch_within_s": settings.enrich_batch_within_s,
        "index_batch_size": settings.index_batch_size,
        "index_batch_within_s": settings.index_batch_within_s,
        "index_entities_wait_s": settings.index_entities_wait_s,
        "index_entities_per_batch": settings.index_entities_per_batch,
        "index_refresh_interval_s": settings.index_refresh_interval_s,
        "ner_batch_size": settings.ner_batch_size,
        "faust_fetch_min_bytes": settings.faust_fetch_min_bytes,
        "faust_fetch_max_wait_ms": settings.faust_fetch_max_wait_ms,
        "ner_fetch_max_wait_ms": settings.ner_fetch_max_wait_ms,
    }
    values.update(overrides)
    return settings_env(values)


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM, wait up to ``timeout_s``, then SIGKILL. Returns the exit code."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop on SIGTERM; killing", self.name)
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


def spawn(name: str, args: Sequence[str], env: Mapping[str, str], log_dir: Path) -> Child:
    """Start ``python -m ecoute <args>``; output goes to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ecoute", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    log.info("started %s", name, extra={"pid": proc.pid, "log": str(log_path)})
    return Child(name, proc, log_path)


def stop_all(children: Sequence[Child], timeout_s: float = 30.0) -> None:
    for child in children:
        if child.alive():
            child.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(max(0.1, deadline - time.monotonic()))
        child.stop(1.0)
