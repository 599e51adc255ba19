"""Keep each document in the index it already lives in, so a mention is never stored twice.

Documents go to the monthly index of their publication time, but a source may change an item's date
between two fetches (or give none, so the fetch time stands in): the same mention id would then land in
two months' indices and be counted twice. Before each bulk write the sink asks Elasticsearch where the
batch's ids already are and sends the updates there: one ``ids`` search per family (``_source`` off) over
the family's indices *other than those the batch writes to* (listed with one alias request). In its own
target index an existing document needs no search: its ``create`` answers 409 and is upserted (below).
So while the batch's month is the family's only index, no search is made at all.
Only indices of the current mapping version are reused: a document still in an older version's index
is written to the new version's month (``ecoute es migrate`` then keeps the newer copy).

A search only sees documents after a refresh (every second), so the sink also remembers where it
recently wrote each id (:class:`RecentPlacements`, bounded), and within one batch every action for the
same id goes to the same index (the first one's).

What the placement lookup learns also makes writes cheaper: a document found nowhere is written with a
``create`` (:func:`create_new_documents`) instead of an ``update`` with ``doc_as_upsert``, which
Elasticsearch executes as a real-time get, a merge and a full re-index. If the document appeared in
the meantime (another writer, not yet searchable), the ``create`` answers 409 and is retried as the
upsert it replaced (:func:`as_upsert`), which keeps the CM's state and the entities already there.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.mentions_index import FAMILIES, MAPPING_VERSION, Family

Action = dict[str, Any]
MAX_HITS = 10_000  # Elasticsearch's default max_result_window


@lru_cache(maxsize=4096)  # called several times per bulk action; index names repeat (one per month)
def family_of(prefix: str, index: str) -> Family | None:
    """The family of a concrete mentions index of ``prefix`` (None for any other index)."""
    for family in FAMILIES:
        if mentions_index.parse_index(prefix, family, index) is not None:
            return family
    return None


def existing_locations(
    es: Elasticsearch, prefix: str, actions: list[Action]
) -> dict[tuple[Family, str], str]:
    """``(family, _id)`` → current-version index holding it, for the ids of ``actions``, searched in the
    family's indices other than the ones ``actions`` target (a document in its own target index is not
    reported: see the module docstring).

    Raises ``elasticsearch.TransportError``/``ApiError`` like any request (the caller retries).
    """
    ids: dict[Family, set[str]] = defaultdict(set)
    targets: dict[Family, set[str]] = defaultdict(set)
    for action in actions:
        family = family_of(prefix, action["_index"])
        if family is not None:
            ids[family].add(action["_id"])
            targets[family].add(action["_index"])
    if not ids:
        return {}
    elsewhere = other_indices(es, prefix, targets)
    found: dict[tuple[Family, str], str] = {}
    for family, wanted in ids.items():
        if not elsewhere.get(family):
            continue
        resp = es.search(
            index=",".join(sorted(elsewhere[family])),
            query={"ids": {"values": sorted(wanted)}},
            size=min(len(wanted) * len(elsewhere[family]), MAX_HITS),
            source=False,
            ignore_unavailable=True,
            allow_no_indices=True,
        )
        for hit in resp["hits"]["hits"]:
            found[(family, hit["_id"])] = hit["_index"]
    return found


def other_indices(es: Elasticsearch, prefix: str, targets: dict[Family, set[str]]) -> dict[Family, set[str]]:
    """The current-version indices behind each family's read alias, minus ``targets[family]``
    (one request; an alias that does not exist yet has no index)."""
    names = ",".join(mentions_index.alias(prefix, family) for family in targets)
    resp = es.options(ignore_status=404).indices.get_alias(name=names)
    out: dict[Family, set[str]] = defaultdict(set)
    for index, info in resp.body.items():
        if not isinstance(info, dict) or "aliases" not in info:
            continue  # a 404 body for a missing alias: "error", "status"
        for family, mine in targets.items():
            parsed = mentions_index.parse_index(prefix, family, index)
            if parsed is not None and parsed[0] == MAPPING_VERSION and index not in mine:
                out[family].add(index)
    return out


def relocate(prefix: str, actions: list[Action], locations: dict[tuple[Family, str], str]) -> int:
    """Point each action at the index its document already lives in, else at the index of the batch's
    first action for the same id (in place). Returns how many actions moved."""
    moved = 0
    chosen = dict(locations)
    for action in actions:
        family = family_of(prefix, action["_index"])
        if family is None:
            continue
        where = chosen.setdefault((family, action["_id"]), action["_index"])
        if where != action["_index"]:
            action["_index"] = where
            moved += 1
    return moved


def create_new_documents(prefix: str, actions: list[Action], known: set[tuple[Family, str]]) -> int:
    """Turn the first upsert of each document that is not in ``known`` (found by the placement lookup
    or written recently) into a ``create`` with the same content, in place; later actions for the same
    id in the batch stay updates (the bulk runs them after the create). Returns how many changed."""
    seen = set(known)
    created = 0
    for action in actions:
        family = family_of(prefix, action["_index"])
        if family is None:
            continue
        key = (family, action["_id"])
        if key in seen:
            continue
        seen.add(key)
        if action["_op_type"] == "update" and action.get("doc_as_upsert"):
            action["_op_type"] = "create"
            action["_source"] = action.pop("doc")
            del action["doc_as_upsert"]
            created += 1
    return created


def as_upsert(action: Action) -> Action:
    """A ``create`` made by :func:`create_new_documents` back into the upsert it was (in place)."""
    if action["_op_type"] == "create":
        action["_op_type"] = "update"
        action["doc"] = action.pop("_source")
        action["doc_as_upsert"] = True
    return action


class RecentPlacements:
    """Where this sink wrote each id lately: covers the refresh interval (1 s; longer while
    Elasticsearch is loaded) during which a search cannot see a document yet. Two generations of plain
    dicts: new entries go to the young one; once it holds ``capacity // 2`` ids or is ``generation_s``
    old, it becomes the old one and the previous old one is dropped whole. So every id written in the
    last ``generation_s`` seconds is known (unless more than ``capacity // 2`` came meanwhile: then the
    latest ``capacity // 2`` at least), and at most ``capacity`` are kept. An id forgotten and written
    again costs a ``create`` that answers 409 and is retried as an upsert (:func:`as_upsert`).

    Memory: ~190 B an id (tracemalloc: key tuple, dict slot, the id itself). Generations replaced an LRU
    ``OrderedDict`` evicting one entry per document (offline, 400,000 mentions: 313 MiB at the end
    instead of 335), and the age limit keeps 30-60 s of ids (at 1,000 ids/s: 30,000-60,000, 6-11 MB)
    instead of the 100,000-200,000 the count alone kept at any rate (19-38 MB)."""

    def __init__(
        self,
        capacity: int = 200_000,
        generation_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._generation = max(1, capacity // 2)
        self._generation_s = generation_s
        self._clock = clock
        self._young_since = clock()
        self._young: dict[tuple[Family, str], str] = {}
        self._old: dict[tuple[Family, str], str] = {}

    def _age(self) -> None:
        self._old, self._young = self._young, {}
        self._young_since = self._clock()

    def remember(self, prefix: str, actions: list[Action]) -> None:
        if self._clock() - self._young_since >= self._generation_s:
            self._age()
        for action in actions:
            family = family_of(prefix, action["_index"])
            if family is not None:
                self._young[(family, action["_id"])] = action["_index"]
                if len(self._young) >= self._generation:
                    self._age()

    def lookup(self, keys: list[tuple[Family, str]]) -> dict[tuple[Family, str], str]:
        found: dict[tuple[Family, str], str] = {}
        for key in keys:
            where = self._young.get(key) or self._old.get(key)
            if where is not None:
                found[key] = where
        return found

    def __len__(self) -> int:
        return len(self._young.keys() | self._old.keys())
