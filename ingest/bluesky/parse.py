"""Jetstream events → RawMentions, and the term filter. Pure.

A post commit (``kind=commit``, ``collection=app.bsky.feed.post``, operation ``create``/``update``)
becomes a mention keyed by its AT URI ``at://<did>/app.bsky.feed.post/<rkey>``; a reply's
``in_reply_to`` is the parent's AT URI (the parent mention's key). ``delete`` operations raise
:class:`Deleted`; other events (identity, account, other collections) are :data:`IGNORED`.
Terms match like the query language's tokens (case/accents folded, whole words, ``#tag`` = hashtag).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecoute.query.normalize import analyze
from ingest.items import Deleted, clip, parse_time
from ingest.text import truncate
from schemas.common import Author, SourceType
from schemas.mention import RawMention, stable_mention_id

POST = "app.bsky.feed.post"
IGNORED = None


@dataclass(frozen=True, slots=True)
class TermFilter:
    """Keeps posts containing any term (word sequence, or hashtags for ``#`` terms)."""

    words: tuple[tuple[str, ...], ...]
    tags: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, terms: tuple[str, ...]) -> TermFilter:
        words, tags = [], []
        for term in terms:
            norms, hashtags, _handles = analyze(term)
            if hashtags:
                tags.append(tuple(hashtags))
            elif norms:
                words.append(tuple(norms))
        return cls(tuple(words), tuple(tags))

    @property
    def empty(self) -> bool:
        return not self.words and not self.tags

    def matches(self, text: str, extra_tags: tuple[str, ...] = ()) -> bool:
        norms, hashtags, _ = analyze(text)
        tag_set = set(hashtags) | {t for tag in extra_tags for t in analyze(tag)[0]}
        if any(all(t in tag_set for t in tags) for tags in self.tags):
            return True
        for seq in self.words:
            n = len(seq)
            if any(tuple(norms[i : i + n]) == seq for i in range(len(norms) - n + 1)):
                return True
        return False


def _tags(record: dict[str, Any]) -> tuple[str, ...]:
    out = [str(t) for t in record.get("tags") or [] if isinstance(t, str)]
    for facet in record.get("facets") or []:
        for feature in (facet or {}).get("features") or []:
            if (
                isinstance(feature, dict)
                and feature.get("$type") == "app.bsky.richtext.facet#tag"
                and feature.get("tag")
            ):
                out.append(str(feature["tag"]))
    return tuple(dict.fromkeys(t[:200] for t in out))[:200]


def event_to_mention(
    event: dict[str, Any], *, source_id: str, fetched_at: datetime, max_text_chars: int
) -> RawMention | None:
    """The mention of a post event, ``None`` for events that are not posts; raises ``Deleted``."""
    commit = event.get("commit")
    if event.get("kind") != "commit" or not isinstance(commit, dict) or commit.get("collection") != POST:
        return IGNORED
    did, rkey = str(event["did"]), str(commit["rkey"])
    if commit.get("operation") == "delete":
        raise Deleted(f"{did}/{rkey}")
    record = commit["record"]
    if not isinstance(record, dict):
        raise TypeError("record must be an object")
    uri = f"at://{did}/{POST}/{rkey}"
    text, cut = truncate(str(record.get("text") or ""), max_text_chars)
    published = parse_time(record.get("createdAt"))
    langs = record.get("langs") or []
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    profile = f"https://bsky.app/profile/{did}"
    return RawMention(
        id=stable_mention_id(SourceType.BLUESKY, uri),
        source_type=SourceType.BLUESKY,
        source_id=source_id,
        native_id=uri,
        url=f"{profile}/post/{rkey}",
        text=text,
        truncated=cut,
        author=Author(handle=did[:512], url=profile[:2048]),
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        lang_hint=clip(langs[0], 35) if langs else None,
        tags=_tags(record),
        in_reply_to=clip(parent, 2048),
    )
