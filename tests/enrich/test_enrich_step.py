"""The enrichment step's outputs: every valid mention on ``mentions.enriched``, poison in dead letters,
and the matched ones' query matches on ``mentions.matches``, each query on its own partition."""

from __future__ import annotations

from datetime import UTC, datetime

from enrich.output import match_records
from enrich.stream import InMessage, enrich_messages
from schemas.config import query_key
from schemas.matches import MatchBatch, query_partition
from schemas.mention import EnrichedMention, QueryMatch, RawMention
from tests.mentions import raw_mention

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _raw(i: int, text: str) -> RawMention:
    return raw_mention(f"s-{i}", text, at=NOW, source_id="src", url=f"https://www.news.example/{i}")


def _matcher(mention: RawMention, lang: str) -> list[QueryMatch]:
    """acme's query on Bonval for every mention naming it; zeta's on grève for the French ones."""
    out = []
    if "Bonval" in mention.text:
        out.append(QueryMatch(tenant="acme", query_id="bonval"))
    if "grève" in mention.text and lang == "fr":
        out.append(QueryMatch(tenant="zeta", query_id="greve"))
    return out


def _messages(raws: list[RawMention]) -> list[InMessage]:
    msgs = [InMessage(m.id.encode(), m.model_dump_json().encode(), "raw", 0, n) for n, m in enumerate(raws)]
    msgs.insert(2, InMessage(b"bad", b"{not json", "raw", 0, 99))
    return msgs


def test_matched_mentions_give_their_query_matches_per_partition() -> None:
    texts = [
        "Bonval rappelle ses yaourts, encore une grève à l'usine ce matin.",
        "Il fait beau à Lyon aujourd'hui, rien à signaler.",
        "Les yaourts Bonval sont de retour en rayon après le rappel.",
        "Nouvelle grève des contrôleurs ce week-end dans toute la région.",
    ]
    raws = [_raw(i, t) for i, t in enumerate(texts)]
    out = enrich_messages(_messages(raws), now=NOW, matcher=_matcher)
    assert [k for k, _ in out.produced] == [m.id.encode() for m in raws]
    assert [r.message.key for r in out.rejected] == [b"bad"]
    assert [m.id for m in out.matched] == [raws[0].id, raws[2].id, raws[3].id]
    assert all(isinstance(m, EnrichedMention) and m.matches for m in out.matched)

    records = match_records(out.matched, topic="t.mentions.matches", partitions=5)
    got: dict[tuple[str, str], list[str]] = {}
    for record in records:
        assert record.topic == "t.mentions.matches" and record.key is None and record.partition is not None
        for event in MatchBatch.model_validate_json(record.value or b"").events():
            assert query_partition(query_key(event.tenant, event.query_id), 5) == record.partition
            assert event.sample.site == "news.example" and event.sample.lang == "fr"
            got.setdefault((event.tenant, event.query_id), []).append(event.sample.mention_id)
    assert got == {
        ("acme", "bonval"): [raws[0].id, raws[2].id],
        ("zeta", "greve"): [raws[0].id, raws[3].id],
    }
    assert len(records) == len({r.partition for r in records})  # one record per partition here


def test_no_match_no_record() -> None:
    out = enrich_messages(_messages([_raw(0, "Rien à voir ici, vraiment rien.")]), now=NOW, matcher=_matcher)
    assert out.matched == [] and match_records(out.matched, topic="t", partitions=3) == []
