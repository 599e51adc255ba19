"""Builders shared by the alerting tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from alerting.config_reader import RuleBook
from schemas.alert import AlertSample
from schemas.matches import MatchEvent
from schemas.mention import EnrichedMention, stable_mention_id
from schemas.rules import AlertRule

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
_ids = itertools.count()


def sample(
    t: datetime,
    *,
    negative: bool = False,
    author: str | None = None,
    followers: int | None = None,
    site: str = "news.example",
    lang: str = "fr",
    mention_id: str | None = None,
) -> AlertSample:
    n = next(_ids)
    return AlertSample(
        mention_id=mention_id or stable_mention_id("feed", f"m{n}"),
        url=f"https://{site}/{n}",
        title=f"mention {n}",
        excerpt="Bonval rappel",
        author=author,
        followers=followers,
        site=site,
        source_id="src",
        lang=lang,
        sentiment="negative" if negative else "neutral",
        sentiment_score=-0.6 if negative else 0.0,
        published_at=t,
    )


def event(t: datetime, tenant: str = "acme", query: str = "bonval", **kw: Any) -> MatchEvent:
    return MatchEvent(tenant=tenant, query_id=query, sample=sample(t, **kw))


def rule(
    rule_id: str, detector: dict[str, Any], *, query: str = "bonval", tenant: str = "acme", **kw: Any
) -> AlertRule:
    return AlertRule.model_validate(
        {"tenant": tenant, "id": rule_id, "query_id": query, "detector": detector, "updated_at": T0, **kw}
    )


def book(*rules: AlertRule) -> RuleBook:
    return RuleBook({r.key: r for r in rules})


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def enriched(
    t: datetime,
    *,
    key: str,
    matches: Sequence[tuple[str, str]] = (("acme", "bonval"),),
    negative: bool = False,
    author: str | None = None,
    followers: int | None = None,
    url: str | None = None,
    now: datetime | None = None,
) -> EnrichedMention:
    """A mention as the enrichment stage publishes it."""
    now = now or t
    return EnrichedMention.model_validate(
        {
            "id": stable_mention_id("feed", key),
            "source_type": "feed",
            "source_id": "src",
            "url": url or f"https://news.example/{key}",
            "title": f"Bonval {key}",
            "text": "La Laiterie Bonval rappelle des yaourts",
            "author": {"handle": author, "followers": followers} if author else None,
            "published_at": t,
            "fetched_at": now,
            "lang": "fr",
            "sentiment": {"label": "negative" if negative else "neutral", "score": -0.6 if negative else 0.0},
            "matches": [{"tenant": tn, "query_id": q} for tn, q in matches],
            "enriched_at": now,
        }
    )
