"""The Lucene span model behind NEAR (checked against the real Elasticsearch in test_query_es_dsl)."""

from __future__ import annotations

from ecoute.query.spans import ordered_near, phrase_starts, span_or, unordered_near


def terms(*positions: int) -> list[tuple[int, int]]:
    return [(p, p + 1) for p in positions]


def test_unordered_counts_tokens_between_in_either_order() -> None:
    assert unordered_near(terms(0), terms(3), 2) == [(0, 4)]  # 2 tokens between
    assert unordered_near(terms(0), terms(3), 1) == []
    assert unordered_near(terms(3), terms(0), 2) == [(0, 4)]  # reversed order
    assert unordered_near(terms(0), terms(1), 0) == [(0, 2)]  # adjacent


def test_ordered_requires_left_first() -> None:
    assert ordered_near(terms(0), terms(3), 2) == [(0, 4)]
    assert ordered_near(terms(3), terms(0), 2) == []
    assert ordered_near(terms(0, 5), terms(7), 1) == [(5, 8)]


def test_same_term_quirks_match_lucene() -> None:
    # unordered: a span may pair with itself (negative width), so "a NEAR/0 a" matches a single "a"
    assert unordered_near(terms(4), terms(4), 0) == [(4, 5)]
    # ordered: the right operand must start after the left one ends, so two occurrences are needed
    assert ordered_near(terms(4), terms(4), 5) == []
    assert ordered_near(terms(4, 6), terms(4, 6), 1) == [(4, 7)]


def test_unordered_max_end_is_never_lowered() -> None:
    # operand spans of different lengths (an OR of a phrase and a word): Lucene keeps the largest end
    left = [(0, 5), (1, 2)]
    right = terms(3)
    # second window is (1,2)+(3,4): a fresh maximum would give width 4-1-2 = 1, Lucene's stale one 5-1-2 = 2
    assert unordered_near(left, right, 1) == [(0, 5)]
    assert unordered_near(left, right, 2) == [(0, 5), (1, 5)]


def test_span_or_merges_by_start_then_end() -> None:
    assert span_or([[(0, 2), (5, 6)], [(0, 1), (3, 4)], []]) == [(0, 1), (0, 2), (3, 4), (5, 6)]
    assert span_or([[], []]) == []
    assert span_or([[(1, 2)]]) == [(1, 2)]


def test_phrase_starts() -> None:
    norms = ["a", "b", "a", "b", "a"]
    pos = {"a": [0, 2, 4], "b": [1, 3]}
    assert phrase_starts(norms, pos, ("a", "b")) == [0, 2]
    assert phrase_starts(norms, pos, ("a", "b", "a")) == [0, 2]
    assert phrase_starts(norms, pos, ("b", "b")) == []
    assert phrase_starts(norms, pos, ("c", "a")) == []
