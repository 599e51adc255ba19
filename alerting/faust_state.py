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

Every table is keyed so that all state of a query lives on the partition of ``tenant:query`` in
``mentions.matches``. Faust writes a table change to the changelog partition of "the current event";
the detector agent processes batches (``take_events``) where that notion is blurred, so a write records
the partition set by :func:`partition_context` (set by the agent around each event), and its changelog
record goes to that partition (:class:`PartitionedTable` does the same for a write through Faust).
Faust still owns the tables' changelog topics and recovery; the batch's changelog records are produced
by the agent (see :class:`_WriteBack`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import faust
import orjson

from alerting.buckets import HOUR, MINUTE, ZERO, Counts, Level, hour_floor, minute_floor
from alerting.cooldown import CooldownState
from ecoute.acked_producer import Record

_partition: ContextVar[int] = ContextVar("alerting_partition")
MAX_CACHED = 200_000  # cached misses are dropped beyond this many cached keys


class _PartitionScope:
    """``with`` block setting the changelog partition (a class: cheaper than a generator context
    manager, and entered once per event on the hot path)."""

    __slots__ = ("_partition", "_token")

    def __init__(self, partition: int) -> None:
        self._partition = partition

    def __enter__(self) -> None:
        self._token = _partition.set(self._partition)

    def __exit__(self, *_exc: object) -> None:
        _partition.reset(self._token)


def partition_context(partition: int) -> _PartitionScope:
    """Table writes inside go to changelog partition ``partition``."""
    return _PartitionScope(partition)


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


class _WriteBack:
    """A read cache and write-back buffer in front of one table.

    Reads hit the table once per key; writes are kept and written once per key by :meth:`flush` (at the
    end of each batch, before the batch is acknowledged), each under the changelog partition that was
    current when the value was set. A burst of 500 mentions of one query in a batch thus writes its
    minute bucket once, not 500 times.

    :meth:`flush` updates the table's local store directly and returns the changelog records for the
    caller to produce (with :class:`ecoute.acked_producer.AckedProducer`, acknowledged before the
    batch is): with several changed keys per matched mention, Faust's per-record send path was about a
    quarter of the worker's CPU. The records are what Faust itself writes (JSON key, JSON value, a
    null value for a deletion), so Faust's recovery rebuilds the table from them as before.
    """

    def __init__(self, table: PartitionedTable) -> None:
        self.table = table
        self.values: dict[str, Any] = {}
        self.dirty: dict[str, int] = {}
        self._changelog: str | None = None

    def get(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            value = self.table.get(key)
            self.values[key] = value
            return value

    def put(self, key: str, value: Any) -> None:
        self.values[key] = value
        self.dirty[key] = _current_partition()

    def delete(self, key: str) -> None:
        self.put(key, None)

    def all_keys(self) -> set[str]:
        """Keys with a value, in the table or written since the last flush."""
        live = {str(k) for k in self.table if k not in self.values}
        return live | {k for k, v in self.values.items() if v is not None}

    def flush(self) -> list[Record]:
        """Apply the changed keys to the table (once each) and return their changelog records; also
        forgets cached misses when there are many."""
        if self._changelog is None:
            self._changelog = self.table.changelog_topic.get_topic_name()
        topic = self._changelog
        data = self.table.data
        records: list[Record] = []
        for key, partition in self.dirty.items():
            value = self.values[key]
            if value is None:
                self.values.pop(key, None)
                if key in data:
                    del data[key]
                    records.append(Record(topic, orjson.dumps(key), None, partition=partition))
            else:
                data[key] = value
                records.append(Record(topic, orjson.dumps(key), orjson.dumps(value), partition=partition))
        self.dirty.clear()
        if len(self.values) > MAX_CACHED:
            self.values = {k: v for k, v in self.values.items() if v is not None}
        return records

    def reset(self) -> None:
        """Forget cached values (after a rebalance); unflushed writes must have been flushed."""
        self.values.clear()
        self.dirty.clear()


def _current_partition() -> int:
    try:
        return _partition.get()
    except LookupError:
        raise RuntimeError("state written outside partition_context()") from None


class FaustStore:
    """:class:`~alerting.state.AlertStore` on the tables of :func:`create_tables`, through write-back
    caches (:class:`_WriteBack`). The caller must :meth:`flush` at the end of each batch, inside the
    agent, and produce the changelog records it returns before the batch's offsets can be committed.

    Decoded cooldown states and the expiry index are derived data, dropped by :meth:`reset` on every
    rebalance and rebuilt from the tables.
    """

    def __init__(self, tables: dict[str, PartitionedTable]) -> None:
        self.counts = _WriteBack(tables["counts"])
        self.cooldown_table = _WriteBack(tables["cooldowns"])
        self.sites = _WriteBack(tables["sites"])
        self.reach = _WriteBack(tables["reach"])
        self.scalars = _WriteBack(tables["scalars"])
        self._all = (self.counts, self.cooldown_table, self.sites, self.reach, self.scalars)
        self._cooldown_cache: dict[str, CooldownState] = {}
        self._expiry: dict[int, list[tuple[int, str]]] = {}

    def flush(self) -> list[Record]:
        """Apply what changed since the last flush to the tables; returns the changelog records, which
        must be acknowledged by Kafka before the batch's offsets may be committed."""
        return [record for cache in self._all for record in cache.flush()]

    def reset(self) -> None:
        for cache in self._all:
            cache.reset()
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
                self.counts.put(key, [1, int(negative), partition])
                if partition in self._expiry:
                    heapq.heappush(self._expiry[partition], (start + size, key))
            else:
                self.counts.put(key, [current[0] + 1, current[1] + int(negative), partition])

    def bucket(self, level: Level, qkey: str, start: int) -> Counts:
        found = self.counts.get(_bucket_key(level, qkey, start))
        return Counts(found[0], found[1]) if found else ZERO

    def expire(self, partition: int, before: float) -> int:
        heap = self._expiry.get(partition)
        if heap is None:  # first call since start/rebalance: index what the changelog restored
            heap = []
            for key in self.counts.all_keys():
                value = self.counts.get(key)
                parsed = _parse_bucket_key(key)
                if parsed is None or value is None or value[2] != partition:
                    continue
                level, start = parsed
                heap.append((start + (MINUTE if level == "m" else HOUR), key))
            heapq.heapify(heap)
            self._expiry[partition] = heap
        removed = 0
        while heap and heap[0][0] <= before:
            _, key = heapq.heappop(heap)
            if self.counts.get(key) is not None:
                self.counts.delete(key)
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
        self.cooldown_table.put(ckey, state.model_dump(mode="json"))
        self._cooldown_cache[ckey] = state

    def delete_cooldown(self, ckey: str) -> None:
        self._cooldown_cache.pop(ckey, None)
        self.cooldown_table.delete(ckey)

    def cooldowns(self) -> Iterator[tuple[str, CooldownState]]:
        for ckey in sorted(self.cooldown_table.all_keys()):
            state = self.cooldown(ckey)
            if state is not None:
                yield ckey, state

    # --- sites, reach, scalars --------------------------------------------------------------------
    def site_seen(self, qkey: str, site: str) -> bool:
        return self.sites.get(f"{qkey}|{site}") is not None

    def add_site(self, qkey: str, site: str, t: float) -> None:
        key = f"{qkey}|{site}"
        if self.sites.get(key) is None:
            self.sites.put(key, t)

    def past_reach(self, qkey: str, author: str) -> int | None:
        value = self.reach.get(f"{qkey}|{author}")
        return int(value) if value is not None else None

    def set_reach(self, qkey: str, author: str, reach: int) -> None:
        self.reach.put(f"{qkey}|{author}", reach)

    def scalar(self, key: str) -> float | None:
        value = self.scalars.get(key)
        return float(value) if value is not None else None

    def set_scalar(self, key: str, value: float) -> None:
        self.scalars.put(key, value)
