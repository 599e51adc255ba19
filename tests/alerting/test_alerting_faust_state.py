"""The changelog records the alerting store returns are the ones Faust would have written itself."""

from __future__ import annotations

import faust
from faust.serializers import codecs

from alerting.faust_state import FaustStore, create_tables, partition_context


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
    assert counts.data["acme:q1|m|120"] == [2, 1, 2] and counts.data["acme:q1|h|0"] == [2, 1, 2]
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
        assert store.expire(1, before=10_000.0) == 2  # the minute and the hour bucket
        store.add_count("acme:q9", 60.0, negative=False, partition=1)
        store.expire(1, before=10_000.0)  # created and expired before any flush
    records = store.flush()
    assert sorted((r.key, r.value, r.partition) for r in records) == [
        (b'"acme:q1|h|0"', None, 1),
        (b'"acme:q1|m|60"', None, 1),
    ]
    assert "acme:q1|m|60" not in tables["counts"].data and "acme:q9|m|60" not in tables["counts"].data
