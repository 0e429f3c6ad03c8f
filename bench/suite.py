"""How long the project's own tests take: what `make test` runs, on this machine's cores.

The command is the Makefile's (pytest with xdist, two workers); wall time is the
target's measure. Each test's setup, call and teardown times (pytest's
``--durations``) are summed by module and by folder, so a miss comes with where the
time goes; the CPU time of the run and every process it waited for (the workers, the
servers and installs they start) says how fast these cores could run it at best.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 60.0
COMMAND = ("-m", "pytest", "-q", "-p", "xdist", "-n", "2")
_DURATION = re.compile(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)")
_PASSED = re.compile(r"(\d+) passed")


def run(say: Callable[[str], None], top: int = 8) -> dict[str, Any]:
    argv = [sys.executable, *COMMAND, "--durations=0", "-o", "console_output_style=classic"]
    started, before = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - started, _children_cpu() - before
    lines = done.stdout.splitlines()
    by_module: Counter[str] = Counter()
    by_folder: Counter[str] = Counter()
    for line in lines:
        match = _DURATION.match(line)
        if match is None:
            continue
        seconds, module = float(match[1]), match[3].split("::", 1)[0]
        by_module[module] += seconds
        parts = module.split("/")
        by_folder["/".join(parts[:2]) if len(parts) > 2 else module] += seconds
    passed = next((int(m[1]) for m in map(_PASSED.search, reversed(lines)) if m), None)
    say(f"  {wall:.0f} s, exit {done.returncode}, {passed} passed")
    return {
        "wall_s": round(wall, 1),
        "exit_code": done.returncode,
        "passed": passed,
        "test_seconds": round(sum(by_module.values()), 1),
        "cpu_s": round(cpu, 1),
        "cores": len(os.sched_getaffinity(0)),
        "folders": [{"name": n, "seconds": round(s, 1)} for n, s in by_folder.most_common(top)],
        "modules": [{"name": n, "seconds": round(s, 1)} for n, s in by_module.most_common(top)],
        "last_line": lines[-1] if lines else "",
    }


def _children_cpu() -> float:
    """User and system seconds of the processes this one has waited for, and theirs."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
