"""Accuracy and speed of the detector on a labelled jsonl file.

Each line is ``{"text": str, "lang": ISO 639-1, "kind": str}`` (kinds in the dev set: ``sentence``,
``word``, ``word_pair``). :func:`evaluate` reports accuracy per (lang, kind), how often a text in
another language than French or English is labelled ``fr`` or ``en``, and throughput (texts per
second, one by one and as one batch) measured in the same call on warm models.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enrich.langid.baseline import lingua_alone
from enrich.langid.detector import detect_language, detect_languages, warm_up
from enrich.langid.guess import LanguageGuess

MAIN = frozenset({"fr", "en"})


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled line."""

    text: str
    lang: str
    kind: str


def read_samples(path: Path) -> list[Sample]:
    """The samples of a jsonl file; blank lines are skipped.

    OSError if the file cannot be read; ValueError (with the line number) for a line that is not a JSON
    object with string ``text``, ``lang`` and ``kind``.
    """
    samples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, lang, kind = row["text"], row["lang"], row["kind"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a {{text, lang, kind}} object") from exc
            if not all(isinstance(value, str) for value in (text, lang, kind)):
                raise ValueError(f"{path}:{number}: text, lang and kind must be strings")
            samples.append(Sample(text, lang, kind))
    return samples


def score_labels(samples: Sequence[Sample], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy per lang and kind, and the rate at which non-fr/en samples are labelled fr or en.

    Returns ``{"accuracy": {lang: {kind: rate}}, "counts": {lang: {kind: n}},
    "other_as_fr_en": {"all": rate, kind: rate, …}, "undetermined": rate}``; rates are in [0, 1]
    (0 when there is no sample to count).
    """
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    wrong_main: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for sample, lang in zip(samples, predicted, strict=True):
        key = (sample.lang, sample.kind)
        total[key] += 1
        right[key] += lang == sample.lang
        if sample.lang not in MAIN:
            for bucket in ("all", sample.kind):
                others[bucket] += 1
                wrong_main[bucket] += lang in MAIN
    accuracy: dict[str, dict[str, float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for (lang, kind), n in sorted(total.items()):
        accuracy.setdefault(lang, {})[kind] = right[(lang, kind)] / n
        counts.setdefault(lang, {})[kind] = n
    return {
        "accuracy": accuracy,
        "counts": counts,
        "other_as_fr_en": {bucket: wrong_main[bucket] / n for bucket, n in sorted(others.items())},
        "undetermined": sum(lang == "und" for lang in predicted) / len(predicted) if predicted else 0.0,
    }


def evaluate(path: Path, *, compare_lingua: bool = False) -> dict[str, Any]:
    """Score the tiered detector on ``path`` (see :func:`score_labels` for the accuracy keys).

    Adds ``"texts"``, ``"texts_per_second": {"single", "batch"}`` (models warmed first, so start-up
    is excluded), ``"methods"`` (texts decided per tier) and ``"batch_equals_single"``. With
    ``compare_lingua``, ``"lingua_alone"`` holds the same figures for lingua over the seven main
    languages, measured in this same run. Raises as :func:`read_samples` does.
    """
    samples = read_samples(path)
    texts = [sample.text for sample in samples]
    warm_up()
    batch, batch_rate = _timed(detect_languages, texts)
    single, single_rate = _timed(lambda items: [detect_language(text) for text in items], texts)
    report = score_labels(samples, [guess.lang for guess in batch])
    report["texts"] = len(samples)
    report["texts_per_second"] = {"single": single_rate, "batch": batch_rate}
    report["methods"] = dict(Counter(guess.method for guess in batch))
    report["batch_equals_single"] = batch == single
    if compare_lingua:
        report["lingua_alone"] = lingua_alone(samples, score_labels)
    return report


def _timed(
    run: Callable[[list[str]], list[LanguageGuess]], texts: list[str]
) -> tuple[list[LanguageGuess], float]:
    start = time.perf_counter()
    guesses = run(texts)
    elapsed = time.perf_counter() - start
    return guesses, len(texts) / elapsed if elapsed > 0 else float("inf")
