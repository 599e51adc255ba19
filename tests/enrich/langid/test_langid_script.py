"""Writing-system detection."""

from __future__ import annotations

import pytest

from enrich.langid.script import dominant_script, script_of


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Bonjour à tous", "latin"),
        ("Привет всем", "cyrillic"),
        ("Καλημέρα", "greek"),
        ("שלום לכולם", "hebrew"),
        ("مرحبا بكم", "arabic"),
        ("नमस्ते दोस्तों", "devanagari"),
        ("東京で新しいお店", "kana"),  # Han with kana: Japanese
        ("我们今天去北京", "han"),
        ("안녕하세요 韓國", "hangul"),  # Han with hangul: Korean
        ("สวัสดีครับ", "thai"),
        ("Merci beaucoup! Спасибо", "latin"),  # Latin holds half the letters or more
    ],
)
def test_dominant_script(text: str, script: str) -> None:
    assert dominant_script(text).script == script


def test_share_counts_letters_only() -> None:
    found = dominant_script("Привет, 2024!! 😀")
    assert found.script == "cyrillic"
    assert found.share == 1.0


def test_minority_script_share() -> None:
    found = dominant_script("Москва Moscou Moskau Moscow")
    assert found.script == "latin"
    assert 0.5 <= found.share < 1.0


@pytest.mark.parametrize("text", ["", "١٢٣", "²³ ½"])  # Arabic-Indic digits, superscripts: no letters
def test_no_letters_counts_as_latin(text: str) -> None:
    assert dominant_script(text).script == "latin"


def test_script_of_unknown_block() -> None:
    assert script_of("Ꭰ") == "other"  # Cherokee
