"""Readers for the lexicon files: ours (``data/*.tsv``) and those shipped by PyPI packages.

Every reader returns plain dicts/lists and raises ``OSError``/``ValueError`` with the file
name on unreadable or malformed input: a broken lexicon must fail at load, not score quietly.
The one optional source is the English VADER lexicon of the ``vaderSentiment`` package
(MIT): when that package is absent, ``read_vader_en`` returns ``{}`` and logs a warning.
"""

from __future__ import annotations

import logging
from importlib import resources
from importlib.resources.abc import Traversable

logger = logging.getLogger(__name__)

_DATA = resources.files(__package__ or "enrich.sentiment").joinpath("data")


def data_file(name: str) -> Traversable:
    """Path-like handle of one of our shipped data files."""
    return _DATA.joinpath(name)


def _rows(name: str, text: str, min_cols: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < min_cols:
            raise ValueError(f"{name}:{lineno}: expected {min_cols} tab-separated columns: {raw!r}")
        rows.append(cols)
    return rows


def read_valences(name: str, *, lower: bool = True) -> dict[str, float]:
    """Read ``entry<TAB>valence`` lines (valence on VADER's -4..4 scale) from ``data/name``.

    Entries are lower-cased unless ``lower`` is False (emoticons such as ``:D`` are case-sensitive).
    """
    text = data_file(name).read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for cols in _rows(name, text, 2):
        try:
            out[cols[0].lower() if lower else cols[0]] = float(cols[1])
        except ValueError as exc:
            raise ValueError(f"{name}: bad valence for {cols[0]!r}: {cols[1]!r}") from exc
    return out


def read_modifiers(name: str) -> list[tuple[str, str, float]]:
    """Read ``word<TAB>kind<TAB>value`` lines: kinds are negator, ne, late_negator, booster, contrast."""
    text = data_file(name).read_text(encoding="utf-8")
    known = {"negator", "ne", "late_negator", "booster", "contrast"}
    out: list[tuple[str, str, float]] = []
    for cols in _rows(name, text, 2):
        kind = cols[1]
        if kind not in known:
            raise ValueError(f"{name}: unknown modifier kind {kind!r} for {cols[0]!r}")
        value = float(cols[2]) if len(cols) > 2 and cols[2] else 0.0
        out.append((cols[0].lower(), kind, value))
    return out


def read_vader_fr() -> dict[str, float]:
    """The vendored French VADER translation (``word->valence`` lines, MIT, see its LICENSE file)."""
    name = "vader_fr_lexicon.txt"
    out: dict[str, float] = {}
    for raw in data_file(name).read_text(encoding="utf-8").splitlines():
        entry, sep, value = raw.rpartition("->")
        if not sep or not entry:
            continue
        try:
            out[entry.strip().lower()] = float(value)
        except ValueError:
            logger.debug("skipping malformed line in %s: %r", name, raw)
    return out


def read_vader_en() -> dict[str, float]:
    """The English VADER lexicon read from the installed ``vaderSentiment`` package (MIT).

    Returns ``{}`` (with a warning) when the package is not installed: scoring then relies on
    our own lexicon only, with lower accuracy.
    """
    try:
        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        logger.warning("vaderSentiment is not installed: English sentiment uses ecoute's own lexicon only")
        return {}
    out: dict[str, float] = {}
    for raw in text.splitlines():
        cols = raw.split("\t")
        if len(cols) >= 2:
            try:
                out[cols[0].lower()] = float(cols[1])
            except ValueError:
                logger.debug("skipping malformed VADER line: %r", raw)
    return out


def vader_en_available() -> bool:
    """True when the ``vaderSentiment`` package (English base lexicon) is installed."""
    try:
        return resources.files("vaderSentiment").joinpath("vader_lexicon.txt").is_file()
    except ModuleNotFoundError:
        return False
