"""One-pass regex tokeniser for short social-media texts (tweets, comments, reviews).

``tokenize(text)`` returns ``(kind, surface)`` pairs in text order. Kinds are small ints
(constants below) so the scorer can dispatch without string compares. The tokeniser never
raises: any character it does not recognise is skipped.
"""

from __future__ import annotations

import html
import re
from typing import Final

WORD: Final = 0
HASHTAG: Final = 1
MENTION: Final = 2
URL: Final = 3
EMOJI: Final = 4
EMOTICON: Final = 5
EXCLAIM: Final = 6
QUESTION: Final = 7
BOUNDARY: Final = 8
NUMBER: Final = 9

Token = tuple[int, str]

# Western emoticons, longest first so ":-((" wins over ":-(". Not followed by a letter or
# digit, so ":pas" or ":D2" are not emoticons.
_EMOTICONS: Final = sorted(
    {
        ":-)",
        ":)",
        ":-))",
        ":))",
        ":)))",
        ":-]",
        ":]",
        ":-D",
        ":D",
        ";-)",
        ";)",
        ";-D",
        ";D",
        "=)",
        "=D",
        ":-P",
        ":P",
        ":-p",
        ":p",
        ";-P",
        ";P",
        ";p",
        ":o)",
        "^^",
        "^_^",
        "^.^",
        "<3",
        "<33",
        "<333",
        ":*",
        ":-*",
        ";*",
        "8-)",
        "B-)",
        ":')",
        ":'-)",
        ":-(",
        ":(",
        ":-((",
        ":((",
        ":(((",
        ":-[",
        ":[",
        ":'(",
        ":'-(",
        ":,(",
        "=(",
        ":-/",
        ":/",
        ":-\\",
        ":\\",
        ":-|",
        ":|",
        ":-S",
        ":S",
        ":s",
        ">:(",
        ">:-(",
        "D:",
        ":@",
        "-_-",
        "-.-",
        "</3",
        ":-O",
        ":O",
        ":o",
        "o_O",
        "O_o",
        "o_o",
        "T_T",
        "T.T",
        ";(",
    },
    key=len,
    reverse=True,
)
EMOTICON_SET: Final = frozenset(_EMOTICONS)

_EMOJI_CLASS: Final = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u2300-\u23ff"
    "\u2900-\u297f\u3030\u303d\u3297\u3299\u203c\u2049\u2122\u2139"
)
_LETTERS: Final = r"[^\W\d_]"

# Alternatives are ordered by frequency (URLs must precede words); the emoticon alternation is
# guarded by its possible first characters so ordinary text never tries its ~80 branches.
_EMOTICON_FIRST: Final = re.escape("".join(sorted({e[0] for e in _EMOTICONS})))
_TOKEN_RE: Final = re.compile(
    r"https?://\S+|www\.\S+"
    r"|(?=[" + _EMOTICON_FIRST + r"])(?:" + "|".join(re.escape(e) for e in _EMOTICONS) + r")(?![^\W_])"
    r"|" + _LETTERS + r"+(?:['’]" + _LETTERS + r"+)*"
    r"|[@＠]\w+"
    r"|[#＃]\w+"
    r"|[" + _EMOJI_CLASS + r"][\ufe0f\u200d\U0001f3fb-\U0001f3ff]*"
    r"|\d+(?:[.,]\d+)*"
    r"|[!¡]+[!?1]*|[?¿][?!]*"
    r"|[.;:,…()\[\]\"«»—|/]+"
)

_ESCAPED_UNICODE_RE: Final = re.compile(r"\\u([0-9a-fA-F]{4})")
_EMOJI_STRIP: Final = str.maketrans(
    {"\ufe0f": None, "\u200d": None} | {chr(c): None for c in range(0x1F3FB, 0x1F400)}
)


def _unescape_unicode(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def clean_text(text: str) -> str:
    """Undo HTML entities (``&lt;3``) and literal ``\\uXXXX`` escapes left by upstream exporters."""
    if "&" in text:
        text = html.unescape(text)
    if "\\u" in text:
        text = _ESCAPED_UNICODE_RE.sub(_unescape_unicode, text)
    return text


def canonical_emoji(surface: str) -> str:
    """Strip variation selectors, joiners and skin tones so ``👍🏽`` and ``❤️`` match ``👍``/``❤``."""
    return surface.translate(_EMOJI_STRIP)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into typed tokens in one regex pass.

    URLs (and the ``http`` placeholder some corpora leave), mentions, hashtags, emoticons,
    emojis, words (letters, with inner apostrophes kept: ``don't``, ``l'écologie``),
    numbers, ``!``/``?`` runs and clause boundaries (``. ; : , …``) are recognised.
    """
    out: list[Token] = []
    append = out.append
    for tok in _TOKEN_RE.findall(clean_text(text)):
        first = tok[0]
        if first.isalpha():
            if tok in EMOTICON_SET:
                append((EMOTICON, tok))
            elif tok == "http" or tok == "https" or (tok.startswith(("http", "www.")) and "/" in tok):
                append((URL, tok))
            else:
                append((WORD, tok))
        elif first in "@＠":
            append((MENTION, tok))
        elif first in "#＃":
            append((HASHTAG, tok))
        elif first.isdigit():
            append((NUMBER, tok))
        elif first in "!¡":
            append((EXCLAIM, tok))
        elif first in "?¿":
            append((QUESTION, tok))
        elif tok in EMOTICON_SET:
            append((EMOTICON, tok))
        elif first in '.;:,…()[]"«»—|/':
            append((BOUNDARY, tok))
        else:
            append((EMOJI, tok))
    return out
