"""Pure detectors, one per rule kind. Each takes the rule's parameters and the numbers it needs
(counts, shares, reach, seen sites) and returns a :class:`~alerting.rules.decision.Decision` saying
whether it fired and why (observed value, baseline, threshold, statistic)."""

from alerting.rules.decision import Decision
from alerting.rules.influencer import InfluencerInput, detect_influencer
from alerting.rules.match import detect_match
from alerting.rules.negative import NegativeCounts, detect_negative_surge
from alerting.rules.new_source import detect_new_source
from alerting.rules.spike import detect_spike_ewma, detect_spike_poisson

__all__ = [
    "Decision",
    "InfluencerInput",
    "NegativeCounts",
    "detect_influencer",
    "detect_match",
    "detect_negative_surge",
    "detect_new_source",
    "detect_spike_ewma",
    "detect_spike_poisson",
]
