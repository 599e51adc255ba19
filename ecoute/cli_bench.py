"""``ecoute bench …``: JSON results (with machine facts) under bench/results/ and a table on the terminal.

Benchmarks are never unit tests; a seconds-long smoke run of each is in the test suite so they keep
working (tests/ecoute/test_bench_smoke.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import typer
from rich.console import Console

from ecoute.bench.report import RESULTS_DIR, print_comparison, print_targets, write_result
from ecoute.bench.targets import JIT_WARMING_SHARE

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Measure each stage and the whole pipeline."
)
console = Console()
E2E_SERIES = ("timeline", "searchable_latency_over_time", "webhook_latency_over_time")  # JSON only


def _report(name: str, result: dict[str, Any], variants: dict[str, str]) -> None:
    rows = []
    for label, key in variants.items():
        r = result[key]
        rows.append(
            {
                "variant": label,
                "items": r["items"],
                "items/s": float(r["per_s"]),
                "p50 ms": float(r["p50_ms"]),
                "p99 ms": float(r["p99_ms"]),
            }
        )
    print_comparison(f"ecoute bench {name}", rows, console)
    path = write_result(name, result)
    console.print(f"speed-up vs naive: [bold]{result.get('speedup')}×[/bold]   JSON: {path}")
    console.print_json(json.dumps({k: v for k, v in result.items() if not isinstance(v, dict)}, default=str))
    print_targets(name, result, console)


@app.command("match")
def match(
    queries: Annotated[int, typer.Option(help="queries loaded")] = 10_000,
    docs: Annotated[int, typer.Option(help="mentions matched")] = 20_000,
    naive_docs: Annotated[int, typer.Option(help="mentions for the naive loop (slow)")] = 500,
) -> None:
    """Query matching with N queries: Aho-Corasick-prefiltered index vs a loop over all queries."""
    from ecoute.bench.stages import bench_match

    _report(
        "match", bench_match(queries, docs, naive_docs), {"prefiltered index": "ours", "naive loop": "naive"}
    )


@app.command("enrich")
def enrich(
    docs: Annotated[int, typer.Option(help="mentions enriched")] = 20_000,
    queries: Annotated[int, typer.Option(help="queries loaded")] = 10_000,
    batch: Annotated[int, typer.Option(help="batch size")] = 500,
    naive_docs: Annotated[int, typer.Option(help="mentions enriched one by one")] = 2_000,
) -> None:
    """Whole enrichment step (language, sentiment, matching, entities): batches vs one by one."""
    from ecoute.bench.stages import bench_enrich

    _report(
        "enrich",
        bench_enrich(docs, queries, batch, naive_docs),
        {f"batches of {batch}": "ours", "one by one": "naive_one_by_one"},
    )


@app.command("enrich-worker")
def enrich_worker(
    docs: Annotated[int, typer.Option(help="mentions drained per run")] = 20_000,
    queries: Annotated[int, typer.Option(help="queries loaded")] = 10_000,
) -> None:
    """The real Faust enrich worker on the local Kafka: batches of 500 and 200 vs a per-event agent."""
    from deploy.stack.local import stack_up
    from ecoute.bench.stages import bench_enrich_worker
    from ecoute.settings import get_settings

    settings = get_settings()
    stack_up(settings, ("kafka",))
    result = bench_enrich_worker(settings, docs, queries)
    rows = [
        {
            "variant": name,
            "items": r["items"],
            "items/s": float(r["per_s"]),
            "CPU ms/mention": r["cpu_ms_per_mention"],
            "of it Faust's event loop": r["cpu_ms_per_mention_by_thread"]["main thread"],
            "RSS MB": float(r["rss_mb"]),
        }
        for name, r in result["runs"].items()
    ]
    print_comparison("ecoute bench enrich-worker", rows, console)
    path = write_result("enrich-worker", result)
    console.print(f"speed-up vs per-event agent: [bold]{result['speedup']}×[/bold]   JSON: {path}")


@app.command("ner")
def ner(
    docs: Annotated[int, typer.Option(help="mentions tagged (half French, half English)")] = 4_000,
    batch: Annotated[int, typer.Option(help="texts per spaCy batch")] = 256,
) -> None:
    """spaCy NER: matrix products through numpy's OpenBLAS (ours) vs thinc's default blis."""
    from ecoute.bench.stages import bench_ner

    _report("ner", bench_ner(docs, batch), {"numpy (OpenBLAS)": "ours", "blis (thinc default)": "naive_blis"})


@app.command("index")
def index(
    docs: Annotated[int, typer.Option(help="mentions indexed")] = 50_000,
    bulk_size: Annotated[int, typer.Option(help="documents per bulk request")] = 1_000,
    naive_docs: Annotated[int, typer.Option(help="mentions indexed one request each")] = 2_000,
) -> None:
    """Elasticsearch indexing on the local stack: bulk creates vs bulk upserts vs one request per doc."""
    from deploy.stack.local import stack_up
    from ecoute.bench.stages import bench_index
    from ecoute.settings import get_settings

    settings = get_settings()
    stack_up(settings, ("elasticsearch",))
    _report(
        "index",
        bench_index(settings.effective_es_url, docs, bulk_size, naive_docs),
        {
            "bulk creates (new documents)": "ours",
            "bulk upserts": "bulk_upserts",
            "one upsert request per doc": "naive_one_request_per_doc",
        },
    )


@app.command("e2e")
def e2e(
    rate: Annotated[float, typer.Option(help="mentions published per second")] = 1_000.0,
    duration: Annotated[float, typer.Option(help="seconds of publishing")] = 30.0,
    queries: Annotated[int, typer.Option(help="queries loaded in the enrich worker")] = 10_000,
    warmup: Annotated[
        float, typer.Option(help="seconds of unmeasured load at the same rate first (warms the JVMs' JIT)")
    ] = 30.0,
    warm_until_jit_below: Annotated[
        float,
        typer.Option(
            help="repeat the warm-up while Kafka's or Elasticsearch's JIT compilers took at least this share"
            " of its CPU during the last round (0: never repeat)"
        ),
    ] = JIT_WARMING_SHARE,
    warmup_max: Annotated[float, typer.Option(help="seconds of warm-up at most, repeats included")] = 300.0,
    plot: Annotated[
        bool, typer.Option(help="also write PNG charts: throughput, latency, lag and memory over time")
    ] = False,
    profile: Annotated[
        bool,
        typer.Option(
            help="also profile every stage with py-spy (collapsed stacks beside the JSON, top functions"
            " in it); py-spy's own CPU makes these figures incomparable with unprofiled runs"
        ),
    ] = False,
    stage_log_level: Annotated[
        str,
        typer.Option(
            help="the stages' log level (their logs: the state dir's bench-<token>/); at INFO the index"
            " sink's step timings go into the JSON"
        ),
    ] = "WARNING",
) -> None:
    """The whole pipeline on the local stack: throughput, published→searchable p50/p99, lag, memory."""
    run = _e2e_on_local_stack(
        rate,
        duration,
        queries,
        (warmup, warm_until_jit_below, warmup_max),
        stage_log_level,
        on_progress=lambda msg: console.print(f"[dim]{msg}…[/dim]"),
        profile_dir=RESULTS_DIR / "profiles" if profile else None,
    )
    result = run(None)
    path = write_result("e2e", result)
    if plot:
        from ecoute.bench.plot import plot_e2e

        console.print(f"chart: {plot_e2e(result, path.with_suffix('.png'))}")
    summary = {k: v for k, v in result.items() if k not in E2E_SERIES}
    console.print_json(json.dumps(summary, default=str))
    if "profile" in result:
        _print_profiles(result["profile"])
    print_targets("e2e", result, console)
    console.print(f"JSON: {path}")


@app.command("e2e-ab")
def e2e_ab(
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="a stage setting of variant B, ECOUTE_NAME=value (repeat for several); A runs with the"
            " current settings",
        ),
    ],
    pairs: Annotated[int, typer.Option(help="pairs of runs, alternating A B, B A, …", min=1)] = 2,
    rate: Annotated[float, typer.Option(help="mentions published per second")] = 1_000.0,
    duration: Annotated[float, typer.Option(help="seconds of publishing per run")] = 45.0,
    queries: Annotated[int, typer.Option(help="queries loaded in the enrich worker")] = 10_000,
    warmup: Annotated[float, typer.Option(help="seconds of unmeasured load first, in every run")] = 20.0,
    warm_until_jit_below: Annotated[
        float, typer.Option(help="as for e2e (0: never repeat the warm-up)")
    ] = JIT_WARMING_SHARE,
    warmup_max: Annotated[float, typer.Option(help="seconds of warm-up at most per run")] = 300.0,
    stage_log_level: Annotated[str, typer.Option(help="as for e2e")] = "WARNING",
) -> None:
    """Alternating e2e runs with the current settings (A) and with --set's (B): each pair's B − A."""
    from alerting.settings import AlertingSettings
    from ecoute.bench.ab import parse_overrides, run_ab
    from ecoute.settings import Settings

    try:
        overrides = parse_overrides(set_, [Settings, AlertingSettings])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--set") from None
    run = _e2e_on_local_stack(
        rate, duration, queries, (warmup, warm_until_jit_below, warmup_max), stage_log_level
    )

    def one_run(env: Mapping[str, str] | None) -> tuple[dict[str, Any], str]:
        result = run(env)
        return result, str(write_result("e2e", result))

    outcome = run_ab(
        one_run,
        overrides,
        pairs,
        on_run=lambda pair, variant: console.print(f"[dim]pair {pair + 1}/{pairs}: {variant}…[/dim]"),
    )
    rows = [
        {
            "figure": name,
            "A": " ".join(_fmt_figure(v) for v in c["a"]),
            "B": " ".join(_fmt_figure(v) for v in c["b"]),
            "B − A": " ".join(_fmt_figure(v) for v in c["b_minus_a"]),
            "median": _fmt_figure(c["median_b_minus_a"]),
            "%": _fmt_figure(c["median_b_minus_a_pct"]),
            "same sign": "yes" if c["consistent"] else "no",
        }
        for name, c in outcome["comparison"].items()
    ]
    print_comparison(f"ecoute bench e2e-ab: B = {' '.join(set_)}", rows, console)
    console.print(f"JSON: {write_result('e2e-ab', outcome)}")


def _e2e_on_local_stack(
    rate: float,
    duration: float,
    queries: int,
    warmup: tuple[float, float, float],
    stage_log_level: str,
    **options: Any,
) -> Callable[[Mapping[str, str] | None], dict[str, Any]]:
    """Start (or find) the local stack, then return a function running ``run_e2e`` on it with the
    e2e commands' options — ``warmup``: (seconds of warm-up load, the JIT share that repeats it or 0,
    seconds of warm-up at most) — plus ``options``, and the given stage environment overrides (None:
    the current settings)."""
    from deploy.stack.local import stack_up
    from ecoute.bench.e2e import run_e2e
    from ecoute.settings import get_settings

    settings = get_settings()
    servers = stack_up(settings)
    pids = {server.name: server.pid for server in servers}
    load_s, jit_share, max_s = warmup

    def run(env: Mapping[str, str] | None) -> dict[str, Any]:
        return run_e2e(
            settings,
            rate=rate,
            duration=duration,
            queries=queries,
            warmup_load_s=load_s,
            warm_until_jit_below=jit_share or None,
            warmup_max_s=max_s,
            server_pids=pids,
            stage_log_level=stage_log_level.upper(),
            stage_env_overrides=env,
            **options,
        )

    return run


def _fmt_figure(value: float | None) -> str:
    return "–" if value is None else f"{value:,.3f}".rstrip("0").rstrip(".")


def _print_profiles(profiles: dict[str, dict[str, Any]], top: int = 6) -> None:
    """Per stage, the functions on top of the stack in most of py-spy's active samples."""
    rows = []
    for stage, summary in profiles.items():
        if "error" in summary:
            rows.append({"stage": stage, "share": "", "function (self)": summary["error"]})
        for entry in summary.get("top_self", [])[:top]:
            share = f"{entry['share']:.1%}"
            rows.append({"stage": stage, "share": share, "function (self)": entry["function"]})
    print_comparison("where each stage's active samples were (py-spy)", rows, console)
