"""Durations as people write them: ``90``, ``1.5``, ``"90"``, ``"500ms"``, ``"30s"``, ``"5m"``,
``"2h"``, ``"3d"``, or a :class:`~datetime.timedelta`. Scenario files, the control API, the
fixtures, the clocks and the command line all read them in these forms.

The reading itself is :func:`registrar_mock.clock.duration_seconds` (the clocks take
durations too, and import nothing of the mock); this module turns a refusal into the
mock's ``errors.BAD_DURATION``. The reference client has its own copy of the forms.
"""

from __future__ import annotations

from registrar_mock import errors as e
from registrar_mock.clock import (
    DURATION_FORMS,
    MAX_SECONDS,
    Duration,
    duration_seconds,
    shown_duration,
)

__all__ = ["FORMS", "MAX_SECONDS", "TEXT_FORMS", "Duration", "seconds"]

# What a refusal names: the forms a duration may take.
FORMS = DURATION_FORMS
# The forms that can be written down: on a command line, in JSON (which has no timedelta).
TEXT_FORMS = 'seconds (90 or 1.5) or a string such as "90", "500ms", "30s", "5m", "2h" or "3d"'


def seconds(value: object) -> float:
    """``value`` in seconds; raises ``ValueError`` (``errors.InvalidRequest``) naming the forms.

    Negative, non-finite and longer than 100 years are refused too: no duration the mock
    takes can be one.
    """
    amount = duration_seconds(value)
    if amount is None:
        raise e.BAD_DURATION(value=shown_duration(value))
    return amount
