"""Starting the alerting processes as children (demo, tests, benchmark).

The processes are ``ecoute worker alerting|webhooks`` started with :func:`ecoute.children.spawn`;
this module builds their environment.
"""

from __future__ import annotations

import logging

from alerting.settings import AlertingSettings
from ecoute.children import stage_env as stage_env_base
from ecoute.settings import Settings

log = logging.getLogger(__name__)


def stage_env(settings: Settings, alerting: AlertingSettings | None = None) -> dict[str, str]:
    """``ECOUTE_*`` variables reproducing ``settings`` (and alerting knobs that differ from defaults)."""
    env = stage_env_base(settings)
    if alerting is not None:
        for name, value in alerting.model_dump(exclude_defaults=True).items():
            env[f"ECOUTE_{name.upper()}"] = (
                "[" + ",".join(str(v) for v in value) + "]" if isinstance(value, tuple) else str(value)
            )
    return env
