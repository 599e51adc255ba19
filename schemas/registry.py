"""Versioned event schemas and their checked-in JSON examples.

Each (schema name, version) maps to a model; examples live in ``schemas/examples/<name>/v<N>/*.json``
and tests validate every one of them, so a breaking change to a model fails the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from schemas.alert import Alert
from schemas.config import ApiKey, QueryDefinition, Tenant
from schemas.cursor import SourceCursor
from schemas.dead_letter import DeadLetter
from schemas.matches import MatchBatch, TickEvent
from schemas.mention import EnrichedMention, EntityUpdate, RawMention
from schemas.rules import AlertRule
from schemas.source import SourceDefinition
from schemas.webhooks import WebhookDelivery, WebhookSubscription

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True, slots=True)
class EventSchema:
    name: str
    version: int
    model: type[BaseModel]

    @property
    def examples_dir(self) -> Path:
        return EXAMPLES_DIR / self.name / f"v{self.version}"

    def examples(self) -> Iterator[Path]:
        """The JSON example files of this schema version (sorted)."""
        yield from sorted(self.examples_dir.glob("*.json"))


SCHEMAS: tuple[EventSchema, ...] = (
    EventSchema("raw_mention", 1, RawMention),
    EventSchema("enriched_mention", 1, EnrichedMention),
    EventSchema("entity_update", 1, EntityUpdate),
    EventSchema("match_batch", 1, MatchBatch),
    EventSchema("tick", 1, TickEvent),
    EventSchema("dead_letter", 1, DeadLetter),
    EventSchema("query_definition", 1, QueryDefinition),
    EventSchema("alert_rule", 1, AlertRule),
    EventSchema("alert", 1, Alert),
    EventSchema("webhook_subscription", 1, WebhookSubscription),
    EventSchema("webhook_delivery", 1, WebhookDelivery),
    EventSchema("source_cursor", 1, SourceCursor),
    EventSchema("source_config", 1, SourceDefinition),
    EventSchema("tenant", 1, Tenant),
    EventSchema("api_key", 1, ApiKey),
)


def schema_for(name: str, version: int) -> EventSchema:
    """The schema with this name and version; ``KeyError`` otherwise."""
    for schema in SCHEMAS:
        if schema.name == name and schema.version == version:
            return schema
    raise KeyError(f"no schema {name} v{version}")
