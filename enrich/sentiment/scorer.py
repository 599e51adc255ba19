"""Public scoring entry points: ``score_sentiment`` and ``score_sentiments``.

Contract:
* ``lang`` is an ISO 639-1 code; ``fr`` and ``en`` (case-insensitive, region suffix such as
  ``fr-FR`` ignored) use the full lexicon + rules + learned combination. Any other language
  (or an empty one) falls back to emoji/emoticon cues only and is neutral when there are none.
* A text with no cue at all is neutral with score 0 (its confidence is the model's neutral
  probability): a positive or negative label is always explained by at least one cue.
* Never raises on any string (empty, very long, binary junk); an empty text is neutral.
* The first call for a language loads its lexicons (tens of milliseconds); later calls take a
  few tens of microseconds for a tweet-sized text. Thread-safe (read-only shared state, plus a
  memo dict whose races only cost a recomputation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from enrich.sentiment.model import load_weights
from enrich.sentiment.resources import resources_for
from enrich.sentiment.result import LABELS, NEUTRAL_EMPTY, SentimentResult
from enrich.sentiment.rules import analyse, emoji_only

MAX_CUES = 6
_EMOJI_ONLY_THRESHOLD = 0.25


def _base_lang(lang: str) -> str:
    return lang.strip().lower().replace("_", "-").split("-", 1)[0]


def _emoji_fallback(text: str) -> SentimentResult:
    cues = emoji_only(text)
    if not cues:
        return NEUTRAL_EMPTY
    score = math.tanh(sum(v for _, v in cues) / 2.0)
    shown = tuple(label for label, _ in sorted(cues, key=lambda c: -abs(c[1]))[:MAX_CUES])
    if score >= _EMOJI_ONLY_THRESHOLD:
        return SentimentResult("positive", round(score, 4), round(abs(score), 4), shown)
    if score <= -_EMOJI_ONLY_THRESHOLD:
        return SentimentResult("negative", round(score, 4), round(abs(score), 4), shown)
    return SentimentResult("neutral", round(score, 4), round(1.0 - abs(score), 4), shown)


def score_sentiment(text: str, lang: str) -> SentimentResult:
    """Sentiment of one text in language ``lang`` (see the module docstring for the contract)."""
    if not text:
        return NEUTRAL_EMPTY
    base = _base_lang(lang or "")
    res = resources_for(base)
    if res is None:
        return _emoji_fallback(text)
    analysis = analyse(text, res)
    probs = load_weights()[base].probabilities(analysis.features)
    if not analysis.cues:
        # Nothing polar in the text: neutral, so a non-neutral label is always explained by a cue.
        return SentimentResult(label="neutral", score=0.0, confidence=round(probs[1], 4), cues=())
    best = max(range(3), key=probs.__getitem__)
    return SentimentResult(
        label=LABELS[best],
        score=round(probs[2] - probs[0], 4),
        confidence=round(probs[best], 4),
        cues=tuple(label for label, _ in analysis.cues[:MAX_CUES]),
    )


def score_sentiments(texts: Sequence[str], langs: Sequence[str]) -> list[SentimentResult]:
    """Score a batch; ``langs[i]`` is the language of ``texts[i]``.

    Raises ``ValueError`` when the two sequences differ in length.
    """
    if len(texts) != len(langs):
        raise ValueError(f"score_sentiments: {len(texts)} texts but {len(langs)} languages")
    return [score_sentiment(text, lang) for text, lang in zip(texts, langs, strict=True)]
