"""Error bodies shared by every route."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(default_factory=list, description="where: body/query/path and field")
    msg: str
    type: str
    position: int | None = Field(default=None, description="0-based character offset (query syntax errors)")


class ErrorPublic(BaseModel):
    """Every error: a human-readable ``detail``; validation errors also list each problem."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "query: expected a term after OR at 7",
                    "errors": [
                        {
                            "loc": ["body", "query"],
                            "msg": "expected a term after OR",
                            "type": "query_syntax",
                            "position": 7,
                        }
                    ],
                }
            ]
        }
    )

    detail: str
    errors: list[ErrorItem] | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error status codes."""
    text = {
        401: "missing or unknown API key",
        404: "not found, or outside the caller's scope",
        409: "already exists",
        422: "invalid request (message and, for queries, position)",
        503: "Elasticsearch or Kafka unavailable (message says which); retry later",
    }
    return {code: {"model": ErrorPublic, "description": text.get(code, "error")} for code in codes}
