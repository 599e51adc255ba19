"""``ecoute bench e2e --profile``: summaries of collapsed stacks, and py-spy on a real process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecoute.bench import profile
from ecoute.bench.profile import Profiler, frame_key, is_own, parse_collapsed, summarise


def test_frame_key_merges_lines_of_one_function() -> None:
    assert frame_key("Lexicon.score (enrich/langid/lexicon.py:97)") == frame_key(
        "Lexicon.score (enrich/langid/lexicon.py:105)"
    )
    assert frame_key("<module> (x.py)") == "<module> (x.py)"
    assert frame_key("no file here") == "no file here"


def test_own_frames_are_this_projects_packages() -> None:
    assert is_own("enrich_batch (enrich/pipeline.py)")
    assert is_own("AckedProducer.deliver (ecoute/acked_producer.py)")
    assert not is_own("Stream._c_aiter (faust/streams.py)")
    assert not is_own("select (selectors.py)")


def test_parse_collapsed_skips_what_is_not_a_stack() -> None:
    lines = ["a (m.py:1);b (m.py:2) 7\n", "\n", "garbage\n", "c (m.py:3) x\n", "c (m.py:3) 3"]
    assert parse_collapsed(lines) == [(["a (m.py:1)", "b (m.py:2)"], 7), (["c (m.py:3)"], 3)]


def test_summarise_gives_self_and_own_inclusive_shares() -> None:
    main, select = "main (ecoute/cli.py:1)", "EpollSelector.select (selectors.py:468)"
    stacks = [
        ([main, "step (enrich/app.py:10)", "loads (json/decoder.py:5)"], 30),
        ([main, "step (enrich/app.py:12)"], 10),
        ([main, select], 60),
    ]
    summary = summarise(stacks, seconds=2.0, rate_hz=100)
    assert summary["samples"] == 100
    assert summary["active_threads"] == 0.5  # 100 samples in 2 s at 100 Hz
    assert [(r["function"], r["share"]) for r in summary["top_self"]] == [
        ("EpollSelector.select (selectors.py)", 0.6),
        ("loads (json/decoder.py)", 0.3),
        ("step (enrich/app.py)", 0.1),
    ]
    assert [(r["function"], r["share"]) for r in summary["top_own_inclusive"]] == [
        ("main (ecoute/cli.py)", 1.0),
        ("step (enrich/app.py)", 0.4),  # both lines, and what it called
    ]


def test_summarise_of_nothing() -> None:
    assert summarise([]) == {"samples": 0, "top_self": [], "top_own_inclusive": []}


BUSY = """
import time
def spin_in_profiled_child():
    total = 0
    while True:
        total += sum(range(1000))
time.sleep(0.2)
spin_in_profiled_child()
"""


def test_profiler_finds_where_a_real_process_spends_its_cpu(tmp_path: Path) -> None:
    if profile.py_spy_binary() is None:
        pytest.fail("py-spy is a dev dependency: it should be installed")
    script = tmp_path / "busy.py"
    script.write_text(BUSY)
    child = subprocess.Popen([sys.executable, str(script)])
    try:
        profiler = Profiler(tmp_path / "out", "t", rate_hz=100).start({"busy": child.pid})
        time.sleep(4.0)
        summary = profiler.stop()["busy"]
    finally:
        child.kill()
        child.wait()
    assert "error" not in summary, summary
    assert Path(summary["file"]).exists()
    assert summary["samples"] > 50
    self_frames = {r["function"].split(" (")[0]: r["share"] for r in summary["top_self"]}
    assert self_frames.get("spin_in_profiled_child", 0) > 0.5, summary["top_self"]
    # one thread kept busy (well under 1 when py-spy itself waits for a core on a loaded machine)
    assert summary["active_threads"] > 0.3


def test_profiler_reports_what_it_could_not_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    summary = Profiler(tmp_path, "t").start({"gone": gone.pid}).stop()["gone"]
    assert summary["pid"] == gone.pid and summary["error"].startswith("py-spy exited")
    monkeypatch.setattr(profile, "py_spy_binary", lambda: None)
    summary = Profiler(tmp_path, "t").start({"any": 1}).stop()["any"]
    assert summary == {"pid": 1, "error": "py-spy is not installed"}
