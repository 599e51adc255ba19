from __future__ import annotations

from datetime import UTC, datetime

from enrich.ner import SpacyNer
from enrich.ner_app import ner_messages
from enrich.stream import InMessage
from schemas.mention import EnrichedMention, EntityUpdate, QueryMatch, stable_mention_id

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NER = SpacyNer()


def _msg(i: int, text: str, lang: str, matched: bool) -> InMessage:
    m = EnrichedMention(
        id=stable_mention_id("feed", str(i)),
        source_type="feed",
        source_id="s",
        text=text,
        published_at=NOW,
        fetched_at=NOW,
        enriched_at=NOW,
        lang=lang,
        matches=(QueryMatch(tenant="acme", query_id="q"),) if matched else (),
    )
    return InMessage(m.id.encode(), m.model_dump_json().encode(), "mentions.enriched", 0, i)


def test_french_and_english_people_organisations_places() -> None:
    fr, en = (
        NER.entities(["Jean Dupont a manifesté à Lyon devant la mairie."], "fr")[0],
        NER.entities(["Mark Evans flew from London to Paris."], "en")[0],
    )
    assert ("person", "Jean Dupont") in [(e.kind, e.text) for e in fr]
    assert ("place", "Lyon") in [(e.kind, e.text) for e in fr]
    assert {("person", "Mark Evans"), ("place", "London")} <= {(e.kind, e.text) for e in en}
    assert NER.entities(["texte"], "de") == [[]]  # no model for that language: nothing, no error


def test_scope_matched_skips_unmatched_and_rejects_garbage() -> None:
    messages = [
        _msg(1, "Grève chez Ferralis à Lyon.", "fr", True),
        _msg(2, "Il pleut à Nantes.", "fr", False),
        InMessage(b"x", b"garbage", "mentions.enriched", 0, 3),
    ]
    out = ner_messages(messages, NER, scope="matched")
    assert [r.message.offset for r in out.rejected] == [3]
    ((key, value),) = out.produced
    update = EntityUpdate.model_validate_json(value)
    assert key.decode() == update.id and update.tenants == ("acme",)
    assert ("place", "Lyon") in [(e.kind, e.text) for e in update.entities]
    assert len(ner_messages(messages, NER, scope="all").produced) == 2
    assert ner_messages(messages, NER, scope="none").produced == []
