"""Behaviour of the French/English sentiment rules on hand-written cases (none from any corpus)."""

from __future__ import annotations

import dataclasses

import pytest

from enrich.sentiment import SentimentResult, score_sentiment, score_sentiments


def _has_cue(result: SentimentResult, fragment: str) -> bool:
    return any(fragment.lower() in cue.lower() for cue in result.cues)


# --- contract -----------------------------------------------------------------------------


def test_result_is_frozen_and_bounded() -> None:
    result = score_sentiment("Super service, merci !", "fr")
    assert isinstance(result, SentimentResult)
    assert -1.0 <= result.score <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert isinstance(result.cues, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "negative"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", "!!!", "http://example.com", "@marque", "\x00\x01", "a" * 5000])
@pytest.mark.parametrize("lang", ["fr", "en", "de", ""])
def test_never_raises_and_junk_is_neutral(text: str, lang: str) -> None:
    assert score_sentiment(text, lang).label == "neutral"


def test_batch_matches_single_and_checks_lengths() -> None:
    texts = ["Merci beaucoup !", "Never again.", "Das ist gut 👍"]
    langs = ["fr", "en", "de"]
    assert score_sentiments(texts, langs) == [
        score_sentiment(t, lang) for t, lang in zip(texts, langs, strict=True)
    ]
    with pytest.raises(ValueError, match="2 texts but 1"):
        score_sentiments(["a", "b"], ["fr"])


def test_region_suffix_and_case_in_lang_are_ignored() -> None:
    assert score_sentiment("Arnaque totale", "FR-fr") == score_sentiment("Arnaque totale", "fr")
    assert score_sentiment("What a scam", "en_GB") == score_sentiment("What a scam", "en")


# --- negation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Franchement, c'est pas terrible.", "fr", "negative"),
        ("Pas top la nouvelle appli", "fr", "negative"),
        ("Je n'aime pas du tout ce produit", "fr", "negative"),
        ("Le produit n'est pas bon", "fr", "negative"),
        ("Ce n'est plus génial depuis la mise à jour", "fr", "negative"),
        ("C'est pas mal du tout", "fr", "positive"),
        ("Pas de souci, merci pour votre retour", "fr", "positive"),
        ("Honestly not bad at all", "en", "positive"),
        ("Never again.", "en", "negative"),
        ("I don't like the new update", "en", "negative"),
        ("The food was not good", "en", "negative"),
        ("It isn't great", "en", "negative"),
        ("No problem, thanks for asking", "en", "positive"),
    ],
)
def test_negation(text: str, lang: str, label: str) -> None:
    assert score_sentiment(text, lang).label == label


def test_negation_flips_a_positive_word_and_names_it_as_cue() -> None:
    plain = score_sentiment("Le service est bon", "fr")
    negated = score_sentiment("Le service n'est pas bon", "fr")
    assert plain.label == "positive"
    assert negated.label == "negative"
    assert _has_cue(negated, "negation")


def test_negation_stops_at_clause_boundary() -> None:
    result = score_sentiment("Pas encore testé. Mais l'équipe est géniale", "fr")
    assert result.label == "positive"


# --- intensifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "boosted", "lang"),
    [
        ("Le SAV est efficace", "Le SAV est très efficace", "fr"),
        ("Livraison rapide", "Livraison vraiment rapide", "fr"),
        ("Je suis content", "Je suis trop content", "fr"),
        ("C'est bien", "C'est super bien", "fr"),
        ("Service nul", "Service vraiment nul", "fr"),
        ("I am happy with it", "I am so happy with it", "en"),
        ("The support was good", "The support was really good", "en"),
        ("This is bad", "This is super bad", "en"),
    ],
)
def test_intensifiers_strengthen_the_score(plain: str, boosted: str, lang: str) -> None:
    base = score_sentiment(plain, lang)
    strong = score_sentiment(boosted, lang)
    assert base.label == strong.label != "neutral"
    assert abs(strong.score) > abs(base.score)
    assert _has_cue(strong, "intensifier")


def test_super_alone_is_positive() -> None:
    assert score_sentiment("C'est super", "fr").label == "positive"


# --- emojis and emoticons --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("😡", "negative"),
        ("😍", "positive"),
        ("👍", "positive"),
        ("🙄", "negative"),
        ("👍🏽", "positive"),
        ("❤️", "positive"),
        (":)", "positive"),
        (":-(", "negative"),
        (":'(", "negative"),
        ("<3", "positive"),
        ("&lt;3", "positive"),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_emojis_and_emoticons(text: str, label: str, lang: str) -> None:
    result = score_sentiment(f"Ma commande {text}" if lang == "fr" else f"My order {text}", lang)
    assert result.label == label
    assert _has_cue(result, "emoji:") or _has_cue(result, "emoticon:")


def test_emoji_outweighs_mild_text() -> None:
    assert score_sentiment("Bon, la livraison est arrivée 😡😡", "fr").label == "negative"
    assert score_sentiment("Le colis est arrivé 😍", "fr").label == "positive"


def test_emoticon_is_not_found_inside_a_word() -> None:
    assert not any("emoticon" in cue for cue in score_sentiment("Voir:pas de lien", "fr").cues)


# --- hashtags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "label", "cue"),
    [
        ("Livraison du jour #fail", "fr", "negative", "#fail"),
        ("Colis arrivé #merci", "fr", "positive", "#merci"),
        ("On arrête d'acheter chez eux #boycott", "fr", "negative", "#boycott"),
        ("Encore une promesse #arnaque", "fr", "negative", "#arnaque"),
        ("Update installed #fail", "en", "negative", "#fail"),
        ("Package delivered #thanks", "en", "positive", "#thanks"),
        ("Their prices #scam", "en", "negative", "#scam"),
    ],
)
def test_hashtags(text: str, lang: str, label: str, cue: str) -> None:
    result = score_sentiment(text, lang)
    assert result.label == label
    assert _has_cue(result, f"hashtag:{cue}")


# --- elongation and shouting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "long", "lang", "label"),
    [
        ("C'est nul", "C'est nuuuul", "fr", "negative"),
        ("Merci", "Merciiii", "fr", "positive"),
        ("I love it", "I loooove it", "en", "positive"),
        ("So bad", "So baaaad", "en", "negative"),
    ],
)
def test_elongated_words_are_recognised_and_amplified(plain: str, long: str, lang: str, label: str) -> None:
    base = score_sentiment(plain, lang)
    stretched = score_sentiment(long, lang)
    assert base.label == stretched.label == label
    assert abs(stretched.score) >= abs(base.score)
    assert _has_cue(stretched, "elongation")


def test_capitalised_word_is_shouting() -> None:
    base = score_sentiment("Le service est nul", "fr")
    shout = score_sentiment("Le service est NUL", "fr")
    assert shout.label == "negative"
    assert abs(shout.score) > abs(base.score)
    assert _has_cue(shout, "shouting:NUL")


def test_whole_message_in_capitals_is_shouting() -> None:
    result = score_sentiment("C'EST INADMISSIBLE, TROISIÈME PANNE CETTE SEMAINE", "fr")
    assert result.label == "negative"
    assert _has_cue(result, "shouting:ALL CAPS")
    assert score_sentiment("THIS IS TERRIBLE SERVICE", "en").label == "negative"


def test_acronyms_alone_are_not_shouting() -> None:
    assert not any("shouting" in cue for cue in score_sentiment("Le SAV de la SNCF", "fr").cues)


# --- community-management vocabulary ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        ("Colis jamais reçu et service client injoignable", "negative", "colis jamais reçu"),
        ("Toujours pas de réponse à mon mail", "negative", "toujours pas"),
        ("Je demande un remboursement, c'est une arnaque", "negative", "arnaque"),
        ("Bravo à l'équipe, SAV réactif et efficace", "positive", "bravo"),
        ("Encore un bug sur l'appli", "negative", "bug"),
        ("Panne générale depuis ce matin", "negative", "panne"),
        ("Rappel produit sur les yaourts nature", "negative", "rappel produit"),
        ("Délai de livraison non respecté", "negative", "délai"),
        ("Je déconseille cette boutique", "negative", "déconseille"),
        ("Problème réglé en 5 minutes, merci !", "positive", "problème réglé"),
        ("Remboursement rapide, rien à redire", "positive", "remboursement rapide"),
        ("Ça ne marche plus depuis la mise à jour", "negative", "marche plus"),
        ("Personne ne répond au téléphone", "negative", "personne ne répond"),
        ("J'en ai marre d'attendre", "negative", "marre"),
    ],
)
def test_french_cm_phrases(text: str, label: str, cue: str) -> None:
    result = score_sentiment(text, "fr")
    assert result.label == label
    assert _has_cue(result, cue)


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        ("Thanks for the quick fix!", "positive", "thanks for the quick fix"),
        ("This is a scam, I want a refund", "negative", "scam"),
        ("Another outage this morning", "negative", "outage"),
        ("Still waiting for my refund", "negative", "still waiting"),
        ("My package never arrived", "negative", "never arrived"),
        ("The app keeps crashing", "negative", "keeps crashing"),
        ("Great job by the support team", "positive", "great job"),
        ("Product recall on the blue kettles", "negative", "product recall"),
        ("Customer service was helpful and quick", "positive", "helpful"),
        ("The checkout is broken again", "negative", "broken"),
    ],
)
def test_english_cm_phrases(text: str, label: str, cue: str) -> None:
    result = score_sentiment(text, "en")
    assert result.label == label
    assert _has_cue(result, cue)


def test_contrast_gives_more_weight_to_what_follows_mais() -> None:
    assert score_sentiment("Le produit est bien mais le SAV est nul", "fr").label == "negative"
    assert score_sentiment("The delivery was late but the support was amazing", "en").label == "positive"


# --- neutral news and fallback -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le conseil municipal se réunira jeudi à 18 heures", "fr"),
        ("La ministre présente le budget 2025 devant l'Assemblée", "fr"),
        ("Le délai de livraison est de trois jours ouvrés", "fr"),
        ("La société publiera ses résultats trimestriels le 12 mars", "fr"),
        ("The company will publish quarterly results on Tuesday", "en"),
        ("The city council meets on Thursday at 6 pm", "en"),
        ("Our store opens at 9 am on weekdays", "en"),
    ],
)
def test_neutral_headlines(text: str, lang: str) -> None:
    result = score_sentiment(text, lang)
    assert result.label == "neutral"
    assert result.cues == ()


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Das Paket ist angekommen 😍", "de", "positive"),
        ("El servicio es horrible 😡", "es", "negative"),
        ("Pacote entregue :)", "pt", "positive"),
        ("Das ist schrecklich", "de", "neutral"),
        ("Questo è fantastico", "it", "neutral"),
        ("👍", "und", "positive"),
    ],
)
def test_other_languages_use_emoji_only(text: str, lang: str, label: str) -> None:
    result = score_sentiment(text, lang)
    assert result.label == label
    assert all(cue.startswith(("emoji:", "emoticon:")) for cue in result.cues)


def test_cues_are_strongest_first_and_bounded() -> None:
    result = score_sentiment(
        "Arnaque, honte, scandale, nul, pourri, minable, lamentable, catastrophe 😡", "fr"
    )
    assert result.label == "negative"
    assert 1 <= len(result.cues) <= 6
