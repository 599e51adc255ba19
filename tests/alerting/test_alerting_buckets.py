from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from alerting.buckets import HOUR, MINUTE, Counts, Level, range_counts
from alerting.state import Keep, MemoryStore


@given(
    st.lists(st.tuples(st.integers(0, 3 * 86_400), st.booleans()), max_size=200),
    st.integers(0, 3 * 1440),
    st.integers(0, 3 * 1440),
)
def test_range_counts_equals_counting_the_events(events: list[tuple[int, bool]], a: int, b: int) -> None:
    store = MemoryStore()
    for t, negative in events:
        store.add_count("q", t, negative, 0)
    start, end = min(a, b) * MINUTE, max(a, b) * MINUTE

    def get(level: Level, bucket: int) -> Counts:
        return store.bucket(level, "q", bucket)

    got = range_counts(get, start, end)
    inside = [(t, n) for t, n in events if start <= t < end]
    assert got == Counts(len(inside), sum(n for _, n in inside))


def test_range_counts_reads_hours_for_long_ranges() -> None:
    reads: list[Level] = []

    def get(level: Level, bucket: int) -> Counts:
        reads.append(level)
        return Counts()

    range_counts(get, 30 * MINUTE, 7 * 86_400 + 30 * MINUTE)
    assert reads.count("h") == 7 * 24 - 1 and reads.count("m") == 60


def test_expiry_drops_only_buckets_of_the_partition_kept_long_enough() -> None:
    store = MemoryStore()
    keep = Keep(minutes_s=HOUR, hours_s=5 * HOUR)
    store.add_count("q", 10, False, 0, keep)
    store.add_count("q", 2 * HOUR + 10, False, 0, keep)
    store.add_count("r", 10, False, 1, keep)
    assert store.expire(0, MINUTE + HOUR - 1, lambda _: keep) == 0
    assert store.expire(0, MINUTE + HOUR, lambda _: keep) == 1  # the minute bucket of t=10
    assert store.bucket("m", "q", 0) == Counts() and store.bucket("h", "q", 0) == Counts(1, 0)
    assert store.expire(0, HOUR + 5 * HOUR, lambda _: keep) == 2  # its hour, and the minute of 2 h
    assert store.bucket("h", "q", 0) == Counts() and store.bucket("h", "q", 2 * HOUR) == Counts(1, 0)
    assert store.bucket("m", "r", 0) == Counts(1, 0)
