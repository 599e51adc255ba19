"""Starting the alerting processes as children (demo, tests, benchmark).

Until the commands are registered in ``ecoute``'s CLI they run as ``python -m ecoute.cli_alerting …``;
the processes are :class:`ecoute.children.Child` objects, stopped with ``Child.stop``/``stop_all``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from alerting.settings import AlertingSettings
from ecoute.children import Child, settings_env
from ecoute.settings import Settings

log = logging.getLogger(__name__)


def stage_env(settings: Settings, alerting: AlertingSettings | None = None) -> dict[str, str]:
    """``ECOUTE_*`` variables reproducing ``settings`` (and alerting knobs that differ from defaults)."""
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
    }
    env = settings_env(values)
    if alerting is not None:
        for name, value in alerting.model_dump(exclude_defaults=True).items():
            env[f"ECOUTE_{name.upper()}"] = (
                "[" + ",".join(str(v) for v in value) + "]" if isinstance(value, tuple) else str(value)
            )
    return env


def spawn_alerting(name: str, args: Sequence[str], env: Mapping[str, str], log_dir: Path) -> Child:
    """Start ``python -m ecoute.cli_alerting <args>``; output goes to ``log_dir/<name>.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ecoute.cli_alerting", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    log.info("started %s", name, extra={"pid": proc.pid, "log": str(log_path)})
    return Child(name, proc, log_path)
