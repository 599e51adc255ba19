"""Grouping query matches for the alerting worker: one record per partition, each query on its own partition,
order kept within a query."""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner

from schemas.config import query_key
from schemas.matches import MatchBatch, MatchEvent, TickEvent, batch_matches, match_batches, query_partition
from tests.alerting.factories import T0, enriched, sample


def _event(tenant: str, query: str) -> MatchEvent:
    return MatchEvent(tenant=tenant, query_id=query, sample=sample(T0))


def test_query_partition_is_kafkas_default_partitioner() -> None:
    partitioner = DefaultPartitioner()
    for partitions in (1, 2, 3, 8):
        for n in range(200):
            key = query_key(f"tenant-{n % 7}", f"q{n}")
            expected = partitioner(key.encode(), list(range(partitions)), list(range(partitions)))
            assert query_partition(key, partitions) == expected


def test_batches_group_queries_by_partition_and_keep_order_within_a_query() -> None:
    events = [_event(f"t{n % 3}", f"q{n % 40}") for n in range(400)]
    out = batch_matches(events, partitions=4)
    assert len({partition for partition, _ in out}) == len(out) <= 4  # one record per partition here
    seen: dict[tuple[str, str], list[str]] = {}
    for partition, batch in out:
        decoded = MatchBatch.model_validate_json(batch.model_dump_json())  # the wire format round-trips
        for event in decoded.events():
            assert query_partition(event.key, 4) == partition
            seen.setdefault((event.tenant, event.query_id), []).append(event.sample.mention_id)
    expected: dict[tuple[str, str], list[str]] = {}
    for e in events:
        expected.setdefault((e.tenant, e.query_id), []).append(e.sample.mention_id)
    assert seen == expected


def test_records_are_split_at_max_samples_without_losing_any() -> None:
    events = [_event("t", "hot") for _ in range(25)] + [_event("t", f"q{n}") for n in range(30)]
    out = batch_matches(events, partitions=2, max_samples=10)
    assert all(sum(len(g.samples) for g in batch.groups) <= 10 for _, batch in out)
    assert sum(len(batch.events()) for _, batch in out) == 55
    hot = [s.mention_id for _, b in out for g in b.groups if g.query_id == "hot" for s in g.samples]
    assert hot == [e.sample.mention_id for e in events[:25]]


def test_no_events_no_records() -> None:
    assert batch_matches([], partitions=3) == []


def test_mentions_give_one_sample_per_distinct_query_and_nothing_without_matches() -> None:
    first = enriched(T0, key="a", matches=[("acme", "bonval"), ("acme", "bonval"), ("zeta", "bonval")])
    quiet = enriched(T0, key="b", matches=[])
    second = enriched(T0, key="c", matches=[("acme", "bonval")], url="https://www.conso.example/x")
    out = match_batches([first, quiet, second], partitions=3)
    got: dict[tuple[str, str], list[str]] = {}
    for partition, batch in out:
        for event in batch.events():
            assert query_partition(event.key, 3) == partition
            got.setdefault((event.tenant, event.query_id), []).append(event.sample.mention_id)
    assert got == {("acme", "bonval"): [first.id, second.id], ("zeta", "bonval"): [first.id]}
    samples = {s.mention_id: s for _, b in out for g in b.groups for s in g.samples}
    assert samples[second.id].site == "conso.example" and samples[second.id].title == "Bonval c"
    assert match_batches([quiet], partitions=3) == []


def test_a_tick_is_recognised_by_its_first_bytes_and_a_batch_is_not() -> None:
    # the alerting worker tells ticks from match batches by this prefix, without decoding
    tick = TickEvent(wall=1.5).model_dump_json().encode()
    assert tick.startswith(b'{"kind":"tick"')
    (_, batch) = batch_matches([_event("t", "q")], partitions=1)[0]
    assert not batch.model_dump_json().encode().startswith(b'{"kind":"tick"')
