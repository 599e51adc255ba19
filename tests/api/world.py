"""A small, fully known world for the API integration tests: two tenants with keys and queries, and
mentions indexed through the sink's own document code into real Elasticsearch."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from api.main import create_app
from ecoute.es import ensure_mention_templates
from ecoute.kafka import delete_topics_with_prefix, ensure_topics
from ecoute.settings import Settings
from enrich.indexing.bulk import write_bulk
from enrich.indexing.documents import mention_actions
from enrich.indexing.query_fields import mention_query_fields
from schemas.common import Author
from schemas.mention import EnrichedMention, Entity, QueryMatch, Sentiment, stable_mention_id

ADMIN_KEY = "admin-test-key-0123456789abcdef"
T0 = datetime(2026, 10, 1, tzinfo=UTC)


def _m(
    name: str,
    *,
    text: str,
    day: int,
    matches: tuple[tuple[str, str], ...],
    lang: str = "fr",
    title: str | None = None,
    sentiment: str = "neutral",
    author: tuple[str, int | None] | None = None,
    hashtags: tuple[str, ...] = (),
    persons: tuple[str, ...] = (),
    source_id: str = "conso-hebdo",
    url: str | None = None,
) -> EnrichedMention:
    score = {"negative": -0.6, "neutral": 0.0, "positive": 0.7}[sentiment]
    entities = tuple(Entity(kind="hashtag", text=h) for h in hashtags) + tuple(
        Entity(kind="person", text=p) for p in persons
    )
    return EnrichedMention(
        id=stable_mention_id("feed", f"world-{name}"),
        source_type="feed",
        source_id=source_id,
        url=url or f"https://www.{source_id}.example/{name}",
        title=title,
        text=text,
        author=Author(handle=author[0], followers=author[1]) if author else None,
        published_at=T0.replace(day=day, hour=9),
        fetched_at=T0.replace(day=day, hour=10),
        enriched_at=T0.replace(day=day, hour=10),
        lang=lang,
        sentiment=Sentiment(label=sentiment, score=score),
        matches=tuple(QueryMatch(tenant=t, query_id=q) for t, q in matches),
        entities=entities,
    )


def world_mentions() -> dict[str, EnrichedMention]:
    """Mentions by short name. ``shared`` is matched by both tenants."""
    return {
        "recall": _m(
            "recall",
            title="Rappel de yaourts Bonval : listeria détectée",
            text='La Laiterie Bonval rappelle des yaourts #BoycottBonval. =HYPERLINK("x") Les élèves de l\'école sont prévenus.',
            day=10,
            matches=(("acme", "bonval"), ("acme", "bonval-crise")),
            sentiment="negative",
            author=("conso_hebdo", 12000),
            hashtags=("#BoycottBonval",),
            persons=("Jean Dupont",),
        ),
        "thanks": _m(
            "thanks",
            text="Merci Bonval pour la réponse rapide du service client !",
            day=12,
            matches=(("acme", "bonval"),),
            sentiment="positive",
            author=("camille_l", 300),
            source_id="pouet-social",
        ),
        "thanks2": _m(
            "thanks2",
            text="Encore bravo à Bonval, les yaourts nature sont excellents.",
            day=13,
            matches=(("acme", "bonval"),),
            sentiment="positive",
            author=("camille_l", 300),
            source_id="pouet-social",
        ),
        "english": _m(
            "english",
            title="Bonval recalls yogurts",
            text="Bonval recalled several yogurt batches after listeria was found.",
            day=15,
            lang="en",
            matches=(("acme", "bonval"), ("acme", "bonval-crise")),
            sentiment="negative",
            author=("foodwatch_uk", 50000),
            source_id="techpulse",
        ),
        "grumpy1": _m(
            "grumpy1",
            text="Bonval encore en rupture de stock, très déçue #BoycottBonval",
            day=16,
            matches=(("acme", "bonval"),),
            sentiment="negative",
            author=("grincheux", 40),
            hashtags=("#BoycottBonval",),
        ),
        "grumpy2": _m(
            "grumpy2",
            text="Les grèves des livreurs n'excusent pas tout, Bonval.",
            day=17,
            matches=(("acme", "bonval"),),
            sentiment="negative",
            author=("grincheux", 40),
        ),
        "rival": _m(
            "rival",
            text="Doux Pâturages ouvre une boutique à Lyon.",
            day=18,
            matches=(("acme", "doux"),),
            author=("lyon_info", 8000),
        ),
        "shared": _m(
            "shared",
            text="Ferralis et Bonval partenaires pour les trains du lait ?",
            day=20,
            matches=(("acme", "bonval"), ("globex", "ferralis")),
            author=("rumeurs", 10),
        ),
        "strike": _m(
            "strike",
            title="Grève Ferralis",
            text="Grève des trains Ferralis à Lyon : trains supprimés toute la journée.",
            day=21,
            matches=(("globex", "ferralis"),),
            sentiment="negative",
            author=("usagers_rail", 2000),
            hashtags=("#GrèveFerralis",),
        ),
        "unmatched": _m("unmatched", text="Rien à voir : la météo à Lyon.", day=22, matches=()),
    }


ACME_QUERIES = {
    "bonval": '(Bonval OR #BoycottBonval OR "Laiterie Bonval") NOT Bonvalet',
    "bonval-crise": "Bonval AND (rappel* OR recall* OR listeria)",
    "doux": '"Doux Pâturages"',
}
GLOBEX_QUERIES = {"ferralis": "Ferralis OR #GrèveFerralis"}


@dataclass
class World:
    settings: Settings
    client: TestClient
    es: Elasticsearch
    mentions: dict[str, EnrichedMention]
    tokens: dict[str, str] = field(default_factory=dict)  # "acme-write", "acme-read", "globex-write", …

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers of ``who`` ("admin" or a key name)."""
        token = ADMIN_KEY if who == "admin" else self.tokens[who]
        return {"Authorization": f"Bearer {token}"}

    def mid(self, name: str) -> str:
        return self.mentions[name].id


def make_settings(kafka: str, es_url: str, home: Path, **overrides: object) -> Settings:
    token = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "kafka_bootstrap": kafka,
        "es_url": es_url,
        "topic_prefix": f"w{token}.",
        "index_prefix": f"w{token}",
        "consumer_group_prefix": f"w{token}",
        "home": home,
        "topic_partitions": 2,
        "allow_private_urls": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def index_mentions(es: Elasticsearch, prefix: str, mentions: list[EnrichedMention]) -> None:
    actions = [
        a
        for m in mentions
        for a in mention_actions(m, prefix=prefix, indexed_at=T0, query_fields=mention_query_fields)
    ]
    outcome = write_bulk(es, actions, refresh=True)
    assert not outcome.rejected and not outcome.retry, outcome.rejected[:1]


def cleanup(es: Elasticsearch, settings: Settings, *, topics: bool = True) -> None:
    """Delete the indices, templates and (unless Kafka was never reachable) topics of ``settings``."""
    prefix = settings.index_prefix
    with contextlib.suppress(Exception):
        es.options(ignore_status=404).indices.delete(index=f"{prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{prefix}-*")
    if topics:
        delete_topics_with_prefix(settings, settings.consumer_group_prefix, timeout_s=10)


@contextlib.contextmanager
def build_world(kafka: str, es_url: str, home: Path, es: Elasticsearch) -> Iterator[World]:
    settings = make_settings(kafka, es_url, home)
    ensure_topics(settings)
    ensure_mention_templates(es, settings.index_prefix)
    mentions = world_mentions()
    index_mentions(es, settings.index_prefix, list(mentions.values()))
    try:
        with TestClient(create_app(settings, admin_key=ADMIN_KEY)) as client:
            world = World(settings, client, es, mentions)
            for tenant, queries in (("acme", ACME_QUERIES), ("globex", GLOBEX_QUERIES)):
                r = client.post(
                    "/v1/tenants", json={"id": tenant, "name": tenant.title()}, headers=world.h("admin")
                )
                assert r.status_code == 201, r.text
                for scope in ("write", "read"):
                    r = client.post(
                        f"/v1/tenants/{tenant}/keys",
                        json={"name": scope, "scope": scope},
                        headers=world.h("admin"),
                    )
                    assert r.status_code == 201, r.text
                    world.tokens[f"{tenant}-{scope}"] = r.json()["token"]
                for qid, text in queries.items():
                    r = client.post(
                        "/v1/queries",
                        json={"id": qid, "name": qid.title(), "query": text},
                        headers=world.h(f"{tenant}-write"),
                    )
                    assert r.status_code == 201, r.text
            yield world
    finally:
        cleanup(es, settings)
