"""Faust stages deliver each fetched record to their stream without Faust's per-record race when the
delivery cannot block, and keep Faust's race whenever it could (ecoute/faust_fetch.py)."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

import faust
from faust.transport.consumer import Consumer

from ecoute.faust_fetch import BatchingApp


def _consumer(app: faust.App) -> Any:
    """The app's transport consumer (Faust's ``ConsumerT`` type lacks the service methods used)."""
    return app.consumer


def _app(make: Callable[..., faust.App]) -> faust.App:
    """An app whose flow control runs, as Faust resumes it once partitions are assigned."""
    extra = {"fetch_min_bytes": 1, "fetch_max_wait_ms": 20} if make is BatchingApp else {}
    app = make(
        "t-faust-delivery",
        broker="kafka://127.0.0.1:1",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        **extra,
    )
    app.flow_control.resume()
    return app


@contextmanager
def _counting_tasks() -> Iterator[list[int]]:
    """Counts the asyncio tasks created on the running loop meanwhile (``count[0]``)."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    count = [0]

    def factory(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> Any:
        count[0] += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    try:
        yield count
    finally:
        loop.set_task_factory(previous)


async def _tasks_of_a_delivery(consumer: Any) -> int:
    """Delivers a record through ``consumer.wait_first`` as Faust's drain loop calls it (the delivery
    completes); returns how many asyncio tasks that took."""

    async def deliver() -> str:
        return "done"

    with _counting_tasks() as tasks:
        result = await consumer.wait_first(deliver(), consumer.suspend_flow.wait())
    assert result.results == ["done"]
    return tasks[0]


def test_fausts_drain_loop_still_races_every_delivery_against_a_suspended_flow() -> None:
    """The call this module shortcuts: if a Faust upgrade changes it, the shortcut no longer applies."""
    source = re.sub(r"\s+", "", inspect.getsource(Consumer._drain_messages))
    assert "awaitself.wait_first(callback(message),self.suspend_flow.wait())" in source


async def test_a_delivery_that_cannot_block_is_awaited_without_tasks() -> None:
    delivered: list[str] = []

    async def deliver(value: str) -> str:
        delivered.append(value)
        return value

    ours = _consumer(_app(BatchingApp))
    plain = _consumer(_app(faust.App))
    with _counting_tasks() as ours_tasks:
        delivery = deliver("one")
        result = await ours.wait_first(delivery, ours.suspend_flow.wait())
    with _counting_tasks() as plain_tasks:
        await plain.wait_first(deliver("two"), plain.suspend_flow.wait())
    assert (result.done, result.results, result.stopped) == ([delivery], ["one"], False)
    assert delivered == ["one", "two"]
    assert ours_tasks[0] == 0
    assert plain_tasks[0] == 4  # Faust's: the delivery, the suspended flow, stopped and crashed


async def test_other_waits_go_to_faust() -> None:
    consumer = _consumer(_app(BatchingApp))
    other = asyncio.Event()
    other.set()

    async def deliver() -> str:
        return "done"

    with _counting_tasks() as single:
        assert (await consumer.wait_first(deliver())).results == ["done"]
    with _counting_tasks() as not_the_flow:
        assert (await consumer.wait_first(deliver(), other.wait())).done
    assert single[0] == 3
    assert not_the_flow[0] == 4


async def test_before_partitions_are_assigned_faust_races_the_delivery() -> None:
    app = _app(BatchingApp)
    app.flow_control.suspend()  # Faust's state until partitions are assigned (and during a rebalance)
    assert await _tasks_of_a_delivery(_consumer(app)) == 4


async def test_a_full_stream_buffer_leaves_the_delivery_to_fausts_race() -> None:
    app = _app(BatchingApp)
    consumer = _consumer(app)
    channel = app.topic("t-full")
    for _ in range(channel.queue.maxsize):  # Faust's stream_buffer_maxsize
        channel.queue.put_nowait(object())  # full: a delivery to it would wait
    app.topics.add(channel)
    assert await _tasks_of_a_delivery(consumer) == 4


async def test_a_suspended_flow_still_abandons_a_blocked_delivery() -> None:
    """During a rebalance Faust's race decides: the suspended flow wins, the delivery is cancelled."""
    consumer = _consumer(_app(BatchingApp))
    never = asyncio.Event()
    reached: list[str] = []

    async def blocked_delivery() -> None:
        reached.append("started")
        await never.wait()
        reached.append("delivered")

    consumer.suspend_flow.set()
    result = await asyncio.wait_for(consumer.wait_first(blocked_delivery(), consumer.suspend_flow.wait()), 5)
    await asyncio.sleep(0)  # let the cancelled delivery unwind
    assert not result.stopped
    assert len(result.done) == 1 and result.done[0] is not None
    assert "delivered" not in reached
