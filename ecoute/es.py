"""Elasticsearch plumbing shared by the index sink, the API and the CLI: client factory, index templates,
mapping migration and retention.

Failure modes: every function here raises the client's ``elasticsearch.TransportError`` (cluster
unreachable) or ``elasticsearch.ApiError`` (refused request) unchanged; :func:`migrate` raises
:class:`MigrationError` when documents could not be copied, and then leaves the aliases untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from elasticsearch import Elasticsearch, helpers
from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

from ecoute import mentions_index
from ecoute.mentions_index import FAMILIES, MAPPING_VERSION, Family
from ecoute.settings import Settings
from schemas.common import utc_now

log = logging.getLogger(__name__)


class OrjsonNdjsonSerializer(NdjsonSerializer):
    """Bulk bodies (NDJSON) written with orjson: the client's own NDJSON serializer uses the standard
    library's json even when orjson is installed, and was a tenth of the index sink's CPU time."""

    def json_dumps(self, data: Any) -> bytes:
        return orjson.dumps(data, default=self.default)


def es_client(settings: Settings, **kwargs: Any) -> Elasticsearch:
    """A client for the configured cluster (retries on timeouts and 429/5xx by the transport; orjson
    for request, bulk and response bodies, several times faster than the standard library's json)."""
    options: dict[str, Any] = {
        "request_timeout": 30,
        "max_retries": 3,
        "retry_on_timeout": True,
        "serializers": {
            OrjsonSerializer.mimetype: OrjsonSerializer(),
            OrjsonNdjsonSerializer.mimetype: OrjsonNdjsonSerializer(),
        },
    }
    options.update(kwargs)
    return Elasticsearch(settings.effective_es_url, **options)


def query_field_mappings() -> dict[str, Any]:
    """Mapping of the fields the query language compiles to (owned by :mod:`ecoute.query`)."""
    from ecoute.query import ES_QUERY_FIELD_MAPPINGS

    return dict(ES_QUERY_FIELD_MAPPINGS)


def put_templates(
    es: Elasticsearch,
    prefix: str,
    version: int = MAPPING_VERSION,
    refresh_interval_s: float = mentions_index.REFRESH_INTERVAL_S,
) -> None:
    """Install (or update) the index templates of both families for one mapping version. Idempotent.
    Indices created from them refresh every ``refresh_interval_s``."""
    extra = query_field_mappings()
    for family in FAMILIES:
        es.indices.put_index_template(
            name=mentions_index.template_name(prefix, family, version),
            **mentions_index.index_template(
                prefix, family, extra, version=version, refresh_interval_s=refresh_interval_s
            ),
        )


def family_indices(es: Elasticsearch, prefix: str, family: Family) -> dict[str, int]:
    """Concrete monthly indices of a family (any version) → their mapping version."""
    found = es.options(ignore_status=404).indices.get(
        index=f"{prefix}-{family}-v*", expand_wildcards="open", allow_no_indices=True
    )
    out: dict[str, int] = {}
    for index in found.body if isinstance(found.body, dict) else {}:
        parsed = mentions_index.parse_index(prefix, family, index)
        if parsed is not None:
            out[index] = parsed[0]
    return out


def ensure_mention_templates(
    es: Elasticsearch, prefix: str, refresh_interval_s: float = mentions_index.REFRESH_INTERVAL_S
) -> None:
    """Install the current templates and create this month's indices (so the aliases exist). Idempotent.

    Every open index of both families (any month, any mapping version) then refreshes every
    ``refresh_interval_s`` (``Settings.index_refresh_interval_s``): a changed setting applies to the
    indices already there at the next start, not only to next month's.

    Logs a warning when indices of an older mapping version are still behind an alias: they stay
    searchable, but ``ecoute es migrate`` should be run to bring them to the current mapping.
    """
    put_templates(es, prefix, refresh_interval_s=refresh_interval_s)
    interval = mentions_index.refresh_interval(refresh_interval_s)
    for family in FAMILIES:
        current = mentions_index.monthly_index(prefix, family, utc_now())
        if not es.indices.exists(index=current):
            es.options(ignore_status=400).indices.create(index=current)  # 400: created concurrently
        es.indices.put_settings(
            index=f"{prefix}-{family}-v*",
            settings={"index": {"refresh_interval": interval}},
            allow_no_indices=True,
            expand_wildcards="open",
        )
        old = sorted(i for i, v in family_indices(es, prefix, family).items() if v < MAPPING_VERSION)
        if old:
            log.warning(
                "indices of an older mapping version: run `ecoute es migrate`",
                extra={"prefix": prefix, "family": family, "indices": ",".join(old[:5])},
            )
    log.info("mention index templates installed", extra={"prefix": prefix, "version": MAPPING_VERSION})


class MigrationError(RuntimeError):
    """Documents could not be copied; the read aliases were not moved."""


@dataclass(slots=True)
class MigrationReport:
    to_version: int
    copied: int = 0
    skipped_existing: int = 0
    moved: dict[str, str] = field(default_factory=dict)  # old index → new index
    removed_templates: list[str] = field(default_factory=list)


def _upgraded_actions(
    es: Elasticsearch, source_index: str, target: str, from_version: int, to_version: int, batch: int
) -> Iterator[dict[str, Any]]:
    for hit in helpers.scan(es, index=source_index, query={"query": {"match_all": {}}}, size=batch):
        yield {
            "_op_type": "create",  # a document the new version's sink already wrote is newer: keep it
            "_index": target,
            "_id": hit["_id"],
            "_source": mentions_index.upgrade_source(hit["_source"], from_version, to_version),
        }


def _copy(
    es: Elasticsearch, old: str, target: str, from_version: int, to_version: int, batch: int
) -> tuple[int, int]:
    copied = skipped = 0
    errors: list[str] = []
    for ok, item in helpers.streaming_bulk(
        es,
        _upgraded_actions(es, old, target, from_version, to_version, batch),
        chunk_size=batch,
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=5,
    ):
        result = next(iter(item.values()))
        if ok:
            copied += 1
        elif result.get("status") == 409:
            skipped += 1
        else:
            errors.append(f"{result.get('_id')}: {result.get('error')}")
    if errors:
        raise MigrationError(f"{len(errors)} documents of {old} were rejected, e.g. {errors[:3]}")
    return copied, skipped


def migrate(
    es: Elasticsearch,
    prefix: str,
    *,
    to_version: int = MAPPING_VERSION,
    batch: int = 1000,
    delete_old: bool = True,
    refresh_interval_s: float = mentions_index.REFRESH_INTERVAL_S,
) -> MigrationReport:
    """Bring every mentions index of ``prefix`` to mapping ``to_version`` and swap the read aliases.

    For each older monthly index: create the same month's index of the new version (from the new
    template, refreshing every ``refresh_interval_s``), detach it from the read alias while it fills
    (unless it already held documents written by a new-version sink), copy every document upgraded
    client-side (scan + bulk ``create``, so a newer document already there wins), then in one atomic
    ``_aliases`` request attach the new indices and remove (``delete_old``) or detach the old ones.
    Finally the older templates are deleted so a lagging old writer cannot create old-version months.
    Run it with the index sink stopped (Kafka keeps the backlog); per-tenant state edited during the
    copy may be lost. Idempotent: a second run finds nothing to do, and an interrupted run can be
    repeated.
    """
    report = MigrationReport(to_version=to_version)
    put_templates(es, prefix, to_version, refresh_interval_s)
    actions: list[dict[str, Any]] = []
    for family in FAMILIES:
        read_alias = mentions_index.alias(prefix, family)
        for old, version in sorted(family_indices(es, prefix, family).items()):
            if version >= to_version:
                continue
            target = mentions_index.retarget(old, to_version)
            if not es.indices.exists(index=target):
                es.indices.create(index=target)
                es.indices.update_aliases(actions=[{"remove": {"index": target, "alias": read_alias}}])
            copied, skipped = _copy(es, old, target, version, to_version, batch)
            es.indices.refresh(index=target)
            report.copied += copied
            report.skipped_existing += skipped
            report.moved[old] = target
            actions.append({"add": {"index": target, "alias": read_alias}})
            actions.append(
                {"remove_index": {"index": old}}
                if delete_old
                else {"remove": {"index": old, "alias": read_alias}}
            )
            log.info(
                "index copied",
                extra={"from": old, "to": target, "copied": copied, "skipped_existing": skipped},
            )
    if actions:
        es.indices.update_aliases(actions=actions)
    for family in FAMILIES:
        for version in range(1, to_version):
            name = mentions_index.template_name(prefix, family, version)
            if es.options(ignore_status=404).indices.delete_index_template(name=name).meta.status == 200:
                report.removed_templates.append(name)
    log.info("migration done", extra={"prefix": prefix, "to_version": to_version, "copied": report.copied})
    return report


def drop_months_before(es: Elasticsearch, prefix: str, month: str) -> list[str]:
    """Delete every monthly index (both families, any version) of a month before ``month`` (``YYYY.MM``).
    Returns the deleted index names. Raises ``ValueError`` for a malformed month."""
    if len(month) != 7 or month[4] != "." or not (month[:4] + month[5:]).isdigit():
        raise ValueError(f"month must look like 2026.01, not {month!r}")
    doomed = [
        index
        for family in FAMILIES
        for index in family_indices(es, prefix, family)
        if (parsed := mentions_index.parse_index(prefix, family, index)) and parsed[1] < month
    ]
    for index in sorted(doomed):
        es.indices.delete(index=index)
    return sorted(doomed)


def delete_tenant_documents(es: Elasticsearch, prefix: str, tenant: str, batch: int = 1000) -> int:
    """Delete every per-tenant document of ``tenant`` (scan + bulk delete: this distribution has no
    ``_delete_by_query``). Returns how many were deleted. Idempotent."""
    index = mentions_index.alias(prefix, "tenant-mentions")
    hits = helpers.scan(
        es,
        index=index,
        query={"query": {"term": {"tenant": tenant}}, "_source": False},
        size=batch,
        ignore_unavailable=True,
    )
    actions = ({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"]} for h in hits)
    deleted = 0
    for ok, item in helpers.streaming_bulk(es, actions, chunk_size=batch, raise_on_error=False):
        if ok or next(iter(item.values())).get("status") == 404:
            deleted += 1
    es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
    return deleted
