"""Dashboard aggregations and their parsing (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.services.dashboards import parse_authors, parse_share, pick_interval
from api.services.search import InvalidRequestError

T = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(minutes=30), "1m"),
        (timedelta(hours=5), "5m"),
        (timedelta(days=1), "15m"),
        (timedelta(days=7), "3h"),
        (timedelta(days=31), "12h"),
        (timedelta(days=90), "1d"),
        (timedelta(days=365), "7d"),
        (timedelta(days=3650), "30d"),
        (timedelta(days=36500), "30d"),
    ],
)
def test_auto_interval_gives_at_most_about_100_buckets(span: timedelta, expected: str) -> None:
    assert pick_interval("auto", T, T + span) == expected


def test_explicit_interval_is_bounded() -> None:
    assert pick_interval("1h", T, T + timedelta(days=30)) == "1h"
    with pytest.raises(InvalidRequestError):
        pick_interval("1m", T, T + timedelta(days=30))


def _bucket(key: str, n: int, pos: int, neg: int, reach: float | None) -> dict:  # type: ignore[type-arg]
    sent = [
        {"key": "positive", "doc_count": pos},
        {"key": "negative", "doc_count": neg},
        {"key": "neutral", "doc_count": n - pos - neg},
    ]
    return {"key": key, "doc_count": n, "reach": {"value": reach}, "sentiment": {"buckets": sent}}


def test_ambassadors_and_detractors_by_sentiment_balance() -> None:
    pool = [
        _bucket("fan", 5, 5, 0, 100.0),
        _bucket("mixed", 6, 3, 3, None),
        _bucket("hater", 4, 0, 3, 10.0),
        _bucket("mild", 3, 2, 1, 5.0),
    ]
    aggs = {"by_volume": {"buckets": pool}, "by_reach": {"buckets": pool}, "pool": {"buckets": pool}}
    out = parse_authors(10, aggs)
    assert [a.key for a in out.ambassadors] == ["fan", "mild"]
    assert [a.key for a in out.detractors] == ["hater"] and out.detractors[0].balance == -0.75
    assert [a.key for a in out.by_reach] == ["fan", "hater", "mild"]  # authors without followers left out
    assert out.by_volume[1].neutral == 0 and out.by_volume[1].balance == 0.0


def test_share_of_voice_shares_sum_to_one() -> None:
    resp = {
        "hits": {"total": {"value": 9}},
        "aggregations": {
            "share": {"buckets": {"a": {"doc_count": 6}, "b": {"doc_count": 4}, "c": {"doc_count": 0}}}
        },
    }
    out = parse_share(["a", "b", "c"], {"a": "Brand"}, resp)
    assert [(e.query_id, e.share) for e in out.queries] == [("a", 0.6), ("b", 0.4), ("c", 0.0)]
    assert out.queries[0].name == "Brand" and out.total == 9
    empty = parse_share([], {}, {"hits": {"total": {"value": 0}}, "aggregations": {}})
    assert empty.queries == []
