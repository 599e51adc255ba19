"""Pure logic the API routes will call: lifecycle, KPIs, SSE frames and cursors, rule/subscription shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from alerting.api_shapes import (
    RuleCreate,
    RuleUpdate,
    SubscriptionCreate,
    SubscriptionUpdate,
    apply_rule_update,
    apply_subscription_update,
    rule_from_create,
    rule_public,
    subscription_created,
    subscription_from_create,
    subscription_public,
)
from alerting.kpis import percentile, response_kpis
from alerting.lifecycle import AlertStatus, TransitionError, opened, time_to_acknowledge, transition
from alerting.sse import (
    CursorError,
    Record,
    decode_cursor,
    encode_cursor,
    format_event,
    resume_offsets,
    sse_events,
)
from ecoute.net import UnsafeUrlError
from schemas.alert import Alert
from schemas.registry import schema_for

T = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_lifecycle_open_ack_resolve_with_who_and_when() -> None:
    lc = opened(T)
    acked = transition(lc, "acknowledge", who="claire", at=T + timedelta(minutes=4))
    assert acked.status is AlertStatus.ACKNOWLEDGED and acked.acknowledged_by == "claire"
    done = transition(acked, "resolve", who="yanis", at=T + timedelta(minutes=30), note="démenti publié")
    assert (
        done.status is AlertStatus.RESOLVED and done.resolved_by == "yanis" and done.note == "démenti publié"
    )
    assert time_to_acknowledge(done) == 240.0
    with pytest.raises(TransitionError):
        transition(done, "acknowledge", who="x", at=T + timedelta(hours=1))
    with pytest.raises(TransitionError):
        transition(acked, "acknowledge", who="x", at=T + timedelta(hours=1))
    with pytest.raises(TransitionError, match="predate"):
        transition(acked, "resolve", who="x", at=T)
    reopened = transition(done, "reopen", who="claire", at=T + timedelta(hours=2))
    assert reopened.status is AlertStatus.OPEN and reopened.opened_at == T + timedelta(hours=2)


def test_resolving_an_open_alert_acknowledges_it() -> None:
    done = transition(opened(T), "resolve", who="a", at=T + timedelta(seconds=90))
    assert done.acknowledged_at == done.resolved_at and done.acknowledged_by == "a"


def test_kpis_per_tenant_and_rule() -> None:
    items = []
    for i, minutes_to_ack in enumerate([2, 4, 6, 8, 100]):
        lc = transition(opened(T), "acknowledge", who="a", at=T + timedelta(minutes=minutes_to_ack))
        if i < 3:
            lc = transition(lc, "resolve", who="a", at=T + timedelta(minutes=minutes_to_ack + 10))
        items.append(("acme", "crise" if i < 4 else "pic", lc))
    items.append(("acme", "pic", opened(T)))
    rows = response_kpis(items)
    tenant = rows[0]
    assert (
        tenant.tenant,
        tenant.rule_id,
        tenant.alerts,
        tenant.open,
        tenant.acknowledged,
        tenant.resolved,
    ) == (
        "acme",
        None,
        6,
        1,
        2,
        3,
    )
    assert tenant.ack_p50_s == 360.0 and tenant.ack_p90_s == pytest.approx(480 + 0.6 * (6000 - 480))
    assert tenant.resolve_p50_s == 840.0
    assert [(r.rule_id, r.alerts) for r in rows[1:]] == [("crise", 4), ("pic", 2)]


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200))
def test_percentiles_are_ordered_and_bounded(values: list[float]) -> None:
    p50, p90 = percentile(values, 0.5), percentile(values, 0.9)
    assert p50 is not None and p90 is not None
    assert min(values) <= p50 <= p90 <= max(values)
    assert percentile([], 0.5) is None


def test_sse_frames_and_cursor_resume() -> None:
    alert_json = (schema_for("alert", 1).examples_dir / "spike_fr.json").read_text()
    alert = Alert.model_validate_json(alert_json)
    key = alert.key.encode()
    records = [
        Record(0, 5, key, alert_json.encode()),
        Record(1, 2, b"someone-else:rule", b"{}"),
        Record(0, 6, key, b"not json"),
        Record(1, 3, key, alert_json.encode()),
    ]
    frames = list(sse_events(records, alert.tenant, {}))
    assert [cursor for _, cursor in frames] == [{0: 5}, {0: 6, 1: 3}]
    first = frames[0][0]
    assert first.startswith("id: 0:5\nevent: alert.spike\nretry: 3000\ndata: {") and first.endswith("\n\n")
    # resuming from the first frame's id skips what the client has seen
    resumed = list(sse_events(records, alert.tenant, decode_cursor("0:5")))
    assert [cursor for _, cursor in resumed] == [{0: 6, 1: 3}]
    assert resume_offsets(decode_cursor("0:5,1:3"), [0, 1, 2]) == {0: 6, 1: 4, 2: None}
    assert decode_cursor(encode_cursor({2: 9, 0: 1})) == {0: 1, 2: 9}
    assert decode_cursor(None) == {} and decode_cursor("  ") == {}
    for bad in ("x", "0:1,0:2", "0-1", "a:1"):
        with pytest.raises(CursorError):
            decode_cursor(bad)
    assert format_event(data="a\nb\r\nc", event="e\nvil") == "event: evil\ndata: a\ndata: b\ndata: c\n\n"


def test_rule_shapes() -> None:
    body = RuleCreate.model_validate(
        {
            "name": "Crise Bonval",
            "query_id": "bonval-crise",
            "detector": {"kind": "match", "only_negative": True},
        }
    )
    rule = rule_from_create("agence-lumiere", body, now=T)
    assert rule.tenant == "agence-lumiere" and rule.id.startswith("crise-bonval-") and rule.cooldown_s == 900
    patched = apply_rule_update(rule, RuleUpdate(cooldown_s=60), now=T + timedelta(minutes=1))
    assert (
        patched.cooldown_s == 60
        and patched.detector == rule.detector
        and patched.updated_at > rule.updated_at
    )
    assert rule_public(patched).cooldown_s == 60
    with pytest.raises(ValidationError):
        RuleCreate.model_validate({"query_id": "q", "detector": {"kind": "spike", "window_s": 61}})


def test_subscription_shapes_hide_the_secret_and_guard_urls() -> None:
    body = SubscriptionCreate(url="https://hooks.example.com/x")
    sub = subscription_from_create("acme", body, now=T, allow_private=False, resolve=False)
    assert sub.secret.startswith("whsec_")
    public = subscription_public(sub)
    assert "secret" not in public.model_dump() and public.secret_hint.endswith(sub.secret[-4:])
    assert subscription_created(sub).secret == sub.secret
    with pytest.raises(UnsafeUrlError):
        subscription_from_create(
            "acme", SubscriptionCreate(url="http://127.0.0.1:9/x"), now=T, allow_private=False
        )
    with pytest.raises(UnsafeUrlError):
        subscription_from_create(
            "acme", SubscriptionCreate(url="http://10.0.0.8/x"), now=T, allow_private=False
        )
    assert subscription_from_create(
        "acme", SubscriptionCreate(url="http://127.0.0.1:9/x"), now=T, allow_private=True
    ).url.startswith("http://127.0.0.1")
    off = sub.model_copy(update={"enabled": False, "disabled_reason": "410"})
    back = apply_subscription_update(
        off, SubscriptionUpdate(enabled=True, rotate_secret=True), now=T, allow_private=False, resolve=False
    )
    assert back.enabled and back.disabled_reason is None and back.secret != sub.secret
    bad = SubscriptionCreate.model_validate({"url": "https://x.example/h", "secret": "nope"})
    with pytest.raises(ValidationError, match="secret"):
        subscription_from_create("acme", bad, now=T, allow_private=False, resolve=False)
