"""CLI of the API area (typer sub-apps, registered by ``ecoute/cli.py``):

* ``ecoute tenants create|list|key-create|key-revoke|admin-key`` — tenants and keys, written straight to
  the ``config.tenants`` topic (no running API needed; a running API sees the change at once);
* ``ecoute es migrate|drop-before`` — mapping migration through aliases, retention of old months;
* ``ecoute kibana import --url`` — load the saved objects into a Kibana;
* ``bench_api`` — to register as ``ecoute bench api``: search p50/p99 over 1,000,000 mentions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ecoute.logs import configure_logging
from ecoute.settings import Settings, get_settings

if TYPE_CHECKING:
    from api.config.store import ConfigStore

console = Console()
tenants_app = typer.Typer(no_args_is_help=True, help="Tenants (agency clients) and their API keys.")
es_app = typer.Typer(no_args_is_help=True, help="Elasticsearch mentions indices: migration, retention.")
kibana_app = typer.Typer(no_args_is_help=True, help="Kibana saved objects (data views, searches, dashboard).")


@kibana_app.callback()
def _kibana() -> None:
    """Kibana saved objects (a group even with one command: ``ecoute kibana import``)."""


def _settings() -> Settings:
    s = get_settings()
    configure_logging(s.log_level, s.log_json)
    return s


def _store(settings: Settings) -> ConfigStore:
    from api.config.store import ConfigStore
    from ecoute.kafka import ensure_topics
    from schemas.topics import CONFIG_QUERIES, CONFIG_SOURCES, CONFIG_TENANTS

    ensure_topics(settings, (CONFIG_TENANTS, CONFIG_QUERIES, CONFIG_SOURCES))
    store = ConfigStore(settings)
    store.start()
    if not store.wait_ready(30):
        store.stop()
        console.print("[red]could not load the configuration from Kafka (is it running?)[/red]")
        raise typer.Exit(1)
    return store


@tenants_app.command("create")
def tenants_create(
    tenant: Annotated[str, typer.Argument(help="tenant id: lower-case slug")],
    name: Annotated[str, typer.Option(help="display name")] = "",
    key_scope: Annotated[str, typer.Option(help="also create a key: read, write or none")] = "write",
) -> None:
    """Create a tenant (and a first key, whose token is printed once)."""
    from pydantic import ValidationError

    from api.config import tenant_ops
    from api.models.tenants import ApiKeyCreate, TenantCreate

    settings = _settings()
    try:
        body = TenantCreate(id=tenant, name=name)
        key_body = ApiKeyCreate(name="cli", scope=key_scope) if key_scope != "none" else None
    except ValidationError as exc:
        console.print(f"[red]invalid:[/red] {exc.errors()[0]['msg']}")
        raise typer.Exit(2) from exc
    store = _store(settings)
    try:
        tenant_ops.create_tenant(store, body)
        console.print(f"tenant [bold]{tenant}[/bold] created")
        if key_body is not None:
            key = tenant_ops.create_key(store, tenant, key_body)
            console.print(f"{key.scope} key {key.id} — token (shown once, store it now):")
            print(key.token)
    except tenant_ops.TenantExists as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.stop()


@tenants_app.command("list")
def tenants_list() -> None:
    """Tenants and their keys (never the tokens)."""
    settings = _settings()
    store = _store(settings)
    try:
        tenants = store.read(lambda v: sorted(v.tenants.values(), key=lambda t: t.id))
    finally:
        store.stop()
    table = Table("tenant", "name", "live keys", "revoked keys", "created")
    for t in tenants:
        live = [f"{k.id} ({k.scope})" for k in t.keys if k.revoked_at is None]
        table.add_row(t.id, t.name, ", ".join(live), str(len(t.keys) - len(live)), t.created_at.isoformat())
    console.print(table)


@tenants_app.command("key-create")
def tenants_key_create(
    tenant: Annotated[str, typer.Argument()],
    scope: Annotated[str, typer.Option(help="read or write")] = "read",
    name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a key for a tenant; the token is printed once."""
    from api.config import tenant_ops
    from api.models.tenants import ApiKeyCreate

    settings = _settings()
    store = _store(settings)
    try:
        key = tenant_ops.create_key(store, tenant, ApiKeyCreate(name=name, scope=scope))
    except tenant_ops.NotFound as exc:
        console.print(f"[red]no tenant {tenant}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.stop()
    console.print(f"{key.scope} key {key.id} — token (shown once):")
    print(key.token)


@tenants_app.command("key-revoke")
def tenants_key_revoke(
    tenant: Annotated[str, typer.Argument()], key_id: Annotated[str, typer.Argument()]
) -> None:
    """Revoke a key (requests with it get 401 at once)."""
    from api.config import tenant_ops

    settings = _settings()
    store = _store(settings)
    try:
        tenant_ops.revoke_key(store, tenant, key_id)
    except tenant_ops.NotFound as exc:
        console.print(f"[red]no key {key_id} for tenant {tenant}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.stop()
    console.print(f"key {key_id} revoked")


@tenants_app.command("admin-key")
def tenants_admin_key() -> None:
    """Where the administrator key is (configured, or generated under the state directory)."""
    from api.config.admin_key import admin_key_path, configured_admin_key, resolve_admin_key

    settings = _settings()
    if configured_admin_key(settings):
        console.print("the administrator key is configured (ECOUTE_ADMIN_KEY)")
        return
    resolve_admin_key(settings)
    console.print(f"the administrator key is in {admin_key_path(settings)} (mode 0600)")


@es_app.command("migrate")
def es_migrate(
    keep_old: Annotated[bool, typer.Option(help="detach the old indices instead of deleting them")] = False,
) -> None:
    """Copy every mentions index to the current mapping version and swap the aliases atomically.
    Stop the index sink first (Kafka keeps the backlog)."""
    from ecoute.es import MigrationError, es_client, migrate

    settings = _settings()
    es = es_client(settings, request_timeout=300)
    try:
        report = migrate(
            es,
            settings.index_prefix,
            delete_old=not keep_old,
            refresh_interval_s=settings.index_refresh_interval_s,
        )
    except MigrationError as exc:
        console.print(f"[red]migration failed, aliases untouched:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        es.close()
    for old, new in report.moved.items():
        console.print(f"{old} → {new}")
    console.print(
        f"copied {report.copied} documents ({report.skipped_existing} newer ones kept) "
        f"to mapping v{report.to_version}; removed templates: {', '.join(report.removed_templates) or 'none'}"
    )


@es_app.command("drop-before")
def es_drop_before(
    month: Annotated[str, typer.Argument(help="YYYY.MM: months before it are deleted")],
) -> None:
    """Delete the monthly mentions indices older than a month (retention)."""
    from ecoute.es import drop_months_before, es_client

    settings = _settings()
    es = es_client(settings)
    try:
        dropped = drop_months_before(es, settings.index_prefix, month)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        es.close()
    console.print(f"deleted: {', '.join(dropped) or 'nothing'}")


@kibana_app.command("import")
def kibana_import(
    url: Annotated[str, typer.Option(help="Kibana base URL, e.g. http://127.0.0.1:5601")],
    space: Annotated[str | None, typer.Option(help="Kibana space (default space if absent)")] = None,
    index_prefix: Annotated[
        str | None, typer.Option(help="index prefix (default ECOUTE_INDEX_PREFIX)")
    ] = None,
    username: Annotated[str | None, typer.Option(help="basic auth user, if Kibana has security on")] = None,
    password: Annotated[str | None, typer.Option(envvar="KIBANA_PASSWORD", help="or KIBANA_PASSWORD")] = None,
) -> None:
    """Import the data views, saved searches, visualizations and dashboard (overwrites earlier ones)."""
    from deploy.kibana.importer import KibanaImportError, import_saved_objects
    from deploy.kibana.objects import saved_objects

    settings = _settings()
    objects = saved_objects(index_prefix or settings.index_prefix)
    auth = (username, password or "") if username else None
    try:
        result = import_saved_objects(url, objects, space=space, auth=auth)
    except KibanaImportError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"imported {result.success_count}/{result.objects} saved objects into {url}")


def bench_api(
    docs: Annotated[int, typer.Option(help="mentions generated straight into Elasticsearch")] = 1_000_000,
    rate: Annotated[float, typer.Option(help="search requests per second")] = 50.0,
    duration: Annotated[float, typer.Option(help="seconds of load per variant")] = 60.0,
    naive_duration: Annotated[
        float, typer.Option(help="seconds of load for the naive variant (0: skip)")
    ] = 20.0,
    tenants: Annotated[int, typer.Option(help="tenants sharing the documents")] = 10,
    fresh: Annotated[bool, typer.Option(help="rebuild the bench index even if it exists")] = False,
    processes: Annotated[int, typer.Option(help="document generator processes")] = 2,
    warmup: Annotated[
        float, typer.Option(help="seconds of unmeasured requests through the API first (warms the JIT)")
    ] = 30.0,
) -> None:
    """Search p50/p99 through the API at a fixed rate over N mentions, next to a naive alternative."""
    from deploy.stack.local import stack_up
    from ecoute.bench.api import run_api_bench
    from ecoute.bench.report import print_comparison, print_targets, write_result

    settings = _settings()
    servers = stack_up(settings)
    result = run_api_bench(
        settings,
        docs=docs,
        rate=rate,
        duration_s=duration,
        naive_duration_s=naive_duration,
        tenant_count=tenants,
        fresh=fresh,
        processes=processes,
        warmup_s=warmup,
        server_pids={server.name: server.pid for server in servers},
        on_progress=lambda msg: console.print(f"[dim]{msg}…[/dim]"),
    )
    rows = [
        {
            "variant": name,
            "requests": r["requests"],
            "failures": r["failures"],
            "req/s": float(r["achieved_rate"]),
            "p50 ms": float(r["p50_ms"]),
            "p99 ms": float(r["p99_ms"]),
            "Elasticsearch JIT share": r.get("elasticsearch_jit_share"),
        }
        for name in ("api", "es_direct", "naive")
        if isinstance(r := result.get(name), dict)
    ]
    print_comparison(f"ecoute bench api — {result['index']['documents']:,} mentions", rows, console)
    path: Path = write_result("api", result)
    console.print_json(json.dumps({k: v for k, v in result.items() if k != "sample_request"}, default=str))
    print_targets("api", result, console)
    console.print(f"JSON: {path}")
