"""The clock abstraction: virtual time for tests, scaled wall time for serve."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from registrar_mock.clock import SystemClock, VirtualClock, isoformat

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_virtual_clock_moves_only_when_told() -> None:
    clock = VirtualClock(START)
    assert clock.now() == clock.now() == START
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    clock.set(START + timedelta(days=3))
    assert clock.now() == START + timedelta(days=3)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_virtual_sleep_jumps_to_the_deadline_without_adding_up() -> None:
    clock = VirtualClock(START)
    deadline = START + timedelta(seconds=5)

    async def two_holds() -> None:
        await asyncio.gather(clock.sleep_until(deadline), clock.sleep_until(deadline))

    asyncio.run(two_holds())
    assert clock.now() == deadline


def test_system_clock_runs_at_its_scale() -> None:
    clock = SystemClock(time_scale=3600, start=START)
    asyncio.run(clock.sleep_until(START + timedelta(hours=1)))  # about one real second
    assert clock.now() >= START + timedelta(hours=1)
    clock.advance(86400)
    assert clock.now() >= START + timedelta(days=1, hours=1)


def test_timestamps_are_rfc3339_utc() -> None:
    assert isoformat(START) == "2026-01-01T00:00:00Z"
    assert isoformat(START + timedelta(microseconds=250_000)) == "2026-01-01T00:00:00.250Z"
