"""Watermark reads retry the transient errors of a topic that has no partition leader yet."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException

from ecoute.kafka import watermark_offsets


class _Answers:
    """Raises the given errors in turn, then answers (the retry policy is what is tested)."""

    def __init__(self, *errors: int) -> None:
        self.errors = list(errors)
        self.calls = 0

    def get_watermark_offsets(self, tp: Any, timeout: float) -> tuple[int, int]:
        self.calls += 1
        if self.errors:
            raise KafkaException(KafkaError(self.errors.pop(0)))
        return 3, 42


def test_no_leader_yet_is_retried_until_the_answer() -> None:
    consumer = _Answers(KafkaError.NOT_LEADER_FOR_PARTITION, KafkaError.LEADER_NOT_AVAILABLE)
    assert watermark_offsets(consumer, "t", 0, timeout_s=10) == (3, 42)  # type: ignore[arg-type]
    assert consumer.calls == 3


def test_other_errors_and_the_deadline_raise() -> None:
    with pytest.raises(KafkaException):
        watermark_offsets(_Answers(KafkaError.TOPIC_AUTHORIZATION_FAILED), "t", 0)  # type: ignore[arg-type]
    stuck = _Answers(*[KafkaError.NOT_LEADER_FOR_PARTITION] * 1000)
    with pytest.raises(KafkaException):
        watermark_offsets(stuck, "t", 0, timeout_s=0.3)  # type: ignore[arg-type]
    assert 1 < stuck.calls < 1000
