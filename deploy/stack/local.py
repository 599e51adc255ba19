"""`ecoute stack up | down | status`: the local Kafka + Elasticsearch, or the external ones if set.

When ``ECOUTE_KAFKA_BOOTSTRAP`` / ``ECOUTE_ES_URL`` are set, that server is used as is and nothing is
started or stopped for it. ``up`` is idempotent; ``down`` stops only processes whose pid files we wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from deploy.stack.elasticsearch import ElasticsearchConfig, ElasticsearchServer, elasticsearch_healthy
from deploy.stack.java import JavaRuntime, find_java
from deploy.stack.kafka import KafkaConfig, KafkaServer
from deploy.stack.process import ManagedProcess
from ecoute.kafka import broker_reachable
from ecoute.settings import Settings

log = logging.getLogger(__name__)

MIN_JAVA = 17


@dataclass(frozen=True, slots=True)
class ServerStatus:
    name: str
    address: str
    managed: bool  # started by us (False: external)
    running: bool
    healthy: bool
    pid: int | None
    started_now: bool = False


def kafka_server(settings: Settings) -> KafkaServer:
    return KafkaServer(
        KafkaConfig(
            version=settings.kafka_version,
            port=settings.kafka_port,
            controller_port=settings.kafka_controller_port,
            heap=settings.kafka_heap,
            cache_dir=settings.cache_dir,
            state_dir=settings.state_dir,
        )
    )


def elasticsearch_server(settings: Settings) -> ElasticsearchServer:
    return ElasticsearchServer(
        ElasticsearchConfig(
            version=settings.es_version,
            port=settings.es_port,
            heap=settings.es_heap,
            cache_dir=settings.cache_dir,
            state_dir=settings.state_dir,
        )
    )


Which = Literal["kafka", "elasticsearch"]
ALL: tuple[Which, ...] = ("kafka", "elasticsearch")


class LocalServer(Protocol):
    """What the stack needs of a server it manages (Kafka and Elasticsearch both fit)."""

    process: ManagedProcess

    def start(self, java: JavaRuntime, timeout_s: float) -> bool: ...
    def healthy(self) -> bool: ...


def _external(settings: Settings, which: Which) -> tuple[str | None, Callable[[str], bool]]:
    """The external address configured for ``which`` (None: run it locally) and its health check."""
    if which == "kafka":
        return settings.kafka_bootstrap, broker_reachable
    return settings.es_url, elasticsearch_healthy


def _local(settings: Settings, which: Which) -> tuple[LocalServer, str]:
    if which == "kafka":
        kafka = kafka_server(settings)
        return kafka, kafka.cfg.bootstrap
    es = elasticsearch_server(settings)
    return es, es.cfg.url


def stack_up(settings: Settings, which: tuple[Which, ...] = ALL) -> list[ServerStatus]:
    """Start what is not external and not running; wait for health. Raises StackError on failure."""
    need_local = any(_external(settings, w)[0] is None for w in which)
    java = find_java(MIN_JAVA, explicit=settings.java_home) if need_local else None
    statuses: list[ServerStatus] = []
    for name in which:
        address, check = _external(settings, name)
        if address is not None:
            ok = check(address)
            statuses.append(ServerStatus(name, address, False, ok, ok, None))
            continue
        assert java is not None
        server, local_address = _local(settings, name)
        started = server.start(java, settings.stack_start_timeout_s)
        statuses.append(ServerStatus(name, local_address, True, True, True, server.process.pid(), started))
    return statuses


def stack_down(settings: Settings) -> list[str]:
    """Stop the servers we started (never external ones). Returns the names stopped."""
    return [
        name
        for name in ALL
        if _external(settings, name)[0] is None and _local(settings, name)[0].process.stop()
    ]


def stack_status(settings: Settings) -> list[ServerStatus]:
    """Where each server is and whether it answers (never starts anything)."""
    out = []
    for name in ALL:
        address, check = _external(settings, name)
        if address is not None:
            ok = check(address)
            out.append(ServerStatus(name, address, False, ok, ok, None))
            continue
        server, local_address = _local(settings, name)
        pid = server.process.pid()
        out.append(
            ServerStatus(
                name, local_address, True, pid is not None, pid is not None and server.healthy(), pid
            )
        )
    return out
