"""Naive comparison baselines: bare lexicon counts with no rules.

Each word's lexicon valence is summed (exact lower-case match only: no phrases, negation,
boosters, emphasis, hashtags, emojis or learned weights) and the sign of the sum is the label.
``merged`` uses the same merged lexicon as the full scorer (shows what the rules and the
learned combination add); ``base`` uses only the third-party base lexicon (VADER-FR or VADER,
shows what our own lexicon adds on top).
"""

from __future__ import annotations

import functools
from typing import Literal

from enrich.sentiment import lexicon_files
from enrich.sentiment import tokenize as tk
from enrich.sentiment.resources import resources_for
from enrich.sentiment.result import Label

Variant = Literal["merged", "base"]


@functools.cache
def _base_words(lang: str) -> dict[str, float]:
    return lexicon_files.read_vader_fr() if lang == "fr" else lexicon_files.read_vader_en()


def baseline_label(text: str, lang: str, variant: Variant = "merged") -> Label:
    """Sign of the summed word valences; neutral for a sum of 0 or an unsupported language."""
    res = resources_for(lang)
    if res is None:
        return "neutral"
    words = res.lexicon.words if variant == "merged" else _base_words(lang)
    total = 0.0
    for kind, surface in tk.tokenize(text):
        if kind == tk.WORD:
            total += words.get(surface.lower(), 0.0)
    if total > 0:
        return "positive"
    if total < 0:
        return "negative"
    return "neutral"
