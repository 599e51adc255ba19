"""The changelog records the alerting store returns are the ones Faust would have written itself."""

from __future__ import annotations

import faust
from faust.serializers import codecs

from alerting.buckets import Counts
from alerting.faust_state import FaustStore, create_tables, partition_context
from alerting.state import Keep

KEEP = Keep(minutes_s=60.0, hours_s=3_600.0)
NOT_KEPT = Keep(0.0, 0.0)


def keep_of(_: str) -> Keep:
    return KEEP


def no_keep(_: str) -> Keep:
    return NOT_KEPT


def _store() -> tuple[FaustStore, dict[str, faust.Table[str, object]]]:
    app = faust.App("t-state", broker="kafka://127.0.0.1:1", store="memory://", autodiscover=False)
    tables = create_tables(app, 4)
    return FaustStore(tables), dict(tables)


def test_flush_applies_writes_and_returns_what_faust_would_produce() -> None:
    store, tables = _store()
    with partition_context(2):
        store.add_count("acme:q1", 120.0, negative=True, partition=2)
        store.add_count("acme:q1", 130.0, negative=False, partition=2)  # same buckets: written once
        store.set_scalar("first|acme:q1", 120.0)
    with partition_context(3):
        store.add_site("acme:q2", "exemple.fr", 7.5)
    records = store.flush()

    counts = tables["counts"]
    minutes, hours = (
        counts.data["acme:q1|mh|0"],
        counts.data["acme:q1|hd|0"],
    )  # minutes of hour 0, hours of day 0
    assert minutes[0] == 2 and minutes[1 + 2 * 2 : 3 + 2 * 2] == [2, 1] and sum(minutes[1:]) == 3
    assert hours[0] == 2 and hours[1:3] == [2, 1] and sum(hours[1:]) == 3
    assert tables["sites"].data["acme:q2|exemple.fr"] == 7.5
    by_key = {(r.topic, r.key): r for r in records}
    assert len(by_key) == len(records) == 4
    for r in records:
        table = next(t for t in tables.values() if t.changelog_topic.get_topic_name() == r.topic)
        key = codecs.loads("json", r.key or b"")
        value = table.data[key]
        assert r.partition == (3 if table is tables["sites"] else 2)
        # byte for byte what Faust's own changelog send would have produced
        assert r.key == table.changelog_topic.prepare_key(key, None)[0]
        assert r.value == table.changelog_topic.prepare_value(value, None)[0]
    assert store.flush() == []  # nothing changed since


def test_deleting_a_flushed_key_writes_a_tombstone_and_an_unflushed_one_nothing() -> None:
    store, tables = _store()
    with partition_context(1):
        store.add_count("acme:q1", 60.0, negative=False, partition=1)
    store.flush()
    with partition_context(1):
        assert store.expire(1, 3_600.0, no_keep) == 1  # the group of minutes ended; the day of hours not
        assert store.expire(1, 86_400.0, no_keep) == 1
        store.add_count("acme:q9", 60.0, negative=False, partition=1, keep=NOT_KEPT)
        store.expire(1, 86_400.0, no_keep)  # created and expired before any flush
    records = store.flush()
    assert sorted((r.key, r.value, r.partition) for r in records) == [
        (b'"acme:q1|hd|0"', None, 1),
        (b'"acme:q1|mh|0"', None, 1),
    ]
    assert not [k for k in tables["counts"].data if k.startswith(("acme:q1|", "acme:q9|"))]


def test_grouped_counts_read_like_one_record_per_bucket_with_one_key_per_hour_and_day() -> None:
    """Random mentions of three queries over three days: every minute and hour bucket reads the same as
    from :class:`MemoryStore` (a record per bucket), with a record per query-hour and query-day."""
    import random

    from alerting.state import MemoryStore

    store, tables = _store()
    reference = MemoryStore()
    rnd = random.Random(11)
    events = [
        (f"acme:q{rnd.randint(1, 3)}", rnd.uniform(0, 3 * 86_400), rnd.random() < 0.3) for _ in range(5_000)
    ]
    for i, (qkey, t, negative) in enumerate(events):
        partition = int(qkey[-1])
        with partition_context(partition):
            store.add_count(qkey, t, negative, partition)
        reference.add_count(qkey, t, negative, partition)
        if i % 700 == 0:
            store.flush()  # groups written back between batches keep counting
    store.flush()
    for (level, qkey, start), (total, neg, _, _) in reference.buckets.items():
        assert store.bucket(level, qkey, start) == Counts(total, neg)
    assert (
        store.bucket("m", "acme:q1", 3 * 86_400 + 60) == Counts()
        and store.bucket("h", "acme:q4", 0) == Counts()
    )
    hours = {(q, int(t // 3600)) for q, t, _ in events}
    days = {(q, int(t // 86_400)) for q, t, _ in events}
    assert len(tables["counts"].data) == len(hours) + len(days)
    assert len(reference.buckets) > 10 * len(tables["counts"].data)  # 5,000 mentions: ~4,600 buckets


def test_former_one_bucket_records_restored_from_a_changelog_still_expire() -> None:
    store, tables = _store()
    counts = tables["counts"]
    counts.data["acme:q1|m|120"] = [2, 1, 3]  # the former layout: [mentions, negative, partition]
    counts.data["acme:q1|h|0"] = [2, 1, 3]
    counts.data["acme:q2|m|120"] = [1, 0, 1]
    with partition_context(3):
        store.add_count("acme:q1", 7_200.0, negative=False, partition=3, keep=KEEP)
        assert store.expire(3, 3_599.0, keep_of) == 1  # the minute 120–180, kept 60 s
        assert store.expire(3, 3_600.0 + 3_600.0, keep_of) == 1  # the hour 0–3600, kept an hour
    store.flush()
    assert "acme:q2|m|120" in counts.data  # another partition's
    assert sorted(counts.data) == ["acme:q1|hd|0", "acme:q1|mh|7200", "acme:q2|m|120"]
