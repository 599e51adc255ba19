"""Text normalisation and tokenisation: the single definition used by the parser, the stream matcher and
the Elasticsearch indexer.

Contract
--------
* ``normalize(text)``: NFKC, typographic apostrophes (’ ‘ ʼ ′ ＇) → ``'``, case-fold, strip accents (every
  non-spacing/enclosing mark is dropped after canonical decomposition), a few letter folds that are not
  accents in Unicode (œ→oe, æ→ae, ø→o, ł→l, đ→d, ı→i), then NFC. Pure, never raises.
* ``tokenize(text)``: tokens are runs of letters, digits and combining marks in the *original* text;
  everything else (spaces, punctuation, apostrophes including ``ʼ``, hyphens, underscores, symbols, emoji)
  separates tokens. Each run is then normalised as above, so ``l'Oréal`` gives ``l`` + ``oreal`` and
  ``Saint-Gobain`` gives ``saint`` + ``gobain``. Symbols that NFKC would turn into letters (™, №, ℃)
  stay separators. A run directly preceded by ``#`` (resp. ``@``), itself at the start of the text or
  after a character that is neither a letter/digit/underscore/mark nor ``#``/``@``, is a *hashtag*
  (resp. *handle*) token whose body keeps underscores (``#black_friday`` is one hashtag
  ``black_friday``; ``a#b`` and ``me@mail.fr`` contain none). Each token carries:

  - ``norm``: the normalised form (what matching compares, case/accent-insensitive),
  - ``exact``: the NFKC form with case and accents preserved (for ``{Word}`` terms),
  - ``surface``: the original characters, ``start``/``end`` char offsets in ``text`` (the sigil of a
    hashtag/handle is included), ``position`` (0-based token index), ``kind``.

  ``norm`` and ``exact`` are truncated to ``MAX_TOKEN_CHARS`` code points (so Elasticsearch's 255-char
  whitespace-token limit never splits a token differently). A run that NFKC expands into several
  tokens (e.g. ``½`` → ``1⁄2``) yields several tokens sharing the run's char span; a run that normalises
  to nothing letter-like (only marks or underscores) yields no token. Never raises.
* ``analyze(text)``: the hot-path projection of ``tokenize``: the same norms, hashtag norms and handle
  norms, without building Token objects or offsets.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Final, Literal, NamedTuple, TypeVar

TokenKind = Literal["word", "hashtag", "handle"]

MAX_TOKEN_CHARS: Final = 100
"""Longest normalised/exact token kept (longer ones are truncated, identically everywhere)."""

_APOSTROPHES: Final = "’‘ʼ′＇"
_HASH: Final = frozenset("#＃")
_SIGILS: Final = frozenset("#@＃＠")
_MODIFIER_APOSTROPHE: Final = "\u02bc"  # ʼ is a letter (Lm) in Unicode but an apostrophe in practice


def _mark_classes() -> tuple[str, str, frozenset[str], dict[int, None]]:
    """Return (regex class body of BMP marks, of astral marks, the astral mark characters, translate table
    dropping Mn/Me marks). Marks only exist in planes 0, 1 and 14, so only those are scanned."""
    ranges: list[tuple[int, int]] = []
    drop: dict[int, None] = {}
    scan = list(range(0, 0x20000)) + list(range(0xE0000, min(sys.maxunicode, 0xE0FFF) + 1))
    for cp in scan:
        cat = unicodedata.category(chr(cp))
        if cat[0] != "M":
            continue
        if cat in ("Mn", "Me"):
            drop[cp] = None
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def body(rs: list[tuple[int, int]]) -> str:
        return "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in rs
        )

    bmp = [r for r in ranges if r[1] <= 0xFFFF]
    astral = [r for r in ranges if r[0] > 0xFFFF]
    astral_chars = frozenset(chr(cp) for a, b in astral for cp in range(a, b + 1))
    return body(bmp), body(astral), astral_chars, drop


_BMP_MARKS, _ASTRAL_MARKS, _ASTRAL_MARK_CHARS, _DROP_MARKS = _mark_classes()
_LETTER_FOLDS: Final[dict[int, str]] = {
    ord("œ"): "oe",
    ord("æ"): "ae",
    ord("ø"): "o",
    ord("ł"): "l",
    ord("đ"): "d",
    ord("ı"): "i",
}
_FOLD_TABLE: Final[dict[int, str | None]] = {**_DROP_MARKS, **_LETTER_FOLDS}
_APOSTROPHE_TABLE: Final = {ord(c): "'" for c in _APOSTROPHES}


# Two equivalent run patterns: the BMP-only one is much faster and is used unless the text contains an
# astral combining mark (rare; emoji are astral but not marks).
_FAST_RUNS: Final = re.compile(rf"[\w{_BMP_MARKS}]+")
_FULL_RUNS: Final = re.compile(rf"[\w{_BMP_MARKS}{_ASTRAL_MARKS}]+")
_ASTRAL_RE: Final = re.compile("[\U00010000-\U0010ffff]")
_ASCII_RUN_RE: Final = re.compile(r"[a-z0-9]+")

_CACHE_LIMIT: Final = 20_000
"""Entries per memo of runs (non-ASCII pieces, word runs, hashtag/handle bodies); a full memo is cleared.
Frequent runs come back at once after a clear (the vocabulary is Zipfian), and a miss costs 0.7-3.3 µs;
what a large memo costs is memory, since a stream's vocabulary never stops growing (handles, numbers,
typos): ~230 B per entry (tracemalloc), so the former limit of 200,000 per memo let the three hold up to
~140 MB in every process that tokenises (enrich worker, index sink, API) before their first clear."""
_piece_cache: dict[tuple[str, bool], tuple[tuple[str, str], ...]] = {}
_word_cache: dict[str, tuple[str, ...]] = {}
_tag_cache: dict[str, tuple[str, ...]] = {}


class Token(NamedTuple):
    """One token of a text (see module docstring for the meaning of each field)."""

    norm: str
    exact: str
    surface: str
    position: int
    kind: TokenKind
    start: int
    end: int


def _fold(piece: str) -> str:
    """Normalise one NFKC piece: case-fold, strip accents, letter folds, NFC."""
    folded = unicodedata.normalize("NFKD", piece.casefold()).translate(_FOLD_TABLE)
    return unicodedata.normalize("NFC", folded)


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` (see module docstring). Pure; never raises."""
    if text.isascii():
        return text.lower()
    nfkc = unicodedata.normalize("NFKC", text).translate(_APOSTROPHE_TABLE)
    return _fold(nfkc)


def _has_alnum(s: str) -> bool:
    """True if ``s`` has at least one letter or digit (a run of only marks/underscores is no token)."""
    return any(c.isalnum() for c in s)


def _needs_full(text: str) -> bool:
    """True if ``text`` contains a combining mark outside the BMP."""
    if text.isascii():
        return False
    return any(c in _ASTRAL_MARK_CHARS for c in _ASTRAL_RE.findall(text))


def _has_sigil(text: str) -> bool:
    return "#" in text or "@" in text or "＃" in text or "＠" in text


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def _remember(cache: dict[_Key, _Value], key: _Key, value: _Value) -> _Value:
    """Store ``value`` in one of the memos, clearing the memo first when it holds ``_CACHE_LIMIT``."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _pieces(run: str, keep_underscore: bool) -> tuple[tuple[str, str], ...]:
    """Return the (norm, exact) pairs of one non-ASCII run (cached)."""
    key = (run, keep_underscore)
    cached = _piece_cache.get(key)
    if cached is not None:
        return cached
    out: list[tuple[str, str]] = []
    nfkc = unicodedata.normalize("NFKC", run).replace(_MODIFIER_APOSTROPHE, "'")
    for part in _FULL_RUNS.findall(nfkc):  # NFKC may introduce spaces or punctuation (ﷺ, ½)
        subparts = [part] if keep_underscore else [p for p in part.split("_") if p]
        for sub in subparts:
            norm = _fold(sub)[:MAX_TOKEN_CHARS]
            if _has_alnum(norm):
                out.append((norm, sub[:MAX_TOKEN_CHARS]))
    return _remember(_piece_cache, key, tuple(out))


def _word_norms(run: str) -> tuple[str, ...]:
    """Norms of a run without sigil (split on underscores), cached."""
    cached = _word_cache.get(run)
    if cached is not None:
        return cached
    out: list[str] = []
    for sub in run.split("_"):
        if not sub:
            continue
        if sub.isascii():
            out.append(sub.lower()[:MAX_TOKEN_CHARS])
        else:
            out.extend(norm for norm, _ in _pieces(sub, False))
    return _remember(_word_cache, run, tuple(out))


def _tag_norms(run: str) -> tuple[str, ...]:
    """Norms of a hashtag/handle body (underscores kept), cached."""
    cached = _tag_cache.get(run)
    if cached is not None:
        return cached
    if run.isascii():
        value: tuple[str, ...] = (run.lower()[:MAX_TOKEN_CHARS],) if _has_alnum(run) else ()
    else:
        value = tuple(norm for norm, _ in _pieces(run, True))
    return _remember(_tag_cache, run, value)


def _sigil_kind(text: str, start: int) -> TokenKind | None:
    """Kind of the run starting at ``start`` if it is a hashtag/handle body, else None.

    The run must directly follow ``#``/``@`` that is itself at the start of the text or after a character
    that is neither a run character (letter, digit, underscore, mark) nor a sigil.
    """
    if start == 0:
        return None
    sigil = text[start - 1]
    if sigil not in _SIGILS:
        return None
    if start >= 2:
        before = text[start - 2]
        if before in _SIGILS or before.isalnum() or before == "_" or unicodedata.category(before)[0] == "M":
            return None
    return "hashtag" if sigil in _HASH else "handle"


def analyze(text: str) -> tuple[list[str], list[str], list[str]]:
    """Return (norms of all tokens in order, hashtag norms, handle norms) of ``text``.

    Exactly ``[t.norm for t in tokenize(text)]`` and the norms of its hashtag and handle tokens, computed
    faster (no Token objects, no offsets). Pure; never raises.
    """
    if text.isascii():
        if "_" not in text and "#" not in text and "@" not in text:
            norms = _ASCII_RUN_RE.findall(text.lower())
            if norms and max(map(len, norms)) > MAX_TOKEN_CHARS:
                norms = [n[:MAX_TOKEN_CHARS] for n in norms]
            return norms, [], []
    elif _MODIFIER_APOSTROPHE in text:
        text = text.replace(_MODIFIER_APOSTROPHE, "'")
    runs = _FULL_RUNS if _needs_full(text) else _FAST_RUNS
    norms = []
    append = norms.append
    extend = norms.extend
    if not _has_sigil(text):
        for run in runs.findall(text):
            if run.isascii() and "_" not in run and len(run) <= MAX_TOKEN_CHARS:
                append(run.lower())
            else:
                extend(_word_norms(run))
        return norms, [], []
    tags: list[str] = []
    handles: list[str] = []
    for m in runs.finditer(text):
        run = m.group()
        kind = _sigil_kind(text, m.start())
        if kind is not None:
            found = _tag_norms(run)
            extend(found)
            (tags if kind == "hashtag" else handles).extend(found)
        elif run.isascii() and "_" not in run and len(run) <= MAX_TOKEN_CHARS:
            append(run.lower())
        else:
            extend(_word_norms(run))
    return norms, tags, handles


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with normalised/exact forms, kinds, positions and char spans.

    Pure; never raises; ``position`` is consecutive from 0 in the returned list.
    """
    if _MODIFIER_APOSTROPHE in text:
        text = text.replace(_MODIFIER_APOSTROPHE, "'")  # same length: offsets unchanged
    tokens: list[Token] = []
    append = tokens.append
    position = 0
    has_sigil = _has_sigil(text)
    for m in (_FULL_RUNS if _needs_full(text) else _FAST_RUNS).finditer(text):
        run = m.group()
        run_start = m.start()
        kind = _sigil_kind(text, run_start) if has_sigil else None
        if kind is not None:
            start = run_start - 1
            end = m.end()
            surface = text[start:end]
            if run.isascii():
                pairs: tuple[tuple[str, str], ...] = ((run.lower(), run),) if _has_alnum(run) else ()
            else:
                pairs = _pieces(run, True)
            for norm, exact in pairs:
                append(
                    Token(
                        norm[:MAX_TOKEN_CHARS], exact[:MAX_TOKEN_CHARS], surface, position, kind, start, end
                    )
                )
                position += 1
            continue
        if "_" not in run and run.isascii():
            append(
                Token(
                    run.lower()[:MAX_TOKEN_CHARS],
                    run[:MAX_TOKEN_CHARS],
                    run,
                    position,
                    "word",
                    run_start,
                    m.end(),
                )
            )
            position += 1
            continue
        offset = run_start
        for sub in run.split("_"):
            if sub:
                end = offset + len(sub)
                if sub.isascii():
                    append(
                        Token(
                            sub.lower()[:MAX_TOKEN_CHARS],
                            sub[:MAX_TOKEN_CHARS],
                            sub,
                            position,
                            "word",
                            offset,
                            end,
                        )
                    )
                    position += 1
                else:
                    for norm, exact in _pieces(sub, False):
                        append(Token(norm, exact, sub, position, "word", offset, end))
                        position += 1
            offset += len(sub) + 1
    return tokens
