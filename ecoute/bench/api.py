"""``ecoute bench api``: search latency of the API over a large tenant index, at a fixed request rate.

1. **Documents** are generated straight into Elasticsearch (no Kafka, no enrichment): per-tenant
   documents built by the index sink's own code (``base_source`` + the query-language fields), for
   mentions of brands drawn with a Zipf law, spread over the last ``days`` days (several monthly
   indices), owned by ``tenants`` tenants. Generation runs in worker processes; loading uses parallel
   bulk requests with refresh disabled. The time it takes is measured and reported.
2. **The API** runs as a real process (``python -m ecoute api``) with its configuration in Kafka; one
   read key per tenant is created through the admin endpoints.
3. **Warm-up**: ``warmup_s`` seconds of the same kind of requests through the API, unmeasured:
   Elasticsearch compiles the code of these searches the first time it serves them (with the local
   servers' pids, the result gives the share of its CPU its JIT compilers took in each phase).
4. **Load**: an open-loop generator sends requests at ``rate``/s for ``duration`` s (latency is measured
   from the *scheduled* send time, so a slow server cannot hide its backlog — no coordinated omission).
   The mix: a brand's Boolean query over the last 30 days (newest first), NEAR queries over 90 days,
   free text + brand by relevance, and filtered OR/NOT queries (language, sentiment).
5. **Variants** side by side, same requests: ``api`` (through HTTP, auth, highlights: what users get),
   ``es_direct`` (our Elasticsearch request sent straight to the cluster: the API's overhead by
   difference) and ``naive`` (the usual fallback without analyzers: case-insensitive ``*word*``
   wildcards over a keyword copy of the text, exact hit counts).

The bench index (prefix ``bench-api``) is kept between runs and reused when it already holds the
requested number of documents (``--fresh`` rebuilds it). Before any request, the benchmark waits until
Elasticsearch has no merge running on it (:func:`wait_for_merges`), so that a load's last merges are
not measured as search time (on this machine, a second after a load of a million documents).
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import multiprocessing
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import httpx
from elasticsearch import Elasticsearch, helpers
from elasticsearch.serializer import OrjsonSerializer

from ecoute import mentions_index
from ecoute.bench.report import jit_share, jvm_thread_cpu_seconds, percentiles, with_descendants
from ecoute.settings import Settings

PREFIX = "bench-api"
Result = TypeVar("Result")
NAIVE_FIELD = "naive_text"
FR_MARKERS = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "est",
        "pas",
        "pour",
        "chez",
        "après",
        "encore",
        "merci",
        "toujours",
        "annonce",
    ]
)
CRISIS = ("panne*", "arnaque", "outage", "rappel*", "boycott*", "scam")
FREE_TEXT = ("service client", "remboursement", "refund", "livraison", "support never answers")


@dataclass(frozen=True, slots=True)
class BenchTenant:
    id: str
    brands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BenchRequest:
    tenant: str
    params: dict[str, Any]
    words: tuple[str, ...]  # what the naive variant looks for (all required)
    any_words: tuple[str, ...] = ()  # at least one of these too (naive)


# --- documents --------------------------------------------------------------------------------------
def plan(brand_count: int, tenant_count: int, seed: int) -> tuple[list[BenchTenant], list[str], list[float]]:
    """Tenants with their brands (round robin), the brands by popularity rank and their Zipf weights."""
    from ecoute.query.bench import brands as random_brands

    names = random_brands(brand_count, seed=seed)
    tenants = [
        BenchTenant(f"bench-{t:02d}", tuple(names[i] for i in range(t, len(names), tenant_count)))
        for t in range(tenant_count)
    ]
    weights = [1.0 / (rank + 1) for rank in range(len(names))]
    return tenants, names, weights


def _lang(text: str) -> str:
    words = {w.strip(".,!?:;").lower() for w in text.split()}
    return "fr" if words & FR_MARKERS else "en"


def documents_chunk(
    args: tuple[int, int, int, int, int, str, float, float],
) -> list[tuple[str, str, dict[str, Any]]]:
    """``count`` tenant documents (index, id, source); deterministic for its arguments. Runs in a worker."""
    from ecoute.bench.generate import MentionGenerator
    from enrich.indexing.documents import base_source
    from enrich.indexing.query_fields import mention_query_fields, prepare_mention
    from schemas.mention import EnrichedMention, QueryMatch, Sentiment

    chunk, count, seed, brand_count, tenant_count, prefix, start_ts, end_ts = args
    tenants, brands, weights = plan(brand_count, tenant_count, seed)
    owner = {b: t.id for t in tenants for b in t.brands}
    by_brand = {b: i for i, b in enumerate(brands)}
    cumulative = list(itertools.accumulate(weights))
    rnd = random.Random(seed * 1_000_003 + chunk)
    gen = MentionGenerator(brands, seed=seed * 7919 + chunk)
    now = datetime.now(UTC)
    out = []
    for _ in range(count):
        brand = brands[bisect.bisect_left(cumulative, rnd.random() * cumulative[-1])]
        raw = gen.one(brand)
        when = datetime.fromtimestamp(rnd.uniform(start_ts, end_ts), tz=UTC)
        label = rnd.choices(("negative", "neutral", "positive"), weights=(3, 5, 2))[0]
        score = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}[label]
        tenant = owner[brand]
        mention = EnrichedMention.from_raw(
            raw.model_copy(update={"published_at": when, "fetched_at": when}),
            lang=_lang(raw.text),
            sentiment=Sentiment(label=label, score=score),
            matches=(QueryMatch(tenant=tenant, query_id=f"q-{by_brand[brand]}"),),
            enriched_at=now,
        )
        prepared = prepare_mention(mention)  # tokenised once, as the index sink does
        doc = base_source(mention, now, prepared)
        doc.update(mention_query_fields(mention, prepared))
        doc.update(
            tenant=tenant,
            tenants=[tenant],
            matches=[{"tenant": tenant, "query_id": f"q-{by_brand[brand]}"}],
            query_ids=[f"q-{by_brand[brand]}"],
        )
        doc[NAIVE_FIELD] = f"{mention.title or ''} {mention.text}"[:8000]
        index = mentions_index.monthly_index(prefix, "tenant-mentions", when)
        out.append((index, mentions_index.tenant_doc_id(tenant, mention.id), doc))
    return out


def install_bench_template(es: Elasticsearch, prefix: str) -> None:
    """Our template for the bench prefix, plus the naive variant's keyword copy of the text."""
    from ecoute.es import query_field_mappings

    extra = {**query_field_mappings(), NAIVE_FIELD: {"type": "keyword", "ignore_above": 8191}}
    body = mentions_index.index_template(prefix, "tenant-mentions", extra)
    body["template"]["settings"]["refresh_interval"] = "-1"
    es.indices.put_index_template(name=mentions_index.template_name(prefix, "tenant-mentions"), **body)


def load_documents(
    es: Elasticsearch,
    n_docs: int,
    *,
    prefix: str,
    seed: int,
    brand_count: int,
    tenant_count: int,
    days: int,
    chunk: int = 5000,
    processes: int = 2,
    on_progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Generate and bulk-load ``n_docs`` tenant documents; returns timings."""
    install_bench_template(es, prefix)
    end = time.time()
    start = end - days * 86400
    jobs = [
        (i, min(chunk, n_docs - i * chunk), seed, brand_count, tenant_count, prefix, start, end)
        for i in range(math.ceil(n_docs / chunk))
    ]
    loaded = errors = 0
    began = time.perf_counter()
    # fork: workers need no re-import of the main module (``python -m ecoute`` has no __main__ guard);
    # no thread is running yet at this point
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:

        def actions() -> Iterator[dict[str, Any]]:
            for docs in pool.imap(documents_chunk, jobs):
                for index, doc_id, source in docs:
                    yield {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source}

        for ok, _item in helpers.parallel_bulk(
            es, actions(), thread_count=2, chunk_size=2000, queue_size=4, raise_on_error=False
        ):
            loaded += 1
            errors += 0 if ok else 1
            if loaded % 100_000 == 0:
                rate = loaded / (time.perf_counter() - began)
                on_progress(f"{loaded:,} documents loaded ({rate:,.0f}/s)")
    load_s = time.perf_counter() - began
    alias = mentions_index.alias(prefix, "tenant-mentions")
    es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "1s"}})
    refresh_began = time.perf_counter()
    es.indices.refresh(index=alias)
    refresh_s = time.perf_counter() - refresh_began
    return {
        "documents": loaded,
        "rejected": errors,
        "seconds": round(load_s, 1),
        "docs_per_s": round(loaded / load_s, 1) if load_s else None,
        "refresh_s": round(refresh_s, 1),
        "processes": processes,
    }


# --- requests ---------------------------------------------------------------------------------------
def request_mix(tenants: list[BenchTenant], seed: int, now: datetime) -> Iterator[BenchRequest]:
    """An endless, deterministic mix of realistic CM searches."""
    rnd = random.Random(seed)
    while True:
        t = rnd.choice(tenants)
        brand = rnd.choice(t.brands)
        word = brand.split()[0]
        tag = "".join(c for c in brand if c.isalnum())
        kind = rnd.random()
        if kind < 0.5:
            since = now - timedelta(days=30)
            yield BenchRequest(
                t.id, {"q": f'"{brand}" OR #{tag}', "since": since.isoformat(), "size": 20}, (word,)
            )
        elif kind < 0.7:
            terms = rnd.sample(CRISIS, 3)
            since = now - timedelta(days=90)
            q = f"{word} NEAR/5 ({' OR '.join(terms)})"
            yield BenchRequest(
                t.id,
                {"q": q, "since": since.isoformat(), "size": 20},
                (word,),
                tuple(x.rstrip("*") for x in terms),
            )
        elif kind < 0.85:
            text = rnd.choice(FREE_TEXT)
            yield BenchRequest(
                t.id, {"q": word, "text": text, "sort": "relevance", "size": 20}, (word, *text.split())
            )
        else:
            other = rnd.choice(t.brands).split()[0]
            yield BenchRequest(
                t.id,
                {
                    "q": f"({word} OR {other}) NOT promo",
                    "lang": ["fr"],
                    "sentiment": ["negative"],
                    "size": 20,
                },
                (),
                (word, other),
            )


def naive_body(req: BenchRequest) -> dict[str, Any]:
    """The naive Elasticsearch request: ``*word*`` wildcards, exact totals, same filters and page."""

    def contains(word: str) -> dict[str, Any]:
        return {"wildcard": {NAIVE_FIELD: {"value": f"*{word}*", "case_insensitive": True}}}

    filters: list[dict[str, Any]] = [{"term": {"tenant": req.tenant}}]
    p = req.params
    if "since" in p:
        filters.append({"range": {"@timestamp": {"gte": p["since"]}}})
    if "lang" in p:
        filters.append({"terms": {"lang": p["lang"]}})
    if "sentiment" in p:
        filters.append({"terms": {"sentiment.label": p["sentiment"]}})
    must = [contains(w) for w in req.words]
    if req.any_words:
        must.append({"bool": {"should": [contains(w) for w in req.any_words], "minimum_should_match": 1}})
    return {
        "query": {"bool": {"filter": filters, "must": must}},
        "sort": [{"@timestamp": "desc"}],
        "size": p.get("size", 20),
        "track_total_hits": True,
        "_source": {"excludes": ["q_*", "text_fr", "text_en", NAIVE_FIELD]},
    }


def direct_body(req: BenchRequest) -> dict[str, Any]:
    """Our Elasticsearch request for ``req``, as the API builds it (no HTTP, no auth, no highlights)."""
    from api.models.mentions import MentionSearchParams
    from api.services.search import build_search_body, compile_q

    params = MentionSearchParams.model_validate(req.params)
    return build_search_body(params, req.tenant, compile_q(params.q))


# --- open-loop load ---------------------------------------------------------------------------------
def open_loop(
    send: Callable[[BenchRequest], bool], requests: Iterator[BenchRequest], rate: float, duration_s: float
) -> dict[str, Any]:
    """Send at ``rate``/s for ``duration_s`` s; latency from the scheduled time. ``send`` returns ok."""
    total = int(rate * duration_s)
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    began = time.perf_counter() + 0.2

    def one(i: int, req: BenchRequest) -> None:
        nonlocal failures
        scheduled = began + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        ok = send(req)
        elapsed = time.perf_counter() - scheduled
        with lock:
            latencies.append(elapsed)
            failures += 0 if ok else 1

    with ThreadPoolExecutor(max_workers=64) as pool:
        for i in range(total):
            req = next(requests)
            wait = began + i / rate - 0.05 - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            pool.submit(one, i, req)
    ended = time.perf_counter()
    return {
        "requests": total,
        "failures": failures,
        "offered_rate": rate,
        "achieved_rate": round(total / (ended - began), 1),
        "mean_ms": round(1000 * sum(latencies) / max(1, len(latencies)), 2),
        **percentiles(latencies, (50, 90, 99)),
        "max_ms": round(1000 * max(latencies, default=0.0), 2),
    }


_local = threading.local()


def _http(base_url: str) -> httpx.Client:
    client: httpx.Client | None = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(base_url=base_url, timeout=30.0)
        _local.client = client
    return client


# --- the whole run ----------------------------------------------------------------------------------
def run_api_bench(
    base: Settings,
    *,
    docs: int,
    rate: float,
    duration_s: float,
    naive_duration_s: float,
    tenant_count: int = 10,
    brand_count: int = 200,
    days: int = 120,
    seed: int = 42,
    fresh: bool = False,
    prefix: str = PREFIX,
    processes: int = 2,
    warmup_s: float = 30.0,
    server_pids: Mapping[str, int | None] | None = None,
    on_progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the benchmark (see the module doc); returns the figures. ``warmup_s``: seconds of requests
    through the API first, unmeasured. ``server_pids`` (name → pid of the local servers) adds, for the
    warm-up and each variant, the share of Elasticsearch's CPU its JIT compilers took: right after
    Elasticsearch starts, or first serves these searches, it compiles their code on the same cores."""
    from ecoute.children import settings_env, spawn, stop_all
    from ecoute.kafka import ensure_topics
    from schemas.topics import CONFIG_QUERIES, CONFIG_SOURCES, CONFIG_TENANTS

    es = Elasticsearch(base.effective_es_url, request_timeout=300, serializer=OrjsonSerializer())
    alias = mentions_index.alias(prefix, "tenant-mentions")
    result: dict[str, Any] = {"documents_requested": docs, "rate": rate, "duration_s": duration_s}
    existing = int(es.count(index=alias, ignore_unavailable=True, allow_no_indices=True)["count"])
    if fresh or existing != docs:
        on_progress(f"generating {docs:,} documents into Elasticsearch (found {existing:,})")
        es.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
        result["load"] = load_documents(
            es,
            docs,
            prefix=prefix,
            seed=seed,
            brand_count=brand_count,
            tenant_count=tenant_count,
            days=days,
            processes=processes,
            on_progress=on_progress,
        )
    else:
        result["load"] = {"reused": True, "documents": existing}
    on_progress("waiting for Elasticsearch's merges to finish")
    result["merges"] = wait_for_merges(es, alias)
    stats = es.indices.stats(index=alias, metric="store,docs")["_all"]["primaries"]
    result["index"] = {
        "documents": stats["docs"]["count"],
        "size_mb": round(stats["store"]["size_in_bytes"] / 2**20, 1),
        "indices": sorted(es.indices.get_alias(name=alias)),
    }

    token = uuid.uuid4().hex[:8]
    settings = base.model_copy(
        update={
            "topic_prefix": f"bench{token}.",
            "index_prefix": prefix,
            "consumer_group_prefix": f"bench{token}",
            "home": base.home / "bench-api" / token,
        }
    )
    ensure_topics(settings, (CONFIG_TENANTS, CONFIG_QUERIES, CONFIG_SOURCES))
    port = _free_port()
    env = settings_env(
        {
            "kafka_bootstrap": settings.effective_kafka_bootstrap,
            "es_url": settings.effective_es_url,
            "home": settings.home,
            "topic_prefix": settings.topic_prefix,
            "index_prefix": prefix,
            "api_port": port,
            "log_level": "WARNING",
        }
    )
    child = spawn("api", ["api"], env, settings.home / "logs")
    base_url = f"http://127.0.0.1:{port}"
    try:
        admin_key = _wait_for_api(base_url, settings, child.alive)
        tenants, _, _ = plan(brand_count, tenant_count, seed)
        tokens = _create_keys(base_url, admin_key, tenants)
        now = datetime.now(UTC)

        def via_api(req: BenchRequest) -> bool:
            r = _http(base_url).get(
                "/v1/mentions", params=req.params, headers={"Authorization": f"Bearer {tokens[req.tenant]}"}
            )
            return r.status_code == 200

        def direct(req: BenchRequest) -> bool:
            es.search(index=alias, **direct_body(req))
            return True

        def naive(req: BenchRequest) -> bool:
            es.options(request_timeout=30).search(index=alias, **naive_body(req))
            return True

        es_pid = (server_pids or {}).get("elasticsearch")
        es_tree = with_descendants(es_pid) if es_pid else []
        on_progress(f"warming up: {rate:g} req/s through the API for {warmup_s:g} s")
        _, share = with_jit_share(
            es_tree, lambda: open_loop(via_api, request_mix(tenants, seed + 1, now), rate, warmup_s)
        )
        result["warmup"] = {"seconds": warmup_s, "elasticsearch_jit_share": share}
        for name, send, seconds, mix_seed in (
            ("api", via_api, duration_s, seed + 2),
            ("es_direct", direct, duration_s, seed + 2),
            ("naive", naive, naive_duration_s, seed + 2),
        ):
            if seconds <= 0:
                continue
            on_progress(f"{name}: {rate:g} req/s for {seconds:g} s")
            load = partial(open_loop, _guarded(send), request_mix(tenants, mix_seed, now), rate, seconds)
            result[name], share = with_jit_share(es_tree, load)
            result[name]["elasticsearch_jit_share"] = share
        sample = next(request_mix(tenants, seed + 2, now))
        result["sample_request"] = {
            "params": sample.params,
            "ours": direct_body(sample),
            "naive": naive_body(sample),
        }
    finally:
        stop_all([child])
        es.close()
    return result


def with_jit_share(jvm: Sequence[int], run: Callable[[], Result]) -> tuple[Result, float | None]:
    """``run()``'s result and the share of the JVM's CPU (``jvm``: the server's process tree) its JIT
    compilers took meanwhile (None without pids)."""
    start = jvm_thread_cpu_seconds(jvm) if jvm else None
    out = run()
    return out, None if start is None else jit_share(start, jvm_thread_cpu_seconds(jvm))


def wait_for_merges(
    es: Elasticsearch, index: str, *, timeout_s: float = 600.0, poll_s: float = 1.0
) -> dict[str, Any]:
    """Wait until no merge runs on ``index`` (``merges.current`` of its ``_stats``, two polls in a row),
    at most ``timeout_s``. Returns how long it waited and whether the merges settled (False: measured
    with merges running, and the result says so)."""
    started = time.monotonic()
    quiet = 0
    while True:
        stats = es.indices.stats(index=index, metric="merge")["_all"]["total"]["merges"]
        quiet = quiet + 1 if stats["current"] == 0 else 0
        waited = time.monotonic() - started
        if quiet >= 2 or waited >= timeout_s:
            return {"waited_s": round(waited, 1), "settled": quiet >= 2}
        time.sleep(poll_s)


def _guarded(send: Callable[[BenchRequest], bool]) -> Callable[[BenchRequest], bool]:
    def call(req: BenchRequest) -> bool:
        try:
            return send(req)
        except Exception:
            return False

    return call


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for_api(
    base_url: str, settings: Settings, alive: Callable[[], bool], timeout_s: float = 120.0
) -> str:
    from api.config.admin_key import admin_key_path

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("the API process died; see its log under the bench home")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/health", timeout=5).json().get("config_loaded"):
                return admin_key_path(settings).read_text().strip()
        time.sleep(0.5)
    raise RuntimeError("the API did not become ready")


def _create_keys(base_url: str, admin_key: str, tenants: list[BenchTenant]) -> dict[str, str]:
    admin = {"Authorization": f"Bearer {admin_key}"}
    tokens = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for t in tenants:
            client.post("/v1/tenants", json={"id": t.id}, headers=admin).raise_for_status()
            r = client.post(f"/v1/tenants/{t.id}/keys", json={"scope": "read"}, headers=admin)
            r.raise_for_status()
            tokens[t.id] = r.json()["token"]
    return tokens
