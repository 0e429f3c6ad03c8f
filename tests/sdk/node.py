"""Running the official Node SDK (pinned in ``tests/sdk/node/package.json``) from tests.

``make test`` installs it with npm when npm is on the machine. Without Node.js the tests
that need it are skipped with a reason that says so, except where
``REGISTRAR_MOCK_REQUIRE_NODE=1`` (CI sets it): there a missing SDK is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

HERE = Path(__file__).parent / "node"
DRIVER = HERE / "call.cjs"
VERSION = json.loads((HERE / "package.json").read_text())["dependencies"]["cloudflare"]


def missing() -> str | None:
    """Why the Node SDK can't run here, or None when it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    installed = HERE / "node_modules" / "cloudflare" / "package.json"
    if not installed.exists():
        return f"the Node SDK is not installed: run `npm ci` in {HERE} (make test does)"
    found = json.loads(installed.read_text())["version"]
    if found != VERSION:
        return f"the Node SDK installed is {found}, not {VERSION}: run `npm ci` in {HERE}"
    return None


def require() -> None:
    """Skip (or, where CI requires the Node SDK, fail) when it can't run here."""
    reason = missing()
    if reason is None:
        return
    if os.environ.get("REGISTRAR_MOCK_REQUIRE_NODE") == "1":
        pytest.fail(f"the Node SDK tests must run here, but {reason}")
    pytest.skip(f"{reason}; the Node SDK tests need it")


def call(client: dict[str, Any], *calls: dict[str, Any], timeout: float = 60) -> list[Any]:
    """Run each call ({"method": "registrar.check", "args": [...]}) with one Node client;
    each result is {"ok": True, "result": ...} or {"ok": False, "error": {...}}."""
    program = json.dumps({"client": client, "calls": list(calls)})
    done = subprocess.run(
        ["node", str(DRIVER)],
        input=program,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the Node driver failed: {done.stderr.strip()}")
    results: list[Any] = json.loads(done.stdout)
    return results


class Session:
    """One Node process that runs program after program (the driver's ``--session`` mode),
    so that a test module starts Node and loads the SDK once, not once per test.

    ``with Session() as node: node.call(client, *calls)`` answers as :func:`call` does.
    """

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Session:
        self._process = subprocess.Popen(
            ["node", str(DRIVER), "--session"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.communicate(timeout=10)  # end of input: the driver exits
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()

    def call(self, client: dict[str, Any], *calls: dict[str, Any]) -> list[Any]:
        """Run each call with one Node client, as :func:`call` does."""
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("the Node session is not running")
        stdout = process.stdout
        process.stdin.write(json.dumps({"client": client, "calls": list(calls)}) + "\n")
        process.stdin.flush()
        line: list[str] = []

        def read() -> None:
            line.append(stdout.readline())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(self.timeout)
        if reader.is_alive() or not line or not line[0]:
            self._process = None  # it hung or ended: it can't run another program
            process.kill()
            _, stderr = process.communicate()
            raise AssertionError(f"the Node driver failed: {stderr.strip() or 'no answer'}")
        results: list[Any] = json.loads(line[0])
        return results
