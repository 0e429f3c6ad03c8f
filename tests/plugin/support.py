"""Running an inner pytest session the way a user's project would: installed plugin, strict."""

from __future__ import annotations

import pytest

# Strict like our own suite. Hypothesis and schemathesis are installed here for other
# tests; their plugins add two seconds to each inner start and nothing to these tests.
INI = """\
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:schemathesis
filterwarnings = error
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A separate Python process, so nothing leaks between the outer and inner sessions."""
    return pytester.runpytest_subprocess(*args, timeout=120)
