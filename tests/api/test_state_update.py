"""Per-tenant state changes of a mention (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from api.models.mentions import MentionStatePublic, MentionStateUpdate
from api.services.mentions import TooManyTagsError, apply_state_update, state_of

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_only_sent_fields_change() -> None:
    current = MentionStatePublic(read=True, tags=["a"], assignee="camille")
    out = apply_state_update(current, MentionStateUpdate(add_tags=["b", "a"]), NOW)
    assert out == MentionStatePublic(read=True, tags=["a", "b"], assignee="camille", updated_at=NOW)
    out = apply_state_update(out, MentionStateUpdate.model_validate({"assignee": None}), NOW)
    assert out.assignee is None and out.read is True
    out = apply_state_update(out, MentionStateUpdate(tags=["x", "y"], remove_tags=["y"], read=False), NOW)
    assert out.tags == ["x"] and out.read is False


def test_limits_and_validation() -> None:
    with pytest.raises(TooManyTagsError):
        apply_state_update(
            MentionStatePublic(tags=[f"t{i}" for i in range(50)]), MentionStateUpdate(add_tags=["z"]), NOW
        )
    with pytest.raises(ValidationError):
        MentionStateUpdate(tags=["a,b"])
    with pytest.raises(ValidationError):
        MentionStateUpdate.model_validate({"unknown": 1})


def test_state_of_a_document_without_state() -> None:
    assert state_of({}) == MentionStatePublic()
    assert state_of({"state": {"read": True}}).read is True
