"""Polite HTTP fetching for connectors: size and time limits, conditional GET, SSRF guard.

``fetch`` never raises for HTTP-level problems: it returns a :class:`FetchResult` with ``error`` set
(status, timeout, too large, refused URL), so a connector logs a warning and goes on. Bodies sent with
``Content-Encoding: gzip`` are decoded by httpx; a body that is itself a gzip file (``feed.xml.gz``) is
decompressed here. Either way the size limit applies to the decoded bytes (no decompression bombs).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from ecoute.net import UnsafeUrlError, check_url

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: int | None
    content: bytes = b""
    content_type: str | None = None
    content_language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: str | None = None
    error: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def refused(self) -> bool:
        """The SSRF guard refused the URL (never worth retrying)."""
        return bool(self.error and self.error.startswith("refused"))


def gunzip_bounded(content: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip body, refusing more than ``max_bytes`` of output. Raises ``ValueError``."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise ValueError(f"bad gzip body: {exc}") from exc
    if len(out) > max_bytes:
        raise ValueError(f"too large: more than {max_bytes} bytes once decompressed")
    return out


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    allow_private: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` (following redirects, each hop SSRF-checked) with conditional headers."""
    try:
        check_url(url, allow_private=allow_private)
    except UnsafeUrlError as exc:
        return FetchResult(url, None, error=f"refused URL: {exc}")
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    try:
        async with client.stream("GET", url, params=params, headers=request_headers) as resp:
            for hop in resp.history:
                check_url(
                    str(hop.headers.get("location", hop.url)), allow_private=allow_private, resolve=False
                )
            check_url(str(resp.url), allow_private=allow_private)
            base = FetchResult(
                str(resp.url),
                resp.status_code,
                content_type=resp.headers.get("content-type"),
                content_language=resp.headers.get("content-language"),
                etag=resp.headers.get("etag"),
                last_modified=resp.headers.get("last-modified"),
                retry_after=resp.headers.get("retry-after"),
                headers={k.lower(): v for k, v in resp.headers.items()},
            )
            if resp.status_code == 304:
                return base
            if resp.status_code >= 400:
                return replace(base, error=f"HTTP {resp.status_code}")
            declared = resp.headers.get("content-length")
            encoded = resp.headers.get("content-encoding")
            if not encoded and declared and declared.isdigit() and int(declared) > max_bytes:
                return replace(base, error=f"too large: {declared} bytes > {max_bytes}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return replace(base, error=f"too large: more than {max_bytes} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
            if body.startswith(GZIP_MAGIC):
                try:
                    body = gunzip_bounded(body, max_bytes)
                except ValueError as exc:
                    return replace(base, error=str(exc))
            return replace(base, content=body)
    except UnsafeUrlError as exc:
        return FetchResult(url, None, error=f"refused redirect: {exc}")
    except httpx.TimeoutException:
        return FetchResult(url, None, error="timeout")
    except httpx.HTTPError as exc:
        return FetchResult(url, None, error=f"{type(exc).__name__}: {exc}"[:500])
