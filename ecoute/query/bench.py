"""Throughput benchmark of the stream matcher (for ``ecoute bench``; never a timed unit test).

``generate_queries`` builds brand-monitoring queries over random pronounceable brand names
(``(brand OR variant) AND (term OR term)``, ``brand NEAR/3 term``, ``#brand OR @brand``, exclusions,
phrases, prefixes, a few field filters); ``generate_docs`` builds tweet-like mentions (12-30 tokens of
common French/English words with accents, punctuation, hashtags, handles, and some brand mentions).
``run`` times :meth:`QueryIndex.match` and :func:`naive_match` on them. Deterministic for a seed.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from ecoute.query.doc import MatchableDoc
from ecoute.query.index import QueryIndex, naive_match
from ecoute.query.matcher import CompiledQuery, compile_query
from ecoute.query.parser import parse

_COMMON_TEXT = (
    "le la les un une des de du et ou mais donc car pour avec sans sur sous dans chez par très plus moins "
    "bien mal encore déjà jamais toujours aujourd'hui demain hier grève retard train métro bus avion gare "
    "prix promo soldes livraison commande client service après-vente remboursement problème panne réseau "
    "appli application mise à jour bug écran téléphone ordinateur batterie qualité super génial nul "
    "déçu content heureux énervé merci bravo honte scandale arnaque the a an and or but for with without "
    "on in at by very more less good bad never always today tomorrow yesterday strike delay price sale "
    "delivery order customer refund issue outage network app update screen phone battery quality great "
    "awesome awful disappointed happy angry thanks shame scam été hiver café thé œuvre naïve Noël"
)
COMMON_WORDS = tuple(_COMMON_TEXT.split())
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvz" for v in ("a", "e", "i", "o", "u", "ou", "é", "y")]


def _brand(rnd: random.Random) -> str:
    """A random pronounceable brand name (2-3 syllables)."""
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def brands(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct random brand names."""
    rnd = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out[_brand(rnd)] = None
    return list(out)


def generate_queries(brand_names: list[str], seed: int = 1) -> list[CompiledQuery]:
    """One typical monitoring query per brand, tenants spread over 50 ids."""
    rnd = random.Random(seed)
    words = [w for w in COMMON_WORDS if len(w) > 3 and "'" not in w]
    out: list[CompiledQuery] = []
    for i, brand in enumerate(brand_names):
        variant = brand.lower() + rnd.choice(["fr", "app", "officiel", "group"])
        t1, t2, t3, n1, n2 = rnd.sample(words, 5)
        shape = i % 8
        if shape == 0:
            text = f"({brand} OR {variant}) AND ({t1} OR {t2}) NOT ({n1} OR {n2})"
        elif shape == 1:
            text = f"{brand} NEAR/3 ({t1} OR {t2}) NOT {n1}"
        elif shape == 2:
            text = f"(#{brand} OR @{brand} OR {variant}) NOT {n1}"
        elif shape == 3:
            text = f'"{brand} {t1}" OR ({brand} NEAR/5f {t2})'
        elif shape == 4:
            text = f"{brand} ({t1} OR {t2} OR {t3}) lang:fr"
        elif shape == 5:
            text = f"({brand} OR {variant}) {t1[:4]}* NOT site:example.com"
        elif shape == 6:
            text = f"{{{brand}}} OR {variant} NOT ({n1} OR {n2} OR {t3})"
        else:
            text = f'({brand} OR {variant}) NEAR/4 ({t1} OR {t2} OR "{t3} {n1}")'
        out.append(compile_query(f"q{i}", f"tenant{i % 50}", parse(text)))
    return out


def generate_docs(brand_names: list[str], n: int, seed: int = 2) -> list[MatchableDoc]:
    """``n`` tweet-like mentions; about 40% mention one or two of the brands."""
    rnd = random.Random(seed)
    docs: list[MatchableDoc] = []
    for _ in range(n):
        words = [rnd.choice(COMMON_WORDS) for _ in range(rnd.randint(12, 30))]
        if rnd.random() < 0.4:
            for _ in range(rnd.randint(1, 2)):
                brand = rnd.choice(brand_names)
                form = rnd.choice([brand, brand.upper(), "#" + brand, "@" + brand.lower(), brand.lower()])
                words.insert(rnd.randrange(len(words) + 1), form)
        if rnd.random() < 0.3:
            words.append("#" + rnd.choice(COMMON_WORDS))
        text = " ".join(words).replace(" car ", ", car ").replace(" mais ", ". Mais ") + rnd.choice(
            [".", "!", " 😀"]
        )
        docs.append(
            MatchableDoc(
                text=text,
                author="@" + _brand(rnd).lower(),
                url=f"https://{rnd.choice(['twitter.com', 'mastodon.social', 'www.lemonde.fr'])}/x",
                lang=rnd.choice(["fr", "en"]),
                source=rnd.choice(["mastodon", "rss:lemonde", "bluesky"]),
            )
        )
    return docs


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Throughputs in documents per second, and matches found (identical for both by construction)."""

    queries: int
    docs: int
    index_docs_per_s: float
    naive_docs_per_s: float
    matches: int
    build_seconds: float


def run(
    n_queries: int = 10_000, n_docs: int = 2_000, naive_docs: int | None = None, seed: int = 0
) -> BenchResult:
    """Build ``n_queries`` queries and ``n_docs`` docs; time QueryIndex.match over all docs and
    naive_match over the first ``naive_docs`` (default: all) docs. Single-threaded wall clock."""
    names = brands(n_queries, seed)
    queries = generate_queries(names, seed + 1)
    docs = generate_docs(names, n_docs, seed + 2)
    start = time.perf_counter()
    index = QueryIndex(queries)
    index.match(docs[0])  # builds the automaton
    build = time.perf_counter() - start
    start = time.perf_counter()
    matches = sum(len(r) for r in index.match_many(docs))
    index_rate = len(docs) / (time.perf_counter() - start)
    sample = docs[: naive_docs if naive_docs is not None else len(docs)]
    start = time.perf_counter()
    for doc in sample:
        naive_match(queries, doc)
    naive_rate = len(sample) / (time.perf_counter() - start)
    return BenchResult(n_queries, len(docs), index_rate, naive_rate, matches, build)
