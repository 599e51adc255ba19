"""Source subscriptions: a tenant asks ecoute to poll a feed or a social source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SOURCE_EXAMPLES: dict[str, dict[str, Any]] = {
    "feed": {
        "summary": "an RSS/Atom feed",
        "value": {"kind": "feed", "url": "https://www.conso-hebdo.example/rss.xml", "interval_s": 300},
    },
    "mastodon": {
        "summary": "hashtags of a Mastodon instance",
        "value": {"kind": "mastodon", "instance": "https://mastodon.social", "hashtags": ["ferralis"]},
    },
    "hackernews": {"summary": "Hacker News search", "value": {"kind": "hackernews", "terms": ["Nuvia"]}},
}


class SourcePublic(BaseModel):
    """A source the caller's tenant is subscribed to (other subscribers are never shown)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "feed-85797f84d8839087",
                    "kind": "feed",
                    "interval_s": 300.0,
                    "enabled": True,
                    "config": {"url": "https://www.conso-hebdo.example/rss.xml"},
                }
            ]
        }
    )

    id: str = Field(description="derived from kind and what is polled: the same source for every tenant")
    kind: str
    interval_s: float
    enabled: bool
    config: dict[str, Any] = Field(description="kind-specific settings (url, instance, hashtags, terms…)")
