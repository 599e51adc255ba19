"""deploy/docker-compose.yml stays in step with the CLI (it cannot run here: no Docker engine)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from ecoute.cli import app

COMPOSE = Path(__file__).resolve().parents[2] / "deploy" / "docker-compose.yml"


def test_compose_runs_the_servers_and_every_service_command_exists() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert {"kafka", "elasticsearch", "kibana", "enrich", "index", "api", "ingest"} <= set(services)
    runner = CliRunner()
    for name, service in services.items():
        if service.get("image") != "ecoute:local":
            continue
        command = [c for c in service["command"] if not c.startswith("/") and not c.startswith("-")]
        words = [w for w in command if w.isidentifier() or w.replace("-", "").isalpha()][:2]
        result = runner.invoke(app, [*words[: 2 if words[0] == "worker" else 1], "--help"])
        assert result.exit_code == 0, f"{name}: `ecoute {' '.join(words)}` is not a command: {result.output}"
        env = service["environment"]
        assert env["ECOUTE_KAFKA_BOOTSTRAP"] == "kafka:9092" and env["ECOUTE_ES_URL"].endswith(":9200")
