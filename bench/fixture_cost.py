"""What the ``registrar_mock`` fixture costs each test that uses it.

A project of ``tests`` trivial tests, each taking the fixture with the default
scenario, runs under pytest in a subprocess; a small plugin there records each
test's setup and teardown times (pytest's own report durations). The median of
their sum is the fixture's cost per test, the test's own body left out.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_MS = 1.0

TESTS = """\
import pytest


@pytest.mark.parametrize("n", range({tests}))
def test_uses_the_mock(registrar_mock, n):
    assert registrar_mock.app is not None
"""

# Collects setup and teardown durations per test and writes them out at the end.
RECORDER = """\
import json
import os

_times = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        _times[report.nodeid] = _times.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open(os.environ["FIXTURE_COST_OUT"], "w") as out:
        json.dump(_times, out)
"""


def run(tests: int, say: Callable[[str], None]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "test_many.py").write_text(TESTS.format(tests=tests))
        (folder / "recorder.py").write_text(RECORDER)
        out = folder / "times.json"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "recorder",
            "-p", "registrar_mock.testing.pytest_plugin",
        ]  # fmt: skip
        environment = {"FIXTURE_COST_OUT": str(out), "PYTHONPATH": str(folder)}
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, env=_environment(environment)
        )
        if done.returncode != 0:
            raise RuntimeError(f"the fixture-cost run failed:\n{done.stdout[-2000:]}")
        times = sorted(json.loads(out.read_text()).values())
    # The first tests pay for imports and caches warming up: they are counted, as a user's
    # suite pays them too, but the median is what a test typically costs.
    result = {
        "tests": len(times),
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p90_ms": round(times[int(len(times) * 0.9)] * 1000, 3),
        "total_s": round(sum(times), 2),
    }
    say(
        f"  {result['tests']} tests: median {result['median_ms']:.2f} ms per test, "
        f"p90 {result['p90_ms']:.2f} ms"
    )
    return result


def _environment(extra: dict[str, str]) -> dict[str, str]:
    environment = {**os.environ, **extra}
    environment.pop("PYTEST_ADDOPTS", None)
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return environment
