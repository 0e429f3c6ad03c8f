"""One table of durations, good and bad, for every API that takes one.

The mock (``registrar_mock.durations``) and the reference client
(``registrar_mock.client._durations``) each read durations; both are tested
against these cases, so they accept exactly the same forms.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

MAX_SECONDS = 100 * 366 * 86400

# (value, seconds): what every duration API takes.
GOOD: list[tuple[object, float]] = [
    (0, 0.0),
    (90, 90.0),
    (1.5, 1.5),
    (0.25, 0.25),
    ("90", 90.0),
    ("1.5", 1.5),
    ("500ms", 0.5),
    ("1.5s", 1.5),
    ("30s", 30.0),
    ("5m", 300.0),
    ("1h", 3600.0),
    ("2d", 172800.0),
    ("0s", 0.0),
    (timedelta(days=2), 172800.0),
    (timedelta(milliseconds=250), 0.25),
    (timedelta(0), 0.0),
    (MAX_SECONDS, float(MAX_SECONDS)),
    (f"{MAX_SECONDS}s", float(MAX_SECONDS)),
]

# Zero, which an API that needs a positive duration (a poll interval, a deadline) refuses.
ZERO = [0, 0.0, "0", "0s", "0ms", timedelta(0)]

# What no duration API takes: each raises ValueError naming the accepted forms.
BAD: list[object] = [
    -1,
    -0.5,
    "-1s",
    "-90",
    math.nan,
    math.inf,
    -math.inf,
    "nan",
    "inf",
    True,
    False,
    None,
    "2x",
    "",
    "s",
    "1 h",
    " 2h",
    "2h\n",
    "1.5.5s",
    "1,5s",
    ".5s",
    "5.",
    "1e3",
    "2d3h",
    "\u0663d",  # an Arabic-Indic digit: digits are ASCII
    "90 seconds",
    [1],
    (1,),
    {"seconds": 1},
    b"90",
    object(),
    10**400,  # more than a float holds
    1e300,
    MAX_SECONDS + 1,
    "99999999999d",
    "9" * 400 + "s",
    timedelta(days=-1),
    timedelta.max,
]


def ids(values: list[object]) -> list[str]:
    return [_label(value) for value in values]


def _label(value: object) -> str:
    if type(value) is object:
        return "object()"  # its repr holds an address, which differs between workers
    text = "huge int" if isinstance(value, int) and value > 10**40 else repr(value)
    return text if len(text) <= 30 else text[:27] + "..."


good = pytest.mark.parametrize(("value", "expected"), GOOD, ids=ids([v for v, _ in GOOD]))
bad = pytest.mark.parametrize("value", BAD, ids=ids(BAD))
zero = pytest.mark.parametrize("value", ZERO, ids=ids(ZERO))

# The words every refusal uses to name the forms (the mock's and the client's).
FORMS = ('"500ms", "30s", "5m", "2h" or "3d"', "timedelta", "seconds (90 or 1.5)")


def names_the_forms(message: str) -> bool:
    return all(words in message for words in FORMS)
