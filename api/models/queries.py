"""Tenants' Boolean queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.config import ENTITY_ID_PATTERN

_EXAMPLE: dict[str, Any] = {
    "id": "bonval-crise",
    "name": "Laiterie Bonval — crise",
    "query": '(Bonval OR #BoycottBonval) AND (rappel* OR listeria OR "intoxication alimentaire") '
    "NOT Bonvalet",
}


class QueryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    id: str | None = Field(
        default=None, pattern=ENTITY_ID_PATTERN, description="unique within the tenant; generated if absent"
    )
    name: str = Field(default="", max_length=200)
    query: str = Field(min_length=1, max_length=10_000, description="Boolean query language")


class QueryUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"query": "Bonval NEAR/5 (rappel* OR listeria)"}]}
    )

    name: str | None = Field(default=None, max_length=200)
    query: str | None = Field(default=None, min_length=1, max_length=10_000)


class QueryPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "canonical": '(bonval OR #boycottbonval) AND (rappel* OR listeria OR "intoxication '
                    'alimentaire") AND NOT bonvalet',
                    "updated_at": "2026-11-22T08:00:00Z",
                }
            ]
        }
    )

    id: str
    name: str
    query: str
    canonical: str = Field(description="normalised form: what the matcher actually evaluates")
    updated_at: datetime
