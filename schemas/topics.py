"""The topic registry: every Kafka topic ecoute uses, with its key, value model and retention.

Names here are logical; a deployment may prefix them (``Settings.topic``). Topics are created from this
registry (``ecoute.kafka_admin.ensure_topics``), never by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from schemas.alert import Alert
from schemas.config import QueryDefinition, Tenant
from schemas.cursor import SourceCursor
from schemas.dead_letter import DeadLetter
from schemas.matches import MatchBatch
from schemas.mention import EnrichedMention, EntityUpdate, RawMention
from schemas.rules import AlertRule
from schemas.source import SourceDefinition
from schemas.webhooks import WebhookDelivery, WebhookSubscription

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """How one topic is laid out and what it carries."""

    name: str
    key: str
    value_model: type[BaseModel] | None
    description: str
    cleanup_policy: Literal["delete", "compact"] = "delete"
    retention_ms: int | None = 7 * DAY_MS
    partitions: int | None = None  # None: the deployment's default (Settings.topic_partitions)

    def config(self) -> dict[str, str]:
        """Broker-side topic configuration."""
        cfg: dict[str, str] = {"cleanup.policy": self.cleanup_policy}
        if self.retention_ms is not None:
            cfg["retention.ms"] = str(self.retention_ms)
        return cfg


MENTIONS_RAW = TopicSpec("mentions.raw", "mention id", RawMention, "mentions as fetched by ingest connectors")
MENTIONS_ENRICHED = TopicSpec(
    "mentions.enriched",
    "mention id",
    EnrichedMention,
    "mentions with language, sentiment, query matches and entities",
)
MENTIONS_NER = TopicSpec(
    "mentions.ner",
    "mention id",
    EnrichedMention,
    "mentions the index sink wrote without named entities (it had a backlog): the NER worker tags them",
)
MENTIONS_ENTITIES = TopicSpec(
    "mentions.entities",
    "mention id",
    EntityUpdate,
    "people, organisations and places found by the NER worker (off the hot path)",
)
MENTIONS_MATCHES = TopicSpec(
    "mentions.matches",
    "none: the partition of tenant:query id (murmur2, as Kafka's default partitioner)",
    MatchBatch,
    "query matches of enriched mentions, grouped per partition of tenant:query (from enrich), and the "
    "alerting worker's ticks (TickEvent)",
    retention_ms=2 * DAY_MS,
)
ALERTS = TopicSpec("alerts", "tenant:rule", Alert, "fired or grouped alerts", retention_ms=30 * DAY_MS)
INGEST_CURSORS = TopicSpec(
    "ingest.cursors",
    "source id",
    SourceCursor,
    "per-source checkpoints",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
CONFIG_QUERIES = TopicSpec(
    "config.queries",
    "tenant:query id",
    QueryDefinition,
    "tenants' Boolean queries; tombstone deletes",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
CONFIG_TENANTS = TopicSpec(
    "config.tenants",
    "tenant id",
    Tenant,
    "tenants and their hashed API keys; tombstone deletes",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
CONFIG_SOURCES = TopicSpec(
    "config.sources",
    "source id",
    SourceDefinition,
    "sources to poll and the tenants subscribed to them; tombstone deletes",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
CONFIG_RULES = TopicSpec(
    "config.rules",
    "tenant:rule id",
    AlertRule,
    "tenants' alert rules; tombstone deletes",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
CONFIG_SUBSCRIPTIONS = TopicSpec(
    "config.subscriptions",
    "tenant:subscription id",
    WebhookSubscription,
    "tenants' webhook subscriptions; tombstone deletes",
    cleanup_policy="compact",
    retention_ms=None,
    partitions=1,
)
DLQ_WEBHOOKS = TopicSpec(
    "dlq.webhooks",
    "tenant:subscription id",
    WebhookDelivery,
    "webhook deliveries that failed after the last attempt (replayable)",
    retention_ms=30 * DAY_MS,
)
DLQ_INGEST = TopicSpec(
    "dlq.ingest", "original key", DeadLetter, "unparseable source items", retention_ms=30 * DAY_MS
)
DLQ_ENRICH = TopicSpec(
    "dlq.enrich", "original key", DeadLetter, "mentions enrichment failed on", retention_ms=30 * DAY_MS
)
DLQ_INDEX = TopicSpec(
    "dlq.index", "original key", DeadLetter, "documents Elasticsearch rejected", retention_ms=30 * DAY_MS
)
DLQ_ALERTING = TopicSpec(
    "dlq.alerting", "original key", DeadLetter, "events alerting failed on", retention_ms=30 * DAY_MS
)

REGISTRY: tuple[TopicSpec, ...] = (
    MENTIONS_RAW,
    MENTIONS_ENRICHED,
    MENTIONS_NER,
    MENTIONS_ENTITIES,
    MENTIONS_MATCHES,
    ALERTS,
    INGEST_CURSORS,
    CONFIG_QUERIES,
    CONFIG_TENANTS,
    CONFIG_SOURCES,
    CONFIG_RULES,
    CONFIG_SUBSCRIPTIONS,
    DLQ_INGEST,
    DLQ_ENRICH,
    DLQ_INDEX,
    DLQ_ALERTING,
    DLQ_WEBHOOKS,
)


def topic_spec(name: str) -> TopicSpec:
    """The spec of a logical topic name; ``KeyError`` if it is not registered."""
    for spec in REGISTRY:
        if spec.name == name:
            return spec
    raise KeyError(f"topic {name!r} is not in the registry")
