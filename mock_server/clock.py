"""Time for the mock: every reading of "now" goes through a Clock.

The model never calls ``datetime.now()``. Tests use :class:`VirtualClock`, which
moves only when told to (or when a request is held for a sync wait), so a
workflow that is blocked for days finishes in microseconds. ``serve`` uses
:class:`SystemClock`, optionally running faster than real time.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
# The span of time the mock works in: every instant a caller or a scenario gives lies in
# it, and no clock goes past its end. Far enough for any test, and far from datetime's own
# limits, so a term or a phase added to any instant can't overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# What the mock itself may keep goes further: an expiry ten years on, a clock saved ahead
# by its lease. Reading back what it wrote must never fail, so stored instants get this.
KEPT_LATEST = datetime(9200, 1, 1, tzinfo=UTC)
# The longest span a scenario, an export or a caller may give anything: 100 years.
MAX_SECONDS = 100 * 366 * 86400.0
# The fastest a clock may run: about three years a second. A state file saves a running
# clock two real seconds ahead, so the lease stays well inside KEPT_LATEST.
MAX_TIME_SCALE = 1e8


# A duration, as every API of the mock takes one (``registrar_mock.durations`` reads them
# for the rest of the mock; it is here so that the clocks read them too).
Duration = float | int | str | timedelta
DURATION_FORMS = (
    'seconds (90 or 1.5), a string such as "90", "500ms", "30s", "5m", "2h" or "3d", or a timedelta'
)
# The number, then its unit (seconds when there is none). ASCII digits only.
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?", re.ASCII)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def duration_seconds(value: object) -> float | None:
    """The seconds in a duration from 0 to 100 years (see ``DURATION_FORMS``), or None if
    ``value`` is none: negative, endless, too long, or not a duration at all."""
    try:
        if isinstance(value, timedelta):
            amount = value.total_seconds()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amount = float(value)  # an integer of hundreds of digits overflows here
        elif isinstance(value, str) and (match := _DURATION.fullmatch(value)):
            amount = float(match.group(1)) * _UNITS[match.group(2)]
        else:
            return None
    except OverflowError:
        return None
    if not math.isfinite(amount) or not 0 <= amount <= MAX_SECONDS:
        return None
    return amount + 0.0  # -0.0 is 0


def shown_duration(value: object) -> str:
    """``value`` as a refusal may quote it: briefly."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return "a number of more than 40 digits"  # repr() of a huge int may itself refuse
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _advance_by(by: object) -> timedelta:
    seconds = duration_seconds(by)
    if seconds is None:
        raise ValueError(
            f"{shown_duration(by)} is not a duration: give {DURATION_FORMS}; from 0 to 100 years"
        )
    return timedelta(seconds=seconds)


def in_span(instant: datetime, *, kept: bool = False) -> bool:
    """Whether ``instant`` (timezone-aware) lies between EARLIEST and LATEST (KEPT_LATEST
    for what the mock stored itself)."""
    try:
        return EARLIEST <= instant.astimezone(UTC) <= (KEPT_LATEST if kept else LATEST)
    except (OverflowError, ValueError):
        return False


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    async def sleep_until(self, deadline: datetime) -> None:
        """Return once this clock reads ``deadline`` or later."""
        ...


class VirtualClock:
    """A clock that stands still until advanced.

    ``sleep_until`` jumps the clock forward instead of waiting, the way trio's
    autojump clock does: a request that the server holds for two virtual seconds
    returns at once, and the world is two seconds older afterwards. Jumping to a
    deadline (not by a duration) keeps concurrent holds from adding up.
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, by: Duration) -> datetime:
        """Move on by seconds, a timedelta, or a duration such as ``"2d"`` (never back)."""
        self._now = min(self._now + _advance_by(by), LATEST)
        return self._now

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("set() needs a timezone-aware datetime")
        self._now = min(instant.astimezone(UTC), LATEST)
        return self._now

    async def sleep_until(self, deadline: datetime) -> None:
        if deadline > self._now:
            self._now = min(deadline, LATEST)
        # Yield once so concurrent requests interleave as they would on a real clock.
        await asyncio.sleep(0)


class SystemClock:
    """Wall-clock time, optionally scaled: one real second is ``time_scale`` seconds here.

    The clock starts at the real time (or ``start``) and then runs at
    ``time_scale``. It can also be moved, which keeps the control API's "advance
    the clock" working under ``serve``. ``limit``, when set, is the latest instant
    it may show: a state file sets it to the clock it last saved, so a restart
    never finds the clock earlier than somebody saw it. It never shows past LATEST.
    """

    def __init__(self, time_scale: float = 1.0, start: datetime | None = None) -> None:
        if not 0 < time_scale <= MAX_TIME_SCALE:
            raise ValueError(f"time_scale must be positive, and at most {MAX_TIME_SCALE:g}")
        self.time_scale = time_scale
        self._origin_monotonic = time.monotonic()
        self._origin = (start or datetime.now(UTC)).astimezone(UTC)
        self._offset = timedelta()
        self.limit: datetime | None = None

    def unbounded(self) -> datetime:
        """The clock as it runs, whatever ``limit`` says (but never past LATEST)."""
        elapsed = (time.monotonic() - self._origin_monotonic) * self.time_scale
        try:
            running = self._origin + timedelta(seconds=elapsed) + self._offset
        except OverflowError:
            return LATEST
        return min(running, LATEST)

    def now(self) -> datetime:
        running = self.unbounded()
        limit = self.limit
        return running if limit is None or running <= limit else limit

    def advance(self, by: Duration) -> datetime:
        """Move on by seconds, a timedelta, or a duration such as ``"2d"`` (never back)."""
        self._offset += _advance_by(by)
        return self.unbounded()

    def set(self, instant: datetime) -> datetime:
        self._offset += min(instant.astimezone(UTC), LATEST) - self.unbounded()
        return self.unbounded()

    async def sleep_until(self, deadline: datetime) -> None:
        # The event loop may wake a hair early; loop until the clock really reads the deadline.
        # A clock held at its limit may never get there: the caller bounds the wait.
        while (remaining := (deadline - self.now()).total_seconds()) > 0:
            if self.now() >= LATEST:
                return
            await asyncio.sleep(remaining / self.time_scale + 0.0005)


@lru_cache(maxsize=65536)
def isoformat(instant: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, as Cloudflare writes timestamps; milliseconds if any.

    Cached: the same registration dates are rendered on every read of them.
    """
    utc = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    # datetime.isoformat is C and ends "+00:00" for UTC; it truncates to milliseconds as before.
    text = utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds")
    return text[:-6] + "Z"
