"""Accuracy on the held-out validation splits (DEFT 2017 French, SemEval-2017 English).

The files live outside the repository (licence): the tests skip, saying why, when they are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoute.evaldata import eval_dir
from enrich.sentiment import evaluate
from enrich.sentiment.lexicon_files import vader_en_available

EVAL_DIR = eval_dir() / "sentiment"
TARGET_MACRO_F1 = 0.65


def _val_file(lang: str) -> Path:
    path = EVAL_DIR / f"{lang}_val.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is missing (evaluation data is not shipped with the repository)")
    if lang == "en" and not vader_en_available():
        pytest.skip("vaderSentiment is not installed: the English base lexicon is missing")
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_validation_macro_f1_meets_target(lang: str) -> None:
    report = evaluate(_val_file(lang), lang)
    assert float(str(report["macro_f1"])) >= TARGET_MACRO_F1, report
    baseline = report["baseline"]
    assert isinstance(baseline, dict)
    assert float(str(report["macro_f1"])) > float(baseline["macro_f1"]), "rules should beat the bare count"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_evaluate_report_shape(lang: str) -> None:
    report = evaluate(_val_file(lang), lang)
    assert report["n"] == 324
    per_class = report["per_class"]
    assert isinstance(per_class, dict)
    assert set(per_class) == {"negative", "neutral", "positive"}
    for scores in per_class.values():
        assert set(scores) == {"precision", "recall", "f1", "support"}
    confusion = report["confusion"]
    assert isinstance(confusion, dict)
    assert sum(map(sum, confusion["rows_gold_cols_pred"])) == 324
    assert 0.0 <= float(str(report["accuracy"])) <= 1.0
    assert float(str(report["throughput_texts_per_s"])) > 0
    assert {"baseline", "baseline_base_lexicon"} <= set(report)
