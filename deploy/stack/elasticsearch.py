"""A single-node Elasticsearch from the ``integ-test-zip`` distribution, resolved by Maven.

That distribution has no x-pack features beyond security (disabled here), no analysis-common module and
no reindex module: ecoute uses plain indices behind aliases and normalises text in Python.
Elasticsearch refuses to run as root, so when we are root it runs as ``nobody`` from a directory under
the system temp dir that ``nobody`` can reach.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.stack.java import JavaRuntime
from deploy.stack.maven import resolve_artifact
from deploy.stack.process import ManagedProcess

log = logging.getLogger(__name__)
NOBODY_UID = 65534
NOBODY_GID = 65534


@dataclass(frozen=True, slots=True)
class ElasticsearchConfig:
    version: str
    port: int
    heap: str
    cache_dir: Path
    state_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def coordinate(self) -> str:
        return f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{self.version}:zip"

    @property
    def run_dir(self) -> Path:
        """Data, config, logs. When root, a directory ``nobody`` can reach (unique per state dir)."""
        if os.geteuid() != 0:
            return self.state_dir / f"elasticsearch-{self.port}"
        tag = hashlib.sha256(str(self.state_dir.resolve()).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"ecoute-es-{tag}-{self.port}"


def _extract(archive: Path, dest: Path) -> Path:
    """Unzip ``archive`` into ``dest`` once (keeping exec bits); returns the distribution home."""
    marker = dest / ".complete"
    with zipfile.ZipFile(archive) as zf:
        top = zf.namelist()[0].split("/")[0]
        home = dest / top
        if marker.exists() and home.is_dir():
            return home
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)
    marker.write_text(archive.name)
    return home


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


class ElasticsearchServer:
    """Install, start, check and stop the local Elasticsearch."""

    def __init__(self, cfg: ElasticsearchConfig) -> None:
        self.cfg = cfg
        self.process = ManagedProcess("elasticsearch", cfg.run_dir)

    def install(self) -> Path:
        """Resolve and extract the distribution (cached). Returns its home inside the run dir."""
        archive = resolve_artifact(self.cfg.coordinate, self.cfg.cache_dir / "elasticsearch")
        return _extract(archive, self.cfg.run_dir / "dist")

    def start(self, java: JavaRuntime, timeout_s: float) -> bool:
        """Start if not running; wait for green/yellow health. True if this call started it."""
        if self.process.pid() is not None:
            self.process.wait_healthy(self.healthy, timeout_s)
            return False
        home = self.install()
        run = self.cfg.run_dir
        conf = run / "config"
        for sub in ("data", "logs", "tmp"):
            (run / sub).mkdir(parents=True, exist_ok=True)
        shutil.rmtree(conf, ignore_errors=True)
        shutil.copytree(home / "config", conf)
        (conf / "elasticsearch.yml").write_text(
            "\n".join(
                [
                    "cluster.name: ecoute-local",
                    "node.name: ecoute-es",
                    "discovery.type: single-node",
                    "network.host: 127.0.0.1",
                    f"http.port: {self.cfg.port}",
                    "transport.port: 0",
                    f"path.data: {run / 'data'}",
                    f"path.logs: {run / 'logs'}",
                    "xpack.security.enabled: false",
                    "action.destructive_requires_name: false",
                    "cluster.routing.allocation.disk.threshold_enabled: false",
                    "",
                ]
            )
        )
        user = group = None
        if os.geteuid() == 0:
            os.chmod(run, 0o755)
            _chown_tree(run, NOBODY_UID, NOBODY_GID)
            user, group = NOBODY_UID, NOBODY_GID
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ES_")},
            "ES_JAVA_HOME": str(java.home),
            "ES_PATH_CONF": str(conf),
            "ES_TMPDIR": str(run / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.cfg.heap} -Xmx{self.cfg.heap} -Decoute.marker={run}",
            "HOME": str(run),
        }
        self.process.start([str(home / "bin" / "elasticsearch")], env, cwd=run, user=user, group=group)
        self.process.wait_healthy(self.healthy, timeout_s)
        return True

    def healthy(self) -> bool:
        return elasticsearch_healthy(self.cfg.url)


def elasticsearch_healthy(url: str, timeout_s: float = 3.0) -> bool:
    """True if the cluster at ``url`` reports green or yellow health."""
    try:
        resp = httpx.get(f"{url.rstrip('/')}/_cluster/health", timeout=timeout_s)
    except httpx.HTTPError:
        return False
    return resp.status_code == 200 and resp.json().get("status") in ("green", "yellow")
