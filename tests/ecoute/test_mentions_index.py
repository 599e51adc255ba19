"""Index names, versioned mappings and document upgrades (pure)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from ecoute import mentions_index as mi
from ecoute.settings import Settings


def test_names() -> None:
    when = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert (
        mi.monthly_index("p", "tenant-mentions", when) == f"p-tenant-mentions-v{mi.MAPPING_VERSION}-2026.03"
    )
    assert mi.parse_index("p", "mentions", "p-mentions-v1-2026.03") == (1, "2026.03")
    assert mi.parse_index("p", "mentions", "p-tenant-mentions-v1-2026.03") is None
    assert mi.parse_index("p", "mentions", "other-mentions-v1-2026.03") is None
    assert mi.retarget("p-mentions-v1-2026.03", 2) == "p-mentions-v2-2026.03"
    with pytest.raises(ValueError, match="monthly"):
        mi.retarget("p-mentions", 2)


def test_every_version_keeps_the_fields_of_the_previous_one() -> None:
    versions = sorted(mi.PROPERTIES)
    assert versions[-1] == mi.MAPPING_VERSION
    for old, new in itertools.pairwise(versions):
        assert set(mi.PROPERTIES[old]) <= set(mi.PROPERTIES[new])
    assert mi.mapping(version=1)["_meta"] == {"mapping_version": 1}
    with pytest.raises(ValueError, match="clash"):
        mi.mapping({"title": {"type": "keyword"}})


def test_template_targets_its_version_and_attaches_the_read_alias() -> None:
    body = mi.index_template("p", "mentions", version=2)
    assert body["index_patterns"] == ["p-mentions-v2-*"] and body["template"]["aliases"] == {"p-mentions": {}}
    assert body["template"]["mappings"]["dynamic"] == "strict"


def test_template_refresh_interval_is_the_setting_in_milliseconds() -> None:
    default = mi.index_template("p", "mentions")["template"]["settings"]["refresh_interval"]
    assert (
        default == "500ms" == mi.refresh_interval(Settings.model_fields["index_refresh_interval_s"].default)
    )
    body = mi.index_template("p", "tenant-mentions", refresh_interval_s=0.25)
    assert body["template"]["settings"]["refresh_interval"] == "250ms"
    assert mi.refresh_interval(2.5) == "2500ms"
    for off in (0.0, 0.0004, -1.0):  # would switch scheduled refreshes off (or is not an interval)
        with pytest.raises(ValueError, match="at least 1 ms"):
            mi.refresh_interval(off)


def test_upgrade_from_v1_adds_the_analysed_fields_and_keeps_state() -> None:
    v1 = {
        "id": "x",
        "title": "Grèves",
        "text": "Les trains supprimés",
        "lang": "fr",
        "author": {"handle": None, "name": "Conso Hebdo"},
        "state": {"read": True, "tags": ["a"]},
    }
    v2 = mi.upgrade_source(v1, 1, 2)
    assert v2["text_fr"] == ["grev", "train supprim"] and v2["text_en"] == []
    assert v2["author"]["key"] == "Conso Hebdo" and v2["state"] == {"read": True, "tags": ["a"]}
    assert v1.get("text_fr") is None  # input untouched
    assert mi.upgrade_source(v2, 2, 2) == v2
    with pytest.raises(ValueError, match="downgrade"):
        mi.upgrade_source(v2, 2, 1)
