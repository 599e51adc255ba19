"""Ingest checkpoints (compacted topic ``ingest.cursors``, key = source id, value = :class:`SourceCursor`).

A cursor says where a source's connector stands: its position (per connector kind: conditional-GET
validators for feeds, newest status id per Mastodon timeline, Jetstream ``time_us``, …), a bounded map of
recently produced mention ids (for sources without a monotonic cursor, and for overlaps on resume),
the mentions being produced right now (``pending``, so a crash between producing and checkpointing can
be reconciled against ``mentions.raw``), the last success/error and running totals.

It is written only after the mentions it accounts for were acknowledged by Kafka.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from schemas.common import Frozen, UtcDatetime


class FeedPosition(Frozen):
    """RSS/Atom/forum feeds: the validators of the last successful fetch."""

    kind: Literal["feed"] = "feed"
    etag: str | None = Field(default=None, max_length=1024)
    last_modified: str | None = Field(default=None, max_length=200)


class DiscoursePosition(Frozen):
    """Discourse: the highest post id already produced."""

    kind: Literal["discourse"] = "discourse"
    last_post_id: int | None = Field(default=None, ge=0)


class MastodonPosition(Frozen):
    """Mastodon: per timeline (``tag:<name>``, ``public``, ``local``), the newest status id produced."""

    kind: Literal["mastodon"] = "mastodon"
    min_ids: dict[str, str] = Field(default_factory=dict)


class BlueskyPosition(Frozen):
    """Bluesky Jetstream: ``time_us`` of the last event processed (the resume cursor)."""

    kind: Literal["bluesky"] = "bluesky"
    time_us: int | None = Field(default=None, ge=0)


class RedditPosition(Frozen):
    """Reddit: per listing (``r/<sub>/new``, ``r/<sub>/comments``, ``search``), newest ``created_utc``."""

    kind: Literal["reddit"] = "reddit"
    newest_utc: dict[str, float] = Field(default_factory=dict)


class HackerNewsPosition(Frozen):
    """Hacker News (Algolia): per term, newest ``created_at_i`` done."""

    kind: Literal["hackernews"] = "hackernews"
    newest: dict[str, int] = Field(default_factory=dict)


Position = Annotated[
    FeedPosition
    | DiscoursePosition
    | MastodonPosition
    | BlueskyPosition
    | RedditPosition
    | HackerNewsPosition,
    Field(discriminator="kind"),
]


class PendingWrite(Frozen):
    """Mentions about to be produced: ids and ``mentions.raw`` end offsets just before producing."""

    mention_ids: tuple[str, ...]
    offsets: dict[int, int] = Field(default_factory=dict, description="partition → end offset before")
    started_at: UtcDatetime


class SourceTotals(Frozen):
    """Running totals of a source since its cursor was created."""

    fetched: int = Field(default=0, ge=0, description="items the source returned")
    new: int = Field(default=0, ge=0, description="mentions produced for the first time")
    edited: int = Field(default=0, ge=0, description="already-produced mentions produced again, changed")
    duplicates: int = Field(default=0, ge=0, description="items skipped, already produced unchanged")
    deleted: int = Field(default=0, ge=0, description="deleted/removed items skipped")
    rejected: int = Field(default=0, ge=0, description="items sent to dlq.ingest")
    errors: int = Field(default=0, ge=0, description="failed polls")
    polls: int = Field(default=0, ge=0)


class SourceCursor(Frozen):
    """Checkpoint of one source (key = ``source_id``)."""

    schema_version: Literal[1] = 1
    source_id: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=40, description="source kind (feed, forum, mastodon, …)")
    position: Position | None = None
    seen: dict[str, str] = Field(
        default_factory=dict, description="mention id → content fingerprint, oldest first, bounded"
    )
    pending: PendingWrite | None = None
    last_success_at: UtcDatetime | None = None
    last_error: str | None = Field(default=None, max_length=2000)
    last_error_at: UtcDatetime | None = None
    totals: SourceTotals = Field(default_factory=SourceTotals)
    updated_at: UtcDatetime
