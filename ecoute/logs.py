"""Logging set-up shared by every process: one line per event, key=value context.

Library code logs through ``logging.getLogger(__name__)`` and passes context with ``extra=``
(topic/partition/offset or tenant/source); :func:`configure_logging` renders that context.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def _context(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class KeyValueFormatter(logging.Formatter):
    """``time level logger message k=v k=v`` — readable in a terminal, greppable in files."""

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        ctx = _context(record)
        if ctx:
            base += " " + " ".join(
                f"{k}={v!r}" if isinstance(v, str) and " " in v else f"{k}={v}" for k, v in ctx.items()
            )
        return base


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context(record),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    """Install one stderr handler on the root logger (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_ecoute", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._ecoute = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter() if json_lines else KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("elastic_transport", "httpx", "httpcore", "aiokafka", "faust", "mode"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
