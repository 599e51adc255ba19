"""CSV/NDJSON export formatting (pure)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from api.models.mentions import AuthorPublic, MentionPublic, MentionStatePublic
from api.services.export import CSV_COLUMNS, csv_chunks, ndjson_chunks, safe_cell


def _m(i: int, text: str = "ok") -> MentionPublic:
    return MentionPublic(
        id=f"{i:032x}",
        source_type="feed",
        source_id="s",
        text=text,
        lang="fr",
        published_at=datetime(2026, 11, 1, tzinfo=UTC),
        author=AuthorPublic(key="bob", followers=3),
        query_ids=["q1", "q2"],
        state=MentionStatePublic(read=True, tags=["a", "b"]),
        highlights={"text": ["x"]},
    )


def test_formula_cells_are_defused() -> None:
    for dangerous in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\tx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Bonjour =1") == "Bonjour =1" and safe_cell(None) == ""


def test_csv_has_a_header_and_one_row_per_mention_in_chunks() -> None:
    mentions = [
        _m(i, text='=HYPERLINK("http://evil")' if i == 3 else f"texte {i}, avec virgule") for i in range(450)
    ]
    chunks = list(csv_chunks(iter(mentions), batch=200))
    assert len(chunks) == 3
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert list(rows[0]) == list(CSV_COLUMNS) and len(rows) == 450
    assert rows[1]["text"] == "texte 1, avec virgule" and rows[3]["text"].startswith("'=HYPERLINK")
    assert rows[0]["query_ids"] == "q1 q2" and rows[0]["read"] == "true" and rows[0]["tags"] == "a b"
    assert list(csv_chunks(iter([]))) == [",".join(CSV_COLUMNS) + "\r\n"]


def test_ndjson_is_one_mention_per_line_without_search_artefacts() -> None:
    text = "".join(ndjson_chunks(iter([_m(1), _m(2)])))
    lines = [json.loads(line) for line in text.splitlines()]
    assert [x["id"] for x in lines] == [f"{1:032x}", f"{2:032x}"]
    assert (
        "highlights" not in lines[0] and "score" not in lines[0] and lines[0]["state"]["tags"] == ["a", "b"]
    )
    assert list(ndjson_chunks(iter([]))) == []
