"""Which languages the detector knows, in which order, and how other libraries name them.

Latin-script languages are those that have both a word-frequency list in ``wordfreq`` and character
models in lingua; the order is the product's priority (French first, English second, then the other
main European languages), and ties are broken by it.
"""

from __future__ import annotations

from lingua import IsoCode639_1, Language

MAIN_LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "nl", "pt")
"""The languages whose whole wordfreq list is used."""

# fmt: off
EXTRA_LANGUAGES: tuple[str, ...] = (
    "ca", "ro", "pl", "sv", "da", "nb", "fi", "tr", "id", "ms", "cs", "sk", "sl", "hu", "lt", "lv",
    "is", "vi", "tl",
)
# fmt: on
"""Other Latin-script languages: reported with their own code, and competitors that keep their texts
from being read as French or English."""

LATIN_LANGUAGES: tuple[str, ...] = MAIN_LANGUAGES + EXTRA_LANGUAGES

_WORDFREQ_CODES = {"tl": "fil"}

SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "cyrillic": ("ru", "uk", "bg", "be", "mk", "sr", "kk", "mn"),
    "arabic": ("ar", "fa", "ur"),
    "devanagari": ("hi", "mr"),
}
"""Scripts shared by several languages that lingua tells apart (first = the most likely)."""

SINGLE_SCRIPT_LANGUAGE: dict[str, str] = {
    "greek": "el",
    "hebrew": "he",
    "armenian": "hy",
    "georgian": "ka",
    "hangul": "ko",
    "kana": "ja",
    "han": "zh",
    "thai": "th",
    "lao": "lo",
    "khmer": "km",
    "myanmar": "my",
    "tibetan": "bo",
    "bengali": "bn",
    "gurmukhi": "pa",
    "gujarati": "gu",
    "oriya": "or",
    "tamil": "ta",
    "telugu": "te",
    "kannada": "kn",
    "malayalam": "ml",
    "sinhala": "si",
    "ethiopic": "am",
    "thaana": "dv",
    "mongolian": "mn",
}
"""Scripts read as one language (Han without kana or hangul is taken for Chinese)."""


def wordfreq_code(lang: str) -> str:
    """The wordfreq list name of ISO 639-1 ``lang`` (Tagalog's list is Filipino, ``fil``)."""
    return _WORDFREQ_CODES.get(lang, lang)


def lingua_language(lang: str) -> Language:
    """lingua's ``Language`` for ISO 639-1 ``lang``; ValueError if lingua has no such language."""
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, lang.upper()))
    except AttributeError as exc:
        raise ValueError(f"lingua knows no language {lang!r}") from exc


def iso_of(language: Language) -> str:
    """ISO 639-1 code (lower case) of a lingua ``Language``."""
    return language.iso_code_639_1.name.lower()


def normalise_hint(hint: str | None) -> str | None:
    """ISO 639-1 code from a declared language (``'fr'``, ``'FR'``, ``'fr-FR'``, ``'en_GB'``), else None.

    Never raises: anything that does not start with two letters is ignored.
    """
    if not hint:
        return None
    primary = hint.strip().replace("_", "-").split("-", 1)[0].lower()
    if len(primary) == 2 and primary.isascii() and primary.isalpha():
        return primary
    return None
