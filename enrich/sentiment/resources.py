"""Per-language lexical resources, built once per process and cached.

``resources_for(lang)`` merges, for ``fr`` and ``en``: a base lexicon (French: the vendored
VADER-FR translation; English: VADER from the ``vaderSentiment`` package), our own word list
(which wins on conflicts), our multi-word phrases, and our negators/boosters/contrast words.
``emoji_valences()`` is shared by every language. Loading takes a few tens of milliseconds;
malformed data files raise ``ValueError`` at that point. Any other ``lang`` gets ``None``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from enrich.sentiment import lexicon_files
from enrich.sentiment.text_keys import fold_accents, is_elongated, phrase_key, squeeze

SUPPORTED_LANGS = ("fr", "en")
_MEMO_LIMIT = 200_000
BASE_MIN_ABS = 0.0
_FR_CLITICS = frozenset({"l", "d", "j", "c", "s", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "presqu"})

Phrase = tuple[tuple[str, ...], float, str]


def split_word(word: str, lang: str) -> list[str]:
    """Split a French elided word (``l'écoute`` -> ``écoute``, ``n'est`` -> ``ne est``).

    English contractions (``don't``) and words without apostrophes are returned whole.
    """
    if lang != "fr" or ("'" not in word and "’" not in word):
        return [word]
    parts = word.replace("’", "'").split("'")
    out: list[str] = []
    for i, part in enumerate(parts):
        low = part.lower()
        if i < len(parts) - 1 and low in _FR_CLITICS:
            continue
        out.append("ne" if i < len(parts) - 1 and low == "n" else part)
    return out


_FR_VERB_ENDINGS = (
    ("eront", ("e", "er")),
    ("eraient", ("e", "er")),
    ("erait", ("e", "er")),
    ("aient", ("e", "er")),
    ("ait", ("e", "er")),
    ("ent", ("e",)),
    ("ons", ("e", "er")),
    ("ez", ("e", "er")),
    ("ées", ("é", "er")),
    ("és", ("é", "er")),
    ("ée", ("é", "er")),
    ("é", ("er", "e")),
)


def _fr_verb_candidates(word: str) -> list[str]:
    """Likely lemma forms of a conjugated French verb (refusent -> refuse, bénéficieront -> bénéficier)."""
    for ending, replacements in _FR_VERB_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            stem = word[: -len(ending)]
            return [stem + r for r in replacements]
    return []


def _inflection_candidates(word: str, lang: str) -> list[str]:
    if len(word) < 4:
        return []
    out: list[str] = []
    if lang == "fr":
        out += _fr_verb_candidates(word)
        if word.endswith(("s", "x")):
            word = word[:-1]
            out.append(word)
        if word.endswith("euse"):
            out += [word[:-4] + "eux", word[:-4] + "eur"]
        elif word.endswith("ive"):
            out.append(word[:-3] + "if")
        elif word.endswith("au"):
            out.append(word[:-2] + "al")
        elif word.endswith("e"):
            out.append(word[:-1])
    elif word.endswith("ies"):
        out.append(word[:-3] + "y")
    elif word.endswith("es"):
        out += [word[:-1], word[:-2]]
    elif word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    return out


Hit = tuple[float, bool]  # valence, True when it comes from our own lexicon (not the base one)


@dataclass(slots=True)
class Lexicon:
    """Word -> valence lookup with accent, elongation and inflection fallbacks (memoised).

    ``words`` is the merged lexicon; ``own`` the keys that come from our own word list, so the
    scorer can weigh our curated entries and the broad base lexicon as separate features.
    """

    lang: str
    words: dict[str, float]
    own: frozenset[str] = frozenset()
    folded: dict[str, str] = field(default_factory=dict)
    _memo: dict[str, Hit | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for word in self.words:
            key = fold_accents(word)
            if key != word and key not in self.words:
                self.folded.setdefault(key, word)

    def _direct(self, word: str) -> Hit | None:
        hit = self.words.get(word)
        if hit is None:
            word = self.folded.get(fold_accents(word), "")
            hit = self.words.get(word)
            if hit is None:
                return None
        return hit, word in self.own

    def _resolve(self, word: str) -> Hit | None:
        candidates = [word]
        if is_elongated(word):
            candidates += [squeeze(word, 2), squeeze(word, 1)]
        for cand in candidates:
            hit = self._direct(cand)
            if hit is not None:
                return hit
        for cand in candidates:
            for infl in _inflection_candidates(cand, self.lang):
                hit = self._direct(infl)
                if hit is not None:
                    return hit
        return None

    def lookup(self, lower: str) -> Hit | None:
        """``(valence, own)`` of a lower-cased word (valence -4..4), or None when unknown."""
        memo = self._memo
        if lower in memo:
            return memo[lower]
        hit = self._resolve(lower)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[lower] = hit
        return hit


# Role of a word in the rules.
PLAIN, NEGATOR, NE, LATE_NEGATOR, BOOSTER, CONTRAST = range(6)


@dataclass(frozen=True, slots=True)
class WordInfo:
    """Everything the rules need about one surface form, computed once and cached."""

    low: str  # lower-case
    key: str  # phrase key (lower-case, accent-folded, squeezed)
    role: int  # PLAIN, NEGATOR, NE, LATE_NEGATOR, BOOSTER or CONTRAST
    boost: float  # booster value (role BOOSTER)
    valence: float  # lexicon valence, 0.0 when unknown
    own: bool  # valence comes from our own lexicon
    elongated: bool
    caps: bool  # written in capitals (3+ letters)


@dataclass(frozen=True, slots=True)
class LanguageResources:
    """Everything the scorer needs for one language (read-only after build, plus a cache)."""

    lang: str
    lexicon: Lexicon
    phrases: dict[str, tuple[Phrase, ...]]
    negators: frozenset[str]
    ne_particles: frozenset[str]
    late_negators: frozenset[str]
    boosters: dict[str, float]
    contrasts: frozenset[str]
    hashtags: dict[str, float]
    _info: dict[str, WordInfo] = field(default_factory=dict)

    def _role(self, low: str) -> tuple[int, float]:
        if low in self.contrasts:
            return CONTRAST, 0.0
        if low in self.ne_particles:
            return NE, 0.0
        if low in self.negators:
            return NEGATOR, 0.0
        if low in self.late_negators:
            return LATE_NEGATOR, 0.0
        boost = self.boosters.get(low)
        if boost is not None:
            return BOOSTER, boost
        return PLAIN, 0.0

    def word(self, surface: str) -> WordInfo:
        """Cached ``WordInfo`` of a word token as written (case matters for ``caps``)."""
        info = self._info.get(surface)
        if info is None:
            low = surface.lower()
            role, boost = self._role(low)
            hit = self.lexicon.lookup(low)
            info = WordInfo(
                low=low,
                key=phrase_key(low),
                role=role,
                boost=boost,
                valence=hit[0] if hit is not None else 0.0,
                own=hit[1] if hit is not None else False,
                elongated=is_elongated(low),
                caps=len(surface) >= 3 and surface.isupper(),
            )
            if len(self._info) >= _MEMO_LIMIT:
                self._info.clear()
            self._info[surface] = info
        return info


def _phrase_index(entries: dict[str, float], lang: str) -> dict[str, tuple[Phrase, ...]]:
    index: dict[str, list[Phrase]] = {}
    for text, valence in entries.items():
        keys = [phrase_key(p) for w in text.split() for p in split_word(w, lang) if p]
        if len(keys) < 2:
            continue
        index.setdefault(keys[0], []).append((tuple(keys[1:]), valence, text))
    return {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in index.items()}


def _base_lexicon(lang: str) -> dict[str, float]:
    return lexicon_files.read_vader_fr() if lang == "fr" else lexicon_files.read_vader_en()


@functools.cache
def emoji_valences() -> dict[str, float]:
    """Emoji and emoticon valences shared by all languages (our own list, ``data/emoji.tsv``)."""
    return lexicon_files.read_valences("emoji.tsv", lower=False)


@functools.cache
def resources_for(lang: str) -> LanguageResources | None:
    """Build (once) the resources for ``lang``; None for a language without a lexicon."""
    if lang not in SUPPORTED_LANGS:
        return None
    base = _base_lexicon(lang)
    ours = lexicon_files.read_valences(f"{lang}_words.tsv")
    phrases = {k: v for k, v in base.items() if " " in k}
    phrases.update(lexicon_files.read_valences(f"{lang}_phrases.tsv"))
    words = {
        k: v
        for k, v in base.items()
        if " " not in k and abs(v) >= BASE_MIN_ABS and any(c.isalpha() for c in k)
    }
    words.update(ours)
    mods = lexicon_files.read_modifiers(f"{lang}_modifiers.tsv")
    by_kind: dict[str, dict[str, float]] = {}
    for word, kind, value in mods:
        by_kind.setdefault(kind, {})[word] = value
    return LanguageResources(
        lang=lang,
        lexicon=Lexicon(lang=lang, words=words, own=frozenset(ours)),
        phrases=_phrase_index(phrases, lang),
        negators=frozenset(by_kind.get("negator", {})),
        ne_particles=frozenset(by_kind.get("ne", {})),
        late_negators=frozenset(by_kind.get("late_negator", {})),
        boosters=by_kind.get("booster", {}),
        contrasts=frozenset(by_kind.get("contrast", {})),
        hashtags=lexicon_files.read_valences("hashtags.tsv"),
    )
