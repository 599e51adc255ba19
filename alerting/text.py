"""Human text of alerts, in the language of their mentions (French or English; pure).

The language is the majority language of the mentions the alert stands for, among ``fr`` and ``en``;
French wins ties and the absence of either (ecoute is made for French CMs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemas.alert import AlertExplanation, AlertLang, AlertSample
from schemas.rules import RuleKind


def alert_lang(langs: Iterable[tuple[str, int]]) -> AlertLang:
    counts = dict(langs)
    return "en" if counts.get("en", 0) > counts.get("fr", 0) else "fr"


def duration(seconds: float, lang: AlertLang) -> str:
    """``900`` → ``15 min``; ``86400`` → ``24 h``; ``604800`` → ``7 jours`` / ``7 days``."""
    s = int(seconds)
    if s >= 2 * 86_400 and s % 86_400 == 0:
        days = s // 86_400
        return f"{days} {'jours' if lang == 'fr' else 'days'}"
    if s >= 3600 and s % 3600 == 0:
        return f"{s // 3600} h"
    if s >= 60:
        return f"{s // 60} min"
    return f"{s} s"


def number(value: float, lang: AlertLang, digits: int = 2) -> str:
    """A readable number: integers as is, small p-values in scientific notation, French decimal comma."""
    if value == int(value) and abs(value) < 1e15:
        text = f"{int(value):,}".replace(",", "\u202f" if lang == "fr" else ",")
        return text
    if 0 < abs(value) < 10 ** (-digits):
        text = f"{value:.1e}"
    else:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def percent(share: float, lang: AlertLang) -> str:
    return (
        f"{number(round(share * 100, 1), lang, 1)}\u202f%" if lang == "fr" else f"{round(share * 100, 1):g}%"
    )


def _quote(text: str, lang: AlertLang) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def _mention_line(sample: AlertSample, lang: AlertLang) -> str:
    what = sample.title or sample.excerpt
    who = sample.author or ("un auteur inconnu" if lang == "fr" else "an unknown author")
    where = sample.site
    if lang == "fr":
        return f"{_quote(what[:160], lang)} — {who} sur {where}"
    return f"{_quote(what[:160], lang)} — {who} on {where}"


@dataclass(frozen=True, slots=True)
class AlertText:
    title: str
    text: str


def _grouped_suffix(count: int, grouped: bool, cooldown_s: float, lang: AlertLang) -> str:
    others = count if grouped else count - 1
    if others <= 0:
        return ""
    pause = duration(cooldown_s, lang)
    if lang == "fr":
        if grouped:
            return f" {count} mentions ont déclenché la règle pendant les {pause} de pause."
        return f" Et {others} autre(s) pendant les {pause} de pause précédentes."
    if grouped:
        return f" {count} mentions fired the rule during the {pause} cooldown."
    return f" Plus {others} more during the preceding {pause} cooldown."


def render(
    *,
    kind: RuleKind,
    query: str,
    explanation: AlertExplanation,
    samples: tuple[AlertSample, ...],
    count: int,
    grouped: bool,
    cooldown_s: float,
    lang: AlertLang,
) -> AlertText:
    """Title and text of an alert."""
    d = explanation.details
    first = samples[0] if samples else None
    q = _quote(query, lang)
    fr = lang == "fr"
    suffix = _grouped_suffix(count, grouped, cooldown_s, lang)
    if kind == "match":
        title = (
            (f"{count} nouvelles mentions : {query}" if fr else f"{count} new mentions: {query}")
            if count > 1
            else (f"Nouvelle mention : {query}" if fr else f"New mention: {query}")
        )
        body = (f"La requête {q} a trouvé : " if fr else f"Query {q} matched: ") + (
            _mention_line(first, lang) if first else "…"
        )
        if d.get("only_negative"):
            body += " (mentions négatives uniquement)." if fr else " (negative mentions only)."
        else:
            body += "."
        return AlertText(title, body + suffix)
    if kind == "spike":
        window = duration(float(d.get("window_s", 0)), lang)
        base = duration(float(d.get("history_s", d.get("baseline_s", 0))), lang)
        obs = number(explanation.observed, lang)
        expected = number(explanation.baseline or 0.0, lang)
        ratio = number(float(d.get("ratio", 0)), lang, 1)
        z = number(explanation.z or 0.0, lang)
        threshold = number(explanation.threshold, lang, 3)
        p_value = number(explanation.p_value or 0.0, lang, 3)
        if explanation.statistic == "ewma_z":
            test = (
                f"Score EWMA : z = {z} (seuil {threshold}"
                if fr
                else f"EWMA score: z = {z} (threshold {threshold}"
            )
        else:
            test = (
                f"Test de Poisson : p = {p_value} (seuil {threshold}"
                if fr
                else f"Poisson test: p = {p_value} (threshold {threshold}"
            )
        minimum = number(float(d.get("min_count", 0)), lang)
        title = f"Pic de mentions : {query}" if fr else f"Mention spike: {query}"
        body = (
            f"Pic de volume sur {q} : {obs} mentions en {window}, contre {expected} attendue(s) "
            f"d'après les {base} précédentes (×{ratio}). {test}, minimum {minimum} mentions)."
            if fr
            else f"Volume spike on {q}: {obs} mentions in {window}, against {expected} expected from "
            f"the previous {base} (×{ratio}). {test}, at least {minimum} mentions)."
        )
        if first:
            body += (" Exemple : " if fr else " For example: ") + _mention_line(first, lang) + "."
        return AlertText(title, body + suffix)
    if kind == "negative_surge":
        window = duration(float(d.get("window_s", 0)), lang)
        share = percent(explanation.observed, lang)
        base = percent(explanation.baseline or 0.0, lang)
        neg, tot = d.get("window_negative", 0), d.get("window_total", 0)
        z = number(explanation.z or 0.0, lang)
        threshold = number(explanation.threshold, lang)
        p_value = number(explanation.p_value or 0.0, lang, 3)
        if explanation.statistic == "two_proportion_z":
            test = f"z = {z} ({'seuil' if fr else 'threshold'} {threshold})"
        else:
            test = f"test binomial p = {p_value}" if fr else f"binomial test p = {p_value}"
        title = f"Montée du négatif : {query}" if fr else f"Negative surge: {query}"
        body = (
            f"Montée du négatif sur {q} : {share} de mentions négatives ({neg}/{tot}) en {window}, "
            f"contre {base} d'habitude ; {test}."
            if fr
            else f"Negative surge on {q}: {share} negative mentions ({neg}/{tot}) in {window}, "
            f"against {base} usually; {test}."
        )
        if first:
            body += (" Exemple : " if fr else " For example: ") + _mention_line(first, lang) + "."
        return AlertText(title, body + suffix)
    if kind == "influencer":
        author = str(d.get("author") or (first.author if first else "") or "?")
        reach = number(explanation.observed, lang)
        limit = number(explanation.threshold, lang)
        title = f"Influenceur : {author} ({query})" if fr else f"Influencer: {author} ({query})"
        body = (
            (
                f"{author} ({reach} abonnés, seuil {limit}) parle de {q} : "
                if fr
                else f"{author} ({reach} followers, threshold {limit}) mentions {q}: "
            )
            + (_mention_line(first, lang) if first else "…")
            + "."
        )
        return AlertText(title, body + suffix)
    site = str(d.get("site") or (first.site if first else "?"))
    title = f"Nouveau site : {site} ({query})" if fr else f"New site: {site} ({query})"
    body = (
        (f"Première mention de {q} sur {site} : " if fr else f"First mention of {q} on {site}: ")
        + (_mention_line(first, lang) if first else "…")
        + "."
    )
    return AlertText(title, body + suffix)
