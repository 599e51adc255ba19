"""Why a query matched: the result types returned by matching.

A :class:`Hit` is one occurrence of one positive query term (terms under ``NOT`` never produce hits;
for ``OR`` only the branches that matched do). Text hits (``field`` = ``title`` or ``text``) give token
positions and the char span in the original field value, so a UI can highlight ``surface``;
metadata hits (``author``, ``site``, ``lang``, ``source``) give the document value in ``surface`` and no
positions or span. A NEAR produces one hit per matching window, covering both operands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HitField = Literal["title", "text", "author", "site", "lang", "source"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One matched occurrence: canonical ``term`` (as :func:`describe` writes it), where and what."""

    term: str
    field: HitField
    surface: str
    positions: tuple[int, int] | None = None
    """Token positions ``[first, end)`` in the field (None for metadata fields)."""
    span: tuple[int, int] | None = None
    """Char offsets ``[start, end)`` in the original field value (None for metadata fields)."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "term": self.term,
            "field": self.field,
            "surface": self.surface,
            "positions": list(self.positions) if self.positions is not None else None,
            "span": list(self.span) if self.span is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """The hits of a matched query, in query order then document order, without duplicates.

    Empty for a query that matched only through negations (e.g. ``NOT spam``).
    """

    hits: tuple[Hit, ...]

    def terms(self) -> list[str]:
        """Distinct matched terms, in order."""
        return list(dict.fromkeys(h.term for h in self.hits))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"hits": [h.to_dict() for h in self.hits]}


@dataclass(frozen=True, slots=True)
class QueryMatchResult:
    """A query of a tenant that matched a document, and why."""

    tenant: str
    query_id: str
    explanation: Explanation
