from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.search import InvalidCursorError, MentionSearch, build_search_body, decode_cursor, encode_cursor


def test_cursor_round_trip_and_garbage() -> None:
    values = [1795387157000, "3f1c9a0e7b2d4c5a8e6f0a1b2c3d4e5f"]
    assert decode_cursor(encode_cursor(values)) == values
    for bad in ["%%%", "bm90IGpzb24", encode_cursor([]), "W10"]:
        with pytest.raises(InvalidCursorError):
            decode_cursor(bad)


def test_filters_sort_and_size() -> None:
    since = datetime(2026, 11, 1, tzinfo=UTC)
    body = build_search_body(
        MentionSearch(q="bonval", lang="fr", sentiment="negative", since=since, size=1000)
    )
    assert body["size"] == 200
    assert body["sort"] == [{"@timestamp": "desc"}, {"id": "asc"}]
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"lang": "fr"}} in filters and {"term": {"sentiment.label": "negative"}} in filters
    assert {"range": {"@timestamp": {"gte": since.isoformat()}}} in filters
    assert body["query"]["bool"]["must"][0]["simple_query_string"]["query"] == "bonval"


def test_relevance_sort_and_cursor() -> None:
    body = build_search_body(MentionSearch(sort="relevance", cursor=encode_cursor([1.5, 10, "x"])))
    assert body["sort"][0] == {"_score": "desc"}
    assert body["search_after"] == [1.5, 10, "x"]
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
