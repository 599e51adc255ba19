"""Server-sent events parsing (pure, incremental), per the WHATWG EventSource format.

Feed lines (without their line terminator) to :meth:`SseParser.feed_line`; a blank line dispatches the
event accumulated so far. Comments (``:thump``) and unknown fields are ignored; ``data`` lines are
joined with newlines; an event without data is not dispatched.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: str
    id: str | None = None


class SseParser:
    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self.last_event_id: str | None = None

    def feed_line(self, line: str) -> SseEvent | None:
        """Consume one line; returns the event completed by a blank line, if any."""
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = SseEvent(self._event or "message", "\n".join(self._data), self._id)
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\x00" not in value:
            self._id = self.last_event_id = value
        return None
