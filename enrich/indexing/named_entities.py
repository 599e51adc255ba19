"""Named entities at indexing time: which mentions of a sink batch the sink tags itself, and which it
hands to the NER worker. Pure (the tagger is passed in).

While the index sink keeps up, it runs spaCy on the batch's mentions in scope (``Settings.ner_scope``)
and writes people, organisations and places with the mention's documents: once, instead of a write and
then a partial update that makes Elasticsearch fetch and re-index every document of the mention again.
When it has a backlog (or has no tagger), fresh mentions go first: it writes them as they are and hands
them to the NER worker (``mentions.ner``), whose entity updates arrive later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from enrich.ner import NerScope, in_ner_scope
from enrich.pipeline import EntityTagger
from schemas.mention import EnrichedMention

Origin = TypeVar("Origin")


def tag_or_defer(
    batch: Sequence[tuple[Origin, EnrichedMention]],
    *,
    scope: NerScope,
    tagger: EntityTagger | None,
) -> tuple[list[EnrichedMention], list[Origin], int]:
    """Tag the mentions of ``batch`` in ``scope`` with ``tagger``: returns the mentions (tagged ones with
    their named entities appended, the rest unchanged, in order), the origins (e.g. Kafka messages) of
    the mentions in scope that were not tagged — all of them when ``tagger`` is None — and how many were
    tagged. Raises what ``tagger`` raises (the caller then defers the whole batch: nothing is lost)."""
    mentions = [m for _, m in batch]
    wanted = [i for i, m in enumerate(mentions) if in_ner_scope(m, scope)]
    if not wanted:
        return mentions, [], 0
    if tagger is None:
        return mentions, [batch[i][0] for i in wanted], 0
    found = tagger([(mentions[i], mentions[i].lang) for i in wanted])
    for i, named in zip(wanted, found, strict=True):
        if named:
            mentions[i] = mentions[i].model_copy(update={"entities": (*mentions[i].entities, *named)})
    return mentions, [], len(wanted)
