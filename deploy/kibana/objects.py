"""The Kibana saved objects of ecoute, built here and checked in as ``ecoute.ndjson`` (a test keeps the
two identical). Pure.

* data views over the read aliases ``<prefix>-mentions`` (every mention, for analysts) and
  ``<prefix>-tenant-mentions`` (per-tenant documents with matches and state), time field ``@timestamp``;
* saved searches: negative mentions in French, mentions matched by a query, unread mentions assigned
  to someone;
* aggregation-based visualizations (volume over time, sentiment split over time, top authors with
  reach, languages) and a dashboard with them.

Object ids and data view titles carry the index prefix, so several deployments can share one Kibana;
:func:`saved_objects` rewrites them for another prefix. The format is Kibana 8's saved-object export
format (one JSON object per line; visualization state and search sources are JSON strings).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

NDJSON_PATH: Final = Path(__file__).with_name("ecoute.ndjson")
DEFAULT_PREFIX: Final = "ecoute"
INDEX_REF: Final = "kibanaSavedObjectMeta.searchSourceJSON.index"


def _search_source(query: str = "", index_ref: bool = True) -> dict[str, Any]:
    source: dict[str, Any] = {"query": {"query": query, "language": "kuery"}, "filter": []}
    if index_ref:
        source["indexRefName"] = INDEX_REF
    return {"searchSourceJSON": json.dumps(source, separators=(",", ":"))}


def _data_view(prefix: str, family: str, name: str) -> dict[str, Any]:
    title = f"{prefix}-{family}"
    return {
        "type": "index-pattern",
        "id": f"{title}-data-view",
        "attributes": {"title": title, "name": name, "timeFieldName": "@timestamp"},
        "references": [],
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.0.0",
    }


def _search(prefix: str, slug: str, title: str, query: str, columns: list[str], view: str) -> dict[str, Any]:
    return {
        "type": "search",
        "id": f"{prefix}-search-{slug}",
        "attributes": {
            "title": title,
            "description": "",
            "columns": columns,
            "sort": [["@timestamp", "desc"]],
            "kibanaSavedObjectMeta": _search_source(query),
        },
        "references": [{"name": INDEX_REF, "type": "index-pattern", "id": f"{prefix}-{view}-data-view"}],
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.0.0",
    }


def _count() -> dict[str, Any]:
    return {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}


def _date_histogram(agg_id: str) -> dict[str, Any]:
    return {
        "id": agg_id,
        "enabled": True,
        "type": "date_histogram",
        "schema": "segment",
        "params": {"field": "@timestamp", "interval": "auto", "min_doc_count": 1, "extended_bounds": {}},
    }


def _terms(agg_id: str, field: str, schema: str, size: int, order_by: str = "1") -> dict[str, Any]:
    return {
        "id": agg_id,
        "enabled": True,
        "type": "terms",
        "schema": schema,
        "params": {
            "field": field,
            "size": size,
            "order": "desc",
            "orderBy": order_by,
            "missingBucket": False,
        },
    }


def _xy_params(chart: str, mode: str) -> dict[str, Any]:
    return {
        "type": chart,
        "addLegend": True,
        "addTooltip": True,
        "legendPosition": "right",
        "categoryAxes": [
            {
                "id": "CategoryAxis-1",
                "type": "category",
                "position": "bottom",
                "show": True,
                "labels": {"show": True, "filter": True, "truncate": 100},
                "title": {},
            }
        ],
        "valueAxes": [
            {
                "id": "ValueAxis-1",
                "name": "LeftAxis-1",
                "type": "value",
                "position": "left",
                "show": True,
                "scale": {"type": "linear", "mode": "normal"},
                "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                "title": {"text": "Mentions"},
            }
        ],
        "seriesParams": [
            {
                "show": True,
                "type": chart,
                "mode": mode,
                "data": {"label": "Mentions", "id": "1"},
                "valueAxis": "ValueAxis-1",
                "drawLinesBetweenPoints": True,
                "showCircles": True,
                "interpolate": "linear",
            }
        ],
        "times": [],
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
    }


def _visualization(
    prefix: str, slug: str, title: str, vis_type: str, params: dict[str, Any], aggs: list[dict[str, Any]]
) -> dict[str, Any]:
    vis_state = {"title": title, "type": vis_type, "params": params, "aggs": aggs}
    return {
        "type": "visualization",
        "id": f"{prefix}-vis-{slug}",
        "attributes": {
            "title": title,
            "description": "",
            "uiStateJSON": "{}",
            "version": 1,
            "visState": json.dumps(vis_state, separators=(",", ":")),
            "kibanaSavedObjectMeta": _search_source(),
        },
        "references": [{"name": INDEX_REF, "type": "index-pattern", "id": f"{prefix}-mentions-data-view"}],
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.5.0",
    }


def _dashboard(prefix: str, panels: list[tuple[str, int, int, int, int]]) -> dict[str, Any]:
    panels_json = []
    references = []
    for n, (vis_id, x, y, w, h) in enumerate(panels, start=1):
        panels_json.append(
            {
                "version": "8.19.0",
                "type": "visualization",
                "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(n)},
                "panelIndex": str(n),
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{n}",
            }
        )
        references.append({"name": f"{n}:panel_{n}", "type": "visualization", "id": vis_id})
    return {
        "type": "dashboard",
        "id": f"{prefix}-dashboard-overview",
        "attributes": {
            "title": "ecoute — mentions overview",
            "description": "Volume, sentiment, top authors and languages of every mention",
            "panelsJSON": json.dumps(panels_json, separators=(",", ":")),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-30d",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 0},
            "kibanaSavedObjectMeta": _search_source(index_ref=False),
        },
        "references": references,
        "coreMigrationVersion": "8.8.0",
        "typeMigrationVersion": "8.7.0",
    }


def build(prefix: str = DEFAULT_PREFIX) -> list[dict[str, Any]]:
    """Every saved object, dependencies first."""
    columns = ["title", "text", "author.key", "source_id", "sentiment.score"]
    volume = _visualization(
        prefix,
        "volume",
        "Mention volume",
        "line",
        _xy_params("line", "normal"),
        [_count(), _date_histogram("2")],
    )
    sentiment = _visualization(
        prefix,
        "sentiment",
        "Sentiment over time",
        "histogram",
        _xy_params("histogram", "stacked"),
        [_count(), _date_histogram("2"), _terms("3", "sentiment.label", "group", 3)],
    )
    authors = _visualization(
        prefix,
        "top-authors",
        "Top authors (mentions and reach)",
        "table",
        {
            "perPage": 20,
            "showPartialRows": False,
            "showMetricsAtAllLevels": False,
            "showTotal": False,
            "totalFunc": "sum",
            "percentageCol": "",
        },
        [
            _count(),
            {
                "id": "3",
                "enabled": True,
                "type": "max",
                "schema": "metric",
                "params": {"field": "author.followers", "customLabel": "Reach (followers)"},
            },
            _terms("2", "author.key", "bucket", 20),
        ],
    )
    languages = _visualization(
        prefix,
        "languages",
        "Languages",
        "pie",
        {
            "type": "pie",
            "addTooltip": True,
            "legendDisplay": "show",
            "isDonut": True,
            "labels": {"show": True, "values": True, "last_level": True, "truncate": 100},
        },
        [_count(), _terms("2", "lang", "segment", 10)],
    )
    return [
        _data_view(prefix, "mentions", "ecoute — every mention"),
        _data_view(prefix, "tenant-mentions", "ecoute — mentions per tenant (matches, state)"),
        _search(
            prefix,
            "negative-fr",
            "Negative mentions in French",
            "lang:fr and sentiment.label:negative",
            columns,
            "mentions",
        ),
        _search(
            prefix,
            "matched",
            "Mentions matched by a query",
            "query_ids:*",
            ["title", "query_ids", "tenants", "sentiment.label"],
            "mentions",
        ),
        _search(
            prefix,
            "unread-assigned",
            "Unread mentions assigned to someone",
            "not state.read:true and state.assignee:*",
            ["tenant", "title", "state.assignee", "state.tags"],
            "tenant-mentions",
        ),
        volume,
        sentiment,
        authors,
        languages,
        _dashboard(
            prefix,
            [
                (volume["id"], 0, 0, 24, 15),
                (sentiment["id"], 24, 0, 24, 15),
                (authors["id"], 0, 15, 24, 15),
                (languages["id"], 24, 15, 24, 15),
            ],
        ),
    ]


def to_ndjson(objects: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects)


def saved_objects(prefix: str = DEFAULT_PREFIX) -> list[dict[str, Any]]:
    """The checked-in objects, with ids and index titles rewritten for ``prefix``."""
    objects = [json.loads(line) for line in NDJSON_PATH.read_text(encoding="utf-8").splitlines() if line]
    if prefix == DEFAULT_PREFIX:
        return objects
    text = json.dumps(objects).replace(f'"{DEFAULT_PREFIX}-', f'"{prefix}-')
    rewritten: list[dict[str, Any]] = json.loads(text)
    return rewritten


def referenced_fields(objects: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Index fields the objects use, by use: ``"time"``, ``"column"``, ``"query"``, ``"aggregation"``."""
    used: dict[str, set[str]] = {"time": set(), "column": set(), "query": set(), "aggregation": set()}
    for obj in objects:
        attrs = obj["attributes"]
        if obj["type"] == "index-pattern":
            used["time"].add(attrs["timeFieldName"])
        source = json.loads(attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
        kql = source.get("query", {}).get("query", "")
        used["query"] |= set(re.findall(r"([A-Za-z_@][\w.@]*)\s*:", kql))
        used["column"] |= set(attrs.get("columns", [])) | {s[0] for s in attrs.get("sort", [])}
        if "visState" in attrs:
            for agg in json.loads(attrs["visState"])["aggs"]:
                if "field" in agg.get("params", {}):
                    used["aggregation"].add(agg["params"]["field"])
    return used


def write_ndjson(path: Path = NDJSON_PATH) -> None:
    path.write_text(to_ndjson(build()), encoding="utf-8")


if __name__ == "__main__":
    write_ndjson()
