"""Source subscription rules (pure)."""

from __future__ import annotations

import pytest

from api.services.sources import (
    InvalidSourceError,
    source_public,
    subscribe,
    unsubscribe,
    validate_request,
)

FEED = {"kind": "feed", "url": "https://www.conso-hebdo.example/rss.xml"}


def test_same_source_same_id_whatever_the_knobs() -> None:
    a = validate_request({**FEED, "interval_s": 600}, "acme", allow_private=False)
    b = validate_request({**FEED, "interval_s": 60, "max_pages": 2}, "globex", allow_private=False)
    assert a.id == b.id and a.id.startswith("feed-")
    other = validate_request(
        {"kind": "feed", "url": "https://other.example/rss"}, "acme", allow_private=False
    )
    assert other.id != a.id
    hn = validate_request({"kind": "hackernews", "terms": ["bonval"]}, "acme", allow_private=False)
    assert hn.id.startswith("hackernews-") and hn.tenants == ("acme",)


def test_subscribe_merges_tenants_and_the_last_one_out_deletes() -> None:
    a = validate_request({**FEED, "interval_s": 600}, "acme", allow_private=False)
    both = subscribe(
        a, validate_request({**FEED, "interval_s": 120}, "globex", allow_private=False), "globex"
    )
    assert both.tenants == ("acme", "globex") and both.interval_s == 120
    assert subscribe(both, a, "acme") == both  # idempotent
    left = unsubscribe(both, "acme")
    assert left is not None and left.tenants == ("globex",)
    assert unsubscribe(left, "globex") is None
    public = source_public(both).model_dump()
    assert (
        "tenants" not in public
        and "tenants" not in public["config"]
        and public["config"]["url"] == FEED["url"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**FEED, "id": "mine"}, "id"),
        ({**FEED, "tenants": ["globex"]}, "tenants"),
        (
            {"kind": "reddit", "subreddit": "france", "client_secret_env": "ECOUTE_ADMIN_KEY"},
            "client_secret_env",
        ),
        ({"kind": "feed", "url": "http://10.0.0.1/rss"}, "url"),
        ({"kind": "feed", "url": "gopher://x.example/"}, "url"),
        ({"kind": "bluesky", "terms": ["x"], "jetstream_url": "wss://127.0.0.1/subscribe"}, "jetstream_url"),
        ({"kind": "mastodon", "instance": "https://m.example"}, "body"),
        ({"kind": "feed"}, "url"),
        ({"kind": "feed", "url": 3}, "url"),
    ],
)
def test_rejected_requests_say_why(body: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidSourceError) as err:
        validate_request(body, "acme", allow_private=False)
    assert field == "body" or field in err.value.loc or field in err.value.message


def test_private_targets_when_the_deployment_allows_them() -> None:
    ok = validate_request({"kind": "feed", "url": "http://127.0.0.1:8080/rss"}, "acme", allow_private=True)
    assert ok.url == "http://127.0.0.1:8080/rss"  # type: ignore[union-attr]
