"""What a detector answers: fired or not, and the numbers that explain it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from schemas.alert import AlertExplanation


@dataclass(frozen=True, slots=True)
class Decision:
    """A detector's verdict. ``observed``/``baseline``/``threshold`` are in the statistic's own unit
    (a count, a share, a p-value …); ``details`` holds the extra numbers the alert text quotes."""

    fired: bool
    statistic: str
    observed: float
    threshold: float
    baseline: float | None = None
    p_value: float | None = None
    z: float | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    baseline_start: datetime | None = None
    baseline_end: datetime | None = None
    details: dict[str, float | int | str] = field(default_factory=dict)

    def explanation(self) -> AlertExplanation:
        """The wire form of this decision."""

        def finite(value: float | None) -> float | None:
            if value is None or value != value or value in (float("inf"), float("-inf")):
                return None
            return value

        return AlertExplanation(
            statistic=self.statistic,
            observed=self.observed,
            baseline=finite(self.baseline),
            threshold=self.threshold,
            p_value=None if self.p_value is None else min(1.0, max(0.0, self.p_value)),
            z=finite(self.z),
            window_start=self.window_start,
            window_end=self.window_end,
            baseline_start=self.baseline_start,
            baseline_end=self.baseline_end,
            details=dict(list(self.details.items())[:20]),
        )
