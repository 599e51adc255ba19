"""Small value types shared by several event models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

M = TypeVar("M", bound=BaseModel)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must carry a timezone")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""An aware datetime, normalised to UTC; naive datetimes are rejected."""


def utc_now() -> datetime:
    """Current time, aware, UTC."""
    return datetime.now(UTC)


def construct_trusted(cls: type[M], values: dict[str, Any]) -> M:
    """``cls.model_construct(**values)`` for the hot path: an instance of ``cls`` holding ``values``
    without validation, for values our own typed code made from validated data.

    When ``values`` names exactly the model's fields (no defaults to fill), the instance is assembled
    as ``model_construct`` assembles it (fields in the model's order, so dumps are identical) without
    its per-field handling of aliases, defaults and extras — a fifth of its cost; otherwise this is
    ``model_construct``. Nothing is checked either way: wrong values make a wrong instance, found only
    when it is serialised or compared.
    """
    fields = cls.__pydantic_fields__
    if len(values) != len(fields) or cls.__pydantic_post_init__:
        return cls.model_construct(**values)
    try:
        ordered = {name: values[name] for name in fields}
    except KeyError:
        return cls.model_construct(**values)
    m = cls.__new__(cls)
    object.__setattr__(m, "__dict__", ordered)
    object.__setattr__(m, "__pydantic_fields_set__", set(ordered))
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


class Frozen(BaseModel):
    """Base of every wire model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceType(StrEnum):
    """Kind of place a mention comes from."""

    FEED = "feed"  # RSS / Atom / RDF
    FORUM = "forum"  # Discourse, phpBB-style forum feeds
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    REDDIT = "reddit"
    HACKERNEWS = "hackernews"


class Author(Frozen):
    """Who wrote a mention, as far as the source tells."""

    handle: str | None = Field(default=None, max_length=512)
    name: str | None = Field(default=None, max_length=512)
    url: str | None = Field(default=None, max_length=2048)
    followers: int | None = Field(default=None, ge=0)


class Engagement(Frozen):
    """Engagement counts at fetch time (absent = unknown)."""

    likes: int | None = Field(default=None, ge=0)
    reposts: int | None = Field(default=None, ge=0)
    replies: int | None = Field(default=None, ge=0)
    score: int | None = None
