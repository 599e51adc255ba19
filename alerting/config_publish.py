"""Writing rules and subscriptions to their compacted topics (used by the demo, tests, the CLI, and
later by the API)."""

from __future__ import annotations

from collections.abc import Iterable

from confluent_kafka import Producer

from ecoute.kafka import producer_config
from ecoute.settings import Settings
from schemas.rules import AlertRule, rule_key
from schemas.topics import CONFIG_RULES, CONFIG_SUBSCRIPTIONS
from schemas.webhooks import WebhookSubscription, subscription_key


def publish_records(settings: Settings, topic: str, records: Iterable[tuple[str, bytes | None]]) -> int:
    """Produce ``(key, value)`` records (``None`` = tombstone) and wait for the acks.

    Raises ``RuntimeError`` if the broker did not acknowledge everything within 30 s.
    """
    producer = Producer(producer_config(settings))
    errors: list[str] = []

    def on_delivery(err: object, _msg: object) -> None:
        if err is not None:
            errors.append(str(err))

    count = 0
    for key, value in records:
        producer.produce(topic, key=key.encode(), value=value, on_delivery=on_delivery)
        count += 1
    if producer.flush(30) or errors:
        raise RuntimeError(f"config records not acknowledged on {topic}: {errors[:3]}")
    return count


def publish_rules(
    settings: Settings, rules: Iterable[AlertRule], deleted: Iterable[tuple[str, str]] = ()
) -> int:
    """Write rules (and tombstones for ``(tenant, rule id)`` in ``deleted``) to ``config.rules``."""
    records: list[tuple[str, bytes | None]] = [(r.key, r.model_dump_json().encode()) for r in rules]
    records += [(rule_key(t, i), None) for t, i in deleted]
    return publish_records(settings, settings.topic(CONFIG_RULES.name), records)


def publish_subscriptions(
    settings: Settings,
    subscriptions: Iterable[WebhookSubscription],
    deleted: Iterable[tuple[str, str]] = (),
) -> int:
    """Write subscriptions (and tombstones) to ``config.subscriptions``."""
    records: list[tuple[str, bytes | None]] = [(s.key, s.model_dump_json().encode()) for s in subscriptions]
    records += [(subscription_key(t, i), None) for t, i in deleted]
    return publish_records(settings, settings.topic(CONFIG_SUBSCRIPTIONS.name), records)
