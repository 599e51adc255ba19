"""New source alert: the first mention of a query on a site never seen for it.

Every worker starts knowing no site, so the first ``learn_s`` seconds of event time after the query's
first mention are a learning period: sites seen then become the baseline and do not fire. Afterwards a
mention from a site absent from the seen set fires (once: the site is then remembered).
"""

from __future__ import annotations

from datetime import UTC, datetime

from alerting.rules.decision import Decision
from schemas.rules import NewSourceDetector


def detect_new_source(
    rule: NewSourceDetector, *, site: str, seen_before: bool, event_time: float, first_seen: float
) -> Decision:
    """``first_seen`` is the event time of the query's first mention (epoch seconds)."""
    learning_until = first_seen + rule.learn_s
    learning = event_time < learning_until
    fired = not seen_before and not learning
    return Decision(
        fired=fired,
        statistic="first_seen_site",
        observed=0.0 if seen_before else 1.0,
        threshold=1.0,
        details={
            "site": site,
            "learning_until": datetime.fromtimestamp(learning_until, UTC).isoformat(),
            "learning": int(learning),
        },
    )
