"""A single-node Apache Kafka broker in KRaft mode (broker + controller), from the real broker jars.

Jars: ``org.apache.kafka:kafka_2.13:<version>`` and its runtime dependencies, resolved by Maven; main
class ``kafka.Kafka``. Storage is formatted once (``kafka.tools.StorageTool``); data, log and pid file
live in the state directory.
"""

from __future__ import annotations

import logging
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from deploy.stack.errors import StackError
from deploy.stack.java import JavaRuntime
from deploy.stack.maven import resolve_classpath
from deploy.stack.process import ManagedProcess
from ecoute.kafka import broker_reachable

log = logging.getLogger(__name__)

SLF4J_BINDING = "org.slf4j:slf4j-simple:1.7.36"


@dataclass(frozen=True, slots=True)
class KafkaConfig:
    version: str
    port: int
    controller_port: int
    heap: str
    cache_dir: Path
    state_dir: Path

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def run_dir(self) -> Path:
        return self.state_dir / f"kafka-{self.port}"


def server_properties(cfg: KafkaConfig, data_dir: Path) -> str:
    """Broker configuration: loopback only, single node, replication factor 1 everywhere."""
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{cfg.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{cfg.port},CONTROLLER://127.0.0.1:{cfg.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{cfg.port}",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            f"log.dirs={data_dir}",
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=10",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "log.retention.check.interval.ms=60000",
            "",
        ]
    )


class KafkaServer:
    """Install, start, check and stop the local broker."""

    def __init__(self, cfg: KafkaConfig) -> None:
        self.cfg = cfg
        self.process = ManagedProcess("kafka", cfg.run_dir)

    def install(self) -> Path:
        """Resolve the broker jars (cached). Returns the lib directory."""
        return resolve_classpath(
            "kafka",
            [f"org.apache.kafka:kafka_2.13:{self.cfg.version}", SLF4J_BINDING],
            self.cfg.cache_dir / f"kafka-{self.cfg.version}",
        )

    def _java(self, java: JavaRuntime, lib: Path, *args: str) -> list[str]:
        return [str(java.java), f"-Xms{self.cfg.heap}", f"-Xmx{self.cfg.heap}", "-cp", f"{lib}/*", *args]

    def _format_storage(self, java: JavaRuntime, lib: Path, props: Path, data_dir: Path) -> None:
        if (data_dir / "meta.properties").exists():
            return
        cluster_id = uuid.uuid4().hex[:22]
        proc = subprocess.run(
            self._java(java, lib, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            raise StackError(f"kafka storage format failed:\n{(proc.stdout + proc.stderr)[-3000:]}")

    def start(self, java: JavaRuntime, timeout_s: float) -> bool:
        """Start if not running; wait until it answers. Returns True if this call started it."""
        if self.process.pid() is not None:
            self.process.wait_healthy(self.healthy, timeout_s)
            return False
        lib = self.install()
        run = self.cfg.run_dir
        data_dir = run / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        props = run / "server.properties"
        props.write_text(server_properties(self.cfg, data_dir))
        self._format_storage(java, lib, props, data_dir)
        env = {**os.environ, "JAVA_HOME": str(java.home)}
        argv = self._java(java, lib, f"-Decoute.marker={run}", "kafka.Kafka", str(props))
        self.process.start(argv, env, cwd=run)
        self.process.wait_healthy(self.healthy, timeout_s)
        return True

    def healthy(self) -> bool:
        """The broker answers a metadata request and has a controller."""
        return broker_reachable(self.cfg.bootstrap, timeout_s=3.0)
