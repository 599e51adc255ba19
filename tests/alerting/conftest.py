"""Fixtures of the alerting integration tests: the real Kafka and Elasticsearch, the alerting worker and
the webhook deliverer as real processes, and real local HTTP receivers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from confluent_kafka import Producer
from elasticsearch import Elasticsearch

from alerting.alert_index import ensure_alerts_index
from alerting.config_publish import publish_rules, publish_subscriptions
from alerting.processes import stage_env
from alerting.settings import AlertingSettings
from alerting.webhooks.outbox import ensure_deliveries_index
from ecoute.children import Child, spawn, stop_all
from ecoute.kafka import ensure_topics, producer_config
from ecoute.settings import Settings
from schemas.matches import match_batches
from schemas.mention import EnrichedMention
from schemas.rules import AlertRule
from schemas.topics import MENTIONS_MATCHES
from schemas.webhooks import WebhookSubscription

FAST = AlertingSettings(
    alerting_batch_within_s=0.05,
    alerting_tick_s=0.5,
    alerting_idle_advance_s=5.0,
    webhook_retry_schedule_s=(0.3, 0.6, 1.0) + (1.0,) * 35,
    webhook_jitter=0.1,
    webhook_timeout_s=5.0,
    webhook_scan_interval_s=0.5,
    webhook_flush_interval_s=0.1,
)


@dataclass
class AlertStack:
    settings: Settings
    es: Elasticsearch
    alerting: AlertingSettings = FAST
    children: dict[str, Child] = field(default_factory=dict)

    def start(self, stage: str, alerting: AlertingSettings | None = None) -> Child:
        """Start ``alerting`` (the Faust worker) or ``webhooks`` (the deliverer)."""
        env = stage_env(self.settings, alerting or self.alerting)
        n = sum(1 for name in self.children if name.startswith(stage))
        child = spawn(f"{stage}-{n}", ["worker", stage], env, self.settings.home / "logs")
        self.children[f"{stage}-{n}"] = child
        return child

    def stop(self, child: Child) -> None:
        code = child.stop(30)
        assert code == 0, f"{child.name} did not stop cleanly ({code}): {child.log_path.read_text()[-3000:]}"

    def alive(self) -> list[Child]:
        return [c for c in self.children.values() if c.alive()]

    def rules(self, rules: Sequence[AlertRule]) -> None:
        publish_rules(self.settings, rules)

    def subscriptions(self, subs: Sequence[WebhookSubscription]) -> None:
        publish_subscriptions(self.settings, subs)

    def produce(self, mentions: Sequence[EnrichedMention]) -> None:
        """Publish the mentions' query matches to ``mentions.matches`` as the enrichment worker does,
        one mention at a time (each query's partition then holds its mentions in the given order)."""
        producer = Producer(producer_config(self.settings))
        topic = self.settings.topic(MENTIONS_MATCHES.name)
        for m in mentions:
            for partition, batch in match_batches([m], self.settings.topic_partitions):
                producer.produce(topic, value=batch.model_dump_json().encode(), partition=partition)
        assert producer.flush(30) == 0

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return
            for child in self.children.values():
                if child.proc.returncode is None and not child.alive():
                    raise AssertionError(f"{child.name} died: {child.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        logs = "\n".join(f"--- {c.name}\n{c.log_path.read_text()[-2000:]}" for c in self.children.values())
        raise AssertionError(f"timed out waiting for {what}\n{logs}")


@pytest.fixture
def alert_stack(pipeline_settings: Settings, es_client: Elasticsearch) -> Iterator[AlertStack]:
    ensure_topics(pipeline_settings)
    ensure_alerts_index(es_client, pipeline_settings.index_prefix)
    ensure_deliveries_index(es_client, pipeline_settings.index_prefix)
    stack = AlertStack(pipeline_settings, es_client)
    yield stack
    running = stack.alive()
    stop_all(running)
    for child in running:
        assert child.proc.returncode == 0, f"{child.name}: {child.log_path.read_text()[-3000:]}"
