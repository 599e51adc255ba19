"""Position spans and a faithful model of Lucene's span queries, so NEAR agrees with Elasticsearch.

A span is ``(start, end)`` in token positions, ``end`` exclusive. Lists are in Lucene's iteration order
(start ascending). These functions reproduce the algorithms of Lucene 9's ``NearSpansOrdered``,
``NearSpansUnordered`` and ``SpanOrQuery`` (used by Elasticsearch's ``span_near``/``span_or``), including
their quirks, so the stream matcher returns exactly the documents Elasticsearch returns:

* unordered: a window holds the current span of each operand; it matches when
  ``max_end - min_start - sum(lengths) <= slop`` (``max_end`` is the largest end seen so far in the
  field, never lowered); the operand whose span starts first (then ends first; ties keep the current
  one) advances. Overlapping spans give a negative width, so ``a NEAR/n a`` matches a single ``a``.
* ordered: for each span of the left operand, the right operand is advanced (never backwards) to its
  first span starting at or after the left span's end; it matches if the gap is ``<= slop``.

For two single words, both mean "at most ``slop`` other tokens between them" (either order / left
first). Pure functions; never raise.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TypeAlias

Span: TypeAlias = tuple[int, int]


def ordered_near(left: Sequence[Span], right: Sequence[Span], slop: int) -> list[Span]:
    """Matches of an in-order ``span_near`` of two operands (Lucene NearSpansOrdered)."""
    out: list[Span] = []
    n = len(right)
    if n == 0:
        return out
    j = 0
    for start, end in left:
        while j < n and right[j][0] < end:
            j += 1
        if j == n:
            break
        r_start, r_end = right[j]
        if r_start - end <= slop:
            out.append((start, r_end))
    return out


def _precedes(a: Span, b: Span) -> bool:
    """Lucene ``positionsOrdered``: a starts first, or starts together and ends first."""
    return a[1] < b[1] if a[0] == b[0] else a[0] < b[0]


def unordered_near(left: Sequence[Span], right: Sequence[Span], slop: int) -> list[Span]:
    """Matches of an unordered ``span_near`` of two operands (Lucene NearSpansUnordered)."""
    out: list[Span] = []
    if not left or not right:
        return out
    lists = (left, right)
    idx = [0, 0]
    cur = [left[0], right[0]]
    max_end = max(left[0][1], right[0][1])
    total = left[0][1] - left[0][0] + right[0][1] - right[0][0]
    top = 1 if _precedes(right[0], left[0]) else 0
    while True:
        start = cur[top][0]
        if max_end - start - total <= slop:
            out.append((start, max_end))
        k = top
        idx[k] += 1
        if idx[k] >= len(lists[k]):
            return out
        old = cur[k]
        new = lists[k][idx[k]]
        total += (new[1] - new[0]) - (old[1] - old[0])
        if new[1] > max_end:
            max_end = new[1]
        cur[k] = new
        other = 1 - k
        top = other if _precedes(cur[other], new) else k


def span_or(parts: Sequence[Sequence[Span]]) -> list[Span]:
    """Spans of a ``span_or``: the operands' spans merged by (start, end) of their current heads."""
    non_empty = [p for p in parts if p]
    if not non_empty:
        return []
    if len(non_empty) == 1:
        return list(non_empty[0])
    return list(heapq.merge(*non_empty))


def phrase_starts(norms: Sequence[str], pos: dict[str, list[int]], tokens: Sequence[str]) -> list[int]:
    """Start positions where ``tokens`` occur consecutively in ``norms`` (``pos`` indexes ``norms``)."""
    first = pos.get(tokens[0])
    if not first:
        return []
    n = len(tokens)
    limit = len(norms) - n
    out: list[int] = []
    for p in first:
        if p > limit:
            break
        for k in range(1, n):
            if norms[p + k] != tokens[k]:
                break
        else:
            out.append(p)
    return out
