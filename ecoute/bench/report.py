"""Shared pieces of the benchmarks: machine facts, percentiles, result files and tables."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ecoute.bench.targets import targets_for

RESULTS_DIR = Path(__file__).resolve().parents[2] / "bench" / "results"
PACKAGES = (
    "confluent-kafka",
    "faust-streaming",
    "elasticsearch",
    "pyahocorasick",
    "lingua-language-detector",
    "spacy",
    "fastapi",
)


def machine_facts() -> dict[str, Any]:
    """Cores, memory, Python and library versions: printed with every result."""
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "versions": versions,
        "load_avg_at_start": os.getloadavg(),
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def percentiles(samples: Sequence[float], points: Sequence[float] = (50, 90, 99)) -> dict[str, float]:
    """Nearest-rank percentiles of ``samples`` (seconds in, milliseconds out)."""
    if not samples:
        return {f"p{int(p)}_ms": float("nan") for p in points}
    ordered = sorted(samples)
    out = {}
    for p in points:
        rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        out[f"p{int(p)}_ms"] = round(ordered[rank] * 1000, 3)
    return out


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), in MiB."""
    path = Path(f"/proc/{pid or os.getpid()}/status")
    try:
        for line in path.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def _stat_cpu_s(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)", whatever the command name contains
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time consumed so far by process ``pid`` (all its threads), in seconds;
    NaN when the process is gone or /proc is unavailable."""
    try:
        return _stat_cpu_s(Path(f"/proc/{pid}/stat").read_text())
    except OSError:
        return float("nan")


THREAD_GROUPS = ("main thread", "librdkafka threads", "other threads")
"""How :func:`thread_cpu_seconds` splits a process's CPU: its main thread (a Faust stage's event loop,
the index sink's consumer loop), librdkafka's own threads (named ``rdk:…``), and every other thread
(step and delivery workers, aiokafka's consumer thread under Faust; exited threads included)."""

JVM_THREAD_GROUPS = ("JIT compiler threads", "garbage collector threads", "other threads")
"""How :func:`jvm_thread_cpu_seconds` splits a JVM's CPU (Kafka, Elasticsearch): HotSpot's JIT
compilers (threads ``C1 CompilerThre…``, ``C2 CompilerThre…``: compiling hot code, most of it in the
first minutes of a server's life), its garbage collector (``GC Thread#…``, ``G1 …``), and the rest
(the server's own work; exited threads included)."""

JIT_THREAD_PREFIXES = ("C1 CompilerThre", "C2 CompilerThre")
GC_THREAD_PREFIXES = ("GC Thread", "G1 ")


def _threads_cpu(pid: int) -> list[tuple[str, str, float]] | None:
    """(thread id, name, CPU seconds) of each live thread of ``pid``; None when the process is gone
    or /proc is unavailable (a thread exiting meanwhile is skipped)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    out = []
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        out.append((task.name, stat[stat.find("(") + 1 : stat.rfind(")")], _stat_cpu_s(stat)))
    return out or None


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds consumed so far by each group of :data:`THREAD_GROUPS` of process ``pid``; all NaN
    when the process is gone or /proc is unavailable (a thread exiting meanwhile is simply skipped:
    its time stays in the process total, hence in ``other threads``)."""
    total = cpu_seconds(pid)
    threads = _threads_cpu(pid)
    if math.isnan(total) or threads is None:
        return dict.fromkeys(THREAD_GROUPS, float("nan"))
    main = sum(cpu for tid, _, cpu in threads if tid == str(pid))
    rdkafka = sum(cpu for tid, name, cpu in threads if tid != str(pid) and name.startswith("rdk:"))
    return {
        "main thread": main,
        "librdkafka threads": rdkafka,
        "other threads": max(0.0, total - main - rdkafka),
    }


def jvm_thread_cpu_seconds(pids: Sequence[int]) -> dict[str, float]:
    """CPU seconds consumed so far by each group of :data:`JVM_THREAD_GROUPS`, summed over ``pids``
    (a server's launcher and the JVM it started: :func:`with_descendants`); all NaN when none of them
    could be read. A process that is not a JVM simply has no JIT or collector threads."""
    jit = gc = total = 0.0
    seen = False
    for pid in pids:
        process_total = cpu_seconds(pid)
        threads = _threads_cpu(pid)
        if math.isnan(process_total) or threads is None:
            continue
        seen = True
        total += process_total
        jit += sum(cpu for _, name, cpu in threads if name.startswith(JIT_THREAD_PREFIXES))
        gc += sum(cpu for _, name, cpu in threads if name.startswith(GC_THREAD_PREFIXES))
    if not seen:
        return dict.fromkeys(JVM_THREAD_GROUPS, float("nan"))
    return {
        "JIT compiler threads": jit,
        "garbage collector threads": gc,
        "other threads": max(0.0, total - jit - gc),
    }


def jit_share(start: Mapping[str, float], end: Mapping[str, float]) -> float | None:
    """Share of a JVM's CPU between two :func:`jvm_thread_cpu_seconds` snapshots that went to its JIT
    compilers (0–1); None when not measured at both ends or no CPU was used."""
    spent = {group: end.get(group, math.nan) - start.get(group, math.nan) for group in JVM_THREAD_GROUPS}
    total = sum(spent.values())
    if math.isnan(total) or total <= 0:
        return None
    return round(spent["JIT compiler threads"] / total, 3)


def per_mention_by_thread(
    start: Mapping[str, Mapping[str, float]], end: Mapping[str, Mapping[str, float]], mentions: int
) -> dict[str, dict[str, float | None]]:
    """CPU ms per mention of each stage's thread groups between two snapshots of
    :func:`thread_cpu_seconds` per stage; a group not measured at both ends (process gone, no /proc)
    is None."""
    out: dict[str, dict[str, float | None]] = {}
    for stage, before in start.items():
        after = end.get(stage, {})
        out[stage] = {}
        for group, t0 in before.items():
            t1 = after.get(group, float("nan"))
            spent = t1 - t0
            out[stage][group] = None if math.isnan(spent) else round(1000 * spent / max(mentions, 1), 3)
    return out


def with_descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (a launcher and the JVM it started, for instance)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def write_result(name: str, result: dict[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Write ``result`` (plus machine facts, time and, under ``targets``, issue 8's targets judged on
    it: :mod:`ecoute.bench.targets`) as JSON; returns the path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"{name}-{stamp}.json"
    targets = [check.model_dump() for check in targets_for(name, result)]
    payload = {"bench": name, "at": stamp, "machine": machine_facts(), **result, "targets": targets}
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def print_comparison(title: str, rows: Sequence[dict[str, Any]], console: Console | None = None) -> None:
    """A table with one row per variant (ours, naive, …)."""
    if not rows:
        return
    table = Table(*rows[0].keys(), title=title)
    for row in rows:
        table.add_row(*(_fmt(v) for v in row.values()))
    (console or Console()).print(table)


def print_targets(name: str, result: dict[str, Any], console: Console | None = None) -> None:
    """Issue 8's targets for benchmark ``name`` judged on ``result``: met, missed, or not judged here
    (the note says why, or what to know about a judged one)."""
    verdicts = {True: "[green]met[/green]", False: "[red]missed[/red]", None: "[dim]not judged[/dim]"}
    rows = [
        {
            "target": check.target,
            "this run": "" if check.value is None else f"{_fmt(check.value)} {check.unit}",
            "verdict": verdicts[check.met],
            "note": check.note,
        }
        for check in targets_for(name, result)
    ]
    print_comparison(f"ecoute bench {name}: targets", rows, console)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


class Stopwatch:
    """``with Stopwatch() as sw: …; sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.start
