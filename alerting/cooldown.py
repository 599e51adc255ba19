"""Cooldown and grouping per rule (pure).

After a rule emits an alert at event time ``T``, firings before ``T + cooldown_s`` do not emit: they are
*grouped* — counted, and their most telling mentions kept as samples. When the event clock reaches
``T + cooldown_s`` the group is emitted as one "grouped" alert dated ``T + cooldown_s`` (count + samples),
which starts the next cooldown. A firing after a cooldown with nothing grouped emits at once.

So a crisis of thousands of mentions gives one alert per cooldown period, each standing for everything
that fired in it, and nothing that fired is ever silently dropped. The engine flushes a due group before
it looks at the next firing (:func:`on_clock` then :func:`on_fire`), and the alerts depend on event
times only: a burst replayed in seconds gives the same alerts, with the same ids, as it did live (see
:mod:`alerting.clock`). :func:`on_fire` still merges a due group into its alert if called without
:func:`on_clock` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field

from schemas.alert import AlertExplanation, AlertSample
from schemas.common import Frozen


class CooldownState(Frozen):
    """What one rule remembers between firings (stored per rule and query)."""

    partition: int = Field(ge=0, description="partition owning this state (flush ticks filter on it)")
    last_alert_at: float | None = None
    pending_count: int = 0
    pending_since: float | None = None
    pending_samples: tuple[AlertSample, ...] = ()
    pending_explanation: AlertExplanation | None = None
    pending_langs: tuple[tuple[str, int], ...] = ()
    alerts: int = 0


@dataclass(frozen=True, slots=True)
class Emit:
    """An alert to build: when, how many mentions it stands for, and its evidence."""

    fired_at: float
    count: int
    grouped: bool
    grouped_since: float | None
    samples: tuple[AlertSample, ...]
    explanation: AlertExplanation
    langs: tuple[tuple[str, int], ...]
    trigger: str


def rank_samples(samples: Iterable[AlertSample], limit: int) -> tuple[AlertSample, ...]:
    """Distinct samples, most telling first: biggest audience, then negative, then most recent."""
    unique: dict[str, AlertSample] = {}
    for s in samples:
        unique.setdefault(s.mention_id, s)
    ranked = sorted(
        unique.values(),
        key=lambda s: (s.followers or 0, s.sentiment == "negative", s.published_at),
        reverse=True,
    )
    return tuple(ranked[:limit])


def _add_langs(
    langs: tuple[tuple[str, int], ...], samples: Iterable[AlertSample]
) -> tuple[tuple[str, int], ...]:
    counts = dict(langs)
    for s in samples:
        counts[s.lang] = counts.get(s.lang, 0) + 1
    return tuple(sorted(counts.items()))


def in_cooldown(state: CooldownState | None, t: float, cooldown_s: float) -> bool:
    """True if a firing at ``t`` is to be grouped. A firing older than the last alert (out-of-order
    arrival) joins the current group; with no cooldown every firing emits."""
    return (
        cooldown_s > 0
        and state is not None
        and state.last_alert_at is not None
        and t < state.last_alert_at + cooldown_s
    )


def on_fire(
    state: CooldownState,
    *,
    t: float,
    trigger: AlertSample,
    evidence: tuple[AlertSample, ...],
    explanation: AlertExplanation,
    cooldown_s: float,
    max_samples: int,
) -> tuple[CooldownState, Emit | None]:
    """A firing at event time ``t``: emit (with whatever was grouped) or group it."""
    if in_cooldown(state, t, cooldown_s):
        langs = _add_langs(state.pending_langs, [trigger])
        grouped = state.model_copy(
            update={
                "pending_count": state.pending_count + 1,
                "pending_since": t if state.pending_since is None else min(state.pending_since, t),
                "pending_samples": rank_samples((*state.pending_samples, trigger, *evidence), max_samples),
                "pending_explanation": explanation,
                "pending_langs": langs,
            }
        )
        return grouped, None
    samples = rank_samples((trigger, *evidence, *state.pending_samples), max_samples)
    # the trigger always shows first, whatever its reach
    samples = (trigger, *[s for s in samples if s.mention_id != trigger.mention_id])[:max_samples]
    emit = Emit(
        fired_at=t,
        count=1 + state.pending_count,
        grouped=False,
        grouped_since=state.pending_since,
        samples=samples,
        explanation=explanation,
        langs=_add_langs(state.pending_langs, [trigger, *evidence]),
        trigger=trigger.mention_id,
    )
    fresh = CooldownState(partition=state.partition, last_alert_at=t, alerts=state.alerts + 1)
    return fresh, emit


def on_clock(state: CooldownState, *, now: float, cooldown_s: float) -> tuple[CooldownState, Emit | None]:
    """The event clock reached ``now``: emit the group if its cooldown is over."""
    if state.pending_count == 0 or state.last_alert_at is None or state.pending_explanation is None:
        return state, None
    end = state.last_alert_at + cooldown_s
    if now < end:
        return state, None
    emit = Emit(
        fired_at=end,
        count=state.pending_count,
        grouped=True,
        grouped_since=state.pending_since,
        samples=state.pending_samples,
        explanation=state.pending_explanation,
        langs=state.pending_langs,
        trigger=f"group@{end:.0f}",
    )
    return CooldownState(partition=state.partition, last_alert_at=end, alerts=state.alerts + 1), emit
