"""The engine's store on Faust tables: changelog-backed, so a restarted worker recovers every count,
cooldown, seen site and author reach from Kafka before it processes a new event.

Tables (``store="memory://"`` + changelog topic each; key and value JSON):

=============  ===========================================  ======================================
table          key                                          value
=============  ===========================================  ======================================
``counts``     ``tenant:query|m|<minute>`` / ``…|h|<hour>``  ``[mentions, negative, partition]``
``cooldowns``  ``tenant:rule|query``                        :class:`~alerting.cooldown.CooldownState`
``sites``      ``tenant:query|site``                        first event time
``reach``      ``tenant:query|author``                      largest audience seen
``scalars``    ``clock|<partition>``, ``first|tenant:query`` event time
=============  ===========================================  ======================================

``counts`` is a tumbling-window table in event time, one-minute and one-hour windows, written and
expired by us rather than with Faust's ``.tumbling()`` wrapper: Faust's windowed tables expire windows
on the *wall clock*, push one heap entry per update (memory grows with traffic) and never expire
windows restored from the changelog. Here a window is deleted (a changelog tombstone) once the
partition's *event* clock has moved ``retention`` past its end, which keeps replays and live traffic
identical and the changelog bounded.

Every table is keyed so that all state of a query lives on the partition of ``tenant:query`` in the
re-keyed match topic. Faust writes a table change to the changelog partition of "the current event";
the detector agent processes batches (``take_events``) where that notion is blurred, so
:class:`PartitionedTable` takes the partition from :func:`partition_context`, set by the agent around
each event.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import faust

from alerting.buckets import HOUR, MINUTE, ZERO, Counts, Level, hour_floor, minute_floor
from alerting.cooldown import CooldownState

_partition: ContextVar[int] = ContextVar("alerting_partition")


@contextlib.contextmanager
def partition_context(partition: int) -> Iterator[None]:
    """Table writes inside go to changelog partition ``partition``."""
    token = _partition.set(partition)
    try:
        yield
    finally:
        _partition.reset(token)


class PartitionedTable(faust.Table[str, Any]):
    """A Faust table whose changelog partition is the one set by :func:`partition_context`."""

    def partition_for_key(self, key: Any) -> int | None:
        try:
            return _partition.get()
        except LookupError:
            raise RuntimeError("table written outside partition_context()") from None


def create_tables(app: faust.App, partitions: int) -> dict[str, PartitionedTable]:
    """Define the alerting tables on ``app`` (before the app starts)."""
    tables: dict[str, PartitionedTable] = {}
    for name in ("counts", "cooldowns", "sites", "reach", "scalars"):
        table = PartitionedTable(
            app,
            name=name,
            partitions=partitions,
            beacon=app.tables.beacon,
            help=f"alerting {name}",
        )
        app.tables.add(table)
        tables[name] = table
    return tables


def _bucket_key(level: Level, qkey: str, start: int) -> str:
    return f"{qkey}|{level}|{start}"


def _parse_bucket_key(key: str) -> tuple[Level, int] | None:
    parts = key.rsplit("|", 2)  # tenant:query ids never contain "|"
    if len(parts) != 3 or parts[1] not in ("m", "h") or not parts[2].isdigit():
        return None
    return ("m" if parts[1] == "m" else "h"), int(parts[2])


class FaustStore:
    """:class:`~alerting.state.AlertStore` on the tables of :func:`create_tables`.

    Decoded cooldown states are cached; the cache and the expiry index are derived data, dropped by
    :meth:`reset` on every rebalance and rebuilt from the tables.
    """

    def __init__(self, tables: dict[str, PartitionedTable]) -> None:
        self.counts = tables["counts"]
        self.cooldown_table = tables["cooldowns"]
        self.sites = tables["sites"]
        self.reach = tables["reach"]
        self.scalars = tables["scalars"]
        self._cooldown_cache: dict[str, CooldownState] = {}
        self._expiry: dict[int, list[tuple[int, str]]] = {}

    def reset(self) -> None:
        self._cooldown_cache.clear()
        self._expiry.clear()

    # --- counts -----------------------------------------------------------------------------------
    def add_count(self, qkey: str, t: float, negative: bool, partition: int) -> None:
        levels: tuple[tuple[Level, int, int], ...] = (
            ("m", minute_floor(t), MINUTE),
            ("h", hour_floor(t), HOUR),
        )
        for level, start, size in levels:
            key = _bucket_key(level, qkey, start)
            current = self.counts.get(key)
            if current is None:
                self.counts[key] = [1, int(negative), partition]
                if partition in self._expiry:
                    heapq.heappush(self._expiry[partition], (start + size, key))
            else:
                self.counts[key] = [current[0] + 1, current[1] + int(negative), partition]

    def bucket(self, level: Level, qkey: str, start: int) -> Counts:
        found = self.counts.get(_bucket_key(level, qkey, start))
        return Counts(found[0], found[1]) if found else ZERO

    def expire(self, partition: int, before: float) -> int:
        heap = self._expiry.get(partition)
        if heap is None:  # first call since start/rebalance: index what the changelog restored
            heap = []
            for key, value in list(self.counts.items()):
                parsed = _parse_bucket_key(key)
                if parsed is None or value[2] != partition:
                    continue
                level, start = parsed
                heap.append((start + (MINUTE if level == "m" else HOUR), key))
            heapq.heapify(heap)
            self._expiry[partition] = heap
        removed = 0
        while heap and heap[0][0] <= before:
            _, key = heapq.heappop(heap)
            if key in self.counts:
                del self.counts[key]
                removed += 1
        return removed

    # --- cooldowns --------------------------------------------------------------------------------
    def cooldown(self, ckey: str) -> CooldownState | None:
        cached = self._cooldown_cache.get(ckey)
        if cached is not None:
            return cached
        raw = self.cooldown_table.get(ckey)
        if raw is None:
            return None
        state = CooldownState.model_validate(raw)
        self._cooldown_cache[ckey] = state
        return state

    def set_cooldown(self, ckey: str, state: CooldownState) -> None:
        self.cooldown_table[ckey] = state.model_dump(mode="json")
        self._cooldown_cache[ckey] = state

    def delete_cooldown(self, ckey: str) -> None:
        self._cooldown_cache.pop(ckey, None)
        if ckey in self.cooldown_table:
            del self.cooldown_table[ckey]

    def cooldowns(self) -> Iterator[tuple[str, CooldownState]]:
        for ckey in list(self.cooldown_table.keys()):
            state = self.cooldown(ckey)
            if state is not None:
                yield ckey, state

    # --- sites, reach, scalars --------------------------------------------------------------------
    def site_seen(self, qkey: str, site: str) -> bool:
        return f"{qkey}|{site}" in self.sites

    def add_site(self, qkey: str, site: str, t: float) -> None:
        key = f"{qkey}|{site}"
        if key not in self.sites:
            self.sites[key] = t

    def past_reach(self, qkey: str, author: str) -> int | None:
        value = self.reach.get(f"{qkey}|{author}")
        return int(value) if value is not None else None

    def set_reach(self, qkey: str, author: str, reach: int) -> None:
        self.reach[f"{qkey}|{author}"] = reach

    def scalar(self, key: str) -> float | None:
        value = self.scalars.get(key)
        return float(value) if value is not None else None

    def set_scalar(self, key: str, value: float) -> None:
        self.scalars[key] = value
