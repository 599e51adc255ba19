"""lingua (character n-grams, high-accuracy mode) restricted to a few candidate languages.

lingua's cost grows with the number of languages it compares, so each call is restricted to the
candidates the word model left open (two to six languages, ten times faster than all of them). A
detector per candidate set is cached; lingua keeps each language's models once per process, loaded on
first use, so detectors are cheap to build once the models are in memory. In high-accuracy mode
(1- to 5-grams) a language's models take about 27 MB (all 26 Latin-script languages: ~710 MB, ~6 s to
load); in low-accuracy mode (trigrams only) about 1.5 MB — see :data:`LINGUA_HIGH_ACCURACY`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from lingua import ConfidenceValue, LanguageDetector, LanguageDetectorBuilder

from enrich.langid.languages import iso_of, lingua_language
from enrich.langid.params import LINGUA_HIGH_ACCURACY, LINGUA_PARALLEL_MIN, PROBABILITY_DIGITS

Candidates = tuple[str, ...]
"""ISO 639-1 codes, in the detector's priority order."""


@functools.lru_cache(maxsize=512)
def detector_for(candidates: Candidates) -> LanguageDetector:
    """The cached lingua detector for these languages; ValueError for a language lingua lacks."""
    return _builder(candidates).build()


def preload(candidates: Candidates) -> None:
    """Load lingua's models for ``candidates`` now rather than at first use (service start-up)."""
    _builder(candidates).with_preloaded_language_models().build()


def _builder(candidates: Candidates) -> LanguageDetectorBuilder:
    builder = LanguageDetectorBuilder.from_languages(*(lingua_language(c) for c in candidates))
    return builder if LINGUA_HIGH_ACCURACY else builder.with_low_accuracy_mode()


def probabilities(text: str, candidates: Candidates) -> tuple[float, ...]:
    """lingua's probability of each candidate for ``text`` (all 0 when it finds no usable letter)."""
    return _aligned(detector_for(candidates).compute_language_confidence_values(text), candidates)


def probabilities_many(texts: Sequence[str], candidates: Candidates) -> list[tuple[float, ...]]:
    """:func:`probabilities` for many texts; large groups use lingua's multi-threaded API."""
    detector = detector_for(candidates)
    if len(texts) >= LINGUA_PARALLEL_MIN:
        rows = detector.compute_language_confidence_values_in_parallel(list(texts))
    else:
        rows = [detector.compute_language_confidence_values(text) for text in texts]
    return [_aligned(row, candidates) for row in rows]


def _aligned(values: Sequence[ConfidenceValue], candidates: Candidates) -> tuple[float, ...]:
    # lingua's parallel and one-by-one APIs differ in the last bits; rounding makes batch == single.
    by_code = {iso_of(value.language): round(value.value, PROBABILITY_DIGITS) for value in values}
    return tuple(by_code.get(code, 0.0) for code in candidates)
