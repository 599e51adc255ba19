"""Export formats: mentions → CSV rows or NDJSON lines. Pure.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with an apostrophe: exports are opened in Excel by CMs, and mention texts
come from strangers on the internet (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Final

from api.models.mentions import MentionPublic

CSV_COLUMNS: Final = (
    "id",
    "published_at",
    "source_type",
    "source_id",
    "site",
    "url",
    "author_key",
    "author_name",
    "author_followers",
    "lang",
    "sentiment",
    "sentiment_score",
    "title",
    "text",
    "hashtags",
    "query_ids",
    "read",
    "tags",
    "assignee",
)
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(m: MentionPublic) -> list[str]:
    author = m.author
    values: list[object] = [
        m.id,
        m.published_at.isoformat(),
        m.source_type,
        m.source_id,
        m.site,
        m.url,
        author.key if author else None,
        author.name if author else None,
        author.followers if author else None,
        m.lang,
        m.sentiment.label if m.sentiment else None,
        m.sentiment.score if m.sentiment else None,
        m.title,
        m.text,
        " ".join(m.hashtags),
        " ".join(m.query_ids),
        "true" if m.state.read else "false",
        " ".join(m.state.tags),
        m.state.assignee,
    ]
    return [safe_cell(v) for v in values]


def csv_chunks(mentions: Iterable[MentionPublic], batch: int = 200) -> Iterator[str]:
    """The CSV text (header first) in chunks of ``batch`` rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, m in enumerate(mentions, start=1):
        writer.writerow(csv_row(m))
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def ndjson_chunks(mentions: Iterable[MentionPublic], batch: int = 200) -> Iterator[str]:
    """One JSON object per line, in chunks of ``batch`` lines."""
    lines: list[str] = []
    for m in mentions:
        lines.append(m.model_dump_json(exclude={"score", "highlights"}) + "\n")
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)
