"""Reddit application-only OAuth (``client_credentials``), when both credential variables are set.

The token is fetched from ``token_url`` with HTTP basic auth and reused until a minute before it
expires. Without credentials, :meth:`RedditAuth.headers` is empty and the public site is used.
"""

from __future__ import annotations

import time

import httpx

from ecoute.net import UnsafeUrlError, check_url
from ingest.credentials import secret
from ingest.page import SourceError
from schemas.source import RedditSourceConfig


class RedditAuth:
    def __init__(self, source: RedditSourceConfig) -> None:
        self.source = source
        self._token: str | None = None
        self._expires = 0.0

    @property
    def configured(self) -> bool:
        return bool(secret(self.source.client_id_env) and secret(self.source.client_secret_env))

    async def headers(self, client: httpx.AsyncClient, allow_private: bool) -> dict[str, str]:
        """``Authorization`` header for oauth.reddit.com, or ``{}`` without credentials."""
        client_id, client_secret = secret(self.source.client_id_env), secret(self.source.client_secret_env)
        if not client_id or not client_secret:
            return {}
        if self._token is None or time.monotonic() > self._expires:
            try:
                check_url(self.source.token_url, allow_private=allow_private)
                resp = await client.post(
                    self.source.token_url,
                    data={"grant_type": "client_credentials"},
                    auth=(client_id, client_secret),
                )
            except (UnsafeUrlError, httpx.HTTPError) as exc:
                raise SourceError(f"reddit token request failed: {exc}") from exc
            if resp.status_code != 200:
                raise SourceError(f"reddit token request failed: HTTP {resp.status_code}")
            try:
                body = resp.json()
                self._token = str(body["access_token"])
                self._expires = time.monotonic() + float(body.get("expires_in", 3600)) - 60.0
            except (ValueError, KeyError, TypeError) as exc:
                raise SourceError(f"reddit token response unreadable: {exc}") from exc
        return {"Authorization": f"Bearer {self._token}"}
