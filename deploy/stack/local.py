"""`ecoute stack up | down | status`: the local Kafka + Elasticsearch, or the external ones if set.

When ``ECOUTE_KAFKA_BOOTSTRAP`` / ``ECOUTE_ES_URL`` are set, that server is used as is and nothing is
started or stopped for it. ``up`` is idempotent; ``down`` stops only processes whose pid files we wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from deploy.stack.elasticsearch import ElasticsearchConfig, ElasticsearchServer, elasticsearch_healthy
from deploy.stack.java import find_java
from deploy.stack.kafka import KafkaConfig, KafkaServer
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


def stack_up(settings: Settings, which: tuple[Which, ...] = ("kafka", "elasticsearch")) -> list[ServerStatus]:
    """Start what is not external and not running; wait for health. Raises StackError on failure."""
    statuses: list[ServerStatus] = []
    need_local = ("kafka" in which and not settings.kafka_bootstrap) or (
        "elasticsearch" in which and not settings.es_url
    )
    java = find_java(MIN_JAVA, explicit=settings.java_home) if need_local else None
    if "kafka" in which:
        if settings.kafka_bootstrap:
            ok = broker_reachable(settings.kafka_bootstrap)
            statuses.append(ServerStatus("kafka", settings.kafka_bootstrap, False, ok, ok, None))
        else:
            assert java is not None
            server = kafka_server(settings)
            started = server.start(java, settings.stack_start_timeout_s)
            statuses.append(
                ServerStatus("kafka", server.cfg.bootstrap, True, True, True, server.process.pid(), started)
            )
    if "elasticsearch" in which:
        if settings.es_url:
            ok = elasticsearch_healthy(settings.es_url)
            statuses.append(ServerStatus("elasticsearch", settings.es_url, False, ok, ok, None))
        else:
            assert java is not None
            es = elasticsearch_server(settings)
            started = es.start(java, settings.stack_start_timeout_s)
            statuses.append(
                ServerStatus("elasticsearch", es.cfg.url, True, True, True, es.process.pid(), started)
            )
    return statuses


def stack_down(settings: Settings) -> list[str]:
    """Stop the servers we started (never external ones). Returns the names stopped."""
    stopped = []
    if not settings.kafka_bootstrap and kafka_server(settings).process.stop():
        stopped.append("kafka")
    if not settings.es_url and elasticsearch_server(settings).process.stop():
        stopped.append("elasticsearch")
    return stopped


def stack_status(settings: Settings) -> list[ServerStatus]:
    """Where each server is and whether it answers (never starts anything)."""
    out = []
    if settings.kafka_bootstrap:
        ok = broker_reachable(settings.kafka_bootstrap)
        out.append(ServerStatus("kafka", settings.kafka_bootstrap, False, ok, ok, None))
    else:
        k = kafka_server(settings)
        pid = k.process.pid()
        out.append(
            ServerStatus(
                "kafka", k.cfg.bootstrap, True, pid is not None, pid is not None and k.healthy(), pid
            )
        )
    if settings.es_url:
        ok = elasticsearch_healthy(settings.es_url)
        out.append(ServerStatus("elasticsearch", settings.es_url, False, ok, ok, None))
    else:
        e = elasticsearch_server(settings)
        pid = e.process.pid()
        out.append(
            ServerStatus(
                "elasticsearch", e.cfg.url, True, pid is not None, pid is not None and e.healthy(), pid
            )
        )
    return out
