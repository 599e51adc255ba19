"""The NER worker: ``mentions.ner`` → spaCy people/organisations/places → ``mentions.entities``.

spaCy costs 0.4–0.55 ms of CPU per mention here (``ecoute bench ner``; the design notes estimated
~390 docs/s per core), about as much as the whole enrich step, so the enrich worker never runs it. The
index sink tags the mentions in scope itself while it keeps up, and writes their entities with the
mention, once; the mentions it had to write without (it had a backlog, its tagger failed, or
``Settings.index_ner`` is off) it hands over on ``mentions.ner``. This worker tags those at the lowest
CPU priority, and only once other processes leave room on the machine's CPUs (:mod:`enrich.cpu_room`:
idle priority alone still cost a fifth of the pipeline's throughput under overload); the index sink
applies the entity updates as partial document updates when they arrive. ``Settings.ner_scope``:
``matched`` (default: mentions that matched a tenant's query), ``all``, or ``none``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import faust
from pydantic import ValidationError

from ecoute.acked_producer import AckedProducer, Record
from ecoute.settings import Settings
from enrich.cpu_room import CpuRoom
from enrich.faust_batch import create_batch_app
from enrich.ner import NerScope, SpacyNer, in_ner_scope
from enrich.output import step_records
from enrich.pipeline import EntityTagger
from enrich.stream import InMessage, Rejected, StepOutput
from schemas.mention import EnrichedMention, EntityUpdate
from schemas.topics import DLQ_ENRICH, MENTIONS_ENTITIES, MENTIONS_NER

UNMATCHED = b'"matches":[]'  # how the enrich worker's compact JSON writes a mention without matches


def ner_messages(
    messages: Sequence[InMessage],
    ner: EntityTagger,
    *,
    scope: NerScope,
    before_tagging: Callable[[], object] | None = None,
) -> StepOutput:
    """Entity updates for the mentions in ``scope``; undecodable messages are rejected with the reason
    (those skipped as unmatched by their bytes alone are not decoded, so not checked either).
    ``before_tagging`` is called once before ``ner`` when the batch has mentions to tag (the worker
    waits there for CPU room, see :mod:`enrich.cpu_room`)."""
    out = StepOutput()
    wanted: list[EnrichedMention] = []
    for msg in messages:
        if scope == "none" or (scope == "matched" and msg.value and UNMATCHED in msg.value):
            continue  # nothing to tag: not worth decoding (most mentions match no query)
        try:
            mention = EnrichedMention.model_validate_json(msg.value or b"")
        except ValidationError as exc:
            out.rejected.append(Rejected(msg, f"not an EnrichedMention v1: {exc}"[:4000], type(exc).__name__))
            continue
        if in_ner_scope(mention, scope):
            wanted.append(mention)
    if not wanted:
        return out
    if before_tagging is not None:
        before_tagging()
    found = ner([(m, m.lang) for m in wanted])
    for mention, entities in zip(wanted, found, strict=True):
        if entities:
            update = EntityUpdate(
                id=mention.id,
                published_at=mention.published_at,
                tenants=tuple(sorted({x.tenant for x in mention.matches})),
                entities=tuple(entities),
            )
            out.produced.append((mention.id.encode(), update.model_dump_json().encode()))
    return out


def create_ner_app(
    settings: Settings,
    ner: SpacyNer | None = None,
    producer: AckedProducer | None = None,
    room: CpuRoom | None = None,
) -> faust.App:
    """The NER worker's app. Before tagging a batch it waits for CPU room (``room``, by default from
    ``Settings.ner_yield_busy_share`` and ``Settings.ner_yield_max_wait_s``)."""
    tagger = ner or SpacyNer(batch_size=settings.ner_batch_size)
    cpu_room = room or CpuRoom(settings.ner_yield_busy_share, settings.ner_yield_max_wait_s)
    out_topic = settings.topic(MENTIONS_ENTITIES.name)
    dlq_topic = settings.topic(DLQ_ENRICH.name)

    def step(messages: list[InMessage]) -> list[Record]:
        output = ner_messages(messages, tagger, scope=settings.ner_scope, before_tagging=cpu_room.wait)
        return step_records(output, out_topic=out_topic, dlq_topic=dlq_topic, stage="ner")

    return create_batch_app(
        settings,
        stage="ner",
        source_topic=settings.topic(MENTIONS_NER.name),
        step=step,
        batch_size=settings.ner_batch_size,
        within_s=settings.enrich_batch_within_s,
        fetch_max_wait_ms=settings.ner_fetch_max_wait_ms,
        producer=producer,
    )
