"""Search, one mention, state and export on the real Elasticsearch (tenant acme unless said)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.api.world import World

pytestmark = pytest.mark.integration


def ids(resp_json: dict) -> set[str]:  # type: ignore[type-arg]
    return {m["id"] for m in resp_json["items"]}


def search(world: World, who: str = "acme-read", **params: object) -> dict:  # type: ignore[type-arg]
    r = world.client.get("/v1/mentions", params=params, headers=world.h(who))
    assert r.status_code == 200, r.text
    body: dict = r.json()  # type: ignore[type-arg]
    return body


def test_search_sees_only_the_tenants_mentions_newest_first(world: World) -> None:
    page = search(world, size=50)
    acme = {"recall", "thanks", "thanks2", "english", "grumpy1", "grumpy2", "rival", "shared"}
    assert ids(page) == {world.mid(n) for n in acme}
    assert page["total"] == len(acme) and page["total_is_exact"]
    dates = [m["published_at"] for m in page["items"]]
    assert dates == sorted(dates, reverse=True)
    globex = search(world, "globex-read", size=50)
    assert ids(globex) == {world.mid("shared"), world.mid("strike")}


def test_boolean_query_matches_like_the_stream_matcher(world: World) -> None:
    found = search(world, q="bonval AND (rappel* OR recall* OR listeria)")
    assert ids(found) == {world.mid("recall"), world.mid("english")}
    assert ids(search(world, q="#BoycottBonval")) == {world.mid("recall"), world.mid("grumpy1")}
    assert ids(search(world, q='"doux paturages"')) == {world.mid("rival")}  # accents folded
    assert ids(search(world, q="bonval NOT grève*")) >= {world.mid("thanks")}
    assert world.mid("grumpy2") not in ids(search(world, q="bonval NOT grève*"))
    assert ids(search(world, q="author:camille_l")) == {world.mid("thanks"), world.mid("thanks2")}
    assert ids(search(world, q="{Bonval} partenaires")) == {world.mid("shared")}
    assert ids(search(world, q="{bonval}")) == set()  # case-preserving field
    assert ids(search(world, q="bonval NEAR/3 partenaires")) == {world.mid("shared")}


def test_free_text_is_stemmed_and_accent_insensitive(world: World) -> None:
    # grève (singular) finds "grèves" in a French mention; folded "greve" too
    assert world.mid("grumpy2") in ids(search(world, text="grève"))
    assert world.mid("grumpy2") in ids(search(world, text="greves livreur"))
    # elision and accents: "eleve" finds "Les élèves de l'école"
    assert ids(search(world, text="eleve ecole")) == {world.mid("recall")}
    # English stemming: "recall" finds "recalled"/"recalls" in the English mention
    assert world.mid("english") in ids(search(world, text="recall"))
    assert ids(search(world, text="zzzunknownword")) == set()


def test_filters(world: World) -> None:
    assert ids(search(world, lang="en")) == {world.mid("english")}
    neg = search(world, sentiment=["negative"], size=50)
    assert ids(neg) == {world.mid(n) for n in ("recall", "english", "grumpy1", "grumpy2")}
    assert ids(search(world, source_id="pouet-social")) == {world.mid("thanks"), world.mid("thanks2")}
    assert ids(search(world, query_id="doux")) == {world.mid("rival")}
    assert ids(search(world, query_id=["doux", "bonval-crise"])) == {
        world.mid("rival"),
        world.mid("recall"),
        world.mid("english"),
    }
    assert ids(search(world, author="grincheux")) == {world.mid("grumpy1"), world.mid("grumpy2")}
    window = search(world, since="2026-10-12T00:00:00Z", until="2026-10-15T00:00:00Z")
    assert ids(window) == {world.mid("thanks"), world.mid("thanks2")}
    assert ids(search(world, since="2026-10-20T00:00:00")) == {world.mid("shared")}  # no zone = UTC
    assert ids(search(world, source_type="feed", lang="fr", sentiment="positive")) == {
        world.mid("thanks"),
        world.mid("thanks2"),
    }


def test_relevance_sort_and_highlights(world: World) -> None:
    page = search(world, q="bonval OR listeria", sort="relevance", size=3)
    scores = [m["score"] for m in page["items"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert page["items"][0]["id"] in {world.mid("recall"), world.mid("english")}  # bonval + listeria
    recall = next(m for m in search(world, q="listeria")["items"] if m["id"] == world.mid("recall"))
    assert recall["highlights"]["title"] == ["Rappel de yaourts Bonval : <mark>listeria</mark> détectée"]
    text_hl = next(m for m in search(world, text="grève")["items"] if m["id"] == world.mid("grumpy2"))
    assert "<mark>grèves</mark>" in text_hl["highlights"]["text"][0]
    escaped = next(m for m in search(world, q="yaourts")["items"] if m["id"] == world.mid("recall"))
    assert "=HYPERLINK(&quot;x&quot;)" in escaped["highlights"]["text"][0]


@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_cursor_pagination_visits_everything_once(world: World, sort: str) -> None:
    seen: list[str] = []
    page = search(world, size=3, sort=sort, q="bonval OR doux OR paturages")
    seen += [m["id"] for m in page["items"]]
    while page["next_cursor"]:
        page = search(world, size=3, sort=sort, q="bonval OR doux OR paturages", cursor=page["next_cursor"])
        seen += [m["id"] for m in page["items"]]
    assert len(seen) == len(set(seen)) == 8


def test_invalid_requests_are_422_with_message(world: World) -> None:
    r = world.client.get("/v1/mentions", params={"q": "bonval AND (rappel"}, headers=world.h("acme-read"))
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["type"] == "query_syntax" and err["loc"] == ["query", "q"] and isinstance(err["position"], int)
    assert r.json()["detail"].startswith("q: ")
    page = search(world, size=2)
    other_sort = world.client.get(
        "/v1/mentions",
        params={"cursor": page["next_cursor"], "sort": "relevance"},
        headers=world.h("acme-read"),
    )
    assert other_sort.status_code == 422 and "cursor" in other_sort.json()["detail"]
    for params in (
        {"cursor": "garbage!"},
        {"size": 0},
        {"size": 201},
        {"sentiment": "angry"},
        {"text": "!!!"},
    ):
        r = world.client.get("/v1/mentions", params=params, headers=world.h("acme-read"))
        assert r.status_code == 422, params
        assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_get_one_mention_with_its_matches(world: World) -> None:
    r = world.client.get(f"/v1/mentions/{world.mid('recall')}", headers=world.h("acme-read"))
    assert r.status_code == 200
    detail = r.json()
    assert {m["query_id"] for m in detail["matches"]} == {"bonval", "bonval-crise"}
    assert detail["persons"] == ["Jean Dupont"] and detail["author"]["key"] == "conso_hebdo"
    assert (
        world.client.get(f"/v1/mentions/{world.mid('unmatched')}", headers=world.h("acme-read")).status_code
        == 404
    )
    assert world.client.get("/v1/mentions/" + "0" * 32, headers=world.h("acme-read")).status_code == 404


def test_state_read_tags_assignee_per_tenant(world: World) -> None:
    mid = world.mid("shared")
    url = f"/v1/mentions/{mid}"
    r = world.client.patch(
        url,
        json={"read": True, "add_tags": ["crise", "presse"], "assignee": "camille"},
        headers=world.h("acme-write"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"]["read"] is True and r.json()["state"]["tags"] == ["crise", "presse"]
    r = world.client.patch(url, json={"remove_tags": ["presse"]}, headers=world.h("acme-write"))
    assert r.json()["state"] == {**r.json()["state"], "tags": ["crise"], "assignee": "camille", "read": True}
    assert ids(search(world, tag="crise")) == {mid}
    assert ids(search(world, assignee="camille")) == {mid}
    assert mid not in ids(search(world, read=False, size=50))
    assert mid in ids(search(world, read=True))
    # the other tenant's document of the same mention is untouched
    theirs = world.client.get(url, headers=world.h("globex-read")).json()
    assert theirs["state"] == {"read": False, "tags": [], "assignee": None, "updated_at": None}
    # assignee null unassigns; read keys cannot write (404, as if absent)
    r = world.client.patch(url, json={"assignee": None, "read": False}, headers=world.h("acme-write"))
    assert r.json()["state"]["assignee"] is None and r.json()["state"]["read"] is False
    assert world.client.patch(url, json={"read": True}, headers=world.h("acme-read")).status_code == 404
    bad = world.client.patch(url, json={"tags": ["a,b"]}, headers=world.h("acme-write"))
    assert bad.status_code == 422 and "tags" in bad.json()["detail"]
    assert world.client.patch(url, json={"colour": "red"}, headers=world.h("acme-write")).status_code == 422


def test_export_csv_and_ndjson_stream_every_match(world: World) -> None:
    r = world.client.get(
        "/v1/mentions/export", params={"format": "ndjson", "q": "bonval"}, headers=world.h("acme-read")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in r.text.splitlines()]
    assert {row["id"] for row in rows} == ids(search(world, q="bonval", size=50))
    r = world.client.get(
        "/v1/mentions/export", params={"format": "csv", "sentiment": "negative"}, headers=world.h("acme-read")
    )
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["id"] for row in table} == {world.mid(n) for n in ("recall", "english", "grumpy1", "grumpy2")}
    recall = next(row for row in table if row["id"] == world.mid("recall"))
    assert recall["author_key"] == "conso_hebdo" and recall["query_ids"] == "bonval bonval-crise"
    limited = world.client.get("/v1/mentions/export", params={"limit": 2}, headers=world.h("acme-read"))
    assert len(limited.text.splitlines()) == 2
    bad = world.client.get("/v1/mentions/export", params={"q": "("}, headers=world.h("acme-read"))
    assert bad.status_code == 422
