"""The state the detectors need, behind one small interface, and its in-memory implementation.

:class:`AlertStore` is what the engine reads and writes: count buckets per query, cooldown states per
rule, sites and authors seen per query, and a few scalars (event clock per partition, first mention
per query). The worker implements it on changelog-backed Faust tables (:mod:`alerting.faust_state`);
:class:`MemoryStore` implements it on dicts for tests and offline replays. Both must behave the same:
the engine's results depend only on what it stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from alerting.buckets import HOUR, MINUTE, ZERO, Counts, Level, hour_floor, minute_floor
from alerting.cooldown import CooldownState


class AlertStore(Protocol):
    def add_count(self, qkey: str, t: float, negative: bool, partition: int) -> None:
        """Count one mention of query ``qkey`` at event time ``t`` (minute and hour buckets)."""
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

    def expire(self, partition: int, before: float) -> int:
        """Drop count buckets of ``partition`` that ended at or before ``before`` (a store that groups
        buckets may keep one until its whole group ended); returns how many records it deleted."""
        ...


class MemoryStore:
    """:class:`AlertStore` on plain dicts (tests, offline simulation)."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[Level, str, int], tuple[int, int, int]] = {}
        self.cooldown_states: dict[str, CooldownState] = {}
        self.sites: dict[tuple[str, str], float] = {}
        self.reach: dict[tuple[str, str], int] = {}
        self.scalars: dict[str, float] = {}

    def add_count(self, qkey: str, t: float, negative: bool, partition: int) -> None:
        levels: tuple[tuple[Level, int], ...] = (("m", minute_floor(t)), ("h", hour_floor(t)))
        for level, start in levels:
            key = (level, qkey, start)
            total, neg, _ = self.buckets.get(key, (0, 0, partition))
            self.buckets[key] = (total + 1, neg + int(negative), partition)

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

    def expire(self, partition: int, before: float) -> int:
        old = [
            k
            for k, v in self.buckets.items()
            if v[2] == partition and k[2] + (MINUTE if k[0] == "m" else HOUR) <= before
        ]
        for k in old:
            del self.buckets[k]
        return len(old)
