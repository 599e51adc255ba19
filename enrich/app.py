"""The enrichment Faust application: ``mentions.raw`` → language, sentiment, query matches, regex
entities → ``mentions.enriched``, and the query matches of the batch grouped per partition of
``tenant:query`` → ``mentions.matches`` (the alerting worker's input); poison messages → ``dlq.enrich``
with the reason (the agent goes on). Batching, threading and commit-after-ack come from
:mod:`enrich.faust_batch`: a batch's offsets are committed only once both outputs are acknowledged."""

from __future__ import annotations

from collections.abc import Callable

import faust

from ecoute.acked_producer import AckedProducer, Record
from ecoute.settings import Settings
from enrich.faust_batch import create_batch_app
from enrich.output import match_records, step_records
from enrich.pipeline import EntityTagger, Matcher
from enrich.stream import InMessage, enrich_messages
from schemas.common import utc_now
from schemas.topics import DLQ_ENRICH, MENTIONS_ENRICHED, MENTIONS_MATCHES, MENTIONS_RAW


def create_app(
    settings: Settings,
    *,
    matcher: Callable[[], Matcher | None] = lambda: None,
    tagger: EntityTagger | None = None,
    producer: AckedProducer | None = None,
    match_partitions: int | None = None,
) -> faust.App:
    """Build the enrichment app. ``matcher`` is called per batch, so query changes apply at once;
    ``tagger`` (spaCy NER) is normally None here: the index sink or the NER worker tags, after enrichment.
    ``match_partitions``: the partition count of ``mentions.matches`` (default
    ``settings.topic_partitions``); it must be the topic's, or a query's matches would be split."""
    out_topic = settings.topic(MENTIONS_ENRICHED.name)
    dlq_topic = settings.topic(DLQ_ENRICH.name)
    matches_topic = settings.topic(MENTIONS_MATCHES.name)
    partitions = match_partitions or settings.topic_partitions

    def step(messages: list[InMessage]) -> list[Record]:
        output = enrich_messages(
            messages, now=utc_now(), matcher=matcher(), tagger=tagger, tag_all=settings.ner_scope == "all"
        )
        records = step_records(output, out_topic=out_topic, dlq_topic=dlq_topic, stage="enrich")
        return records + match_records(output.matched, topic=matches_topic, partitions=partitions)

    return create_batch_app(
        settings,
        stage="enrich",
        source_topic=settings.topic(MENTIONS_RAW.name),
        step=step,
        batch_size=settings.enrich_batch_size,
        within_s=settings.enrich_batch_within_s,
        fetch_max_wait_ms=settings.faust_fetch_max_wait_ms,
        producer=producer,
    )
