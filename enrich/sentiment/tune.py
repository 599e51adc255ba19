"""Build-time tuning: fit the feature-combination weights and write ``data/weights.json``.

Usage: ``python -m enrich.sentiment.tune [EVAL_DIR]`` (default ``/work/shared/eval/sentiment``),
which reads ``fr_train.jsonl`` and ``en_train.jsonl`` there. Only the fitted numbers (3 classes ×
``len(FEATURE_NAMES)`` weights + 3 biases per language) are written; no text is kept. The fit is a
multinomial logistic regression with L2 penalty, by full-batch gradient descent (deterministic).
Raises ``OSError``/``ValueError`` on missing or malformed training files.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ecoute.evaldata import eval_dir
from enrich.sentiment import lexicon_files, metrics
from enrich.sentiment.dataset import read_labelled
from enrich.sentiment.model import WEIGHTS_FILE, LinearModel
from enrich.sentiment.resources import resources_for
from enrich.sentiment.result import LABELS
from enrich.sentiment.rules import Analysis, analyse

logger = logging.getLogger(__name__)

DEFAULT_EVAL_DIR = eval_dir() / "sentiment"
L2 = 1e-3
STEPS = 4000
LEARNING_RATE = 0.5

FloatArray = npt.NDArray[np.float64]


def _analyses(texts: list[str], lang: str) -> list[Analysis]:
    res = resources_for(lang)
    if res is None:
        raise ValueError(f"no lexicon for language {lang!r}")
    return [analyse(t, res) for t in texts]


def feature_matrix(texts: list[str], lang: str) -> FloatArray:
    """Rule features of every text, one row per text."""
    return np.array([a.features for a in _analyses(texts, lang)], dtype=np.float64)


def fit(x: FloatArray, y: npt.NDArray[np.int64], l2: float = L2, steps: int = STEPS) -> LinearModel:
    """Multinomial logistic regression by gradient descent; returns the fitted model."""
    n, d = x.shape
    k = len(LABELS)
    w = np.zeros((k, d))
    b = np.zeros(k)
    onehot = np.eye(k)[y]
    for _ in range(steps):
        logits = x @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - onehot) / n
        w -= LEARNING_RATE * (grad.T @ x + l2 * w)
        b -= LEARNING_RATE * grad.sum(axis=0)
    return LinearModel(
        weights=tuple(tuple(round(float(v), 5) for v in row) for row in w),
        bias=tuple(round(float(v), 5) for v in b),
    )


def tune_language(eval_dir: Path, lang: str) -> tuple[LinearModel, float]:
    """Fit one language on its train split; returns the model and its train macro-F1."""
    texts, labels = read_labelled(eval_dir / f"{lang}_train.jsonl")
    analyses = _analyses(texts, lang)
    x = np.array([a.features for a in analyses], dtype=np.float64)
    y = np.array([LABELS.index(label) for label in labels], dtype=np.int64)
    model = fit(x, y)
    # Same decision as the scorer: a text without any cue is neutral.
    pred = [
        LABELS[int(np.argmax(model.probabilities(a.features)))] if a.cues else "neutral" for a in analyses
    ]
    train_f1 = float(metrics.report(labels, pred)["macro_f1"])  # type: ignore[arg-type]
    return model, train_f1


def main(argv: list[str]) -> int:
    """Fit both languages and write the weights file into the package data directory."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    eval_dir = Path(argv[0]) if argv else DEFAULT_EVAL_DIR
    out: dict[str, object] = {}
    meta: dict[str, object] = {"fitted_on": "train splits only", "l2": L2, "steps": STEPS}
    for lang in ("fr", "en"):
        model, train_f1 = tune_language(eval_dir, lang)
        out[lang] = model.to_json()
        meta[f"{lang}_train_macro_f1"] = round(train_f1, 4)
        logger.info("%s: train macro-F1 %.4f", lang, train_f1)
    out["_meta"] = meta
    target = Path(str(lexicon_files.data_file(WEIGHTS_FILE)))
    body = ",\n".join(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in out.items())
    target.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    logger.info("wrote %s", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
