from __future__ import annotations

import subprocess
import sys
from resource import RUSAGE_CHILDREN, getrusage

import pytest

from enrich.cpu_room import CpuRoom, CpuSample, others_busy_share, sample_cpu


def test_the_share_of_others_leaves_out_this_process() -> None:
    before = CpuSample(busy_s=100.0, total_s=200.0, own_s=10.0)
    # 2 CPUs for 1 s: 2 CPU seconds elapsed, 1.5 busy of which 0.5 ours
    after = CpuSample(busy_s=101.5, total_s=202.0, own_s=10.5)
    assert others_busy_share(before, after) == pytest.approx(0.5)
    assert others_busy_share(before, before) is None  # no time elapsed
    # jiffy rounding may make ours exceed the machine's busy time: never below 0 or above 1
    assert others_busy_share(before, CpuSample(100.1, 202.0, 11.0)) == 0.0
    assert others_busy_share(before, CpuSample(110.0, 202.0, 10.0)) == 1.0


def test_another_process_burning_cpu_counts_as_others() -> None:
    before = sample_cpu()
    assert before is not None and 0 <= before.busy_s <= before.total_s
    children = getrusage(RUSAGE_CHILDREN)
    burn = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    after = sample_cpu()
    assert after is not None
    used = getrusage(RUSAGE_CHILDREN)
    child_s = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
    others_s = (after.busy_s - before.busy_s) - (after.own_s - before.own_s)
    assert child_s >= 0.5
    assert others_s >= child_s - 0.1  # the child's CPU seconds are all in the others' (jiffy rounding)


class FakeMachine:
    """Samples whose others' share over each window follows ``shares``; time advances by sleeping."""

    def __init__(self, shares: list[float | None]) -> None:
        self.shares = shares
        self.now = 0.0
        self.busy = 0.0
        self.windows = 0
        self._reading_after = False

    def sample(self) -> CpuSample | None:
        if self._reading_after:  # the end of a window
            self._reading_after = False
            share = self.shares[min(self.windows, len(self.shares) - 1)]
            self.windows += 1
            if share is None:
                return None
            self.busy += share * 2 * self.window
        else:
            self._reading_after = True
        return CpuSample(busy_s=self.busy, total_s=self.now * 2, own_s=0.0)

    def sleep(self, seconds: float) -> None:
        self.window = seconds
        self.now += seconds

    def room(self, busy_below: float = 0.8, max_wait_s: float = 5.0) -> CpuRoom:
        return CpuRoom(
            busy_below,
            max_wait_s,
            window_s=0.25,
            sample=self.sample,
            sleep=self.sleep,
            clock=lambda: self.now,
        )


def test_waits_while_others_keep_the_cpus_busy_then_goes_on() -> None:
    machine = FakeMachine([0.95, 0.9, 0.85, 0.5])
    room = machine.room(busy_below=0.8)
    extra = room.wait()
    assert machine.windows == 4  # it waited for the fourth window
    assert extra == pytest.approx(0.75) and room.waited_s == pytest.approx(0.75) and room.gave_up == 0
    idle = FakeMachine([0.3])
    assert idle.room().wait() == 0.0 and idle.windows == 1  # room at once: one window, no more


def test_goes_ahead_after_the_longest_wait_when_the_machine_stays_busy() -> None:
    machine = FakeMachine([1.0])
    room = machine.room(max_wait_s=2.0)
    extra = room.wait()
    assert machine.now == pytest.approx(2.0) and extra == pytest.approx(1.75) and room.gave_up == 1
    room.wait()  # every batch waits at most that long: the worker always progresses
    assert machine.now == pytest.approx(4.0) and room.gave_up == 2


def test_unreadable_cpu_times_or_a_share_above_one_never_wait() -> None:
    unreadable = FakeMachine([None])
    assert unreadable.room().wait() == 0.0 and unreadable.windows == 1
    disabled = FakeMachine([1.0])
    assert disabled.room(busy_below=1.01).wait() == 0.0 and disabled.windows == 0 and disabled.now == 0.0
