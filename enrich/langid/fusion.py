"""Pure arithmetic of the tiers: ranking, when the word model may decide alone, which candidates go to
lingua, and how lingua's probabilities combine with word scores. No I/O, no model."""

from __future__ import annotations

import math
from collections.abc import Sequence

from enrich.langid.params import (
    CANDIDATE_SPREAD,
    CONFIDENCE_DIGITS,
    DECISION_MARGIN,
    LINGUA_EPSILON,
    LINGUA_WEIGHT,
    MAX_CANDIDATES,
)


def ranking(scores: Sequence[float]) -> list[int]:
    """Indices of ``scores`` from best to worst; equal scores keep index (= priority) order."""
    return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)


def share(scores: Sequence[float], index: int) -> float:
    """Softmax probability of ``scores[index]`` (scores are log-likelihoods in nats), rounded to
    :data:`CONFIDENCE_DIGITS` decimals."""
    top = max(scores)
    exp = math.exp
    total = sum([exp(score - top) for score in scores])
    return round(exp(scores[index] - top) / total, CONFIDENCE_DIGITS)


def decisive_winner(scores: Sequence[float]) -> int | None:
    """Index of the best language if it leads the second by :data:`DECISION_MARGIN` nats or more
    (the first of equals in priority order), else None. Cheaper than a full :func:`ranking`."""
    if len(scores) < 2:
        return 0 if scores else None
    first, second = sorted(scores, reverse=True)[:2]
    if first - second >= DECISION_MARGIN:
        return scores.index(first)
    return None


def candidates(scores: Sequence[float], order: Sequence[int]) -> list[int]:
    """Indices (in priority order) of the languages worth asking lingua about.

    Those within :data:`CANDIDATE_SPREAD` nats of the best, at least two; all of them when more than
    :data:`MAX_CANDIDATES` are that close (no telling word: lingua must compare everything).
    """
    best = scores[order[0]]
    near = [i for i in order if best - scores[i] < CANDIDATE_SPREAD]
    if len(near) < 2:
        near = list(order[:2])
    if len(near) > MAX_CANDIDATES:
        return list(range(len(scores)))
    return sorted(near)


def fuse(word_scores: Sequence[float], probabilities: Sequence[float]) -> list[float]:
    """Word score + :data:`LINGUA_WEIGHT` · ln(lingua probability + :data:`LINGUA_EPSILON`)."""
    return [
        score + LINGUA_WEIGHT * math.log(p + LINGUA_EPSILON)
        for score, p in zip(word_scores, probabilities, strict=True)
    ]


def best_index(scores: Sequence[float]) -> int:
    """Index of the highest score, the first one on ties (priority order)."""
    return max(range(len(scores)), key=scores.__getitem__)
