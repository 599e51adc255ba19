"""Configured sources (a JSON file): what to poll, how often, for which kind of source.

File format: ``{"sources": [{"id": "conso-hebdo", "kind": "feed", "url": "https://…/rss.xml",
"interval_s": 300}]}``. Invalid files raise pydantic's ``ValidationError`` naming the bad field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class FeedSourceConfig(BaseModel):
    """An RSS/Atom/RDF feed (news site, blog, forum feed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$")
    kind: Literal["feed", "forum"] = "feed"
    url: str = Field(min_length=8, max_length=4096)
    interval_s: float = Field(default=300.0, ge=5.0)
    enabled: bool = True


class SourcesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: tuple[FeedSourceConfig, ...] = ()


def load_sources(path: Path) -> tuple[FeedSourceConfig, ...]:
    """Enabled sources of a sources file. Raises ``OSError`` / ``ValidationError`` with the reason."""
    parsed = SourcesFile.model_validate_json(path.read_bytes())
    ids = [s.id for s in parsed.sources]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate source ids: {sorted(duplicates)}")
    return tuple(s for s in parsed.sources if s.enabled)
