"""Start-up: from launching ``registrar-mock serve`` to its first 200 answer."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .http import ROOT, free_port, wait_until_up

TARGET_SECONDS = 1.5


def command() -> list[str]:
    """The ``registrar-mock`` script beside this interpreter, else ``-m registrar_mock``."""
    beside = Path(sys.executable).parent / "registrar-mock"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("registrar-mock")
    return [found] if found else [sys.executable, "-m", "registrar_mock"]


def once(scenario: str = "default") -> float:
    """Seconds from spawning the process to a 200 from GET /__mock__/health."""
    port = free_port()
    argv = [*command(), "serve", "--port", str(port), "--scenario", scenario]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        answered = wait_until_up(port, process, started + 30)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return answered - started


def run(runs: int, say: Callable[[str], None]) -> dict[str, Any]:
    once()  # the first launch pays for cold disk caches and .pyc writing
    times = [once() for _ in range(runs)]
    result: dict[str, Any] = {
        "command": " ".join([Path(command()[0]).name, *command()[1:], "serve"]),
        "runs_s": [round(t, 3) for t in times],
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
    }
    say(f"  start-up: median {result['median_s']:.2f} s over {runs} runs")
    if result["median_s"] >= TARGET_SECONDS:
        result["profile"] = import_profile()
    return result


def import_profile(top: int = 10) -> list[dict[str, Any]]:
    """Where start-up goes before serving: the slowest imports (``python -X importtime``)."""
    code = "import registrar_mock.cli, registrar_mock.app, uvicorn"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, module = (part.strip() for part in line[12:].split("|"))
        rows.append((int(own), int(cumulative), module))
    rows.sort(reverse=True)
    return [
        {"module": module, "own_ms": own / 1000, "cumulative_ms": cumulative / 1000}
        for own, cumulative, module in rows[:top]
    ]
