from __future__ import annotations

from pathlib import Path

import pytest

from deploy.stack.errors import StackError
from deploy.stack.java import find_java, java_major


def test_finds_a_jdk_17_or_newer() -> None:
    java = find_java(17, install_fallback=False)
    assert java.major >= 17 and java.java.exists()
    assert java_major(java.java) == java.major


def test_explicit_home_is_preferred(tmp_path: Path) -> None:
    found = find_java(17, install_fallback=False)
    again = find_java(17, explicit=found.home, install_fallback=False)
    assert again.home == found.home


def test_impossible_version_is_a_clear_error() -> None:
    with pytest.raises(StackError, match="no Java 999"):
        find_java(999, install_fallback=False)


def test_broken_java_is_skipped(tmp_path: Path) -> None:
    assert java_major(tmp_path / "bin" / "java") is None
