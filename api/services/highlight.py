"""Highlights of a mention for a search: HTML-escaped fragments with ``<mark>`` around what matched. Pure.

Computed in Python rather than by Elasticsearch's highlighter, because what matches is decided by our
own analysis (accent/case folding, French/English stemming), which the cluster's analyzers cannot
reproduce on the stored text: for ``q`` the stream matcher's explanation gives the exact character
spans of every matched term (the same engine that matched the mention in the pipeline); for ``text``
each token of the mention is analysed like the search words and marked when the forms agree.
Everything outside the marks is escaped, so fragments can be inserted as HTML safely.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Final

from ecoute.query import MatchableDoc, QueryNode, compile_query, tokenize
from ecoute.search_analysis import LANGUAGES, Language, analyze, analyzed_tokens, language_of

FRAGMENT_CHARS: Final = 160
MAX_FRAGMENTS: Final = 2
MAX_TITLE_CHARS: Final = 400
Span = tuple[int, int]


class Highlighter:
    """Built once per request from ``q`` (AST) and ``text``; :meth:`highlight` runs per hit."""

    def __init__(self, node: QueryNode | None, text: str | None) -> None:
        self._query = compile_query("search", "search", node) if node is not None else None
        self._forms: dict[Language, set[str]] = {}
        self._folded: set[str] = set()
        if text:
            self._forms = {lang: set(analyze(text, lang)) for lang in LANGUAGES}
            self._folded = {t.norm for t in tokenize(text)}

    @property
    def active(self) -> bool:
        return self._query is not None or bool(self._folded)

    def spans(self, source: Mapping[str, Any]) -> dict[str, list[Span]]:
        """Character spans to mark in ``title`` and ``text`` of a stored mention."""
        found: dict[str, list[Span]] = {"title": [], "text": []}
        title, text = source.get("title") or "", source.get("text") or ""
        if self._query is not None:
            author = source.get("author") or {}
            doc = MatchableDoc(
                text=text,
                title=title or None,
                author=author.get("handle") or author.get("name"),
                url=source.get("url"),
                lang=source.get("lang"),
                source=f"{source.get('source_type')}:{source.get('source_id')}",
            )
            explanation = self._query.match(doc)
            for hit in explanation.hits if explanation is not None else ():
                if hit.field in found and hit.span is not None:
                    found[hit.field].append(hit.span)
        if self._folded:
            lang = language_of(source.get("lang"))
            for field, value in (("title", title), ("text", text)):
                if lang is not None:
                    forms = self._forms.get(lang, set())
                    found[field] += [
                        (t.start, t.end) for t, form in analyzed_tokens(value, lang) if form in forms
                    ]
                found[field] += [(t.start, t.end) for t in tokenize(value) if t.norm in self._folded]
        return found

    def highlight(self, source: Mapping[str, Any]) -> dict[str, list[str]]:
        """``{"title": [...], "text": [...]}`` fragments (fields without a match are left out)."""
        if not self.active:
            return {}
        out: dict[str, list[str]] = {}
        for field, spans in self.spans(source).items():
            value = source.get(field) or ""
            if not spans or not value:
                continue
            if field == "title" and len(value) <= MAX_TITLE_CHARS:
                out[field] = [render(value, 0, len(value), merge(spans))]
            else:
                out[field] = fragments(value, spans)
        return out


def merge(spans: list[Span]) -> list[Span]:
    """Sorted, non-overlapping spans."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def render(value: str, start: int, end: int, spans: list[Span]) -> str:
    """``value[start:end]`` escaped, with marks around the spans inside it, ``…`` where it was cut."""
    parts = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(html.escape(value[pos:s]))
        parts.append(f"<mark>{html.escape(value[s:e])}</mark>")
        pos = e
    parts.append(html.escape(value[pos:end]))
    parts.append("…" if end < len(value) else "")
    return "".join(parts)


def _snap_left(value: str, i: int) -> int:
    if i <= 0:
        return 0
    space = value.rfind(" ", max(0, i - 20), i)
    return space + 1 if space >= 0 else i


def _snap_right(value: str, i: int) -> int:
    if i >= len(value):
        return len(value)
    space = value.find(" ", i, i + 20)
    return space if space >= 0 else i


def fragments(
    value: str, spans: list[Span], size: int = FRAGMENT_CHARS, limit: int = MAX_FRAGMENTS
) -> list[str]:
    """Up to ``limit`` windows of about ``size`` characters around the first marked spans."""
    merged = merge(spans)
    windows: list[Span] = []
    for s, e in merged:
        pad = max(0, (size - (e - s)) // 2)
        w = (_snap_left(value, s - pad), _snap_right(value, e + pad))
        if windows and s < windows[-1][1]:
            continue  # already shown in the previous window
        if windows and w[0] <= windows[-1][1] and max(windows[-1][1], w[1]) - windows[-1][0] <= size * 3 // 2:
            windows[-1] = (windows[-1][0], max(windows[-1][1], w[1]))
        else:
            windows.append((max(w[0], windows[-1][1]) if windows else w[0], w[1]))
        if len(windows) > limit:
            break
    return [render(value, ws, we, merged) for ws, we in windows[:limit]]
