"""The pure parts behind the alert routes: request bodies (always scoped to the tenant), cursors, public
views, KPIs, replay rules, and the materialised view of ``config.rules`` / ``config.subscriptions``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from alerting.api_shapes import RuleUpdate, SubscriptionUpdate, apply_rule_update
from alerting.kpis import response_kpis
from alerting.lifecycle import AlertStatus, Lifecycle, transition
from alerting.webhooks.planning import plan_deliveries
from api.models.alerts import AlertSearchParams, KpiParams
from api.models.alerts_webhooks import DeliverySearchParams
from api.services import alerts as logic
from api.services.alerts_config import AlertConfigView
from api.services.search import InvalidRequestError
from schemas.rules import AlertRule
from schemas.topics import CONFIG_QUERIES, CONFIG_RULES, CONFIG_SUBSCRIPTIONS
from schemas.webhooks import WebhookDelivery, WebhookSubscription
from tests.api.alert_data import T0, make_alert

SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="


def _sub(**kw: Any) -> WebhookSubscription:
    return WebhookSubscription.model_validate(
        {
            "tenant": "acme",
            "id": "crm",
            "url": "https://93.184.215.14/h",
            "secret": SECRET,
            "updated_at": T0,
            **kw,
        }
    )


def _rule(rule_id: str, tenant: str = "acme") -> AlertRule:
    return AlertRule.model_validate(
        {
            "tenant": tenant,
            "id": rule_id,
            "query_id": "bonval",
            "detector": {"kind": "match"},
            "updated_at": T0,
        }
    )


def _delivery(state: str = "dead") -> WebhookDelivery:
    (planned,) = plan_deliveries(make_alert("d"), [_sub()], partition=0, now=T0)
    return planned.model_copy(update={"state": state})


# --- cursors -----------------------------------------------------------------------------------------
def test_cursors_round_trip_and_belong_to_one_listing() -> None:
    cursor = logic.encode_cursor("alerts", [1763625600000, "abc"])
    assert logic.decode_cursor("alerts", cursor) == [1763625600000, "abc"]
    with pytest.raises(InvalidRequestError, match="not one of deliveries"):
        logic.decode_cursor("deliveries", cursor)
    for bad in (
        "",
        "!!!",
        "bm90IGpzb24",
        logic.encode_cursor("alerts", [1]),
        logic.encode_cursor("alerts", [True, "x"]),
    ):
        with pytest.raises(InvalidRequestError) as info:
            logic.decode_cursor("alerts", bad)
        assert info.value.field == "cursor"


# --- alerts ------------------------------------------------------------------------------------------
def test_alert_bodies_start_with_the_tenant_filter() -> None:
    params = AlertSearchParams(
        rule_id=["r1"],
        kind=["spike"],
        status=[AlertStatus.OPEN],
        since=T0,
        until=T0 + timedelta(hours=1),
        size=5,
    )
    body = logic.alert_search_body(params, "acme")
    filters = body["query"]["bool"]["filter"]
    assert filters[0] == {"term": {"tenant": "acme"}}
    assert {"terms": {"rule_id": ["r1"]}} in filters and {"terms": {"kind": ["spike"]}} in filters
    assert {"terms": {"lifecycle.status": ["open"]}} in filters
    assert {
        "range": {"fired_at": {"gte": T0.isoformat(), "lt": (T0 + timedelta(hours=1)).isoformat()}}
    } in filters
    assert body["size"] == 5 and "search_after" not in body
    paged = logic.alert_search_body(
        params.model_copy(update={"cursor": logic.encode_cursor("alerts", [5, "x"])}), "acme"
    )
    assert paged["search_after"] == [5, "x"]
    found = logic.find_alert_body("acme", "a" * 32)["query"]["bool"]["filter"]
    assert found == [{"term": {"tenant": "acme"}}, {"ids": {"values": ["a" * 32]}}]


def test_naive_times_are_utc() -> None:
    params = AlertSearchParams.model_validate({"since": "2026-11-20T09:00:00"})
    assert params.since == T0 + timedelta(hours=1)


def test_alert_public_hides_tenant_and_defaults_to_an_open_lifecycle() -> None:
    alert = make_alert("x", fired_at=T0)
    doc = alert.model_dump(mode="json")
    shown = logic.alert_public(doc)
    assert shown.id == alert.id and shown.lifecycle == Lifecycle(opened_at=T0)
    assert "tenant" not in shown.model_dump() and "schema_version" not in shown.model_dump()
    acked = transition(Lifecycle(opened_at=T0), "acknowledge", who="c", at=T0 + timedelta(minutes=5))
    assert logic.alert_public({**doc, "lifecycle": acked.model_dump(mode="json")}).lifecycle == acked
    with pytest.raises(ValidationError):
        logic.alert_public({**doc, "kind": "tsunami"})


def test_actor_and_transition_time() -> None:
    assert logic.actor("9f2c1a7b3d4e", "camille") == "camille (key 9f2c1a7b3d4e)"
    assert logic.actor("9f2c1a7b3d4e", "  ") == "key 9f2c1a7b3d4e"
    assert len(logic.actor("9f2c1a7b3d4e", "x" * 200)) <= 200
    future = Lifecycle(opened_at=T0 + timedelta(hours=2))  # a source whose clock is ahead
    assert logic.transition_time(T0, future) == T0 + timedelta(hours=2)
    assert logic.transition_time(T0 + timedelta(hours=3), future) == T0 + timedelta(hours=3)


# --- KPIs --------------------------------------------------------------------------------------------
def test_kpis_of_one_tenant_with_rule_names() -> None:
    def lc(ack: int | None, res: int | None) -> Lifecycle:
        out = Lifecycle(opened_at=T0)
        if ack is not None:
            out = transition(out, "acknowledge", who="c", at=T0 + timedelta(seconds=ack))
        if res is not None:
            out = transition(out, "resolve", who="c", at=T0 + timedelta(seconds=res))
        return out

    items = [("acme", "a", lc(60, 600)), ("acme", "a", lc(120, None)), ("acme", "b", lc(None, None))]
    params = KpiParams(since=T0)
    kpis = logic.kpis_public(response_kpis(items), params, {"a": "Crise"}, truncated=False)
    assert (kpis.tenant.alerts, kpis.tenant.open, kpis.tenant.acknowledged, kpis.tenant.resolved) == (
        3,
        1,
        1,
        1,
    )
    assert kpis.tenant.ack_p50_s == 90.0 and kpis.tenant.resolve_p50_s == 600.0 and kpis.since == T0
    assert [(r.rule_id, r.rule_name, r.alerts) for r in kpis.rules] == [("a", "Crise", 2), ("b", None, 1)]
    none = logic.kpis_public([], params, {}, truncated=True)
    assert none.tenant.alerts == 0 and none.tenant.ack_p50_s is None and none.rules == [] and none.truncated

    stored = lc(60, None).model_dump(mode="json")
    assert logic.kpi_item("acme", {"rule_id": "a", "lifecycle": stored}) == ("acme", "a", lc(60, None))
    assert logic.kpi_item("acme", {"rule_id": "a"}) is None
    assert logic.kpi_item("acme", {"rule_id": "a", "lifecycle": {"status": "weird"}}) is None
    body = logic.kpi_body(KpiParams(rule_id=["a"]), "acme", after=[1, "x"])
    assert body["query"]["bool"]["filter"][0] == {"term": {"tenant": "acme"}} and body["search_after"] == [
        1,
        "x",
    ]


# --- deliveries --------------------------------------------------------------------------------------
def test_delivery_bodies_and_public_view() -> None:
    cursor = logic.encode_cursor("deliveries", [9, "msg_x"])
    body = logic.deliveries_body(DeliverySearchParams(state="dead", cursor=cursor, size=3), "acme")
    assert body["query"]["bool"]["filter"][0] == {"term": {"tenant": "acme"}}
    assert {"term": {"state": "dead"}} in body["query"]["bool"]["filter"]
    assert (
        body["search_after"] == [9, "msg_x"]
        and body["size"] == 3
        and body["_source"] == {"excludes": ["body"]}
    )
    with pytest.raises(InvalidRequestError):
        logic.deliveries_body(DeliverySearchParams(cursor=logic.encode_cursor("alerts", [9, "x"])), "acme")
    source = _delivery().model_dump(mode="json")
    del source["body"]  # as searched
    shown = logic.delivery_public(source).model_dump()
    assert shown["id"] == _delivery().id and "tenant" not in shown and "partition" not in shown


def test_which_deliveries_can_be_replayed() -> None:
    logic.check_replayable(_delivery("dead"), _sub())
    logic.check_replayable(_delivery("delivered"), _sub())
    with pytest.raises(logic.ReplayRefused, match="still pending"):
        logic.check_replayable(_delivery("pending"), _sub())
    with pytest.raises(logic.ReplayRefused, match="deleted"):
        logic.check_replayable(_delivery("dead"), None)
    with pytest.raises(logic.ReplayRefused, match=r"disabled \(410 Gone\): re-enable"):
        logic.check_replayable(_delivery("dead"), _sub(enabled=False, disabled_reason="410 Gone"))


def test_new_versions_are_strictly_newer() -> None:
    assert logic.next_version_time(T0 + timedelta(seconds=1), T0) == T0 + timedelta(seconds=1)
    assert logic.next_version_time(T0, T0 + timedelta(seconds=2)) > T0 + timedelta(seconds=2)


def test_null_fields_of_a_patch_change_nothing() -> None:
    patch = logic.without_nulls(RuleUpdate.model_validate({"detector": None, "enabled": False, "name": None}))
    assert patch.model_fields_set == {"enabled"}
    rule = apply_rule_update(_rule("r1"), patch, now=T0 + timedelta(minutes=1))
    assert rule.detector == _rule("r1").detector and rule.enabled is False
    hook = logic.without_nulls(SubscriptionUpdate.model_validate({"url": None, "rotate_secret": True}))
    assert hook.model_fields_set == {"rotate_secret"} and hook.url is None


def test_validation_errors_become_request_errors() -> None:
    with pytest.raises(ValidationError) as info:
        _sub(secret="nope")
    errors = logic.request_error(info.value).errors()
    assert errors[0]["loc"] == ("body", "secret") and "whsec_" in errors[0]["msg"]


# --- the configuration view --------------------------------------------------------------------------
def test_view_applies_records_tombstones_and_drops_bad_ones() -> None:
    view = AlertConfigView()
    r1, r2, other = _rule("r1"), _rule("r2"), _rule("r1", tenant="globex")
    for rule in (r2, r1, other):
        view.apply(CONFIG_RULES.name, rule.key.encode(), rule.model_dump_json().encode())
    view.apply(CONFIG_SUBSCRIPTIONS.name, b"acme:crm", _sub().model_dump_json().encode())
    assert [r.id for r in view.tenant_rules("acme")] == ["r1", "r2"]
    assert [s.id for s in view.tenant_subscriptions("acme")] == ["crm"] and view.tenant_subscriptions(
        "globex"
    ) == []

    view.apply(CONFIG_RULES.name, b"acme:r2", None)  # tombstone
    view.apply(
        CONFIG_RULES.name, b"acme:r1", b'{"not": "a rule"}'
    )  # invalid: the entry goes, like the workers'
    view.apply(
        CONFIG_RULES.name, b"acme:r9", other.model_dump_json().encode()
    )  # under a foreign key: ignored
    view.apply(CONFIG_QUERIES.name, b"acme:r3", _rule("r3").model_dump_json().encode())  # another topic
    assert view.tenant_rules("acme") == [] and list(view.rules) == [("globex", "r1")]

    updated = _sub(url="https://93.184.215.14/v2")
    view.apply(CONFIG_SUBSCRIPTIONS.name, b"acme:crm", updated.model_dump_json().encode())
    assert view.subscriptions[("acme", "crm")] == updated
