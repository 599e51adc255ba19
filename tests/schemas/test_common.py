"""construct_trusted: the hot path's model_construct."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.alert import AlertSample
from schemas.common import construct_trusted
from schemas.mention import Sentiment

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def _sample_values() -> dict[str, object]:
    return {
        "published_at": NOW,  # not in the model's order
        "mention_id": "0" * 32,
        "url": "https://a.example/1",
        "title": None,
        "excerpt": "Bonjour",
        "author": "@a",
        "followers": 3,
        "site": "a.example",
        "source_id": "s",
        "lang": "fr",
        "sentiment": "positive",
        "sentiment_score": 0.5,
    }


def test_all_fields_given_is_what_model_construct_makes_in_the_models_order() -> None:
    fast = construct_trusted(AlertSample, _sample_values())
    slow = AlertSample.model_construct(**_sample_values())  # type: ignore[arg-type]
    assert fast == slow and fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()
    assert next(iter(fast.model_dump())) == "mention_id"
    assert AlertSample.model_validate_json(fast.model_dump_json()) == fast  # it was valid: it still is
    assert fast.model_copy(update={"followers": 4}).followers == 4


def test_missing_fields_get_their_defaults_as_model_construct_gives_them() -> None:
    made = construct_trusted(Sentiment, {"label": "neutral", "score": 0.0})
    assert made == Sentiment(label="neutral", score=0.0)
    assert made.confidence == 0.0 and made.cues == ()
    unknown = {"label": "neutral", "score": 0.0, "confidence": 0.0, "bogus": 1}  # as many keys, one wrong
    assert construct_trusted(Sentiment, unknown).cues == ()
