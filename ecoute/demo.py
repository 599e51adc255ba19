"""``ecoute demo``: the whole pipeline on the bundled feeds, served on loopback.

Starts the local stack (unless external servers are configured), creates topics and index templates,
serves the demo feeds, starts the enrich worker, the index sink and the API as child processes, ingests
every feed once, waits until each ingested mention is searchable, and prints what happened at each stage.
With ``--once`` it then stops everything it started; otherwise it keeps running until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import Counter
from pathlib import Path

from confluent_kafka import Consumer
from rich.console import Console
from rich.table import Table

from ecoute.children import Child, spawn, stage_env, stop_all
from ecoute.kafka import watermark_offsets
from ecoute.settings import Settings
from ingest.runner import PollReport

log = logging.getLogger(__name__)


def _free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return int(s.getsockname()[1])
        except OSError:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])


def topic_end_offsets(settings: Settings, topic: str) -> int:
    """Sum of the end offsets of ``topic``'s partitions (messages ever written)."""
    consumer = Consumer(
        {"bootstrap.servers": settings.effective_kafka_bootstrap, "group.id": "ecoute-demo-probe"}
    )
    try:
        meta = consumer.list_topics(topic, timeout=10)
        parts = meta.topics[topic].partitions if topic in meta.topics else {}
        total = 0
        for p in parts:
            _, high = watermark_offsets(consumer, topic, p)
            total += max(high, 0)
        return total
    finally:
        consumer.close()


def _wait_indexed(
    es: object, index: str, ids: list[str], timeout_s: float, console: Console, children: list[Child]
) -> int:
    from elasticsearch import Elasticsearch

    assert isinstance(es, Elasticsearch)
    deadline = time.monotonic() + timeout_s
    found = 0
    with console.status("waiting for mentions to be searchable…") as status:
        while time.monotonic() < deadline:
            es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
            found = int(
                es.count(
                    index=index,
                    query={"ids": {"values": ids}},
                    ignore_unavailable=True,
                    allow_no_indices=True,
                )["count"]
            )
            status.update(f"searchable: {found}/{len(ids)}")
            if found >= len(ids):
                break
            dead = [c.name for c in children if not c.alive()]
            if dead:
                console.print(f"[red]stopped waiting: {', '.join(dead)} exited[/red]")
                break
            time.sleep(1.0)
    return found


def run_demo(settings: Settings, *, once: bool, timeout_s: float, console: Console) -> int:
    """Run the demo; returns the process exit code (0 when every mention got indexed)."""
    from alerting.demo import DemoAlerts
    from api.config.tenant_ops import provision
    from deploy.demo import demo_queries, serve_demo_feeds
    from deploy.stack.errors import StackError
    from deploy.stack.local import stack_down, stack_up
    from ecoute import mentions_index
    from ecoute.config_topics import publish_queries
    from ecoute.es import ensure_mention_templates, es_client
    from ecoute.kafka import ensure_topics
    from ingest.runner import FeedIngestor
    from ingest.sources import FeedSourceConfig
    from schemas.common import utc_now
    from schemas.config import QueryDefinition

    console.rule("[bold]ecoute demo")
    try:
        statuses = stack_up(settings)
    except StackError as exc:
        console.print(f"[red]could not start the stack:[/red] {exc}")
        return 1
    started_stack = any(s.started_now for s in statuses)
    for s in statuses:
        console.print(f"{s.name}: {s.address} ({'started now' if s.started_now else 'already running'})")
    settings = settings.model_copy(update={"allow_private_urls": True})
    api_port = _free_port(settings.api_port)
    env = stage_env(settings, api_port=api_port, api_host=settings.api_host)
    log_dir = settings.state_dir / "demo-logs"
    children: list[Child] = []
    alerts: DemoAlerts | None = None
    es = es_client(settings)
    try:
        ensure_topics(settings)
        ensure_mention_templates(es, settings.index_prefix, settings.index_refresh_interval_s)
        queries = [QueryDefinition.model_validate({**q, "updated_at": utc_now()}) for q in demo_queries()]
        publish_queries(settings, queries)
        console.print(
            f"{len(queries)} Boolean queries of {len({q.tenant for q in queries})} demo tenants "
            "published to config.queries"
        )
        raw_before = topic_end_offsets(settings, settings.topic("mentions.raw"))
        enriched_before = topic_end_offsets(settings, settings.topic("mentions.enriched"))
        dlq_before = {
            st: topic_end_offsets(settings, settings.topic(f"dlq.{st}"))
            for st in ("ingest", "enrich", "index")
        }
        tokens = provision(settings, sorted({q.tenant for q in queries}))
        alerts = DemoAlerts.start(settings, log_dir)
        console.print(f"{len(alerts.rules)} alert rules published; webhooks go to {alerts.receiver.url}")
        children = [
            spawn("enrich", ["worker", "enrich"], env, log_dir),
            spawn("ner", ["worker", "ner"], env, log_dir),
            spawn("index", ["worker", "index"], env, log_dir),
            spawn("api", ["api"], env, log_dir),
            *alerts.children,
        ]
        with serve_demo_feeds() as server:
            urls = server.feed_urls(include_faulty=True)
            urls.pop("slow", None)
            urls["unreachable"] = f"http://127.0.0.1:{_free_port(0)}/feed.xml"  # nothing listens there
            sources = tuple(
                FeedSourceConfig(id=slug, url=url, kind="forum" if "forum" in slug else "feed")
                for slug, url in sorted(urls.items())
            )
            console.print(f"serving {len(sources)} demo feeds at {server.base_url}")
            reports = asyncio.run(FeedIngestor(settings, sources).run_once())
        ids = sorted({i for r in reports for i in r.mention_ids})
        alias = mentions_index.alias(settings.index_prefix, "mentions")
        found = _wait_indexed(es, alias, ids, timeout_s, console, children)
        for child in children:
            if not child.alive():
                code = child.proc.returncode
                console.print(f"[red]{child.name} exited early[/red] (code {code}); log: {child.log_path}")
        _print_report(
            console,
            settings,
            es,
            alias,
            reports,
            ids,
            found,
            raw_before,
            enriched_before,
            dlq_before,
            api_port,
            log_dir,
        )
        with console.status("waiting for the spike and crisis alerts…"):
            alerted = alerts.wait(timeout_s=120)
        alerts.print_report(console)
        if not alerted:
            console.print("[red]the spike and crisis alerts did not arrive in time[/red]")
        _print_where(console, settings, api_port, alias, log_dir, tokens)
        if not once and found == len(ids):
            console.print("\n[bold]Running.[/bold] Press Ctrl-C to stop every process the demo started.")
            while all(c.alive() for c in children):
                time.sleep(1.0)
        return 0 if found == len(ids) and alerted else 1
    except KeyboardInterrupt:
        console.print("\nstopping…")
        return 0
    finally:
        stop_all(children)
        if alerts is not None:
            alerts.receiver.stop()
        es.close()
        if started_stack:
            stack_down(settings)
            console.print("stopped the stack the demo started")


def _print_report(
    console: Console,
    settings: Settings,
    es: object,
    alias: str,
    reports: list[PollReport],
    ids: list[str],
    found: int,
    raw_before: int,
    enriched_before: int,
    dlq_before: dict[str, int],
    api_port: int,
    log_dir: Path,
) -> None:
    from elasticsearch import Elasticsearch

    assert isinstance(es, Elasticsearch)
    feeds = Table("feed", "items", "to Kafka", "rejected", "problem", title="1. ingest (RSS/Atom over HTTP)")
    for r in reports:
        problem = r.error or (r.problem[:60] + "…" if r.problem else "")
        feeds.add_row(
            r.source_id,
            str(r.items),
            str(r.produced),
            str(r.rejected),
            f"[yellow]{problem}[/yellow]" if problem else "",
        )
    console.print(feeds)
    stages = Table("stage", "this run", title="2. pipeline counts")
    stages.add_row(
        "mentions.raw (produced)",
        str(topic_end_offsets(settings, settings.topic("mentions.raw")) - raw_before),
    )
    stages.add_row("distinct mentions", str(len(ids)))
    stages.add_row(
        "mentions.enriched (Faust)",
        str(topic_end_offsets(settings, settings.topic("mentions.enriched")) - enriched_before),
    )
    for stage, before in dlq_before.items():
        stages.add_row(
            f"dlq.{stage}", str(topic_end_offsets(settings, settings.topic(f"dlq.{stage}")) - before)
        )
    stages.add_row("searchable in Elasticsearch", f"{found}/{len(ids)}")
    console.print(stages)
    aggs = es.search(
        index=alias,
        size=0,
        query={"ids": {"values": ids}},
        aggs={
            "lang": {"terms": {"field": "lang", "size": 10}},
            "sentiment": {"terms": {"field": "sentiment.label", "size": 5}},
            "queries": {"terms": {"field": "query_ids", "size": 20}},
        },
    )["aggregations"]
    split = Table("languages", "sentiment", "matched queries", title="3. enrichment")
    split.add_row(
        ", ".join(f"{b['key']}: {b['doc_count']}" for b in aggs["lang"]["buckets"]),
        ", ".join(f"{b['key']}: {b['doc_count']}" for b in aggs["sentiment"]["buckets"]),
        ", ".join(f"{b['key']}: {b['doc_count']}" for b in aggs["queries"]["buckets"]) or "-",
    )
    console.print(split)
    languages = Counter({b["key"]: b["doc_count"] for b in aggs["lang"]["buckets"]})
    log.info("demo report", extra={"mentions": len(ids), "indexed": found, "languages": dict(languages)})


def _print_where(
    console: Console, settings: Settings, api_port: int, alias: str, log_dir: Path, tokens: dict[str, str]
) -> None:
    api = f"http://{settings.api_host}:{api_port}"
    tenant, token = next(iter(sorted(tokens.items())), ("", ""))
    console.print(
        f"\n[bold]Where to look[/bold]\n"
        f"  API:            {api}/v1/mentions?q=Bonval   (tenant {tenant}, read key below)\n"
        f"                  curl -H 'Authorization: Bearer {token}' '{api}/v1/mentions?q=Bonval'\n"
        f"  OpenAPI docs:   {api}/docs\n  health:         {api}/health\n"
        f"  Elasticsearch:  {settings.effective_es_url}/{alias}/_search?q=grève\n"
        f"  admin key:      ecoute tenants admin-key (file under {settings.state_dir / 'api'})\n"
        f"  process logs:   {log_dir}",
        soft_wrap=True,
    )
