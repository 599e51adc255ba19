"""French and English full-text analysis done in Python, identically at index time and at query time.

The Elasticsearch we run has no analysis-common module (no ``french`` analyzer, no elision, asciifolding
or stemmer filters), so the index sink stores pre-analysed tokens that Elasticsearch only splits on
spaces (built-in ``whitespace`` analyzer), and the API analyses the user's words the same way.

Pipeline for one text and one language (``fr`` or ``en``):

1. tokens of :func:`ecoute.query.tokenize` (runs of letters/digits; apostrophes and hyphens split;
   ``#tag`` and ``@handle`` bodies are tokens too), so search and the Boolean language see the same words;
2. elision (French): a clitic such as ``l``, ``d``, ``qu``, ``jusqu`` directly followed by an apostrophe
   is dropped (``l'élève`` → ``élève``); English possessive ``'s`` is dropped;
3. stop words of the language are dropped (short lists, so that ``la grève`` finds ``grève``);
4. the case-folded form is stemmed with the Snowball stemmer of the language, then accents are folded
   (``Grèves`` → ``grev``, ``greve`` → ``grev``).

Pure; never raises. Stems are memoised in a bounded LRU of :data:`STEM_CACHE_SIZE` words (see there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Final, Literal

import snowballstemmer  # type: ignore[import-untyped]

from ecoute.query import Token, normalize, tokenize

Language = Literal["fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("fr", "en")
APOSTROPHES: Final = "'’ʼ"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FR_ELISIONS: Final = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
FR_STOP: Final = _words(
    """au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes
    moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous c d j l a m n s t y ete etre est sont ont cet cette"""
)
EN_STOP: Final = _words(
    """a an and are as at be but by for if in into is it no not of on or such that the their then there
    these they this to was will with i you he she we our your its"""
)
_STOP: Final[dict[Language, frozenset[str]]] = {"fr": FR_STOP, "en": EN_STOP}
_STEMMERS: Final = {"fr": "french", "en": "english"}


def _stemmer(lang: Language) -> Callable[[str], str]:
    stem: Callable[[str], str] = snowballstemmer.stemmer(_STEMMERS[lang]).stemWord
    return stem


_STEM_FR = _stemmer("fr")
_STEM_EN = _stemmer("en")


STEM_CACHE_SIZE: Final = 20_000
"""Words whose stem is remembered. The vocabulary is Zipfian, so a small cache catches nearly every
repeat: on the evaluation texts (154,615 tokens, 36,054 distinct) an LRU of 20,000 words hits 75.6 % of
tokens, one of 200,000 76.7 % (the most any cache can). A miss costs ~0.26 µs (PyStemmer + accent
folding), a hit ~0.09 µs. What a large cache costs is memory: ~220-450 B a word (tracemalloc), and a
stream's vocabulary keeps growing (numbers, handles, typos). Offline, over 600,000 generated mentions,
the index sink's live Python memory grew 86 → 118 MB with the former 200,000 words (146,765 remembered,
still filling: ~15 minutes at 1,000 mentions/s) and stayed at 86 MB with 20,000, which also took 5 %
less CPU."""


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str, lang: Language) -> str:
    """Accent-folded Snowball stem of one case-folded word."""
    stemmed = _STEM_FR(word) if lang == "fr" else _STEM_EN(word)
    return normalize(stemmed)


def language_of(tag: str | None) -> Language | None:
    """``fr``/``en`` for a language tag whose primary subtag is one of them (``fr-CA`` → ``fr``)."""
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-", 1)[0]
    return "fr" if primary == "fr" else "en" if primary == "en" else None


def _followed_by_apostrophe(text: str, token: Token) -> bool:
    return token.end < len(text) and text[token.end] in APOSTROPHES


def _preceded_by_apostrophe(text: str, token: Token) -> bool:
    return token.start > 0 and text[token.start - 1] in APOSTROPHES


Tokens = Callable[[str], Sequence[Token]]
"""Where a text's tokens come from: :func:`ecoute.query.tokenize`, or tokens a caller already has for
that text (the index sink reuses the query matcher's, so a mention is tokenised once)."""


def analyzed_tokens(text: str, lang: Language, tokens: Tokens = tokenize) -> Iterator[tuple[Token, str]]:
    """Each kept token of ``text`` with its analysed form (see the module docstring). ``tokens(text)``
    must be ``tokenize(text)`` (or equal to it)."""
    stop = _STOP[lang]
    for token in tokens(text):
        if token.kind == "word":
            if lang == "fr" and token.norm in FR_ELISIONS and _followed_by_apostrophe(text, token):
                continue
            if lang == "en" and token.norm == "s" and _preceded_by_apostrophe(text, token):
                continue
            if token.norm in stop:
                continue
        yield token, stem(token.exact.casefold(), lang)


def analyze(text: str, lang: Language, tokens: Tokens = tokenize) -> list[str]:
    """Analysed forms of ``text`` in ``lang``, in order (duplicates kept: they count for relevance)."""
    return [form for _, form in analyzed_tokens(text, lang, tokens)]


def analyze_fields(values: Iterable[str | None], lang: Language, tokens: Tokens = tokenize) -> list[str]:
    """One space-joined value per non-empty input (e.g. title, text), ready for a ``whitespace`` field."""
    out = []
    for value in values:
        if value:
            forms = analyze(value, lang, tokens)
            if forms:
                out.append(" ".join(forms))
    return out


FR_FIELD: Final = "text_fr"
EN_FIELD: Final = "text_en"
FIELD_OF: Final[dict[Language, str]] = {"fr": FR_FIELD, "en": EN_FIELD}


def analysis_fields(
    title: str | None, text: str | None, lang: str | None, tokens: Tokens = tokenize
) -> dict[str, list[str]]:
    """The analysed full-text fields of a mention: ``text_fr`` for French mentions, ``text_en`` for
    English ones (both keys always present, the other one empty). Other languages rely on the
    accent-folded ``q_text`` field of the query language. ``tokens``: see :data:`Tokens`."""
    language = language_of(lang)
    fields: dict[str, list[str]] = {FR_FIELD: [], EN_FIELD: []}
    if language is not None:
        fields[FIELD_OF[language]] = analyze_fields((title, text), language, tokens)
    return fields
