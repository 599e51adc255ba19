"""``ecoute ingest --source NAME --once`` and ``ecoute sources status|list`` on the real Kafka (the
commands of ecoute/cli_ingest.py, mounted on a local typer app as the main CLI mounts them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from deploy.demo import serve_demo_feeds
from ecoute import cli_ingest
from ecoute.settings import Settings, get_settings
from tests.kafka_utils import read_all

pytestmark = pytest.mark.integration


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("ingest")(cli_ingest.ingest_cmd)
    app.add_typer(cli_ingest.app, name="sources")
    return app


def test_ingest_one_source_then_status(
    pipeline_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = pipeline_settings
    for key, value in {
        "KAFKA_BOOTSTRAP": s.kafka_bootstrap,
        "TOPIC_PREFIX": s.topic_prefix,
        "HOME": str(s.home),
        "CONSUMER_GROUP_PREFIX": s.consumer_group_prefix,
        "ALLOW_PRIVATE_URLS": "1",
    }.items():
        monkeypatch.setenv(f"ECOUTE_{key}", str(value))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        with serve_demo_feeds() as server:
            urls = server.feed_urls()
            path = tmp_path / "sources.json"
            path.write_text(
                json.dumps(
                    {
                        "sources": [
                            {"id": "conso-hebdo", "url": urls["conso-hebdo"]},
                            {"id": "techpulse", "url": urls["techpulse"], "tenants": ["acme"]},
                        ]
                    }
                )
            )
            done = runner.invoke(
                cli(), ["ingest", "--sources", str(path), "--source", "conso-hebdo", "--once"]
            )
            assert done.exit_code == 0, done.output
            unknown = runner.invoke(cli(), ["ingest", "--sources", str(path), "--source", "nope", "--once"])
            assert unknown.exit_code == 2
        produced = read_all(s.effective_kafka_bootstrap, s.topic("mentions.raw"))
        assert produced and {json.loads(m.value() or b"")["source_id"] for m in produced} == {"conso-hebdo"}
        status = runner.invoke(cli(), ["sources", "status", "--sources", str(path), "--json"])
        assert status.exit_code == 0, status.output
        rows = {r["source"]: r for r in map(json.loads, status.output.splitlines())}
        assert rows["conso-hebdo"]["new"] == len(produced) and rows["conso-hebdo"]["last_success"]
        assert rows["techpulse"]["last_success"] is None and rows["techpulse"]["polls"] == 0
        listed = runner.invoke(cli(), ["sources", "list", "--sources", str(path)])
        assert listed.exit_code == 0 and "techpulse" in listed.output and "acme" in listed.output
    finally:
        get_settings.cache_clear()
