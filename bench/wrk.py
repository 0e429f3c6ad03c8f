"""Finding (or installing) wrk, and running it with a script that reports JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

LUA = Path(__file__).resolve().parent / "lua"
MARKER = "BENCH_RESULT "

Say = Callable[[str], None]


class WrkMissing(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    bytes: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 1)}


def parse(output: str) -> WrkResult:
    """The result line ``bench/lua/report.lua`` prints at the end of a run."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER) :])
            break
    else:
        raise RuntimeError(f"wrk printed no result line:\n{output}")
    errors = {name: int(raw[f"{name}_errors"]) for name in ("connect", "read", "write", "status")}
    errors["timeout"] = int(raw["timeouts"])
    return WrkResult(
        requests=int(raw["requests"]),
        seconds=raw["duration_us"] / 1e6,
        bytes=int(raw["bytes"]),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=errors,
    )


def script(name: str) -> str:
    """A case's Lua (``bench/lua/NAME.lua``) with the JSON report appended."""
    return (LUA / f"{name}.lua").read_text() + "\n" + (LUA / "report.lua").read_text()


def command(
    wrk: str,
    url: str,
    script_path: Path,
    *,
    seconds: float,
    connections: int,
    threads: int,
    args: Sequence[str] = (),
) -> list[str]:
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script_path),
        url,
        *(["--", *args] if args else []),
    ]


def run(
    wrk: str,
    url: str,
    lua: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    args: Sequence[str] = (),
) -> WrkResult:
    with tempfile.TemporaryDirectory(prefix="registrar-bench-") as folder:
        path = Path(folder) / f"{lua}.lua"
        path.write_text(script(lua))
        argv = command(
            wrk, url, path, seconds=seconds, connections=connections, threads=threads, args=args
        )
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)


def find() -> str | None:
    return shutil.which("wrk")


def _installers() -> list[list[str]]:
    """Ways to install wrk from the system's packages, most likely first."""
    elevate: list[str] = []
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if shutil.which("sudo") is None:
            return []
        elevate = ["sudo", "-n"]
    plans: list[list[str]] = []
    if shutil.which("apt-get"):
        plans.append([*elevate, "apt-get", "install", "-y", "-q", "wrk"])
    if shutil.which("dnf"):
        plans.append([*elevate, "dnf", "install", "-y", "wrk"])
    if shutil.which("brew"):
        plans.append(["brew", "install", "wrk"])
    return plans


def ensure(say: Say, *, install: bool = True) -> str:
    """Path to wrk, installing it from the system packages if it is missing (and saying so)."""
    found = find()
    if found is not None:
        return found
    if not install:
        raise WrkMissing("wrk is not installed (and --no-install was given)")
    plans = _installers()
    if not plans:
        raise WrkMissing(
            "wrk is not installed and no package manager is usable without a password; "
            "install it (e.g. `sudo apt-get install wrk`) and run the bench again"
        )
    for plan in plans:
        say(f"wrk is not installed; installing it from the system packages: {' '.join(plan)}")
        done = subprocess.run(plan, capture_output=True, text=True, check=False)
        if find() is None and "apt-get" in plan:
            # A fresh machine may have no package lists yet.
            update = [*plan[: plan.index("apt-get")], "apt-get", "update", "-q"]
            say(f"  that failed; refreshing the package lists first: {' '.join(update)}")
            subprocess.run(update, capture_output=True, text=True, check=False)
            done = subprocess.run(plan, capture_output=True, text=True, check=False)
        found = find()
        if found is not None:
            say(f"  installed {found}")
            return found
        lines = (done.stderr or done.stdout).strip().splitlines()
        say(f"  failed: {lines[-1] if lines else done.returncode}")
    raise WrkMissing("could not install wrk; install it with your package manager and rerun")
