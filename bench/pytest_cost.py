"""What our pytest plugins cost a test run that doesn't use them.

Every project that installs registrar-mock loads its two ``pytest11`` plugins at
each pytest start. In a folder holding one trivial test, this times a bare pytest
(plugin autoloading off, so other installed plugins, which may import the same
libraries, don't hide our cost) with our two plugins and without them,
alternating the two so drifts in machine load fall on both, and reports the
median of each and their difference.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_MS = 50.0
WITH = ["-p", "registrar_mock.testing.pytest_plugin"]
WITH += ["-p", "registrar_mock.contract_tests.pytest_plugin"]


def _time(folder: Path, extra: list[str]) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    environment = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, capture_output=True, env=environment)
    return time.perf_counter() - started


def run(runs: int, say: Callable[[str], None]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
        _time(folder, WITH)  # the first run pays for .pyc writing
        with_plugins, without = [], []
        for _ in range(runs):
            with_plugins.append(_time(folder, WITH))
            without.append(_time(folder, []))
    result = {
        "runs": runs,
        "with_plugins_ms": round(statistics.median(with_plugins) * 1000, 1),
        "without_plugins_ms": round(statistics.median(without) * 1000, 1),
    }
    result["cost_ms"] = round(result["with_plugins_ms"] - result["without_plugins_ms"], 1)
    say(
        f"  pytest start-up: {result['with_plugins_ms']:.0f} ms with our plugins, "
        f"{result['without_plugins_ms']:.0f} ms without ({result['cost_ms']:+.0f} ms)"
    )
    return result
