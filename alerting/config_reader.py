"""Live views of the compacted configuration topics (``config.rules``, ``config.subscriptions``).

Every alerting process needs every rule / subscription, so the reader is not part of a consumer group:
it assigns all partitions of the topic from the beginning, replays the compacted history, then follows
new records. ``tenant:id → model`` adds or replaces, a tombstone removes, an invalid record is logged
with its key and position and removes the entry (a half-applied rule is worse than none). Consumers get
immutable snapshots, rebuilt on each change, so readers never lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ecoute.compacted import CompactedTopicReader
from ecoute.settings import Settings
from schemas.rules import AlertRule
from schemas.topics import CONFIG_RULES, CONFIG_SUBSCRIPTIONS
from schemas.webhooks import WebhookSubscription

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class ConfigTable(Generic[M]):
    """``key → model`` built from changelog records; :meth:`apply` never raises on bad records."""

    def __init__(self, model: type[M], on_change: Callable[[Mapping[str, M]], None] | None = None) -> None:
        self.model = model
        self._entries: dict[str, M] = {}
        self._lock = threading.Lock()
        self._on_change = on_change
        self.version = 0

    def apply(self, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        key_text = (key or b"").decode("utf-8", "replace")
        entry: M | None = None
        if value is not None:
            try:
                entry = self.model.model_validate_json(value)
            except ValidationError as exc:
                log.warning(
                    "ignoring invalid %s: %s", self.model.__name__, exc, extra={"key": key_text, "at": where}
                )
        with self._lock:
            if entry is None:
                self._entries.pop(key_text, None)
            else:
                self._entries[key_text] = entry
            self.version += 1
            snapshot = dict(self._entries)
        if self._on_change is not None:
            self._on_change(snapshot)

    def snapshot(self) -> dict[str, M]:
        with self._lock:
            return dict(self._entries)


class RuleBook:
    """Rules indexed by ``(tenant, query)`` and ``(tenant, id)``; implements the engine's rule source."""

    def __init__(self, rules: Mapping[str, AlertRule] | None = None) -> None:
        self._by_query: dict[tuple[str, str], tuple[AlertRule, ...]] = {}
        self._by_id: dict[tuple[str, str], AlertRule] = {}
        self.replace(rules or {})

    def replace(self, rules: Mapping[str, AlertRule]) -> None:
        by_query: dict[tuple[str, str], list[AlertRule]] = {}
        by_id: dict[tuple[str, str], AlertRule] = {}
        for key, rule in rules.items():
            if key != rule.key:
                log.warning("rule stored under a foreign key ignored", extra={"key": key, "rule": rule.key})
                continue
            by_id[(rule.tenant, rule.id)] = rule
            by_query.setdefault((rule.tenant, rule.query_id), []).append(rule)
        # swap whole dicts: readers on another thread see the old or the new index, never a mix
        self._by_query = {k: tuple(sorted(v, key=lambda r: r.id)) for k, v in by_query.items()}
        self._by_id = by_id

    def for_query(self, tenant: str, query_id: str) -> tuple[AlertRule, ...]:
        return self._by_query.get((tenant, query_id), ())

    def get(self, tenant: str, rule_id: str) -> AlertRule | None:
        return self._by_id.get((tenant, rule_id))

    def __len__(self) -> int:
        return len(self._by_id)


class SubscriptionBook:
    """Subscriptions by tenant."""

    def __init__(self, subscriptions: Mapping[str, WebhookSubscription] | None = None) -> None:
        self._by_tenant: dict[str, tuple[WebhookSubscription, ...]] = {}
        self._by_key: dict[str, WebhookSubscription] = {}
        self.replace(subscriptions or {})

    def replace(self, subscriptions: Mapping[str, WebhookSubscription]) -> None:
        by_tenant: dict[str, list[WebhookSubscription]] = {}
        by_key: dict[str, WebhookSubscription] = {}
        for key, sub in subscriptions.items():
            if key != sub.key:
                log.warning("subscription stored under a foreign key ignored", extra={"key": key})
                continue
            by_key[key] = sub
            by_tenant.setdefault(sub.tenant, []).append(sub)
        self._by_tenant = {k: tuple(sorted(v, key=lambda s: s.id)) for k, v in by_tenant.items()}
        self._by_key = by_key

    def for_tenant(self, tenant: str) -> tuple[WebhookSubscription, ...]:
        return self._by_tenant.get(tenant, ())

    def get(self, key: str) -> WebhookSubscription | None:
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self._by_key)


def follow_rules(settings: Settings, book: RuleBook) -> CompactedTopicReader:
    """Start following ``config.rules`` into ``book`` (call ``wait_caught_up`` before trusting it)."""
    table: ConfigTable[AlertRule] = ConfigTable(AlertRule, on_change=book.replace)
    reader = CompactedTopicReader(settings, settings.topic(CONFIG_RULES.name), table)
    reader.start()
    return reader


def follow_subscriptions(settings: Settings, book: SubscriptionBook) -> CompactedTopicReader:
    """Start following ``config.subscriptions`` into ``book``."""
    table: ConfigTable[WebhookSubscription] = ConfigTable(WebhookSubscription, on_change=book.replace)
    reader = CompactedTopicReader(settings, settings.topic(CONFIG_SUBSCRIPTIONS.name), table)
    reader.start()
    return reader
