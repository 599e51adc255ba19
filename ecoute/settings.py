"""One frozen settings object per process, read from the environment (prefix ``ECOUTE_``).

Every stage calls :func:`get_settings` once at start-up and passes the object (or the values it needs)
down; nothing reads ``os.environ`` elsewhere. Invalid values fail fast with pydantic's validation error.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".cache" / "ecoute"


class Settings(BaseSettings):
    """Process settings. Paths are created on demand by the code that uses them."""

    model_config = SettingsConfigDict(env_prefix="ECOUTE_", frozen=True, extra="ignore")

    # --- where the servers are: set these to use existing servers; nothing is started then
    kafka_bootstrap: str | None = Field(default=None, description="host:port of an existing Kafka broker")
    es_url: str | None = Field(default=None, description="URL of an existing Elasticsearch")

    # --- the local stack started by `ecoute stack up`
    home: Path = Field(default_factory=_default_home, description="cache (downloads) and state directory")
    kafka_version: str = "4.1.1"
    kafka_port: int = 19092
    kafka_controller_port: int = 19093
    kafka_heap: str = "512m"
    es_version: str = "8.19.21"
    es_port: int = 19200
    es_heap: str = "768m"
    java_home: Path | None = Field(default=None, description="JDK to run the servers; found if unset")
    stack_start_timeout_s: float = 180.0
    testcontainers: bool = Field(default=False, description="tests use testcontainers (needs Docker)")

    # --- naming: prefixes isolate tests and deployments sharing one broker / cluster
    topic_prefix: str = ""
    index_prefix: str = "ecoute"
    consumer_group_prefix: str = "ecoute"
    topic_partitions: int = Field(default=3, ge=1, description="partitions for topics created by ecoute")

    # --- processing
    # Faust stages' fetches: the broker answers once this many bytes are there or after this wait
    # (ecoute/faust_fetch.py), instead of for every record. The wait is paid by each record when
    # traffic is light, and each idle consumer fetches 1000/wait times a second: 20 ms for the
    # enrichment worker (on every path), 500 ms for the NER worker (off the hot path; idle most of
    # the time), the alerting worker's in alerting/settings.py (20 ms)
    faust_fetch_min_bytes: int = Field(default=65536, ge=1)
    faust_fetch_max_wait_ms: int = Field(default=20, ge=0)
    ner_fetch_max_wait_ms: int = Field(default=500, ge=0)
    # a batch fills in 0.2 s at 1,000 mentions/s: smaller batches cost no measurable CPU (Faust's cost
    # is per event) and take ~0.25 s off both published → searchable and published → webhook
    enrich_batch_size: int = Field(default=200, ge=1)
    enrich_batch_within_s: float = Field(default=0.2, gt=0)
    ner_scope: Literal["matched", "all", "none"] = Field(
        default="matched", description="which mentions get spaCy NER (people, organisations, places)"
    )
    # spaCy's encoder runs on padded batches: 256 mentions (~150 texts per language and call) cost
    # 0.69-0.81 ms of CPU per text against 0.84-0.88 with 64 (3,000 generated mentions, 4 runs)
    ner_batch_size: int = Field(default=256, ge=1)
    # the NER worker tags a batch only while other processes leave room on the machine's CPUs: it waits
    # while they keep at least this share busy (above 1: never waits), at most ner_yield_max_wait_s
    # per batch (enrich/cpu_room.py)
    ner_yield_busy_share: float = Field(default=0.8, gt=0)
    ner_yield_max_wait_s: float = Field(default=30.0, ge=0)
    index_ner: bool = Field(
        default=True,
        description="the index sink runs NER itself while it keeps up (entities written with the mention,"
        " once); off: every mention in scope goes to the NER worker and its entities come as updates",
    )
    index_batch_size: int = Field(default=1000, ge=1)
    # NER's entity updates wait while the newest mention of a sink batch is at least this old (the sink
    # has a backlog of mentions), and resume once it is at most half as old (enrich/indexing/sink.py)
    index_entities_wait_s: float = Field(default=1.0, gt=0)
    # ...and a sink batch applies at most this many of them (each re-indexes the mention's documents)
    index_entities_per_batch: int = Field(default=200, ge=1)
    # counted from the previous batch's start: a sink busy for longer takes what came at once
    index_batch_within_s: float = Field(default=0.25, gt=0)
    # Elasticsearch makes new documents searchable every this many seconds (the mention indices'
    # refresh_interval, applied by the index sink and the API at start, to existing indices too): the
    # largest fixed part of published → searchable; each refresh costs Elasticsearch CPU. The default
    # is ecoute.mentions_index.REFRESH_INTERVAL_S (measured there), not imported: settings stay light
    index_refresh_interval_s: float = Field(default=0.5, ge=0.001, le=3600)
    index_max_retries: int = Field(default=8, ge=0)

    # --- ingest
    http_timeout_s: float = Field(default=15.0, gt=0)
    max_feed_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_text_chars: int = Field(default=20_000, gt=0)
    user_agent: str = "ecoute/0.1 (+https://github.com/ecoute/ecoute; social listening)"
    allow_private_urls: bool = Field(default=False, description="let feeds on loopback/private ranges")

    # --- api
    admin_key: SecretStr | None = Field(
        default=None, description="administrator API key; generated under state_dir when unset"
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    log_level: str = "INFO"
    log_json: bool = False

    @property
    def cache_dir(self) -> Path:
        """Downloads (Maven artifacts): kept across `stack down`."""
        return self.home / "cache"

    @property
    def state_dir(self) -> Path:
        """Server data, logs and pid files of the local stack."""
        return self.home / "state"

    @property
    def effective_kafka_bootstrap(self) -> str:
        return self.kafka_bootstrap or f"127.0.0.1:{self.kafka_port}"

    @property
    def effective_es_url(self) -> str:
        return self.es_url or f"http://127.0.0.1:{self.es_port}"

    def topic(self, logical_name: str) -> str:
        """Physical topic name for a registry name (the prefix isolates tests/deployments)."""
        return f"{self.topic_prefix}{logical_name}"

    def group(self, stage: str) -> str:
        """Consumer group id of a stage."""
        return f"{self.consumer_group_prefix}.{self.topic_prefix}{stage}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
