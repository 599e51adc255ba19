"""Bulk item classification and document placement (pure parts)."""

from __future__ import annotations

from typing import Any

from enrich.indexing.bulk import RETRY_ON_CONFLICT, to_operations, write_bulk
from enrich.indexing.placement import RecentPlacements, as_upsert, create_new_documents, relocate


class _RecordingClient:
    """Answers one bulk request with the given item statuses (the classification is what is tested)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.operations: list[dict[str, Any]] = []

    def bulk(self, operations: list[dict[str, Any]], refresh: Any, filter_path: Any) -> dict[str, Any]:
        self.operations = operations
        items = []
        for status in self.statuses:
            item: dict[str, Any] = {"status": status}
            if status >= 400:
                item["error"] = {"type": "mapper_parsing_exception", "reason": "failed to parse [x]"}
            items.append({"update": item})
        return {"items": items}


def _action(i: int) -> dict[str, Any]:
    return {
        "_op_type": "update",
        "_index": "p-mentions-v2-2026.10",
        "_id": str(i),
        "doc": {"n": i},
        "doc_as_upsert": True,
    }


def test_conflicts_and_overload_are_retried_bad_documents_rejected_with_the_reason() -> None:
    client = _RecordingClient([200, 409, 429, 503, 400])
    outcome = write_bulk(client, [_action(i) for i in range(5)])  # type: ignore[arg-type]
    assert outcome.written == 1
    assert [a["_id"] for a in outcome.retry] == ["1", "2", "3"]
    assert [a["_id"] for a in outcome.conflicts] == ["1"]
    ((action, reason),) = outcome.rejected
    assert action["_id"] == "4" and reason == "HTTP 400 mapper_parsing_exception: failed to parse [x]"


def test_updates_retry_on_version_conflicts_inside_elasticsearch() -> None:
    ops = to_operations([_action(1)])
    assert ops[0] == {
        "update": {"_index": "p-mentions-v2-2026.10", "_id": "1", "retry_on_conflict": RETRY_ON_CONFLICT}
    }
    assert ops[1] == {"doc": {"n": 1}, "doc_as_upsert": True}


def test_relocate_points_updates_at_the_existing_document() -> None:
    actions = [
        {"_op_type": "update", "_index": "p-mentions-v2-2026.10", "_id": "a"},
        {"_op_type": "update", "_index": "p-tenant-mentions-v2-2026.10", "_id": "t:a"},
        {"_op_type": "update", "_index": "p-mentions-v2-2026.10", "_id": "new"},
    ]
    moved = relocate(
        "p",
        actions,
        {
            ("mentions", "a"): "p-mentions-v2-2026.09",
            ("tenant-mentions", "t:a"): "p-tenant-mentions-v2-2026.09",
        },
    )
    assert moved == 2
    assert [a["_index"] for a in actions] == [
        "p-mentions-v2-2026.09",
        "p-tenant-mentions-v2-2026.09",
        "p-mentions-v2-2026.10",
    ]


def test_one_index_per_id_within_a_batch_and_recent_placements() -> None:
    actions = [
        {"_op_type": "update", "_index": "p-mentions-v2-2026.09", "_id": "a"},
        {"_op_type": "update", "_index": "p-mentions-v2-2026.10", "_id": "a"},
    ]
    assert relocate("p", actions, {}) == 1
    assert {a["_index"] for a in actions} == {"p-mentions-v2-2026.09"}
    recent = RecentPlacements(capacity=2)
    recent.remember(
        "p",
        [
            *actions,
            {"_op_type": "update", "_index": "p-mentions-v2-2026.10", "_id": "b"},
            {"_op_type": "update", "_index": "p-mentions-v2-2026.11", "_id": "c"},
        ],
    )
    assert len(recent) <= 2  # bounded: the oldest ids are forgotten
    assert recent.lookup([("mentions", "a"), ("mentions", "c")]) == {
        ("mentions", "c"): "p-mentions-v2-2026.11"
    }


def test_recent_placements_know_the_latest_half_capacity_to_capacity_ids_and_their_latest_index() -> None:
    recent = RecentPlacements(capacity=100)
    for i in range(1_000):
        month = 10 if i % 3 else 11
        recent.remember("p", [{"_op_type": "create", "_index": f"p-mentions-v2-2026.{month}", "_id": str(i)}])
        assert 50 <= len(recent) <= 100 if i >= 49 else len(recent) == i + 1
        assert recent.lookup([("mentions", str(i))]) == {("mentions", str(i)): f"p-mentions-v2-2026.{month}"}
    known = recent.lookup([("mentions", str(i)) for i in range(1_000)])
    assert {str(i) for i in range(950, 1_000)} <= {key[1] for key in known}  # the latest 50 at least
    assert len(known) == len(recent) <= 100
    recent.remember("p", [{"_op_type": "update", "_index": "p-mentions-v2-2026.09", "_id": "990"}])
    assert recent.lookup([("mentions", "990")]) == {("mentions", "990"): "p-mentions-v2-2026.09"}  # moved
    assert recent.lookup([("tenant-mentions", "990")]) == {}  # another family


def test_recent_placements_know_every_id_of_the_last_generation_seconds_and_forget_older_ones() -> None:
    now = [0.0]
    recent = RecentPlacements(capacity=1_000_000, generation_s=30.0, clock=lambda: now[0])
    written: list[tuple[float, str]] = []
    for i in range(400):  # one id every 0.5 s for 200 s: far below the count limit
        now[0] = i * 0.5
        recent.remember("p", [{"_op_type": "create", "_index": "p-mentions-v2-2026.11", "_id": str(i)}])
        written.append((now[0], str(i)))
        known = {key[1] for key in recent.lookup([("mentions", doc_id) for _, doc_id in written])}
        assert {doc_id for t, doc_id in written if now[0] - t <= 30.0} <= known
        assert all(now[0] - t < 60.0 for t, doc_id in written if doc_id in known)
    assert 60 <= len(recent) <= 120  # 30-60 s of ids, not all 400


def test_documents_found_nowhere_are_created_once_and_a_conflict_goes_back_to_the_upsert() -> None:
    entity_update = {
        "_op_type": "update",
        "_index": "p-mentions-v2-2026.10",
        "_id": "b",
        "doc": {"persons": []},
    }
    actions = [_action(1), _action(2), {**_action(1), "doc": {"n": 10}}, entity_update, _action(3)]
    originals = [dict(a) for a in actions]
    created = create_new_documents("p", actions, known={("mentions", "2")})
    assert created == 2  # "1" (first of its two writes) and "3"; "2" exists; "b" is no upsert
    assert [a["_op_type"] for a in actions] == ["create", "update", "update", "update", "create"]
    assert actions[0] == {
        "_op_type": "create",
        "_index": "p-mentions-v2-2026.10",
        "_id": "1",
        "_source": {"n": 1},
    }
    assert to_operations([actions[0]]) == [
        {"create": {"_index": "p-mentions-v2-2026.10", "_id": "1"}},
        {"n": 1},
    ]
    assert actions[1:4] == originals[1:4]
    same = actions[4]
    assert as_upsert(same) is same and same == originals[4]  # a 409 on create: the upsert it replaced
    assert as_upsert(actions[1]) == originals[1]  # anything else is left alone


def test_entity_updates_wait_while_mentions_have_a_backlog_with_hysteresis() -> None:
    from enrich.indexing.sink import entity_updates_wait

    assert entity_updates_wait(1.0, 1.0, waiting=False)  # the newest mention is 1 s old: a backlog
    assert entity_updates_wait(0.7, 1.0, waiting=True)  # still more than half of it: keep waiting
    assert not entity_updates_wait(0.7, 1.0, waiting=False)  # ...and do not start waiting on it
    assert not entity_updates_wait(0.5, 1.0, waiting=True)  # at most half of it: the backlog is gone
    assert not entity_updates_wait(None, 1.0, waiting=True)  # a batch without mentions: nothing rushes
    assert not entity_updates_wait(0.0, 1.0, waiting=False)  # fresh mentions, however many: no wait


class _Msg:
    def __init__(self, topic: str, partition: int, offset: int) -> None:
        self._where = (topic, partition, offset)

    def topic(self) -> str:
        return self._where[0]

    def partition(self) -> int:
        return self._where[1]

    def offset(self) -> int:
        return self._where[2]

    def error(self) -> None:
        return None


def test_a_batch_keeps_at_most_cap_entity_updates_and_rewinds_each_partition_to_the_first_left_out() -> None:
    from enrich.indexing.sink import cap_entity_updates

    batch = [
        _Msg("m", 0, 10),
        _Msg("e", 0, 5),
        _Msg("e", 1, 7),
        _Msg("m", 1, 3),
        _Msg("e", 0, 6),  # the cap (2) is reached here
        _Msg("e", 1, 8),
        _Msg("m", 0, 11),  # mentions are never left out
        _Msg("e", 2, 1),
    ]
    kept, rewind = cap_entity_updates(batch, "e", 2)  # type: ignore[arg-type]
    assert [(m.topic(), m.partition(), m.offset()) for m in kept] == [
        ("m", 0, 10),
        ("e", 0, 5),
        ("e", 1, 7),
        ("m", 1, 3),
        ("m", 0, 11),
    ]
    assert rewind == {0: 6, 1: 8, 2: 1}  # where each partition is read again from
    kept, rewind = cap_entity_updates(batch, "e", 10)  # type: ignore[arg-type]
    assert [id(m) for m in kept] == [id(m) for m in batch] and rewind == {}
