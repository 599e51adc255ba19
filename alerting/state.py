"""The state the detectors need, behind one small interface, and its in-memory implementation.

:class:`AlertStore` is what the engine reads and writes: count buckets per query, cooldown states per
rule, sites and authors seen per query, and a few scalars (event clock per partition, first mention
per query). The worker implements it on changelog-backed Faust tables (:mod:`alerting.faust_state`);
:class:`MemoryStore` implements it on dicts for tests and offline replays. Both must behave the same:
the engine's results depend only on what it stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from alerting.buckets import DAY, HOUR, MINUTE, ZERO, Counts, Level, hour_floor, minute_floor
from alerting.cooldown import CooldownState


@dataclass(frozen=True, slots=True)
class Keep:
    """How long after its end a query's minute and hour buckets are kept, in event-time seconds
    (:mod:`alerting.retention`)."""

    minutes_s: float
    hours_s: float


KEEP_8_DAYS = Keep(8 * DAY, 8 * DAY)
KeepOf = Callable[[str], Keep]  # query key → how long its buckets are kept


class AlertStore(Protocol):
    def add_count(
        self, qkey: str, t: float, negative: bool, partition: int, keep: Keep = KEEP_8_DAYS
    ) -> None:
        """Count one mention of query ``qkey`` at event time ``t`` (minute and hour buckets); a bucket
        created now is kept for ``keep`` after its end (a store may keep it longer, never shorter)."""
        ...

    def bucket(self, level: Level, qkey: str, start: int) -> Counts: ...

    def cooldown(self, ckey: str) -> CooldownState | None: ...

    def set_cooldown(self, ckey: str, state: CooldownState) -> None: ...

    def delete_cooldown(self, ckey: str) -> None: ...

    def cooldowns(self) -> Iterable[tuple[str, CooldownState]]: ...

    def site_seen(self, qkey: str, site: str) -> bool: ...

    def add_site(self, qkey: str, site: str, t: float) -> None: ...

    def past_reach(self, qkey: str, author: str) -> int | None: ...

    def set_reach(self, qkey: str, author: str, reach: int) -> None: ...

    def scalar(self, key: str) -> float | None: ...

    def set_scalar(self, key: str, value: float) -> None: ...

    def expire(self, partition: int, now: float, keep_of: KeepOf) -> int:
        """Drop the count buckets of ``partition`` kept long enough by ``now`` (event time); ``keep_of``
        gives a query's :class:`Keep` for buckets whose own is not known (restored from a changelog).
        Returns how many records were deleted."""
        ...


class MemoryStore:
    """:class:`AlertStore` on plain dicts (tests, offline simulation)."""

    def __init__(self) -> None:
        # (level, query, start) → (mentions, negative, partition, kept until)
        self.buckets: dict[tuple[Level, str, int], tuple[int, int, int, float]] = {}
        self.cooldown_states: dict[str, CooldownState] = {}
        self.sites: dict[tuple[str, str], float] = {}
        self.reach: dict[tuple[str, str], int] = {}
        self.scalars: dict[str, float] = {}

    def add_count(
        self, qkey: str, t: float, negative: bool, partition: int, keep: Keep = KEEP_8_DAYS
    ) -> None:
        levels: tuple[tuple[Level, int, float], ...] = (
            ("m", minute_floor(t), MINUTE + keep.minutes_s),
            ("h", hour_floor(t), HOUR + keep.hours_s),
        )
        for level, start, kept_for in levels:
            key = (level, qkey, start)
            total, neg, _, until = self.buckets.get(key, (0, 0, partition, start + kept_for))
            self.buckets[key] = (total + 1, neg + int(negative), partition, until)

    def bucket(self, level: Level, qkey: str, start: int) -> Counts:
        found = self.buckets.get((level, qkey, start))
        return Counts(found[0], found[1]) if found else ZERO

    def cooldown(self, ckey: str) -> CooldownState | None:
        return self.cooldown_states.get(ckey)

    def set_cooldown(self, ckey: str, state: CooldownState) -> None:
        self.cooldown_states[ckey] = state

    def delete_cooldown(self, ckey: str) -> None:
        self.cooldown_states.pop(ckey, None)

    def cooldowns(self) -> Iterator[tuple[str, CooldownState]]:
        yield from list(self.cooldown_states.items())

    def site_seen(self, qkey: str, site: str) -> bool:
        return (qkey, site) in self.sites

    def add_site(self, qkey: str, site: str, t: float) -> None:
        self.sites.setdefault((qkey, site), t)

    def past_reach(self, qkey: str, author: str) -> int | None:
        return self.reach.get((qkey, author))

    def set_reach(self, qkey: str, author: str, reach: int) -> None:
        self.reach[(qkey, author)] = reach

    def scalar(self, key: str) -> float | None:
        return self.scalars.get(key)

    def set_scalar(self, key: str, value: float) -> None:
        self.scalars[key] = value

    def expire(self, partition: int, now: float, keep_of: KeepOf) -> int:
        old = [k for k, v in self.buckets.items() if v[2] == partition and v[3] <= now]
        for k in old:
            del self.buckets[k]
        return len(old)
