"""The API's Elasticsearch calls (thin): search the tenant documents, fetch one, page through all.

Failure modes: the client's ``TransportError`` (unreachable) and ``ApiError`` (refused) propagate and
are turned into 503/422 by :mod:`api.errors`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final

from elasticsearch import Elasticsearch, NotFoundError

from api.services.search import HIDDEN_SOURCE
from ecoute import mentions_index
from ecoute.settings import Settings

PIT_KEEP_ALIVE: Final = "2m"


def tenant_index(settings: Settings) -> str:
    return mentions_index.alias(settings.index_prefix, "tenant-mentions")


def search(es: Elasticsearch, index: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = es.search(index=index, ignore_unavailable=True, allow_no_indices=True, **body)
    return dict(resp.body)


def find_mention(es: Elasticsearch, index: str, tenant: str, mention_id: str) -> dict[str, Any] | None:
    """The tenant's document of ``mention_id`` (with ``_seq_no``/``_primary_term``), or None."""
    resp = search(
        es,
        index,
        {
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"tenant": tenant}},
                        {"ids": {"values": [mentions_index.tenant_doc_id(tenant, mention_id)]}},
                    ]
                }
            },
            "size": 1,
            "seq_no_primary_term": True,
            "_source": {"excludes": ["q_*", "text_fr", "text_en"]},
        },
    )
    hits = resp["hits"]["hits"]
    return dict(hits[0]) if hits else None


class PitPager:
    """Every hit of a query in sort order, through a point in time and ``search_after``.

    The first page is fetched by :meth:`start` (so errors surface before a streamed response begins);
    iterate afterwards. The point in time is closed when the iteration ends or :meth:`close` is called.
    """

    def __init__(
        self,
        es: Elasticsearch,
        index: str,
        query: dict[str, Any],
        sort: list[dict[str, str]],
        limit: int,
        page: int = 1000,
    ) -> None:
        self.es, self.index, self.query, self.sort = es, index, query, sort
        self.limit, self.page = limit, page
        self._pit: str | None = None
        self._first: list[dict[str, Any]] = []

    def start(self) -> PitPager:
        try:
            self._pit = str(self.es.open_point_in_time(index=self.index, keep_alive=PIT_KEEP_ALIVE)["id"])
        except NotFoundError:  # no index yet: nothing to export
            return self
        try:
            self._first = self._fetch(None, min(self.page, self.limit))
        except Exception:
            self.close()
            raise
        return self

    def _fetch(self, after: list[Any] | None, size: int) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "query": self.query,
            "sort": self.sort,
            "size": size,
            "pit": {"id": self._pit, "keep_alive": PIT_KEEP_ALIVE},
            "_source": {"excludes": HIDDEN_SOURCE},
            "track_total_hits": False,
        }
        if after is not None:
            body["search_after"] = after
        resp = self.es.search(**body)
        self._pit = str(resp.get("pit_id", self._pit))
        return [dict(h) for h in resp["hits"]["hits"]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            hits, sent = self._first, 0
            while hits:
                yield from hits
                sent += len(hits)
                if sent >= self.limit or len(hits) < self.page:
                    break
                hits = self._fetch(hits[-1]["sort"], min(self.page, self.limit - sent))
        finally:
            self.close()

    def close(self) -> None:
        if self._pit is not None:
            pit, self._pit = self._pit, None
            with contextlib.suppress(Exception):  # it expires by itself anyway
                self.es.close_point_in_time(id=pit)
