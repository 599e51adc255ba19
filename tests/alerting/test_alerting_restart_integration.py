"""A restarted alerting worker resumes with its windows (Faust tables recovered from their changelogs),
and poison input goes to dlq.alerting without stopping the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from confluent_kafka import Producer

from alerting.webhooks.receiver import WebhookReceiver
from alerting.webhooks.signing import new_secret
from ecoute.demo import topic_end_offsets
from schemas.alert import Alert
from schemas.dead_letter import DeadLetter
from schemas.webhooks import WebhookSubscription
from tests.alerting.conftest import AlertStack
from tests.alerting.factories import enriched, rule
from tests.kafka_utils import committed_offsets, read_all

pytestmark = pytest.mark.integration


def caught_up(s: AlertStack) -> bool:
    """The worker committed everything it was given (matches and its own ticks)."""
    name = s.settings.topic("mentions.matches")
    done = committed_offsets(
        s.settings.effective_kafka_bootstrap, s.settings.group("alerting"), name, s.settings.topic_partitions
    )
    return sum(max(o, 0) for o in done.values()) >= topic_end_offsets(s.settings, name)


def test_restarted_worker_keeps_its_windows_and_dead_letters_poison(alert_stack: AlertStack) -> None:
    s = alert_stack
    end = datetime.now(UTC).replace(microsecond=0)
    secret = new_secret()
    baseline = [enriched(end - timedelta(hours=h, minutes=30), key=f"b{h}") for h in range(24, 0, -1)]
    burst = [
        enriched(end - timedelta(minutes=10) + timedelta(seconds=30 * i), key=f"s{i}") for i in range(12)
    ]
    with WebhookReceiver(secret) as receiver:
        s.rules([rule("pic", {"kind": "spike", "min_count": 10}, cooldown_s=3600)])
        s.subscriptions(
            [WebhookSubscription(tenant="acme", id="h", url=receiver.url, secret=secret, updated_at=end)]
        )
        worker = s.start("alerting")
        s.start("webhooks")
        s.produce(baseline + burst[:6])
        producer = Producer({"bootstrap.servers": s.settings.effective_kafka_bootstrap})
        producer.produce(s.settings.topic("mentions.matches"), key=b"poison", value=b"{not json", partition=1)
        producer.flush(10)
        s.wait_for(lambda: caught_up(s), 60, "the first half processed and committed")
        assert receiver.snapshot() == []  # 6 mentions: under the minimum count, no spike yet
        s.stop(worker)

        s.start("alerting")  # a new process: only the changelogs know the first six
        s.produce(burst[6:])
        s.wait_for(lambda: len(receiver.accepted()) >= 1, 90, "the spike alert")
        alerts = [Alert.model_validate(r.alert) for r in receiver.accepted() if r.alert]
    assert len(alerts) == 1
    spike = alerts[0]
    assert spike.rule_id == "pic" and spike.explanation.observed >= 10  # both halves are in the window
    explanation = spike.explanation
    assert explanation.baseline_start is not None and explanation.window_start is not None
    counted = [m for m in baseline if explanation.baseline_start <= m.published_at < explanation.window_start]
    assert len(counted) >= 22  # a day's baseline from a whole hour: 22 or 23 of the hourly mentions
    assert explanation.details["baseline_count"] == len(counted)  # the baseline survived the restart too
    letters = read_all(s.settings.effective_kafka_bootstrap, s.settings.topic("dlq.alerting"), expected=1)
    letter = DeadLetter.model_validate_json(letters[0].value() or b"")
    assert letter.stage == "alerting" and letter.original_value() == b"{not json" and letter.key == "poison"


def test_a_quiet_query_gets_its_grouped_alert_when_the_cooldown_ends(alert_stack: AlertStack) -> None:
    s = alert_stack
    now = datetime.now(UTC)
    secret = new_secret()
    with WebhookReceiver(secret) as receiver:
        s.rules([rule("crise", {"kind": "match"}, cooldown_s=10)])
        s.subscriptions(
            [WebhookSubscription(tenant="acme", id="h", url=receiver.url, secret=secret, updated_at=now)]
        )
        s.start("alerting")
        s.start("webhooks")
        s.produce([enriched(now - timedelta(seconds=3 - i * 0.5), key=f"q{i}") for i in range(5)])
        s.wait_for(lambda: len(receiver.accepted()) >= 1, 60, "the first alert")
        first = Alert.model_validate(receiver.accepted()[0].alert)
        assert first.count == 1 and not first.grouped
        # nothing else arrives for this query: the partition's clock follows the wall once idle (5 s)
        s.wait_for(lambda: len(receiver.accepted()) >= 2, 60, "the grouped alert")
        group = Alert.model_validate(receiver.accepted()[1].alert)
    assert group.grouped and group.count == 4
    assert group.fired_at == first.fired_at + timedelta(seconds=10)
    assert group.grouped_since is not None and group.grouped_since > first.fired_at
