"""The API's view of the alerting configuration — rules (``config.rules``) and webhook subscriptions
(``config.subscriptions``) — and writes that return only once that view shows them. I/O shell.

It is a :class:`~api.config.follower.FollowedConfig`, like the store of tenants, queries and sources: a
background thread replays both compacted topics then follows them, so an API restart rebuilds the same
state from Kafka and the alerting workers (which follow the same topics) see exactly what the API
shows. A write produces the record (the same record as :func:`alerting.config_publish.publish_rules`)
and waits until the follower applied its offset (read-your-writes). Read-modify-write sequences hold
:attr:`AlertConfigStore.mutation`.

Records are applied like :class:`alerting.config_reader.ConfigTable` does: a tombstone or a record
that does not validate removes the entry (a half-understood rule is worse than none), logged with its
position.

Failures: :class:`~api.config.store.ConfigUnavailable` (API: 503) when the view is not loaded yet, or a
write is not acknowledged and applied in time (Kafka down). The follower retries on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from pydantic import ValidationError

from api.config.follower import FollowedConfig
from ecoute.config_topics import ConfigWriter
from ecoute.settings import Settings
from schemas.rules import AlertRule
from schemas.topics import CONFIG_RULES, CONFIG_SUBSCRIPTIONS
from schemas.webhooks import WebhookSubscription

log = logging.getLogger(__name__)
TOPICS = (CONFIG_RULES, CONFIG_SUBSCRIPTIONS)
READY_WAIT_S = 10.0  # start-up: how long the API waits for the history when Kafka answers


@dataclass
class AlertConfigView:
    """Rules and subscriptions by ``(tenant, id)``. Pure; :meth:`apply` never raises."""

    rules: dict[tuple[str, str], AlertRule] = field(default_factory=dict)
    subscriptions: dict[tuple[str, str], WebhookSubscription] = field(default_factory=dict)

    def apply(self, logical_topic: str, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        key_text = (key or b"").decode("utf-8", "replace")
        tenant, _, entity = key_text.partition(":")
        table: dict[tuple[str, str], AlertRule] | dict[tuple[str, str], WebhookSubscription]
        model: type[AlertRule] | type[WebhookSubscription]
        if logical_topic == CONFIG_RULES.name:
            table, model = self.rules, AlertRule
        elif logical_topic == CONFIG_SUBSCRIPTIONS.name:
            table, model = self.subscriptions, WebhookSubscription
        else:
            return
        table.pop((tenant, entity), None)
        if value is None:
            return
        try:
            entry = model.model_validate_json(value)
        except ValidationError as exc:
            log.warning(
                "ignoring invalid %s: %s",
                model.__name__,
                str(exc)[:300],
                extra={"topic": logical_topic, "key": key_text, "at": where},
            )
            return
        if entry.key != key_text:
            log.warning("record stored under a foreign key ignored", extra={"key": key_text, "at": where})
            return
        table[(entry.tenant, entry.id)] = entry  # type: ignore[assignment]

    def sizes(self) -> dict[str, int]:
        return {"rules": len(self.rules), "subscriptions": len(self.subscriptions)}

    def tenant_rules(self, tenant: str) -> list[AlertRule]:
        return sorted((r for (t, _), r in self.rules.items() if t == tenant), key=lambda r: r.id)

    def tenant_subscriptions(self, tenant: str) -> list[WebhookSubscription]:
        return sorted((s for (t, _), s in self.subscriptions.items() if t == tenant), key=lambda s: s.id)


class AlertConfigStore(FollowedConfig[AlertConfigView]):
    def __init__(self, settings: Settings, writer: ConfigWriter | None = None) -> None:
        super().__init__(settings, AlertConfigView(), TOPICS, what="alert configuration", writer=writer)


# --- wiring --------------------------------------------------------------------------------------
@asynccontextmanager
async def alert_config_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Router lifespan (of both the alert and the webhook routers: the first one starts the store, the
    other finds it running). Runs after the application's own start-up, so settings and the main
    configuration store exist; waits briefly for the history when Kafka answered the main store, never
    when it did not (requests then answer 503 until the history is loaded)."""
    running: AlertConfigStore | None = getattr(app.state, "alert_config", None)
    if running is not None and running.running:
        yield
        return
    store = AlertConfigStore(app.state.settings)
    app.state.alert_config = store
    store.start()
    if getattr(app.state.config, "ready", False):
        await asyncio.to_thread(store.wait_ready, READY_WAIT_S)
    try:
        yield
    finally:
        store.stop()


def get_alert_config(request: Request) -> AlertConfigStore:
    store: AlertConfigStore = request.app.state.alert_config
    return store


AlertConfigDep = Annotated[AlertConfigStore, Depends(get_alert_config)]
