"""Alerts in ``ecoute demo``: demo rules and subscriptions, a local receiver, the two alerting processes.

Usage from the demo (after ``ensure_topics`` and ``publish_queries``, before ingesting)::

    from alerting.demo import DemoAlerts

    alerts = DemoAlerts.start(settings, log_dir)   # rules, subscriptions, receiver, workers
    ...                                            # ingest the demo feeds
    alerts.wait(timeout_s=120)                     # until a spike and a crisis alert arrived
    alerts.print_report(console)
    alerts.stop()                                  # receiver and both child processes

The rules (for the tenants of ``deploy/demo/queries.json``): agence-lumiere — crisis match alert on
``bonval-crise`` (negative mentions only), volume spike and negative surge on ``bonval``, influencers on
``bonval``; rail-conseil — volume spike and influencers on ``ferralis``. Influencer rules carry the demo's
audience list (``authors.json``), since RSS reports no follower counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from alerting.config_publish import publish_rules, publish_subscriptions
from alerting.processes import stage_env
from alerting.settings import AlertingSettings
from alerting.webhooks.receiver import Received, WebhookReceiver
from alerting.webhooks.signing import new_secret
from ecoute.children import Child, spawn, stop_all
from ecoute.settings import Settings
from schemas.alert import Alert
from schemas.common import utc_now
from schemas.rules import AlertRule
from schemas.webhooks import WebhookSubscription

CRISIS_RULE = "bonval-crise-negatif"
DEMO_TENANTS = ("agence-lumiere", "rail-conseil")
INFLUENCER_MIN = 50_000


def demo_rules(known_reach: dict[str, int]) -> list[AlertRule]:
    """The demo tenants' alert rules."""
    now = utc_now()
    influencers = {name: reach for name, reach in known_reach.items() if reach >= INFLUENCER_MIN}
    specs = [
        ("agence-lumiere", CRISIS_RULE, "Bonval — crise (négatif)", "bonval-crise",
         {"kind": "match", "only_negative": True}, 900),
        ("agence-lumiere", "bonval-pic", "Bonval — pic de volume", "bonval", {"kind": "spike"}, 1800),
        ("agence-lumiere", "bonval-negatif", "Bonval — montée du négatif", "bonval",
         {"kind": "negative_surge", "baseline_s": 3 * 86_400}, 3600),
        ("agence-lumiere", "bonval-influence", "Bonval — influenceurs", "bonval",
         {"kind": "influencer", "min_followers": INFLUENCER_MIN, "known_reach": influencers}, 0),
        ("rail-conseil", "ferralis-pic", "Ferralis — pic de volume", "ferralis", {"kind": "spike"}, 1800),
        ("rail-conseil", "ferralis-influence", "Ferralis — influenceurs", "ferralis",
         {"kind": "influencer", "min_followers": INFLUENCER_MIN, "known_reach": influencers}, 0),
    ]  # fmt: skip
    return [
        AlertRule.model_validate(
            {
                "tenant": t,
                "id": i,
                "name": n,
                "query_id": q,
                "detector": d,
                "cooldown_s": c,
                "updated_at": now,
            }
        )
        for t, i, n, q, d, c in specs
    ]


@dataclass
class DemoAlerts:
    """The demo's alerting side; :meth:`stop` ends everything it started."""

    receiver: WebhookReceiver
    children: list[Child]
    rules: list[AlertRule]
    started_at: float = field(default_factory=time.time)

    @classmethod
    def start(
        cls,
        settings: Settings,
        log_dir: Path,
        *,
        alerting: AlertingSettings | None = None,
        known_reach: dict[str, int] | None = None,
        port: int = 0,
    ) -> DemoAlerts:
        """Publish rules and subscriptions, start the receiver and both workers (``settings`` must allow
        private URLs: the receiver is on loopback)."""
        if known_reach is None:
            from deploy.demo import demo_authors

            known_reach = demo_authors()
        secret = new_secret()
        receiver = WebhookReceiver(secret, port=port).start()
        try:
            rules = demo_rules(known_reach)
            publish_rules(settings, rules)
            publish_subscriptions(
                settings,
                [
                    WebhookSubscription(
                        tenant=tenant,
                        id="demo-receiver",
                        url=f"{receiver.url}/{tenant}",
                        secret=secret,
                        description="ecoute demo: local receiver",
                        updated_at=utc_now(),
                    )
                    for tenant in DEMO_TENANTS
                ],
            )
            env = stage_env(settings, alerting)
            children = [
                spawn("alerting", ["worker", "alerting"], env, log_dir),
                spawn("webhooks", ["worker", "webhooks"], env, log_dir),
            ]
        except BaseException:
            receiver.stop()
            raise
        return cls(receiver, children, rules)

    def alerts(self) -> list[tuple[Received, Alert]]:
        """Verified deliveries received so far, with their alert (first delivery of each alert)."""
        seen: set[str] = set()
        out = []
        for r in self.receiver.accepted():
            data = r.alert
            if data is None:
                continue
            alert = Alert.model_validate(data)
            if alert.id not in seen:
                seen.add(alert.id)
                out.append((r, alert))
        return out

    def shown_spike_and_crisis(self) -> bool:
        got = [a for _, a in self.alerts()]
        return any(a.kind == "spike" for a in got) and any(a.rule_id == CRISIS_RULE for a in got)

    def wait(self, timeout_s: float = 120.0) -> bool:
        """True once a spike alert and a crisis alert were delivered; False on timeout or a dead worker."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.shown_spike_and_crisis():
                time.sleep(1.0)  # let the rest of the burst arrive for the report
                return True
            if not all(c.alive() for c in self.children):
                return False
            time.sleep(0.5)
        return self.shown_spike_and_crisis()

    def print_report(self, console: Console) -> None:
        table = Table("tenant", "rule", "kind", "mentions", "alert", "signature", title="4. alerts delivered")
        for received, alert in self.alerts():
            table.add_row(
                alert.tenant,
                alert.rule_id,
                alert.kind,
                str(alert.count),
                alert.title,
                "[green]verified[/green]" if received.verified else "[red]bad[/red]",
            )
        console.print(table)
        for _, alert in self.alerts():
            if alert.kind == "spike" or alert.rule_id == CRISIS_RULE:
                console.print(f"[bold]{alert.title}[/bold]\n  {alert.text}")
                for sample in alert.samples[:2]:
                    console.print(f"  • {sample.url or sample.mention_id}")
        dead = [c.name for c in self.children if not c.alive()]
        if dead:
            console.print(
                f"[red]exited early: {', '.join(dead)}[/red] (logs: {self.children[0].log_path.parent})"
            )
        console.print(f"  webhook receiver: {self.receiver.url} (Standard Webhooks signatures verified)")

    def stop(self) -> None:
        stop_all(self.children)
        self.receiver.stop()
