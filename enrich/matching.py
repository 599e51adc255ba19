"""Brand-query matching for enrichment: RawMention ↔ the query language's document and results.

Thin adapter over :mod:`ecoute.query` (the one place the language lives). Pure.
"""

from __future__ import annotations

from ecoute.query import MatchableDoc, QueryIndex, QueryMatchResult
from schemas.mention import MatchedTerm, MentionBase, QueryMatch, RawMention

MAX_TERMS_PER_MATCH = 20


def matchable(mention: MentionBase, lang: str | None) -> MatchableDoc:
    """The fields queries look at. ``author:`` compares the handle, else the display name."""
    author = None
    if mention.author is not None:
        author = mention.author.handle or mention.author.name
    return MatchableDoc(
        text=mention.text,
        title=mention.title,
        author=author,
        url=mention.url,
        lang=lang,
        source=f"{mention.source_type.value}:{mention.source_id}",
    )


def to_query_match(result: QueryMatchResult) -> QueryMatch:
    """Wire form of a match: the query and the terms that matched, with char spans."""
    terms = tuple(
        MatchedTerm(
            term=hit.term,
            field=hit.field,
            start=hit.span[0] if hit.span else None,
            end=hit.span[1] if hit.span else None,
        )
        for hit in result.explanation.hits[:MAX_TERMS_PER_MATCH]
    )
    return QueryMatch(tenant=result.tenant, query_id=result.query_id, terms=terms)


def match_mention(index: QueryIndex, mention: RawMention, lang: str | None) -> list[QueryMatch]:
    """Every query of every tenant that ``mention`` matches, with explanations."""
    return [to_query_match(r) for r in index.match(matchable(mention, lang))]
