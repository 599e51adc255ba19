"""French/English analysis done in Python at index and query time (pure)."""

from __future__ import annotations

from ecoute.search_analysis import analysis_fields, analyze, language_of


def test_french_elision_stop_words_stemming_and_accents() -> None:
    assert analyze("L'élève et les élèves", "fr") == ["elev", "elev"]
    assert analyze("Les grèves de la SNCF", "fr") == ["grev", "sncf"]
    assert analyze("grève", "fr") == analyze("greve", "fr") == analyze("GRÈVES", "fr")
    assert analyze("jusqu'à aujourd'hui", "fr")[0] != "jusqu"  # elided clitic dropped
    assert analyze("d’Orange", "fr") == ["orang"]  # typographic apostrophe too


def test_english_possessive_stop_words_and_stemming() -> None:
    assert analyze("The company's recalls", "en") == ["compani", "recal"]
    assert analyze("recalled", "en") == analyze("recall", "en") == ["recal"]


def test_hashtags_and_handles_are_words_too() -> None:
    assert analyze("#Grève @Ferralis_Info", "fr") == ["grev", "ferralis_info"]


def test_fields_by_language() -> None:
    fr = analysis_fields("Grève", "Les trains supprimés", "fr")
    assert fr == {"text_fr": ["grev", "train supprim"], "text_en": []}
    assert analysis_fields(None, "recalled", "en-GB") == {"text_fr": [], "text_en": ["recal"]}
    assert analysis_fields("x", "y", "de") == {"text_fr": [], "text_en": []}
    assert analysis_fields(None, "le la", "fr") == {"text_fr": [], "text_en": []}
    assert language_of("FR_ca") == "fr" and language_of(None) is None and language_of("und") is None
