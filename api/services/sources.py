"""Source subscriptions: a tenant's request → a shared source definition (``config.sources``). Pure.

* The source id is derived from what is polled (kind and the kind's settings, operational knobs such
  as the interval excluded), so tenants asking for the same feed share one source, fetched once.
* Subscribing adds the tenant to the source's ``tenants`` (the shortest requested interval wins);
  unsubscribing removes it, and the last one out deletes the source (tombstone).
* Tenants cannot name credentials (``*_env`` fields: environment variables of our processes would be
  sent to a URL they chose) nor set ``id``/``tenants``; URLs must be http(s)/ws(s) and, unless the
  deployment allows private targets, not literal private/loopback addresses (ingest re-checks every
  fetch with DNS resolution).

Failure: :class:`InvalidSourceError` (→ 422) with the reason.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from api.models.sources import SourcePublic
from ecoute.net import UnsafeUrlError, check_url
from schemas.source import SourceConfig, SourceDefinition

_ADAPTER: Final[TypeAdapter[SourceDefinition]] = TypeAdapter(SourceDefinition)
OPERATIONAL: Final = frozenset(
    {"schema_version", "id", "tenants", "interval_s", "enabled", "max_pages", "seen_capacity"}
)
SERVER_SET: Final = frozenset({"id", "tenants", "schema_version"})
HIDDEN: Final = frozenset({"schema_version", "id", "tenants", "interval_s", "enabled", "kind"})


class InvalidSourceError(ValueError):
    def __init__(self, message: str, loc: list[str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc or ["body"]


def _is_url_field(name: str) -> bool:
    return name == "url" or name == "instance" or name.endswith("_url")


def _check_urls(body: dict[str, Any], allow_private: bool) -> None:
    for name, value in body.items():
        if not _is_url_field(name) or value is None:
            continue
        if not isinstance(value, str):
            raise InvalidSourceError(f"{name} must be a URL", ["body", name])
        as_http = "http" + value[2:] if value.startswith(("ws://", "wss://")) else value
        try:
            check_url(as_http, allow_private=allow_private, resolve=False)
        except UnsafeUrlError as exc:
            raise InvalidSourceError(f"{name}: {exc}", ["body", name]) from exc


def validate_request(body: dict[str, Any], tenant: str, *, allow_private: bool) -> SourceConfig:
    """The source definition a tenant asked for (id derived, ``tenants`` = just this tenant)."""
    for name in body:
        if name in SERVER_SET:
            raise InvalidSourceError(f"{name} is set by the server", ["body", name])
        if name.endswith("_env"):
            raise InvalidSourceError(
                f"{name}: credentials can only be configured by an administrator", ["body", name]
            )
    _check_urls(body, allow_private)
    try:
        draft = _ADAPTER.validate_python({**body, "id": "draft", "tenants": [tenant]}).root
    except ValidationError as exc:
        first = exc.errors()[0]
        loc: list[str | int] = ["body", *[p for p in first["loc"] if isinstance(p, str | int)][1:]]
        raise InvalidSourceError(f"{'.'.join(map(str, loc[1:])) or 'body'}: {first['msg']}", loc) from exc
    return draft.model_copy(update={"id": derive_id(draft)})


def derive_id(source: SourceConfig) -> str:
    identity = {k: v for k, v in source.model_dump(mode="json").items() if k not in OPERATIONAL}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return f"{source.kind}-{digest[:16]}"


def subscribe(existing: SourceConfig | None, requested: SourceConfig, tenant: str) -> SourceConfig:
    """The source after ``tenant`` subscribed (``existing``: the current definition with that id)."""
    if existing is None:
        return requested
    tenants = tuple(sorted({*existing.tenants, tenant}))
    interval = min(existing.interval_s, requested.interval_s)
    return existing.model_copy(update={"tenants": tenants, "interval_s": interval, "enabled": True})


def unsubscribe(existing: SourceConfig, tenant: str) -> SourceConfig | None:
    """The source after ``tenant`` left; None when nobody is subscribed any more (delete it)."""
    tenants = tuple(t for t in existing.tenants if t != tenant)
    return existing.model_copy(update={"tenants": tenants}) if tenants else None


def source_public(source: SourceConfig) -> SourcePublic:
    config = {k: v for k, v in source.model_dump(mode="json").items() if k not in HIDDEN}
    return SourcePublic(
        id=source.id, kind=source.kind, interval_s=source.interval_s, enabled=source.enabled, config=config
    )


def definition(source: SourceConfig) -> SourceDefinition:
    return SourceDefinition(source)
