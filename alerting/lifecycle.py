"""Alert lifecycle (pure): open → acknowledged → resolved, with who and when.

* ``acknowledge``: open → acknowledged.
* ``resolve``: open or acknowledged → resolved. Resolving an open alert also acknowledges it at the
  same instant (someone looked at it), so time-to-acknowledge is defined for every resolved alert.
* ``reopen``: acknowledged or resolved → open; the response clock restarts (``opened_at`` = now), so
  KPIs measure the new response.

Any other move raises :class:`TransitionError` (the API answers 409), as does a timestamp earlier than
the alert's last change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from schemas.common import Frozen, UtcDatetime

Action = Literal["acknowledge", "resolve", "reopen"]


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class TransitionError(ValueError):
    """The requested move is not allowed from the alert's current status."""


class Lifecycle(Frozen):
    """Where an alert stands in its handling."""

    status: AlertStatus = AlertStatus.OPEN
    opened_at: UtcDatetime
    acknowledged_at: UtcDatetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=200)
    resolved_at: UtcDatetime | None = None
    resolved_by: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)

    @property
    def last_change(self) -> datetime:
        return max(t for t in (self.opened_at, self.acknowledged_at, self.resolved_at) if t is not None)


def opened(at: datetime) -> Lifecycle:
    """The lifecycle of a new alert (opened when it fired)."""
    return Lifecycle(opened_at=at)


def transition(
    current: Lifecycle, action: Action, *, who: str, at: datetime, note: str | None = None
) -> Lifecycle:
    """The lifecycle after ``action`` by ``who`` at ``at``. Raises :class:`TransitionError`."""
    if not who.strip():
        raise TransitionError("who must not be empty")
    if at < current.last_change:
        raise TransitionError("a transition cannot predate the alert's last change")
    status = current.status
    if action == "acknowledge":
        if status is not AlertStatus.OPEN:
            raise TransitionError(f"cannot acknowledge an alert that is {status.value}")
        return current.model_copy(
            update={
                "status": AlertStatus.ACKNOWLEDGED,
                "acknowledged_at": at,
                "acknowledged_by": who,
                "note": note or current.note,
            }
        )
    if action == "resolve":
        if status is AlertStatus.RESOLVED:
            raise TransitionError("the alert is already resolved")
        update: dict[str, object] = {
            "status": AlertStatus.RESOLVED,
            "resolved_at": at,
            "resolved_by": who,
            "note": note or current.note,
        }
        if current.acknowledged_at is None:
            update |= {"acknowledged_at": at, "acknowledged_by": who}
        return current.model_copy(update=update)
    if action == "reopen":
        if status is AlertStatus.OPEN:
            raise TransitionError("the alert is already open")
        return Lifecycle(opened_at=at, note=note or current.note)
    raise TransitionError(f"unknown action {action!r}")


def time_to_acknowledge(lc: Lifecycle) -> float | None:
    """Seconds from opening to acknowledgement (None while unacknowledged)."""
    if lc.acknowledged_at is None:
        return None
    return (lc.acknowledged_at - lc.opened_at).total_seconds()


def time_to_resolve(lc: Lifecycle) -> float | None:
    """Seconds from opening to resolution (None while unresolved)."""
    if lc.resolved_at is None:
        return None
    return (lc.resolved_at - lc.opened_at).total_seconds()
