from __future__ import annotations

from datetime import UTC, datetime

from ecoute.bench.generate import MentionGenerator
from ecoute.query import index_fields
from ecoute.query.bench import brands
from ecoute.search_analysis import analysis_fields
from enrich.indexing.documents import mention_actions
from enrich.indexing.query_fields import mention_query_fields
from enrich.matching import matchable
from schemas.common import Author
from schemas.mention import EnrichedMention, Entity, QueryMatch, stable_mention_id

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _mention(matches: tuple[QueryMatch, ...] = ()) -> EnrichedMention:
    return EnrichedMention(
        id=stable_mention_id("feed", "g"),
        source_type="feed",
        source_id="s",
        url="https://www.lemonde.fr/a",
        title="Grèves à Lyon",
        text="L'élève et les trains",
        author=Author(name="Le Monde", followers=10),
        published_at=datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
        fetched_at=NOW,
        enriched_at=NOW,
        lang="fr",
        matches=matches,
        entities=(
            Entity(kind="hashtag", text="#x"),
            Entity(kind="hashtag", text="#x"),
            Entity(kind="organization", text="Bonval"),
        ),
    )


def test_global_document_only_when_no_match() -> None:
    (action,) = mention_actions(_mention(), prefix="p", indexed_at=NOW)
    assert action["_id"] == _mention().id
    assert action["_index"] == "p-mentions-v2-2026.10"
    doc = action["doc"]
    assert doc["@timestamp"] == "2026-10-31T23:00:00Z" and doc["site"] == "lemonde.fr"
    assert doc["hashtags"] == ["#x"] and doc["organizations"] == ["Bonval"] and doc["tenants"] == []
    assert action["doc_as_upsert"] is True
    assert doc["text_fr"] == ["grev lyon", "elev train"] and doc["text_en"] == []
    assert doc["author"]["key"] == "Le Monde" and "state" not in doc  # per-tenant state never overwritten


def test_one_document_per_matching_tenant_with_only_its_matches() -> None:
    m = _mention(
        (
            QueryMatch(tenant="a", query_id="q1"),
            QueryMatch(tenant="b", query_id="q2"),
            QueryMatch(tenant="a", query_id="q3"),
        )
    )
    actions = mention_actions(m, prefix="p", indexed_at=NOW, query_fields=lambda *_: {"q_extra": 1})
    assert [a["_id"] for a in actions] == [m.id, f"a:{m.id}", f"b:{m.id}"]
    assert actions[0]["doc"]["query_ids"] == ["a:q1", "a:q3", "b:q2"]
    a_doc = actions[1]["doc"]
    assert a_doc["tenant"] == "a" and a_doc["query_ids"] == ["q1", "q3"]
    assert {x["query_id"] for x in a_doc["matches"]} == {"q1", "q3"}
    assert actions[1]["_index"] == "p-tenant-mentions-v2-2026.10"
    assert all(a["doc"]["q_extra"] == 1 for a in actions)


def test_shared_tokenisation_gives_the_documents_of_separate_analyses() -> None:
    """The sink tokenises a mention once for its analysed text and its query fields: the documents
    must be those of the two analyses made independently (fresh ``tokenize`` for each)."""
    titles = (None, "", "Grève chez Bonval", "l'Oréal #Promo @SAV_fr")
    raws = MentionGenerator(brands(30, seed=4), seed=8).take(120)
    for i, raw in enumerate(raws):
        lang = ("fr", "en", "de", "other")[i % 4]
        tenants = ("a", "b", "a") if i % 3 else ()
        m = EnrichedMention.from_raw(
            raw.model_copy(update={"title": titles[i % len(titles)]}),
            lang=lang,
            enriched_at=NOW,
            matches=tuple(QueryMatch(tenant=t, query_id=f"q{j}") for j, t in enumerate(tenants)),
        )
        actions = mention_actions(m, prefix="p", indexed_at=NOW, query_fields=mention_query_fields)
        expected = {**analysis_fields(m.title, m.text, m.lang), **index_fields(matchable(m, m.lang))}
        for action in actions:
            doc = action["doc"]
            assert {key: doc[key] for key in expected} == expected
        for action in actions[1:]:
            tenant = action["doc"]["tenant"]
            assert action["doc"]["matches"] == [
                x.model_dump(mode="json") for x in m.matches if x.tenant == tenant
            ]
