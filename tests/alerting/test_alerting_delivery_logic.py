"""Pure delivery logic: payloads, retry schedule, planning, replay selection."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerting.webhooks.payloads import render_body
from alerting.webhooks.planning import plan_deliveries, replay_delivery
from alerting.webhooks.replay import select_dead
from alerting.webhooks.schedule import RetryPolicy, parse_retry_after, retry_delay, settle_attempt
from schemas.alert import Alert
from schemas.registry import schema_for
from schemas.webhooks import WebhookDelivery, WebhookSubscription

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy((5.0, 30.0, 120.0), jitter=0.2, retry_after_cap_s=600.0)


def an_alert() -> Alert:
    path = schema_for("alert", 1).examples_dir / "spike_fr.json"
    return Alert.model_validate_json(path.read_text())


def sub(sub_id: str = "hook", **kw: object) -> WebhookSubscription:
    return WebhookSubscription.model_validate(
        {
            "tenant": "rail-conseil",
            "id": sub_id,
            "url": "https://hooks.example/x",
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "updated_at": NOW,
            **kw,
        }
    )


def a_delivery() -> WebhookDelivery:
    return plan_deliveries(an_alert(), [sub()], partition=1, now=NOW)[0]


def test_standard_body_is_the_alert_in_an_envelope() -> None:
    alert = an_alert()
    body = json.loads(render_body(alert, "standard"))
    assert body["type"] == "alert.spike" and body["data"]["id"] == alert.id
    assert Alert.model_validate(body["data"]) == alert


def test_slack_body_has_text_blocks_and_links() -> None:
    alert = an_alert()
    body = json.loads(render_body(alert, "slack"))
    assert alert.title in body["text"]
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds[0] == "header" and "context" in kinds
    assert any(alert.samples[0].url in b.get("text", {}).get("text", "") for b in body["blocks"])


def test_planning_filters_and_ids() -> None:
    alert = an_alert()
    subs = [
        sub("all"),
        sub("spikes", event_types=["alert.spike"]),
        sub("matches", event_types=["alert.match"]),
        sub("other-rule", rule_ids=["x"]),
        sub("off", enabled=False),
        sub("slack", format="slack"),
        sub("other-tenant", tenant="agence-lumiere"),
    ]
    planned = plan_deliveries(alert, subs, partition=2, now=NOW)
    assert sorted(d.subscription_id for d in planned) == ["all", "slack", "spikes"]
    assert all(d.state == "pending" and d.partition == 2 and d.next_attempt_at == NOW for d in planned)
    again = plan_deliveries(alert, subs, partition=2, now=NOW + timedelta(hours=1))
    assert [d.id for d in again] == [d.id for d in planned]  # stable webhook-id


def test_success_gone_and_exhaustion() -> None:
    rng = random.Random(1)
    d = a_delivery()
    ok = settle_attempt(
        d, at=NOW, status=204, error=None, duration_ms=3, retry_after_s=None, policy=POLICY, rng=rng
    )
    assert ok.state == "delivered" and ok.delivered_at == NOW and ok.attempts[-1].outcome == "delivered"
    gone = settle_attempt(
        d, at=NOW, status=410, error=None, duration_ms=3, retry_after_s=None, policy=POLICY, rng=rng
    )
    assert gone.state == "dead" and gone.attempts[-1].outcome == "gone" and "410" in (gone.dead_reason or "")
    current = d
    for i in range(POLICY.max_attempts):
        current = settle_attempt(
            current,
            at=NOW,
            status=None,
            error="ConnectError",
            duration_ms=1,
            retry_after_s=None,
            policy=POLICY,
            rng=rng,
        )
        if i < POLICY.max_attempts - 1:
            assert current.state == "pending" and current.next_attempt_at is not None
    assert current.state == "dead" and current.attempt_count == 4 and len(current.attempts) == 4
    assert [a.outcome for a in current.attempts] == ["retry", "retry", "retry", "failed"]


@given(st.integers(min_value=1, max_value=3), st.integers(min_value=0, max_value=10_000))
def test_delays_follow_the_schedule_with_bounded_jitter(attempt: int, seed: int) -> None:
    delay = retry_delay(POLICY, attempt, 500, None, random.Random(seed))
    base = POLICY.delays_s[attempt - 1]
    assert delay is not None and 0.8 * base <= delay <= 1.2 * base


def test_retry_after_is_honoured_for_429_and_503_only() -> None:
    rng = random.Random(0)
    assert retry_delay(POLICY, 1, 429, 42.0, rng) == 42.0
    assert retry_delay(POLICY, 1, 503, 10_000.0, rng) == 600.0  # capped
    assert 4.0 <= (retry_delay(POLICY, 1, 500, 42.0, rng) or 0) <= 6.0
    assert retry_delay(POLICY, 4, 429, 1.0, rng) is None  # attempts exhausted


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Sun, 22 Nov 2026 09:01:00 GMT", NOW) == pytest.approx(60.0)
    assert parse_retry_after("Sun, 22 Nov 2026 08:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_replay_keeps_the_id_and_history_and_restarts_the_schedule() -> None:
    rng = random.Random(0)
    dead = settle_attempt(
        a_delivery(),
        at=NOW,
        status=410,
        error=None,
        duration_ms=1,
        retry_after_s=None,
        policy=POLICY,
        rng=rng,
    )
    again = replay_delivery(dead, now=NOW + timedelta(days=1))
    assert again.id == dead.id and again.body == dead.body and again.attempts == dead.attempts
    assert again.state == "pending" and again.attempt_count == 0 and again.replays == 1
    assert again.next_attempt_at == NOW + timedelta(days=1)


def test_select_dead_keeps_the_latest_dead_version_per_id() -> None:
    rng = random.Random(0)
    base = a_delivery()
    first = settle_attempt(
        base, at=NOW, status=410, error=None, duration_ms=1, retry_after_s=None, policy=POLICY, rng=rng
    )
    later = first.model_copy(update={"updated_at": NOW + timedelta(hours=1), "dead_reason": "later"})
    other = first.model_copy(update={"id": "msg_" + "1" * 32, "subscription_id": "other"})
    chosen = select_dead([first, later, other, base], tenant="rail-conseil", subscription_id="hook")
    assert [(d.id, d.dead_reason) for d in chosen] == [(first.id, "later")]
    assert select_dead([first], delivery_ids=["msg_" + "0" * 32]) == []
    assert len(select_dead([first, other])) == 2
