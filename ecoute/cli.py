"""The ``ecoute`` command line (typer). Thin: parses options, configures logging, calls the stages."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ecoute import cli_alerting, cli_api, cli_bench, cli_enrich, cli_ingest
from ecoute.logs import configure_logging
from ecoute.settings import get_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="ecoute — self-hosted social listening for community managers.",
)
stack_app = typer.Typer(no_args_is_help=True, help="The local Kafka + Elasticsearch servers.")
worker_app = typer.Typer(no_args_is_help=True, help="Long-running pipeline processes.")
app.add_typer(stack_app, name="stack")
app.add_typer(worker_app, name="worker")
app.registered_commands += cli_enrich.app.registered_commands
app.add_typer(cli_enrich.query_app, name="query")
app.add_typer(cli_bench.app, name="bench")
app.command("ingest")(cli_ingest.ingest_cmd)
worker_app.command("alerting")(cli_alerting.worker_alerting)
worker_app.command("webhooks")(cli_alerting.worker_webhooks)
app.command("receiver")(cli_alerting.receiver_cmd)
app.add_typer(cli_alerting.webhooks_app, name="webhooks")
app.add_typer(cli_alerting.alerts_app, name="alerts")
cli_bench.app.command("alerts")(cli_alerting.bench_alerts_cmd)
cli_bench.app.command("api")(cli_api.bench_api)
app.add_typer(cli_api.tenants_app, name="tenants")
app.add_typer(cli_api.es_app, name="es")
app.add_typer(cli_api.kibana_app, name="kibana")
app.add_typer(cli_ingest.app, name="sources")
console = Console()


def _setup() -> None:
    s = get_settings()
    configure_logging(s.log_level, s.log_json)


@stack_app.command("up")
def stack_up_cmd() -> None:
    """Download (cached), start and health-check Kafka and Elasticsearch on loopback."""
    from deploy.stack.errors import StackError
    from deploy.stack.local import stack_up

    _setup()
    try:
        statuses = stack_up(get_settings())
    except StackError as exc:
        console.print(f"[red]stack up failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    _print_status(statuses)
    if not all(s.healthy for s in statuses):
        raise typer.Exit(1)


@stack_app.command("down")
def stack_down_cmd() -> None:
    """Stop the servers `stack up` started (external servers are left alone)."""
    from deploy.stack.local import stack_down

    _setup()
    stopped = stack_down(get_settings())
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


@stack_app.command("status")
def stack_status_cmd() -> None:
    """Where the servers are and whether they answer."""
    from deploy.stack.local import stack_status

    _setup()
    statuses = stack_status(get_settings())
    _print_status(statuses)
    if not all(s.healthy for s in statuses):
        raise typer.Exit(1)


def _print_status(statuses: list) -> None:  # type: ignore[type-arg]
    table = Table("server", "address", "managed", "healthy", "pid")
    for s in statuses:
        table.add_row(
            s.name,
            s.address,
            "ecoute" if s.managed else "external",
            "[green]yes[/green]" if s.healthy else "[red]no[/red]",
            str(s.pid or "-"),
        )
    console.print(table)


@app.command("topics")
def topics_cmd() -> None:
    """Create the registry's Kafka topics that do not exist yet."""
    from ecoute.kafka import ensure_topics

    _setup()
    created = ensure_topics(get_settings())
    console.print(f"created: {', '.join(created) or 'nothing (all exist)'}")


@worker_app.command("enrich")
def worker_enrich() -> None:
    """Faust enrichment: mentions.raw → mentions.enriched (+ query matches → mentions.matches)."""
    from ecoute.workers import run_enrich_worker

    _setup()
    run_enrich_worker(get_settings())


@worker_app.command("ner")
def worker_ner() -> None:
    """NER (spaCy, idle priority): mentions.ner (what the index sink left) → mentions.entities."""
    from ecoute.workers import run_ner_worker

    _setup()
    run_ner_worker(get_settings())


@worker_app.command("index")
def worker_index() -> None:
    """Index sink: mentions.enriched (+ named entities while it keeps up) → Elasticsearch."""
    from ecoute.workers import run_index_worker

    _setup()
    run_index_worker(get_settings())


@app.command("api")
def api_cmd(
    host: Annotated[str | None, typer.Option(help="bind address (default ECOUTE_API_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default ECOUTE_API_PORT)")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from api.main import create_app
    from ecoute.heap import freeze_startup_heap

    _setup()
    settings = get_settings()
    application = create_app(settings)
    freeze_startup_heap("api")
    uvicorn.run(
        application,
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level=settings.log_level.lower(),
        log_config=None,
    )


@app.command("demo")
def demo_cmd(
    once: Annotated[bool, typer.Option(help="exit once everything is indexed")] = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait for indexing")] = 300.0,
) -> None:
    """Run the whole pipeline on bundled sample feeds served on loopback, and show what happened."""
    from ecoute.demo import run_demo

    _setup()
    raise typer.Exit(run_demo(get_settings(), once=once, timeout_s=timeout, console=console))


def one_blas_thread(environ: MutableMapping[str, str]) -> None:
    """Pin OpenBLAS (numpy's matrix products, used by NER) to one thread unless configured otherwise.

    Every ecoute process is one stage sharing the machine's cores with the others: BLAS threads cost
    more CPU than they save on spaCy's small products (``ecoute bench ner``: 0.45 ms of CPU per mention
    with one thread, 1.06 ms with two). Must run before numpy is imported; ``ecoute.cli``
    imports it lazily (tested)."""
    environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    one_blas_thread(os.environ)
    app(prog_name="ecoute")


if __name__ == "__main__":
    main()
