"""Where the placement lookup searches, against the real Elasticsearch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.es import ensure_mention_templates
from ecoute.settings import Settings
from enrich.indexing.placement import existing_locations, other_indices

pytestmark = pytest.mark.integration
SEPT = datetime(2026, 9, 15, tzinfo=UTC)
OCT = datetime(2026, 10, 15, tzinfo=UTC)


def _action(prefix: str, family: mentions_index.Family, when: datetime, doc_id: str) -> dict[str, Any]:
    index = mentions_index.monthly_index(prefix, family, when)
    return {"_op_type": "update", "_index": index, "_id": doc_id, "doc": {}, "doc_as_upsert": True}


def test_only_the_indices_a_batch_does_not_write_to_are_searched(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    prefix = pipeline_settings.index_prefix
    ensure_mention_templates(es_client, prefix)
    sept = mentions_index.monthly_index(prefix, "mentions", SEPT)
    octo = mentions_index.monthly_index(prefix, "mentions", OCT)
    older = mentions_index.retarget(sept, mentions_index.MAPPING_VERSION - 1)
    es_client.index(index=sept, id="moved", document={"id": "moved"})
    es_client.index(index=octo, id="same", document={"id": "same"})
    es_client.indices.create(index=older, aliases={mentions_index.alias(prefix, "mentions"): {}})
    es_client.index(index=older, id="old", document={"id": "old"})
    es_client.indices.refresh(index=f"{prefix}-*")

    batch = [_action(prefix, "mentions", OCT, i) for i in ("moved", "same", "old", "new")]
    found = existing_locations(es_client, prefix, batch)

    # "same" is in the batch's own index (its create will answer 409), "old" only in an older mapping
    # version's index, "new" nowhere: only "moved" is reported, in the index it lives in
    assert found == {("mentions", "moved"): sept}
    others = other_indices(es_client, prefix, {"mentions": {octo}, "tenant-mentions": set()})
    assert sept in others["mentions"] and octo not in others["mentions"] and older not in others["mentions"]
    assert all(mentions_index.parse_index(prefix, "tenant-mentions", i) for i in others["tenant-mentions"])


def test_no_index_behind_an_alias_means_nothing_to_search(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    prefix = pipeline_settings.index_prefix  # no template, no index, no alias yet
    batch = [_action(prefix, "tenant-mentions", OCT, "acme:x")]
    assert other_indices(es_client, prefix, {"tenant-mentions": {batch[0]["_index"]}}) == {}
    assert existing_locations(es_client, prefix, batch) == {}
