"""Pure pieces of ingest: sources file, dedup, rate-limit headers, Link headers, SSE, schedule, status."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingest.links import parse_link_header
from ingest.metrics import IngestMetrics, serve_metrics
from ingest.progress import PageOutcome
from ingest.ratelimit import rate_limit_wait_s, retry_after_s
from ingest.schedule import MAX_BACKOFF_S, next_delay
from ingest.seen import dedupe, fingerprint, remember
from ingest.sources import load_sources, select_sources
from ingest.sse import SseEvent, SseParser
from ingest.status import parse_metrics_text, status_rows
from schemas.common import SourceType
from schemas.cursor import HackerNewsPosition, SourceCursor
from schemas.mention import RawMention, stable_mention_id
from schemas.source import BlueskySourceConfig, FeedSourceConfig, MastodonSourceConfig, RedditSourceConfig

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def m(key: str, text: str = "t") -> RawMention:
    return RawMention(
        id=stable_mention_id(SourceType.FEED, key),
        source_type=SourceType.FEED,
        source_id="s",
        text=text,
        published_at=NOW,
        fetched_at=NOW,
    )


def test_sources_file_kinds_defaults_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("""{"sources": [
      {"id": "old-style", "url": "https://a.example/rss"},
      {"id": "forum", "kind": "forum", "url": "https://f.example/rss", "enabled": false},
      {"id": "masto", "kind": "mastodon", "instance": "https://m.example", "hashtags": ["greve"], "tenants": ["acme", "beta"]},
      {"id": "hn", "kind": "hackernews", "terms": ["Ferralis"]},
      {"id": "rd", "kind": "reddit", "subreddit": "france", "client_id_env": "REDDIT_ID"}
    ]}""")
    loaded = load_sources(path)
    assert [s.kind for s in loaded] == ["feed", "mastodon", "hackernews", "reddit"]
    assert isinstance(loaded[0], FeedSourceConfig) and isinstance(loaded[1], MastodonSourceConfig)
    assert loaded[1].tenants == ("acme", "beta")
    assert [s.id for s in select_sources(loaded, ["hn"])] == ["hn"]
    with pytest.raises(KeyError, match="nope"):
        select_sources(loaded, ["nope"])
    path.write_text(
        '{"sources": [{"id": "a", "url": "https://a.example/x"}, {"id": "a", "url": "https://b.example/y"}]}'
    )
    with pytest.raises(ValueError, match="duplicate"):
        load_sources(path)
    with pytest.raises(ValidationError, match="hashtags or a timeline"):
        MastodonSourceConfig(id="m", instance="https://m.example")
    with pytest.raises(ValidationError, match="terms or dids"):
        BlueskySourceConfig(id="b")
    with pytest.raises(ValidationError, match="client_id_env"):  # a variable name, never a secret
        RedditSourceConfig(id="r", subreddit="france", client_id_env="my-secret-value")


def test_dedupe_new_duplicate_edited_and_repeats_in_a_page() -> None:
    seen = remember({}, [m("a"), m("b")], 10)
    d = dedupe([m("a"), m("b", "changed"), m("c"), m("c")], seen)
    assert [x.id for x in d.fresh] == [m("b").id, m("c").id]
    assert (d.new, d.edited, d.duplicates) == (1, 1, 2)


@given(st.lists(st.integers(0, 50), max_size=60), st.integers(10, 30))
def test_remember_is_bounded_and_keeps_the_latest_page(keys: list[int], capacity: int) -> None:
    seen: dict[str, str] = {}
    for start in range(0, len(keys), 7):
        page = [m(str(k)) for k in keys[start : start + 7]]
        seen = remember(seen, page, capacity)
        assert len(seen) <= max(capacity, 2 * len(page))
        assert all(seen[x.id] == fingerprint(x) for x in page)


def test_retry_after_and_rate_limit_headers() -> None:
    assert retry_after_s("120", NOW) == 120.0
    assert retry_after_s("Sun, 22 Nov 2026 12:01:00 GMT", NOW) == 60.0
    assert retry_after_s("garbage", NOW) is None and retry_after_s(None, NOW) is None
    assert rate_limit_wait_s({"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "42"}, NOW) == 42.0
    assert rate_limit_wait_s({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "42"}, NOW) is None
    mastodon = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-11-22T12:05:00.000Z"}
    assert rate_limit_wait_s(mastodon, NOW) == 300.0


def test_link_header() -> None:
    value = '<https://m.example/api?max_id=1>; rel="next", <https://m.example/api?min_id=9>; rel="prev"'
    assert parse_link_header(value) == {
        "next": "https://m.example/api?max_id=1",
        "prev": "https://m.example/api?min_id=9",
    }
    assert parse_link_header("nonsense") == {} and parse_link_header(None) == {}


def test_sse_parser() -> None:
    parser = SseParser()
    lines = [
        ":thump",
        "event: update",
        'data: {"a":',
        "data: 1}",
        "",
        "event: delete",
        "data: 42",
        "id: 7",
        "",
        "",
    ]
    events = [e for line in lines if (e := parser.feed_line(line))]
    assert events == [SseEvent("update", '{"a":\n1}'), SseEvent("delete", "42", "7")]


def test_schedule_backoff_is_capped_and_honours_retry_after() -> None:
    rng = random.Random(1)
    assert 270 <= next_delay(300, 0, rng=rng) <= 330
    assert 540 <= next_delay(300, 1, rng=rng) <= 660
    assert next_delay(300, 20, rng=rng) <= MAX_BACKOFF_S * 1.1
    assert next_delay(300, 0, 900, rng=rng) == 900
    assert next_delay(300, 0, streaming=True, rng=rng) < 2


def test_metrics_endpoint_and_status_rows() -> None:
    metrics = IngestMetrics()
    metrics.page(
        "hn",
        "hackernews",
        PageOutcome(
            fetched=5, new=3, edited=1, duplicates=1, deleted=0, rejected=0, mention_ids=(), produced_ids=()
        ),
    )
    metrics.poll("hn", "hackernews", None, 1795335600.0)
    metrics.poll("hn", "hackernews", "HTTP 503", 1795335700.0)
    server, port = serve_metrics(metrics, 0)
    try:
        import httpx

        text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    finally:
        server.shutdown()
    assert 'ecoute_ingest_items_new_total{kind="hackernews",source="hn"} 3.0' in text
    live = parse_metrics_text(text)
    assert live["hn"]["ecoute_ingest_poll_errors_total"] == 1.0
    assert live["hn"]["ecoute_ingest_last_success_timestamp_seconds"] == 1795335600.0
    cursor = SourceCursor(
        source_id="hn",
        kind="hackernews",
        position=HackerNewsPosition(newest={"Ferralis": 17}),
        updated_at=NOW,
    )
    rows = status_rows([], {"hn": cursor}, live)
    assert rows[0]["configured"] is False and rows[0]["position"] == "Ferralis=17" and rows[0]["live"]
