"""Durations as people write them: ``90``, ``1.5``, ``"500ms"``, ``"30s"``, ``"5m"``, ``"2h"``,
``"3d"``, or a :class:`~datetime.timedelta`. Scenario files, the control API, the
fixtures and the command line all read them here, so they accept the same forms.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from registrar_mock import errors as e
from registrar_mock.clock import MAX_SECONDS

PATTERN = r"(\d+(?:\.\d+)?)(ms|s|m|h|d)"
_DURATION = re.compile(PATTERN)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}

Duration = float | int | str | timedelta


def seconds(value: object) -> float:
    """``value`` in seconds; raises ``ValueError`` (``errors.InvalidRequest``) naming the forms.

    Negative and non-finite amounts are refused too: no duration the mock takes can be one.
    """
    try:
        if isinstance(value, timedelta):
            amount = value.total_seconds()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amount = float(value)  # an integer of hundreds of digits overflows here
        elif isinstance(value, str) and (match := _DURATION.fullmatch(value.strip())):
            amount = float(match.group(1)) * _UNITS[match.group(2)]
        else:
            raise e.BAD_DURATION(value=_shown(value))
    except OverflowError:
        raise e.BAD_DURATION(value=_shown(value)) from None
    if not math.isfinite(amount) or amount < 0 or amount > MAX_SECONDS:
        raise e.BAD_DURATION(value=_shown(value))
    return amount


def _shown(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return "a number of more than 40 digits"  # repr() of a huge int may itself refuse
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
