"""``ecoute enrich-file``: enrichment of a JSON Lines file, without Kafka (users and evaluation).

Input lines: ``{"id", "text", "title"?, "author"?, "url"?, "source"?}``. Queries file:
``[{"id", "tenant"?, "query"}]``. Output: one line per input line, in order:
``{"id", "lang", "lang_confidence", "sentiment": {"label", "score", "cues"}, "matches": [query ids],
"match_details": [{"tenant", "query_id", "terms"}], "entities": [{"kind", "text"}]}``; an input line that
is not a valid object gives ``{"line": n, "error": "…"}`` in its place (never a crash, never a shift).
An invalid query raises :class:`InvalidQueryError` before anything is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecoute.query import QueryIndex, QuerySyntaxError, compile_query, parse
from enrich.matching import match_mention
from enrich.pipeline import EntityTagger, enrich_batch
from schemas.common import Author, SourceType
from schemas.mention import RawMention, stable_mention_id


class InvalidQueryError(ValueError):
    def __init__(self, query_id: str, message: str, position: int | None) -> None:
        super().__init__(
            f"query {query_id!r}: {message}" + (f" (at {position})" if position is not None else "")
        )
        self.query_id, self.message, self.position = query_id, message, position


class InputLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | int = Field(union_mode="left_to_right")
    text: str = Field(max_length=100_000)
    title: str | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None


class QueryLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    tenant: str = "default"
    query: str


def load_query_index(queries: Iterable[dict[str, Any]]) -> QueryIndex:
    """Compile every query; the first invalid one raises :class:`InvalidQueryError`."""
    index = QueryIndex()
    for raw in queries:
        try:
            q = QueryLine.model_validate(raw)
        except ValidationError as exc:
            raise InvalidQueryError(str(raw.get("id", "?")), f"invalid entry: {exc}", None) from exc
        try:
            index.add(compile_query(q.id, q.tenant, parse(q.query)))
        except QuerySyntaxError as exc:
            raise InvalidQueryError(q.id, exc.message, exc.position) from exc
    return index


def _raw(line: InputLine, now: datetime) -> RawMention:
    source = line.source or "file"
    author = (
        Author(handle=line.author)
        if line.author and line.author.startswith("@")
        else (Author(name=line.author) if line.author else None)
    )
    return RawMention(
        id=stable_mention_id(SourceType.FEED, f"{source}:{line.id}"),
        source_type=SourceType.FEED,
        source_id=source[:200],
        native_id=str(line.id),
        url=line.url,
        title=line.title,
        text=line.text,
        author=author,
        published_at=now,
        published_at_estimated=True,
        fetched_at=now,
    )


@dataclass(frozen=True, slots=True)
class _Parsed:
    number: int
    line: InputLine | None
    error: str | None


def _parse_lines(lines: Iterable[str]) -> Iterator[_Parsed]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield _Parsed(number, InputLine.model_validate_json(text), None)
        except ValidationError as exc:
            yield _Parsed(
                number, None, f"invalid input line: {exc.errors()[0]['msg']} ({exc.errors()[0]['loc']})"
            )


def enrich_lines(
    lines: Iterable[str],
    *,
    index: QueryIndex | None = None,
    tagger: EntityTagger | None = None,
    batch_size: int = 256,
) -> Iterator[dict[str, Any]]:
    """Output records for input lines (see module doc), batch by batch."""
    batch: list[_Parsed] = []

    def flush() -> Iterator[dict[str, Any]]:
        now = datetime.now(UTC)
        good = [p for p in batch if p.line is not None]
        raws = [_raw(p.line, now) for p in good if p.line is not None]
        matcher = (
            (lambda m, lang: match_mention(index, m, lang)) if index is not None and len(index) else None
        )
        result = enrich_batch(raws, now=now, matcher=matcher, tagger=tagger, tag_all=True)
        failed = {i: exc for i, exc in result.failures}
        enriched = iter(result.enriched)
        by_number: dict[int, dict[str, Any]] = {}
        for i, p in enumerate(good):
            assert p.line is not None
            if i in failed:
                by_number[p.number] = {"id": p.line.id, "error": f"enrichment failed: {failed[i]!r}"}
                continue
            e = next(enriched)
            by_number[p.number] = {
                "id": p.line.id,
                "lang": e.lang,
                "lang_confidence": e.lang_confidence,
                "sentiment": {
                    "label": e.sentiment.label,
                    "score": e.sentiment.score,
                    "cues": list(e.sentiment.cues),
                }
                if e.sentiment
                else {"label": "neutral", "score": 0.0, "cues": []},
                "matches": [m.query_id for m in e.matches],
                "match_details": [m.model_dump(mode="json") for m in e.matches],
                "entities": [x.model_dump(mode="json") for x in e.entities],
            }
        for p in batch:
            yield by_number[p.number] if p.line is not None else {"line": p.number, "error": p.error}
        batch.clear()

    for parsed in _parse_lines(lines):
        batch.append(parsed)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
