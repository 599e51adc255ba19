"""Sources from the compacted ``config.sources`` topic (written by the API), merged with the file.

Topic records: key = source id, value = :class:`schemas.source.SourceDefinition` JSON, tombstone =
deleted. Merge rule (:func:`merge_sources`, pure): a topic definition replaces the file's definition of
the same id; a tombstone removes the topic's definition only (the file is authoritative for its own
entries); disabled sources are dropped. Unreadable records are logged and skipped, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from ecoute.settings import Settings
from ingest.cursor_store import read_topic_to_end
from ingest.sources import load_sources
from schemas.source import SourceConfig, SourceDefinition
from schemas.topics import CONFIG_SOURCES

log = logging.getLogger(__name__)


def parse_records(records: Mapping[str, bytes | None]) -> dict[str, SourceConfig | None]:
    """Decoded ``config.sources`` records (``None`` = tombstone); bad ones are skipped with a warning."""
    out: dict[str, SourceConfig | None] = {}
    for key, value in records.items():
        if value is None:
            out[key] = None
            continue
        try:
            source = SourceDefinition.model_validate_json(value).root
        except ValidationError as exc:
            log.warning("invalid source definition skipped: %s", exc, extra={"source": key})
            continue
        if source.id != key:
            log.warning("source definition under another key skipped", extra={"source": key, "id": source.id})
            continue
        out[key] = source
    return out


def merge_sources(
    file_sources: Sequence[SourceConfig], topic_sources: Mapping[str, SourceConfig | None]
) -> tuple[SourceConfig, ...]:
    """File sources, overridden/extended by the topic's; disabled ones removed."""
    merged: dict[str, SourceConfig] = {s.id: s for s in file_sources}
    for source_id, source in topic_sources.items():
        if source is not None:
            merged[source_id] = source
    return tuple(s for s in merged.values() if s.enabled)


def read_config_sources(settings: Settings) -> dict[str, SourceConfig | None]:
    """The current content of ``config.sources`` (blocking; raises ``RuntimeError`` if unreadable)."""
    return parse_records(read_topic_to_end(settings, settings.topic(CONFIG_SOURCES.name)))


def load_all_sources(
    settings: Settings, sources_file: Path | None, use_topic: bool
) -> tuple[SourceConfig, ...]:
    """File (if any) merged with the topic (if wanted). Raises for an invalid file."""
    from_file = load_sources(sources_file, include_disabled=True) if sources_file else ()
    from_topic = read_config_sources(settings) if use_topic else {}
    return merge_sources(from_file, from_topic)
