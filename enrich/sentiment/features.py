"""The feature vector the learned combination sees (``FEATURE_NAMES``, in this order).

Cues arrive from the rules as ``(label, signed weight, channel)``. Our own curated entries
(words, phrases, hashtags, emojis) and the broad third-party base lexicon are summed in
separate channels so the learned weights can trust them differently. The other features are
surface signals of tone and "newsiness": exclamation, question, shouting, URL, reply,
length, hashtag count and presence of a number. All values lie in [0, ~2]; pure function.
"""

from __future__ import annotations

import math

from enrich.sentiment import tokenize as tk

Cue = tuple[str, float, int]  # label, signed weight, channel
OWN, BASE, EMOJI = 0, 1, 2  # cue channels (EMOJI is summed with OWN: too rare to learn alone)

FEATURE_NAMES = (
    "pos_own",
    "neg_own",
    "pos_base",
    "neg_base",
    "balance",
    "exclaim",
    "question",
    "shouting",
    "url",
    "reply",
    "n_words",
    "hashtags",
    "number",
)


def polarity(cues: list[Cue]) -> float:
    """Signed sum of all cue weights."""
    return sum(value for _, value, _ in cues)


def feature_vector(
    cues: list[Cue],
    raw: list[tk.Token],
    n_exclaim: int,
    has_question: bool,
    shouting: bool,
    n_words: int,
) -> tuple[float, ...]:
    """Features of one text, in ``FEATURE_NAMES`` order."""
    pos_own = neg_own = pos_base = neg_base = 0.0
    for _, value, channel in cues:
        if value > 0:
            if channel == BASE:
                pos_base += value
            else:
                pos_own += value
        elif value < 0:
            if channel == BASE:
                neg_base -= value
            else:
                neg_own -= value
    url = number = False
    n_tags = 0
    for kind, _ in raw:
        if kind == tk.URL:
            url = True
        elif kind == tk.HASHTAG:
            n_tags += 1
        elif kind == tk.NUMBER:
            number = True
    reply = bool(raw) and raw[0][0] == tk.MENTION
    return (
        math.log1p(pos_own),
        math.log1p(neg_own),
        math.log1p(pos_base),
        math.log1p(neg_base),
        math.tanh((pos_own + pos_base - neg_own - neg_base) / 3.0),
        min(n_exclaim, 3) / 3.0,
        1.0 if has_question else 0.0,
        1.0 if shouting else 0.0,
        1.0 if url else 0.0,
        1.0 if reply else 0.0,
        min(n_words, 40) / 40.0,
        min(n_tags, 4) / 4.0,
        1.0 if number else 0.0,
    )
