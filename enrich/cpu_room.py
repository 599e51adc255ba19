"""Whether the machine has CPU to spare for the NER worker, and waiting until it has.

The NER worker only gets work when the index sink has a backlog, i.e. when the machine is short of
CPU. It runs at the lowest priority (nice 19, ``SCHED_IDLE``), yet running it still slowed the rest
of the pipeline: at 3,000 mentions/s offered on 2 cores, 1,855–1,987 mentions/s became searchable
with it running and 2,460/s with the same worker stopped (``SIGSTOP``), 2,522/s without NER at all
(``ecoute bench e2e``, 2026-11-24). So before tagging a batch it measures how busy the machine's CPUs
are with *other* processes' work, over a short window during which it does nothing itself (while it
runs, the others slow down and look less busy than they want to be), and waits while that share is
at or above a threshold — at most ``max_wait_s`` per batch, so it always progresses.

The share is machine-wide (``/proc/stat`` through psutil): in a container it is the host's. Where
the CPU times cannot be read, the worker never waits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CpuSample:
    """Cumulative CPU seconds at one moment: the machine's (all CPUs) and this process's."""

    busy_s: float
    total_s: float
    own_s: float


def sample_cpu() -> CpuSample | None:
    """The machine's busy and total CPU seconds and this process's CPU seconds; None if unreadable."""
    try:
        times = psutil.cpu_times()
    except (OSError, RuntimeError, NotImplementedError) as exc:
        log.debug("CPU times unreadable: %s", exc)
        return None
    # guest time is already counted in user time; iowait is idle time
    total = sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    busy = total - times.idle - getattr(times, "iowait", 0.0)
    return CpuSample(busy_s=busy, total_s=total, own_s=time.process_time())


def others_busy_share(before: CpuSample, after: CpuSample) -> float | None:
    """Share (0–1) of the machine's CPU capacity that other processes used between two samples; None
    when no CPU time elapsed between them."""
    total = after.total_s - before.total_s
    if total <= 0:
        return None
    others = (after.busy_s - before.busy_s) - (after.own_s - before.own_s)
    return min(1.0, max(0.0, others / total))


class CpuRoom:
    """``wait()`` returns once other processes leave room on the machine's CPUs (their busy share below
    ``busy_below``), or after ``max_wait_s``. ``busy_below`` above 1 disables the wait."""

    def __init__(
        self,
        busy_below: float,
        max_wait_s: float,
        *,
        window_s: float = 0.2,
        sample: Callable[[], CpuSample | None] = sample_cpu,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.busy_below = busy_below
        self.max_wait_s = max_wait_s
        self.window_s = window_s
        self._sample = sample
        self._sleep = sleep
        self._clock = clock
        self.waited_s = 0.0
        """Seconds spent waiting so far (all calls)."""
        self.gave_up = 0
        """Calls that returned after ``max_wait_s`` with the machine still busy."""

    def wait(self) -> float:
        """Measure the others' busy share over ``window_s`` (idle meanwhile), again while it is at
        least ``busy_below``, for at most ``max_wait_s`` in all; returns the seconds waited beyond the
        first window. Never raises: unreadable CPU times mean room."""
        if self.busy_below > 1:
            return 0.0
        started = self._clock()
        yielding = False
        while True:
            before = self._sample()
            self._sleep(self.window_s)
            after = self._sample()
            share = None if before is None or after is None else others_busy_share(before, after)
            waited = self._clock() - started
            if share is None or share < self.busy_below:
                break
            if waited >= self.max_wait_s:
                self.gave_up += 1
                log.info(
                    "NER goes ahead after waiting %.1f s: the machine is still busy (%.0f %%)",
                    waited,
                    share * 100,
                    extra={"busy_share": round(share, 3)},
                )
                break
            if not yielding:
                yielding = True
                log.debug("NER waits: other processes keep %.0f %% of the CPUs busy", share * 100)
        extra = max(0.0, waited - self.window_s)
        self.waited_s += extra
        if yielding and extra >= 1:
            log.info("NER resumes after waiting %.1f s for CPU", extra, extra={"waited_s": round(extra, 1)})
        return extra
