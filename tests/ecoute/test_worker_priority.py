"""The NER worker's CPU priority (checked in a child process: the test runner keeps its own)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = (
    "import os; from ecoute.workers import lowest_cpu_priority; lowest_cpu_priority(); "
    "print(os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0))"
)


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux-only")
def test_lowest_cpu_priority_is_nice_19_and_sched_idle() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout
    nice, policy = (int(x) for x in out.split())
    assert nice == 19 and policy == os.SCHED_IDLE
