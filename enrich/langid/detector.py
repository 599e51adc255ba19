"""Public entry points: one text, a batch, and start-up warm-up.

Tiers, cheapest first (see :mod:`enrich.langid.tiers`):

1. cleaning: nothing but URLs, handles, emojis, digits → ``'und'`` (method ``'empty'``);
2. script: Greek, Hebrew, Han, kana, hangul, Thai… name their language (``'script'``); Cyrillic,
   Arabic and Devanagari go to lingua restricted to the languages written that way;
3. word frequencies over 26 Latin-script languages: decides when one language leads by a clear
   margin (``'fast'``) — nearly every sentence;
4. lingua over the few languages still in the running, fused with the word scores (``'lingua'``) —
   mostly one- and two-word texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from enrich.langid import lingua_tier
from enrich.langid.guess import LanguageGuess
from enrich.langid.languages import LATIN_LANGUAGES
from enrich.langid.lexicon import get_lexicon
from enrich.langid.tiers import Deferred, first_pass, resolve


def detect_language(text: str, hint: str | None = None) -> LanguageGuess:
    """The language of one tweet, post, title or feed item.

    ``hint`` (a feed's declared language, e.g. ``'fr'``, ``'fr-FR'``) is a weak prior that only
    breaks near-ties; an unusable hint is ignored. Never raises for a ``str``; the first call builds
    the word model (about two seconds) unless :func:`warm_up` ran.
    """
    step = first_pass(text, hint)
    if isinstance(step, LanguageGuess):
        return step
    return resolve(step, lingua_tier.probabilities(step.text, step.candidates))


def detect_languages(texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[LanguageGuess]:
    """:func:`detect_language` for each text, with the same results, cheaper per text.

    Identical (text, hint) pairs are detected once (retweets, syndicated titles); texts deferred to
    lingua are grouped by candidate set, and large groups use lingua's multi-threaded API.
    ValueError if ``hints`` is given with a different length than ``texts``.
    """
    if hints is not None and len(hints) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(hints)} hints")
    keys = list(zip(texts, hints if hints is not None else [None] * len(texts), strict=True))
    settled: dict[tuple[str, str | None], LanguageGuess] = {}
    groups: dict[tuple[str, ...], list[tuple[tuple[str, str | None], Deferred]]] = defaultdict(list)
    for key in dict.fromkeys(keys):
        step = first_pass(*key)
        if isinstance(step, LanguageGuess):
            settled[key] = step
        else:
            groups[step.candidates].append((key, step))
    for candidate_set, members in groups.items():
        rows = lingua_tier.probabilities_many([deferred.text for _, deferred in members], candidate_set)
        for (key, deferred), probabilities in zip(members, rows, strict=True):
            settled[key] = resolve(deferred, probabilities)
    return [settled[key] for key in keys]


def warm_up() -> None:
    """Build the word model and load lingua's Latin-script models now, so that the first mentions are
    not slow (about 8 s and 880 MB in all with lingua's high-accuracy mode). Optional: everything also
    loads on first use."""
    get_lexicon()
    lingua_tier.preload(LATIN_LANGUAGES)
