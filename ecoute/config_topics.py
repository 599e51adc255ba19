"""Writing configuration events (compacted ``config.*`` topics) — used by the API and the demo."""

from __future__ import annotations

from collections.abc import Iterable

from confluent_kafka import Producer

from ecoute.kafka import producer_config
from ecoute.settings import Settings
from schemas.config import QueryDefinition, query_key
from schemas.topics import CONFIG_QUERIES


def publish_queries(
    settings: Settings, definitions: Iterable[QueryDefinition], deleted: Iterable[tuple[str, str]] = ()
) -> int:
    """Write query definitions (and tombstones for ``(tenant, id)`` in ``deleted``); wait for the acks.

    Raises ``RuntimeError`` if the broker did not acknowledge everything within 30 s.
    """
    producer = Producer(producer_config(settings))
    topic = settings.topic(CONFIG_QUERIES.name)
    errors: list[str] = []

    def on_delivery(err: object, _msg: object) -> None:
        if err is not None:
            errors.append(str(err))

    count = 0
    for d in definitions:
        producer.produce(
            topic, key=d.key.encode(), value=d.model_dump_json().encode(), on_delivery=on_delivery
        )
        count += 1
    for tenant, query_id in deleted:
        producer.produce(topic, key=query_key(tenant, query_id).encode(), value=None, on_delivery=on_delivery)
        count += 1
    if producer.flush(30) or errors:
        raise RuntimeError(f"query definitions not acknowledged: {errors[:3]}")
    return count
