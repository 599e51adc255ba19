"""Influencer alert: a mention by an author whose reach is at least ``min_followers``.

Reach is the best of three: the followers the source reported on this mention, the largest audience
seen for this author before (past reach, kept by the worker for audiences at or above the query's
lowest reach threshold, :func:`reach_floor`), and the tenant's own list
(``known_reach``, for sources such as RSS that report no audience; matched on handle or name, case
insensitive).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alerting.rules.decision import Decision
from schemas.rules import AlertRule, InfluencerDetector, MatchDetector


@dataclass(frozen=True, slots=True)
class InfluencerInput:
    author: str | None
    followers: int | None
    past_reach: int | None
    negative: bool


def known_reach(rule: InfluencerDetector, author: str | None) -> int | None:
    """The tenant-declared audience of ``author`` (case-insensitive, with or without ``@``)."""
    if not author or not rule.known_reach:
        return None
    wanted = author.casefold().lstrip("@")
    best: int | None = None
    for name, reach in rule.known_reach.items():
        if name.casefold().lstrip("@") == wanted:
            best = reach if best is None else max(best, reach)
    return best


def best_reach(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def reach_floor(rules: Iterable[AlertRule]) -> int | None:
    """The smallest reach the enabled ``rules`` compare an author with (an influencer rule's or a match
    rule's ``min_followers``), or None when none does. A past reach below it can change no decision,
    so the worker keeps an author's past reach only from there up: kept for every author, the table
    would grow with every author ever seen."""
    floors = [
        rule.detector.min_followers
        for rule in rules
        if rule.enabled
        and isinstance(rule.detector, InfluencerDetector | MatchDetector)
        and rule.detector.min_followers is not None
    ]
    return min(floors) if floors else None


def detect_influencer(rule: InfluencerDetector, data: InfluencerInput) -> Decision:
    declared = known_reach(rule, data.author)
    reach = best_reach(data.followers, data.past_reach, declared)
    fired = reach is not None and reach >= rule.min_followers and (data.negative or not rule.only_negative)
    source = (
        "mention"
        if reach is not None and reach == data.followers
        else "declared"
        if reach is not None and reach == declared
        else "past"
        if reach is not None
        else "unknown"
    )
    return Decision(
        fired=fired,
        statistic="followers",
        observed=float(reach or 0),
        threshold=float(rule.min_followers),
        details={"author": data.author or "", "reach_source": source},
    )
