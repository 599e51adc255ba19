"""Produces RawMentions to ``mentions.raw`` with an idempotent confluent-kafka producer (acks=all).

The key is the mention id, so the same item always lands on the same partition. ``flush`` waits for the
broker's acknowledgement of everything sent and raises :class:`DeliveryError` if any message failed, so
a caller only records progress (cursors) for what Kafka really holds.
"""

from __future__ import annotations

import logging
from typing import Any

from confluent_kafka import Producer

from ecoute.kafka import producer_config
from ecoute.settings import Settings
from schemas.mention import RawMention
from schemas.topics import MENTIONS_RAW

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """Some messages were not acknowledged by Kafka."""


class MentionProducer:
    def __init__(self, settings: Settings, producer: Producer | None = None) -> None:
        self.topic = settings.topic(MENTIONS_RAW.name)
        self.producer = producer or Producer(producer_config(settings))
        self.delivered = 0
        self._errors: list[str] = []

    def _on_delivery(self, err: Any, _msg: Any) -> None:
        if err is None:
            self.delivered += 1
        else:
            self._errors.append(str(err))

    def send(self, mention: RawMention) -> None:
        """Queue one mention; blocks briefly (backpressure) while the local queue is full."""
        value = mention.model_dump_json().encode()
        while True:
            try:
                self.producer.produce(
                    self.topic, key=mention.id.encode(), value=value, on_delivery=self._on_delivery
                )
                break
            except BufferError:
                self.producer.poll(0.1)
        self.producer.poll(0)

    def flush(self, timeout_s: float = 60.0) -> int:
        """Wait for acknowledgements. Returns how many were delivered since the last flush."""
        remaining = self.producer.flush(timeout_s)
        delivered, self.delivered = self.delivered, 0
        if remaining or self._errors:
            errors, self._errors = self._errors, []
            raise DeliveryError(f"{remaining} messages unacknowledged, {len(errors)} failed: {errors[:3]}")
        return delivered
