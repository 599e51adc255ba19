"""``ecoute`` commands of the alerting stage (a typer sub-app; also runnable on its own with
``python -m ecoute.cli_alerting …``).

* ``worker alerting`` — the Faust alerting worker (mentions.matches → alerts)
* ``worker webhooks`` — the webhook deliverer (alerts → signed webhooks, retries, dlq.webhooks)
* ``receiver`` — a local webhook receiver that verifies signatures and prints alerts
* ``webhooks replay`` — put dead deliveries back in the retry schedule
* ``alerts publish-rules FILE`` / ``alerts publish-subscriptions FILE`` — write config from JSON
* ``bench alerts`` — mention-published → webhook-received latency
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ecoute.logs import configure_logging
from ecoute.settings import get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Alerts and webhooks.")
worker_app = typer.Typer(no_args_is_help=True, help="Alerting processes.")
webhooks_app = typer.Typer(no_args_is_help=True, help="Webhook deliveries.")
alerts_app = typer.Typer(no_args_is_help=True, help="Alert rules and subscriptions.")
bench_app = typer.Typer(no_args_is_help=True, help="Alerting benchmarks.")
app.add_typer(worker_app, name="worker")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(alerts_app, name="alerts")
app.add_typer(bench_app, name="bench")
console = Console()


def _setup() -> None:
    s = get_settings()
    configure_logging(s.log_level, s.log_json)


@worker_app.command("alerting")
def worker_alerting() -> None:
    """Faust alerting worker: mentions.matches → detectors → alerts."""
    from alerting.worker import run_alerting_worker

    _setup()
    run_alerting_worker(get_settings())


@worker_app.command("webhooks")
def worker_webhooks() -> None:
    """Webhook deliverer: alerts → signed webhooks (retries, 410, Retry-After, dlq.webhooks)."""
    from alerting.worker import run_webhook_worker

    _setup()
    run_webhook_worker(get_settings())


@app.command("receiver")
def receiver_cmd(
    secret: Annotated[str | None, typer.Option(help="whsec_ secret to verify signatures with")] = None,
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8787,
    raw: Annotated[bool, typer.Option(help="print the raw JSON payloads")] = False,
) -> None:
    """A local webhook receiver: verifies Standard Webhooks signatures and prints the alerts."""
    from alerting.webhooks.receiver import Received, WebhookReceiver

    _setup()

    def show(r: Received) -> None:
        mark = "[green]signature ok[/green]" if r.verified else f"[red]bad signature: {r.error}[/red]"
        alert = r.alert
        if raw or alert is None:
            console.print(f"{r.webhook_id} {mark}\n{json.dumps(r.payload, ensure_ascii=False, indent=2)}")
            return
        console.print(f"[bold]{alert.get('title')}[/bold]  ({alert.get('tenant')}, {r.webhook_id}) {mark}")
        console.print(f"  {alert.get('text')}")
        for sample in alert.get("samples", [])[:3]:
            console.print(f"  • {sample.get('url') or sample.get('mention_id')}")

    with WebhookReceiver(secret, host=host, port=port, on_receive=show) as receiver:
        console.print(f"listening on {receiver.url} (Ctrl-C stops)")
        try:
            while True:
                time.sleep(1.0)
        except KeyboardInterrupt:
            pass


@webhooks_app.command("replay")
def replay_cmd(
    tenant: Annotated[str | None, typer.Option(help="only this tenant")] = None,
    subscription: Annotated[str | None, typer.Option(help="only this subscription id")] = None,
    delivery: Annotated[list[str] | None, typer.Option(help="only these delivery ids (repeatable)")] = None,
    since: Annotated[datetime | None, typer.Option(help="only deliveries dead since (ISO time, UTC)")] = None,
) -> None:
    """Put dead deliveries (dlq.webhooks) back in the retry schedule, same webhook-id."""
    from datetime import UTC

    from alerting.webhooks.replay import replay_dead
    from ecoute.es import es_client

    _setup()
    settings = get_settings()
    es = es_client(settings)
    try:
        ids = replay_dead(
            settings,
            es,
            tenant=tenant,
            subscription_id=subscription,
            delivery_ids=delivery or [],
            since=since.replace(tzinfo=since.tzinfo or UTC) if since else None,
        )
    finally:
        es.close()
    console.print(f"replayed {len(ids)} deliveries" + (f": {', '.join(ids[:20])}" if ids else ""))


@alerts_app.command("publish-rules")
def publish_rules_cmd(
    file: Annotated[
        Path, typer.Argument(help="JSON array of AlertRule objects", exists=True, dir_okay=False)
    ],
) -> None:
    """Write alert rules to config.rules (updated_at defaults to now)."""
    from alerting.config_publish import publish_rules
    from schemas.common import utc_now
    from schemas.rules import AlertRule

    _setup()
    raw = json.loads(file.read_text())
    rules = [AlertRule.model_validate({"updated_at": utc_now(), **r}) for r in raw]
    console.print(f"published {publish_rules(get_settings(), rules)} rules")


@alerts_app.command("publish-subscriptions")
def publish_subscriptions_cmd(
    file: Annotated[Path, typer.Argument(help="JSON array of WebhookSubscription objects", exists=True)],
) -> None:
    """Write webhook subscriptions to config.subscriptions (URLs pass the SSRF guard)."""
    from alerting.config_publish import publish_subscriptions
    from ecoute.net import check_url
    from schemas.common import utc_now
    from schemas.webhooks import WebhookSubscription

    _setup()
    settings = get_settings()
    raw = json.loads(file.read_text())
    subs = [WebhookSubscription.model_validate({"updated_at": utc_now(), **s}) for s in raw]
    for sub in subs:
        check_url(sub.url, allow_private=settings.allow_private_urls)
    console.print(f"published {publish_subscriptions(settings, subs)} subscriptions")


@bench_app.command("alerts")
def bench_alerts_cmd(
    rate: Annotated[float, typer.Option(help="mentions per second")] = 1000.0,
    seconds: Annotated[float, typer.Option(help="duration of the load")] = 20.0,
    alert_share: Annotated[float, typer.Option(help="share of mentions that fire an alert")] = 0.05,
) -> None:
    """Mention published → webhook received latency (p50/p99) under load."""
    from alerting.bench import run_alert_bench
    from ecoute.bench.report import print_targets, write_result

    _setup()
    result = run_alert_bench(get_settings(), rate=rate, seconds=seconds, alert_share=alert_share)
    path = write_result("alerts", result)
    console.print_json(json.dumps(result))
    print_targets("alerts", result, console)
    console.print(f"JSON: {path}")


if __name__ == "__main__":
    app()
