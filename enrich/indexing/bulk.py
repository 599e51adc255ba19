"""One bulk request, with each item's outcome classified. Network-level failures raise.

Item statuses: 2xx → written; 429 and 5xx → retryable (Elasticsearch is overloaded or recovering);
409 → retryable too (a version conflict with a concurrent per-tenant state update from the API that
outlasted ``retry_on_conflict``, or a ``create`` of a document that exists: the document is fine, the
write just has to be repeated, as an upsert for a ``create``); other 4xx →
rejected for good (mapping conflict, bad document): the caller dead-letters them with Elasticsearch's
reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

Action = dict[str, Any]
RETRY_ON_CONFLICT = 5
RESPONSE_FIELDS = ["items.*.status", "items.*.error"]  # all that the classification reads


@dataclass(slots=True)
class BulkOutcome:
    written: int = 0
    retry: list[Action] = field(default_factory=list)
    """Actions to send again: 409, 429 and 5xx answers."""
    conflicts: list[Action] = field(default_factory=list)
    """The 409s among them (the document exists, or changed under the write)."""
    rejected: list[tuple[Action, str]] = field(default_factory=list)


def to_operations(actions: list[Action]) -> list[dict[str, Any]]:
    """Bulk body lines for ``update``/``index`` actions built by :mod:`enrich.indexing.documents`."""
    ops: list[dict[str, Any]] = []
    for action in actions:
        op = action["_op_type"]
        meta: dict[str, Any] = {"_index": action["_index"], "_id": action["_id"]}
        if op == "update":
            meta["retry_on_conflict"] = RETRY_ON_CONFLICT
        ops.append({op: meta})
        if op == "update":
            ops.append({"doc": action["doc"], "doc_as_upsert": action.get("doc_as_upsert", False)})
        else:
            ops.append(action["_source"])
    return ops


def write_bulk(es: Elasticsearch, actions: list[Action], *, refresh: bool = False) -> BulkOutcome:
    """Send ``actions`` in one bulk request. Raises ``elasticsearch.TransportError`` (and subclasses)
    when the cluster cannot be reached or refuses the whole request."""
    outcome = BulkOutcome()
    if not actions:
        return outcome
    resp = es.bulk(
        operations=to_operations(actions),
        refresh="wait_for" if refresh else False,
        filter_path=RESPONSE_FIELDS,  # a fifth of the response to parse
    )
    for action, item in zip(actions, resp["items"], strict=True):
        result = next(iter(item.values()))
        status = int(result.get("status", 500))
        if status < 300:
            outcome.written += 1
        elif status in (409, 429) or status >= 500:
            outcome.retry.append(action)
            if status == 409:
                outcome.conflicts.append(action)
        else:
            error = result.get("error") or {}
            reason = (
                f"{error.get('type', 'error')}: {error.get('reason', '')}"
                if isinstance(error, dict)
                else str(error)
            )
            outcome.rejected.append((action, f"HTTP {status} {reason}"[:2000]))
    return outcome
