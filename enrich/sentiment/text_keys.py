"""Word normalisation helpers shared by the lexicon loader and the scorer (pure, no state)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_ELONGATED_RE: Final = re.compile(r"([^\W\d_])\1{2,}")
_APOSTROPHES: Final = str.maketrans({"’": "'", "`": "'", "ʼ": "'"})


def fold_accents(word: str) -> str:
    """Return ``word`` without diacritics (``déçu`` -> ``decu``); tweets often drop accents."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_elongated(word: str) -> bool:
    """True when a letter is repeated three times or more (``nuuuul``, ``loooove``)."""
    return _ELONGATED_RE.search(word) is not None


def squeeze(word: str, keep: int) -> str:
    """Collapse runs of 3+ identical letters to ``keep`` letters (1 or 2)."""
    return _ELONGATED_RE.sub(lambda m: m.group(1) * keep, word)


def normalise_apostrophes(word: str) -> str:
    """Map typographic apostrophes to ``'`` so ``don’t`` and ``don't`` are one key."""
    return word.translate(_APOSTROPHES)


def phrase_key(word: str) -> str:
    """Key used to match multi-word phrases: lower-case, accent-folded, squeezed, ``'`` unified."""
    key = fold_accents(normalise_apostrophes(word.lower()))
    if _ELONGATED_RE.search(key) is not None:
        key = squeeze(key, 1)
    return key
