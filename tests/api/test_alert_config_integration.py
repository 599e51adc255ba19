"""Alert rules and webhook subscriptions through the API, on the real Kafka: CRUD, validation (422 with
the field), secrets shown once, the SSRF guard, re-enabling after 410, what the alerting workers read,
and survival across an API restart."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from alerting.config_publish import publish_subscriptions
from alerting.config_reader import RuleBook, SubscriptionBook, follow_rules, follow_subscriptions
from api.main import create_app
from schemas.common import utc_now
from schemas.webhooks import WebhookSubscription, decode_secret
from tests.api.world import ADMIN_KEY, World

pytestmark = pytest.mark.integration
PUBLIC_URL = "https://93.184.215.14/hooks/ecoute"  # a public address literal: no DNS needed


def _problem(r: object, field: str) -> str:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert any(e["loc"][:2] == ["body", field] for e in body["errors"]), body
    return str(body["detail"])


def test_rules_crud_validated_and_read_by_the_workers(world: World) -> None:
    c, w = world.client, world.h("acme-write")
    r = c.post(
        "/v1/alert-rules",
        json={
            "id": "crise",
            "name": "Bonval — crise",
            "query_id": "bonval-crise",
            "detector": {"kind": "match", "only_negative": True},
        },
        headers=w,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["detector"] == {"kind": "match", "only_negative": True, "min_followers": None}
    assert created["cooldown_s"] == 900 and created["enabled"] is True and "tenant" not in created
    spike = c.post(
        "/v1/alert-rules",
        json={"name": "Pic Bonval", "query_id": "bonval", "detector": {"kind": "spike", "window_s": 600}},
        headers=w,
    )
    assert spike.status_code == 201, spike.text
    spike_id = spike.json()["id"]
    assert spike_id.startswith("pic-bonval-")  # generated from the name

    # read back, listed in id order, by a read key too
    assert c.get("/v1/alert-rules/crise", headers=world.h("acme-read")).json() == created
    assert [x["id"] for x in c.get("/v1/alert-rules", headers=world.h("acme-read")).json()] == sorted(
        ["crise", spike_id]
    )

    # invalid requests: 422 naming the field
    assert "unknown query" in _problem(
        c.post("/v1/alert-rules", json={"query_id": "nope", "detector": {"kind": "match"}}, headers=w),
        "query_id",
    )
    _problem(
        c.post(
            "/v1/alert-rules",
            json={"query_id": "bonval", "detector": {"kind": "spike", "window_s": 90}},  # not whole minutes
            headers=w,
        ),
        "detector",
    )
    _problem(
        c.post("/v1/alert-rules", json={"query_id": "bonval", "detector": {"kind": "x"}}, headers=w),
        "detector",
    )
    _problem(c.post("/v1/alert-rules", json={"query_id": "bonval"}, headers=w), "detector")
    _problem(c.patch("/v1/alert-rules/crise", json={"cooldown_s": -1}, headers=w), "cooldown_s")
    _problem(
        c.patch("/v1/alert-rules/crise", json={"query_id": "ferralis"}, headers=w), "query_id"
    )  # globex's
    dup = c.post(
        "/v1/alert-rules",
        json={"id": "crise", "query_id": "bonval", "detector": {"kind": "match"}},
        headers=w,
    )
    assert dup.status_code == 409
    # a read key cannot write: 404 as if the route did not exist
    ro = c.patch("/v1/alert-rules/crise", json={"enabled": False}, headers=world.h("acme-read"))
    assert ro.status_code == 404

    # PATCH changes only what is sent
    r = c.patch("/v1/alert-rules/crise", json={"enabled": False, "cooldown_s": 60}, headers=w)
    assert r.status_code == 200, r.text
    patched = r.json()
    assert (patched["enabled"], patched["cooldown_s"], patched["name"]) == (False, 60, "Bonval — crise")
    assert patched["detector"] == created["detector"] and patched["updated_at"] > created["updated_at"]

    # the alerting workers' own reader sees exactly what the API wrote
    book = RuleBook()
    reader = follow_rules(world.settings, book)
    try:
        assert reader.wait_caught_up(30)
        rule = book.get("acme", "crise")
        assert rule is not None and rule.enabled is False and rule.cooldown_s == 60
        assert [r.id for r in book.for_query("acme", "bonval")] == [spike_id]
    finally:
        reader.stop()

    # delete: gone for the API, tombstoned for the workers
    assert c.delete(f"/v1/alert-rules/{spike_id}", headers=w).status_code == 204
    assert c.get(f"/v1/alert-rules/{spike_id}", headers=w).status_code == 404
    assert c.delete(f"/v1/alert-rules/{spike_id}", headers=w).status_code == 404
    book = RuleBook()
    reader = follow_rules(world.settings, book)
    try:
        assert reader.wait_caught_up(30)
        assert book.get("acme", spike_id) is None and book.get("acme", "crise") is not None
    finally:
        reader.stop()


def test_webhooks_secret_once_ssrf_guard_and_reenable_after_410(world: World) -> None:
    c, w = world.client, world.h("acme-write")
    r = c.post(
        "/v1/webhooks",
        json={"id": "crm", "url": PUBLIC_URL, "event_types": ["alert.match", "alert.spike"]},
        headers=w,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert len(decode_secret(secret)) >= 16 and created["secret_hint"] == f"whsec_…{secret[-4:]}"
    # never shown again
    for response in (
        c.get("/v1/webhooks/crm", headers=w),
        c.get("/v1/webhooks", headers=world.h("acme-read")),
    ):
        assert response.status_code == 200 and secret not in response.text and '"secret"' not in response.text
    assert c.get("/v1/webhooks/crm", headers=w).json() == {k: v for k, v in created.items() if k != "secret"}

    # the SSRF guard and invalid bodies: 422 on the field
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "https://does-not-resolve.invalid/hook",
        "ftp://93.184.215.14/hook",
    ):
        assert "URL refused" in _problem(c.post("/v1/webhooks", json={"url": url}, headers=w), "url"), url
    _problem(c.patch("/v1/webhooks/crm", json={"url": "http://192.168.1.10/"}, headers=w), "url")
    _problem(
        c.post("/v1/webhooks", json={"url": PUBLIC_URL, "event_types": ["alert.nope"]}, headers=w),
        "event_types",
    )
    _problem(c.post("/v1/webhooks", json={"url": PUBLIC_URL, "secret": "not-a-secret"}, headers=w), "secret")
    _problem(c.post("/v1/webhooks", json={"url": PUBLIC_URL, "format": "teams"}, headers=w), "format")
    _problem(c.post("/v1/webhooks", json={"id": "deliveries", "url": PUBLIC_URL}, headers=w), "id")
    assert c.post("/v1/webhooks", json={"id": "crm", "url": PUBLIC_URL}, headers=w).status_code == 409

    # a given secret is kept; a Slack-format subscription for one rule
    given = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    r = c.post(
        "/v1/webhooks",
        json={"id": "slack", "url": PUBLIC_URL, "format": "slack", "rule_ids": ["crise"], "secret": given},
        headers=w,
    )
    assert r.status_code == 201 and r.json()["secret"] == given

    # rotation: the new secret is in that response only
    r = c.patch("/v1/webhooks/crm", json={"rotate_secret": True}, headers=w)
    assert r.status_code == 200, r.text
    rotated = r.json()["secret"]
    assert rotated and rotated != secret and r.json()["secret_hint"].endswith(rotated[-4:])
    plain = c.patch("/v1/webhooks/crm", json={"description": "CRM"}, headers=w)
    assert plain.json()["secret"] is None and plain.json()["description"] == "CRM"

    # the deliverer disables it after 410 Gone (it publishes a newer version, clock slightly ahead) …
    current = WebhookSubscription(
        tenant="acme",
        id="crm",
        url=PUBLIC_URL,
        event_types=("alert.match", "alert.spike"),
        secret=rotated,
        description="CRM",
        updated_at=plain.json()["updated_at"],
    )
    disabled_at = max(utc_now(), current.updated_at) + timedelta(seconds=2)
    disabled = current.model_copy(
        update={"enabled": False, "disabled_reason": "endpoint answered 410 Gone", "updated_at": disabled_at}
    )
    publish_subscriptions(world.settings, [disabled])
    deadline = time.monotonic() + 15
    while c.get("/v1/webhooks/crm", headers=w).json()["enabled"] and time.monotonic() < deadline:
        time.sleep(0.1)
    shown = c.get("/v1/webhooks/crm", headers=w).json()
    assert shown["enabled"] is False and shown["disabled_reason"] == "endpoint answered 410 Gone"

    # … and PATCH enabled=true brings it back with a newer version than the deliverer's
    r = c.patch("/v1/webhooks/crm", json={"enabled": True}, headers=w)
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is True and r.json()["disabled_reason"] is None
    book = SubscriptionBook()
    reader = follow_subscriptions(world.settings, book)
    try:
        assert reader.wait_caught_up(30)
        seen = book.get("acme:crm")
        assert seen is not None and seen.enabled and seen.secret == rotated and seen.updated_at > disabled_at
        slack = book.get("acme:slack")
        assert slack is not None and slack.format == "slack" and slack.rule_ids == ("crise",)
    finally:
        reader.stop()

    # delete
    assert c.delete("/v1/webhooks/slack", headers=w).status_code == 204
    assert c.get("/v1/webhooks/slack", headers=w).status_code == 404
    assert [s["id"] for s in c.get("/v1/webhooks", headers=w).json()] == ["crm"]


def test_rules_and_webhooks_survive_an_api_restart(world: World) -> None:
    c, w = world.client, world.h("acme-write")
    assert (
        c.post(
            "/v1/alert-rules",
            json={"id": "durable", "query_id": "doux", "detector": {"kind": "new_source", "learn_s": 3600}},
            headers=w,
        ).status_code
        == 201
    )
    assert c.post("/v1/webhooks", json={"id": "durable", "url": PUBLIC_URL}, headers=w).status_code == 201
    rules = c.get("/v1/alert-rules", headers=w).json()
    hooks = c.get("/v1/webhooks", headers=w).json()
    # a second API process: nothing but Kafka carries over
    with TestClient(create_app(world.settings, admin_key=ADMIN_KEY)) as again:
        assert again.get("/v1/alert-rules", headers=w).json() == rules
        assert again.get("/v1/webhooks", headers=w).json() == hooks
        assert again.get("/v1/alert-rules/durable", headers=w).json()["detector"]["learn_s"] == 3600


def test_deleting_a_tenant_removes_its_rules_and_webhooks(world: World) -> None:
    c, w = world.client, world.h("globex-write")
    queries = c.get("/v1/queries", headers=w).json()
    assert queries, "the world gives globex queries"
    rule = c.post(
        "/v1/alert-rules",
        headers=w,
        json={"id": "r1", "query_id": queries[0]["id"], "detector": {"kind": "match"}},
    )
    assert rule.status_code == 201, rule.text
    hook = c.post("/v1/webhooks", headers=w, json={"id": "h1", "url": PUBLIC_URL})
    assert hook.status_code == 201, hook.text
    book, subs = RuleBook(), SubscriptionBook()
    rule_reader, sub_reader = follow_rules(world.settings, book), follow_subscriptions(world.settings, subs)
    try:
        assert c.delete("/v1/tenants/globex", headers=world.h("admin")).status_code == 204
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (book.get("globex", "r1") or subs.for_tenant("globex")):
            time.sleep(0.2)
        assert book.get("globex", "r1") is None and list(subs.for_tenant("globex")) == []
        # re-created with the same id, the tenant starts without the old rules and webhooks
        assert c.post("/v1/tenants", json={"id": "globex"}, headers=world.h("admin")).status_code == 201
        key = c.post("/v1/tenants/globex/keys", json={"name": "k", "scope": "read"}, headers=world.h("admin"))
        fresh = {"Authorization": f"Bearer {key.json()['token']}"}
        assert c.get("/v1/alert-rules", headers=fresh).json() == []
        assert c.get("/v1/webhooks", headers=fresh).json() == []
    finally:
        rule_reader.stop()
        sub_reader.stop()
