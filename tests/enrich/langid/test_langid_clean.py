"""Cleaning social-media text before language identification."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrich.langid.clean import clean_text, has_letters, split_hashtag


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Regardez ça https://t.co/AbC123 et www.lemonde.fr/politique !", "Regardez ça et !"),
        ("voir lemonde.fr/economie/article-42 ou bfmtv.com", "voir ou"),
        ("RT @BFMTV: Grève demain", "Grève demain"),
        ("merci @SNCF_Voyageurs pour rien", "merci pour rien"),
        ("écrivez à support@example.com svp", "écrivez à svp"),
        ("#GrèveGénérale dès lundi", "Grève Générale dès lundi"),
        ("Allez #JO2024_Paris", "Allez JO 2024 Paris"),
        ("Trop bien 😍🔥👍🏽 !", "Trop bien !"),
        ("Tom &amp; Jerry", "Tom Jerry"),
        ("$AAPL monte", "monte"),
        ("C’est l’été", "C'est l'été"),
        ("  plein   d'espaces \n ici ", "plein d'espaces ici"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_composes_accents() -> None:
    decomposed = "e\u0301te\u0301"  # "été" typed with combining accents
    assert clean_text(decomposed) == "été"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("GrèveGénérale", "Grève Générale"),
        ("MacronDémission", "Macron Démission"),
        ("greve", "greve"),
        ("RGPD", "RGPD"),
        ("black_lives_matter", "black lives matter"),
        ("Euro2024", "Euro 2024"),
    ],
)
def test_split_hashtag(body: str, words: str) -> None:
    assert split_hashtag(body) == words


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", False), ("123 !!", False), ("😀 🔥", False), ("a", True), ("東京", True), ("mdr", True)],
)
def test_has_letters(text: str, expected: bool) -> None:
    assert has_letters(text) is expected


@given(st.text())
def test_clean_text_is_total_and_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
