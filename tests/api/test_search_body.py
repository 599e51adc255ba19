"""Search parameters → Elasticsearch request body (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.models.mentions import MentionFilters, MentionSearchParams
from api.services.search import (
    InvalidRequestError,
    build_search_body,
    compile_q,
    decode_cursor,
    encode_cursor,
    filter_clauses,
    positive_words,
    text_clause,
)
from ecoute.query import QuerySyntaxError, parse, to_elasticsearch


def test_the_tenant_filter_always_comes_first() -> None:
    for f in (MentionFilters(), MentionFilters(lang=["fr"], author="x", read=False), MentionFilters(q="a")):
        assert filter_clauses(f, "acme")[0] == {"term": {"tenant": "acme"}}
    body = build_search_body(MentionSearchParams(), "acme", None)
    assert body["query"]["bool"]["filter"] == [{"term": {"tenant": "acme"}}]


def test_filters() -> None:
    since = datetime(2026, 11, 1, tzinfo=UTC)
    f = MentionFilters(
        lang=["fr", "en"],
        sentiment=["negative"],
        source_id=["s"],
        query_id=["q1"],
        author="bob",
        read=False,
        tag="crise",
        assignee="camille",
        since=since,
    )
    clauses = filter_clauses(f, "t")
    assert {"terms": {"lang": ["fr", "en"]}} in clauses
    assert {"terms": {"sentiment.label": ["negative"]}} in clauses
    assert {"terms": {"query_ids": ["q1"]}} in clauses and {"terms": {"source_id": ["s"]}} in clauses
    assert {"term": {"author.key": "bob"}} in clauses
    assert {"bool": {"must_not": [{"term": {"state.read": True}}]}} in clauses  # unread = not marked read
    assert {"term": {"state.tags": "crise"}} in clauses and {"term": {"state.assignee": "camille"}} in clauses
    assert {"range": {"@timestamp": {"gte": since.isoformat()}}} in clauses


def test_naive_times_are_utc() -> None:
    f = MentionFilters(until=datetime(2026, 11, 1, 12, 0))
    assert f.until == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_boolean_query_is_compiled_into_the_filters() -> None:
    node = compile_q("bonval NOT bonvalet")
    assert node is not None
    clauses = filter_clauses(MentionFilters(), "t", node)
    assert clauses[-1] == to_elasticsearch(parse("bonval NOT bonvalet"))
    assert compile_q("   ") is None and compile_q(None) is None
    with pytest.raises(QuerySyntaxError) as err:
        compile_q("a AND (b")
    assert err.value.position >= 0


def test_free_text_requires_every_word_in_one_analysis() -> None:
    clause = text_clause("Les grèves des trains")
    shoulds = clause["bool"]["should"]
    assert {"match": {"text_fr": {"query": "grev train", "operator": "and"}}} in shoulds
    assert {"match": {"q_text": {"query": "les greves des trains", "operator": "and"}}} in shoulds
    assert clause["bool"]["minimum_should_match"] == 1
    with pytest.raises(InvalidRequestError):
        text_clause("!!! ???")


def test_relevance_scores_on_the_positive_words_only() -> None:
    node = parse('(bonval OR "laiterie bonval" OR #Boycott) NOT spam')
    assert positive_words(node) == ["bonval", "laiterie", "boycott"]
    body = build_search_body(MentionSearchParams(q="x", sort="relevance"), "t", node)
    assert body["sort"][0] == {"_score": "desc"}
    assert {"match": {"q_text": {"query": "bonval laiterie boycott"}}} in body["query"]["bool"]["should"]
    date_body = build_search_body(MentionSearchParams(q="x"), "t", node)
    assert "should" not in date_body["query"]["bool"]
    assert date_body["sort"] == [{"@timestamp": "desc"}, {"id": "asc"}]


def test_cursor_round_trip_is_tied_to_the_sort() -> None:
    values = [1795387157000, "3f1c9a0e7b2d4c5a8e6f0a1b2c3d4e5f"]
    assert decode_cursor(encode_cursor("date", values), "date") == values
    with pytest.raises(InvalidRequestError):
        decode_cursor(encode_cursor("date", values), "relevance")
    for bad in ["%%%", "bm90IGpzb24", encode_cursor("date", []), "W10", encode_cursor("date", [True, "x"])]:
        with pytest.raises(InvalidRequestError):
            decode_cursor(bad, "date")
    body = build_search_body(
        MentionSearchParams(sort="relevance", cursor=encode_cursor("relevance", [1.5, 10, "x"])), "t", None
    )
    assert body["search_after"] == [1.5, 10, "x"]
    assert body["_source"]["excludes"][0] == "q_*" and body["size"] == 20
