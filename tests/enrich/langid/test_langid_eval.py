"""Evaluation: the scoring itself, and the targets on the shared dev split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecoute.evaldata import eval_dir
from enrich.langid import evaluate
from enrich.langid.evaluate import Sample, read_samples, score_labels

DEV = eval_dir() / "langid" / "dev.jsonl"


def test_score_labels() -> None:
    samples = [
        Sample("a", "fr", "word"),
        Sample("b", "fr", "word"),
        Sample("c", "de", "word"),
        Sample("d", "de", "sentence"),
    ]
    report = score_labels(samples, ["fr", "en", "en", "de"])
    assert report["accuracy"] == {"fr": {"word": 0.5}, "de": {"word": 0.0, "sentence": 1.0}}
    assert report["other_as_fr_en"] == {"all": 0.5, "sentence": 0.0, "word": 1.0}
    assert report["undetermined"] == 0.0


def test_read_samples_rejects_malformed_lines(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": "bonjour", "lang": "fr", "kind": "word"}) + "\n\n", encoding="utf-8")
    assert read_samples(good) == [Sample("bonjour", "fr", "word")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "bonjour", "lang": "fr"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1"):
        read_samples(bad)


def test_evaluate_small_file(tmp_path: Path) -> None:
    path = tmp_path / "small.jsonl"
    rows = [
        {"text": "Le chat dort sur le canapé depuis ce matin.", "lang": "fr", "kind": "sentence"},
        {"text": "The cat has been sleeping on the couch all morning.", "lang": "en", "kind": "sentence"},
        {"text": "Die Katze schläft seit heute Morgen auf dem Sofa.", "lang": "de", "kind": "sentence"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    report = evaluate(path)
    assert report["texts"] == 3
    assert report["accuracy"] == {"de": {"sentence": 1.0}, "en": {"sentence": 1.0}, "fr": {"sentence": 1.0}}
    assert report["other_as_fr_en"]["all"] == 0.0
    assert report["batch_equals_single"] is True
    assert report["texts_per_second"]["single"] > 0
    assert report["texts_per_second"]["batch"] > 0


@pytest.mark.skipif(not DEV.is_file(), reason=f"dev split not found at {DEV} (shared/ is not checked out)")
def test_dev_split_targets() -> None:
    report = evaluate(DEV)
    accuracy = report["accuracy"]
    for lang in ("fr", "en"):
        assert accuracy[lang]["sentence"] >= 0.995, (lang, accuracy[lang])
        assert accuracy[lang]["word_pair"] >= 0.92, (lang, accuracy[lang])
    for lang in ("de", "es", "it", "nl", "pt"):
        assert accuracy[lang]["sentence"] >= 0.99, (lang, accuracy[lang])
    other = report["other_as_fr_en"]
    assert other["sentence"] <= 0.002, other
    assert other["word_pair"] <= 0.03, other
    assert other["all"] <= 0.03, other
    assert report["undetermined"] == 0.0
    assert report["batch_equals_single"] is True
