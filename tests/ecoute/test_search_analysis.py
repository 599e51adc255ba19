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


def test_the_c_stemmers_give_the_pure_python_snowball_stems() -> None:
    """PyStemmer (C, used by snowballstemmer when installed) must stem exactly like the pure-Python
    Snowball algorithms, or documents indexed before and after installing it would disagree."""
    import Stemmer  # type: ignore[import-not-found]
    from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]
    from snowballstemmer.french_stemmer import FrenchStemmer  # type: ignore[import-untyped]

    words = [
        "remboursements",
        "décevante",
        "livraisons",
        "consommateurs",
        "mangeaient",
        "disappointed",
        "refunds",
        "flying",
    ]
    for name, pure in (("french", FrenchStemmer()), ("english", EnglishStemmer())):
        fast = Stemmer.Stemmer(name)
        assert [fast.stemWord(w) for w in words] == [pure.stemWord(w) for w in words]


def test_a_stream_of_new_words_keeps_the_stem_memory_bounded() -> None:
    """A stream's vocabulary never stops growing (numbers, handles, typos): the memoised stems must not
    grow with it. 60,000 distinct words (three times the cache) retain what 20,000 words cost at most,
    and a word evicted meanwhile is stemmed the same again."""
    import tracemalloc

    from ecoute.query import tokenize
    from ecoute.search_analysis import STEM_CACHE_SIZE, stem

    words = [f"grèves{n}x" for n in range(3 * STEM_CACHE_SIZE)]
    first = analyze(words[0], "fr")
    texts = [" ".join(words[start : start + 100]) for start in range(0, len(words), 100)]
    tokens = {text: tokenize(text) for text in texts}  # the tokenizer's own memos are not measured here
    stem.cache_clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for text in texts:
            analyze(text, "fr", tokens.__getitem__)
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert stem.cache_info().currsize == STEM_CACHE_SIZE
    assert retained < 15_000_000  # ~450 B per remembered word here: 9 MB; 27 MB with 60,000 words
    assert analyze(words[0], "fr") == first
