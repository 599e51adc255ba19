"""Unit tests of the building blocks: tokeniser, word keys, metrics, dataset reader, weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrich.sentiment import evaluate, metrics
from enrich.sentiment import tokenize as tk
from enrich.sentiment.dataset import read_labelled
from enrich.sentiment.model import load_weights, model_from_json
from enrich.sentiment.resources import resources_for, split_word
from enrich.sentiment.text_keys import fold_accents, is_elongated, phrase_key, squeeze


def test_tokenizer_kinds() -> None:
    tokens = tk.tokenize("Trop nuuuul :( le SAV!!! 😡 #fail @marque https://x.fr/a l'équipe 12,5 ? ❤️ :pas")
    kinds = {surface: kind for kind, surface in tokens}
    assert kinds["nuuuul"] == tk.WORD
    assert kinds[":("] == tk.EMOTICON
    assert kinds["!!!"] == tk.EXCLAIM
    assert kinds["😡"] == tk.EMOJI
    assert kinds["#fail"] == tk.HASHTAG
    assert kinds["@marque"] == tk.MENTION
    assert kinds["https://x.fr/a"] == tk.URL
    assert kinds["l'équipe"] == tk.WORD
    assert kinds["12,5"] == tk.NUMBER
    assert kinds["?"] == tk.QUESTION
    assert kinds["❤️"] == tk.EMOJI
    assert ":p" not in kinds


def test_tokenizer_undoes_html_and_literal_escapes() -> None:
    assert (tk.EMOTICON, "<3") in tk.tokenize("&lt;3")
    assert (tk.WORD, "i’m") in tk.tokenize("i\\u2019m")


def test_word_keys() -> None:
    assert fold_accents("déçu") == "decu"
    assert is_elongated("nuuuul")
    assert not is_elongated("cool")
    assert squeeze("loooove", 1) == "love"
    assert squeeze("coooool", 2) == "cool"
    assert phrase_key("Réçu") == "recu"
    assert split_word("n'est", "fr") == ["ne", "est"]
    assert split_word("l'équipe", "fr") == ["équipe"]
    assert split_word("don't", "en") == ["don't"]


def test_lexicon_fallbacks() -> None:
    res = resources_for("fr")
    assert res is not None
    lex = res.lexicon
    assert lex.lookup("decu") == lex.lookup("déçu")  # missing accents
    hit = lex.lookup("nuuuul")
    assert hit is not None
    assert hit[0] < 0
    hit = lex.lookup("incompétentes")
    assert hit is not None
    assert hit[0] < 0
    assert lex.lookup("xyzzy") is None
    assert resources_for("de") is None


def test_metrics_on_a_tiny_case() -> None:
    gold = ["negative", "neutral", "positive", "positive"]
    pred = ["negative", "positive", "positive", "neutral"]
    report = metrics.report(gold, pred)
    assert report["accuracy"] == 0.5
    per_class = report["per_class"]
    assert isinstance(per_class, dict)
    assert per_class["negative"]["f1"] == 1.0
    assert per_class["neutral"]["f1"] == 0.0
    assert per_class["positive"]["f1"] == 0.5
    assert report["macro_f1"] == 0.5
    with pytest.raises(ValueError, match="gold labels"):
        metrics.report(["negative"], [])
    with pytest.raises(ValueError, match="unknown label"):
        metrics.report(["bad"], ["negative"])


def test_dataset_reader_and_evaluate_on_own_file(tmp_path: Path) -> None:
    rows = [
        {"text": "Service client au top, merci !", "label": "positive"},
        {"text": "Colis jamais reçu, arnaque", "label": "negative"},
        {"text": "Le magasin ouvre à 9 heures", "label": "neutral"},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    _texts, labels = read_labelled(path)
    assert labels == ["positive", "negative", "neutral"]
    report = evaluate(path, "fr")
    assert report["macro_f1"] == 1.0
    assert report["n"] == 3


@pytest.mark.parametrize(
    "line", ["not json", "[1, 2]", '{"text": "x", "label": "angry"}', '{"label": "neutral"}']
)
def test_dataset_reader_rejects_bad_lines(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        read_labelled(path)


def test_shipped_weights_match_features() -> None:
    models = load_weights()
    assert set(models) == {"fr", "en"}
    with pytest.raises(ValueError, match="re-run tune"):
        model_from_json({"features": ["other"], "classes": ["negative", "neutral", "positive"]})
