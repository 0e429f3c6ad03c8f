"""Durations as people write them: ``90``, ``1.5``, ``"90"``, ``"500ms"``, ``"30s"``, ``"5m"``,
``"2h"``, ``"3d"``, or a :class:`~datetime.timedelta`.

Every timeout, poll interval and back-off the client takes is read here. The mock
reads its own durations (``registrar_mock.durations``) in the same forms; the client
keeps its own copy because it must not depend on the server's package.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

# The number, then its unit (seconds when there is none). ASCII digits only.
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?", re.ASCII)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}

# The longest duration anything may be given: 100 years, as in the mock.
MAX_SECONDS = 100 * 366 * 86400.0

FORMS = (
    'seconds (90 or 1.5), a string such as "90", "500ms", "30s", "5m", "2h" or "3d", or a timedelta'
)

Duration = float | int | str | timedelta


def seconds(value: object, what: str, *, positive: bool = False) -> float:
    """``value`` in seconds; a ``ValueError`` naming ``what`` and the accepted forms if it
    is not a duration from 0 (more than 0 with ``positive``) to 100 years."""
    amount = _amount(value)
    if amount is None or amount > MAX_SECONDS or (positive and amount == 0):
        span = "more than 0 and at most 100 years" if positive else "from 0 to 100 years"
        raise ValueError(f"{what}: {_shown(value)} is not a duration: give {FORMS}; {span}")
    return amount


def optional(value: object, what: str, *, positive: bool = False) -> float | None:
    """As :func:`seconds`, but None stays None (where None means "the default" or "never")."""
    return None if value is None else seconds(value, what, positive=positive)


def _amount(value: object) -> float | None:
    """The seconds ``value`` says, or None if it says none (or a negative or endless one)."""
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
    if not math.isfinite(amount) or amount < 0:
        return None
    return amount + 0.0  # -0.0 is 0


def _shown(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return "a number of more than 40 digits"  # repr() of a huge int may itself refuse
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
