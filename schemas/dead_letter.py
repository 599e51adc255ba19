"""Dead-letter events (topics ``dlq.<stage>``): a message a stage could not process, with the reason.

The original bytes are kept (base64) so the message can be inspected and replayed; nothing is dropped.
"""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import Field

from schemas.common import Frozen, UtcDatetime

PREVIEW_CHARS = 500


class DeadLetter(Frozen):
    """A poison message and why it was rejected."""

    schema_version: Literal[1] = 1
    stage: str = Field(description="ingest | enrich | index | alerting | webhooks")
    reason: str = Field(max_length=4000)
    error_type: str = Field(max_length=200)
    source: str | None = Field(default=None, description="source id or URL, when known")
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    value_b64: str = Field(description="original payload, base64")
    value_preview: str = Field(default="", max_length=PREVIEW_CHARS)
    failed_at: UtcDatetime

    @staticmethod
    def encode_value(value: bytes | None) -> tuple[str, str]:
        """(base64, readable preview) of an original payload."""
        raw = value or b""
        return base64.b64encode(raw).decode("ascii"), raw[:PREVIEW_CHARS].decode("utf-8", "replace")[
            :PREVIEW_CHARS
        ]

    def original_value(self) -> bytes:
        """The original payload bytes."""
        return base64.b64decode(self.value_b64)
