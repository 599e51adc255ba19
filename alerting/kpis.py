"""Response-time KPIs per tenant and rule (pure): how fast alerts get acknowledged and resolved.

Percentiles use linear interpolation between closest ranks (numpy's default, "type 7"): with sorted
values ``v`` and ``h = (n − 1)·q``, ``p = v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋+1] − v[⌊h⌋])``. Alerts not yet
acknowledged (resolved) do not enter the time-to-acknowledge (resolve) figures; they are counted as
open (acknowledged) instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alerting.lifecycle import AlertStatus, Lifecycle, time_to_acknowledge, time_to_resolve


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values``; None for no values. ``ValueError`` if q is outside."""
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be within [0, 1]")
    if not values:
        return None
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


@dataclass(frozen=True, slots=True)
class KpiRow:
    """Figures of one tenant (``rule_id`` None: all its rules) or one tenant's rule."""

    tenant: str
    rule_id: str | None
    alerts: int
    open: int
    acknowledged: int
    resolved: int
    ack_p50_s: float | None
    ack_p90_s: float | None
    resolve_p50_s: float | None
    resolve_p90_s: float | None


def _row(tenant: str, rule_id: str | None, items: Sequence[Lifecycle]) -> KpiRow:
    acks = [v for v in (time_to_acknowledge(lc) for lc in items) if v is not None]
    resolves = [v for v in (time_to_resolve(lc) for lc in items) if v is not None]
    return KpiRow(
        tenant=tenant,
        rule_id=rule_id,
        alerts=len(items),
        open=sum(1 for lc in items if lc.status is AlertStatus.OPEN),
        acknowledged=sum(1 for lc in items if lc.status is AlertStatus.ACKNOWLEDGED),
        resolved=sum(1 for lc in items if lc.status is AlertStatus.RESOLVED),
        ack_p50_s=percentile(acks, 0.5),
        ack_p90_s=percentile(acks, 0.9),
        resolve_p50_s=percentile(resolves, 0.5),
        resolve_p90_s=percentile(resolves, 0.9),
    )


def response_kpis(items: Iterable[tuple[str, str, Lifecycle]], *, per_rule: bool = True) -> list[KpiRow]:
    """One row per tenant, followed (``per_rule``) by one row per rule of that tenant; sorted."""
    by_tenant: dict[str, list[Lifecycle]] = {}
    by_rule: dict[tuple[str, str], list[Lifecycle]] = {}
    for tenant, rule_id, lc in items:
        by_tenant.setdefault(tenant, []).append(lc)
        by_rule.setdefault((tenant, rule_id), []).append(lc)
    rows = []
    for tenant in sorted(by_tenant):
        rows.append(_row(tenant, None, by_tenant[tenant]))
        if per_rule:
            rows.extend(_row(tenant, rule, by_rule[(t, rule)]) for t, rule in sorted(by_rule) if t == tenant)
    return rows
