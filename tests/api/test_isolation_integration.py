"""Tenant isolation: EVERY endpoint of the API is called with another tenant's key (globex) aimed at
acme's objects. Object routes answer 404 exactly as for something that does not exist; collection
routes and dashboards answer only with globex's own data; admin routes answer 404 to tenant keys.
An operation of the OpenAPI schema without a line here fails ``test_every_route_is_covered``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from schemas.webhooks import WebhookSubscription
from tests.api.alert_data import index_alerts, make_alert, produce_alerts, read_events, store_deliveries
from tests.api.world import World

pytestmark = pytest.mark.integration

ACME_ONLY = ("recall", "thanks", "thanks2", "english", "grumpy1", "grumpy2", "rival")
Call = Callable[[World], httpx.Response]


def _no_acme_mentions(world: World, r: httpx.Response) -> None:
    assert r.status_code == 200, r.text
    for name in ACME_ONLY:
        assert world.mid(name) not in r.text


def _not_found(world: World, r: httpx.Response) -> None:
    assert r.status_code == 404, r.text
    assert r.json() == {"detail": "not found"}


def _only_globex_totals(world: World, r: httpx.Response) -> None:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body.get("total", 2) <= 2  # globex has two mentions (shared, strike)
    for word in ("camille_l", "grincheux", "conso_hebdo", "foodwatch_uk", "BoycottBonval", "pouet-social"):
        assert word not in r.text


def _g(path: str, who: str = "globex-read", **params: Any) -> Call:
    return lambda w: w.client.get(path.format(**_ids(w)), params=params, headers=w.h(who))


def _ids(w: World) -> dict[str, str]:
    return {
        "mid": w.mid("recall"),
        "source": w.acme_source,  # type: ignore[attr-defined]
        "key": w.acme_key_id,  # type: ignore[attr-defined]
        "alert": ACME_ALERT.id,
        "delivery": w.acme_delivery,  # type: ignore[attr-defined]
    }


PUBLIC_URL = "https://93.184.215.14/hooks/ecoute"
ACME_ALERT = make_alert("iso-acme", rule_id="acme-crise")
GLOBEX_ALERT = make_alert("iso-globex", tenant="globex", rule_id="ferralis-greve", query_id="ferralis")
# the alerts topic: acme's alerts on both partitions, then one of globex at the end of each
ACME_RECORDS = [make_alert(f"iso-acme-{p}", rule_id="acme-crise") for p in (0, 1)]
GLOBEX_RECORDS = [
    make_alert(f"iso-globex-{p}", tenant="globex", rule_id="ferralis-greve", query_id="ferralis")
    for p in (0, 1)
]
ACME_ALERT_IDS = {ACME_ALERT.id, *(a.id for a in ACME_RECORDS)}


def _stream_from_start(w: World) -> httpx.Response:
    """globex's stream from the beginning of the topic, read until its own two alerts (produced after
    acme's on each partition) have arrived; the events' data as the response text."""
    with w.client.stream(
        "GET", "/v1/alerts/stream", params={"cursor": "0:-1,1:-1"}, headers=w.h("globex-read")
    ) as r:
        if r.status_code != 200:
            return httpx.Response(r.status_code, content=r.read(), request=r.request)
        wanted = {a.id for a in GLOBEX_RECORDS}
        events = read_events(
            r.iter_lines(),
            lambda ev: wanted <= {e.data.split('"id":"')[1][:32] for e in ev if e.event != "ready"},
        )
        text = "\n".join(e.data for e in events)
        return httpx.Response(200, text=text, request=r.request)


def _only_globex_alerts(w: World, r: httpx.Response) -> bool:
    assert r.status_code == 200, r.text
    for alert_id in ACME_ALERT_IDS:
        assert alert_id not in r.text
    assert "acme-crise" not in r.text
    return True


def _post(path: str, body: dict[str, Any] | None = None) -> Call:
    return lambda w: w.client.post(path.format(**_ids(w)), json=body, headers=w.h("globex-write"))


# (method, route path) → (call as globex, check)
CASES: dict[tuple[str, str], tuple[Call, Callable[[World, httpx.Response], object]]] = {
    ("GET", "/health"): (
        _g("/health"),
        lambda w, r: (r.status_code == 200 and "acme" not in r.text) or _fail(r),
    ),
    ("GET", "/v1/me"): (_g("/v1/me"), lambda w, r: r.json()["tenant"] == "globex" or _fail(r)),
    # admin routes: a tenant key gets 404, whatever tenant it targets
    ("POST", "/v1/tenants"): (
        lambda w: w.client.post("/v1/tenants", json={"id": "evil"}, headers=w.h("globex-write")),
        _not_found,
    ),
    ("GET", "/v1/tenants"): (_g("/v1/tenants", "globex-write"), _not_found),
    ("GET", "/v1/tenants/{tenant_id}"): (_g("/v1/tenants/acme", "globex-write"), _not_found),
    ("PATCH", "/v1/tenants/{tenant_id}"): (
        lambda w: w.client.patch("/v1/tenants/acme", json={"name": "pwned"}, headers=w.h("globex-write")),
        _not_found,
    ),
    ("DELETE", "/v1/tenants/{tenant_id}"): (
        lambda w: w.client.delete("/v1/tenants/acme", headers=w.h("globex-write")),
        _not_found,
    ),
    ("POST", "/v1/tenants/{tenant_id}/keys"): (
        lambda w: w.client.post(
            "/v1/tenants/acme/keys", json={"scope": "write"}, headers=w.h("globex-write")
        ),
        _not_found,
    ),
    ("GET", "/v1/tenants/{tenant_id}/keys"): (_g("/v1/tenants/acme/keys", "globex-write"), _not_found),
    ("DELETE", "/v1/tenants/{tenant_id}/keys/{key_id}"): (
        lambda w: w.client.delete(f"/v1/tenants/acme/keys/{w.acme_key_id}", headers=w.h("globex-write")),  # type: ignore[attr-defined]
        _not_found,
    ),
    # queries: globex sees and touches only its own
    ("GET", "/v1/queries"): (
        _g("/v1/queries"),
        lambda w, r: [q["id"] for q in r.json()] == ["ferralis"] or _fail(r),
    ),
    ("POST", "/v1/queries"): (
        lambda w: w.client.post(
            "/v1/queries", json={"id": "bonval", "query": "globex"}, headers=w.h("globex-write")
        ),
        lambda w, r: r.status_code == 201 or _fail(r),  # its own namespace: acme's "bonval" is untouched
    ),
    ("GET", "/v1/queries/{query_id}"): (_g("/v1/queries/bonval-crise"), _not_found),
    ("PATCH", "/v1/queries/{query_id}"): (
        lambda w: w.client.patch("/v1/queries/doux", json={"query": "x"}, headers=w.h("globex-write")),
        _not_found,
    ),
    ("DELETE", "/v1/queries/{query_id}"): (
        lambda w: w.client.delete("/v1/queries/doux", headers=w.h("globex-write")),
        _not_found,
    ),
    # sources: acme's subscription is invisible to globex
    ("GET", "/v1/sources"): (_g("/v1/sources"), lambda w, r: r.json() == [] or _fail(r)),
    ("POST", "/v1/sources"): (
        lambda w: w.client.post(
            "/v1/sources", json={"kind": "hackernews", "terms": ["globex"]}, headers=w.h("globex-write")
        ),
        lambda w, r: (r.status_code == 201 and r.json()["id"] != w.acme_source) or _fail(r),  # type: ignore[attr-defined]
    ),
    ("GET", "/v1/sources/{source_id}"): (_g("/v1/sources/{source}"), _not_found),
    ("DELETE", "/v1/sources/{source_id}"): (
        lambda w: w.client.delete(f"/v1/sources/{w.acme_source}", headers=w.h("globex-write")),  # type: ignore[attr-defined]
        _not_found,
    ),
    # mentions
    ("GET", "/v1/mentions"): (_g("/v1/mentions", q="bonval OR listeria", size=200), _no_acme_mentions),
    ("GET", "/v1/mentions/export"): (_g("/v1/mentions/export", format="csv"), _no_acme_mentions),
    ("GET", "/v1/mentions/{mention_id}"): (_g("/v1/mentions/{mid}"), _not_found),
    ("PATCH", "/v1/mentions/{mention_id}"): (
        lambda w: w.client.patch(
            f"/v1/mentions/{w.mid('recall')}", json={"read": True}, headers=w.h("globex-write")
        ),
        _not_found,
    ),
    # dashboards, even when naming acme's queries
    ("GET", "/v1/dashboards/volume"): (_g("/v1/dashboards/volume", query_id="bonval"), _only_globex_totals),
    ("GET", "/v1/dashboards/sentiment"): (_g("/v1/dashboards/sentiment"), _only_globex_totals),
    ("GET", "/v1/dashboards/share-of-voice"): (
        _g("/v1/dashboards/share-of-voice", compare=["bonval", "doux"]),
        lambda w, r: [q["count"] for q in r.json()["queries"]] == [0, 0] or _fail(r),
    ),
    ("GET", "/v1/dashboards/authors"): (_g("/v1/dashboards/authors"), _only_globex_totals),
    ("GET", "/v1/dashboards/sources"): (_g("/v1/dashboards/sources"), _only_globex_totals),
    ("GET", "/v1/dashboards/languages"): (_g("/v1/dashboards/languages"), _only_globex_totals),
    ("GET", "/v1/dashboards/entities"): (_g("/v1/dashboards/entities"), _only_globex_totals),
    # alert rules: globex cannot see, change or even reference acme's (its queries are acme's own)
    ("GET", "/v1/alert-rules"): (_g("/v1/alert-rules"), lambda w, r: r.json() == [] or _fail(r)),
    ("POST", "/v1/alert-rules"): (
        _post(
            "/v1/alert-rules", {"id": "acme-crise", "query_id": "bonval-crise", "detector": {"kind": "match"}}
        ),
        lambda w, r: (
            (r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "query_id"]) or _fail(r)
        ),
    ),
    ("GET", "/v1/alert-rules/{rule_id}"): (_g("/v1/alert-rules/acme-crise"), _not_found),
    ("PATCH", "/v1/alert-rules/{rule_id}"): (
        lambda w: w.client.patch(
            "/v1/alert-rules/acme-crise", json={"enabled": False}, headers=w.h("globex-write")
        ),
        _not_found,
    ),
    ("DELETE", "/v1/alert-rules/{rule_id}"): (
        lambda w: w.client.delete("/v1/alert-rules/acme-crise", headers=w.h("globex-write")),
        _not_found,
    ),
    # alerts: lists, KPIs and the stream carry only globex's; acme's alert is "not found"
    ("GET", "/v1/alerts"): (
        _g("/v1/alerts", rule_id=["acme-crise", "ferralis-greve"]),
        lambda w, r: (
            ([a["id"] for a in r.json()["items"]] == [GLOBEX_ALERT.id] and _only_globex_alerts(w, r))
            or _fail(r)
        ),
    ),
    ("GET", "/v1/alerts/kpis"): (
        _g("/v1/alerts/kpis"),
        lambda w, r: (r.json()["tenant"]["alerts"] == 1 and _only_globex_alerts(w, r)) or _fail(r),
    ),
    ("GET", "/v1/alerts/stream"): (
        _stream_from_start,
        lambda w, r: (GLOBEX_RECORDS[0].id in r.text and _only_globex_alerts(w, r)) or _fail(r),
    ),
    ("GET", "/v1/alerts/{alert_id}"): (_g("/v1/alerts/{alert}"), _not_found),
    ("POST", "/v1/alerts/{alert_id}/acknowledge"): (_post("/v1/alerts/{alert}/acknowledge"), _not_found),
    ("POST", "/v1/alerts/{alert_id}/resolve"): (
        _post("/v1/alerts/{alert}/resolve", {"note": "x"}),
        _not_found,
    ),
    ("POST", "/v1/alerts/{alert_id}/reopen"): (_post("/v1/alerts/{alert}/reopen"), _not_found),
    # webhooks and their delivery log
    ("GET", "/v1/webhooks/deliveries"): (
        _g("/v1/webhooks/deliveries", alert_id=ACME_ALERT.id),
        lambda w, r: (r.json()["items"] == [] and _only_globex_alerts(w, r)) or _fail(r),
    ),
    ("POST", "/v1/webhooks/deliveries/{delivery_id}/replay"): (
        _post("/v1/webhooks/deliveries/{delivery}/replay"),
        _not_found,
    ),
    ("GET", "/v1/webhooks"): (_g("/v1/webhooks"), lambda w, r: r.json() == [] or _fail(r)),
    ("POST", "/v1/webhooks"): (
        _post("/v1/webhooks", {"id": "acme-hook", "url": PUBLIC_URL}),
        lambda w, r: r.status_code == 201 or _fail(r),  # its own namespace: acme's "acme-hook" is untouched
    ),
    ("GET", "/v1/webhooks/{subscription_id}"): (_g("/v1/webhooks/acme-slack"), _not_found),
    ("PATCH", "/v1/webhooks/{subscription_id}"): (
        lambda w: w.client.patch(
            "/v1/webhooks/acme-slack", json={"enabled": False}, headers=w.h("globex-write")
        ),
        _not_found,
    ),
    ("DELETE", "/v1/webhooks/{subscription_id}"): (
        lambda w: w.client.delete("/v1/webhooks/acme-slack", headers=w.h("globex-write")),
        _not_found,
    ),
}


def _acme_alerting(world: World) -> dict[str, Any]:
    """What acme sees of its alerting (rules, webhooks, its alert, its delivery log)."""

    def get(path: str) -> Any:
        return world.client.get(path, headers=world.h("acme-read")).json()

    return {
        "rules": get("/v1/alert-rules"),
        "webhooks": get("/v1/webhooks"),
        "alert": get(f"/v1/alerts/{ACME_ALERT.id}"),
        "deliveries": get("/v1/webhooks/deliveries"),
    }


def _fail(r: httpx.Response) -> bool:
    raise AssertionError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:500]}")


@pytest.fixture(scope="module")
def prepared(world: World) -> World:
    """acme has a source subscription and a known key id; acme marked a mention read."""
    r = world.client.post(
        "/v1/sources", json={"kind": "feed", "url": "https://acme.example/rss"}, headers=world.h("acme-write")
    )
    world.acme_source = r.json()["id"]  # type: ignore[attr-defined]
    keys = world.client.get("/v1/tenants/acme/keys", headers=world.h("admin")).json()
    world.acme_key_id = keys[0]["id"]  # type: ignore[attr-defined]
    # acme's alerting: a rule, two webhooks, an alert with a dead delivery; globex has one alert
    w = world.h("acme-write")
    r = world.client.post(
        "/v1/alert-rules",
        json={"id": "acme-crise", "query_id": "bonval", "detector": {"kind": "match"}},
        headers=w,
    )
    assert r.status_code == 201, r.text
    hook = world.client.post("/v1/webhooks", json={"id": "acme-hook", "url": PUBLIC_URL}, headers=w).json()
    assert (
        world.client.post("/v1/webhooks", json={"id": "acme-slack", "url": PUBLIC_URL}, headers=w).status_code
        == 201
    )
    index_alerts(world.es, world.settings, [ACME_ALERT, GLOBEX_ALERT])
    subscription = WebhookSubscription(
        tenant="acme", id="acme-hook", url=PUBLIC_URL, secret=hook["secret"], updated_at=hook["updated_at"]
    )
    dead = store_deliveries(world.es, world.settings, ACME_ALERT, subscription, state="dead")
    world.acme_delivery = dead.id  # type: ignore[attr-defined]
    for partition, (acme, globex) in enumerate(zip(ACME_RECORDS, GLOBEX_RECORDS, strict=True)):
        produce_alerts(world.settings, [acme], partition=partition)
        produce_alerts(world.settings, [globex], partition=partition)
    return world


def test_every_route_is_covered(world: World) -> None:
    paths = world.client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    assert routes == set(CASES)


def test_another_tenants_key_never_reaches_acme(prepared: World) -> None:
    world = prepared
    before = {
        "queries": world.client.get("/v1/queries", headers=world.h("acme-read")).json(),
        "sources": world.client.get("/v1/sources", headers=world.h("acme-read")).json(),
        "recall": world.client.get(
            f"/v1/mentions/{world.mid('recall')}", headers=world.h("acme-read")
        ).json(),
        "tenant": world.client.get("/v1/tenants/acme", headers=world.h("admin")).json(),
        **_acme_alerting(world),
    }
    for (method, path), (call, check) in CASES.items():
        response = call(world)
        try:
            check(world, response)
        except AssertionError as exc:
            raise AssertionError(f"{method} {path}: {exc}") from exc
    # and nothing of acme changed
    assert world.client.get("/v1/queries", headers=world.h("acme-read")).json() == before["queries"]
    assert world.client.get("/v1/sources", headers=world.h("acme-read")).json() == before["sources"]
    recall = world.client.get(f"/v1/mentions/{world.mid('recall')}", headers=world.h("acme-read")).json()
    assert recall == before["recall"]
    assert world.client.get("/v1/tenants/acme", headers=world.h("admin")).json() == before["tenant"]
    assert _acme_alerting(world) == {k: before[k] for k in _acme_alerting(world)}
    assert world.client.get("/v1/me", headers=world.h("acme-write")).status_code == 200


def test_globex_filters_cannot_widen_its_scope(prepared: World) -> None:
    world = prepared
    for params in (
        {"query_id": "bonval"},
        {"author": "camille_l"},
        {"source_id": "pouet-social"},
        {"q": "tenant:acme"},
        {"text": "acme"},
    ):
        r = world.client.get("/v1/mentions", params=params, headers=world.h("globex-read"))
        if r.status_code == 200:
            assert r.json()["items"] == [] or all(
                m["id"] in {world.mid("shared"), world.mid("strike")} for m in r.json()["items"]
            )
        else:
            assert r.status_code == 422
