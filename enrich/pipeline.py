"""RawMention batch → EnrichedMention batch. Pure: no Kafka, no Faust, no network.

Steps, each vectorised over the batch: language (tiered detector), sentiment (lexicon and rules, for
the detected language), brand-query matching (Aho-Corasick prefiltered index), entities (regex; spaCy
NER for matched French mentions only, see :mod:`enrich.ner`). A mention whose enrichment raises is
returned in ``failures`` with the exception; the others are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from enrich.entities import extract_entities
from enrich.langid import detect_languages
from enrich.sentiment import score_sentiments
from schemas.mention import EnrichedMention, Entity, MentionBase, QueryMatch, RawMention, Sentiment

Matcher = Callable[[RawMention, str], list[QueryMatch]]
"""(mention, detected language) → the tenants' queries it matches, with explanations."""
EntityTagger = Callable[[Sequence[tuple[MentionBase, str]]], list[list[Entity]]]
"""Named entities for (mention, language) pairs (expensive: called only on the mentions that need it)."""


@dataclass(slots=True)
class BatchResult:
    enriched: list[EnrichedMention] = field(default_factory=list)
    failures: list[tuple[int, BaseException]] = field(default_factory=list)  # (index in batch, error)


def analysis_text(mention: RawMention) -> str:
    """Title and body as one text for language and sentiment (title first: often the densest cue)."""
    if mention.title and mention.text:
        if mention.text.startswith(mention.title):
            return mention.text
        return f"{mention.title}. {mention.text}"
    return mention.title or mention.text


def enrich_batch(
    raws: Sequence[RawMention],
    *,
    now: datetime,
    matcher: Matcher | None = None,
    tagger: EntityTagger | None = None,
    tag_all: bool = False,
    sentiment_langs: frozenset[str] = frozenset({"fr", "en"}),
) -> BatchResult:
    """Enrich ``raws``; never raises for a bad mention (it lands in ``failures``).

    ``tagger`` (named entities, expensive) runs on the mentions that matched a query, or on every
    mention with ``tag_all``.
    """
    result = BatchResult()
    texts = [analysis_text(m) for m in raws]
    guesses = detect_languages(texts, [m.lang_hint for m in raws])
    langs = [g.lang for g in guesses]
    sentiments = score_sentiments(texts, langs)
    partial: list[tuple[int, RawMention, str, dict[str, object]]] = []
    for i, (mention, guess, senti) in enumerate(zip(raws, guesses, sentiments, strict=True)):
        try:
            matches = matcher(mention, guess.lang) if matcher else []
            entities = extract_entities(texts[i], mention.url)
            fields: dict[str, object] = {
                "lang": guess.lang,
                "lang_confidence": round(min(max(guess.confidence, 0.0), 1.0), 4),
                "sentiment": Sentiment(
                    label=senti.label,
                    score=max(-1.0, min(1.0, senti.score)),
                    confidence=max(0.0, min(1.0, senti.confidence)),
                    cues=senti.cues[:20],
                )
                if guess.lang in sentiment_langs or senti.label != "neutral"
                else None,
                "matches": tuple(matches),
                "entities": tuple(entities),
                "enriched_at": now,
            }
            partial.append((i, mention, guess.lang, fields))
        except Exception as exc:  # one bad mention must not sink the batch
            result.failures.append((i, exc))
    if tagger is not None:
        wanted = [(k, m, lang) for k, (_, m, lang, f) in enumerate(partial) if tag_all or f["matches"]]
        if wanted:
            tagged = tagger([(m, lang) for _, m, lang in wanted])
            for (k, _, _), extra in zip(wanted, tagged, strict=True):
                fields = partial[k][3]
                fields["entities"] = (*fields["entities"], *extra)  # type: ignore[misc]
    for i, mention, _, fields in partial:
        try:
            result.enriched.append(EnrichedMention.from_raw_trusted(mention, **fields))
        except Exception as exc:
            result.failures.append((i, exc))
    return result
