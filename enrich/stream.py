"""The Kafka-facing step of enrichment, independent of Faust: decode a batch of raw messages, enrich,
encode. Poison messages become dead letters with the reason; nothing is dropped. Pure apart from the
clock it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from enrich.pipeline import EntityTagger, Matcher, enrich_batch
from schemas.mention import EnrichedMention, RawMention


@dataclass(frozen=True, slots=True)
class InMessage:
    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Rejected:
    message: InMessage
    reason: str
    error_type: str


@dataclass(slots=True)
class StepOutput:
    produced: list[tuple[bytes, bytes]] = field(default_factory=list)  # (key, value) for mentions.enriched
    rejected: list[Rejected] = field(default_factory=list)
    matched: list[EnrichedMention] = field(default_factory=list)  # produced ones that matched a query


def enrich_messages(
    messages: Sequence[InMessage],
    *,
    now: datetime,
    matcher: Matcher | None = None,
    tagger: EntityTagger | None = None,
    tag_all: bool = False,
) -> StepOutput:
    """Decode, enrich and encode a batch; every input ends up in ``produced`` or ``rejected``, and
    the produced mentions that matched a query also in ``matched`` (in order)."""
    out = StepOutput()
    decoded: list[tuple[InMessage, RawMention]] = []
    for msg in messages:
        try:
            decoded.append((msg, RawMention.model_validate_json(msg.value or b"")))
        except ValidationError as exc:
            out.rejected.append(Rejected(msg, f"not a RawMention v1: {exc}"[:4000], type(exc).__name__))
    if not decoded:
        return out
    result = enrich_batch([m for _, m in decoded], now=now, matcher=matcher, tagger=tagger, tag_all=tag_all)
    for index, error in result.failures:
        out.rejected.append(
            Rejected(decoded[index][0], f"enrichment failed: {error!r}"[:4000], type(error).__name__)
        )
    for enriched in result.enriched:
        out.produced.append((enriched.id.encode(), enriched.model_dump_json().encode()))
        if enriched.matches:
            out.matched.append(enriched)
    return out
