"""Elasticsearch back end: index fields, mapping, DSL, and agreement with the stream matcher on a real ES."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch, helpers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoute.query import (
    ES_QUERY_FIELD_MAPPINGS,
    CompiledQuery,
    Hashtag,
    MatchableDoc,
    Near,
    QueryNode,
    QuerySyntaxError,
    Word,
    compile_query,
    describe,
    index_fields,
    parse,
    to_elasticsearch,
)
from tests.ecoute.query.query_strategies import docs, queries

_index_counter = itertools.count()


def test_index_fields_content() -> None:
    doc = MatchableDoc(
        title="Grève à la SNCF",
        text="L’Oréal et #BlackFriday, merci @SNCF_fr",
        author="@LeMonde",
        url="https://www.lemonde.fr/x",
        lang="fr-FR",
        source="RSS:lemonde",
    )
    assert index_fields(doc) == {
        "q_text": ["greve a la sncf", "l oreal et blackfriday merci sncf_fr"],
        "q_exact": ["Grève à la SNCF", "L Oréal et BlackFriday merci SNCF_fr"],
        "q_hashtags": ["blackfriday"],
        "q_handles": ["sncf_fr"],
        "q_author": ["lemonde"],
        "q_site": ["www.lemonde.fr", "lemonde.fr", "fr"],
        "q_lang": ["fr-fr", "fr"],
        "q_source": ["rss:lemonde", "rss"],
    }


def test_index_fields_without_optional_values() -> None:
    fields = index_fields(MatchableDoc(text="", title=""))
    assert fields["q_text"] == [""]
    assert all(
        fields[k] == [] for k in ("q_hashtags", "q_handles", "q_author", "q_site", "q_lang", "q_source")
    )


def test_mapping_covers_exactly_the_index_fields() -> None:
    assert set(ES_QUERY_FIELD_MAPPINGS) == set(index_fields(MatchableDoc(text="x")))
    text_mapping = ES_QUERY_FIELD_MAPPINGS["q_text"]
    assert isinstance(text_mapping, dict)
    assert text_mapping["analyzer"] == "whitespace"
    assert text_mapping["position_increment_gap"] > 100  # larger than any NEAR distance


@pytest.mark.parametrize(
    ("query", "dsl"),
    [
        ("sncf", {"term": {"q_text": "sncf"}}),
        ("l'Oréal", {"match_phrase": {"q_text": {"query": "l oreal"}}}),
        ("grév*", {"prefix": {"q_text": {"value": "grev"}}}),
        ("#SNCF", {"term": {"q_hashtags": "sncf"}}),
        ("@SNCF", {"term": {"q_handles": "sncf"}}),
        ("{Orange}", {"term": {"q_exact": "Orange"}}),
        ("{L'Oréal}", {"match_phrase": {"q_exact": {"query": "L Oréal"}}}),
        ("site:lemonde.fr", {"term": {"q_site": "lemonde.fr"}}),
        ("NOT a", {"bool": {"must_not": [{"term": {"q_text": "a"}}]}}),
        (
            "a NOT b",
            {"bool": {"filter": [{"term": {"q_text": "a"}}], "must_not": [{"term": {"q_text": "b"}}]}},
        ),
        (
            "a OR b",
            {
                "bool": {
                    "should": [{"term": {"q_text": "a"}}, {"term": {"q_text": "b"}}],
                    "minimum_should_match": 1,
                }
            },
        ),
        (
            '(a OR "b c") NEAR/3f gre*',
            {
                "span_near": {
                    "clauses": [
                        {
                            "span_or": {
                                "clauses": [
                                    {"span_term": {"q_text": "a"}},
                                    {
                                        "span_near": {
                                            "clauses": [
                                                {"span_term": {"q_text": "b"}},
                                                {"span_term": {"q_text": "c"}},
                                            ],
                                            "slop": 0,
                                            "in_order": True,
                                        }
                                    },
                                ]
                            }
                        },
                        {"span_multi": {"match": {"prefix": {"q_text": {"value": "gre"}}}}},
                    ],
                    "slop": 3,
                    "in_order": True,
                }
            },
        ),
    ],
)
def test_to_elasticsearch(query: str, dsl: dict[str, object]) -> None:
    assert to_elasticsearch(parse(query)) == dsl


def test_invalid_hand_built_near_is_rejected() -> None:
    with pytest.raises(QuerySyntaxError):
        to_elasticsearch(Near(Word("x"), Hashtag("y"), 1, False))  # type: ignore[arg-type]


# --- real Elasticsearch ---------------------------------------------------------------------------------


def _create(es: Elasticsearch, name: str, corpus: list[MatchableDoc]) -> None:
    es.indices.create(
        index=name,
        settings={"number_of_shards": 1, "number_of_replicas": 0},
        mappings={"dynamic": "strict", "properties": ES_QUERY_FIELD_MAPPINGS},
    )
    actions = ({"_index": name, "_id": str(i), **index_fields(doc)} for i, doc in enumerate(corpus))
    helpers.bulk(es, actions, refresh=True)


def _es_ids(es: Elasticsearch, name: str, node: QueryNode, size: int) -> set[str]:
    response = es.search(index=name, query=to_elasticsearch(node), size=size, source=False)
    return {hit["_id"] for hit in response["hits"]["hits"]}


def _stream_ids(query: CompiledQuery, corpus: list[MatchableDoc]) -> set[str]:
    return {str(i) for i, doc in enumerate(corpus) if query.match(doc) is not None}


@pytest.fixture
def es_index(
    es_client: Elasticsearch, unique_name: Callable[[str], str]
) -> Iterator[Callable[[list[MatchableDoc]], str]]:
    """Factory creating indices (mapping = ES_QUERY_FIELD_MAPPINGS) for a corpus; deletes them after."""
    created: list[str] = []

    def make(corpus: list[MatchableDoc]) -> str:
        name = unique_name(f"query-lang-{next(_index_counter)}")
        created.append(name)
        _create(es_client, name, corpus)
        return name

    yield make
    for name in created:
        es_client.options(ignore_status=404).indices.delete(index=name)


HANDCRAFTED = [
    MatchableDoc(text="Grève à la SNCF ce matin"),  # 0
    MatchableDoc(text="#SNCF en retard, encore"),  # 1
    MatchableDoc(text="merci @SNCF pour le retard"),  # 2
    MatchableDoc(title="SNCF", text="retard du train"),  # 3
    MatchableDoc(text="L’Oréal lance #BlackFriday", url="https://www.lemonde.fr/eco"),  # 4
    MatchableDoc(text="Saint_Gobain recrute", url="https://notlemonde.fr/x", lang="fr-CA"),  # 5
    MatchableDoc(text="Orange et une orange", author="@LeMonde", source="rss:lemonde"),  # 6
    MatchableDoc(text="ORANGE grévistes", author="Le Monde", source="mastodon:m.social", lang="en"),  # 7
]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sncf", {0, 1, 2, 3}),
        ("#sncf", {1}),
        ("@sncf", {2}),
        ("sncf NEAR/2 retard", {1, 2}),
        ("sncf NEAR/1 retard", {1}),
        ("sncf NEAR/5f retard", {1, 2}),
        ("retard NEAR/5f sncf", set()),
        ('"sncf retard"', set()),  # title and text are not one phrase
        ("sncf retard", {1, 2, 3}),
        ("l'oreal", {4}),
        ("blackfriday", {4}),
        ("#black", set()),
        ("saint-gobain", {5}),
        ("site:lemonde.fr", {4}),
        ("lang:fr", {5}),
        ("{Orange}", {6}),
        ("{ORANGE}", {7}),
        ("orange NOT {ORANGE}", {6}),
        ("author:lemonde", {6, 7}),
        ("source:rss", {6}),
        ("grev*", {0, 7}),
        ("NOT (sncf OR orange)", {4, 5}),
    ],
)
def test_handcrafted_queries_on_real_elasticsearch(
    es_client: Elasticsearch, es_index: Callable[[list[MatchableDoc]], str], query: str, expected: set[int]
) -> None:
    name = es_index(HANDCRAFTED)
    node = parse(query)
    want = {str(i) for i in expected}
    assert _stream_ids(compile_query("q", "t", node), HANDCRAFTED) == want
    assert _es_ids(es_client, name, node, len(HANDCRAFTED)) == want


QUERIES_PER_CORPUS = 60


@pytest.mark.integration
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_stream_matcher_agrees_with_elasticsearch(
    es_client: Elasticsearch, es_index: Callable[[list[MatchableDoc]], str], data: st.DataObject
) -> None:
    corpus = data.draw(st.lists(docs(), min_size=20, max_size=80), label="corpus")
    name = es_index(corpus)
    try:
        for _ in range(QUERIES_PER_CORPUS):
            node = data.draw(queries(), label="query")
            stream = _stream_ids(compile_query("q", "t", node), corpus)
            assert _es_ids(es_client, name, node, len(corpus)) == stream, describe(node)
    finally:
        es_client.options(ignore_status=404).indices.delete(index=name)
