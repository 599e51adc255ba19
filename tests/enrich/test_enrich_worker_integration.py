"""The Faust enrichment worker as a real process on the real Kafka: batches, dead letters, live query
changes, commit only after produce (a killed worker loses nothing), rebalances (workers joining and
leaving the group lose nothing)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from functools import partial

import pytest

from ecoute.children import Child, settings_env, spawn
from ecoute.config_topics import publish_queries
from ecoute.demo import topic_end_offsets
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.common import utc_now
from schemas.config import QueryDefinition
from schemas.dead_letter import DeadLetter
from schemas.matches import MatchBatch, query_partition
from schemas.mention import EnrichedMention, EntityUpdate, RawMention
from tests.kafka_utils import committed_offsets, produce, read_all
from tests.mentions import raw_mention

pytestmark = pytest.mark.integration


def raw(i: int, text: str) -> RawMention:
    return raw_mention(f"w-{i}", text)


def start_worker(s: Settings, kind: str = "enrich") -> Child:
    env = settings_env(
        {
            "kafka_bootstrap": s.kafka_bootstrap,
            "es_url": s.es_url,
            "home": s.home,
            "topic_prefix": s.topic_prefix,
            "consumer_group_prefix": s.consumer_group_prefix,
            "enrich_batch_within_s": 0.2,
            "enrich_batch_size": 20,
            "ner_scope": "matched",
        }
    )
    return spawn(kind, ["worker", kind], env, s.home / "logs")


def _at_least(s: Settings, topic: str, n: int) -> bool:
    return topic_end_offsets(s, topic) >= n


def _committed(s: Settings) -> int:
    """Offsets committed by the enrich group on ``mentions.raw`` (a partition without commit counts 0)."""
    offsets = committed_offsets(
        s.kafka_bootstrap or "", s.group("enrich"), s.topic("mentions.raw"), s.topic_partitions
    )
    return sum(max(0, o) for o in offsets.values())


def wait_until(predicate: Callable[[], bool], child: Child, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert child.alive(), child.log_path.read_text()[-4000:]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


def test_worker_enriches_dead_letters_and_follows_query_changes(pipeline_settings: Settings) -> None:
    s = pipeline_settings
    bootstrap = s.kafka_bootstrap or ""
    ensure_topics(s)
    mentions = [raw(i, f"Message numéro {i} : tout va bien chez nous aujourd'hui.") for i in range(40)]
    records: list[tuple[bytes | None, bytes | None]] = [
        (m.id.encode(), m.model_dump_json().encode()) for m in mentions
    ]
    records.insert(7, (b"bad", b'{"id": "not a mention"}'))
    produce(bootstrap, s.topic("mentions.raw"), records)
    worker = start_worker(s)
    try:
        out_topic = s.topic("mentions.enriched")
        wait_until(
            lambda: (
                topic_end_offsets(s, out_topic) >= 40 and topic_end_offsets(s, s.topic("dlq.enrich")) >= 1
            ),
            worker,
        )
        enriched = [
            EnrichedMention.model_validate_json(m.value() or b"") for m in read_all(bootstrap, out_topic, 40)
        ]
        assert {e.id for e in enriched} == {m.id for m in mentions}
        assert all(e.lang == "fr" and e.matches == () for e in enriched)
        (letter,) = [
            DeadLetter.model_validate_json(m.value() or b"")
            for m in read_all(bootstrap, s.topic("dlq.enrich"), 1)
        ]
        assert letter.stage == "enrich" and letter.key == "bad" and letter.offset is not None
        assert json.loads(letter.original_value()) == {"id": "not a mention"}

        # a query published while the worker runs applies to the next mentions, without restart
        publish_queries(
            s,
            [
                QueryDefinition(
                    tenant="acme", id="ferralis", query="Ferralis NEAR/4 grève", updated_at=utc_now()
                )
            ],
        )
        # probes until the worker's query reader has applied it (a loaded machine can take seconds)
        probes: list[RawMention] = []
        matched: EnrichedMention | None = None
        deadline = time.monotonic() + 60
        while matched is None or (not matched.matches and time.monotonic() < deadline):
            if matched is not None:
                time.sleep(0.5)
            late = raw(1000 + len(probes), "Nouvelle grève chez Ferralis ce matin, trains supprimés à Lyon.")
            probes.append(late)
            produce(bootstrap, s.topic("mentions.raw"), [(late.id.encode(), late.model_dump_json().encode())])
            total = 40 + len(probes)
            wait_until(partial(_at_least, s, out_topic, total), worker)
            last = [
                EnrichedMention.model_validate_json(m.value() or b"")
                for m in read_all(bootstrap, out_topic, total)
            ]
            (matched,) = [e for e in last if e.id == late.id]
        assert [(m.tenant, m.query_id) for m in matched.matches] == [("acme", "ferralis")]
        assert all(not e.matches for e in last if e.id != late.id)  # the earlier probes came before it
        assert {t.term for t in matched.matches[0].terms} == {"ferralis NEAR/4 greve"}
        # its query match went to alerting's topic, on the partition of acme:ferralis, and nothing else
        assert read_all(bootstrap, s.topic("mentions.matches"), 1)  # written with the enriched mention
        (record,) = read_all(bootstrap, s.topic("mentions.matches"))  # up to the end: exactly one
        assert record.partition() == query_partition("acme:ferralis", s.topic_partitions)
        assert [
            (e.tenant, e.query_id, e.sample.mention_id)
            for e in MatchBatch.model_validate_json(record.value() or b"").events()
        ] == [("acme", "ferralis", late.id)]
        # the hot path extracts only the cheap entities; spaCy runs in the index sink or the NER worker
        assert all(e.kind in ("hashtag", "handle", "link", "domain") for e in matched.entities)
        # the NER worker tags what the index sink hands it (here every enriched mention, as with a
        # backlog and scope "all"): with scope "matched" it still tags only the matched one
        handed = [(m.key(), m.value()) for m in read_all(bootstrap, out_topic, total)]
        produce(bootstrap, s.topic("mentions.ner"), handed)
        ner = start_worker(s, "ner")
        try:
            entities_topic = s.topic("mentions.entities")
            wait_until(lambda: topic_end_offsets(s, entities_topic) >= 1, ner)
            (update,) = [
                EntityUpdate.model_validate_json(m.value() or b"")
                for m in read_all(bootstrap, entities_topic, 1)
            ]
            assert update.id == late.id and update.tenants == ("acme",)
            assert any(e.kind == "place" and e.text == "Lyon" for e in update.entities)
            time.sleep(2)
            assert (
                topic_end_offsets(s, entities_topic) == 1
            )  # unmatched mentions get no NER (scope "matched")
        finally:
            assert ner.stop(60) == 0
    finally:
        code = worker.stop(60)
    assert code == 0, worker.log_path.read_text()[-4000:]
    committed = committed_offsets(bootstrap, s.group("enrich"), s.topic("mentions.raw"), s.topic_partitions)
    assert sum(committed.values()) == len(records) + len(probes)


def test_killed_worker_loses_nothing(pipeline_settings: Settings) -> None:
    s = pipeline_settings
    bootstrap = s.kafka_bootstrap or ""
    ensure_topics(s)
    mentions = [raw(i, f"Bonjour, message {i} pour le service client.") for i in range(300)]
    produce(
        bootstrap, s.topic("mentions.raw"), [(m.id.encode(), m.model_dump_json().encode()) for m in mentions]
    )
    out_topic = s.topic("mentions.enriched")
    worker = start_worker(s)
    wait_until(lambda: topic_end_offsets(s, out_topic) >= 20, worker)
    worker.proc.send_signal(signal.SIGKILL)
    worker.proc.wait(30)
    worker = start_worker(s)
    try:
        # every mention out, and the restarted worker got through all of them (its commits): the
        # killed one may have produced them all without committing
        wait_until(
            lambda: (
                len({m.key() for m in read_all(bootstrap, out_topic, timeout_s=5)}) >= 300
                and _committed(s) == 300
            ),
            worker,
            timeout_s=180,
        )
    finally:
        assert worker.stop(60) == 0
    ids = {(m.key() or b"").decode() for m in read_all(bootstrap, out_topic)}
    assert ids == {m.id for m in mentions}


def test_workers_joining_and_leaving_the_group_lose_nothing(pipeline_settings: Settings) -> None:
    """Two rebalances while mentions flow: a second worker joins, then the first leaves (SIGTERM).
    Every mention comes out and every offset is committed, whichever worker had its partition."""
    s = pipeline_settings
    bootstrap = s.kafka_bootstrap or ""
    ensure_topics(s)
    mentions = [raw(i, f"Bonjour, message {i} pour le service client.") for i in range(600)]
    in_topic, out_topic = s.topic("mentions.raw"), s.topic("mentions.enriched")

    def publish(part: list[RawMention]) -> None:
        produce(bootstrap, in_topic, [(m.id.encode(), m.model_dump_json().encode()) for m in part])

    publish(mentions[:200])
    first = start_worker(s)
    second: Child | None = None
    try:
        wait_until(lambda: topic_end_offsets(s, out_topic) >= 20, first)
        second = start_worker(s)
        publish(mentions[200:400])  # while the group rebalances onto two members
        wait_until(lambda: _committed(s) >= 400, second, timeout_s=180)
        assert first.stop(60) == 0, first.log_path.read_text()[-4000:]
        publish(mentions[400:])  # the second worker takes the first one's partitions over
        wait_until(lambda: _committed(s) == 600, second, timeout_s=180)
    finally:
        first.stop(60)
        if second is not None:
            assert second.stop(60) == 0, second.log_path.read_text()[-4000:]
    ids = {(m.key() or b"").decode() for m in read_all(bootstrap, out_topic)}
    assert ids == {m.id for m in mentions}
