"""The Kibana saved objects: consistent, and every field they use exists in the real index mapping."""

from __future__ import annotations

import json

import pytest
from elasticsearch import Elasticsearch

from deploy.kibana.objects import NDJSON_PATH, build, referenced_fields, saved_objects, to_ndjson
from ecoute import mentions_index
from ecoute.es import ensure_mention_templates
from ecoute.settings import Settings

AGGREGATABLE = {"keyword", "long", "integer", "float", "double", "date", "boolean"}


def test_checked_in_file_is_what_the_builder_makes() -> None:
    assert NDJSON_PATH.read_text(encoding="utf-8") == to_ndjson(build()), (
        "run: python -m deploy.kibana.objects"
    )


def test_objects_the_issue_asks_for_and_references_resolve() -> None:
    objects = saved_objects()
    by_id = {o["id"]: o for o in objects}
    titles: dict[str, set[str]] = {o["type"]: set() for o in objects}
    for o in objects:
        titles[o["type"]].add(o["attributes"].get("title"))
    assert {"ecoute-mentions", "ecoute-tenant-mentions"} == titles["index-pattern"]
    assert "Negative mentions in French" in titles["search"]
    (dashboard,) = [o for o in objects if o["type"] == "dashboard"]
    panel_refs = {p["panelRefName"] for p in json.loads(dashboard["attributes"]["panelsJSON"])}
    panels = {r["name"].split(":", 1)[1]: by_id[r["id"]] for r in dashboard["references"]}
    assert set(panels) == panel_refs
    assert {p["attributes"]["title"] for p in panels.values()} >= {
        "Mention volume",
        "Sentiment over time",
        "Top authors (mentions and reach)",
    }
    for o in objects:
        for ref in o["references"]:
            assert ref["id"] in by_id and by_id[ref["id"]]["type"] == ref["type"]
    negative = next(o for o in objects if o["attributes"].get("title") == "Negative mentions in French")
    source = json.loads(negative["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    assert source["query"] == {"query": "lang:fr and sentiment.label:negative", "language": "kuery"}


def test_other_prefix_rewrites_ids_and_index_titles() -> None:
    objects = saved_objects("acme")
    views = [o for o in objects if o["type"] == "index-pattern"]
    assert {v["attributes"]["title"] for v in views} == {"acme-mentions", "acme-tenant-mentions"}
    assert all(o["id"].startswith("acme-") for o in objects)
    assert "ecoute-" not in json.dumps([o["references"] for o in objects])


def _paths(properties: dict, prefix: str = "") -> dict[str, str]:  # type: ignore[type-arg]
    out: dict[str, str] = {}
    for name, spec in properties.items():
        path = prefix + name
        if "properties" in spec:
            out.update(_paths(spec["properties"], path + "."))
        else:
            out[path] = spec.get("type", "object")
        for sub, sub_spec in spec.get("fields", {}).items():
            out[f"{path}.{sub}"] = sub_spec["type"]
    return out


@pytest.mark.integration
def test_every_field_the_objects_use_exists_in_the_mapping(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    prefix = pipeline_settings.index_prefix
    ensure_mention_templates(es_client, prefix)
    for family in mentions_index.FAMILIES:
        mapping = next(
            iter(es_client.indices.get_mapping(index=mentions_index.alias(prefix, family)).values())
        )
        fields = _paths(mapping["mappings"]["properties"])
        used = referenced_fields(saved_objects(prefix))
        for kind, names in used.items():
            for name in names:
                if name.endswith("*"):
                    continue
                assert name in fields, f"{kind} field {name!r} is not in the {family} mapping"
        for name in used["aggregation"] | used["time"]:
            assert fields[name] in AGGREGATABLE, f"{name} ({fields[name]}) cannot be aggregated"
        assert used["query"] >= {"lang", "sentiment.label", "query_ids", "state.read", "state.assignee"}
