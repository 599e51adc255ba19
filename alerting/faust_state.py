"""The engine's store on Faust tables: changelog-backed, so a restarted worker recovers every count,
cooldown, seen site and author reach from Kafka before it processes a new event.

Tables (``store="memory://"`` + changelog topic each; key and value JSON):

=============  ===========================================  ======================================
table          key                                          value
=============  ===========================================  ======================================
``counts``     ``tenant:query|mh|<hour>`` / ``…|hd|<day>``   ``[partition, mentions, negative, …]``
``cooldowns``  ``tenant:rule|query``                        :class:`~alerting.cooldown.CooldownState`
``sites``      ``tenant:query|site``                        first event time
``reach``      ``tenant:query|author``                      largest audience seen
``scalars``    ``clock|<partition>``, ``first|tenant:query`` event time
=============  ===========================================  ======================================

``counts`` holds tumbling windows in event time, one-minute and one-hour buckets, written and expired by
us rather than with Faust's ``.tumbling()`` wrapper: Faust's windowed tables expire windows on the *wall
clock*, push one heap entry per update (memory grows with traffic) and never expire windows restored
from the changelog. Buckets are stored in groups: a query's 60 minute buckets of one hour in one record
(``mh``), its 24 hour buckets of one day in another (``hd``), each a flat list ``[partition, mentions₀,
negative₀, mentions₁, negative₁, …]``. A record per bucket took ~190 bytes for its key and value alone
(tracemalloc), about twice that with its slots in the table, the write-back cache and the expiry index
(the worker grew 29 MiB for ~80,000 bucket keys in an 8-minute benchmark): a query with mentions every
minute added 60 of them an hour; grouped, one record of ~1.1 KB. A group is deleted (a changelog
tombstone) once the partition's *event* clock has moved its query's keep past the group's end
(:mod:`alerting.retention`: hours 8 days, minutes as long as the query's rules read them), which keeps
replays and live traffic identical and the changelog bounded. Keys of the former layout (one per bucket,
``|m|``/``|h|``) restored from an older changelog are not read (baselines start again after an upgrade)
and expire like the groups.

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

from alerting.buckets import DAY, HOUR, MINUTE, ZERO, Counts, Level, hour_floor, minute_floor
from alerting.cooldown import CooldownState
from alerting.state import KEEP_8_DAYS, Keep, KeepOf
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


# level → (group tag, group span, bucket size): minute buckets grouped per hour, hours per day
GROUPS: dict[Level, tuple[str, int, int]] = {"m": ("mh", HOUR, MINUTE), "h": ("hd", DAY, HOUR)}
SPANS = {tag: span for tag, span, _ in GROUPS.values()} | {"m": MINUTE, "h": HOUR}  # + former layout


def _slot(level: Level, qkey: str, start: int) -> tuple[str, int, int]:
    """Key of the group holding bucket (``level``, ``start``), its start, and the bucket's index in it."""
    tag, span, size = GROUPS[level]
    group = start - start % span
    return f"{qkey}|{tag}|{group}", group, 1 + 2 * ((start - group) // size)


def _empty_group(level: Level, partition: int) -> list[int]:
    _, span, size = GROUPS[level]
    return [partition] + [0] * (2 * (span // size))


def _expiry_of(key: str, value: Any, keep_of: KeepOf) -> tuple[float, int] | None:
    """When the group (or former single bucket) stored at ``key`` may be deleted, and its partition;
    None if the key is not a count bucket's."""
    parts = key.rsplit("|", 2)  # tenant:query ids never contain "|"
    if len(parts) != 3 or parts[1] not in SPANS or not parts[2].isdigit() or not value:
        return None
    qkey, tag, start = parts
    partition = value[0] if tag in ("mh", "hd") else value[2]  # former layout: [n, neg, partition]
    keep = keep_of(qkey)
    kept_for = keep.minutes_s if tag in ("mh", "m") else keep.hours_s
    return int(start) + SPANS[tag] + kept_for, int(partition)


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
        self._expiry: dict[int, list[tuple[float, str]]] = {}

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
    def add_count(
        self, qkey: str, t: float, negative: bool, partition: int, keep: Keep = KEEP_8_DAYS
    ) -> None:
        levels: tuple[tuple[Level, int, float], ...] = (
            ("m", minute_floor(t), keep.minutes_s),
            ("h", hour_floor(t), keep.hours_s),
        )
        for level, start, kept_for in levels:
            key, group, i = _slot(level, qkey, start)
            current = self.counts.get(key)
            if current is None:
                current = _empty_group(level, partition)
                if partition in self._expiry:
                    heapq.heappush(self._expiry[partition], (group + GROUPS[level][1] + kept_for, key))
            current[0] = partition
            current[i] += 1
            current[i + 1] += int(negative)
            self.counts.put(key, current)  # changed in place: written back once per batch

    def bucket(self, level: Level, qkey: str, start: int) -> Counts:
        """Counts of the bucket starting at ``start`` (aligned on its level's size)."""
        key, _, i = _slot(level, qkey, start)
        found = self.counts.get(key)
        return Counts(found[i], found[i + 1]) if found else ZERO

    def expire(self, partition: int, now: float, keep_of: KeepOf) -> int:
        """Delete the count groups of ``partition`` kept long enough by ``now``: a group is kept for its
        query's :class:`Keep` after its end (as known when the group was created, or from ``keep_of``
        for groups restored from the changelog). Returns how many were deleted."""
        heap = self._expiry.get(partition)
        if heap is None:  # first call since start/rebalance: index what the changelog restored
            heap = []
            for key in self.counts.all_keys():
                found = _expiry_of(key, self.counts.get(key), keep_of)
                if found is not None and found[1] == partition:
                    heap.append((found[0], key))
            heapq.heapify(heap)
            self._expiry[partition] = heap
        removed = 0
        while heap and heap[0][0] <= now:
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
