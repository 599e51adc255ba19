"""The client factory: orjson for JSON and for bulk (NDJSON) bodies, same content as the defaults."""

from __future__ import annotations

import json

from elasticsearch.serializer import NdjsonSerializer

from ecoute.es import OrjsonNdjsonSerializer, es_client
from ecoute.settings import Settings


def test_bulk_bodies_are_written_with_orjson_and_mean_the_same() -> None:
    ops = [
        {"update": {"_index": "m-2026.11", "_id": "abc", "retry_on_conflict": 5}},
        {"doc": {"text": "Très déçu 😡 \u2028 «SNCF»", "n": 3, "x": None, "tags": []}, "doc_as_upsert": True},
        {"index": {"_index": "m", "_id": "d"}},
        {"score": -0.25, "nested": {"a": [1, 2.5, True]}},
    ]
    ours = OrjsonNdjsonSerializer().dumps(ops)
    default = NdjsonSerializer().dumps(ops)
    assert ours.endswith(b"\n") and ours.count(b"\n") == len(ops)
    assert [json.loads(line) for line in ours.splitlines()] == [json.loads(x) for x in default.splitlines()]


def test_the_factory_uses_orjson_for_both_mimetypes() -> None:
    serializers = es_client(Settings(es_url="http://127.0.0.1:9")).transport.serializers.serializers
    assert isinstance(serializers["application/x-ndjson"], OrjsonNdjsonSerializer)
    assert type(serializers["application/json"]).__name__ == "OrjsonSerializer"
