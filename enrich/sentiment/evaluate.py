"""``evaluate(path, lang)``: accuracy, macro-F1, throughput, and a naive baseline, in one call."""

from __future__ import annotations

import time
from pathlib import Path

from enrich.sentiment import metrics
from enrich.sentiment.baseline import baseline_label
from enrich.sentiment.dataset import read_labelled
from enrich.sentiment.model import load_weights
from enrich.sentiment.resources import resources_for
from enrich.sentiment.scorer import score_sentiment


def evaluate(path: Path, lang: str) -> dict[str, object]:
    """Score every line of a labelled JSONL file (``{"text","label"}``) written in ``lang``.

    Returns a dict with ``macro_f1``, ``accuracy``, ``per_class`` (precision/recall/f1/support),
    ``confusion`` (rows gold, columns predicted), ``n``, ``throughput_texts_per_s`` (single
    thread, lexicons already loaded, measured over this file in this call), and ``baseline``:
    the same metrics for the bare merged-lexicon count of ``baseline.py``, and
    ``baseline_base_lexicon``: the bare count over the third-party lexicon alone. Raises ``OSError`` when
    the file cannot be read and ``ValueError`` on a malformed line.
    """
    texts, gold = read_labelled(Path(path))
    resources_for(lang)  # load lexicons before timing
    if resources_for(lang) is not None:
        load_weights()
    start = time.perf_counter()
    predicted = [score_sentiment(text, lang).label for text in texts]
    elapsed = time.perf_counter() - start
    result = metrics.report(gold, predicted)
    result["lang"] = lang
    result["path"] = str(path)
    result["throughput_texts_per_s"] = round(len(texts) / elapsed, 1) if elapsed > 0 else float("inf")
    baseline = metrics.report(gold, [baseline_label(text, lang) for text in texts])
    baseline["description"] = "bare count over the merged lexicon: sign of summed word valences, no rules"
    result["baseline"] = baseline
    base_only = metrics.report(gold, [baseline_label(text, lang, "base") for text in texts])
    base_only["description"] = "bare count over the third-party base lexicon only (VADER-FR / VADER)"
    result["baseline_base_lexicon"] = base_only
    return result
