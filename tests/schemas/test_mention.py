from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas.common import SourceType
from schemas.mention import EnrichedMention, RawMention, stable_mention_id


def test_stable_id_is_deterministic_and_depends_on_source_type() -> None:
    a = stable_mention_id(SourceType.FEED, "https://example.org/a")
    assert a == stable_mention_id("feed", "  https://example.org/a ")
    assert a != stable_mention_id(SourceType.FORUM, "https://example.org/a")
    assert a != stable_mention_id(SourceType.FEED, "https://example.org/b")
    assert len(a) == 32 and int(a, 16) >= 0


def test_stable_id_refuses_empty_key() -> None:
    with pytest.raises(ValueError, match="native id or a URL"):
        stable_mention_id(SourceType.FEED, "  ")


def test_enriched_from_raw_keeps_every_raw_field() -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    raw = RawMention(
        id=stable_mention_id("feed", "x"),
        source_type=SourceType.FEED,
        source_id="s",
        text="Bonjour",
        title="Titre",
        published_at=now,
        fetched_at=now,
        tags=("a",),
    )
    enriched = EnrichedMention.from_raw(raw, lang="fr", enriched_at=now)
    for field in raw.model_dump(exclude={"schema_version"}):
        assert getattr(enriched, field) == getattr(raw, field)
    assert enriched.lang == "fr"


def test_trusted_construction_equals_validated_construction() -> None:
    from schemas.mention import Entity, QueryMatch, Sentiment

    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    raw = RawMention(
        id=stable_mention_id("feed", "y"),
        source_type=SourceType.FEED,
        source_id="s",
        text="Bonjour",
        published_at=now,
        fetched_at=now,
        tags=("a",),
    )
    extra = {
        "lang": "fr",
        "enriched_at": now,
        "sentiment": Sentiment(label="positive", score=0.5),
        "matches": (QueryMatch(tenant="t", query_id="q"),),
        "entities": (Entity(kind="hashtag", text="#a"),),
    }
    trusted = EnrichedMention.from_raw_trusted(raw, **extra)
    assert trusted == EnrichedMention.from_raw(raw, **extra)
    assert EnrichedMention.model_validate_json(trusted.model_dump_json()) == trusted
