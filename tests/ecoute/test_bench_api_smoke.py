"""A seconds-long run of ``ecoute bench api`` so it keeps working (no timing is asserted)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch

from ecoute.bench.api import documents_chunk, naive_body, plan, request_mix, run_api_bench, wait_for_merges
from ecoute.bench.targets import targets_for
from ecoute.settings import Settings
from tests.conftest import StackEndpoints


def test_request_mix_is_deterministic_and_scoped_to_one_tenant() -> None:
    tenants, brands, weights = plan(20, 4, seed=1)
    assert sorted(b for t in tenants for b in t.brands) == sorted(brands) and weights[0] > weights[-1]
    now = datetime(2026, 11, 22, tzinfo=UTC)
    a = list(itertools.islice(request_mix(tenants, 3, now), 50))
    assert a == list(itertools.islice(request_mix(tenants, 3, now), 50))
    for req in a:
        body = naive_body(req)
        assert body["query"]["bool"]["filter"][0] == {"term": {"tenant": req.tenant}}
        assert body["track_total_hits"] is True


def test_generated_documents_belong_to_the_brands_tenant() -> None:
    docs = documents_chunk((0, 30, 1, 20, 4, "p", 1.7e9, 1.71e9))
    tenants, _, _ = plan(20, 4, seed=1)
    owner = {b: t.id for t in tenants for b in t.brands}
    assert len(docs) == 30 and len({d[1] for d in docs}) == 30
    for index, doc_id, source in docs:
        assert index.startswith("p-tenant-mentions-v") and doc_id.startswith(source["tenant"] + ":")
        assert any(owner[b] == source["tenant"] for b in owner if b.split()[0] in source["text"])
        assert source["q_text"] and source["query_ids"][0].startswith("q-")


@pytest.mark.integration
def test_bench_api_runs(pipeline_settings: Settings, es_client: Elasticsearch, stack: StackEndpoints) -> None:
    prefix = f"{pipeline_settings.index_prefix}-bench"
    try:
        result = run_api_bench(
            pipeline_settings,
            docs=400,
            rate=20,
            duration_s=1,
            naive_duration_s=1,
            tenant_count=2,
            brand_count=10,
            days=40,
            processes=1,
            prefix=prefix,
            warmup_s=0.5,
            server_pids=stack.pids,
        )
    finally:
        es_client.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
        es_client.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")
    assert result["index"]["documents"] == 400 and result["load"]["rejected"] == 0
    assert result["merges"]["settled"] is True and 0 <= result["merges"]["waited_s"] < 600
    assert result["warmup"]["seconds"] == 0.5
    shares = [result["warmup"]["elasticsearch_jit_share"]]
    shares += [result[variant]["elasticsearch_jit_share"] for variant in ("api", "es_direct", "naive")]
    if stack.pids:  # the local Elasticsearch: how much of its CPU went to its JIT compilers, per phase
        assert all(share is not None and 0 <= share <= 1 for share in shares)
    else:
        assert shares == [None] * 4
    for variant in ("api", "es_direct", "naive"):
        assert result[variant]["requests"] == 20 and result[variant]["failures"] == 0
        assert result[variant]["p99_ms"] >= result[variant]["p50_ms"] > 0
    (target,) = targets_for("api", result)
    assert "naive" in result["sample_request"] and isinstance(target.met, bool)
    assert target.value == result["api"]["p99_ms"]


@pytest.mark.integration
def test_waiting_for_merges_needs_two_quiet_polls_and_gives_up_at_the_timeout(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    index = f"{pipeline_settings.index_prefix}-merges"
    es_client.indices.create(index=index)
    try:
        settled = wait_for_merges(es_client, index, poll_s=0.05)
        assert settled["settled"] is True and settled["waited_s"] < 5  # two polls, nothing merging
        cut_short = wait_for_merges(es_client, index, timeout_s=0.0)
        assert cut_short == {"waited_s": 0.0, "settled": False}  # one quiet poll is not enough
    finally:
        es_client.options(ignore_status=404).indices.delete(index=index)
