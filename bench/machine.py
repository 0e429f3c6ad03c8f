"""What the bench ran on, and the process's memory, read from /proc where there is one."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def wrk_version() -> str | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    # `wrk -v` prints its banner and exits 1.
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    words = (done.stdout or done.stderr).split()
    # "wrk 4.2.0 [epoll] Copyright ..." or "wrk debian/4.1.0-3+b2 [epoll] ..."
    return words[1] if len(words) > 1 and words[0] == "wrk" else "unknown"


def describe() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": _os_name(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "packages": {
            name: _version(name)
            for name in ("starlette", "uvicorn", "uvloop", "httptools", "httpx")
        },
        "wrk": wrk_version(),
        "argv": sys.argv,
    }


def summary(machine: dict[str, Any]) -> str:
    """One line for the README: CPU, cores, memory, OS, Python."""
    memory = f", {machine['memory_gib']:g} GiB" if machine.get("memory_gib") else ""
    return (
        f"{machine['cpu']}, {machine['cores']} cores{memory}, {machine['os']}, "
        f"Python {machine['python']}, wrk {machine['wrk'] or 'absent'}"
    )


def status_kib(field: str) -> int | None:
    """A `VmRSS`-style field of /proc/self/status, in KiB; None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Resident memory now (VmRSS) in MB (10^6 bytes); the peak where /proc is missing."""
    kib = status_kib("VmRSS")
    if kib is None:
        return peak_rss_mb()
    return kib * 1024 / 1e6


def peak_rss_mb() -> float:
    kib = status_kib("VmHWM")
    if kib is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # Linux reports KiB, macOS bytes.
        kib = peak // 1024 if sys.platform == "darwin" else peak
    return kib * 1024 / 1e6


def load_average() -> float | None:
    """The one-minute load average: other work on the machine makes every number noisier."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None
