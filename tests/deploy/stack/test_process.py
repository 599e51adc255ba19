from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from deploy.stack.errors import StackError
from deploy.stack.process import ManagedProcess, log_tail


def test_start_find_stop(tmp_path: Path) -> None:
    proc = ManagedProcess("sleeper", tmp_path)
    assert proc.pid() is None
    pid = proc.start(
        [sys.executable, "-c", f"import time; print('{tmp_path}', flush=True); time.sleep(60)"],
        os.environ,
        cwd=tmp_path,
    )
    assert proc.pid() == pid
    proc.wait_healthy(lambda: str(tmp_path) in log_tail(proc.log_file), 10)
    assert proc.stop(timeout_s=5)
    assert proc.pid() is None and not proc.pid_file.exists()
    assert not proc.stop()


def test_pid_file_of_a_foreign_process_is_not_trusted(tmp_path: Path) -> None:
    proc = ManagedProcess("x", tmp_path)
    tmp_path.mkdir(exist_ok=True)
    proc.pid_file.write_text(f'{{"pid": {os.getpid()}, "starttime": "1"}}')  # a live pid, another start time
    assert proc.pid() is None
    assert not proc.pid_file.exists()


def test_death_during_start_reports_log_tail(tmp_path: Path) -> None:
    proc = ManagedProcess("crasher", tmp_path)
    proc.start(
        [sys.executable, "-c", f"import sys; print('boom {tmp_path}'); sys.exit(3)"], os.environ, cwd=tmp_path
    )
    with pytest.raises(StackError, match="exited during start-up") as info:
        proc.wait_healthy(lambda: False, 10)
    assert "boom" in str(info.value)


def test_timeout_reports_log_tail(tmp_path: Path) -> None:
    proc = ManagedProcess("slow", tmp_path)
    proc.start(
        [sys.executable, "-c", f"import time; print('starting {tmp_path}', flush=True); time.sleep(30)"],
        os.environ,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30  # the child's interpreter starts slowly on a loaded machine
        while "starting" not in log_tail(proc.log_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(StackError, match="not healthy after") as info:
            proc.wait_healthy(lambda: False, 1.5)
        assert "starting" in str(info.value)
    finally:
        proc.stop(2)
