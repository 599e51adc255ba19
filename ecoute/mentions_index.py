"""The mentions indices in Elasticsearch: names, mappings (versioned), document ids, document upgrades.

Two alias families share one mapping:

* ``<prefix>-mentions``: one document per mention (``_id`` = mention id), every source, for analysts
  in Kibana and for pipeline checks;
* ``<prefix>-tenant-mentions``: one document per (tenant, mention) (``_id`` = ``tenant:mention id``)
  holding that tenant's matches and per-tenant state (read, tags, assignee); tenant isolation is a
  filter on ``tenant``, and the id itself names the tenant, so a key of another tenant cannot address it.

Concrete indices are monthly (``<prefix>-<family>-v<N>-YYYY.MM`` by publication time) and created on first
write by a composable index template that attaches them to the read alias, so old months can be
dropped by deleting their index. A mapping change bumps :data:`MAPPING_VERSION`, adds the new version's
properties to :data:`PROPERTIES` and an upgrade step to :func:`upgrade_source`; ``ecoute es migrate``
(:func:`ecoute.es.migrate`) copies every document into the new version's indices (scan + bulk, upgrading
each document client-side: this distribution has no ``_reindex``) and swaps the read alias atomically.

Text analysis: the distribution has no analysis-common module, so only built-in analyzers are used
(``standard``, ``whitespace``): accent/case folding for the query language is done in Python
(:func:`ecoute.query.index_fields`), French/English stemming too (:mod:`ecoute.search_analysis`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, Final, Literal, get_args

from ecoute.search_analysis import analysis_fields

MAPPING_VERSION: Final = 2
Family = Literal["mentions", "tenant-mentions"]
FAMILIES: Final[tuple[Family, ...]] = get_args(Family)

KEYWORD: Final = {"type": "keyword", "ignore_above": 1024}
_ANALYSED: Final = {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}

_V1_PROPERTIES: Final[dict[str, Any]] = {
    "@timestamp": {"type": "date"},
    "id": {"type": "keyword"},
    "tenant": {"type": "keyword"},
    "source_type": {"type": "keyword"},
    "source_id": {"type": "keyword"},
    "native_id": {"type": "keyword", "ignore_above": 2048},
    "url": {"type": "keyword", "ignore_above": 4096},
    "site": {"type": "keyword"},
    "title": {"type": "text", "analyzer": "standard", "fields": {"keyword": KEYWORD}},
    "text": {"type": "text", "analyzer": "standard"},
    "truncated": {"type": "boolean"},
    "author": {
        "properties": {
            "handle": {"type": "keyword"},
            "name": {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "standard"}}},
            "url": {"type": "keyword", "index": False},
            "followers": {"type": "long"},
        }
    },
    "published_at": {"type": "date"},
    "published_at_estimated": {"type": "boolean"},
    "fetched_at": {"type": "date"},
    "enriched_at": {"type": "date"},
    "indexed_at": {"type": "date"},
    "lang": {"type": "keyword"},
    "lang_hint": {"type": "keyword"},
    "lang_confidence": {"type": "float"},
    "sentiment": {
        "properties": {
            "label": {"type": "keyword"},
            "score": {"type": "float"},
            "confidence": {"type": "float"},
            "cues": {"type": "keyword"},
        }
    },
    "matches": {
        "properties": {
            "tenant": {"type": "keyword"},
            "query_id": {"type": "keyword"},
            "terms": {"type": "object", "enabled": False},
        }
    },
    "query_ids": {"type": "keyword"},
    "tenants": {"type": "keyword"},
    "hashtags": {"type": "keyword"},
    "handles": {"type": "keyword"},
    "links": {"type": "keyword", "ignore_above": 4096},
    "domains": {"type": "keyword"},
    "persons": {"type": "keyword"},
    "organizations": {"type": "keyword"},
    "places": {"type": "keyword"},
    "tags": {"type": "keyword"},
    "engagement": {
        "properties": {
            "likes": {"type": "long"},
            "reposts": {"type": "long"},
            "replies": {"type": "long"},
            "score": {"type": "long"},
        }
    },
    "in_reply_to": {"type": "keyword", "ignore_above": 2048},
    "state": {
        "properties": {
            "read": {"type": "boolean"},
            "tags": {"type": "keyword"},
            "assignee": {"type": "keyword"},
            "updated_at": {"type": "date"},
        }
    },
}


def _v2_properties() -> dict[str, Any]:
    props = copy.deepcopy(_V1_PROPERTIES)
    props["text_fr"] = dict(_ANALYSED)  # French: elision, stop words, Snowball stem, accents folded
    props["text_en"] = dict(_ANALYSED)  # English: possessive, stop words, Snowball stem
    props["author"]["properties"]["key"] = {"type": "keyword"}  # handle, else display name (facets)
    return props


PROPERTIES: Final[dict[int, dict[str, Any]]] = {1: _V1_PROPERTIES, 2: _v2_properties()}
"""Base properties of every mapping version (the query-language fields are added by :func:`mapping`)."""
BASE_PROPERTIES: Final = PROPERTIES[MAPPING_VERSION]


def alias(prefix: str, family: Family) -> str:
    """The alias readers search (all months of the current mapping version)."""
    return f"{prefix}-{family}"


def template_name(prefix: str, family: Family, version: int = MAPPING_VERSION) -> str:
    return f"{prefix}-{family}-v{version}"


def index_pattern(prefix: str, family: Family, version: int = MAPPING_VERSION) -> str:
    return f"{prefix}-{family}-v{version}-*"


def monthly_index(prefix: str, family: Family, when: datetime, version: int = MAPPING_VERSION) -> str:
    """Concrete index a document published at ``when`` (UTC) is written to."""
    return f"{prefix}-{family}-v{version}-{when.year:04d}.{when.month:02d}"


_INDEX_RE: Final = re.compile(r"^(?P<base>.+)-v(?P<version>\d+)-(?P<month>\d{4}\.\d{2})$")


@lru_cache(maxsize=4096)  # called for every bulk action; index names repeat (one per month)
def parse_index(prefix: str, family: Family, index: str) -> tuple[int, str] | None:
    """``(version, "YYYY.MM")`` of a concrete index of this family, None for anything else."""
    m = _INDEX_RE.match(index)
    if m is None or m["base"] != f"{prefix}-{family}":
        return None
    return int(m["version"]), m["month"]


def retarget(index: str, version: int) -> str:
    """The same month's index name in another mapping version."""
    m = _INDEX_RE.match(index)
    if m is None:
        raise ValueError(f"{index!r} is not a monthly mentions index")
    return f"{m['base']}-v{version}-{m['month']}"


def tenant_doc_id(tenant: str, mention_id: str) -> str:
    return f"{tenant}:{mention_id}"


def author_key(author: Mapping[str, Any] | None) -> str | None:
    """What identifies an author in facets and filters: the handle, else the display name."""
    if not author:
        return None
    key = author.get("handle") or author.get("name")
    return str(key) if key else None


def mapping(
    extra_properties: Mapping[str, Any] | None = None, version: int = MAPPING_VERSION
) -> dict[str, Any]:
    """Full mapping: base fields plus the query-language fields (dynamic mapping off: strict contract)."""
    props = copy.deepcopy(PROPERTIES[version])
    if extra_properties:
        clash = set(props) & set(extra_properties)
        if clash:
            raise ValueError(f"query fields clash with base fields: {sorted(clash)}")
        props.update(copy.deepcopy(dict(extra_properties)))
    return {"dynamic": "strict", "_meta": {"mapping_version": version}, "properties": props}


REFRESH_INTERVAL_S: Final = 0.5
"""How often new documents become searchable, by default (``Settings.index_refresh_interval_s``). Half a
second rather than Elasticsearch's 1 s: at 1,000 mentions/s (4 alternating pairs, ``bench/README.md``)
published → searchable p99 fell from 1.8–3.8 s to 1.2–1.4 s for ~0.02 ms more Elasticsearch CPU per
mention."""


def index_template(
    prefix: str,
    family: Family,
    extra_properties: Mapping[str, Any] | None = None,
    shards: int = 1,
    replicas: int = 0,
    version: int = MAPPING_VERSION,
    refresh_interval_s: float = REFRESH_INTERVAL_S,
) -> dict[str, Any]:
    """Body of the composable index template for one family and mapping version; its indices make
    new documents searchable every ``refresh_interval_s`` (:func:`refresh_interval`)."""
    return {
        "index_patterns": [index_pattern(prefix, family, version)],
        "priority": 100 + version,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "refresh_interval": refresh_interval(refresh_interval_s),
            },
            "mappings": mapping(extra_properties, version),
            "aliases": {alias(prefix, family): {}},
        },
        "_meta": {"mapping_version": version, "owner": "ecoute"},
    }


def refresh_interval(seconds: float) -> str:
    """Elasticsearch's ``index.refresh_interval`` for ``seconds`` (> 0), in whole milliseconds
    (``1.0`` → ``"1000ms"``). Raises ``ValueError`` for anything that would not be a positive interval
    (0 or less would turn scheduled refreshes off: documents would never become searchable)."""
    millis = round(seconds * 1000)
    if millis < 1:
        raise ValueError(f"refresh interval must be at least 1 ms, got {seconds!r} s")
    return f"{millis}ms"


def upgrade_source(
    source: Mapping[str, Any], from_version: int, to_version: int = MAPPING_VERSION
) -> dict[str, Any]:
    """A stored document of ``from_version`` rewritten for ``to_version`` (pure; state is kept as is).

    Raises ``ValueError`` for a version pair without an upgrade path (e.g. a downgrade).
    """
    if from_version > to_version:
        raise ValueError(f"cannot downgrade documents from v{from_version} to v{to_version}")
    doc = copy.deepcopy(dict(source))
    version = from_version
    while version < to_version:
        if version == 1:
            doc.update(analysis_fields(doc.get("title"), doc.get("text"), doc.get("lang")))
            if isinstance(doc.get("author"), dict):
                doc["author"]["key"] = author_key(doc["author"])
        else:
            raise ValueError(f"no upgrade from mapping v{version}")
        version += 1
    return doc
