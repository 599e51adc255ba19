"""The sources file: what to poll, how often, for which kind of source.

File format: ``{"sources": [{"id": "conso-hebdo", "kind": "feed", "url": "https://…/rss.xml",
"interval_s": 300}, {"id": "masto", "kind": "mastodon", "instance": "https://…", "hashtags": ["x"]}]}``;
each entry is a :data:`schemas.source.SourceConfig` (``kind`` defaults to ``feed``). Invalid files raise
pydantic's ``ValidationError`` naming the bad field; duplicate ids raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from schemas.source import (
    BlueskySourceConfig,
    DiscourseSourceConfig,
    FeedSourceConfig,
    HackerNewsSourceConfig,
    MastodonSourceConfig,
    RedditSourceConfig,
    SourceConfig,
)

__all__ = [
    "BlueskySourceConfig",
    "DiscourseSourceConfig",
    "FeedSourceConfig",
    "HackerNewsSourceConfig",
    "MastodonSourceConfig",
    "RedditSourceConfig",
    "SourceConfig",
    "SourcesFile",
    "load_sources",
    "select_sources",
]


class SourcesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sources: tuple[SourceConfig, ...] = ()


def _check_unique(sources: Iterable[SourceConfig]) -> None:
    ids = [s.id for s in sources]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate source ids: {sorted(duplicates)}")


def load_sources(path: Path, *, include_disabled: bool = False) -> tuple[SourceConfig, ...]:
    """Sources of a sources file (enabled ones only unless asked). Raises ``OSError``/``ValidationError``."""
    parsed = SourcesFile.model_validate_json(path.read_bytes())
    _check_unique(parsed.sources)
    return tuple(s for s in parsed.sources if include_disabled or s.enabled)


def select_sources(sources: Iterable[SourceConfig], names: Iterable[str]) -> tuple[SourceConfig, ...]:
    """The sources named in ``names`` (all when empty). Raises ``KeyError`` naming unknown ones."""
    by_id = {s.id: s for s in sources}
    wanted = list(names)
    if not wanted:
        return tuple(by_id.values())
    unknown = [n for n in wanted if n not in by_id]
    if unknown:
        raise KeyError(f"unknown source(s): {', '.join(unknown)}; configured: {', '.join(sorted(by_id))}")
    return tuple(by_id[n] for n in wanted)
