"""Load ecoute's saved objects into a Kibana given by URL (saved objects import API, over httpx).

``POST <kibana>[/s/<space>]/api/saved_objects/_import?overwrite=true`` with the NDJSON as the multipart
field ``file`` and the ``kbn-xsrf`` header Kibana requires on writes. Importing twice is harmless
(``overwrite``). Failure: :class:`KibanaImportError` with Kibana's answer (HTTP error, objects refused,
or Kibana unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from deploy.kibana.objects import to_ndjson


class KibanaImportError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class ImportResult:
    success_count: int
    objects: int


def import_saved_objects(
    url: str,
    objects: list[dict[str, Any]],
    *,
    space: str | None = None,
    auth: tuple[str, str] | None = None,
    timeout_s: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> ImportResult:
    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    files = {"file": ("ecoute.ndjson", to_ndjson(objects).encode("utf-8"), "application/ndjson")}
    try:
        with httpx.Client(timeout=timeout_s, auth=auth, transport=transport) as client:
            resp = client.post(
                f"{base}/api/saved_objects/_import",
                params={"overwrite": "true"},
                files=files,
                headers={"kbn-xsrf": "ecoute"},
            )
    except httpx.HTTPError as exc:
        raise KibanaImportError(f"Kibana at {url} unreachable: {exc}") from exc
    if resp.status_code != 200:
        raise KibanaImportError(f"Kibana refused the import: HTTP {resp.status_code} {resp.text[:500]}")
    body = resp.json()
    if not body.get("success", False):
        errors = [f"{e.get('type')}/{e.get('id')}: {e.get('error')}" for e in body.get("errors", [])]
        raise KibanaImportError(f"Kibana rejected {len(errors)} object(s): {errors[:5]}")
    return ImportResult(success_count=int(body.get("successCount", 0)), objects=len(objects))
