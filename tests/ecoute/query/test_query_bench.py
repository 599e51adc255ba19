"""Smoke run of the benchmark (never timed: it only checks that it runs and finds matches)."""

from __future__ import annotations

from ecoute.query.bench import brands, generate_docs, generate_queries, run


def test_generators_are_deterministic() -> None:
    names = brands(20, seed=1)
    assert names == brands(20, seed=1)
    assert len(set(names)) == 20
    assert [q.node for q in generate_queries(names, seed=2)] == [
        q.node for q in generate_queries(names, seed=2)
    ]
    assert generate_docs(names, 5, seed=3) == generate_docs(names, 5, seed=3)


def test_run_smoke() -> None:
    result = run(n_queries=100, n_docs=60, naive_docs=20, seed=7)
    assert (result.queries, result.docs) == (100, 60)
    assert result.index_docs_per_s > 0
    assert result.naive_docs_per_s > 0
    assert result.matches > 0
