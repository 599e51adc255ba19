from __future__ import annotations

from datetime import UTC, datetime

from enrich.ner import SpacyNer
from enrich.ner_app import ner_messages
from enrich.stream import InMessage
from schemas.mention import EnrichedMention, EntityUpdate, QueryMatch, stable_mention_id

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NER = SpacyNer()


def enriched_mention(i: int, text: str, lang: str, matched: bool) -> EnrichedMention:
    """A French or English enriched mention, matched by tenant acme or not."""
    return EnrichedMention(
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


def _msg(i: int, text: str, lang: str, matched: bool) -> InMessage:
    m = enriched_mention(i, text, lang, matched)
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


def test_ner_without_the_shared_tok2vec_finds_the_same_entities_as_with_it() -> None:
    """The shared ``tok2vec`` is excluded because ``ner`` embeds its own encoder: if a model version
    made ``ner`` listen to ``tok2vec``, this comparison would fail (or spaCy would refuse to run).
    (Against the *whole* pipeline the entities differ slightly: the parser's sentence boundaries
    constrain ``ner``; that was already so before, when parser and tagger were excluded.)"""
    import spacy

    from ecoute.bench.generate import MentionGenerator
    from enrich.ner import EXCLUDE, MODELS

    gen = MentionGenerator(brands=["Ferralis", "Air Lumen", "Banque Orsay"], seed=3)
    generated = [gen.one().text for _ in range(200)]  # French and English mixed: both models see both
    texts = {
        "fr": [*generated, "Jean Dupont a manifesté à Lyon devant la mairie avec la CGT."],
        "en": [*generated, "Mark Evans flew from London to Paris."],
    }
    for lang, batch in texts.items():
        full = spacy.load(MODELS[lang], exclude=[c for c in EXCLUDE if c != "tok2vec"])
        assert "tok2vec" in full.pipe_names
        expected = [sorted({(e.label_, e.text) for e in doc.ents}) for doc in full.pipe(batch, batch_size=64)]
        lean = NER.model(lang)
        assert lean is not None and "tok2vec" not in lean.pipe_names
        got = [sorted({(e.label_, e.text) for e in doc.ents}) for doc in lean.pipe(batch, batch_size=64)]
        assert got == expected
        assert sum(map(len, got)) > len(batch) // 3  # the comparison covers real entities


def test_unmatched_mentions_are_skipped_by_their_bytes() -> None:
    unmatched = _msg(1, "Il pleut à Nantes.", "fr", False)
    assert b'"matches":[]' in (unmatched.value or b"")
    # same bytes, but not valid JSON beyond the marker: skipped without being decoded
    broken = InMessage(b"k", (unmatched.value or b"")[:-5], "mentions.enriched", 0, 2)
    out = ner_messages([unmatched, broken], NER, scope="matched")
    assert out.produced == [] and out.rejected == []
    assert [r.message.offset for r in ner_messages([broken], NER, scope="all").rejected] == [2]


def test_ner_computes_with_numpy_and_finds_what_blis_finds() -> None:
    """Matrix products go through numpy (OpenBLAS) instead of the blis wheel (generic kernels on this
    machine): the same entities, at the same character offsets, with the same labels."""
    from ecoute.bench.generate import MentionGenerator

    gen = MentionGenerator(brands=["Ferralis", "Air Lumen", "Banque Orsay"], seed=5)
    texts = [gen.one().text for _ in range(200)]
    with_blis = SpacyNer(use_blis=True)
    for lang in ("fr", "en"):
        lean, reference = NER.model(lang), with_blis.model(lang)
        assert lean is not None and reference is not None
        assert lean.get_pipe("ner").model.ops.use_blis is False
        assert reference.get_pipe("ner").model.ops.use_blis is True
        got = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in lean.pipe(texts)]
        expected = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in reference.pipe(texts)]
        assert got == expected
        assert sum(map(len, got)) > len(texts) // 3  # the comparison covers real entities


def test_links_are_not_tagged_and_add_no_words_to_the_model() -> None:
    """A link is never an entity and is usually seen once: it must not reach spaCy's string store,
    which keeps every word it sees (the worker's memory grew with each mention's link)."""
    ner = SpacyNer()
    nlp = ner.model("fr")
    assert nlp is not None
    ner.entities(["Jean Dupont est à Lyon."], "fr")  # the sentence's own words are now known
    before = len(nlp.vocab.strings)
    texts = [
        f"Jean Dupont est à Lyon. https://actu.example/a/{i}?x={i} www.blog{i}.example/p" for i in range(60)
    ]
    found = ner.entities(texts, "fr")
    assert len(nlp.vocab.strings) - before < 10  # 60 × 2 distinct links before links were removed
    assert all({("person", "Jean Dupont"), ("place", "Lyon")} <= {(e.kind, e.text) for e in f} for f in found)


def test_the_model_is_loaded_again_once_its_string_store_grew_past_the_limit() -> None:
    ner = SpacyNer(max_new_strings=50)
    first = ner.model("fr")
    assert first is not None
    loaded = len(first.vocab.strings)
    ner.entities([f"Réunion avec Jean Dupont à Lyon, code mot{i}x{i * 7}." for i in range(20)], "fr")
    assert ner.reloads == 0 and ner.model("fr") is first  # 20 new words: below the limit
    found = ner.entities([f"Jean Dupont à Lyon, code zorg{i}q{i * 3}." for i in range(40)], "fr")
    assert ner.reloads == 1
    second = ner.model("fr")
    assert second is not None and second is not first
    assert len(second.vocab.strings) == loaded  # a fresh store
    assert ("place", "Lyon") in [(e.kind, e.text) for e in found[-1]]
    assert ("place", "Lyon") in [(e.kind, e.text) for e in ner.entities(["Grève à Lyon."], "fr")[0]]


def test_the_worker_waits_for_cpu_room_only_before_tagging_something() -> None:
    calls: list[int] = []
    matched = [_msg(1, "Grève chez Ferralis à Lyon.", "fr", True)]
    unmatched = [_msg(2, "Il pleut à Nantes.", "fr", False)]
    ner_messages(unmatched, NER, scope="matched", before_tagging=lambda: calls.append(1))
    assert calls == []  # nothing to tag: no wait
    out = ner_messages(matched + unmatched, NER, scope="matched", before_tagging=lambda: calls.append(1))
    assert calls == [1] and len(out.produced) == 1
