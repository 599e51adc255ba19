"""Dashboard widgets: aggregation bodies and their responses → public models. Pure.

Time series use ``date_histogram`` with a fixed interval; ``auto`` picks the smallest interval giving at
most :data:`AUTO_BUCKETS` buckets over the requested range (or the data's range when open-ended) — the
cluster lacks ``auto_date_histogram`` (aggregations module), and choosing in Python keeps the interval
explicit in the response. Empty buckets are filled (``min_doc_count`` 0 with ``extended_bounds``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from api.models.dashboards import (
    AuthorsPublic,
    AuthorStat,
    EntitiesPublic,
    LanguagesPublic,
    SentimentBucket,
    SentimentPublic,
    ShareEntry,
    ShareOfVoicePublic,
    SourcesPublic,
    TermCount,
    VolumeBucket,
    VolumePublic,
)
from api.services.search import InvalidRequestError

INTERVALS: Final[dict[str, int]] = {
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "3h": 3 * 3600,
    "6h": 6 * 3600,
    "12h": 12 * 3600,
    "1d": 86400,
    "7d": 7 * 86400,
    "30d": 30 * 86400,
}
AUTO_BUCKETS: Final = 100
MAX_BUCKETS: Final = 2000
BALANCE_POOL: Final = 500
SENTIMENTS: Final = ("negative", "neutral", "positive")


def pick_interval(requested: str, start: datetime, end: datetime) -> str:
    """The interval to use over ``[start, end)``. Raises :class:`InvalidRequestError` when a requested
    interval would give more than :data:`MAX_BUCKETS` buckets."""
    span = max(1.0, (end - start).total_seconds())
    if requested == "auto":
        for name, seconds in INTERVALS.items():
            if span / seconds <= AUTO_BUCKETS:
                return name
        return "30d"
    if span / INTERVALS[requested] > MAX_BUCKETS:
        raise InvalidRequestError(
            "interval", f"interval {requested} gives more than {MAX_BUCKETS} buckets here"
        )
    return requested


def bounds_aggs() -> dict[str, Any]:
    return {"first": {"min": {"field": "@timestamp"}}, "last": {"max": {"field": "@timestamp"}}}


def parse_bounds(aggs: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """(first, last) publication times from :func:`bounds_aggs` (None when nothing matched)."""
    first, last = aggs["first"].get("value"), aggs["last"].get("value")
    if first is None or last is None:
        return None
    return _from_ms(first), _from_ms(last + 1)


def _from_ms(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def histogram(
    interval: str, start: datetime, end: datetime, sub: dict[str, Any] | None = None
) -> dict[str, Any]:
    agg: dict[str, Any] = {
        "date_histogram": {
            "field": "@timestamp",
            "fixed_interval": interval,
            "min_doc_count": 0,
            "extended_bounds": {"min": _ms(start), "max": max(_ms(start), _ms(end) - 1)},
        }
    }
    if sub:
        agg["aggs"] = sub
    return {"histogram": agg}


def sentiment_sub() -> dict[str, Any]:
    return {"sentiment": {"terms": {"field": "sentiment.label", "size": 4, "missing": "unknown"}}}


def parse_volume(interval: str, resp: Mapping[str, Any]) -> VolumePublic:
    buckets = resp["aggregations"]["histogram"]["buckets"]
    return VolumePublic(
        interval=interval,
        total=int(resp["hits"]["total"]["value"]),
        buckets=[VolumeBucket(time=_from_ms(b["key"]), count=b["doc_count"]) for b in buckets],
    )


def parse_sentiment(interval: str, resp: Mapping[str, Any]) -> SentimentPublic:
    out: list[SentimentBucket] = []
    totals = dict.fromkeys((*SENTIMENTS, "unknown"), 0)
    for b in resp["aggregations"]["histogram"]["buckets"]:
        counts = {s["key"]: s["doc_count"] for s in b["sentiment"]["buckets"]}
        for key, count in counts.items():
            if key in totals:
                totals[key] += count
        out.append(
            SentimentBucket(time=_from_ms(b["key"]), **{k: v for k, v in counts.items() if k in totals})
        )
    return SentimentPublic(interval=interval, totals=totals, buckets=out)


def share_aggs(query_ids: list[str]) -> dict[str, Any]:
    return {"share": {"filters": {"filters": {q: {"term": {"query_ids": q}} for q in query_ids}}}}


def parse_share(
    query_ids: list[str], names: Mapping[str, str], resp: Mapping[str, Any]
) -> ShareOfVoicePublic:
    buckets = resp["aggregations"]["share"]["buckets"] if query_ids else {}
    counts = {q: int(buckets[q]["doc_count"]) for q in query_ids}
    voices = sum(counts.values())
    entries = [
        ShareEntry(query_id=q, name=names.get(q, ""), count=c, share=round(c / voices, 4) if voices else 0.0)
        for q, c in counts.items()
    ]
    entries.sort(key=lambda e: (-e.count, e.query_id))
    return ShareOfVoicePublic(total=int(resp["hits"]["total"]["value"]), queries=entries)


def _author_sub() -> dict[str, Any]:
    return {"reach": {"max": {"field": "author.followers"}}, **sentiment_sub()}


def authors_aggs(size: int) -> dict[str, Any]:
    return {
        "by_volume": {"terms": {"field": "author.key", "size": size}, "aggs": _author_sub()},
        "by_reach": {
            "terms": {"field": "author.key", "size": size, "order": [{"reach": "desc"}, {"_count": "desc"}]},
            "aggs": _author_sub(),
        },
        "pool": {
            "terms": {"field": "author.key", "size": BALANCE_POOL, "min_doc_count": 2},
            "aggs": _author_sub(),
        },
    }


def _author_stat(bucket: Mapping[str, Any]) -> AuthorStat:
    counts = {s["key"]: s["doc_count"] for s in bucket["sentiment"]["buckets"]}
    reach = bucket["reach"].get("value")
    n = int(bucket["doc_count"])
    pos, neg = int(counts.get("positive", 0)), int(counts.get("negative", 0))
    return AuthorStat(
        key=str(bucket["key"]),
        mentions=n,
        reach=int(reach) if reach is not None else None,
        positive=pos,
        neutral=int(counts.get("neutral", 0)),
        negative=neg,
        balance=round((pos - neg) / n, 4) if n else 0.0,
    )


def parse_authors(size: int, aggs: Mapping[str, Any]) -> AuthorsPublic:
    by_volume = [_author_stat(b) for b in aggs["by_volume"]["buckets"]]
    by_reach = [s for s in (_author_stat(b) for b in aggs["by_reach"]["buckets"]) if s.reach is not None]
    pool = [_author_stat(b) for b in aggs["pool"]["buckets"]]
    ambassadors = sorted(
        (s for s in pool if s.balance > 0), key=lambda s: (-(s.positive - s.negative), -s.balance, s.key)
    )
    detractors = sorted(
        (s for s in pool if s.balance < 0), key=lambda s: (-(s.negative - s.positive), s.balance, s.key)
    )
    return AuthorsPublic(
        by_volume=by_volume, by_reach=by_reach, ambassadors=ambassadors[:size], detractors=detractors[:size]
    )


def terms_aggs(fields: Mapping[str, str], size: int) -> dict[str, Any]:
    """One ``terms`` aggregation per ``name → field``."""
    return {name: {"terms": {"field": field, "size": size}} for name, field in fields.items()}


def parse_terms(aggs: Mapping[str, Any], name: str) -> list[TermCount]:
    return [TermCount(key=str(b["key"]), count=int(b["doc_count"])) for b in aggs[name]["buckets"]]


SOURCE_FIELDS: Final = {"sites": "site", "sources": "source_id", "source_types": "source_type"}
ENTITY_FIELDS: Final = {
    "hashtags": "hashtags",
    "handles": "handles",
    "persons": "persons",
    "organizations": "organizations",
    "places": "places",
}


def parse_sources(aggs: Mapping[str, Any]) -> SourcesPublic:
    return SourcesPublic(**{name: parse_terms(aggs, name) for name in SOURCE_FIELDS})


def parse_entities(aggs: Mapping[str, Any]) -> EntitiesPublic:
    return EntitiesPublic(**{name: parse_terms(aggs, name) for name in ENTITY_FIELDS})


def parse_languages(resp: Mapping[str, Any]) -> LanguagesPublic:
    return LanguagesPublic(
        total=int(resp["hits"]["total"]["value"]), languages=parse_terms(resp["aggregations"], "languages")
    )
