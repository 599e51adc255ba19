"""Server-sent events of alerts, per tenant, resumable with ``Last-Event-ID`` (pure).

The stream reads the ``alerts`` topic (key ``tenant:rule``). An event id is a *cursor*: the last
offset delivered on every partition, e.g. ``0:41,1:17,2:9``. A client reconnecting with
``Last-Event-ID: 0:41,1:17,2:9`` resumes at offsets 42, 18 and 10 — nothing is lost or repeated, even
across API restarts, as long as the topic retains the records (30 days). Without the header the stream
starts at the end (live only).

Proposed route: ``GET /v1/alerts/stream`` (``text/event-stream``): ``resume_offsets`` to position a
consumer, ``sse_events`` to turn records into frames, a ``: keep-alive`` comment every 15 s
(``keepalive()``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from schemas.alert import Alert

RETRY_MS = 3000
_PARTITION = re.compile(r"[0-9]{1,9}")
_OFFSET = re.compile(r"-?[0-9]{1,19}")


class CursorError(ValueError):
    """A ``Last-Event-ID`` that is not a cursor of ours."""


def encode_cursor(offsets: Mapping[int, int]) -> str:
    return ",".join(f"{p}:{o}" for p, o in sorted(offsets.items()))


def decode_cursor(text: str | None) -> dict[int, int]:
    """The offsets of a cursor (empty for no/blank header). Raises :class:`CursorError`."""
    if text is None or not text.strip():
        return {}
    out: dict[int, int] = {}
    for part in text.strip().split(","):
        p, sep, o = part.partition(":")
        # ASCII digits only: str.isdigit() also accepts "²", and lstrip("-") accepted "--5" (int() fails)
        if not sep or not _PARTITION.fullmatch(p) or not _OFFSET.fullmatch(o) or int(p) in out:
            raise CursorError(f"not an alert stream cursor: {text[:100]!r}")
        out[int(p)] = int(o)
    if len(out) > 10_000:
        raise CursorError("cursor too long")
    return out


def resume_offsets(cursor: Mapping[int, int], partitions: Iterable[int]) -> dict[int, int | None]:
    """Offset to start each partition from: after the cursor, or None (= the end) if not in it."""
    return {p: (cursor[p] + 1 if p in cursor else None) for p in partitions}


def format_event(
    *, data: str, event: str | None = None, event_id: str | None = None, retry_ms: int | None = None
) -> str:
    """One SSE frame. Multi-line data becomes several ``data:`` lines; CR/LF are never left in fields."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id.replace(chr(10), '').replace(chr(13), '')}")
    if event is not None:
        lines.append(f"event: {event.replace(chr(10), '').replace(chr(13), '')}")
    if retry_ms is not None:
        lines.append(f"retry: {int(retry_ms)}")
    for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.append(f"data: {line}")
    return "\n".join(lines) + "\n\n"


def keepalive() -> str:
    return ": keep-alive\n\n"


@dataclass(frozen=True, slots=True)
class Record:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def sse_events(
    records: Iterable[Record], tenant: str, cursor: Mapping[int, int]
) -> Iterator[tuple[str, dict[int, int]]]:
    """Frames for ``tenant``'s alerts among ``records``, each with the cursor after it.

    Records at or before the cursor are skipped; other tenants' records and undecodable ones advance
    the cursor silently (they are never shown, and never re-read).
    """
    position = dict(cursor)
    prefix = f"{tenant}:".encode()
    for record in records:
        if record.offset <= position.get(record.partition, -1):
            continue
        position[record.partition] = record.offset
        if record.key is None or not record.key.startswith(prefix) or record.value is None:
            continue
        try:
            alert = Alert.model_validate_json(record.value)
        except ValidationError:
            continue
        if alert.tenant != tenant:
            continue
        frame = format_event(
            data=alert.model_dump_json(),
            event=alert.event_type,
            event_id=encode_cursor(position),
            retry_ms=RETRY_MS,
        )
        yield frame, dict(position)
