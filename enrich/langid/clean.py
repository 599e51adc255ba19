"""Social-media text → the words that carry its language.

Removes what says nothing about the language (URLs, e-mail addresses, @handles, $cashtags, a leading
"RT", HTML entities, emojis and other pictographs), keeps hashtag words (``#GrèveGénérale`` → "Grève
Générale"), unifies apostrophes, composes accents (NFC) and collapses white space. Total over ``str``:
never raises.
"""

from __future__ import annotations

import re
import unicodedata

_TLD = r"(?:com|net|org|fr|eu|io|co|be|ch|ca|de|uk|info|ly|gl|gd|me|tv)\b"
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"  # explicit links
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses, before handles
    rf"|\b(?:[a-z0-9-]+\.)+{_TLD}(?:/\S*)?",  # bare domains, with or without a path
    re.IGNORECASE,
)
_URL_HINT = re.compile(rf"://|\bwww\.|@[\w-]+\.\w|\.{_TLD}", re.IGNORECASE)  # cheap test before _URL
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_CASHTAG = re.compile(r"(?<![\w$])\$[A-Za-z]{1,6}\b")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
_RETWEET = re.compile(r"^\s*RT\b(?:\s*@\w+)?:?")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_PICTOGRAPH = re.compile(
    "["
    "\U0001f000-\U0001faff"  # emoji, symbols, flags, skin tones
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"  # arrows, dingbats
    "\u3030\u303d\u3297\u3299"
    "\ufe00-\ufe0f\u200d\u20e3"  # variation selectors, zero-width joiner, keycap
    "\U000e0000-\U000e007f"  # tag characters (subdivision flags)
    "]+"
)
_APOSTROPHE = re.compile("[’‘ʼ´`]")
_LETTER = re.compile(r"[^\W\d_]")


def clean_text(text: str) -> str:
    """The language-bearing part of ``text`` (may be empty)."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # Each pass runs only when its trigger character is present: most texts skip most passes.
    if "RT" in text:
        text = _RETWEET.sub(" ", text)
    if _URL_HINT.search(text):
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if "$" in text:
        text = _CASHTAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(_hashtag_words, text)
    if not text.isascii():
        text = _APOSTROPHE.sub("'", _PICTOGRAPH.sub(" ", text))
    return " ".join(text.split())


def has_letters(text: str) -> bool:
    """True when ``text`` contains at least one letter of any script."""
    return _LETTER.search(text) is not None


def split_hashtag(body: str) -> str:
    """Words of a hashtag body: at underscores, lower→upper case changes and letter/digit changes.

    ``"GrèveGénérale"`` → ``"Grève Générale"``, ``"JO2024_Paris"`` → ``"JO 2024 Paris"``; a body in
    one case (``"greve"``, ``"RGPD"``) stays whole.
    """
    out: list[str] = []
    previous = ""
    for char in body:
        if char == "_":
            out.append(" ")
        elif previous and ((previous.islower() and char.isupper()) or (previous.isalpha() != char.isalpha())):
            out.append(" ")
            out.append(char)
        else:
            out.append(char)
        previous = "" if char == "_" else char
    return "".join(out)


def _hashtag_words(match: re.Match[str]) -> str:
    return f" {split_hashtag(match.group(1))} "
