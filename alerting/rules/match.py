"""Match alert: every mention of the query fires, optionally only negative ones or only authors with
at least ``min_followers`` of reach."""

from __future__ import annotations

from alerting.rules.decision import Decision
from schemas.rules import MatchDetector


def detect_match(rule: MatchDetector, *, negative: bool, reach: int | None) -> Decision:
    """Fires when the mention passes the rule's filters. ``reach`` is the author's best known audience."""
    reasons: dict[str, float | int | str] = {}
    fired = True
    if rule.only_negative:
        reasons["only_negative"] = 1
        fired = fired and negative
    if rule.min_followers is not None:
        reasons["min_followers"] = rule.min_followers
        reasons["reach"] = reach if reach is not None else -1
        fired = fired and reach is not None and reach >= rule.min_followers
    return Decision(fired=fired, statistic="match", observed=1.0, threshold=1.0, details=reasons)
