"""The start-up heap is frozen out of the collector's passes; what comes later is still collected."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from ecoute.heap import YOUNG_THRESHOLD, freeze_startup_heap


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def _restore_the_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_objects_alive_at_freeze_leave_the_collected_generations_later_ones_stay() -> None:
    long_lived = {"queries": [[i] for i in range(100)]}
    frozen = freeze_startup_heap("test")
    assert frozen == gc.get_freeze_count() > 0
    streamed = {"batch": [1, 2]}
    tracked = {id(o) for o in gc.get_objects()}  # the generations a full collection walks
    assert id(long_lived) not in tracked and id(long_lived["queries"][0]) not in tracked
    assert id(streamed) in tracked
    _Cycle()  # garbage created after the freeze is still found by the collector
    assert gc.collect() >= 1
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


def test_the_freeze_is_logged_with_the_worker(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="ecoute.heap"):
        frozen = freeze_startup_heap("enrich")
    (record,) = caplog.records
    assert (record.__dict__["worker"], record.__dict__["objects"]) == ("enrich", frozen)
