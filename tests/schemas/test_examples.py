"""Every checked-in example validates against its schema version and survives a JSON round trip."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from schemas.registry import SCHEMAS, schema_for

CASES = [(s, p) for s in SCHEMAS for p in s.examples()]


def test_every_schema_has_examples() -> None:
    for schema in SCHEMAS:
        assert list(schema.examples()), f"{schema.name} v{schema.version} has no example"


@pytest.mark.parametrize(("schema", "path"), CASES, ids=[f"{s.name}/{p.name}" for s, p in CASES])
def test_example_validates_and_round_trips(schema, path) -> None:  # type: ignore[no-untyped-def]
    model = schema.model.model_validate_json(path.read_text())
    again = schema.model.model_validate_json(model.model_dump_json())
    assert again == model
    assert json.loads(path.read_text())["schema_version"] == schema.version


def test_unknown_fields_are_rejected() -> None:
    schema = schema_for("raw_mention", 1)
    path = next(schema.examples())
    data = json.loads(path.read_text())
    data["surprise"] = 1
    with pytest.raises(ValidationError, match="surprise"):
        schema.model.model_validate(data)


def test_naive_datetimes_are_rejected() -> None:
    schema = schema_for("raw_mention", 1)
    data = json.loads(next(schema.examples()).read_text())
    data["published_at"] = "2026-11-22T09:15:00"
    with pytest.raises(ValidationError, match="timezone"):
        schema.model.model_validate(data)


def test_unknown_schema_version_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        schema_for("raw_mention", 99)
