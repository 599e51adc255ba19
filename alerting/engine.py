"""The alerting engine: one match event in, the alerts it causes out (pure apart from its store).

For each :class:`~schemas.matches.MatchEvent` (one mention × one tenant query), in order:

1. advance the partition's event clock; decide whether the mention is *late* (:mod:`alerting.clock`);
2. count it in the query's minute/hour buckets, remember its author's reach and its site;
3. for every enabled rule of the tenant on that query: run the rule's detector (not for late
   mentions), then the cooldown: emit, group, or flush a due group (:mod:`alerting.cooldown`);
4. build the :class:`~schemas.alert.Alert` events, with text in the mentions' language.

:meth:`AlertEngine.tick` flushes groups whose cooldown ended on a quiet partition and expires old
buckets. The engine keeps only *derived* data in memory (recent samples for alert evidence, for the
queries with a spike or negative-surge rule: :func:`shows_evidence`; a memo of the last spike
evaluation); everything that decides an alert is in the store, so a restarted worker
recovering its Faust tables decides exactly as before.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from alerting.buckets import Counts, Level, range_counts, window_end
from alerting.clock import clamp_event_time, effective_now, is_late
from alerting.cooldown import CooldownState, Emit, in_cooldown, on_clock, on_fire, rank_samples
from alerting.retention import baseline_start, minute_keep_s
from alerting.rules import (
    Decision,
    InfluencerInput,
    NegativeCounts,
    detect_influencer,
    detect_match,
    detect_negative_surge,
    detect_new_source,
    detect_spike_ewma,
    detect_spike_poisson,
)
from alerting.rules.influencer import best_reach, reach_floor
from alerting.state import AlertStore, Keep
from alerting.text import alert_lang, render
from schemas.alert import Alert, AlertSample
from schemas.matches import MatchEvent
from schemas.rules import AlertRule, NegativeSurgeDetector, SpikeDetector


class RuleSource(Protocol):
    def for_query(self, tenant: str, query_id: str) -> Sequence[AlertRule]: ...

    def get(self, tenant: str, rule_id: str) -> AlertRule | None: ...


@dataclass(frozen=True, slots=True)
class EngineConfig:
    max_lateness_s: float = 7200.0
    future_skew_s: float = 300.0
    idle_advance_s: float = 30.0
    retention_s: float = 8 * 86_400.0
    recent_samples: int = 50


def alert_id(tenant: str, rule_id: str, trigger: str) -> str:
    """Deterministic alert id: the same trigger of the same rule always gives the same id."""
    return hashlib.sha256(f"{tenant}\x1f{rule_id}\x1f{trigger}".encode()).hexdigest()[:32]


def cooldown_key(rule: AlertRule) -> str:
    """Store key of a rule's cooldown state (with its query, which fixes its partition)."""
    return f"{rule.tenant}:{rule.id}|{rule.query_id}"


def _epoch(dt: datetime) -> float:
    return dt.timestamp()


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass(slots=True)
class _Memo:
    window_end: int
    observed: int
    decision: Decision


def shows_evidence(rules: Iterable[AlertRule]) -> bool:
    """Whether one of ``rules`` (enabled) shows the query's recent mentions as evidence: a spike or a
    negative surge. The engine keeps recent mentions only for such queries; a rule added later shows
    what came after it was added."""
    return any(rule.enabled and rule.detector.kind in ("spike", "negative_surge") for rule in rules)


class AlertEngine:
    """Stateless apart from derived caches; ``store`` holds the state that matters."""

    def __init__(self, store: AlertStore, rules: RuleSource, config: EngineConfig | None = None) -> None:
        self.store = store
        self.rules = rules
        self.config = config or EngineConfig()
        self._recent: dict[str, deque[AlertSample]] = {}
        self._memo: dict[str, _Memo] = {}
        # current window counts per query and window length: [end, total, negative], kept up to date
        # as mentions are counted (derived from the store, which stays the truth)
        self._windows: dict[str, dict[int, list[int]]] = {}
        self._last_event_wall: dict[int, float] = {}
        self.late = 0
        self.too_old = 0

    def reset_derived(self) -> None:
        """Forget derived caches (after a rebalance: the store may have changed under us)."""
        self._recent.clear()
        self._memo.clear()
        self._windows.clear()
        self._last_event_wall.clear()

    # --- clock ------------------------------------------------------------------------------------
    def _advance(self, partition: int, t: float, wall: float) -> float:
        key = f"clock|{partition}"
        watermark = self.store.scalar(key)
        if watermark is None or t >= watermark + 1.0:
            self.store.set_scalar(key, t)
            watermark = t
        elif t > watermark:
            watermark = t  # sub-second advance: not worth a changelog write
        self._last_event_wall[partition] = wall
        return watermark

    def partition_now(self, partition: int, wall: float) -> float | None:
        watermark = self.store.scalar(f"clock|{partition}")
        if watermark is None:
            return None
        last = self._last_event_wall.setdefault(partition, wall)
        return effective_now(
            watermark=watermark, wall=wall, last_event_wall=last, idle_advance_s=self.config.idle_advance_s
        )

    # --- main entry points ------------------------------------------------------------------------
    def process(self, event: MatchEvent, *, partition: int, wall: float) -> list[Alert]:
        """Apply one match event; returns the alerts to publish (usually none)."""
        cfg = self.config
        sample = event.sample
        qkey = event.key
        t = clamp_event_time(_epoch(sample.published_at), wall=wall, future_skew_s=cfg.future_skew_s)
        watermark = self._advance(partition, t, wall)
        if t < watermark - cfg.retention_s:
            self.too_old += 1
            return []
        late = is_late(t, watermark=watermark, max_lateness_s=cfg.max_lateness_s)
        self.late += int(late)

        negative = event.negative
        rules = self.rules.for_query(event.tenant, event.query_id)
        self.store.add_count(qkey, t, negative, partition, self._keep(rules))
        for length, entry in self._windows.get(qkey, {}).items():
            if entry[0] - length <= t < entry[0]:
                entry[1] += 1
                entry[2] += int(negative)
        first_key = f"first|{qkey}"
        first_seen = self.store.scalar(first_key)
        if first_seen is None or t < first_seen:
            self.store.set_scalar(first_key, t)
            first_seen = t
        floor = reach_floor(rules)
        past_reach: int | None = None
        if sample.author and floor is not None:  # only rules with a reach threshold read past reach
            past_reach = self.store.past_reach(qkey, sample.author)
            followers = sample.followers
            if (
                followers is not None
                and followers >= floor
                and (past_reach is None or followers > past_reach)
            ):
                self.store.set_reach(qkey, sample.author, followers)
        site_seen = self.store.site_seen(qkey, sample.site)
        if shows_evidence(rules):  # ~1.5 KB a sample: 50 for each of 10,000 queries would be 750 MB
            self._recent.setdefault(qkey, deque(maxlen=cfg.recent_samples)).append(sample)

        alerts: list[Alert] = []
        for rule in rules:
            if not rule.enabled:
                continue
            ckey = cooldown_key(rule)
            state = self.store.cooldown(ckey)
            current = state or CooldownState(partition=partition)
            decision: Decision | None = None
            evidence: tuple[AlertSample, ...] = ()
            if not late:
                decision, evidence = self._decide(
                    rule,
                    event,
                    t=t,
                    negative=negative,
                    past_reach=past_reach,
                    site_seen=site_seen,
                    first_seen=first_seen,
                    cooling=in_cooldown(state, t, rule.cooldown_s),
                )
            # a group whose cooldown ended by now is flushed first, dated at the cooldown's end: the
            # same alert whether the clock got there through this mention or a quiet-partition tick
            new_state, flushed = on_clock(current, now=watermark, cooldown_s=rule.cooldown_s)
            if flushed is not None:
                alerts.append(self._alert(rule, flushed, wall))
            if decision is not None and decision.fired:
                new_state, emit = on_fire(
                    new_state,
                    t=t,
                    trigger=sample,
                    evidence=evidence,
                    explanation=decision.explanation(),
                    cooldown_s=rule.cooldown_s,
                    max_samples=rule.max_samples,
                )
                if emit is not None:
                    alerts.append(self._alert(rule, emit, wall))
            if new_state != current:
                self.store.set_cooldown(ckey, new_state)
        if not site_seen:
            self.store.add_site(qkey, sample.site, t)
        return alerts

    def tick(self, *, partition: int, wall: float) -> list[Alert]:
        """Flush due groups of ``partition`` and expire its old buckets."""
        now = self.partition_now(partition, wall)
        if now is None:
            return []
        alerts: list[Alert] = []
        for ckey, state in self.store.cooldowns():
            if state.partition != partition:
                continue
            rule_part, _, query_id = ckey.partition("|")
            tenant, _, rule_id = rule_part.partition(":")
            rule = self.rules.get(tenant, rule_id)
            if rule is None or rule.query_id != query_id:
                self.store.delete_cooldown(ckey)  # rule deleted or moved to another query
                continue
            if state.pending_count == 0:
                if state.last_alert_at is not None and state.last_alert_at < now - self.config.retention_s:
                    self.store.delete_cooldown(ckey)
                continue
            new_state, emit = on_clock(state, now=now, cooldown_s=rule.cooldown_s)
            if emit is not None:
                self.store.set_cooldown(ckey, new_state)
                alerts.append(self._alert(rule, emit, wall))
        self.store.expire(partition, now, self._keep_of)
        return alerts

    def _keep(self, rules: Sequence[AlertRule]) -> Keep:
        """How long the buckets of a query with ``rules`` are kept (:mod:`alerting.retention`)."""
        return Keep(minute_keep_s(rules, self.config.max_lateness_s), self.config.retention_s)

    def _keep_of(self, qkey: str) -> Keep:
        tenant, _, query_id = qkey.partition(":")
        return self._keep(self.rules.for_query(tenant, query_id))

    # --- detectors --------------------------------------------------------------------------------
    def _window(self, qkey: str, end: int, length: int) -> Counts:
        """Counts of ``[end - length, end)``, from the cache when it holds that very window."""
        per_query = self._windows.setdefault(qkey, {})
        entry = per_query.get(length)
        if entry is not None and entry[0] == end:
            return Counts(entry[1], entry[2])
        counts = self._counts(qkey, end - length, end)
        per_query[length] = [end, counts.total, counts.negative]
        return counts

    def _counts(self, qkey: str, start: int, end: int) -> Counts:
        def get(level: Level, bucket: int) -> Counts:
            return self.store.bucket(level, qkey, bucket)

        return range_counts(get, start, end)

    def _baseline(self, qkey: str, window_start: int, baseline_s: int) -> tuple[Counts, int]:
        """Counts of the baseline before a window starting at ``window_start``, and the seconds it spans
        (long baselines start on a whole hour: see :func:`alerting.retention.baseline_start`)."""
        start = baseline_start(window_start, baseline_s)
        return self._counts(qkey, start, window_start), window_start - start

    def _decide(
        self,
        rule: AlertRule,
        event: MatchEvent,
        *,
        t: float,
        negative: bool,
        past_reach: int | None,
        site_seen: bool,
        first_seen: float,
        cooling: bool,
    ) -> tuple[Decision, tuple[AlertSample, ...]]:
        det = rule.detector
        sample = event.sample
        if det.kind == "match":
            return detect_match(det, negative=negative, reach=best_reach(sample.followers, past_reach)), ()
        if det.kind == "influencer":
            data = InfluencerInput(sample.author, sample.followers, past_reach, negative)
            return detect_influencer(det, data), ()
        if det.kind == "new_source":
            return (
                detect_new_source(
                    det, site=sample.site, seen_before=site_seen, event_time=t, first_seen=first_seen
                ),
                (),
            )
        if det.kind == "spike":
            return self._spike(rule, det, event, t, cooling, first_seen)
        return self._negative(rule, det, event, t)

    def _evidence(
        self, qkey: str, start: float, end: float, limit: int, *, negative_only: bool = False
    ) -> tuple[AlertSample, ...]:
        pool = [
            s
            for s in self._recent.get(qkey, ())
            if start <= _epoch(s.published_at) < end and (s.sentiment == "negative" or not negative_only)
        ]
        return rank_samples(pool, limit)

    def _spike(
        self,
        rule: AlertRule,
        det: SpikeDetector,
        event: MatchEvent,
        t: float,
        cooling: bool,
        first_seen: float,
    ) -> tuple[Decision, tuple[AlertSample, ...]]:
        qkey = event.key
        end = window_end(t)
        start = end - det.window_s
        observed = self._window(qkey, end, det.window_s).total
        memo_key = cooldown_key(rule)
        memo = self._memo.get(memo_key)
        if memo is not None and memo.window_end == end:
            # counts in a window only grow: a firing window still fires (enough while grouping), and a
            # quiet one is re-tested only once its count grew by 1 % (bounded cost on busy queries)
            if memo.decision.fired and cooling:
                return memo.decision, ()
            if not memo.decision.fired and observed < memo.observed + max(1, memo.observed // 100):
                return memo.decision, ()
        if observed < det.min_count:
            decision = Decision(
                fired=False,
                statistic="poisson_upper_tail" if det.method == "poisson" else "ewma_z",
                observed=float(observed),
                threshold=float(det.min_count),
                details={"min_count": det.min_count},
            )
            return decision, ()
        if det.method == "poisson":
            baseline, span = self._baseline(qkey, start, det.baseline_s)
            decision = detect_spike_poisson(
                det,
                observed=observed,
                baseline_count=baseline.total,
                window_end=end,
                first_seen=first_seen,
                baseline_span_s=span,
            )
        else:
            history = [
                self._counts(qkey, s, s + det.window_s).total
                for s in range(start - det.baseline_s, start, det.window_s)
            ]
            decision = detect_spike_ewma(
                det, observed=observed, history=history, window_end=end, first_seen=first_seen
            )
        self._memo[memo_key] = _Memo(end, observed, decision)
        evidence = self._evidence(qkey, start, end, rule.max_samples) if decision.fired else ()
        return decision, evidence

    def _negative(
        self, rule: AlertRule, det: NegativeSurgeDetector, event: MatchEvent, t: float
    ) -> tuple[Decision, tuple[AlertSample, ...]]:
        qkey = event.key
        end = window_end(t)
        start = end - det.window_s
        window = self._window(qkey, end, det.window_s)
        if window.total < det.min_count or window.negative < det.min_negative:
            return (
                Decision(
                    fired=False,
                    statistic="two_proportion_z",
                    observed=window.negative / window.total if window.total else 0.0,
                    threshold=det.z_threshold,
                    details={"window_total": window.total, "window_negative": window.negative},
                ),
                (),
            )
        base, span = self._baseline(qkey, start, det.baseline_s)
        decision = detect_negative_surge(
            det,
            NegativeCounts(window.total, window.negative, base.total, base.negative),
            window_end=end,
            baseline_span_s=span,
        )
        evidence = (
            self._evidence(qkey, start, end, rule.max_samples, negative_only=True) if decision.fired else ()
        )
        return decision, evidence

    # --- alert events ------------------------------------------------------------------------------
    def _alert(self, rule: AlertRule, emit: Emit, wall: float) -> Alert:
        lang = alert_lang(emit.langs)
        text = render(
            kind=rule.kind,
            query=rule.query_id,
            explanation=emit.explanation,
            samples=emit.samples,
            count=emit.count,
            grouped=emit.grouped,
            cooldown_s=rule.cooldown_s,
            lang=lang,
        )
        return Alert(
            id=alert_id(rule.tenant, rule.id, emit.trigger),
            tenant=rule.tenant,
            rule_id=rule.id,
            rule_name=rule.name,
            kind=rule.kind,
            query_id=rule.query_id,
            fired_at=_dt(emit.fired_at),
            emitted_at=_dt(wall),
            grouped=emit.grouped,
            count=emit.count,
            grouped_since=_dt(emit.grouped_since) if emit.grouped_since is not None else None,
            lang=lang,
            title=text.title[:300],
            text=text.text[:4000],
            explanation=emit.explanation,
            samples=emit.samples,
        )
