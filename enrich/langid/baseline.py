"""Reference point for evaluations: lingua alone over the seven main languages (the configuration the
design notes measured), scored and timed exactly as the tiered detector is."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from lingua import Language, LanguageDetectorBuilder

from enrich.langid.guess import UNDETERMINED
from enrich.langid.languages import MAIN_LANGUAGES, iso_of, lingua_language

if TYPE_CHECKING:
    from enrich.langid.evaluate import Sample


def lingua_alone(
    samples: Sequence[Sample], score: Callable[[Sequence[Sample], Sequence[str]], dict[str, Any]]
) -> dict[str, Any]:
    """``score(samples, labels)`` for lingua's labels, plus ``"texts_per_second": {"single", "batch"}``
    (one call per text, then the multi-threaded API), models preloaded before timing."""
    detector = (
        LanguageDetectorBuilder.from_languages(*(lingua_language(code) for code in MAIN_LANGUAGES))
        .with_preloaded_language_models()
        .build()
    )
    texts = [sample.text for sample in samples]
    start = time.perf_counter()
    single = [_code(detector.detect_language_of(text)) for text in texts]
    middle = time.perf_counter()
    batch = [_code(found) for found in detector.detect_languages_in_parallel_of(texts)]
    end = time.perf_counter()
    report = score(samples, batch)
    report["texts_per_second"] = {
        "single": len(texts) / max(middle - start, 1e-9),
        "batch": len(texts) / max(end - middle, 1e-9),
    }
    report["batch_equals_single"] = single == batch
    return report


def _code(language: Language | None) -> str:
    return UNDETERMINED if language is None else iso_of(language)
