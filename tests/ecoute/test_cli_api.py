"""``ecoute kibana import`` against a tiny local HTTP server that checks the multipart request the way
Kibana's saved objects import API expects it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
import typer
from typer.testing import CliRunner

from ecoute.cli_api import kibana_app

cli = typer.Typer()
cli.add_typer(kibana_app, name="kibana")


class FakeKibana(BaseHTTPRequestHandler):
    answer: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        parts = [
            {
                "name": p.get_param("name", header="content-disposition"),
                "filename": p.get_filename(),
                "content": p.get_payload(decode=True),
            }
            for p in message.iter_parts()
        ]
        self.seen.append(
            {
                "path": self.path,
                "xsrf": self.headers.get("kbn-xsrf"),
                "parts": parts,
                "auth": self.headers.get("Authorization"),
            }
        )
        payload = json.dumps(self.answer).encode()
        self.send_response(200 if self.answer.get("success") is not None else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def kibana() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeKibana)
    FakeKibana.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_import_posts_the_ndjson_as_multipart_file(kibana: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOUTE_INDEX_PREFIX", "acme")
    FakeKibana.answer = {"success": True, "successCount": 10}
    result = CliRunner().invoke(
        kibana_app,
        ["import", "--url", kibana + "/", "--space", "agency", "--username", "elastic", "--password", "pw"],
    )
    assert result.exit_code == 0, result.output
    assert "imported 10/10" in result.output
    (req,) = FakeKibana.seen
    assert req["path"] == "/s/agency/api/saved_objects/_import?overwrite=true"
    assert req["xsrf"] and req["auth"].startswith("Basic ")
    (part,) = req["parts"]
    assert part["name"] == "file" and part["filename"].endswith(".ndjson")
    objects = [json.loads(line) for line in part["content"].decode().splitlines()]
    assert len(objects) == 10
    assert {o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"} == {
        "acme-mentions",
        "acme-tenant-mentions",
    }


def test_import_reports_kibanas_errors(kibana: str) -> None:
    FakeKibana.answer = {
        "success": False,
        "successCount": 9,
        "errors": [{"type": "visualization", "id": "x", "error": {"type": "unknown"}}],
    }
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", kibana])
    assert result.exit_code == 1 and "rejected 1 object" in result.output
    FakeKibana.answer = {"statusCode": 415}
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", kibana])
    assert result.exit_code == 1 and "HTTP 400" in result.output
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and "unreachable" in result.output
