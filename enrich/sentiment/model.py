"""Feature combination: a 3-class logistic regression over ``features.FEATURE_NAMES``.

The learned numbers live in ``data/weights.json`` (produced by ``python -m enrich.sentiment.tune``
from the train splits; only these few dozen numbers are shipped, never any training text).
``load_weights`` raises ``ValueError`` when the file does not match ``FEATURE_NAMES``.
"""

from __future__ import annotations

import functools
import json
import math
import operator
from dataclasses import dataclass

from enrich.sentiment import lexicon_files
from enrich.sentiment.features import FEATURE_NAMES
from enrich.sentiment.result import LABELS

WEIGHTS_FILE = "weights.json"


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Softmax(W·x + b) over the classes ``LABELS`` (negative, neutral, positive)."""

    weights: tuple[tuple[float, ...], ...]  # one row per class, one column per feature
    bias: tuple[float, ...]

    def probabilities(self, features: tuple[float, ...]) -> tuple[float, float, float]:
        """Class probabilities in ``LABELS`` order."""
        w_neg, w_neu, w_pos = self.weights
        b_neg, b_neu, b_pos = self.bias
        l_neg = b_neg + sum(map(operator.mul, w_neg, features))
        l_neu = b_neu + sum(map(operator.mul, w_neu, features))
        l_pos = b_pos + sum(map(operator.mul, w_pos, features))
        top = max(l_neg, l_neu, l_pos)
        e_neg, e_neu, e_pos = math.exp(l_neg - top), math.exp(l_neu - top), math.exp(l_pos - top)
        total = e_neg + e_neu + e_pos
        return (e_neg / total, e_neu / total, e_pos / total)

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURE_NAMES),
            "classes": list(LABELS),
            "weights": [list(r) for r in self.weights],
            "bias": list(self.bias),
        }


def model_from_json(data: dict[str, object]) -> LinearModel:
    """Build a model from its JSON form, checking it matches the current feature list."""
    if data.get("features") != list(FEATURE_NAMES) or data.get("classes") != list(LABELS):
        raise ValueError("sentiment weights do not match the current features/classes: re-run tune")
    raw_w = data["weights"]
    raw_b = data["bias"]
    if not isinstance(raw_w, list) or not isinstance(raw_b, list) or len(raw_w) != len(LABELS):
        raise ValueError("malformed sentiment weights")
    weights = tuple(tuple(float(v) for v in row) for row in raw_w)
    if any(len(row) != len(FEATURE_NAMES) for row in weights):
        raise ValueError("malformed sentiment weights")
    return LinearModel(weights=weights, bias=tuple(float(v) for v in raw_b))


@functools.cache
def load_weights() -> dict[str, LinearModel]:
    """The shipped per-language models (``{"fr": ..., "en": ...}``)."""
    data = json.loads(lexicon_files.data_file(WEIGHTS_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{WEIGHTS_FILE}: expected an object keyed by language")
    return {lang: model_from_json(spec) for lang, spec in data.items() if lang != "_meta"}
