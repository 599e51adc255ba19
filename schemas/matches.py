"""Query matches of enriched mentions, for the alerting worker (topic ``mentions.matches``).

The enrichment worker turns every mention that matched queries into one :class:`MatchEvent` per
``(tenant, query)``, groups the events of one batch by query and the queries by the partition their key
``tenant:query`` hashes to (:func:`query_partition`), and writes one :class:`MatchBatch` record per
partition and batch, so that every count, cooldown and seen-site of a query lives on one partition and
the alerting worker reads one record per partition and batch instead of one per mention. The alerting
worker's own :class:`TickEvent` records (wall-clock ticks to every partition) share the topic.

An :class:`~schemas.alert.AlertSample` (:func:`sample_of`) is the compact view of a mention that alerts
carry; it is made once, by the enrichment worker, from the validated mention.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

from aiokafka.partitioner import murmur2
from pydantic import Field

from schemas.alert import AlertSample
from schemas.common import Frozen, construct_trusted
from schemas.config import query_key
from schemas.mention import EnrichedMention
from schemas.urls import site_host

EXCERPT_CHARS = 280
TITLE_CHARS = 300
MAX_BATCH = 200  # samples per mentions.matches record (≈ 150 KB at most)


def site_of(url: str | None, source_id: str) -> str:
    """The site a mention comes from: the URL's host without ``www.``, else the source id."""
    return site_host(url) or f"source:{source_id}"


def _excerpt(text: str) -> str:
    flat = " ".join(text[: EXCERPT_CHARS * 4].split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


def sample_of(mention: EnrichedMention) -> AlertSample:
    """The compact view of a mention that alerts carry.

    Built without re-validation (:func:`~schemas.common.construct_trusted`): every field comes from a
    validated :class:`EnrichedMention` and is cut to the sample's limits here.
    """
    author = mention.author
    who = (author.handle or author.name) if author else None
    title = mention.title[:TITLE_CHARS] if mention.title else None
    sentiment = mention.sentiment
    return construct_trusted(
        AlertSample,
        {
            "mention_id": mention.id,
            "url": mention.url,
            "title": title,
            "excerpt": _excerpt(mention.text),
            "author": who[:512] if who else None,
            "followers": author.followers if author else None,
            "site": site_of(mention.url, mention.source_id)[:300],
            "source_id": mention.source_id,
            "lang": mention.lang,
            "sentiment": sentiment.label if sentiment else None,
            "sentiment_score": sentiment.score if sentiment else None,
            "published_at": mention.published_at,
        },
    )


class MatchEvent(Frozen):
    """One mention matched by one tenant's query: the engine's input."""

    kind: Literal["match"] = "match"
    tenant: str = Field(min_length=1, max_length=100)
    query_id: str = Field(min_length=1, max_length=200)
    sample: AlertSample

    @property
    def key(self) -> str:
        return query_key(self.tenant, self.query_id)

    @property
    def negative(self) -> bool:
        return self.sample.sentiment == "negative"


class QueryMatches(Frozen):
    """Consecutive mentions of one tenant's query, in arrival order."""

    tenant: str = Field(min_length=1, max_length=100)
    query_id: str = Field(min_length=1, max_length=200)
    samples: tuple[AlertSample, ...] = Field(min_length=1, max_length=MAX_BATCH)


class MatchBatch(Frozen):
    """The matches of one enrichment batch for the queries of one partition of ``mentions.matches``;
    the alerting worker processes them query by query, each in order.

    Every query's state lives on the partition its key ``tenant:query`` hashes to
    (:func:`query_partition`), so one record can carry many queries: one Kafka record and one Faust
    event per partition and batch instead of one per mention or query.
    """

    kind: Literal["matches"] = "matches"  # first field: a tick is recognised by its first bytes
    schema_version: Literal[1] = 1
    groups: tuple[QueryMatches, ...] = Field(min_length=1)

    def events(self) -> list[MatchEvent]:
        # validated as part of this batch: no need to validate each event again
        return [_match_event(g.tenant, g.query_id, s) for g in self.groups for s in g.samples]


def _match_event(tenant: str, query_id: str, sample: AlertSample) -> MatchEvent:
    """A :class:`MatchEvent` of validated parts (not validated again)."""
    return construct_trusted(
        MatchEvent, {"kind": "match", "tenant": tenant, "query_id": query_id, "sample": sample}
    )


@lru_cache(maxsize=65_536)
def query_partition(key: str, partitions: int) -> int:
    """The partition of ``mentions.matches`` that owns query ``key``: what Kafka's default
    partitioner (murmur2, as in the Java client and aiokafka) gives for that key. Memoised: murmur2 is
    pure Python, and the same queries match batch after batch."""
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def batch_matches(
    events: list[MatchEvent], partitions: int, max_samples: int = MAX_BATCH
) -> list[tuple[int, MatchBatch]]:
    """Group events by query (keeping their order within each query), then the queries by their
    partition: ``(partition, record)`` pairs, at most ``max_samples`` samples per record."""
    grouped: dict[tuple[str, str], list[AlertSample]] = {}
    for e in events:
        grouped.setdefault((e.tenant, e.query_id), []).append(e.sample)
    by_partition: dict[int, list[QueryMatches]] = {}
    for (tenant, query_id), samples in grouped.items():
        partition = query_partition(query_key(tenant, query_id), partitions)
        for i in range(0, len(samples), max_samples):
            chunk = tuple(samples[i : i + max_samples])  # 1 to max_samples validated samples
            by_partition.setdefault(partition, []).append(
                construct_trusted(QueryMatches, {"tenant": tenant, "query_id": query_id, "samples": chunk})
            )
    out: list[tuple[int, MatchBatch]] = []
    for partition, groups in by_partition.items():
        record: list[QueryMatches] = []
        size = 0
        for group in groups:
            if record and size + len(group.samples) > max_samples:
                out.append((partition, _match_batch(record)))
                record, size = [], 0
            record.append(group)
            size += len(group.samples)
        out.append((partition, _match_batch(record)))
    return out


def _match_batch(groups: list[QueryMatches]) -> MatchBatch:
    """A :class:`MatchBatch` of validated, non-empty groups (not validated again)."""
    return construct_trusted(MatchBatch, {"kind": "matches", "schema_version": 1, "groups": tuple(groups)})


class TickEvent(Frozen):
    """Wall-clock tick sent to every partition: flush due cooldowns, expire old buckets."""

    kind: Literal["tick"] = "tick"
    schema_version: Literal[1] = 1
    wall: float


def match_events(mention: EnrichedMention) -> list[MatchEvent]:
    """One event per distinct (tenant, query) the mention matched (none if it matched nothing)."""
    if not mention.matches:
        return []
    sample = sample_of(mention)
    seen: set[tuple[str, str]] = set()
    out = []
    for match in mention.matches:
        pair = (match.tenant, match.query_id)
        if pair in seen:
            continue
        seen.add(pair)
        out.append(_match_event(match.tenant, match.query_id, sample))
    return out


def match_batches(mentions: Iterable[EnrichedMention], partitions: int) -> list[tuple[int, MatchBatch]]:
    """The ``(partition, record)`` pairs of ``mentions.matches`` for these mentions (in order; the
    mentions that matched nothing give nothing): :func:`match_events` then :func:`batch_matches`."""
    return batch_matches([e for m in mentions for e in match_events(m)], partitions)
