from __future__ import annotations

import pytest

from schemas.topics import REGISTRY, topic_spec


def test_registry_names_are_unique_and_have_dead_letter_topics() -> None:
    names = [s.name for s in REGISTRY]
    assert len(names) == len(set(names))
    for stage in ("ingest", "enrich", "index", "alerting"):
        assert f"dlq.{stage}" in names


def test_compacted_topics_have_no_retention_limit() -> None:
    for spec in REGISTRY:
        if spec.cleanup_policy == "compact":
            assert "retention.ms" not in spec.config()
        else:
            assert int(spec.config()["retention.ms"]) > 0


def test_lookup() -> None:
    assert topic_spec("mentions.raw").key == "mention id"
    with pytest.raises(KeyError):
        topic_spec("nope")
