"""The Kafka records of a batch step's output (produced values, then dead letters with the reason;
the query matches for alerting), for :class:`ecoute.acked_producer.AckedProducer`."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ecoute.acked_producer import Record
from enrich.stream import StepOutput
from schemas.common import utc_now
from schemas.dead_letter import DeadLetter
from schemas.matches import match_batches
from schemas.mention import EnrichedMention

log = logging.getLogger(__name__)


def step_records(output: StepOutput, *, out_topic: str, dlq_topic: str, stage: str) -> list[Record]:
    """Kafka records for a step's output: the produced values, then dead letters with the reason."""
    recs: list[Record] = [Record(out_topic, k, v) for k, v in output.produced]
    for rej in output.rejected:
        b64, preview = DeadLetter.encode_value(rej.message.value)
        letter = DeadLetter(
            stage=stage,
            reason=rej.reason,
            error_type=rej.error_type,
            topic=rej.message.topic,
            partition=rej.message.partition,
            offset=rej.message.offset,
            key=rej.message.key.decode("utf-8", "replace") if rej.message.key else None,
            value_b64=b64,
            value_preview=preview,
            failed_at=utc_now(),
        )
        log.warning(
            "dead letter: %s",
            rej.reason[:300],
            extra={
                "topic": rej.message.topic,
                "partition": rej.message.partition,
                "offset": rej.message.offset,
            },
        )
        recs.append(Record(dlq_topic, rej.message.key, letter.model_dump_json().encode()))
    return recs


def match_records(mentions: Iterable[EnrichedMention], *, topic: str, partitions: int) -> list[Record]:
    """The ``mentions.matches`` records of these mentions: one per partition of ``tenant:query`` (at
    most ``MAX_BATCH`` samples each), placed explicitly on that partition; none if nothing matched."""
    return [
        Record(topic, None, batch.model_dump_json().encode(), partition=partition)
        for partition, batch in match_batches(mentions, partitions)
    ]
