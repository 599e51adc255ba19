"""Alerts through the API on the real Elasticsearch: search with filters and cursors, one alert, the
lifecycle (who and when, 409 on an invalid move, optimistic concurrency), response-time KPIs, and the
webhook delivery log with replays. Alerts and deliveries are written with the deliverer's own helpers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from elasticsearch import ConflictError

from alerting.lifecycle import Lifecycle, transition
from alerting.webhooks.outbox import DeliveryOutbox
from api.services import alerts_es
from schemas.common import utc_now
from schemas.webhooks import WebhookSubscription
from tests.api.alert_data import T0, index_alerts, make_alert, store_deliveries
from tests.api.world import World

pytestmark = pytest.mark.integration
PUBLIC_URL = "https://93.184.215.14/hooks/ecoute"


@pytest.fixture(scope="module")
def alerts(world: World) -> dict[str, str]:
    """Alert ids by name: five of acme's (two rules, two kinds, one hour apart) and one of globex."""
    made = {
        "a1": make_alert("a1", fired_at=T0),
        "a2": make_alert(
            "a2", rule_id="bonval-pic", kind="spike", fired_at=T0 + timedelta(hours=1), count=42
        ),
        "a3": make_alert("a3", fired_at=T0 + timedelta(hours=2)),
        "a4": make_alert("a4", fired_at=T0 + timedelta(hours=3)),
        "a5": make_alert("a5", rule_id="bonval-pic", kind="spike", fired_at=T0 + timedelta(hours=4)),
        "g1": make_alert("g1", tenant="globex", rule_id="ferralis-greve", query_id="ferralis"),
    }
    index_alerts(world.es, world.settings, list(made.values()))
    return {name: a.id for name, a in made.items()}


def _ids(page: dict[str, Any]) -> list[str]:
    return [a["id"] for a in page["items"]]


def test_search_filters_and_pages_the_tenants_alerts(world: World, alerts: dict[str, str]) -> None:
    c, h = world.client, world.h("acme-read")
    r = c.get("/v1/alerts", params={"until": (T0 + timedelta(hours=5)).isoformat()}, headers=h)
    assert r.status_code == 200, r.text
    page = r.json()
    newest_first = [alerts[n] for n in ("a5", "a4", "a3", "a2", "a1")]
    assert _ids(page) == newest_first and page["total"] == 5 and page["next_cursor"] is None
    assert alerts["g1"] not in r.text

    def ids(**params: Any) -> list[str]:
        resp = c.get(
            "/v1/alerts", params={"until": (T0 + timedelta(hours=5)).isoformat(), **params}, headers=h
        )
        assert resp.status_code == 200, resp.text
        return _ids(resp.json())

    assert ids(rule_id="bonval-pic") == [alerts["a5"], alerts["a2"]]
    assert ids(kind="match") == [alerts["a4"], alerts["a3"], alerts["a1"]]
    assert ids(kind=["match", "spike"], rule_id=["bonval-pic", "nope"]) == [alerts["a5"], alerts["a2"]]
    assert ids(since=(T0 + timedelta(hours=1)).isoformat(), until=(T0 + timedelta(hours=3)).isoformat()) == [
        alerts["a3"],
        alerts["a2"],
    ]
    assert ids(since="2026-11-20T09:00:00") == [alerts["a5"], alerts["a4"], alerts["a3"], alerts["a2"]]  # UTC

    # pages of 2 with the cursor: every alert exactly once, in order
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"size": 2, "until": (T0 + timedelta(hours=5)).isoformat()}
        if cursor:
            params["cursor"] = cursor
        p = c.get("/v1/alerts", params=params, headers=h).json()
        seen += _ids(p)
        cursor = p["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first

    # invalid parameters: 422 with the field
    for params in ({"cursor": "garbage!"}, {"kind": "tsunami"}, {"size": 0}, {"status": "lost"}):
        bad = c.get("/v1/alerts", params=params, headers=h)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"][1] in params, bad.text
    deliveries_cursor = "WyJkIiwxLCJ4Il0"  # a deliveries cursor (["d",1,"x"]) is not an alerts cursor
    assert c.get("/v1/alerts", params={"cursor": deliveries_cursor}, headers=h).status_code == 422


def test_one_alert_with_its_explanation(world: World, alerts: dict[str, str]) -> None:
    r = world.client.get(f"/v1/alerts/{alerts['a2']}", headers=world.h("acme-read"))
    assert r.status_code == 200, r.text
    alert = r.json()
    assert (alert["kind"], alert["rule_id"], alert["count"]) == ("spike", "bonval-pic", 42)
    assert alert["explanation"]["statistic"] == "match" and alert["samples"][0]["url"].startswith("https://")
    assert alert["lifecycle"] == {
        "status": "open",
        "opened_at": "2026-11-20T09:00:00Z",
        "acknowledged_at": None,
        "acknowledged_by": None,
        "resolved_at": None,
        "resolved_by": None,
        "note": None,
    }
    assert "tenant" not in alert and "schema_version" not in alert
    assert world.client.get("/v1/alerts/" + "0" * 32, headers=world.h("acme-read")).status_code == 404


def test_lifecycle_who_and_when_409_on_invalid_moves(world: World, alerts: dict[str, str]) -> None:
    c, w = world.client, world.h("acme-write")
    key_id = c.get("/v1/me", headers=w).json()["key_id"]
    who = f"write (key {key_id})"  # the key's name and id (world keys are named after their scope)
    a1 = alerts["a1"]

    before = utc_now()
    r = c.post(f"/v1/alerts/{a1}/acknowledge", json={"note": "on regarde"}, headers=w)
    assert r.status_code == 200, r.text
    lc = r.json()["lifecycle"]
    assert (lc["status"], lc["acknowledged_by"], lc["note"]) == ("acknowledged", who, "on regarde")
    assert before <= datetime.fromisoformat(lc["acknowledged_at"]) <= utc_now()
    assert c.get(f"/v1/alerts/{a1}", headers=w).json()["lifecycle"] == lc  # stored (and searchable at once)
    window = {"until": (T0 + timedelta(hours=5)).isoformat()}
    assert _ids(c.get("/v1/alerts", params={"status": "acknowledged", **window}, headers=w).json()) == [a1]

    again = c.post(f"/v1/alerts/{a1}/acknowledge", headers=w)
    assert again.status_code == 409 and "acknowledged" in again.json()["detail"]
    assert c.post(f"/v1/alerts/{a1}/reopen", headers=world.h("acme-read")).status_code == 404  # read key

    r = c.post(f"/v1/alerts/{a1}/resolve", headers=w)  # no body: the note is kept
    lc = r.json()["lifecycle"]
    assert (lc["status"], lc["resolved_by"], lc["acknowledged_by"], lc["note"]) == (
        "resolved",
        who,
        who,
        "on regarde",
    )
    assert c.post(f"/v1/alerts/{a1}/resolve", headers=w).status_code == 409

    r = c.post(f"/v1/alerts/{a1}/reopen", json={}, headers=w)
    lc = r.json()["lifecycle"]
    assert lc["status"] == "open" and lc["acknowledged_at"] is None and lc["resolved_at"] is None
    assert datetime.fromisoformat(lc["opened_at"]) >= before  # the response clock restarts
    assert c.post(f"/v1/alerts/{a1}/reopen", headers=w).status_code == 409

    # resolving an open alert acknowledges it at the same instant
    lc = c.post(f"/v1/alerts/{alerts['a3']}/resolve", headers=w).json()["lifecycle"]
    assert lc["acknowledged_at"] == lc["resolved_at"] and lc["acknowledged_by"] == who

    # invalid body, unknown alert
    assert c.post(f"/v1/alerts/{a1}/acknowledge", json={"note": "x" * 2001}, headers=w).status_code == 422
    assert c.post(f"/v1/alerts/{a1}/acknowledge", json={"who": "me"}, headers=w).status_code == 422
    assert c.post("/v1/alerts/" + "f" * 32 + "/acknowledge", headers=w).status_code == 404


def test_lifecycle_writes_are_guarded_by_the_sequence_number(world: World, alerts: dict[str, str]) -> None:
    """A change based on a stale read is refused (the route then re-reads and decides again)."""
    stale = alerts_es.find_alert(world.es, world.settings, "acme", alerts["a4"])
    assert stale is not None
    assert (
        world.client.post(f"/v1/alerts/{alerts['a4']}/acknowledge", headers=world.h("acme-write")).status_code
        == 200
    )
    lc = Lifecycle.model_validate(stale["_source"]["lifecycle"])
    with pytest.raises(ConflictError):
        alerts_es.write_lifecycle(world.es, stale, transition(lc, "resolve", who="late", at=utc_now()))
    shown = world.client.get(f"/v1/alerts/{alerts['a4']}", headers=world.h("acme-read")).json()
    assert shown["lifecycle"]["status"] == "acknowledged"


def test_two_operators_acknowledging_at_once(world: World, alerts: dict[str, str]) -> None:
    path = f"/v1/alerts/{alerts['a5']}/acknowledge"
    barrier = threading.Barrier(2)

    def ack(_: int) -> int:
        barrier.wait()
        return int(world.client.post(path, headers=world.h("acme-write")).status_code)

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(ack, range(2))) == [200, 409]


def test_kpis_per_tenant_and_rule(world: World, alerts: dict[str, str]) -> None:
    day = T0 + timedelta(days=3)
    # rule "kpi-a": acknowledged after 60, 120, 300 s; resolved after 600 and 1200 s; rule "kpi-b": open
    plan = {
        "k1": ("kpi-a", 60, 600),
        "k2": ("kpi-a", 120, 1200),
        "k3": ("kpi-a", 300, None),
        "k4": ("kpi-b", None, None),
    }
    made = [
        make_alert(n, rule_id=rule, fired_at=day + timedelta(minutes=i))
        for i, (n, (rule, _, _)) in enumerate(plan.items())
    ]
    made.append(make_alert("kg", tenant="globex", rule_id="kpi-a", fired_at=day))
    index_alerts(world.es, world.settings, made)
    for alert, (_, ack, res) in zip(made, plan.values(), strict=False):
        lc = Lifecycle(opened_at=alert.fired_at)
        if ack is not None:
            lc = transition(lc, "acknowledge", who="camille", at=alert.fired_at + timedelta(seconds=ack))
        if res is not None:
            lc = transition(lc, "resolve", who="camille", at=alert.fired_at + timedelta(seconds=res))
        world.es.update(
            index=f"{world.settings.index_prefix}-alerts",
            id=alert.id,
            doc={"lifecycle": lc.model_dump(mode="json")},
            refresh=True,
        )
    # the rule names come from the rules that still exist
    r = world.client.post(
        "/v1/alert-rules",
        json={"id": "kpi-a", "name": "Crise", "query_id": "bonval", "detector": {"kind": "match"}},
        headers=world.h("acme-write"),
    )
    assert r.status_code == 201, r.text

    window = {"since": day.isoformat(), "until": (day + timedelta(hours=1)).isoformat()}
    r = world.client.get("/v1/alerts/kpis", params=window, headers=world.h("acme-read"))
    assert r.status_code == 200, r.text
    kpis = r.json()
    assert kpis["tenant"] == {
        "rule_id": None,
        "rule_name": None,
        "alerts": 4,  # globex's alert of the same day is not counted
        "open": 1,
        "acknowledged": 1,
        "resolved": 2,
        "ack_p50_s": 120.0,
        "ack_p90_s": pytest.approx(264.0),  # 120 + 0.8 × (300 − 120)
        "resolve_p50_s": 900.0,
        "resolve_p90_s": pytest.approx(1140.0),
    }
    rows = {row["rule_id"]: row for row in kpis["rules"]}
    assert set(rows) == {"kpi-a", "kpi-b"} and rows["kpi-a"]["rule_name"] == "Crise"
    assert rows["kpi-a"]["alerts"] == 3 and rows["kpi-a"]["ack_p50_s"] == 120.0
    assert rows["kpi-b"] == {
        "rule_id": "kpi-b",
        "rule_name": None,
        "alerts": 1,
        "open": 1,
        "acknowledged": 0,
        "resolved": 0,
        "ack_p50_s": None,
        "ack_p90_s": None,
        "resolve_p50_s": None,
        "resolve_p90_s": None,
    }
    assert kpis["truncated"] is False

    only_b = world.client.get(
        "/v1/alerts/kpis",
        params={**window, "per_rule": "false", "rule_id": "kpi-b"},
        headers=world.h("acme-read"),
    ).json()
    assert only_b["rules"] == [] and only_b["tenant"]["alerts"] == 1
    empty = world.client.get(
        "/v1/alerts/kpis", params={"since": "2030-01-01T00:00:00Z"}, headers=world.h("acme-read")
    )
    assert empty.json()["tenant"]["alerts"] == 0 and empty.json()["tenant"]["ack_p50_s"] is None


def test_delivery_log_and_replay_keeps_the_webhook_id(world: World, alerts: dict[str, str]) -> None:
    c, w = world.client, world.h("acme-write")
    r = c.post("/v1/webhooks", json={"id": "log", "url": PUBLIC_URL}, headers=w)
    assert r.status_code == 201, r.text
    created = r.json()
    sub = WebhookSubscription(
        tenant="acme", id="log", url=PUBLIC_URL, secret=created["secret"], updated_at=created["updated_at"]
    )
    alert = {n: make_alert(n, fired_at=T0 + timedelta(hours=i)) for i, n in enumerate(("a1", "a2", "a3"))}
    dead = store_deliveries(world.es, world.settings, alert["a1"], sub, state="dead", at=T0)
    done = store_deliveries(
        world.es, world.settings, alert["a2"], sub, state="delivered", at=T0 + timedelta(hours=1)
    )
    pending = store_deliveries(world.es, world.settings, alert["a3"], sub, at=T0 + timedelta(hours=2))

    r = c.get("/v1/webhooks/deliveries", headers=world.h("acme-read"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [d["id"] for d in items] == [pending.id, done.id, dead.id]  # newest first
    assert items[2]["state"] == "dead" and items[2]["attempts"][0]["status_code"] == 500
    assert items[2]["dead_reason"] == "HTTP 500 after 1 attempt" and "body" not in items[2]

    def ids(**params: Any) -> list[str]:
        resp = c.get("/v1/webhooks/deliveries", params=params, headers=w)
        assert resp.status_code == 200, resp.text
        return [d["id"] for d in resp.json()["items"]]

    assert ids(state="dead") == [dead.id]
    assert ids(alert_id=alert["a2"].id) == [done.id]
    assert ids(subscription_id="log", since=(T0 + timedelta(minutes=30)).isoformat()) == [pending.id, done.id]
    assert ids(subscription_id="other") == []
    first = c.get("/v1/webhooks/deliveries", params={"size": 2}, headers=w).json()
    rest = c.get(
        "/v1/webhooks/deliveries", params={"size": 2, "cursor": first["next_cursor"]}, headers=w
    ).json()
    assert [d["id"] for d in first["items"] + rest["items"]] == [pending.id, done.id, dead.id]
    assert c.get("/v1/webhooks/deliveries", params={"state": "lost"}, headers=w).status_code == 422

    # replay the dead one: pending again, same webhook-id and body, attempts kept, fresh schedule
    r = c.post(f"/v1/webhooks/deliveries/{dead.id}/replay", headers=w)
    assert r.status_code == 202, r.text
    replayed = r.json()
    assert (replayed["id"], replayed["state"], replayed["replays"], replayed["attempt_count"]) == (
        dead.id,
        "pending",
        1,
        0,
    )
    assert replayed["attempts"] == items[2]["attempts"] and replayed["dead_reason"] is None
    stored = DeliveryOutbox(world.es, world.settings.index_prefix).get_many([dead.id])[dead.id]
    assert stored.state == "pending" and stored.body == dead.body and stored.next_attempt_at is not None
    assert ids(state="pending") == [pending.id, dead.id]  # visible in the log at once
    assert ids(state="dead") == []

    # pending (twice, or never dead): 409; delivered: can be sent again; read key or unknown: 404
    assert c.post(f"/v1/webhooks/deliveries/{dead.id}/replay", headers=w).status_code == 409
    assert c.post(f"/v1/webhooks/deliveries/{pending.id}/replay", headers=w).status_code == 409
    assert c.post(f"/v1/webhooks/deliveries/{done.id}/replay", headers=w).json()["state"] == "pending"
    assert (
        c.post(f"/v1/webhooks/deliveries/{dead.id}/replay", headers=world.h("acme-read")).status_code == 404
    )
    assert c.post("/v1/webhooks/deliveries/msg_" + "0" * 32 + "/replay", headers=w).status_code == 404

    # a disabled or deleted webhook: 409 with what to do
    dead2 = store_deliveries(world.es, world.settings, alert["a1"], sub, state="dead", at=T0)
    assert c.patch("/v1/webhooks/log", json={"enabled": False}, headers=w).status_code == 200
    refused = c.post(f"/v1/webhooks/deliveries/{dead2.id}/replay", headers=w)
    assert refused.status_code == 409 and "re-enable" in refused.json()["detail"]
    assert c.delete("/v1/webhooks/log", headers=w).status_code == 204
    refused = c.post(f"/v1/webhooks/deliveries/{dead2.id}/replay", headers=w)
    assert refused.status_code == 409 and "deleted" in refused.json()["detail"]
