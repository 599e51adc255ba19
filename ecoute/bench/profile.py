"""Sampling profiles of running processes with py-spy, for ``ecoute bench e2e --profile``.

:class:`Profiler` attaches one ``py-spy record`` (non-blocking: the target is never paused) to each
named process, until :meth:`Profiler.stop`; py-spy writes collapsed stacks ("frame;frame;… count"
lines, the input of flame-graph tools and speedscope) to ``<out_dir>/<label>-<name>.txt``.
:func:`summarise` turns such a file into where the process spent its active samples: the functions
on top of the stack (self) and our own functions anywhere on it (inclusive).

Failure modes: no py-spy binary, a process that is gone, or no permission to read another process's
memory (ptrace) — that process's summary says so under ``"error"``; profiling never ends the
benchmark. py-spy costs CPU of its own (a few percent of a core per target at 50 Hz), so a profiled
run's figures are not compared with unprofiled ones.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OWN_PACKAGES = ("ecoute/", "enrich/", "alerting/", "ingest/", "api/", "schemas/")
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def frame_key(frame: str) -> str:
    """``"Lexicon.score (enrich/langid/lexicon.py:97)"`` → ``"Lexicon.score (enrich/langid/lexicon.py)"``:
    a function's samples at different lines count together. Frames of another shape are kept whole."""
    match = _FRAME.match(frame)
    return f"{match['function']} ({match['file']})" if match else frame


def is_own(key: str) -> bool:
    """Whether a frame key belongs to this project's packages (py-spy names files from ``sys.path``)."""
    match = _FRAME.match(key)
    return match is not None and match["file"].startswith(OWN_PACKAGES)


def parse_collapsed(lines: Iterable[str]) -> list[tuple[list[str], int]]:
    """``"a;b;c 12"`` lines → ``([a, b, c], 12)``; blank or malformed lines are skipped."""
    stacks = []
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def summarise(
    stacks: Iterable[tuple[list[str], int]], *, top: int = 12, seconds: float = 0.0, rate_hz: int = 0
) -> dict[str, Any]:
    """Share of active samples per function: ``top_self`` (the frame on top of the stack: where the
    CPU was), ``top_own_inclusive`` (our functions anywhere on the stack: what they cost with all they
    call). Thread-root frames (a stack's first frame is the thread's entry point) are dropped. With
    ``seconds`` and ``rate_hz``, ``active_threads`` is samples ÷ (seconds × rate): about the cores the
    process kept busy."""
    self_count: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for frames, count in stacks:
        keys = [frame_key(f) for f in frames if not f.startswith(("process ", "thread "))]
        if not keys:
            continue
        total += count
        self_count[keys[-1]] += count
        for key in set(keys):
            if is_own(key):
                inclusive[key] += count

    def shares(counter: Counter[str]) -> list[dict[str, Any]]:
        return [{"function": k, "share": round(v / total, 4)} for k, v in counter.most_common(top)]

    out: dict[str, Any] = {
        "samples": total,
        "top_self": shares(self_count) if total else [],
        "top_own_inclusive": shares(inclusive) if total else [],
    }
    if seconds > 0 and rate_hz > 0:
        out["active_threads"] = round(total / (seconds * rate_hz), 3)
    return out


def py_spy_binary() -> str | None:
    """py-spy next to this interpreter (the virtualenv's) or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@dataclass
class _Recording:
    pid: int
    output: Path
    process: subprocess.Popen[bytes] | None
    error: str | None = None


class Profiler:
    """One py-spy per process, from :meth:`start` to :meth:`stop`."""

    def __init__(self, out_dir: Path, label: str, *, rate_hz: int = 50) -> None:
        self.out_dir = out_dir
        self.label = label
        self.rate_hz = rate_hz
        self._recordings: dict[str, _Recording] = {}
        self._started = 0.0

    def start(self, pids: Mapping[str, int]) -> Profiler:
        binary = py_spy_binary()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._started = time.monotonic()
        for name, pid in pids.items():
            output = self.out_dir / f"{self.label}-{name}.txt"
            if binary is None:
                self._recordings[name] = _Recording(pid, output, None, "py-spy is not installed")
                continue
            command = [binary, "record", "--pid", str(pid), "--rate", str(self.rate_hz), "--format", "raw"]
            command += ["--nonblocking", "--output", str(output)]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self._recordings[name] = _Recording(pid, output, process)
        return self

    def stop(self, timeout_s: float = 30.0) -> dict[str, dict[str, Any]]:
        """Stop every recording (SIGINT: py-spy then writes its file) and summarise each."""
        seconds = time.monotonic() - self._started
        for recording in self._recordings.values():
            if recording.process is not None and recording.process.poll() is None:
                recording.process.send_signal(signal.SIGINT)
        out: dict[str, dict[str, Any]] = {}
        for name, recording in self._recordings.items():
            out[name] = self._finish(recording, seconds, timeout_s)
        return out

    def _finish(self, recording: _Recording, seconds: float, timeout_s: float) -> dict[str, Any]:
        process = recording.process
        if process is not None:
            try:
                _, stderr = process.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
            if not recording.output.exists():
                tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
                recording.error = f"py-spy exited {process.returncode}: {' / '.join(tail)}"
        if recording.error is not None:
            return {"pid": recording.pid, "error": recording.error}
        with recording.output.open() as lines:
            summary = summarise(parse_collapsed(lines), seconds=seconds, rate_hz=self.rate_hz)
        return {"pid": recording.pid, "file": str(recording.output), **summary}
