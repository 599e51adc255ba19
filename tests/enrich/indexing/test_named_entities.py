"""Which mentions of a sink batch get named entities from the sink itself, and which go to the NER
worker (pure; real spaCy models)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from enrich.indexing.named_entities import tag_or_defer
from schemas.mention import EnrichedMention, Entity, MentionBase
from tests.enrich.test_ner import NER, enriched_mention


def _mention(i: int, text: str, *, lang: str = "fr", matched: bool = True) -> EnrichedMention:
    hashtag = (Entity(kind="hashtag", text="greve"),)
    return enriched_mention(i, text, lang, matched).model_copy(update={"entities": hashtag})


BATCH = [
    ("m0", _mention(0, "Grève chez Ferralis : Jean Dupont manifeste à Lyon #greve")),
    ("m1", _mention(1, "Il pleut à Marseille, rien à voir avec nous #greve", matched=False)),
    ("m2", _mention(2, "Mark Evans says Ferralis trains are late again in London #greve", lang="en")),
]


def _named(m: EnrichedMention) -> set[tuple[str, str]]:
    return {(e.kind, e.text) for e in m.entities if e.kind in ("person", "organization", "place")}


def test_the_sink_tags_matched_mentions_in_order_and_keeps_their_other_entities() -> None:
    mentions, deferred, tagged = tag_or_defer(BATCH, scope="matched", tagger=NER)
    assert [m.id for m in mentions] == [m.id for _, m in BATCH] and deferred == [] and tagged == 2
    assert {("person", "Jean Dupont"), ("place", "Lyon")} <= _named(mentions[0])
    assert {("person", "Mark Evans"), ("place", "London")} <= _named(mentions[2])
    assert mentions[1] is BATCH[1][1]  # unmatched: not tagged, not handed over
    assert all(m.entities[0] == Entity(kind="hashtag", text="greve") for m in mentions)
    # what the NER worker would have found for the same mentions, with the same tagger
    assert [_named(m) for m in mentions] == [
        {(e.kind, e.text) for e in found if e.kind != "misc"} if m.matches else set()
        for m, found in zip([m for _, m in BATCH], NER([(m, m.lang) for _, m in BATCH]), strict=True)
    ]


def test_scope_all_tags_every_mention_and_none_tags_nothing() -> None:
    _, deferred, tagged = tag_or_defer(BATCH, scope="all", tagger=NER)
    assert (deferred, tagged) == ([], 3)
    mentions, deferred, tagged = tag_or_defer(BATCH, scope="none", tagger=NER)
    assert (deferred, tagged) == ([], 0) and mentions == [m for _, m in BATCH]


def test_without_a_tagger_the_mentions_in_scope_go_to_the_ner_worker_unchanged() -> None:
    mentions, deferred, tagged = tag_or_defer(BATCH, scope="matched", tagger=None)
    assert mentions == [m for _, m in BATCH] and deferred == ["m0", "m2"] and tagged == 0
    assert tag_or_defer(BATCH, scope="all", tagger=None)[1] == ["m0", "m1", "m2"]


def test_a_failing_tagger_raises_for_the_caller_to_defer() -> None:
    def broken(items: Sequence[tuple[MentionBase, str]]) -> list[list[Entity]]:
        raise RuntimeError("model crashed")

    with pytest.raises(RuntimeError, match="model crashed"):
        tag_or_defer(BATCH, scope="matched", tagger=broken)
