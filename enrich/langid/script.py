"""Writing system of a text, from the Unicode blocks of its letters.

Latin-script text is the common case and is recognised by one regular-expression search; the
per-letter count runs only when a letter outside the Latin blocks is present.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

_LATIN_RANGES = "\u0041-\u024f\u0250-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\uff21-\uff5a"
_NON_LATIN_LETTER = re.compile(f"[^\\W\\d_{_LATIN_RANGES}]")

_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x02AF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0780, 0x07BF, "thaana"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"),
    (0x0A80, 0x0AFF, "gujarati"),
    (0x0B00, 0x0B7F, "oriya"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0C00, 0x0C7F, "telugu"),
    (0x0C80, 0x0CFF, "kannada"),
    (0x0D00, 0x0D7F, "malayalam"),
    (0x0D80, 0x0DFF, "sinhala"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x0F00, 0x0FFF, "tibetan"),
    (0x1000, 0x109F, "myanmar"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1200, 0x139F, "ethiopic"),
    (0x1780, 0x17FF, "khmer"),
    (0x1800, 0x18AF, "mongolian"),
    (0x1C80, 0x1C8F, "cyrillic"),
    (0x1C90, 0x1CBF, "georgian"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2C60, 0x2C7F, "latin"),
    (0x2D00, 0x2D2F, "georgian"),
    (0x2DE0, 0x2DFF, "cyrillic"),
    (0x3005, 0x3007, "han"),
    (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xA640, 0xA69F, "cyrillic"),
    (0xA720, 0xA7FF, "latin"),
    (0xA8E0, 0xA8FF, "devanagari"),
    (0xA960, 0xA97F, "hangul"),
    (0xAB30, 0xAB6F, "latin"),
    (0xAC00, 0xD7FF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF21, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "kana"),
    (0x20000, 0x3134F, "han"),
)
_STARTS = [start for start, _, _ in _BLOCKS]


@dataclass(frozen=True, slots=True)
class ScriptShare:
    """The dominant script of a text and the share of its letters written in it (0..1)."""

    script: str
    share: float


def script_of(char: str) -> str:
    """Script name of one character (``'other'`` outside the known blocks)."""
    code = ord(char)
    i = bisect.bisect_right(_STARTS, code) - 1
    if i >= 0 and code <= _BLOCKS[i][1]:
        return _BLOCKS[i][2]
    return "other"


def dominant_script(text: str) -> ScriptShare:
    """The script most of the letters of ``text`` are written in.

    Latin wins as soon as it holds at least half of the letters (a French tweet quoting a word in
    Arabic stays Latin). Han counts with kana as Japanese when kana is present, and with hangul as
    Korean. A text without letters counts as Latin. Never raises.
    """
    if _NON_LATIN_LETTER.search(text) is None:
        return ScriptShare("latin", 1.0)
    counts = Counter(script_of(char) for char in text if char.isalpha())
    total = sum(counts.values())
    if total == 0:
        return ScriptShare("latin", 0.0)
    if counts["latin"] * 2 >= total:
        return ScriptShare("latin", counts["latin"] / total)
    if counts["han"] and (counts["kana"] or counts["hangul"]):
        target = "kana" if counts["kana"] >= counts["hangul"] else "hangul"
        counts[target] += counts.pop("han")
    script, count = max(counts.items(), key=lambda item: item[1])
    return ScriptShare(script, count / total)
