"""The rule engine: tokens -> weighted sentiment cues and a small feature vector.

Rules (all parameters in ``RuleParams``):

* lexicon words and multi-word phrases (phrases first, longest match; a phrase that
  already contains its negation, like ``pas terrible`` or ``never again``, is not negated again);
* negation: a negator (``pas``, ``jamais``, ``not``, ``never``, ``n't`` …) flips the next
  ``negation_scope`` words until a clause boundary; French ``ne … pas`` also covers the verb
  between ``ne`` and ``pas``, and ``plus``/``personne``/``guère`` only negate after ``ne``;
* boosters (``très``, ``vraiment``, ``trop``, ``so``, ``super`` …) scale the next polar word;
  dampeners (``un peu``, ``kinda``) are boosters with a negative value;
* contrast (``mais``, ``but``): cues before it are down-weighted, cues after it up-weighted;
* emphasis: an elongated word (``nuuuul``) or a word in capitals inside a normal sentence
  (``NUL``) is amplified; a whole message in capitals is "shouting" and amplified as a whole;
* hashtags (``#fail``, ``#merci``) and emojis/emoticons (repeats decay) are never negated.

``analyse`` never raises on any input string; ``features.py`` turns its cues into features.
"""

from __future__ import annotations

from dataclasses import dataclass

from enrich.sentiment import tokenize as tk
from enrich.sentiment.features import BASE, EMOJI, OWN, Cue, feature_vector, polarity
from enrich.sentiment.resources import (
    BOOSTER,
    CONTRAST,
    LATE_NEGATOR,
    NE,
    NEGATOR,
    LanguageResources,
    WordInfo,
    emoji_valences,
    split_word,
)
from enrich.sentiment.text_keys import normalise_apostrophes


@dataclass(frozen=True, slots=True)
class RuleParams:
    """Hand-set rule strengths (documented defaults, VADER-like magnitudes)."""

    negation_scope: int = 3
    negated_positive: float = -0.8
    negated_negative: float = -0.4
    booster_decay: float = 0.8
    caps_boost: float = 1.3
    elongation_boost: float = 1.3
    shouting_boost: float = 1.2
    before_contrast: float = 0.5
    after_contrast: float = 1.3
    hashtag_weight: float = 1.0
    emoji_repeat_decay: float = 0.5


PARAMS = RuleParams()


@dataclass(frozen=True, slots=True)
class Analysis:
    """Outcome of the rules for one text: cues (label, signed weight) and the feature vector."""

    cues: tuple[tuple[str, float], ...]  # strongest first
    features: tuple[float, ...]
    polarity: float  # signed sum of every cue (words, phrases, hashtags, emojis)


def _emoji_cues(tokens: list[tk.Token], params: RuleParams) -> list[Cue]:
    lex = emoji_valences()
    seen: dict[str, int] = {}
    out: list[Cue] = []
    for kind, surface in tokens:
        if kind == tk.EMOJI:
            key = tk.canonical_emoji(surface)
            label = "emoji"
        elif kind == tk.EMOTICON:
            key = surface
            label = "emoticon"
        else:
            continue
        value = lex.get(key)
        if value is None and kind == tk.EMOTICON:
            value = lex.get(key.upper())
        if value is None:
            continue
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append((f"{label}:{surface}", value * params.emoji_repeat_decay**n, EMOJI))
    return out


def emoji_only(text: str, params: RuleParams = PARAMS) -> list[tuple[str, float]]:
    """Emoji/emoticon cues of ``text`` (used for languages without a lexicon)."""
    return [(label, value) for label, value, _ in _emoji_cues(tk.tokenize(text), params)]


def _words(tokens: list[tk.Token], res: LanguageResources) -> list[tuple[int, str, WordInfo | None]]:
    """Attach cached word information; French elisions are split (``l'écoute`` -> ``écoute``)."""
    word = res.word
    fr = res.lang == "fr"
    out: list[tuple[int, str, WordInfo | None]] = []
    for kind, surface in tokens:
        if kind != tk.WORD:
            out.append((kind, surface, None))
        elif "'" in surface or "’" in surface:
            if fr:
                out.extend((kind, part, word(part)) for part in split_word(surface, "fr") if part)
            else:
                surface = normalise_apostrophes(surface)
                out.append((kind, surface, word(surface)))
        else:
            out.append((kind, surface, word(surface)))
    return out


class _State:
    """Mutable scan state of ``analyse`` (negation scope, pending booster, contrast)."""

    __slots__ = (
        "boost",
        "boost_left",
        "boost_word",
        "clause_start",
        "contrast",
        "ne_open",
        "neg_left",
        "neg_word",
    )

    def __init__(self) -> None:
        self.neg_left = 0
        self.neg_word = ""
        self.ne_open = False
        self.boost = 0.0
        self.boost_word = ""
        self.boost_left = 0
        self.clause_start = 0
        self.contrast = 1.0

    def reset_clause(self) -> None:
        self.neg_left = 0
        self.ne_open = False
        self.boost_left = 0


def _match_phrase(
    seq: list[tuple[int, str, WordInfo | None]], i: int, res: LanguageResources
) -> tuple[int, float] | None:
    info = seq[i][2]
    assert info is not None
    candidates = res.phrases.get(info.key)
    if candidates is None:
        return None
    n = len(seq)
    for rest, value, _text in candidates:
        end = i + 1 + len(rest)
        if end > n:
            continue
        for j, expected in enumerate(rest):
            other = seq[i + 1 + j][2]
            if other is None or other.key != expected:
                break
        else:
            return end, value
    return None


def _word_cue(info: WordInfo, surface: str, st: _State, shouting: bool, params: RuleParams) -> Cue:
    valence = info.valence
    factor = st.contrast
    labels: list[str] = []
    shown = surface
    if st.boost_left > 0:
        factor *= 1.0 + st.boost * (1.0 if st.boost_left == 2 else params.booster_decay)
        labels.append("intensifier")
        shown = f"{st.boost_word} {shown}"
    if info.caps and not shouting:
        factor *= params.caps_boost
        labels.append("shouting")
    if info.elongated:
        factor *= params.elongation_boost
        labels.append("elongation")
    if st.neg_left > 0 or st.ne_open:
        valence *= params.negated_positive if valence > 0 else params.negated_negative
        labels.insert(0, "negation")
        shown = f"{st.neg_word} {shown}" if st.neg_word else shown
    label = "+".join(labels) if labels else "word"
    return (f"{label}:{shown}", valence * factor, OWN if info.own else BASE)


def analyse(text: str, res: LanguageResources, params: RuleParams = PARAMS) -> Analysis:
    """Apply the rules to ``text`` with the resources of its language."""
    raw = tk.tokenize(text)
    seq = _words(raw, res)
    n_alpha = n_caps = 0
    for _, surface, info in seq:
        if info is not None and len(surface) >= 2:
            n_alpha += 1
            if surface.isupper():
                n_caps += 1
    shouting = n_alpha >= 3 and n_caps >= 0.6 * n_alpha

    cues: list[Cue] = []
    st = _State()
    n_exclaim = 0
    has_question = False
    n = len(seq)
    i = 0
    while i < n:
        kind, surface, info = seq[i]
        if info is None:
            if kind == tk.BOUNDARY or kind == tk.EXCLAIM or kind == tk.QUESTION:
                st.reset_clause()
                if kind == tk.EXCLAIM:
                    n_exclaim += 1
                elif kind == tk.QUESTION:
                    has_question = True
            elif kind == tk.HASHTAG:
                cue = _hashtag_cue(surface, res, params)
                if cue is not None:
                    cues.append(cue)
            i += 1
            continue

        phrase = _match_phrase(seq, i, res)
        if phrase is not None:
            end, value = phrase
            span = " ".join(seq[j][1].lower() for j in range(i, end))
            label = "phrase"
            if st.boost_left > 0:
                value *= 1.0 + st.boost
                label = "intensifier+phrase"
                span = f"{st.boost_word} {span}"
            cues.append((f"{label}:{span}", value * st.contrast, OWN))
            st.neg_left = 0
            st.boost_left = 0
            i = end
            continue

        role = info.role
        if role == CONTRAST:
            for j in range(st.clause_start, len(cues)):
                label, value, channel = cues[j]
                cues[j] = (label, value * params.before_contrast, channel)
            st.clause_start = len(cues)
            st.contrast = params.after_contrast
            st.reset_clause()
            i += 1
            continue
        if role == NE:
            st.ne_open = True
            st.neg_word = surface
            i += 1
            continue
        if role == NEGATOR or (role == LATE_NEGATOR and st.ne_open):
            st.neg_word = f"{st.neg_word}…{surface}" if st.ne_open else surface
            st.neg_left = params.negation_scope
            st.ne_open = False
            i += 1
            continue
        if role == BOOSTER:
            nxt = seq[i + 1][2] if i + 1 < n else None
            next_polar = nxt is not None and (nxt.valence != 0.0 or nxt.role == BOOSTER)
            if info.valence == 0.0 or next_polar:
                st.boost = info.boost if st.boost_left <= 0 else st.boost + info.boost
                st.boost_word = surface
                st.boost_left = 2
                i += 1
                continue

        if info.valence != 0.0:
            cues.append(_word_cue(info, surface, st, shouting, params))
        if st.neg_left > 0:
            st.neg_left -= 1
        if st.boost_left > 0:
            st.boost_left -= 1
        i += 1

    if shouting and cues:
        cues = [(label, value * params.shouting_boost, channel) for label, value, channel in cues]
        cues.append(("shouting:ALL CAPS", 0.0, OWN))
    cues.extend(_emoji_cues(raw, params))
    return _finish(cues, raw, n_exclaim, has_question, shouting, n_alpha)


def _hashtag_cue(surface: str, res: LanguageResources, params: RuleParams) -> Cue | None:
    tag = surface[1:].lower()
    value = res.hashtags.get(tag)
    if value is None:
        hit = res.lexicon.lookup(tag)
        value = hit[0] if hit is not None else 0.0
    if not value:
        return None
    return (f"hashtag:{surface}", value * params.hashtag_weight, OWN)


def _finish(
    cues: list[Cue],
    raw: list[tk.Token],
    n_exclaim: int,
    has_question: bool,
    shouting: bool,
    n_alpha: int,
) -> Analysis:
    features = feature_vector(cues, raw, n_exclaim, has_question, shouting, n_alpha)
    shown = [(label, value) for label, value, _ in cues if value != 0.0 or label.startswith("shouting")]
    shown.sort(key=lambda c: -abs(c[1]))
    return Analysis(cues=tuple(shown), features=features, polarity=polarity(cues))
