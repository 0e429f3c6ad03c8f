"""Where a running server spends its time: py-spy samples, summed up for the results.

Optional: py-spy comes with the ``bench`` extra (``pip install -e '.[bench]'``).
Without it, or without permission to attach (ptrace), profiles say why they are missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
TOP = 12


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    return shutil.which("py-spy")


def sample(pid: int, seconds: float, rate: int = 400) -> dict[str, Any]:
    """Sample process ``pid`` for ``seconds`` and summarise the stacks."""
    tool = py_spy()
    if tool is None:
        return {"error": "py-spy is not installed (pip install -e '.[bench]')"}
    with tempfile.TemporaryDirectory(prefix="registrar-bench-spy-") as folder:
        output = Path(folder) / "stacks.txt"
        # --gil: only the thread holding the interpreter is sampled. Without it py-spy
        # counts a thread asleep in C (the log writer waiting for lines to gather) as busy,
        # and showed the writer at 10-18% of a request it costs about 6% of.
        argv = [
            tool, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
            "--rate", str(rate), "--gil", "--format", "raw", "--output", str(output),
        ]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not output.exists():
            lines = (done.stderr or done.stdout).strip().splitlines()
            return {"error": f"py-spy failed: {lines[-1] if lines else done.returncode}"}
        return summarise(output.read_text())


def _frames(stack: str) -> list[tuple[str, str]]:
    frames: list[tuple[str, str]] = []
    for raw in stack.split(";"):
        match = _FRAME.match(raw.strip())
        if match is None:
            frames.append((raw.strip(), "?"))
        else:
            frames.append((match["function"], _module_path(match["file"])))
    return frames


# Where the package's source lives in a checkout, and the name it is imported by: an
# editable install shows py-spy the one, the results speak of the other.
_SOURCE_FOLDERS = {"mock_server/": "registrar_mock/"}


def _module_path(file: str) -> str:
    for folder, package_path in _SOURCE_FOLDERS.items():
        if file.startswith(folder):
            return package_path + file[len(folder) :]
    return file


def package(file: str) -> str:
    if file.startswith("<"):
        return "python"
    head = file.split("/", 1)[0]
    return head.removesuffix(".py")


def summarise(raw: str) -> dict[str, Any]:
    """Own time by function and by package; inclusive time of the mock's own functions."""
    own: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _frames(stack)
        if not frames:
            continue
        total += count
        function, file = frames[-1]
        own[f"{file}:{function}"] += count
        by_package[package(file)] += count
        for name in {f"{f}:{fn}" for fn, f in frames if f.startswith("registrar_mock/")}:
            inclusive[name] += count
    if not total:
        return {"error": "no samples"}

    def share(counter: Counter[str]) -> list[dict[str, Any]]:
        return [{"name": k, "share": round(v / total, 3)} for k, v in counter.most_common(TOP)]

    return {
        "samples": total,
        "own_by_function": share(own),
        "own_by_package": share(by_package),
        "inclusive_mock_server": share(inclusive),
    }
