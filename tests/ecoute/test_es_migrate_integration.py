"""`ecoute es migrate` on the real Elasticsearch: v1 indices → current mapping behind the same aliases,
documents upgraded client-side (no _reindex here), per-tenant state kept, atomic alias swap."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from ecoute import mentions_index as mi
from ecoute.es import drop_months_before, migrate, put_templates
from ecoute.settings import Settings

pytestmark = pytest.mark.integration


def _v1_doc(i: int, tenant: str | None) -> dict:  # type: ignore[type-arg]
    return {
        "id": f"{i:032x}",
        "tenant": tenant,
        "title": f"Grève numéro {i}",
        "text": "Les trains sont supprimés",
        "lang": "fr",
        "source_type": "feed",
        "source_id": "s",
        "@timestamp": "2026-10-05T10:00:00Z",
        "published_at": "2026-10-05T10:00:00Z",
        "author": {"handle": f"user{i}"},
        **({"state": {"read": True, "tags": ["crise"]}} if tenant and i == 0 else {}),
    }


def test_migrate_v1_to_current(pipeline_settings: Settings, es_client: Elasticsearch) -> None:
    prefix = pipeline_settings.index_prefix
    put_templates(es_client, prefix, version=1)
    for month in ("2026.09", "2026.10"):
        for family in mi.FAMILIES:
            es_client.indices.create(index=f"{prefix}-{family}-v1-{month}")
    for i in range(25):
        es_client.index(index=f"{prefix}-mentions-v1-2026.10", id=f"{i:032x}", document=_v1_doc(i, None))
        es_client.index(
            index=f"{prefix}-tenant-mentions-v1-2026.10", id=f"acme:{i:032x}", document=_v1_doc(i, "acme")
        )
    es_client.indices.refresh(index=f"{prefix}-*")
    tenant_alias = mi.alias(prefix, "tenant-mentions")
    assert es_client.count(index=tenant_alias)["count"] == 25

    report = migrate(es_client, prefix, batch=10)

    assert report.copied == 50 and report.skipped_existing == 0 and len(report.moved) == 4
    aliased = es_client.indices.get_alias(name=tenant_alias)
    assert set(aliased) == {
        f"{prefix}-tenant-mentions-v{mi.MAPPING_VERSION}-2026.09",
        f"{prefix}-tenant-mentions-v{mi.MAPPING_VERSION}-2026.10",
    }
    assert not es_client.indices.exists(index=f"{prefix}-tenant-mentions-v1-2026.10")  # old month deleted
    assert es_client.count(index=tenant_alias)["count"] == 25
    assert es_client.count(index=mi.alias(prefix, "mentions"))["count"] == 25
    stemmed = es_client.search(index=tenant_alias, query={"match": {"text_fr": "grev"}})
    assert stemmed["hits"]["total"]["value"] == 25  # new analysed field filled from the old source
    kept = es_client.get(index=f"{prefix}-tenant-mentions-v{mi.MAPPING_VERSION}-2026.10", id=f"acme:{0:032x}")
    assert kept["_source"]["state"] == {"read": True, "tags": ["crise"]}
    assert kept["_source"]["author"]["key"] == "user0"
    assert not es_client.indices.exists_index_template(name=mi.template_name(prefix, "mentions", 1))
    assert es_client.indices.exists_index_template(name=mi.template_name(prefix, "mentions"))

    again = migrate(es_client, prefix)  # nothing left to do
    assert again.copied == 0 and again.moved == {}

    dropped = drop_months_before(es_client, prefix, "2026.10")
    assert dropped == sorted(f"{prefix}-{f}-v{mi.MAPPING_VERSION}-2026.09" for f in mi.FAMILIES)
    assert es_client.count(index=tenant_alias)["count"] == 25
    with pytest.raises(ValueError, match="month"):
        drop_months_before(es_client, prefix, "2026-10")


def test_a_newer_document_written_during_the_migration_wins(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    prefix = pipeline_settings.index_prefix
    put_templates(es_client, prefix, version=1)
    old = f"{prefix}-mentions-v1-2026.10"
    es_client.index(index=old, id=f"{1:032x}", document={**_v1_doc(1, None), "title": "old"}, refresh=True)
    # a new-version sink already rewrote this mention into the new month index
    put_templates(es_client, prefix)
    new = mi.retarget(old, mi.MAPPING_VERSION)
    doc = mi.upgrade_source({**_v1_doc(1, None), "title": "new"}, 1)
    es_client.index(index=new, id=f"{1:032x}", document=doc, refresh=True)
    report = migrate(es_client, prefix, delete_old=False)
    assert report.skipped_existing == 1 and report.copied == 0
    assert es_client.get(index=new, id=f"{1:032x}")["_source"]["title"] == "new"
    assert set(es_client.indices.get_alias(name=mi.alias(prefix, "mentions"))) == {new}
    assert es_client.indices.exists(index=old)  # kept (detached) with delete_old=False
