"""Polite HTTP fetching for connectors: size and time limits, conditional GET, SSRF guard.

``fetch`` never raises for HTTP-level problems: it returns a :class:`FetchResult` with ``error`` set
(status, timeout, too large, refused URL), so a connector logs a warning and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ecoute.net import UnsafeUrlError, check_url


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

    @property
    def not_modified(self) -> bool:
        return self.status == 304


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    allow_private: bool,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` (following redirects, each hop SSRF-checked) with conditional headers."""
    try:
        check_url(url, allow_private=allow_private)
    except UnsafeUrlError as exc:
        return FetchResult(url, None, error=f"refused URL: {exc}")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with client.stream("GET", url, headers=headers) as resp:
            for hop in resp.history:
                check_url(
                    str(hop.headers.get("location", hop.url)), allow_private=allow_private, resolve=False
                )
            check_url(str(resp.url), allow_private=allow_private)
            meta = {
                "content_type": resp.headers.get("content-type"),
                "content_language": resp.headers.get("content-language"),
                "etag": resp.headers.get("etag"),
                "last_modified": resp.headers.get("last-modified"),
                "retry_after": resp.headers.get("retry-after"),
            }
            if resp.status_code == 304:
                return FetchResult(str(resp.url), 304, **meta)
            if resp.status_code >= 400:
                return FetchResult(str(resp.url), resp.status_code, error=f"HTTP {resp.status_code}", **meta)
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return FetchResult(
                    str(resp.url),
                    resp.status_code,
                    error=f"too large: {declared} bytes > {max_bytes}",
                    **meta,
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return FetchResult(
                        str(resp.url),
                        resp.status_code,
                        error=f"too large: more than {max_bytes} bytes",
                        **meta,
                    )
                chunks.append(chunk)
            return FetchResult(str(resp.url), resp.status_code, b"".join(chunks), **meta)
    except UnsafeUrlError as exc:
        return FetchResult(url, None, error=f"refused redirect: {exc}")
    except httpx.TimeoutException:
        return FetchResult(url, None, error="timeout")
    except httpx.HTTPError as exc:
        return FetchResult(url, None, error=f"{type(exc).__name__}: {exc}"[:500])
