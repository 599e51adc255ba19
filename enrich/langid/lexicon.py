"""Word-frequency language model: the cheap tier, built at first use (see :mod:`enrich.langid.sources`).

For each Latin-script language (:data:`~enrich.langid.languages.LATIN_LANGUAGES`) a text scores
Σ ln(f(word) / floor) over its words found in that language's list, where ``floor`` is the frequency
assumed for an unlisted word: a unigram log-likelihood ratio against "every word is rare". Function
words (le, the, der, el, di…) decide sentences; content words help short texts.

Building the table takes about two seconds and keeps some 50 MB (RSS grows by ~150 MB, the rest being
freed but fragmented heap); :func:`get_lexicon` builds it once per process, thread-safely.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence

from enrich.langid.languages import LATIN_LANGUAGES
from enrich.langid.params import FOLDED_PENALTY, FREQUENCY_FLOOR, SCORE_QUANTUM
from enrich.langid.sources import word_frequencies

Entry = tuple[tuple[int, float], ...]
"""(language index, weight in nats) for each language whose list has the word."""

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_COMBINING = re.compile(r"[\u0300-\u036f]+")


def tokens(text: str) -> list[str]:
    """Case-folded words of cleaned ``text`` (letters only; apostrophes inside a word are kept)."""
    return _TOKEN.findall(text.casefold())


def fold_accents(word: str) -> str:
    """``word`` without its combining accents (``"été"`` → ``"ete"``; ``"ß"``, ``"ø"`` are kept)."""
    if word.isascii():
        return word
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", word)))


class Lexicon:
    """Word → per-language weights, for :attr:`languages` in that order.

    Build with :meth:`from_frequencies` (any source, used by tests) or :func:`get_lexicon` (wordfreq).
    """

    __slots__ = ("_entries", "languages")

    def __init__(self, languages: Sequence[str], entries: dict[str, Entry]) -> None:
        self.languages: tuple[str, ...] = tuple(languages)
        self._entries = entries

    @classmethod
    def from_frequencies(cls, frequencies: Iterable[tuple[str, Iterable[tuple[str, float]]]]) -> Lexicon:
        """Build from ``(language, [(word, frequency), …])`` pairs, consumed one language at a time.

        Words are case-folded; words that are not letter runs (digits, abbreviations with dots) are
        skipped; an accent-stripped spelling is added at :data:`FOLDED_PENALTY` of the frequency.
        """
        best: dict[str, dict[int, float]] = {}
        languages: list[str] = []
        for index, (language, pairs) in enumerate(frequencies):
            languages.append(language)
            folded: list[tuple[str, float]] = []
            for raw, freq in pairs:
                word = raw.casefold()
                if _TOKEN.fullmatch(word) is None:
                    continue
                _keep_max(best, word, index, freq)
                plain = fold_accents(word)
                if plain != word:
                    folded.append((plain, freq * FOLDED_PENALTY))
            for plain, freq in folded:
                _keep_max(best, plain, index, freq)
        entries = _quantised_entries(best)
        return cls(languages, entries)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, word: str) -> Entry:
        """Weights of one case-folded word (empty when no language lists it)."""
        return self._entries.get(word, ())

    def score(self, text: str) -> tuple[list[float], int]:
        """(score per language, number of words) of cleaned ``text``.

        A word with an apostrophe that no list has as a whole (``"l'école"``) is scored as its parts
        (``"l"``, ``"école"``); lists do hold ``"aujourd'hui"``, ``"don't"``.
        """
        scores = [0.0] * len(self.languages)
        entries = self._entries
        words = tokens(text)
        for word in words:
            entry = entries.get(word)
            if entry is None:
                if "'" not in word:
                    continue
                for part in word.split("'"):
                    for index, weight in entries.get(part, ()):
                        scores[index] += weight
                continue
            for index, weight in entry:
                scores[index] += weight
        return scores, len(words)


def _keep_max(best: dict[str, dict[int, float]], word: str, index: int, freq: float) -> None:
    per_language = best.get(word)
    if per_language is None:
        best[word] = {index: freq}
    elif freq > per_language.get(index, 0.0):
        per_language[index] = freq


def _quantised_entries(best: dict[str, dict[int, float]]) -> dict[str, Entry]:
    """Weights ln(f / floor), rounded to the quantum; equal entries share one tuple (memory)."""
    log_floor = math.log(FREQUENCY_FLOOR)
    shared: dict[Entry, Entry] = {}
    entries: dict[str, Entry] = {}
    for word, per_language in best.items():
        pairs = []
        for index, freq in sorted(per_language.items()):
            weight = round((math.log(freq) - log_floor) / SCORE_QUANTUM) * SCORE_QUANTUM
            if weight > 0:
                pairs.append((index, weight))
        if pairs:
            entry = tuple(pairs)
            entries[word] = shared.setdefault(entry, entry)
    return entries


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def get_lexicon() -> Lexicon:
    """The process-wide lexicon over :data:`LATIN_LANGUAGES`, built on first call.

    Raises whatever ``wordfreq`` raises if its data files are missing (a broken install).
    """
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = Lexicon.from_frequencies(word_frequencies(LATIN_LANGUAGES))
    return _lexicon
