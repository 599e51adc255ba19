"""CLI for enrichment without Kafka: ``enrich-file``, ``query check``, ``eval``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ecoute.evaldata import eval_dir

app = typer.Typer(no_args_is_help=True, add_completion=False)
query_app = typer.Typer(no_args_is_help=True, help="The Boolean query language.")
console = Console(stderr=True)

DEFAULT_EVAL_DIR = eval_dir()


@app.command("enrich-file")
def enrich_file(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", exists=True, dir_okay=False)],
    queries: Annotated[
        Path | None, typer.Option(help="queries JSON: [{id, tenant?, query}]", exists=True)
    ] = None,
    output: Annotated[Path | None, typer.Option(help="output JSONL (default: stdout)")] = None,
    ner: Annotated[bool, typer.Option(help="people/organisations/places with spaCy")] = True,
) -> None:
    """Enrich a JSON Lines file offline: language, sentiment, query matches, entities."""
    from enrich.ner import SpacyNer
    from enrich.offline import InvalidQueryError, dumps, enrich_lines, load_query_index

    index = None
    if queries is not None:
        try:
            index = load_query_index(json.loads(queries.read_text()))
        except InvalidQueryError as exc:
            console.print(
                f"[red]invalid query[/red] {exc.query_id}: {exc.message} at position {exc.position}"
            )
            raise typer.Exit(2) from exc
        except (json.JSONDecodeError, AttributeError) as exc:
            console.print(f"[red]queries file is not a JSON array of objects:[/red] {exc}")
            raise typer.Exit(2) from exc
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    errors = 0
    try:
        with input_path.open(encoding="utf-8", errors="replace") as lines:
            for record in enrich_lines(lines, index=index, tagger=SpacyNer() if ner else None):
                errors += "error" in record
                out.write(dumps(record) + "\n")
    finally:
        if output:
            out.close()
    if errors:
        console.print(
            f"[yellow]{errors} input line(s) could not be enriched (see their 'error' field)[/yellow]"
        )


@query_app.command("check")
def query_check(query: Annotated[str, typer.Argument(help="a Boolean query")]) -> None:
    """Parse a query and show its canonical form and its Elasticsearch translation."""
    from ecoute.query import QuerySyntaxError, describe, parse, to_elasticsearch

    try:
        node = parse(query)
    except QuerySyntaxError as exc:
        console.print(f"[red]invalid query:[/red] {exc.message} at position {exc.position}")
        console.print(f"  {query}\n  {' ' * exc.position}^")
        raise typer.Exit(2) from exc
    out = Console()
    out.print(f"[bold]parsed:[/bold] {describe(node)}")
    out.print_json(json.dumps({"elasticsearch": to_elasticsearch(node)}, ensure_ascii=False))


@app.command("eval")
def eval_cmd(
    what: Annotated[str, typer.Argument(help="langid | sentiment | all")] = "all",
    data_dir: Annotated[Path, typer.Option(help="the shared evaluation data")] = DEFAULT_EVAL_DIR,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the figures as JSON")] = None,
) -> None:
    """Accuracy figures on the shared evaluation data (langid dev set, sentiment val sets)."""
    results: dict[str, Any] = {}
    if what in ("langid", "all"):
        from enrich.langid import evaluate as evaluate_langid

        results["langid"] = evaluate_langid(data_dir / "langid" / "dev.jsonl", compare_lingua=True)
        _print_langid(results["langid"])
    if what in ("sentiment", "all"):
        from enrich.sentiment import evaluate as evaluate_sentiment

        results["sentiment"] = {
            lang: evaluate_sentiment(data_dir / "sentiment" / f"{lang}_val.jsonl", lang)
            for lang in ("fr", "en")
        }
        _print_sentiment(results["sentiment"])
    if not results:
        console.print(f"unknown evaluation {what!r}: langid | sentiment | all")
        raise typer.Exit(2)
    if json_out:
        json_out.write_text(json.dumps(results, indent=2, default=str))


def _print_langid(r: dict[str, Any]) -> None:
    out = Console()
    out.print_json(json.dumps({k: v for k, v in r.items() if k != "lingua_alone"}, default=str))
    if "lingua_alone" in r:
        out.print("[bold]lingua alone, same run:[/bold]")
        out.print_json(json.dumps(r["lingua_alone"], default=str))


def _print_sentiment(r: dict[str, dict[str, Any]]) -> None:
    table = Table("lang", "macro-F1", "accuracy", "texts/s", "baseline macro-F1", title="sentiment (val)")
    for lang, m in r.items():
        base = m.get("baseline", {})
        table.add_row(
            lang,
            f"{m['macro_f1']:.3f}",
            f"{m['accuracy']:.3f}",
            f"{m['throughput_texts_per_s']:.0f}",
            f"{base.get('macro_f1', float('nan')):.3f}" if isinstance(base, dict) else "-",
        )
    Console().print(table)
