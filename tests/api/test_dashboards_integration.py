"""Dashboard widgets on the real Elasticsearch (tenant acme's eight mentions, October 2026)."""

from __future__ import annotations

import pytest

from tests.api.world import World

pytestmark = pytest.mark.integration


def get(world: World, widget: str, who: str = "acme-read", **params: object) -> dict:  # type: ignore[type-arg]
    r = world.client.get(f"/v1/dashboards/{widget}", params=params, headers=world.h(who))
    assert r.status_code == 200, r.text
    body: dict = r.json()  # type: ignore[type-arg]
    return body


def test_volume_auto_interval_over_the_data_range(world: World) -> None:
    v = get(world, "volume")
    assert v["total"] == 8 and sum(b["count"] for b in v["buckets"]) == 8
    assert v["interval"] == "3h"  # 10 → 20 October: 10 days + 1 h, ≤ 100 buckets of 3 h
    window = get(world, "volume", since="2026-10-01T00:00:00Z", until="2026-11-01T00:00:00Z")
    assert window["interval"] == "12h" and len(window["buckets"]) == 62  # empty buckets filled
    daily = get(world, "volume", since="2026-10-10T00:00:00Z", until="2026-10-13T00:00:00Z", interval="1d")
    assert [b["count"] for b in daily["buckets"]] == [1, 0, 1]
    too_fine = world.client.get(
        "/v1/dashboards/volume",
        params={"since": "2026-01-01T00:00:00Z", "until": "2026-12-01T00:00:00Z", "interval": "1m"},
        headers=world.h("acme-read"),
    )
    assert too_fine.status_code == 422 and "interval" in too_fine.json()["detail"]
    assert get(world, "volume", q="nothingmatches")["buckets"] == []


def test_sentiment_split_over_time(world: World) -> None:
    s = get(world, "sentiment", interval="1d", since="2026-10-10T00:00:00Z", until="2026-10-22T00:00:00Z")
    assert s["totals"] == {"negative": 4, "neutral": 2, "positive": 2, "unknown": 0}
    day16 = next(b for b in s["buckets"] if b["time"].startswith("2026-10-16"))
    assert day16["negative"] == 1 and day16["positive"] == 0


def test_share_of_voice_between_a_brand_and_its_competitor(world: World) -> None:
    sov = get(world, "share-of-voice", compare=["bonval", "doux"])
    shares = {q["query_id"]: q for q in sov["queries"]}
    assert shares["bonval"]["count"] == 7 and shares["doux"]["count"] == 1
    assert shares["bonval"]["share"] == pytest.approx(7 / 8) and shares["bonval"]["name"] == "Bonval"
    assert sov["total"] == 8
    every = get(world, "share-of-voice")
    assert {q["query_id"] for q in every["queries"]} == {"bonval", "bonval-crise", "doux"}


def test_authors_influencers_ambassadors_detractors(world: World) -> None:
    a = get(world, "authors", size=3)
    assert [x["key"] for x in a["by_volume"]][:2] == ["camille_l", "grincheux"]
    assert [x["key"] for x in a["by_reach"]] == ["foodwatch_uk", "conso_hebdo", "lyon_info"]
    assert a["by_reach"][0]["reach"] == 50000
    assert [x["key"] for x in a["ambassadors"]] == ["camille_l"] and a["ambassadors"][0]["balance"] == 1.0
    assert [x["key"] for x in a["detractors"]] == ["grincheux"] and a["detractors"][0]["negative"] == 2


def test_sources_languages_entities(world: World) -> None:
    s = get(world, "sources")
    assert {x["key"]: x["count"] for x in s["sources"]} == {
        "conso-hebdo": 5,
        "pouet-social": 2,
        "techpulse": 1,
    }
    assert s["sites"][0] == {"key": "conso-hebdo.example", "count": 5}
    assert s["source_types"] == [{"key": "feed", "count": 8}]
    langs = get(world, "languages")
    assert langs == {"total": 8, "languages": [{"key": "fr", "count": 7}, {"key": "en", "count": 1}]}
    e = get(world, "entities")
    assert e["hashtags"] == [{"key": "#BoycottBonval", "count": 2}]
    assert e["persons"] == [{"key": "Jean Dupont", "count": 1}]
    assert get(world, "entities", who="globex-read")["hashtags"] == [{"key": "#GrèveFerralis", "count": 1}]


def test_widgets_take_the_search_filters(world: World) -> None:
    assert get(world, "languages", lang="en")["total"] == 1
    assert get(world, "volume", q="listeria")["total"] == 2
    assert get(world, "authors", sentiment="positive")["by_volume"][0]["key"] == "camille_l"
    bad = world.client.get("/v1/dashboards/authors", params={"q": "a OR"}, headers=world.h("acme-read"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["position"] == 2  # the dangling OR
