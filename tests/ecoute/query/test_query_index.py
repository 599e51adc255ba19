"""QueryIndex: add/replace/remove, Aho-Corasick candidates, equivalence with naive evaluation."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoute.query import (
    CompiledQuery,
    MatchableDoc,
    QueryIndex,
    QueryNode,
    compile_query,
    naive_match,
    parse,
    prepare,
)
from ecoute.query.bench import brands, generate_docs, generate_queries
from tests.ecoute.query.query_strategies import docs, queries


def q(query_id: str, text: str, tenant: str = "acme") -> CompiledQuery:
    return compile_query(query_id, tenant, parse(text))


def ids(index: QueryIndex, text: str, **meta: str) -> list[tuple[str, str]]:
    return [(r.tenant, r.query_id) for r in index.match(MatchableDoc(text=text, **meta))]


def test_add_replace_remove() -> None:
    index = QueryIndex([q("a", "sncf"), q("b", "ratp"), q("a", "sncf", tenant="other")])
    assert len(index) == 3
    assert ("acme", "a") in index
    assert ids(index, "SNCF et RATP") == [("acme", "a"), ("acme", "b"), ("other", "a")]
    index.add(q("a", "ouigo"))  # replace: the old anchors no longer trigger it
    assert len(index) == 3
    assert ids(index, "SNCF") == [("other", "a")]
    assert ids(index, "Ouigo") == [("acme", "a")]
    assert index.remove("acme", "b") is True
    assert index.remove("acme", "b") is False
    assert ids(index, "RATP") == []
    assert index.get("acme", "a") is not None
    assert index.get("acme", "b") is None
    assert {c.key for c in index} == {("acme", "a"), ("other", "a")}
    for query in list(index):
        index.remove(*query.key)
    assert len(index) == 0
    assert ids(index, "SNCF Ouigo") == []
    index.add(q("c", "sncf"))  # usable again after becoming empty
    assert ids(index, "sncf") == [("acme", "c")]


def test_queries_without_anchor_are_always_evaluated() -> None:
    index = QueryIndex([q("neg", "NOT spam"), q("lang", "lang:fr"), q("brand", "sncf")])
    assert ids(index, "bonjour", lang="fr") == [("acme", "lang"), ("acme", "neg")]
    assert ids(index, "spam") == []
    index.remove("acme", "neg")
    assert ids(index, "bonjour", lang="fr") == [("acme", "lang")]


def test_candidates_use_all_literals_of_a_clause() -> None:
    index = QueryIndex([q("x", "(sncf OR ouigo) grève"), q("y", "sncf NEAR/2 retard"), q("z", "grév*")])
    assert index.candidates(prepare(MatchableDoc(text="sncf"))) == set()
    assert index.candidates(prepare(MatchableDoc(text="ouigo grève"))) == {("acme", "x"), ("acme", "z")}
    # candidates are a superset: NEAR distance is checked only at evaluation
    doc = MatchableDoc(text="sncf a b c d retard")
    assert index.candidates(prepare(doc)) == {("acme", "y")}
    assert index.match(doc) == []


def test_common_words_do_not_wake_up_every_query() -> None:
    index = QueryIndex([q(f"q{i}", f"brand{i} (livraison OR retard)") for i in range(200)])
    assert index.candidates(prepare(MatchableDoc(text="livraison en retard"))) == set()
    assert index.candidates(prepare(MatchableDoc(text="brand7 livraison"))) == {("acme", "q7")}


def test_results_carry_explanations_and_match_many() -> None:
    index = QueryIndex([q("a", "sncf"), q("b", "#sncf")])
    first, second = index.match_many([MatchableDoc(text="#SNCF"), MatchableDoc(text="rien")])
    assert [r.query_id for r in first] == ["a", "b"]
    assert first[1].explanation.hits[0].surface == "#SNCF"
    assert second == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(queries(), min_size=1, max_size=25),
    st.lists(docs(), min_size=1, max_size=8),
    st.lists(st.integers(0, 24), max_size=5),
)
def test_index_equals_naive_match(
    nodes: list[QueryNode], documents: list[MatchableDoc], removed: list[int]
) -> None:
    compiled = [compile_query(f"q{i}", f"t{i % 3}", node) for i, node in enumerate(nodes)]
    index = QueryIndex(compiled)
    for doc in documents:
        assert index.match(doc) == naive_match(compiled, doc)
    # mutate: remove some queries and replace one with another query's AST
    kept = {c.key: c for c in compiled}
    for i in removed:
        if i < len(compiled):
            index.remove(*compiled[i].key)
            kept.pop(compiled[i].key, None)
    replacement = compile_query("q0", "t0", nodes[-1])
    index.add(replacement)
    kept[replacement.key] = replacement
    assert len(index) == len(kept)
    assert index.match_many(documents) == [naive_match(kept.values(), doc) for doc in documents]


def test_bench_smoke_index_equals_naive() -> None:
    names = brands(300, seed=3)
    compiled = generate_queries(names, seed=4)
    documents = generate_docs(names, 150, seed=5)
    index = QueryIndex(compiled)
    results = index.match_many(documents)
    assert results == [naive_match(compiled, doc) for doc in documents]
    assert sum(map(len, results)) > 0
