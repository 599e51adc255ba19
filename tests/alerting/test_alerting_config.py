"""The live rule/subscription books built from compacted-topic records (pure part)."""

from __future__ import annotations

import logging

import pytest

from alerting.config_reader import ConfigTable, RuleBook, SubscriptionBook
from schemas.rules import AlertRule
from schemas.webhooks import WebhookSubscription
from tests.alerting.factories import T0, rule


def test_records_add_replace_delete_and_invalid_ones_remove(caplog: pytest.LogCaptureFixture) -> None:
    book = RuleBook()
    table: ConfigTable[AlertRule] = ConfigTable(AlertRule, on_change=book.replace)
    crisis = rule("crise", {"kind": "match"})
    table.apply(crisis.key.encode(), crisis.model_dump_json().encode())
    assert [r.id for r in book.for_query("acme", "bonval")] == ["crise"]
    moved = crisis.model_copy(update={"query_id": "autre"})
    table.apply(crisis.key.encode(), moved.model_dump_json().encode())
    assert book.for_query("acme", "bonval") == () and book.get("acme", "crise") == moved
    with caplog.at_level(logging.WARNING):
        table.apply(crisis.key.encode(), b'{"tenant": "acme"}', where="config.rules/0@7")
    assert book.get("acme", "crise") is None  # a half-valid rule is worse than none
    assert any(getattr(r, "at", "") == "config.rules/0@7" for r in caplog.records)
    table.apply(crisis.key.encode(), crisis.model_dump_json().encode())
    table.apply(crisis.key.encode(), None)  # tombstone
    assert len(book) == 0


def test_entries_under_a_foreign_key_are_ignored() -> None:
    crisis = rule("crise", {"kind": "match"})
    assert len(RuleBook({"other:crise": crisis})) == 0
    sub = WebhookSubscription(
        tenant="acme",
        id="h",
        url="https://h.example/x",
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        updated_at=T0,
    )
    book = SubscriptionBook({sub.key: sub, "evil:h": sub})
    assert book.for_tenant("acme") == (sub,) and book.for_tenant("evil") == () and len(book) == 1
