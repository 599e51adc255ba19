"""``ecoute ingest`` and ``ecoute sources …``: run connectors, inspect configured sources and their state.

Register with ``app.command("ingest")(cli_ingest.ingest_cmd)`` (replacing the old ingest command) and
``app.add_typer(cli_ingest.app, name="sources")``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ecoute.logs import configure_logging
from ecoute.settings import get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Configured sources and their state.")
console = Console()

SourcesOpt = Annotated[
    Path | None, typer.Option("--sources", help="sources JSON file", exists=True, dir_okay=False)
]
TopicOpt = Annotated[bool, typer.Option("--config-topic/--no-config-topic", help="also read config.sources")]


def _setup() -> None:
    s = get_settings()
    configure_logging(s.log_level, s.log_json)


def ingest_cmd(
    sources: SourcesOpt = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="run only this source id (repeatable)")
    ] = None,
    once: Annotated[bool, typer.Option(help="poll each source once (streams: catch up) and exit")] = False,
    metrics_port: Annotated[
        int | None, typer.Option(help="serve Prometheus /metrics on this port (127.0.0.1)")
    ] = None,
    config_topic: TopicOpt = True,
) -> None:
    """Run the configured connectors (file + config.sources) and produce mentions to Kafka."""
    from ecoute.workers import run_ingest

    _setup()
    code = run_ingest(
        get_settings(),
        sources,
        once,
        only=source or (),
        metrics_port=metrics_port,
        use_config_topic=config_topic,
    )
    raise typer.Exit(code)


@app.command("list")
def list_cmd(sources: SourcesOpt = None, config_topic: TopicOpt = True) -> None:
    """The sources that `ecoute ingest` would run (file merged with config.sources)."""
    from ingest.config_sources import load_all_sources

    _setup()
    table = Table("source", "kind", "every (s)", "where", "tenants")
    for s in load_all_sources(get_settings(), sources, config_topic):
        where = next(
            (
                str(v)
                for k in ("url", "base_url", "instance", "jetstream_url", "api_url")
                if (v := getattr(s, k, None))
            ),
            "",
        )
        if getattr(s, "subreddit", None):
            where = f"{where}/r/{getattr(s, 'subreddit', '')}"
        table.add_row(s.id, s.kind, f"{s.interval_s:g}", where, ", ".join(s.tenants))
    console.print(table)


@app.command("status")
def status_cmd(
    sources: SourcesOpt = None,
    config_topic: TopicOpt = True,
    metrics_url: Annotated[
        str | None, typer.Option(help="also read live counters from a running ingest's /metrics URL")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table")] = False,
) -> None:
    """Per source: last success/error, position, totals (from ingest.cursors) and live metrics."""
    import httpx

    from ingest.config_sources import load_all_sources
    from ingest.cursor_store import KafkaCursorStore
    from ingest.status import parse_metrics_text, status_rows

    _setup()
    settings = get_settings()
    configured = load_all_sources(settings, sources, config_topic) if (sources or config_topic) else ()
    store = KafkaCursorStore(settings)
    try:
        cursors = store.read_all()
    finally:
        store.close()
    live = None
    if metrics_url:
        try:
            live = parse_metrics_text(httpx.get(metrics_url, timeout=10).text)
        except httpx.HTTPError as exc:
            console.print(f"[yellow]metrics unavailable:[/yellow] {exc}")
    rows = status_rows(configured, cursors, live)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table(
        "source",
        "kind",
        "last success",
        "last error",
        "polls",
        "new",
        "edited",
        "dup",
        "del",
        "dlq",
        "errors",
        "position",
    )
    for r in rows:
        error = f"[red]{r['last_error'][:50]}[/red] ({r['last_error_at']})" if r["last_error"] else ""
        name = r["source"] if r["configured"] else f"[dim]{r['source']} (not configured)[/dim]"
        table.add_row(
            name,
            r["kind"],
            r["last_success"] or "never",
            error,
            str(r["polls"]),
            str(r["new"]),
            str(r["edited"]),
            str(r["duplicates"]),
            str(r["deleted"]),
            str(r["rejected"]),
            str(r["errors"]),
            r["position"],
        )
    console.print(table)
