"""The result type of language identification."""

from __future__ import annotations

from dataclasses import dataclass

UNDETERMINED = "und"
"""ISO 639-2 code for "undetermined": no letters left after cleaning, or no tier could tell."""


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """One text's language.

    ``lang`` is an ISO 639-1 code (``'fr'``, ``'en'``, ``'de'``…) or ``'und'``; ``confidence`` is in
    [0, 1] (0 for ``'und'``); ``method`` names the tier that decided: ``'empty'`` (nothing to read),
    ``'script'`` (a writing system used by one language), ``'fast'`` (the word-frequency model alone)
    or ``'lingua'`` (the word model fused with lingua's character n-grams).
    """

    lang: str
    confidence: float
    method: str


EMPTY = LanguageGuess(UNDETERMINED, 0.0, "empty")
