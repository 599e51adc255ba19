"""``ecoute enrich-file`` and ``ecoute query check``: offline enrichment users and evaluation rely on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ecoute.cli import app

runner = CliRunner()

LINES = [
    {
        "id": "1",
        "text": "Encore un train annulé chez Ferralis, aucune excuse 😡 #grève",
        "author": "@voyageur",
    },
    {
        "id": 2,
        "title": "Laiterie Bonval",
        "text": "Rappel produit : des yaourts retirés à Lyon pour listeria.",
    },
    "not json at all",
    {"id": "4", "text": "Great support from Nuvia today, thanks!", "url": "https://www.techpulse.example/a"},
    {"text": "no id here"},
]
QUERIES = [
    {"id": "ferralis", "tenant": "t", "query": "ferralis NEAR/5 annulé*"},
    {"id": "bonval", "query": "bonval AND (rappel* OR listeria)"},
]


def _write(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "in.jsonl"
    data.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in LINES) + "\n"
    )
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps(QUERIES))
    return data, queries


def test_enrich_file_one_output_line_per_input_line(tmp_path: Path) -> None:
    data, queries = _write(tmp_path)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["enrich-file", str(data), "--queries", str(queries), "--output", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == len(LINES)
    first, second, bad, fourth, no_id = records
    assert first["id"] == "1" and first["lang"] == "fr" and first["sentiment"]["label"] == "negative"
    assert first["matches"] == ["ferralis"]
    assert {"kind": "hashtag", "text": "#grève"} in first["entities"]
    assert second["id"] == 2 and second["matches"] == ["bonval"]
    assert {"kind": "place", "text": "Lyon"} in second["entities"]  # spaCy NER
    terms = {t["term"] for t in second["match_details"][0]["terms"]}
    assert {"bonval", "rappel*", "listeria"} <= terms
    assert bad == {"line": 3, "error": bad["error"]} and "invalid input line" in bad["error"]
    assert fourth["lang"] == "en" and fourth["sentiment"]["label"] == "positive" and fourth["matches"] == []
    assert {"kind": "domain", "text": "techpulse.example"} in fourth["entities"]
    assert no_id["line"] == 5 and "error" in no_id


def test_invalid_query_exits_non_zero_with_id_message_and_position(tmp_path: Path) -> None:
    data, _ = _write(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "ok", "query": "a"}, {"id": "broken", "query": "ferralis AND (grève"}]))
    result = runner.invoke(app, ["enrich-file", str(data), "--queries", str(bad)])
    assert result.exit_code == 2
    assert "broken" in result.output and "position 13" in result.output


def test_query_check_explains_and_rejects() -> None:
    ok = runner.invoke(app, ["query", "check", "Ferralis NEAR/3f (grève OR strike) NOT #fake lang:fr"])
    assert ok.exit_code == 0, ok.output
    assert "ferralis NEAR/3f (greve OR strike) AND NOT #fake AND lang:fr" in ok.output
    assert '"span_near"' in ok.output and '"in_order": true' in ok.output
    bad = runner.invoke(app, ["query", "check", "a NEAR b"])
    assert bad.exit_code == 2 and "NEAR needs a distance" in bad.output
