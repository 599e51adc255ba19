"""The two halves of one detection: the cheap first pass, and the lingua pass it may defer to.

:func:`first_pass` cleans the text and settles it by script or by the word model when it can; when it
cannot, it returns a :class:`Deferred` naming the candidate languages, which :func:`resolve` settles
from lingua's probabilities. Splitting there lets the batch API group deferred texts by candidate set.
"""

from __future__ import annotations

from dataclasses import dataclass

from enrich.langid.clean import clean_text, has_letters
from enrich.langid.fusion import best_index, candidates, decisive_winner, fuse, ranking, share
from enrich.langid.guess import EMPTY, UNDETERMINED, LanguageGuess
from enrich.langid.languages import SCRIPT_LANGUAGES, SINGLE_SCRIPT_LANGUAGE, normalise_hint
from enrich.langid.lexicon import get_lexicon
from enrich.langid.lingua_tier import Candidates
from enrich.langid.params import CONFIDENCE_DIGITS, HINT_BONUS, MAX_CHARS
from enrich.langid.script import dominant_script


@dataclass(frozen=True, slots=True)
class Deferred:
    """A text the first pass could not settle: lingua must compare ``candidates``.

    ``text`` is the cleaned text; ``prior`` holds each candidate's word score (hint included).
    """

    text: str
    candidates: Candidates
    prior: tuple[float, ...]


def first_pass(text: str, hint: str | None = None) -> LanguageGuess | Deferred:
    """Settle ``text`` (its first :data:`MAX_CHARS` characters) by script or word frequencies, or defer
    it to lingua. Never raises on a str."""
    cleaned = clean_text(text[:MAX_CHARS])
    if not has_letters(cleaned):
        return EMPTY
    hinted = normalise_hint(hint)
    script = dominant_script(cleaned)
    if script.script != "latin":
        return _by_script(cleaned, script.script, script.share, hinted)
    lexicon = get_lexicon()
    scores, _ = lexicon.score(cleaned)
    if hinted in lexicon.languages:
        scores[lexicon.languages.index(hinted)] += HINT_BONUS
    winner = decisive_winner(scores)
    if winner is not None:
        return LanguageGuess(lexicon.languages[winner], share(scores, winner), "fast")
    chosen = candidates(scores, ranking(scores))
    return Deferred(cleaned, tuple(lexicon.languages[i] for i in chosen), tuple(scores[i] for i in chosen))


def resolve(deferred: Deferred, probabilities: tuple[float, ...]) -> LanguageGuess:
    """Settle a deferred text from lingua's probability for each of its candidates.

    ``'und'`` when neither lingua nor the word model found anything to go on.
    """
    if not any(probabilities) and not any(deferred.prior):
        return LanguageGuess(UNDETERMINED, 0.0, "lingua")
    fused = fuse(deferred.prior, probabilities)
    best = best_index(fused)
    return LanguageGuess(deferred.candidates[best], share(fused, best), "lingua")


def _by_script(
    cleaned: str, script: str, script_share: float, hinted: str | None
) -> LanguageGuess | Deferred:
    single = SINGLE_SCRIPT_LANGUAGE.get(script)
    if single is not None:
        return LanguageGuess(single, round(script_share, CONFIDENCE_DIGITS), "script")
    group = SCRIPT_LANGUAGES.get(script)
    if group is None:
        return LanguageGuess(UNDETERMINED, 0.0, "script")
    prior = tuple(HINT_BONUS if lang == hinted else 0.0 for lang in group)
    return Deferred(cleaned, group, prior)
