"""Resolve server artifacts from Maven Central by coordinates, with ``mvn``, into a cache directory.

Downloads happen once; later calls find the files in the cache and return at once.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from deploy.stack.errors import StackError

log = logging.getLogger(__name__)

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ecoute.stack</groupId><artifactId>{name}-runtime</artifactId><version>1</version>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEP = "    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"


def _mvn() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("`mvn` (Apache Maven) is needed to resolve Kafka and Elasticsearch; install it")
    return mvn


def _run(args: list[str], cwd: Path, what: str) -> None:
    log.info("resolving %s with maven", what, extra={"cwd": str(cwd)})
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        raise StackError(f"maven could not resolve {what}:\n{tail}")


def resolve_classpath(name: str, coordinates: list[str], dest: Path) -> Path:
    """Copy ``coordinates`` (``group:artifact:version``) and their runtime dependencies into ``dest/lib``.

    Returns the lib directory. A ``.complete`` marker makes the result reusable across runs.
    """
    lib = dest / "lib"
    marker = dest / ".complete"
    if marker.exists():
        return lib
    dest.mkdir(parents=True, exist_ok=True)
    deps = "\n".join(_DEP.format(g=g, a=a, v=v) for g, a, v in (c.split(":") for c in coordinates))
    (dest / "pom.xml").write_text(_POM.format(name=name, dependencies=deps))
    _run(
        [
            _mvn(),
            "-q",
            "-B",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={lib}",
            "-DincludeScope=runtime",
        ],
        dest,
        name,
    )
    marker.write_text("\n".join(coordinates))
    return lib


def resolve_artifact(coordinate: str, dest: Path) -> Path:
    """Copy one artifact (``group:artifact:version:type``) into ``dest``; returns the file path."""
    _group, artifact, version, kind = coordinate.split(":")
    target = dest / f"{artifact}-{version}.{kind}"
    if target.exists():
        return target
    dest.mkdir(parents=True, exist_ok=True)
    _run(
        [_mvn(), "-q", "-B", "dependency:copy", f"-Dartifact={coordinate}", f"-DoutputDirectory={dest}"],
        dest,
        coordinate,
    )
    if not target.exists():
        raise StackError(f"maven reported success but {target} is missing")
    return target
