"""Language of real-world-like mentions (uses the shipped word lists and lingua)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.langid import UNDETERMINED, LanguageGuess, detect_language, detect_languages

FRENCH = [
    "Franchement le nouveau forfait de @Orange c'est du vol 😡😡 #arnaque https://t.co/abc123",
    "RT @BFMTV: Grève SNCF : le trafic sera très perturbé demain sur les lignes TGV #greve",
    "jsuis trop degoute du service client, ca fait 3 semaines que j'attends mon remboursement",
    "Le meeting de ce matin était top, on a fait un brainstorming sur la roadmap 🚀",
    "Apple annonce l'iPhone 16 : prix, date de sortie et nouveautés",
    "Nouveau record pour @Renault ! Les ventes de la Mégane E-Tech explosent",
    "ete tres chaud cette annee a la plage, on a adore",
    "C’est l’heure de l’apéro 🍷 #vendredi",
    "Incendie à Marseille : les pompiers toujours mobilisés",
    "mdr t'as vu ça ??",
    "trop bien",
    "#MacronDemission",
]
ENGLISH = [
    "Just tried the new @Decathlon running shoes and they're amazing! #running https://bit.ly/x",
    "Worst customer service ever. Been waiting 2 hours on hold 🙄",
    "Breaking: Tesla recalls 2 million vehicles over Autopilot safety concerns",
    "Paris is so beautiful in the spring, can't wait to go back 😍",
    "lol that's hilarious",
    "big mistake",
    "#BlackLivesMatter",
    "Thanks for the quick reply @SNCF, really appreciated",
]
OTHERS = [
    ("Hoy es un gran día para el equipo, ¡vamos!", "es"),
    ("Ich finde das neue Update wirklich schlecht, alles ist langsamer geworden.", "de"),
    ("Questo prodotto è fantastico, lo consiglio a tutti", "it"),
    ("Dit is echt de beste pizza van Amsterdam", "nl"),
    ("Obrigado pelo atendimento, vocês são demais!", "pt"),
    ("Avui fa un dia molt bonic a Barcelona i anirem a la platja", "ca"),
    ("Bu ürünü çok beğendim, herkese tavsiye ederim", "tr"),
    ("Dzisiaj jest piękny dzień w Warszawie", "pl"),
    ("Astăzi este o zi frumoasă la București", "ro"),
    ("Привет, как дела? Это лучший магазин в Москве", "ru"),
    ("Слава Україні! Дякую за підтримку", "uk"),
    ("مرحبا بكم في متجرنا الجديد", "ar"),
    ("東京で新しいお店がオープンしました", "ja"),
    ("我们今天去北京看看", "zh"),
    ("안녕하세요 오늘 날씨가 좋네요", "ko"),
    ("Καλημέρα σε όλους!", "el"),
    ("שלום לכולם, שבוע טוב", "he"),
]
NOTHING = [
    "",
    "   ",
    "12345 !!!",
    "@handle",
    "#",
    "😀😀🔥🔥 https://t.co/xyz @someone #123",
    "👍🏽",
    "https://x.fr",
]


@pytest.mark.parametrize("text", FRENCH)
def test_french_mentions(text: str) -> None:
    assert detect_language(text).lang == "fr"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_mentions(text: str) -> None:
    assert detect_language(text).lang == "en"


@pytest.mark.parametrize(("text", "lang"), OTHERS)
def test_other_languages_get_their_own_code(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize("text", NOTHING)
def test_nothing_to_read_is_undetermined(text: str) -> None:
    assert detect_language(text) == LanguageGuess(UNDETERMINED, 0.0, "empty")


def test_sentences_are_settled_by_the_cheap_tier() -> None:
    assert detect_language(FRENCH[0]).method == "fast"
    assert detect_language(ENGLISH[1]).method == "fast"
    assert detect_language("Καλημέρα σε όλους!").method == "script"


def test_confident_on_sentences() -> None:
    guess = detect_language("Le gouvernement a annoncé de nouvelles mesures pour les retraites")
    assert guess.confidence > 0.99


def test_hint_breaks_near_ties_only() -> None:
    assert detect_language("Le trafic est perturbé ce matin", hint="en").lang == "fr"
    # "table" is as French as it is English: the feed's declared language decides (either way)
    assert detect_language("table", hint="fr-FR").lang == "fr"
    assert detect_language("table", hint="en_GB").lang == "en"
    assert detect_language("table", hint="???") == detect_language("table")  # unusable: ignored


def test_batch_equals_single() -> None:
    texts = [*FRENCH, *ENGLISH, *(text for text, _ in OTHERS), *NOTHING, "grosse déception", "ok", "hello"]
    hints: list[str | None] = [None] * len(texts)
    hints[0], hints[-1] = "fr", "fr"
    assert detect_languages(texts, hints) == [
        detect_language(t, h) for t, h in zip(texts, hints, strict=True)
    ]


def test_batch_groups_and_duplicates() -> None:
    words = ["nourrir", "evidence", "anzeigen", "destinos", "notice"] * 10  # deferred to lingua, grouped
    assert detect_languages(words) == [detect_language(word) for word in words]
    assert detect_languages([]) == []


def test_batch_rejects_mismatched_hints() -> None:
    with pytest.raises(ValueError, match="hints"):
        detect_languages(["a", "b"], ["fr"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=6)))
def test_any_text_gives_a_well_formed_guess(text: str, hint: str | None) -> None:
    guess = detect_language(text, hint)
    assert guess.lang == UNDETERMINED or (len(guess.lang) == 2 and guess.lang.islower())
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.method in {"empty", "script", "fast", "lingua"}
