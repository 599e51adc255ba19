"""Start, find and stop a detached server process, with a pid file and a log file.

A pid file records the process start time (``/proc/<pid>/stat``); it is only trusted while that pid
still has the same start time, so a recycled pid is never killed by mistake.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from deploy.stack.errors import StackError

log = logging.getLogger(__name__)


def log_tail(path: Path, lines: int = 40) -> str:
    """Last lines of a log file ('' if absent)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            return "\n".join(fh.read().decode("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


def _proc_identity(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) of a live process, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return fields[0], fields[19]


@dataclass(frozen=True, slots=True)
class ManagedProcess:
    """A server we start in the background: ``name`` for messages, files under ``run_dir``."""

    name: str
    run_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.run_dir / f"{self.name}.log"

    def pid(self) -> int | None:
        """Pid of our running process, or None (stale pid files are removed)."""
        try:
            record = json.loads(self.pid_file.read_text())
            pid, started = int(record["pid"]), str(record["starttime"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        identity = _proc_identity(pid)
        if identity is not None and identity[1] == started and identity[0] not in ("Z", "X"):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: Path,
        user: int | None = None,
        group: int | None = None,
    ) -> int:
        """Start ``argv`` detached (own session), stdout+stderr to the log file; returns the pid."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=user,
                group=group,
                extra_groups=[] if user is not None else None,
            )
        identity = _proc_identity(proc.pid)
        self.pid_file.write_text(
            json.dumps({"pid": proc.pid, "starttime": identity[1] if identity else "?", "argv": list(argv)})
        )
        log.info("started %s", self.name, extra={"pid": proc.pid, "log": str(self.log_file)})
        return proc.pid

    def wait_healthy(self, check: Callable[[], bool], timeout_s: float) -> None:
        """Poll ``check`` until true; raise :class:`StackError` with the log tail on death or timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise StackError(f"{self.name} exited during start-up. Log tail:\n{log_tail(self.log_file)}")
            with contextlib.suppress(Exception):
                if check():
                    return
            time.sleep(0.5)
        raise StackError(
            f"{self.name} not healthy after {timeout_s:.0f}s. Log tail ({self.log_file}):\n"
            f"{log_tail(self.log_file)}"
        )

    def stop(self, timeout_s: float = 30.0) -> bool:
        """SIGTERM, then SIGKILL after ``timeout_s``. True if a process was stopped."""
        pid = self.pid()
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.pid() is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.2)
        if self.pid() is not None:
            log.warning("%s ignored SIGTERM; killing", self.name, extra={"pid": pid})
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            time.sleep(0.5)
        self.pid_file.unlink(missing_ok=True)
        return True
